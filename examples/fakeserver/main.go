// Command fakeserver serves the in-memory fake of the BeyondTrust Password
// Safe public API (v3) that the SDK's tests use, so that tools can be
// written and tried without a real server.
//
//	go run ./examples/fakeserver [-addr 127.0.0.1:8080] [-api-key KEY]
//
// It prints the base URL, the credentials and the seeded users, accounts
// and aliases, then serves until interrupted (SIGINT or SIGTERM).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
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
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (host:port)")
	apiKey := flag.String("api-key", passwordsafetest.DefaultAPIKey, "API key the server accepts")
	flag.Parse()

	srv, err := passwordsafetest.StartAt(*addr, passwordsafetest.Config{APIKey: *apiKey})
	if err != nil {
		log.Fatalf("fakeserver: %v", err)
	}
	printSeed(os.Stdout, srv, *apiKey)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	stop()

	fmt.Println("\nshutting down...")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("fakeserver: graceful shutdown: %v; closing", err)
		_ = srv.Close()
	}
}

func printSeed(w io.Writer, srv *passwordsafetest.Running, apiKey string) {
	fmt.Fprintf(w, "Password Safe fake serving at %s\n\n", srv.URL())
	fmt.Fprintf(w, "API key:             %s\n", apiKey)
	fmt.Fprintf(w, "OAuth client id:     %s\n", passwordsafetest.DefaultOAuthClientID)
	fmt.Fprintf(w, "OAuth client secret: %s (acts as user \"requestor\")\n", passwordsafetest.DefaultOAuthClientSecret)
	fmt.Fprintf(w, "Sign in:             Authorization: PS-Auth key=<API key>; runas=<user>;\n\n")

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER ID\tUSER NAME\tNAME\tROLES\tRUN-AS PASSWORD")
	for _, u := range srv.Users() {
		pwd := "-"
		if u.RunAsPassword != "" {
			pwd = "pwd=[" + u.RunAsPassword + "]"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.UserID, u.UserName, u.Name, strings.Join(u.Roles, ", "), pwd)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)

	fmt.Fprintln(tw, "SYSTEM ID\tSYSTEM\tACCOUNT ID\tACCOUNT\tACCESS TYPES\tAPPROVALS")
	for _, a := range srv.Accounts() {
		name := a.AccountName
		if a.DomainName != "" {
			name = a.DomainName + `\` + name
		}
		types := strings.Join(a.AccessTypes, ", ")
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
		if a.ApproversNeeded > 0 {
			approvals = fmt.Sprintf("%d of %s", a.ApproversNeeded, strings.Join(a.Approvers, ", "))
		}
		if a.HasDSSKey {
			approvals += "; has an SSH key and passphrase"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", a.SystemID, a.SystemName, a.AccountID, name, types, approvals)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)

	fmt.Fprintln(tw, "ALIAS ID\tALIAS\tSTATE\tMAPPED TO (system/account)")
	states := map[int]string{0: "0 unmapped", 1: "1 mapped", 2: "2 highly available"}
	for _, al := range srv.AliasList() {
		var mapped []string
		for _, m := range al.MappedAccounts {
			mapped = append(mapped, fmt.Sprintf("%d/%d", m.SystemID, m.AccountID))
		}
		if len(mapped) == 0 {
			mapped = []string{"-"}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", al.AliasID, al.AliasName, states[al.AliasState], strings.Join(mapped, ", "))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nPress Ctrl+C to stop.")
}
