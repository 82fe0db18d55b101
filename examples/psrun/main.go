// Command psrun calls the Password Safe API from the shell, as BeyondTrust's
// psrun2 does: the same command lines, the answer printed as a table
// (TAB-separated by default), Name=Value pairs as the body or the query,
// and psrun2's short commands. It is built on the passwordsafe SDK.
//
//	psrun [options] HOST KEY USER METHOD ENDPOINT [Name=Value ...]
//	psrun [options] HOST KEY USER SHORT-COMMAND [PARAMETERS ...]
//
// HOST is a bare host name or IP, with an optional port (127.0.0.1,
// vault.example.com, vault.example.com:8443), which means https://HOST and
// the default API path, or a full URL, used as given. KEY is the API key,
// or "-" to read it from PS_API_KEY so it stays out of process lists. USER
// is "name" or "name;pwd=[password]". METHOD is GET, PUT, POST or DELETE.
//
// Options come before HOST, as psrun2 takes them; psrun reads them between
// and after the arguments too (psrun HOST KEY USER GET Workgroups -quote).
// "--" ends them.
//
// The short commands are psrun2's ("PSRUN User Guide", page "Short
// Commands"): RetrievePassword (alias RetrievePasswordByName), ListAssets,
// ListWorkgroups, ListSystems, ListAccounts, ListAliases, ListGroups,
// ListGroupMembership, ListRequest, ListRoles, ListSmartRules, Request,
// ISARequests, Retrieve and Release, and psrun's RetrieveSecret; psrun
// --help lists their parameters and the calls they make.
//
// RetrievePassword finds the account by name (ManagedAccounts.Get), borrows
// its credential (ManagedAccounts.Checkout), prints it and checks the
// request in. -reuse takes over a request of the user's still open for the
// account (ConflictOption reuse) and checks it in too; -type picks the
// password, the SSH key (dsskey) or its passphrase; -keep leaves the
// request open and prints its ID on a second line; -v prints the request
// ID on stderr, and whether -reuse took over a request open before.
//
// -e runs a command instead of printing the result: the result comes on
// the command's standard input, and a retrieved credential in its
// environment too, as $PSRUN_PASSWORD. psrun splits the command into words
// itself and runs it without a shell, so nothing the server sends can
// change what runs; psrun2's [Password] placeholder is refused, since the
// credential would show in process lists. Give a shell by name when you
// want one: -e 'sh -c "PGPASSWORD=$PSRUN_PASSWORD psql -h db01 -U postgres"'.
package main

import (
	"context"
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

const usageHead = `usage: psrun [options] HOST KEY USER METHOD ENDPOINT [Name=Value ...]
       psrun [options] HOST KEY USER SHORT-COMMAND [PARAMETERS ...]

HOST      host name or IP, with an optional port (127.0.0.1, vault.example.com:8443):
          https://HOST and the default API path; or a full base URL, used as given
KEY       the API key, or - to read it from PS_API_KEY
USER      run-as user: name, domain\user, or "name;pwd=[password]"
METHOD    GET, PUT, POST or DELETE
ENDPOINT  an API path: AccessLevels, ManagedAccounts, Requests/12/Checkin
Name=Value  the body of a PUT or POST (whole numbers and true/false typed), the
          query of a GET or DELETE

Options come before HOST, as psrun2 takes them; psrun also reads them between
and after the arguments. -- ends them. psrun exits 0 on success, 1 on failure.

Short commands (names case aside; parameters in this order, names or IDs):
`

const usageExec = `
-e: the command gets what psrun would print on its standard input and a
retrieved credential (RetrievePassword, ISARequests, Retrieve, RetrieveSecret)
in $PSRUN_PASSWORD. psrun splits it into words (quotes as in sh, nothing
expanded) and runs it without a shell: the credential never becomes part of a
command line. PS_API_KEY, PS_RUNAS_PASSWORD and PS_OAUTH_CLIENT_SECRET are
not passed on. Examples:
  -e "docker login -u deploy --password-stdin registry.example.com"
  -e 'sh -c "PGPASSWORD=$PSRUN_PASSWORD psql -h db01 -U postgres"'
`

const retrieveUsage = `
RetrievePassword flags (psrun's spelling of its positional parameters):
`

// printHelp prints the whole usage: the command lines, the short
// commands with what they call, and the options.
func printHelp(w io.Writer, global, retrieve *flag.FlagSet) {
	fmt.Fprint(w, usageHead)
	for _, sc := range shortCommands() {
		name := sc.name
		if sc.alias != "" {
			name += " (alias " + sc.alias + ")"
		}
		fmt.Fprintf(w, "  %s\n", strings.TrimSpace(name+" "+sc.params))
		for _, l := range strings.Split(sc.help, "\n") {
			fmt.Fprintf(w, "      %s\n", l)
		}
		fmt.Fprintf(w, "      calls %s\n", sc.api)
	}
	fmt.Fprint(w, "\noptions:\n")
	global.SetOutput(w)
	global.PrintDefaults()
	fmt.Fprint(w, usageExec)
	fmt.Fprint(w, retrieveUsage)
	retrieve.SetOutput(w)
	retrieve.PrintDefaults()
}

func run(args []string, stdout, stderr io.Writer, env func(string) string) int {
	var (
		o options
		r retrieveOptions
	)
	global, retrieve := flagSets(&o, &r)
	cmd, err := readCommandLine(args, &o, &r, global, retrieve)
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		printHelp(stdout, global, retrieve)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "psrun: %v\n%s\n", ue.err, ue.usage)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "psrun:", err)
		return 1
	}
	return execute(cmd, &o, stdout, stderr, env)
}

// readCommandLine sets the flags and reads the command the positional
// arguments ask for. Nothing is sent until it has checked them all.
func readCommandLine(args []string, o *options, r *retrieveOptions, global, retrieve *flag.FlagSet) (*command, error) {
	rest, err := parseArgs(args, global, retrieve)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, err
	case err != nil:
		return nil, usageError{err: err, usage: usageCall + "\n" + usageShort + "\n(psrun --help lists the options)"}
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return parseCommand(rest, r, given(retrieve))
}

// execute runs the command and returns the exit code.
func execute(cmd *command, o *options, stdout, stderr io.Writer, env func(string) string) int {
	out := &sink{stdout: stdout, stderr: stderr}
	if o.exec != "" {
		words, err := splitCommand(o.exec)
		if err != nil {
			fmt.Fprintln(stderr, "psrun:", err)
			return 1
		}
		out.command = words
	}
	client, err := newClient(cmd.host, cmd.key, cmd.user, o, stderr, env)
	if err != nil {
		fmt.Fprintln(stderr, "psrun:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	defer func() { _ = client.SignOut(context.WithoutCancel(ctx)) }()

	if err := cmd.run(ctx, &runner{c: client, o: o, out: out, stderr: stderr}); err != nil {
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

// newClient builds the SDK client from HOST, KEY and USER, and the TLS
// options.
func newClient(host, key, user string, o *options, stderr io.Writer, env func(string) string) (*passwordsafe.Client, error) {
	base, err := baseURL(host)
	if err != nil {
		return nil, err
	}
	if key == "-" {
		key = env(passwordsafe.EnvAPIKey)
		if key == "" {
			return nil, errors.New("KEY is - but " + passwordsafe.EnvAPIKey + " is not set")
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
	tc, err := tlsConfig(o, env, stderr)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		opts = append(opts, passwordsafe.WithTLSConfig(tc))
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

// call makes METHOD ENDPOINT with the Name=Value pairs and prints the
// answer.
func call(ctx context.Context, x *runner, method, path string, params pairs) error {
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
	resp, err := x.c.Do(ctx, method, path, body, &raw)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusNoContent {
		raw = nil
	}
	return x.print(raw)
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
