// Command psrun calls the Password Safe API from the shell, with the habits
// of BeyondTrust's psrun2: the answer printed as a table (TAB-separated by
// default), Name=Value pairs as the body or the query, and a short command
// to retrieve a password. It is built on the passwordsafe SDK.
//
//	psrun [flags] HOST KEY USER METHOD PATH [Name=Value ...]
//	psrun [flags] HOST KEY USER RetrievePassword SYSTEM ACCOUNT
//	psrun [flags] HOST KEY USER RetrieveSecret PATH
//
// HOST is a bare host name or IP, with an optional port (127.0.0.1,
// vault.example.com, vault.example.com:8443), which means https://HOST and
// the default API path, or a full URL, used as given. KEY is the API key,
// or "-" to read it from PS_API_KEY so it stays out of process lists. USER
// is "name" or "name;pwd=[password]".
//
// Flags may come anywhere: before, between or after the arguments
// (psrun HOST KEY USER RetrievePassword -duration 5 web01 root, or
// psrun -v HOST KEY USER ...). "--" ends the flags.
//
// RetrievePassword finds the account by name (ManagedAccounts.Get), borrows
// its credential (ManagedAccounts.Checkout), prints it and checks the
// request in. -reuse takes over a request of the user's still open for the
// account (ConflictOption reuse) and checks it in too; -type picks the
// password, the SSH key (dsskey) or its passphrase; -keep leaves the
// request open and prints its ID on a second line; -v prints the request
// ID on stderr, and whether -reuse took over a request open before.
//
// RetrieveSecret reads a Secrets Safe secret by its path, folder path and
// title (prod/db/postgres: Secrets.Find), and prints its value: a
// credential's password, a text, or a file's content, as it is.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/passwordsafe-go/passwordsafe"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

const usage = `usage: psrun [flags] HOST KEY USER METHOD PATH [Name=Value ...]
       psrun [flags] HOST KEY USER RetrievePassword SYSTEM ACCOUNT [RetrievePassword flags]
       psrun [flags] HOST KEY USER RetrieveSecret PATH

HOST   host name or IP, with an optional port (127.0.0.1, vault.example.com:8443):
       https://HOST and the default API path; or a full base URL, used as given
KEY    the API key, or - to read it from PS_API_KEY
USER   run-as user: name, or "name;pwd=[password]"

Flags may come anywhere, before, between or after the arguments; -- ends them.

RetrievePassword SYSTEM ACCOUNT finds the account by name, requests it, waits
for approval, prints the credential and checks the request in.

RetrieveSecret PATH reads the Secrets Safe secret at PATH (folder path and
title, such as prod/db/postgres) and prints its value: a credential's password,
a text, or a file's content as it is.

flags:
`

const retrieveUsage = `
RetrievePassword flags:
`

func run(args []string, stdout, stderr io.Writer, env func(string) string) int {
	var (
		o options
		r retrieveOptions
	)
	global, retrieve := flagSets(&o, &r)
	printUsage := func() {
		fmt.Fprint(stderr, usage)
		global.SetOutput(stderr)
		global.PrintDefaults()
		fmt.Fprint(stderr, retrieveUsage)
		retrieve.SetOutput(stderr)
		retrieve.PrintDefaults()
	}
	cmd, err := readCommandLine(args, &o, &r, global, retrieve)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage()
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "psrun:", err)
		if errors.As(err, new(usageError)) {
			printUsage()
		}
		return 1
	}
	return execute(cmd, &o, &r, stdout, stderr, env)
}

// readCommandLine sets the flags and reads the command the positional
// arguments ask for.
func readCommandLine(args []string, o *options, r *retrieveOptions, global, retrieve *flag.FlagSet) (*command, error) {
	rest, err := parseArgs(args, global, retrieve)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, err
	case err != nil:
		return nil, usageError{err}
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return parseCommand(rest, r, given(retrieve))
}

// usageError is a command line psrun cannot read: the usage follows it.
type usageError struct{ error }

// execute runs the command and returns the exit code.
func execute(cmd *command, o *options, r *retrieveOptions, stdout, stderr io.Writer, env func(string) string) int {
	client, err := newClient(cmd.host, cmd.key, cmd.user, o, stderr, env)
	if err != nil {
		fmt.Fprintln(stderr, "psrun:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	defer func() { _ = client.SignOut(context.WithoutCancel(ctx)) }()

	switch {
	case cmd.retrieve:
		err = retrievePassword(ctx, client, cmd.system, cmd.account, r, o.verbose, stdout, stderr)
	case cmd.secret != "":
		err = retrieveSecret(ctx, client, cmd.secret, stdout)
	default:
		err = call(ctx, client, cmd.method, cmd.path, cmd.pairs, o, stdout)
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

// command is what the positional arguments ask for.
type command struct {
	host, key, user string

	method, path string   // METHOD PATH
	pairs        []string // Name=Value ...

	retrieve        bool // RetrievePassword SYSTEM ACCOUNT
	system, account string

	secret string // RetrieveSecret PATH
}

// parseCommand reads HOST KEY USER and then METHOD PATH [pairs],
// RetrievePassword SYSTEM ACCOUNT or RetrieveSecret PATH. retrieveFlags are the RetrievePassword
// flags given: with METHOD PATH they are a mistake.
func parseCommand(args []string, r *retrieveOptions, retrieveFlags []string) (*command, error) {
	if len(args) >= 4 && strings.EqualFold(args[3], "RetrievePassword") {
		cmd := &command{host: args[0], key: args[1], user: args[2], retrieve: true}
		switch rest := args[4:]; {
		case len(rest) < 2:
			return nil, usageError{errors.New("RetrievePassword needs SYSTEM ACCOUNT")}
		case len(rest) > 2:
			return nil, usageError{fmt.Errorf("RetrievePassword: unexpected %q after SYSTEM ACCOUNT", rest[2])}
		default:
			cmd.system, cmd.account = rest[0], rest[1]
		}
		return cmd, r.check()
	}
	if len(args) >= 4 && strings.EqualFold(args[3], "RetrieveSecret") {
		switch {
		case len(args) < 5:
			return nil, usageError{errors.New("RetrieveSecret needs PATH")}
		case len(args) > 5:
			return nil, usageError{fmt.Errorf("RetrieveSecret: unexpected %q after PATH", args[5])}
		case len(retrieveFlags) > 0:
			return nil, fmt.Errorf("%s: a RetrievePassword flag, not for RetrieveSecret", strings.Join(retrieveFlags, ", "))
		}
		return &command{host: args[0], key: args[1], user: args[2], secret: args[4]}, nil
	}
	if len(args) < 5 {
		return nil, usageError{errors.New("need HOST KEY USER METHOD PATH")}
	}
	if len(retrieveFlags) > 0 {
		return nil, fmt.Errorf("%s: a RetrievePassword flag, not for %s %s", strings.Join(retrieveFlags, ", "), args[3], args[4])
	}
	return &command{host: args[0], key: args[1], user: args[2], method: args[3], path: args[4], pairs: args[5:]}, nil
}

func (r *retrieveOptions) check() error {
	r.credType = strings.ToLower(r.credType)
	switch passwordsafe.CredentialType(r.credType) {
	case passwordsafe.CredentialPassword, passwordsafe.CredentialDSSKey, passwordsafe.CredentialPassphrase:
	default:
		return fmt.Errorf("-type %q: want password, dsskey or passphrase", r.credType)
	}
	if r.duration < 1 || r.duration > 525600 {
		return fmt.Errorf("-duration %d: want 1-525600 minutes", r.duration)
	}
	return nil
}

// baseURL turns HOST into the base URL the client is built with: a full
// URL (it has a scheme) as given, a bare host or IP, with an optional port
// (and at most a trailing slash), as https://HOST, which the SDK completes
// with the default API path. A bare IPv6 address is bracketed. A host with
// a path is refused: a custom path needs the full URL.
func baseURL(host string) (string, error) {
	if strings.Contains(host, "://") {
		return host, nil
	}
	h := strings.TrimSpace(host)
	if ip := net.ParseIP(h); ip != nil && strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	u, err := url.Parse("https://" + h)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("HOST %q: give a host name or IP with an optional port (vault.example.com:8443), "+
			"or a full URL (https://vault.example.com/BeyondTrust/api/public/v3/)", host)
	}
	return "https://" + u.Host, nil
}

// newClient builds the SDK client from HOST, KEY and USER.
func newClient(host, key, user string, o *options, stderr io.Writer, env func(string) string) (*passwordsafe.Client, error) {
	base, err := baseURL(host)
	if err != nil {
		return nil, err
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
// outside 2xx the status, the reason code and the server's message; for
// RetrievePassword also what became of the request.
func describe(err error) string {
	var (
		he *hintError
		ke *keptError
		ce *passwordsafe.CheckoutError
	)
	switch {
	case errors.As(err, &he):
		return describe(he.err) + " (" + he.hint + ")"
	case errors.As(err, &ke):
		return describe(ke.err) + fmt.Sprintf(" (-keep: request %d was not checked in)", ke.requestID)
	case errors.As(err, &ce) && ce.RequestID != 0:
		return describe(ce.Err) + " (" + fate(ce) + ")"
	case errors.As(err, &ce):
		return describe(ce.Err)
	}
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

// fate says, in psrun's terms, what became of the request of a checkout
// that ended before the credential was printed.
func fate(ce *passwordsafe.CheckoutError) string {
	id := ce.RequestID
	switch {
	case ce.CheckedIn:
		return fmt.Sprintf("request %d was checked in", id)
	case errors.Is(ce.Err, passwordsafe.ErrNotApproved):
		return fmt.Sprintf("request %d is still pending: it ends when an approver denies it or it expires", id)
	}
	return fmt.Sprintf("request %d was not checked in; if GET Requests still lists it, check it in with PUT Requests/%d/Checkin", id, id)
}
