// Command quickstart walks the Password Safe access flow through the SDK.
//
// With no configuration it starts the embedded fake Password Safe on
// loopback and runs the whole flow against it: sign in, read a secret from
// Secrets Safe by its path (Secrets.Find), find an account by its system
// and account names and borrow its password (ManagedAccounts.Get and
// ManagedAccounts.Checkout, which checks the request in), list
// aliases, request SSH access through an alias, approve it as the
// approver, read the credential, open an SSH session, list the user's
// sessions, lock the session, check in, sign out.
//
//	go run ./examples/quickstart
//
// # Read-only mode, against your own vault
//
// With PS_URL, PS_API_KEY and PS_RUNAS set (and PS_RUNAS_PASSWORD when the
// API registration asks for the run-as user's password) it runs, against
// that vault, only steps that change nothing: sign in, list the managed
// accounts the user may request (the first 10, with ManagedAccounts.List),
// list the aliases, list the user's open requests, read the secret at
// PS_SECRET_PATH when it is set (prod/db/postgres: printed redacted), sign
// out. It creates,
// approves and checks in nothing: the only POSTs it sends are the sign-in
// (Auth/SignAppin) and the sign-out (Auth/Signout). It prints no key,
// password or credential.
//
//	PS_URL=https://vault.example.com PS_API_KEY=... PS_RUNAS=svc-reader go run ./examples/quickstart
//
// PS_URL is a base URL: https://host means the default API path
// (/BeyondTrust/api/public/v3/); a URL with a path is used as given.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
	"unicode/utf8"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, env func(string) string) error {
	if env("PS_URL") != "" {
		return readOnly(ctx, out, env)
	}
	srv, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the embedded fake Password Safe: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(out, "Embedded fake Password Safe at %s (no vault needed)\n\n", srv.URL())
	return fullFlow(ctx, out, srv.URL(), srv.APIKey())
}

// step prints a numbered heading.
type steps struct {
	out io.Writer
	n   int
}

func (s *steps) next(format string, args ...any) {
	s.n++
	fmt.Fprintf(s.out, "%d. %s\n", s.n, fmt.Sprintf(format, args...))
}

func (s *steps) detail(format string, args ...any) {
	fmt.Fprintf(s.out, "   %s\n", fmt.Sprintf(format, args...))
}

func fullFlow(ctx context.Context, out io.Writer, baseURL, apiKey string) error {
	connect := func(user string) (*passwordsafe.Client, error) {
		return passwordsafe.NewClient(baseURL, passwordsafe.WithAPIKey(apiKey, user))
	}
	requestor, err := connect("requestor")
	if err != nil {
		return err
	}
	approver, err := connect("approver")
	if err != nil {
		return err
	}
	admin, err := connect("admin")
	if err != nil {
		return err
	}
	defer func() {
		for _, c := range []*passwordsafe.Client{approver, admin} {
			_ = c.SignOut(context.WithoutCancel(ctx))
		}
	}()
	s := &steps{out: out}

	s.next("Sign in as requestor")
	me, err := requestor.SignIn(ctx)
	if err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	s.detail("signed in as %s (user ID %d, %s)", me.UserName, me.UserID, me.Name)

	// The most common job: a secret stored by its path, read in one call.
	s.next("Read the secret prod/db/postgres from Secrets Safe")
	if err := readSecret(ctx, requestor, "prod/db/postgres", s); err != nil {
		return err
	}

	// A requester knows names, not IDs: find the account by name, then
	// borrow its password by name. Checkout checks the request in whatever
	// the function does.
	s.next("Find root on web01 by name")
	acct, _, err := requestor.ManagedAccounts.Get(ctx, "web01", "root")
	if err != nil {
		return fmt.Errorf("finding root on web01: %w", err)
	}
	s.detail("%s/%s: system ID %d, account ID %d, released for %d minutes by default",
		acct.SystemName, acct.AccountName, acct.SystemID, acct.AccountID, acct.DefaultReleaseDuration)

	s.next("Borrow the password of root on web01, and give it back")
	var borrowed int
	err = requestor.ManagedAccounts.Checkout(ctx, "web01", "root", &passwordsafe.CheckoutOptions{
		DurationMinutes: 10,
		Reason:          "quickstart: read root on web01",
	}, func(_ context.Context, lease *passwordsafe.Lease) error {
		borrowed = lease.RequestID
		s.detail("request %d released %s@%s password: %v (%d characters)", lease.RequestID, lease.AccountName,
			lease.SystemName, lease.Credential, utf8.RuneCountInString(lease.Credential.Value()))
		return nil
	})
	if err != nil {
		return fmt.Errorf("borrowing root on web01: %w", err)
	}
	s.detail("request %d checked in", borrowed)

	s.next("List aliases")
	aliases, _, err := requestor.Aliases.List(ctx, nil)
	if err != nil {
		return fmt.Errorf("listing aliases: %w", err)
	}
	for _, a := range aliases {
		s.detail("alias %d %-10s %-16s %s/%s", a.AliasID, a.AliasName, a.AliasState, a.SystemName, a.AccountName)
	}

	s.next("Request SSH access through alias db-ha")
	alias, _, err := requestor.Aliases.GetByName(ctx, "db-ha")
	if err != nil {
		return fmt.Errorf("finding alias db-ha: %w", err)
	}
	req, _, err := requestor.Aliases.CreateRequest(ctx, alias.AliasID, &passwordsafe.CreateAliasRequestOptions{
		AccessType:      passwordsafe.AccessSSH,
		DurationMinutes: 30,
		Reason:          "quickstart: rotate the replication slot",
		ConflictOption:  passwordsafe.ConflictRenew,
	})
	if err != nil {
		return fmt.Errorf("requesting access: %w", err)
	}
	s.detail("request %d created", req.RequestID)
	_, _, err = requestor.Aliases.Credentials(ctx, alias.AliasID, req.RequestID, nil)
	if !errors.Is(err, passwordsafe.ErrNotApproved) {
		return fmt.Errorf("expected the credential to wait for approval, got %v", err)
	}
	s.detail("credential not yet released: %v", err)

	s.next("Approve the request as approver")
	if _, err := approver.Requests.Approve(ctx, req.RequestID, "quickstart approval"); err != nil {
		return fmt.Errorf("approving: %w", err)
	}
	s.detail("request %d approved", req.RequestID)

	s.next("Read the released credential")
	cred, _, err := requestor.Aliases.Credentials(ctx, alias.AliasID, req.RequestID, nil)
	if err != nil {
		return fmt.Errorf("reading the credential: %w", err)
	}
	s.detail("%s@%s password: %v (%d characters)", cred.AccountName, cred.SystemName, cred.Password,
		utf8.RuneCountInString(cred.Password.Value()))

	s.next("Open an SSH session through the vault")
	ticket, _, err := requestor.Sessions.Create(ctx, req.RequestID, &passwordsafe.CreateSessionOptions{
		SessionType: passwordsafe.SessionSSHTicket,
	})
	if err != nil {
		return fmt.Errorf("opening a session: %w", err)
	}
	s.detail("session %d on %s:%s", ticket.SessionID, ticket.Host, ticket.Port)
	s.detail("ticket: %s", ticket.Ticket)
	if ticket.Command != "" {
		s.detail("connect: %s", ticket.Command)
	}

	s.next("List requestor's sessions (as admin)")
	sessions, _, err := admin.Sessions.List(ctx, &passwordsafe.ListSessionsOptions{
		UserID: me.UserID,
		Status: []passwordsafe.SessionStatus{passwordsafe.SessionNotStarted, passwordsafe.SessionInProgress},
	})
	if err != nil {
		return fmt.Errorf("listing sessions: %w", err)
	}
	for _, ss := range sessions {
		s.detail("session %d %-12s started %s on %s", ss.SessionID, ss.Status, ss.StartTime.Format(time.RFC3339), ss.AssetName)
	}

	s.next("Lock session %d (as admin)", ticket.SessionID)
	if _, err := admin.Sessions.Lock(ctx, ticket.SessionID); err != nil {
		return fmt.Errorf("locking the session: %w", err)
	}
	locked, _, err := admin.Sessions.Get(ctx, ticket.SessionID)
	if err != nil {
		return fmt.Errorf("reading the session: %w", err)
	}
	s.detail("session %d is now %s", locked.SessionID, locked.Status)

	s.next("Check the request in")
	if _, err := requestor.Requests.Checkin(ctx, req.RequestID, "quickstart done"); err != nil {
		return fmt.Errorf("checking in: %w", err)
	}
	s.detail("request %d checked in", req.RequestID)

	s.next("Sign out")
	if err := requestor.SignOut(ctx); err != nil {
		return fmt.Errorf("signing out: %w", err)
	}
	s.detail("done")
	return nil
}

// readOnly runs the steps that change nothing against a real vault.
func readOnly(ctx context.Context, out io.Writer, env func(string) string) error {
	// PS_URL, PS_API_KEY, PS_RUNAS, PS_RUNAS_PASSWORD (or the OAuth pair),
	// PS_CA_FILE...: see passwordsafe.NewClientFromEnv.
	c, err := passwordsafe.NewClientFromEnv(passwordsafe.WithUserAgent("quickstart"))
	if err != nil {
		return err
	}
	runAs := env("PS_RUNAS")
	if runAs == "" {
		runAs = "the OAuth client's user"
	}
	s := &steps{out: out}
	fmt.Fprintf(out, "Password Safe at %s (read-only steps)\n\n", c.BaseURL())

	s.next("Sign in as %s", runAs)
	me, err := c.SignIn(ctx)
	if err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	defer func() { _ = c.SignOut(context.WithoutCancel(ctx)) }()
	s.detail("signed in as %s (user ID %d)", me.UserName, me.UserID)

	s.next("List the managed accounts you may request (the first %d)", accountsShown)
	if err := listAccounts(ctx, c, s); err != nil {
		return err
	}

	s.next("List aliases")
	aliases, _, err := c.Aliases.List(ctx, nil)
	if err != nil {
		return fmt.Errorf("listing aliases: %w", err)
	}
	for _, a := range aliases {
		s.detail("alias %d %s (%s) %s/%s", a.AliasID, a.AliasName, a.AliasState, a.SystemName, a.AccountName)
	}

	s.next("List my requests")
	reqs, _, err := c.Requests.List(ctx, nil)
	if err != nil {
		return fmt.Errorf("listing requests: %w", err)
	}
	for _, r := range reqs {
		s.detail("request %d %s %s/%s expires %s", r.RequestID, r.Status, r.SystemName, r.AccountName, r.ExpiresDate.Format(time.RFC3339))
	}
	if len(reqs) == 0 {
		s.detail("no open requests")
	}

	if path := env("PS_SECRET_PATH"); path != "" {
		s.next("Read the secret %s", path)
		if err := readSecret(ctx, c, path, s); err != nil {
			return err
		}
	}

	s.next("Sign out")
	if err := c.SignOut(ctx); err != nil {
		return fmt.Errorf("signing out: %w", err)
	}
	s.detail("done")
	return nil
}

// accountsShown is how many managed accounts the read-only steps list: a
// vault may hold thousands.
const accountsShown = 10

// listAccounts lists the first accountsShown managed accounts the user may
// request, by the names Get and Checkout take. A user without a role that
// may list them (403) is told so; the steps go on.
func listAccounts(ctx context.Context, c *passwordsafe.Client, s *steps) error {
	accts, _, err := c.ManagedAccounts.List(ctx, &passwordsafe.ListManagedAccountsOptions{Limit: accountsShown})
	switch {
	case errors.Is(err, passwordsafe.ErrForbidden):
		s.detail("this user may not list managed accounts: %v", err)
		return nil
	case err != nil:
		return fmt.Errorf("listing managed accounts: %w", err)
	case len(accts) == 0:
		s.detail("none: this user may request no managed account through the API")
		return nil
	}
	for _, a := range accts {
		name := a.AccountName
		if a.DomainName != "" {
			name = a.DomainName + `\` + name
		}
		s.detail("%-28s system ID %d, account ID %d", a.SystemName+"/"+name, a.SystemID, a.AccountID)
	}
	if len(accts) == accountsShown {
		s.detail("(the first %d: there may be more)", accountsShown)
	}
	return nil
}

// readSecret reads a Secrets Safe secret by its path and describes it, its
// value redacted.
func readSecret(ctx context.Context, c *passwordsafe.Client, path string, s *steps) error {
	secret, _, err := c.Secrets.Find(ctx, path, nil)
	if err != nil {
		return fmt.Errorf("reading the secret %s: %w", path, err)
	}
	switch secret.SecretType {
	case passwordsafe.SecretTypeCredential:
		s.detail("%s %s: user %s, password %v (%d characters)", secret.SecretType, path, secret.Username,
			secret.Password, utf8.RuneCountInString(secret.Password.Value()))
	case passwordsafe.SecretTypeText:
		s.detail("%s %s: %v (%d characters)", secret.SecretType, path, secret.Text, utf8.RuneCountInString(secret.Text.Value()))
	default:
		s.detail("%s %s: %s (read its content with Secrets.File)", secret.SecretType, path, secret.FileName)
	}
	return nil
}
