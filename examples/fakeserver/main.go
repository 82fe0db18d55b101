// Command fakeserver serves the fake Password Safe of package
// passwordsafetest (the one the SDK's own tests use), so that tools in any
// language can be written and tested without a real server.
//
//	go run ./examples/fakeserver [-addr 127.0.0.1:8080] [-api-key KEY] [-seed seed.json] [-json] [-env FILE]
//
// It prints the base URL, the credentials and the seeded users, accounts,
// aliases and Secrets Safe secrets, then serves until interrupted (SIGINT
// or SIGTERM).
//
// For scripts: -json prints one JSON object on one line of stdout instead
// of the banner (url, apiKey, oauth, users, systems, accounts, aliases,
// safes, folders, secrets),
// and -env FILE writes KEY=VALUE lines (PS_URL, PS_API_KEY,
// PS_OAUTH_CLIENT_ID, PS_OAUTH_CLIENT_SECRET, PS_OAUTH_RUNAS, PS_USERS) to
// FILE, readable by the owner only, before the server is announced. Both
// are written once the server listens, so a script that has read them can
// call it. -seed loads a JSON seed file; its schema is in package
// passwordsafetest's documentation, with an example in
// passwordsafetest/testdata/seed.example.json.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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

// run serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	apiKey := fs.String("api-key", passwordsafetest.DefaultAPIKey, "API key the server accepts")
	seed := fs.String("seed", "", "JSON seed file (schema: package passwordsafetest)")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout instead of the banner")
	envFile := fs.String("env", "", "write KEY=VALUE lines (PS_URL, PS_API_KEY, ...) to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fakeserver: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	opts := []passwordsafetest.ServerOption{passwordsafetest.WithAPIKey(*apiKey)}
	if *seed != "" {
		opts = append(opts, passwordsafetest.WithSeedFile(*seed))
	}
	srv, err := passwordsafetest.Start(*addr, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver: %v\n", err)
		return 1
	}
	defer srv.Close()

	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(envLines(srv)), 0o600); err != nil {
			fmt.Fprintf(stderr, "fakeserver: %v\n", err)
			return 1
		}
	}
	if *asJSON {
		b, err := json.Marshal(describe(srv))
		if err != nil {
			fmt.Fprintf(stderr, "fakeserver: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		printSeed(stdout, srv)
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

// info is what -json prints.
type info struct {
	URL      string                    `json:"url"`
	APIKey   string                    `json:"apiKey"`
	OAuth    oauthInfo                 `json:"oauth"`
	Users    []passwordsafetest.User   `json:"users"`
	Systems  []passwordsafetest.System `json:"systems"`
	Accounts []accountInfo             `json:"accounts"`
	Aliases  []passwordsafetest.Alias  `json:"aliases"`

	Safes   []passwordsafetest.SafeInfo   `json:"safes"`
	Folders []passwordsafetest.FolderInfo `json:"folders"`
	Secrets []passwordsafetest.SecretInfo `json:"secrets"`
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

func describe(srv *passwordsafetest.Server) info {
	out := info{
		URL: srv.URL(), APIKey: srv.APIKey(),
		OAuth:   oauthInfo{ClientID: srv.OAuthClientID(), ClientSecret: srv.OAuthClientSecret(), RunAs: srv.OAuthUser()},
		Users:   srv.Users(),
		Systems: srv.Systems(),
		Aliases: srv.Aliases(),
		Safes:   srv.Safes(), Folders: srv.Folders(), Secrets: srv.Secrets(),
	}
	for _, a := range srv.Accounts() {
		sysID, _, _ := srv.AccountIDs(a.System, a.Name)
		a.GenerateSSHKey = false
		out.Accounts = append(out.Accounts, accountInfo{Account: a, SystemID: sysID})
	}
	return out
}

// envLines is the -env file: KEY=VALUE lines, no quoting (no value holds
// a newline; user names hold no comma).
func envLines(srv *passwordsafetest.Server) string {
	var names []string
	for _, u := range srv.Users() {
		names = append(names, u.UserName)
	}
	var b strings.Builder
	for _, kv := range [][2]string{
		{"PS_URL", srv.URL()},
		{"PS_API_KEY", srv.APIKey()},
		{"PS_OAUTH_CLIENT_ID", srv.OAuthClientID()},
		{"PS_OAUTH_CLIENT_SECRET", srv.OAuthClientSecret()},
		{"PS_OAUTH_RUNAS", srv.OAuthUser()},
		{"PS_USERS", strings.Join(names, ",")},
	} {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
	}
	return b.String()
}

func printSeed(w io.Writer, srv *passwordsafetest.Server) {
	fmt.Fprintf(w, "Password Safe fake serving at %s\n\n", srv.URL())
	fmt.Fprintf(w, "API key:             %s\n", srv.APIKey())
	fmt.Fprintf(w, "OAuth client id:     %s\n", srv.OAuthClientID())
	fmt.Fprintf(w, "OAuth client secret: %s (acts as user %q)\n", srv.OAuthClientSecret(), srv.OAuthUser())
	fmt.Fprintf(w, "Sign in:             Authorization: PS-Auth key=<API key>; runas=<user>;\n\n")

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
