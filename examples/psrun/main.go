// Command psrun calls the Password Safe API from the shell, with the habits
// of BeyondTrust's psrun2: the answer printed as a table (TAB-separated by
// default), Name=Value pairs as the body or the query, and a short command
// to retrieve a password. It is built on the passwordsafe SDK.
//
//	psrun [flags] HOST KEY USER METHOD PATH [Name=Value ...]
//	psrun [flags] HOST KEY USER RetrievePassword SYSTEM ACCOUNT [-duration N] [-reason R] [-keep]
//
// HOST is a host name or IP (https and the default API path) or a full URL.
// KEY is the API key, or "-" to read it from PS_API_KEY so it stays out of
// process lists. USER is "name" or "name;pwd=[password]".
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

const usage = `usage: psrun [flags] HOST KEY USER METHOD PATH [Name=Value ...]
       psrun [flags] HOST KEY USER RetrievePassword SYSTEM ACCOUNT [-duration N] [-reason R] [-keep]

HOST   host name or IP (https, default API path), or a full base URL
KEY    the API key, or - to read it from PS_API_KEY
USER   run-as user: name, or "name;pwd=[password]"

flags:
`

// options are psrun's flags.
type options struct {
	quote     bool
	separator string
	noHeaders bool
	filter    string
	json      bool
	insecure  bool
	allowHTTP bool
	verbose   bool
	timeout   time.Duration
}

func run(args []string, stdout, stderr io.Writer, env func(string) string) int {
	var o options
	fs := flag.NewFlagSet("psrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.quote, "quote", false, "quote every field (embedded quotes doubled)")
	fs.StringVar(&o.separator, "separator", "\t", "field separator")
	fs.BoolVar(&o.noHeaders, "noheaders", false, "leave out the header line")
	fs.StringVar(&o.filter, "filter", "", "print only these columns, in this order: \"ColA,ColB\"")
	fs.BoolVar(&o.json, "json", false, "print the answer's body as received")
	fs.BoolVar(&o.insecure, "insecure", false, "skip TLS certificate verification (unsafe)")
	fs.BoolVar(&o.allowHTTP, "allow-http", false, "permit an http:// URL to a host that is not loopback")
	fs.BoolVar(&o.verbose, "v", false, "log each HTTP attempt to stderr (never a key or password)")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up after this long")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	rest := fs.Args()
	if len(rest) < 5 {
		fmt.Fprintln(stderr, "psrun: need HOST KEY USER METHOD PATH")
		fs.Usage()
		return 1
	}
	if err := o.check(); err != nil {
		fmt.Fprintln(stderr, "psrun:", err)
		return 1
	}
	client, err := newClient(rest[0], rest[1], rest[2], &o, stderr, env)
	if err != nil {
		fmt.Fprintln(stderr, "psrun:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	defer func() { _ = client.SignOut(context.WithoutCancel(ctx)) }()

	if strings.EqualFold(rest[3], "RetrievePassword") {
		err = retrievePassword(ctx, client, rest[4:], stdout, stderr)
	} else {
		err = call(ctx, client, rest[3], rest[4], rest[5:], &o, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "psrun:", describe(err))
		return 1
	}
	return 0
}

func (o *options) check() error {
	if o.separator == "" {
		return errors.New("-separator must not be empty")
	}
	if o.timeout <= 0 {
		return errors.New("-timeout must be positive")
	}
	return nil
}

// newClient builds the SDK client from HOST, KEY and USER.
func newClient(host, key, user string, o *options, stderr io.Writer, env func(string) string) (*passwordsafe.Client, error) {
	base := host
	if !strings.Contains(host, "://") {
		base = "https://" + host
	}
	if key == "-" {
		key = env("PS_API_KEY")
		if key == "" {
			return nil, errors.New("KEY is - but PS_API_KEY is not set")
		}
	}
	name, pwd, err := parseUser(user)
	if err != nil {
		return nil, err
	}
	opts := []passwordsafe.Option{
		passwordsafe.WithAPIKey(key, name),
		passwordsafe.WithUserAgent("psrun/" + passwordsafe.Version),
	}
	if pwd != "" {
		opts = append(opts, passwordsafe.WithRunAsPassword(pwd))
	}
	if o.insecure {
		fmt.Fprintln(stderr, "psrun: warning: -insecure: TLS certificates are not verified")
		opts = append(opts, passwordsafe.WithTLSConfig(&tls.Config{InsecureSkipVerify: true})) //nolint:gosec // asked for by -insecure
	}
	if o.allowHTTP {
		opts = append(opts, passwordsafe.WithAllowHTTP())
	}
	if o.verbose {
		opts = append(opts, passwordsafe.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	return passwordsafe.NewClient(base, opts...)
}

// parseUser splits "name;pwd=[password]".
func parseUser(user string) (name, pwd string, err error) {
	name, rest, found := strings.Cut(user, ";")
	name = strings.TrimSpace(name)
	if name == "" {
		return "", "", errors.New("USER is empty")
	}
	if !found || strings.TrimSpace(rest) == "" {
		return name, "", nil
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "pwd=[") || !strings.HasSuffix(strings.TrimSuffix(rest, ";"), "]") {
		return "", "", errors.New(`USER must be "name" or "name;pwd=[password]"`)
	}
	pwd = strings.TrimSuffix(strings.TrimSuffix(rest, ";"), "]")[len("pwd=["):]
	if pwd == "" {
		return "", "", errors.New("USER has an empty pwd=[]")
	}
	return name, pwd, nil
}

// call makes METHOD PATH with the Name=Value pairs and prints the answer.
func call(ctx context.Context, c *passwordsafe.Client, method, path string, pairs []string, o *options, stdout io.Writer) error {
	method = strings.ToUpper(method)
	params, err := parsePairs(pairs)
	if err != nil {
		return err
	}
	var body any
	if len(params) > 0 {
		switch method {
		case http.MethodPost, http.MethodPut:
			body = params.jsonBody()
		default:
			path = addQuery(path, params)
		}
	}
	var raw []byte
	resp, err := c.Do(ctx, method, path, body, &raw)
	if err != nil {
		return err
	}
	if o.json {
		if len(raw) > 0 {
			_, err = stdout.Write(raw)
			if err == nil && raw[len(raw)-1] != '\n' {
				_, err = io.WriteString(stdout, "\n")
			}
		}
		return err
	}
	if resp.StatusCode == http.StatusNoContent || len(raw) == 0 {
		return nil
	}
	return printTable(stdout, raw, o)
}

func addQuery(path string, params pairs) string {
	q := make(url.Values, len(params))
	for _, p := range params {
		q.Add(p.name, p.value)
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + q.Encode()
}

// describe turns an error into the one line psrun prints: for an answer
// outside 2xx the status, the reason code and the server's message.
func describe(err error) string {
	var er *passwordsafe.ErrorResponse
	if errors.As(err, &er) {
		parts := []string{fmt.Sprint(er.StatusCode)}
		if er.Code != 0 {
			parts = append(parts, fmt.Sprint(er.Code))
		}
		msg := er.Message
		if msg == "" {
			msg = http.StatusText(er.StatusCode)
		}
		parts = append(parts, msg)
		return strings.Join(parts, " ")
	}
	return strings.TrimPrefix(err.Error(), "passwordsafe: ")
}
