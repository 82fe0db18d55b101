// Command fakeserver serves the fake Password Safe of package
// passwordsafetest (the one the SDK's own tests use), so that tools in any
// language can be written and tested without a real server.
//
//	go run ./examples/fakeserver [-addr 127.0.0.1:8080] [-tls [-ca-file FILE]]
//		[-api-key KEY] [-oauth-client ID:SECRET] [-oauth-runas USER]
//		[-seed seed.json] [-start 2026-01-15T09:30:00Z]
//		[-control 127.0.0.1:0] [-allow-host NAME]... [-any-host]
//		[-json] [-env FILE]
//
// It prints the base URL, the credentials, the control API's URL and token
// and the seeded users, accounts, aliases and Secrets Safe secrets, then
// serves until interrupted (SIGINT or SIGTERM).
//
// -tls serves HTTPS with a self-signed certificate made at start (the
// vendor's clients refuse http); the certificate, which is its own CA, is
// written to -ca-file, or to a file in a new temporary directory removed
// at exit, and the path is printed (and written as PS_CA_FILE by -env):
// trust it with curl --cacert, REQUESTS_CA_BUNDLE (Python),
// NODE_EXTRA_CA_CERTS, or this SDK's WithTLSConfig.
// -oauth-client sets the OAuth client the fake accepts: a GUID and a 36-64
// character secret, as the server issues them. -start stops the fake's
// clock at a moment, so that every date it writes is reproducible.
//
// Tests in other languages drive the fake from outside the process through
// the control API (approve or deny pending requests, expire them, advance
// the clock, list what is open): see control.go. It listens on its own
// loopback address (-control; "off" turns it off) and answers only to
// "Authorization: Bearer <token>", the token printed at start.
//
// For scripts: -json prints one JSON object on one line of stdout instead
// of the banner (url, apiKey, oauth, caFile, control, users, systems,
// accounts, aliases, safes, folders, secrets), and -env FILE writes KEY=VALUE lines (PS_URL,
// PS_API_KEY, PS_OAUTH_CLIENT_ID, PS_OAUTH_CLIENT_SECRET, PS_OAUTH_RUNAS,
// PS_USERS, PS_CA_FILE with -tls, PS_FAKE_CONTROL_URL and
// PS_FAKE_CONTROL_TOKEN) to FILE. Both are written once the server
// listens, so a script that has read them can call it. -seed loads a JSON
// seed file; its schema is in package passwordsafetest's documentation,
// with an example in passwordsafetest/testdata/seed.example.json.
//
// The process is meant for one machine. The env file and the CA file are
// written to a temporary file in the same directory, then renamed over the
// target: never through a symlink, and the env file (it holds the key) is
// readable by its owner only, even when it existed before. The fake
// refuses calls whose Host header names another host than an IP address or
// localhost (a web page could otherwise reach it through DNS rebinding);
// -allow-host adds names, -any-host turns the check off. Listening beyond
// loopback prints a warning on stderr: anyone who can reach the port can
// sign in with the printed key.
package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// flags are the command line.
type flags struct {
	addr, apiKey, seed, envFile, caFile, control string
	oauthClient, oauthRunAs, start               string
	asJSON, tls, anyHost                         bool
	allowHosts                                   []string
}

func parseFlags(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&f.apiKey, "api-key", passwordsafetest.DefaultAPIKey, "API key the server accepts")
	fs.StringVar(&f.seed, "seed", "", "JSON seed file (schema: package passwordsafetest)")
	fs.BoolVar(&f.tls, "tls", false, "serve HTTPS with a self-signed certificate")
	fs.StringVar(&f.caFile, "ca-file", "", "with -tls: write the certificate to trust here (default: a temporary file)")
	fs.StringVar(&f.oauthClient, "oauth-client", "", "OAuth client the server accepts, ID:SECRET (a GUID and 36-64 characters)")
	fs.StringVar(&f.oauthRunAs, "oauth-runas", "", "user the OAuth client acts as (default: requestor)")
	fs.StringVar(&f.start, "start", "", "stop the fake's clock at this RFC 3339 time (default: the wall clock)")
	fs.StringVar(&f.control, "control", "127.0.0.1:0", `loopback address of the control API, or "off"`)
	fs.Func("allow-host", "serve this host name too (repeatable; .example.com allows its subdomains)", func(v string) error {
		f.allowHosts = append(f.allowHosts, v)
		return nil
	})
	fs.BoolVar(&f.anyHost, "any-host", false, "serve any Host header (turns off the DNS rebinding check)")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object on stdout instead of the banner")
	fs.StringVar(&f.envFile, "env", "", "write KEY=VALUE lines (PS_URL, PS_API_KEY, ...) to this file")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch {
	case fs.NArg() > 0:
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case f.caFile != "" && !f.tls:
		return f, errors.New("-ca-file needs -tls")
	case f.oauthRunAs != "" && f.oauthClient == "":
		return f, errors.New("-oauth-runas needs -oauth-client")
	case f.control != "off" && !isLoopback(hostOf(f.control)):
		return f, fmt.Errorf("-control %s: the control API listens on loopback only (127.0.0.1, ::1 or localhost)", f.control)
	}
	return f, nil
}

// serverOptions turns the flags into the fake's options.
func (f flags) serverOptions() ([]passwordsafetest.ServerOption, error) {
	opts := []passwordsafetest.ServerOption{passwordsafetest.WithAPIKey(f.apiKey)}
	if f.seed != "" {
		opts = append(opts, passwordsafetest.WithSeedFile(f.seed))
	}
	if f.tls {
		opts = append(opts, passwordsafetest.WithTLS())
	}
	if !f.anyHost {
		opts = append(opts, passwordsafetest.WithAllowedHosts(f.allowHosts...))
	}
	if f.oauthClient != "" {
		id, secret, ok := strings.Cut(f.oauthClient, ":")
		if !ok {
			return nil, errors.New("-oauth-client: give ID:SECRET")
		}
		opts = append(opts, passwordsafetest.WithOAuthClient(id, secret, f.oauthRunAs))
	}
	if f.start != "" {
		t, err := time.Parse(time.RFC3339, f.start)
		if err != nil {
			return nil, fmt.Errorf("-start: %w", err)
		}
		opts = append(opts, passwordsafetest.WithTime(t))
	}
	return opts, nil
}

// run serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "fakeserver: %v\n", err)
		}
		return 2
	}
	opts, err := f.serverOptions()
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver: %v\n", err)
		return 2
	}
	srv, err := passwordsafetest.Start(f.addr, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver: %v\n", err)
		return 1
	}
	defer srv.Close()
	if host := hostOf(f.addr); !isLoopback(host) {
		fmt.Fprintf(stderr, "fakeserver: warning: listening on %s, beyond loopback: anyone who can reach this port can sign in with the key printed below\n", f.addr)
	}

	out := info{}
	if f.tls {
		path, cleanup, err := writeCA(srv, f.caFile)
		if err != nil {
			fmt.Fprintf(stderr, "fakeserver: %v\n", err)
			return 1
		}
		defer cleanup()
		out.CAFile = path
	}
	if f.control != "off" {
		url, token, stopControl, err := serveControl(srv, f.control)
		if err != nil {
			fmt.Fprintf(stderr, "fakeserver: %v\n", err)
			return 1
		}
		defer stopControl()
		out.Control = &controlInfo{URL: url, Token: token}
	}
	describe(srv, &out)
	if f.envFile != "" {
		if err := writeFileAtomic(f.envFile, []byte(envLines(out)), 0o600); err != nil {
			fmt.Fprintf(stderr, "fakeserver: %v\n", err)
			return 1
		}
	}
	if f.asJSON {
		b, err := json.Marshal(out)
		if err != nil {
			fmt.Fprintf(stderr, "fakeserver: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		printSeed(stdout, srv, out)
	}

	<-ctx.Done()
	fmt.Fprintln(stderr, "fakeserver: shutting down...")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "fakeserver: graceful shutdown: %v; closing\n", err)
	}
	return 0
}

// hostOf returns the host of host:port ("" for ":8080", all interfaces).
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// isLoopback reports whether host is a loopback address or localhost;
// "" (every interface) and other names are not.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveControl starts the control API on its own listener and returns its
// URL, its token and how to stop it.
func serveControl(srv *passwordsafetest.Server, addr string) (string, string, func(), error) {
	c := newControl(srv)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", "", nil, fmt.Errorf("-control: %w", err)
	}
	hs := &http.Server{Handler: c, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", c.token, func() { _ = hs.Close() }, nil
}

// writeCA writes the fake's certificate (PEM) to path, or to a new
// temporary directory that cleanup removes.
func writeCA(srv *passwordsafetest.Server, path string) (string, func(), error) {
	cleanup := func() {}
	if path == "" {
		dir, err := os.MkdirTemp("", "fakeserver-")
		if err != nil {
			return "", nil, err
		}
		path, cleanup = filepath.Join(dir, "ca.pem"), func() { _ = os.RemoveAll(dir) }
	}
	if err := writeFileAtomic(path, certificatePEM(srv), 0o644); err != nil {
		cleanup()
		return "", nil, err
	}
	return path, cleanup, nil
}

// writeFileAtomic writes data to a new file in path's directory, gives it
// perm, and renames it over path: a file that existed gets the new mode
// too, a symlink at path is replaced rather than followed, and a reader
// never sees half a file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// info is what -json prints.
type info struct {
	URL      string                    `json:"url"`
	APIKey   string                    `json:"apiKey"`
	OAuth    oauthInfo                 `json:"oauth"`
	CAFile   string                    `json:"caFile,omitempty"`  // -tls: the certificate to trust
	Control  *controlInfo              `json:"control,omitempty"` // nil with -control off
	Users    []passwordsafetest.User   `json:"users"`
	Systems  []passwordsafetest.System `json:"systems"`
	Accounts []accountInfo             `json:"accounts"`
	Aliases  []passwordsafetest.Alias  `json:"aliases"`

	Safes   []passwordsafetest.SafeInfo   `json:"safes"`
	Folders []passwordsafetest.FolderInfo `json:"folders"`
	Secrets []passwordsafetest.SecretInfo `json:"secrets"`
}

// controlInfo is where the control API answers, and its token.
type controlInfo struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

type oauthInfo struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	RunAs        string `json:"runAs"`
}

// accountInfo is an account as -json shows it: its IDs and policy, and its
// credentials as they were at start.
type accountInfo struct {
	passwordsafetest.Account
	SystemID int `json:"systemId"`
}

// describe fills in what the server says of itself beside out's CAFile and
// Control.
func describe(srv *passwordsafetest.Server, out *info) {
	out.URL, out.APIKey = srv.URL(), srv.APIKey()
	out.OAuth = oauthInfo{ClientID: srv.OAuthClientID(), ClientSecret: srv.OAuthClientSecret(), RunAs: srv.OAuthUser()}
	out.Users, out.Systems, out.Aliases = srv.Users(), srv.Systems(), srv.Aliases()
	out.Safes, out.Folders, out.Secrets = srv.Safes(), srv.Folders(), srv.Secrets()
	for _, a := range srv.Accounts() {
		sysID, _, _ := srv.AccountIDs(a.System, a.Name)
		a.GenerateSSHKey = false
		out.Accounts = append(out.Accounts, accountInfo{Account: a, SystemID: sysID})
	}
}

// envLines is the -env file: KEY=VALUE lines, no quoting (no value holds
// a newline; user names hold no comma).
func envLines(out info) string {
	var names []string
	for _, u := range out.Users {
		names = append(names, u.UserName)
	}
	vars := [][2]string{
		{"PS_URL", out.URL},
		{"PS_API_KEY", out.APIKey},
		{"PS_OAUTH_CLIENT_ID", out.OAuth.ClientID},
		{"PS_OAUTH_CLIENT_SECRET", out.OAuth.ClientSecret},
		{"PS_OAUTH_RUNAS", out.OAuth.RunAs},
		{"PS_USERS", strings.Join(names, ",")},
	}
	if out.CAFile != "" {
		vars = append(vars, [2]string{"PS_CA_FILE", out.CAFile})
	}
	if out.Control != nil {
		vars = append(vars, [2]string{"PS_FAKE_CONTROL_URL", out.Control.URL}, [2]string{"PS_FAKE_CONTROL_TOKEN", out.Control.Token})
	}
	var b strings.Builder
	for _, kv := range vars {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
	}
	return b.String()
}

// certificatePEM is the fake's certificate, PEM-encoded.
func certificatePEM(srv *passwordsafetest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func printSeed(w io.Writer, srv *passwordsafetest.Server, out info) {
	fmt.Fprintf(w, "Password Safe fake serving at %s\n\n", srv.URL())
	fmt.Fprintf(w, "API key:             %s\n", srv.APIKey())
	fmt.Fprintf(w, "OAuth client id:     %s\n", srv.OAuthClientID())
	fmt.Fprintf(w, "OAuth client secret: %s (acts as user %q)\n", srv.OAuthClientSecret(), srv.OAuthUser())
	fmt.Fprintf(w, "Sign in:             Authorization: PS-Auth key=<API key>; runas=<user>;\n")
	if out.CAFile != "" {
		fmt.Fprintf(w, "CA certificate:      %s (trust it: curl --cacert, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS)\n", out.CAFile)
	}
	if out.Control != nil {
		fmt.Fprintf(w, "Control API:         %s (Authorization: Bearer %s)\n", out.Control.URL, out.Control.Token)
	}
	fmt.Fprintln(w)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER ID\tUSER NAME\tNAME\tROLES\tSECRETS SAFE\tRUN-AS PASSWORD")
	for _, u := range srv.Users() {
		pwd := "-"
		if u.RunAsPassword != "" {
			pwd = "pwd=[" + u.RunAsPassword + "]"
		}
		roles := make([]string, 0, len(u.Roles))
		for _, r := range u.Roles {
			roles = append(roles, string(r))
		}
		secrets := u.SecretsSafe
		if secrets == "" {
			secrets = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.UserName, u.Name, strings.Join(roles, ", "), secrets, pwd)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)

	fmt.Fprintln(tw, "SYSTEM ID\tSYSTEM\tACCOUNT ID\tACCOUNT\tACCESS TYPES\tAPPROVALS")
	for _, a := range srv.Accounts() {
		sysID, _, _ := srv.AccountIDs(a.System, a.Name)
		name := a.Name
		if a.Domain != "" {
			name = a.Domain + `\` + name
		}
		types := strings.Join(a.Access, ", ")
		if len(a.Applications) > 0 {
			ids := make([]int, 0, len(a.Applications))
			for id := range a.Applications {
				ids = append(ids, id)
			}
			sort.Ints(ids)
			for _, id := range ids {
				types += fmt.Sprintf(" (ApplicationID %d %q)", id, a.Applications[id])
			}
		}
		approvals := "auto-approved"
		if a.Policy.Approvals > 0 {
			who := "any approver"
			if a.Policy.Approvers != nil {
				who = strings.Join(a.Policy.Approvers, ", ")
			}
			approvals = fmt.Sprintf("%d of %s", a.Policy.Approvals, who)
		}
		if a.PrivateKey != "" {
			approvals += "; has an SSH key and passphrase"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", sysID, a.System, a.ID, name, types, approvals)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)

	fmt.Fprintln(tw, "ALIAS ID\tALIAS\tSTATE\tMAPPED TO (system/account)")
	states := map[int]string{0: "0 unmapped", 1: "1 mapped", 2: "2 highly available"}
	for _, al := range srv.Aliases() {
		var mapped []string
		for _, m := range al.Accounts {
			mapped = append(mapped, m.System+"/"+m.Account)
		}
		if len(mapped) == 0 {
			mapped = []string{"-"}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", al.ID, al.Name, states[min(len(al.Accounts), 2)], strings.Join(mapped, ", "))
	}
	_ = tw.Flush()
	fmt.Fprintln(w)

	fmt.Fprintln(tw, "SECRET ID\tSECRET PATH\tTYPE\tSAFE MEMBERS")
	members := map[string]string{}
	for _, sf := range srv.Safes() {
		members[sf.Name] = "everyone with Secrets Safe"
		if len(sf.Members) > 0 {
			members[sf.Name] = strings.Join(sf.Members, ", ")
		}
	}
	for _, sc := range srv.Secrets() {
		safe, _, _ := strings.Cut(sc.Path, "/")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sc.ID, sc.Path, sc.Type, members[safe])
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nPress Ctrl+C to stop.")
}
