package passwordsafe_test

// The Go snippets of README.md, outside "Testing your code" (which
// passwordsafetest/readme_test.go runs), compiled as they are written
// there: TestReadmeSnippetsCompile fails when a snippet is not, verbatim,
// in this file. Each is the body of a function given the variables the
// snippet uses.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/passwordsafe-go/passwordsafe"
)

// What the snippets call: the user's own code.
func deploy(context.Context, string, string) error       { return nil }
func use(string)                                         {}
func connect(string, string)                             {}
func migrate(context.Context, *passwordsafe.Lease) error { return nil }
func index(passwordsafe.Session)                         {}
func show(time.Time, string)                             {}

func readmeSnippetEnv() error {
	client, err := passwordsafe.NewClientFromEnv(passwordsafe.WithUserAgent("deploybot/1.2"))
	if err != nil {
		return err // names the variable at fault, never its value
	}
	_ = client
	return nil
}

func readmeSnippetBackoff() error {
	client, err := passwordsafe.NewClient("https://vault.example.com",
		passwordsafe.WithAPIKey(os.Getenv("PS_API_KEY"), "svc-deploy"),
		passwordsafe.WithRetries(5, 200*time.Millisecond, 5*time.Second),
		passwordsafe.WithBackoff(retryablehttp.LinearJitterBackoff))
	_ = client
	return err
}

func readmeSnippet0(ctx context.Context, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	client, err := passwordsafe.NewClient("https://vault.example.com",
		passwordsafe.WithAPIKey(os.Getenv("PS_API_KEY"), "svc-deploy"))
	if err != nil {
		return err
	}
	defer client.SignOut(ctx)

	err = client.ManagedAccounts.Checkout(ctx, "db01", "postgres", &passwordsafe.CheckoutOptions{
		DurationMinutes: 30,
		Reason:          "nightly deploy",
	}, func(ctx context.Context, lease *passwordsafe.Lease) error {
		// lease.Credential prints as [REDACTED]; Value() is the clear text.
		return deploy(ctx, lease.AccountName, lease.Credential.Value())
	})
	return err
}

func readmeSnippetSecretCredential(ctx context.Context, client *passwordsafe.Client) error {
	db, _, err := client.Secrets.Find(ctx, "prod/db/postgres", nil)
	if err != nil {
		return err // errors.Is(err, passwordsafe.ErrNotFound) when there is none
	}
	connect(db.Username, db.Password.Value())
	return nil
}

func readmeSnippetSecretText(ctx context.Context, client *passwordsafe.Client) error {
	dsn, _, err := client.Secrets.Find(ctx, "prod/db/url", nil)
	if err != nil {
		return err
	}
	use(dsn.Text.Value())
	return nil
}

func readmeSnippetSecretFile(ctx context.Context, client *passwordsafe.Client) error {
	cert, _, err := client.Secrets.Find(ctx, "prod/db/client-cert", nil)
	if err != nil {
		return err
	}
	f, err := os.Create(cert.FileName)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = client.Secrets.File(ctx, cert.ID, f)
	return err
}

func readmeSnippet1(ctx context.Context, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	client, err := passwordsafe.NewClient("https://vault.example.com",
		passwordsafe.WithAPIKey(os.Getenv("PS_API_KEY"), "svc-deploy"),
		passwordsafe.WithRunAsPassword(os.Getenv("PS_RUNAS_PASSWORD")), // if the registration requires it
	)
	_ = client
	return err
}

func readmeSnippet2(ctx context.Context, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	cert, err := tls.LoadX509KeyPair("client.pem", "client-key.pem")
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	client, err := passwordsafe.NewClient("https://vault.example.com",
		passwordsafe.WithAPIKey(os.Getenv("PS_API_KEY"), "svc-deploy"),
		passwordsafe.WithTLSConfig(&tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: roots}))
	_ = client
	return err
}

func readmeSnippet3(ctx context.Context, client *passwordsafe.Client, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	acct, _, err := client.ManagedAccounts.Get(ctx, "db01", "postgres")
	if err != nil {
		return err
	}
	fmt.Println(acct.SystemID, acct.AccountID, acct.DefaultReleaseDuration)

	// Every account the user may request, page by page as the loop goes.
	for acct, err := range client.ManagedAccounts.All(ctx, &passwordsafe.ListManagedAccountsOptions{
		Type: passwordsafe.ManagedAccountTypeDatabase,
	}) {
		if err != nil {
			return err
		}
		fmt.Println(acct.SystemName, acct.AccountName)
	}
	return nil
}

func readmeSnippet4(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	req, _, err := client.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: acct.SystemID, AccountID: acct.AccountID, DurationMinutes: 30, Reason: "nightly deploy",
	})
	if err != nil {
		return err
	}
	pw, err := client.Requests.WaitCredentials(ctx, req.RequestID, nil) // waits while it awaits approval
	if err != nil {
		return err
	}
	use(pw.Value())
	_, err = client.Requests.Checkin(ctx, req.RequestID, "deploy done")
	return err
}

func readmeSnippet5(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	var ce *passwordsafe.CheckoutError
	switch err := client.ManagedAccounts.Checkout(ctx, "db01", "postgres", opts, migrate); {
	case errors.As(err, &ce) && ce.RequestID != 0:
		log.Printf("request %d: %v", ce.RequestID, err) // says what became of it and what to do
	case errors.As(err, &ce) && ce.Background:
		log.Printf("gave up while the request was being made: %v", err) // the client checks it in; SignOut waits
	case err != nil:
		return err
	}
	return nil
}

func readmeSnippet6(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	var levels []struct {
		AccessLevelID int
		Name          string
	}
	_, err := client.Do(ctx, "GET", "AccessLevels", nil, &levels)
	return err
}

func readmeSnippet7(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	live, _, err := client.Sessions.List(ctx, &passwordsafe.ListSessionsOptions{
		Status: []passwordsafe.SessionStatus{passwordsafe.SessionInProgress, passwordsafe.SessionLocked},
		UserID: 7, // the user who requested the sessions; 0: everyone
	})
	if err != nil {
		return err
	}
	for _, s := range live {
		fmt.Printf("%d %s as %s: %s since %s\n", s.SessionID, s.AssetName,
			s.ManagedAccountName, s.Status, s.StartTime.Format(time.RFC3339))
	}
	return nil
}

func readmeSnippet8(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	for s, err := range client.Sessions.All(ctx, nil) {
		if err != nil {
			return err
		}
		index(s)
	}
	return nil
}

func readmeSnippet9(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	ticket, _, err := client.Sessions.Create(ctx, requestID, &passwordsafe.CreateSessionOptions{
		SessionType: passwordsafe.SessionSSHTicket,
	})
	if err != nil {
		return err // errors.Is(err, passwordsafe.ErrNotApproved): 403 4034, not approved yet
	}
	fmt.Println(ticket.Command) // ssh -p 4422 <ticket>@vault.example.com
	return nil
}

func readmeSnippet10(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	ticket, _, err := client.Sessions.Create(ctx, requestID, &passwordsafe.CreateSessionOptions{
		SessionType: passwordsafe.SessionRDPFile,
	})
	if err != nil {
		return err
	}
	if ticket.File != nil {
		name := ticket.FileName // a safe base name from Content-Disposition; may be ""
		if name == "" {
			name = "session.rdp"
		}
		err = os.WriteFile(filepath.Join(dir, name), ticket.File, 0o600)
	}
	return err
}

func readmeSnippet11(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	ticket, _, err := client.Sessions.CreateAdmin(ctx, &passwordsafe.CreateAdminSessionOptions{
		SessionType: passwordsafe.SessionRDPFile,
		HostName:    "web-01.corp.example",
		UserName:    "Administrator",
		DomainName:  "CORP",
		Password:    adminPassword,
		Resolution:  "1920x1080",
		SmartSizing: true, // rdpfile only
	})
	_ = ticket
	return err
}

func readmeSnippet12(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	for frame, err := range client.Sessions.Watch(ctx, &live[0], nil) {
		if err != nil {
			return err
		}
		show(frame.Time, frame.Text) // frame.Image for RDP (WatchOptions.Format, Divisor)
	}
	return nil
}

func readmeSnippet13(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	_, _, err := client.Sessions.TerminateAccountSessions(ctx, accountID, nil)
	if err != nil {
		return err
	}
	_, _, err = client.Requests.TerminateAccountRequests(ctx, accountID,
		&passwordsafe.TerminateRequestsOptions{Reason: "credential leaked"})
	return err
}

func readmeSnippet14(ctx context.Context, client *passwordsafe.Client, acct *passwordsafe.ManagedAccount, live []passwordsafe.Session, requestID, accountID, id int, opts *passwordsafe.CheckoutOptions, dir, adminPassword string, caPEM []byte) error {
	_, _, err := client.Requests.Credentials(ctx, id, nil)
	switch {
	case errors.Is(err, passwordsafe.ErrNotApproved): // 403 4034: wait for the approver
	case errors.Is(err, passwordsafe.ErrConflict): // 409: you already hold a request for it
	case errors.Is(err, passwordsafe.ErrUnauthorized): // the key or run-as user was refused
	case errors.Is(err, passwordsafe.ErrValidation): // bad input; nothing was sent
	case err != nil:
		var er *passwordsafe.ErrorResponse
		if errors.As(err, &er) {
			log.Printf("status %d, code %d: %s", er.StatusCode, er.Code, er.Message)
		}
	}
	return nil
}

var _ = []any{readmeSnippetEnv, readmeSnippetBackoff, readmeSnippet0, readmeSnippet1, readmeSnippet2, readmeSnippet3, readmeSnippet4,
	readmeSnippet5, readmeSnippet6, readmeSnippet7, readmeSnippet8, readmeSnippet9, readmeSnippet10,
	readmeSnippet11, readmeSnippet12, readmeSnippet13, readmeSnippet14, readmeSnippetFindIDs, x509.NewCertPool, tls.LoadX509KeyPair,
	filepath.Join, os.WriteFile, errors.As, log.Printf, fmt.Println,
	readmeSnippetSecretCredential, readmeSnippetSecretText, readmeSnippetSecretFile}

// readmeSnippetFindIDs is "Find IDs by name".
func readmeSnippetFindIDs(ctx context.Context, client *passwordsafe.Client) error {
	sys, _, err := client.ManagedSystems.Find(ctx, "db01")
	if err != nil {
		return err // errors.Is(err, passwordsafe.ErrNotFound): no such system
	}
	asset, _, err := client.Assets.Find(ctx, "BeyondTrust Workgroup", "db01")
	if err != nil {
		return err
	}
	wg, _, err := client.Workgroups.Find(ctx, "BeyondTrust Workgroup")
	if err != nil {
		return err
	}
	user, _, err := client.Users.Find(ctx, `CORP\alice`)
	if err != nil {
		return err
	}
	fmt.Println(sys.ManagedSystemID, asset.AssetID, wg.ID, user.UserID)

	// Incident response: every session on db01, every request of alice.
	_, _, err = client.Sessions.LockSystemSessions(ctx, sys.ManagedSystemID, nil)
	if err != nil {
		return err
	}
	_, _, err = client.Requests.TerminateUserRequests(ctx, user.UserID,
		&passwordsafe.TerminateRequestsOptions{Reason: "account compromised"})
	if err != nil {
		return err
	}

	// An auditor: every account of db01, requestable or not.
	for acct, err := range client.ManagedAccounts.AllBySystem(ctx, sys.ManagedSystemID, nil) {
		if err != nil {
			return err
		}
		fmt.Println(acct.ManagedAccountID, acct.AccountName, acct.LastChangeDate)
	}
	return nil
}

func TestReadmeSnippetsCompile(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	before, after, ok := strings.Cut(string(readme), "\n## Testing your code\n")
	if !ok {
		t.Fatal(`README.md has no "## Testing your code" section`)
	}
	if _, rest, ok := strings.Cut(after, "\n## "); ok {
		before += rest
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(before, -1)
	if len(blocks) < 10 {
		t.Fatalf("%d Go snippets", len(blocks))
	}
	for _, b := range blocks {
		indented := "\t" + strings.ReplaceAll(strings.TrimRight(b[1], "\n"), "\n", "\n\t")
		indented = strings.ReplaceAll(indented, "\n\t\n", "\n\n")
		if !strings.Contains(string(src), indented) {
			t.Errorf("this README snippet is not in readme_test.go, so nothing compiles it:\n%s", b[1])
		}
	}
}
