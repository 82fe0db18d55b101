package passwordsafe_test

// Most examples in this file run against the test kit, passwordsafetest: a
// fake Password Safe with real server behaviour (approvals, sessions, OAuth,
// multi-factor sign-in), seeded with users and accounts. See the
// passwordsafetest package documentation for its default seed.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// must ends the example on an error, so that the examples read as the
// calls they make.
func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// A requestor asks for postgres on db01, whose policy wants one approval;
// an approver finds the request in the approver queue and approves it.
func ExampleRequestsService_Approve() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	requestor, approver := must(srv.NewClient("requestor")), must(srv.NewClient("approver"))

	systemID, accountID, _ := srv.AccountIDs("db01", "postgres")
	req, _, err := requestor.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 30, Reason: "vacuum the orders table",
	})
	if err != nil {
		log.Fatal(err)
	}
	_, _, err = requestor.Requests.Credentials(ctx, req.RequestID, nil)
	fmt.Println("before approval:", errors.Is(err, passwordsafe.ErrNotApproved))

	pending, _, err := approver.Requests.List(ctx, &passwordsafe.ListRequestsOptions{
		Queue: passwordsafe.QueueApprover, Status: passwordsafe.RequestStatusPending})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range pending {
		fmt.Printf("approving %d: %s on %s, %q\n", r.RequestID, r.AccountName, r.SystemName, r.Reason)
		if _, err := approver.Requests.Approve(ctx, r.RequestID, "looks fine"); err != nil {
			log.Fatal(err)
		}
	}

	password, _, err := requestor.Requests.Credentials(ctx, req.RequestID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after approval:", password, password.Value() == srv.Password("db01", "postgres"))
	// Output:
	// before approval: true
	// approving 1001: postgres on db01, "vacuum the orders table"
	// after approval: [REDACTED] true
}

// An approver denies a request; the requestor is refused the credential
// and sees the request as denied.
func ExampleRequestsService_Deny() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	requestor, approver := must(srv.NewClient("requestor")), must(srv.NewClient("approver"))

	systemID, accountID, _ := srv.AccountIDs("db01", "postgres")
	req, _, err := requestor.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 30, Reason: "curiosity",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := approver.Requests.Deny(ctx, req.RequestID, "no change ticket"); err != nil {
		log.Fatal(err)
	}

	_, _, err = requestor.Requests.Credentials(ctx, req.RequestID, nil)
	fmt.Println("refused:", errors.Is(err, passwordsafe.ErrNoPermission))
	fmt.Println(err)
	// Output:
	// refused: true
	// passwordsafe: GET Credentials/1001: 403 Forbidden: 4031 Request 1001 is no longer active (denied).
}

// An incident responder locks a live session: the user's keyboard and
// screen freeze until it is unlocked or ended.
func ExampleSessionsService_Lock() {
	// The kit, seeded with a live SSH session of requestor's.
	srv := must(passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
		User: "requestor", System: "web01", Account: "root", Live: true})))
	defer srv.Close()
	ctx := context.Background()
	admin := must(srv.NewClient("admin"))

	live, _, err := admin.Sessions.List(ctx, &passwordsafe.ListSessionsOptions{
		Status: []passwordsafe.SessionStatus{passwordsafe.SessionInProgress}})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range live {
		if _, err := admin.Sessions.Lock(ctx, s.SessionID); err != nil {
			log.Fatal(err)
		}
		after, _, err := admin.Sessions.Get(ctx, s.SessionID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("session %d on %s as %s: %s\n", after.SessionID, after.AssetName, after.ManagedAccountName, after.Status)
	}
	// Output:
	// session 7001 on web01 as root: Locked
}

// A requestor opens an SSH session; an administrator ends it.
func ExampleSessionsService_Terminate() {
	// The kit, its clock stopped so that the dates below stay put.
	srv := must(passwordsafetest.Start("127.0.0.1:0",
		passwordsafetest.WithTime(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))))
	defer srv.Close()
	ctx := context.Background()
	requestor, admin := must(srv.NewClient("requestor")), must(srv.NewClient("admin"))

	systemID, accountID, _ := srv.AccountIDs("web01", "root") // approved at once
	req, _, err := requestor.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, AccessType: passwordsafe.AccessSSH, DurationMinutes: 60,
	})
	if err != nil {
		log.Fatal(err)
	}
	ticket, _, err := requestor.Sessions.Create(ctx, req.RequestID, &passwordsafe.CreateSessionOptions{
		SessionType: passwordsafe.SessionSSHTicket})
	if err != nil {
		log.Fatal(err)
	}

	if _, err := admin.Sessions.Terminate(ctx, ticket.SessionID); err != nil {
		log.Fatal(err)
	}
	s, _, err := admin.Sessions.Get(ctx, ticket.SessionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("session %d: %s at %s\n", s.SessionID, s.Status, s.EndTime.UTC().Format(time.DateTime))
	// Output:
	// session 7001: Terminated at 2026-11-23 09:00:00
}

// An administrator opens a session to a host that Password Safe does not
// manage, with credentials of their own. The options never print the
// password.
func ExampleSessionsService_CreateAdmin() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	admin := must(srv.NewClient("admin"))

	opts := &passwordsafe.CreateAdminSessionOptions{
		SessionType: passwordsafe.SessionSSHTicket,
		HostName:    "10.20.0.99",
		UserName:    "root",
		Password:    "not-in-the-vault",
		Reason:      "bootstrap a new host",
	}
	fmt.Println(opts)

	ticket, _, err := admin.Sessions.CreateAdmin(context.Background(), opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("session", ticket.SessionID, "through port", ticket.Port)
	// Output:
	// {SessionType:sshticket HostName:10.20.0.99 Port:<nil> DomainName: UserName:root Password:[REDACTED] Reason:bootstrap a new host Resolution: RDPAdminSwitch:false SmartSizing:false NodeID: Record:<nil>}
	// session 7001 through port 4422
}

// Sign in with an API registration's OAuth client: the client fetches a
// token, signs in with it, and fetches a new one before it expires.
func ExampleWithOAuthClientCredentials() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()

	client, err := passwordsafe.NewClient(srv.URL(),
		passwordsafe.WithOAuthClientCredentials(srv.OAuthClientID(), srv.OAuthClientSecret()))
	if err != nil {
		log.Fatal(err)
	}
	user, err := client.SignIn(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", user.UserName)
	fmt.Println("token calls:", srv.Calls("POST", "Auth/connect/token"))
	// Output:
	// signed in as requestor
	// token calls: 1
}

// Test your own code without a server: an httpmock transport, given to
// the client with WithHTTPClient, answers its calls. (passwordsafetest.Fixtures
// has a recorded answer for every call the SDK makes, to register in one line.)
func ExampleWithHTTPClient() {
	const api = "https://vault.example.test/BeyondTrust/api/public/v3/"
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", api+"Auth/SignAppin",
		httpmock.NewStringResponder(200, `{"UserId":1,"UserName":"ci-bot"}`).
			HeaderSet(http.Header{"Set-Cookie": {"ASP.NET_SessionId=s1; Path=/"}}))
	mt.RegisterResponderWithQuery("GET", api+"ManagedAccounts",
		map[string]string{"systemName": "db01", "accountName": "postgres"},
		httpmock.NewStringResponder(200, `{"SystemId":3,"SystemName":"db01","AccountId":7,"AccountName":"postgres"}`))

	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("api-key", "ci-bot"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		log.Fatal(err)
	}
	a, _, err := client.ManagedAccounts.Get(context.Background(), "db01", "postgres")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("system", a.SystemID, "account", a.AccountID)
	fmt.Println("calls:", mt.GetTotalCallCount())
	// Output:
	// system 3 account 7
	// calls: 2
}

// Look a managed account up by the names a person knows, for the IDs a
// request needs.
func ExampleManagedAccountsService_Get() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	client := must(srv.NewClient("requestor"))

	a, _, err := client.ManagedAccounts.Get(context.Background(), "db01", "postgres")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("system %d, account %d, release %d min by default, %d at most\n",
		a.SystemID, a.AccountID, a.DefaultReleaseDuration, a.MaximumReleaseDuration)

	_, _, err = client.ManagedAccounts.Get(context.Background(), "db01", "nobody")
	fmt.Println(errors.Is(err, passwordsafe.ErrNotFound))
	// Output:
	// system 2, account 21, release 120 min by default, 525600 at most
	// true
}

// Walk every account the user may request, a page at a time.
func ExampleManagedAccountsService_All() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	client := must(srv.NewClient("requestor"))

	// Limit is the page size; the default, 1000, suits most servers.
	opts := &passwordsafe.ListManagedAccountsOptions{Limit: 4}
	for a, err := range client.ManagedAccounts.All(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s/%s\n", a.SystemName, a.AccountName)
	}
	fmt.Println("pages:", srv.Calls("GET", "ManagedAccounts"))
	// Output:
	// web01/root
	// db01/postgres
	// win01/Administrator
	// app01/deploy
	// vault01/breakglass
	// db02/postgres
	// pages: 2
}

// Read every session, one at a time, without holding the whole list.
func ExampleSessionsService_All() {
	// The kit, its clock stopped at 09:00, seeded with a finished SSH
	// session and a live RDP one (started 5 minutes ago by default).
	srv := must(passwordsafetest.Start("127.0.0.1:0",
		passwordsafetest.WithTime(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)),
		passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
			User: "requestor", System: "web01", Account: "root", DurationSeconds: 90,
			Start: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}),
		passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
			User: "admin", System: "win01", Account: "Administrator", Protocol: "RDP", Live: true})))
	defer srv.Close()
	client := must(srv.NewClient("auditor"))

	for s, err := range client.Sessions.All(context.Background(), nil) {
		if err != nil {
			log.Fatal(err) // also a failure halfway through the list
		}
		fmt.Printf("%d %s/%s %s since %s\n", s.SessionID, s.AssetName, s.ManagedAccountName,
			s.Status, s.StartTime.UTC().Format("15:04"))
	}
	// Output:
	// 7001 web01/root Completed since 08:00
	// 7002 win01/Administrator In Progress since 08:55
}

// Borrow a credential through an alias, by its name, and give it back
// whatever fn returns.
func ExampleAliasesService_Checkout() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("requestor"))

	alias, _, err := client.Aliases.GetByName(ctx, "web-root")
	if err != nil {
		log.Fatal(err)
	}
	err = client.Aliases.Checkout(ctx, alias.AliasID, &passwordsafe.CreateAliasRequestOptions{
		DurationMinutes: 10, Reason: "renew the TLS certificate",
	}, func(ctx context.Context, cred *passwordsafe.AliasCredentials) error {
		fmt.Printf("%s@%s: %v\n", cred.AccountName, cred.SystemName, cred.Password)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("open requests:", len(srv.OpenRequests()))
	// Output:
	// root@web01: [REDACTED]
	// open requests: 0
}

// Ask the server for a given API version; every call carries it, and a
// server that has disabled it refuses at sign-in.
func ExampleWithAPIVersion() {
	srv := must(passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithAPIVersions("3.0", "3.1")))
	defer srv.Close()
	ctx := context.Background()

	client := must(srv.NewClient("requestor", passwordsafe.WithAPIVersion("3.1")))
	if _, _, err := client.ManagedAccounts.Get(ctx, "db01", "postgres"); err != nil {
		log.Fatal(err)
	}
	for _, c := range srv.CallLog() {
		fmt.Println(c.Method, c.Path, "version", c.Version)
	}

	_, err := must(srv.NewClient("requestor", passwordsafe.WithAPIVersion("3.2"))).SignIn(ctx)
	fmt.Println(errors.Is(err, passwordsafe.ErrAPIVersionDisabled))
	// Output:
	// POST Auth/SignAppin version 3.1
	// GET ManagedAccounts version 3.1
	// true
}

// Sign in with a token that another process hands out (a sidecar, an
// identity broker): the client asks for one at each sign-in.
func ExampleWithBearerToken() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()

	client, err := passwordsafe.NewClient(srv.URL(), passwordsafe.WithBearerToken(
		func(ctx context.Context) (string, error) {
			return srv.IssueToken("isa") // in production: ask the broker
		}))
	if err != nil {
		log.Fatal(err)
	}
	user, err := client.SignIn(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", user.UserName)
	// Output:
	// signed in as isa
}

// Answer the multi-factor challenge of an API registration that enforces
// it: code gets the server's prompt and returns the one-time code.
func ExampleWithMFA() {
	srv := must(passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithMFA("246810")))
	defer srv.Close()
	ctx := context.Background()

	_, err := must(srv.NewClient("requestor")).SignIn(ctx)
	fmt.Println("without WithMFA:", errors.Is(err, passwordsafe.ErrMFARequired))

	client := must(srv.NewClient("requestor", passwordsafe.WithMFA(
		func(ctx context.Context, prompt string) (string, error) {
			fmt.Println("prompt:", prompt)
			return "246810", nil // in production: ask the user, or a TOTP generator
		})))
	user, err := client.SignIn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", user.UserName)
	// Output:
	// without WithMFA: true
	// prompt: Enter the code from your authenticator app
	// signed in as requestor
}

// Ask for the password to be changed when the request ends: here at
// check-in, so the password that was read is no longer good.
func ExampleRequestsService_RotateOnCheckin() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("requestor"))

	systemID, accountID, _ := srv.AccountIDs("web01", "root")
	req, _, err := client.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 30, Reason: "debug a failed deploy",
	})
	if err != nil {
		log.Fatal(err)
	}
	password, _, err := client.Requests.Credentials(ctx, req.RequestID, nil)
	if err != nil {
		log.Fatal(err)
	}
	// The password was shown on a screen: make sure it dies with the request.
	if _, err := client.Requests.RotateOnCheckin(ctx, req.RequestID); err != nil {
		log.Fatal(err)
	}
	if _, err := client.Requests.Checkin(ctx, req.RequestID, "done"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("rotated:", password.Value() != srv.Password("web01", "root"))
	// Output:
	// rotated: true
}

// Calls that failed in a way that is safe to repeat are repeated; the
// defaults are 3 retries waiting 100ms to 2s. Here the server answers 503
// twice before it answers.
func ExampleWithRetries() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	srv.Next("GET", "ManagedAccounts").Times(2).Fail(http.StatusServiceUnavailable)

	client := must(srv.NewClient("requestor", passwordsafe.WithRetries(2, 10*time.Millisecond, 100*time.Millisecond)))
	a, _, err := client.ManagedAccounts.Get(ctx, "db01", "postgres")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.AccountName, "after", srv.Calls("GET", "ManagedAccounts"), "attempts")

	srv.Next("GET", "ManagedAccounts").Fail(http.StatusServiceUnavailable)
	_, _, err = must(srv.NewClient("requestor", passwordsafe.WithoutRetries())).ManagedAccounts.Get(ctx, "db01", "postgres")
	var er *passwordsafe.ErrorResponse
	fmt.Println("without retries:", errors.As(err, &er) && er.StatusCode == http.StatusServiceUnavailable)
	// Output:
	// postgres after 3 attempts
	// without retries: true
}

// Log each HTTP attempt and sign-in at Debug level: never a key, a
// password, a token, a cookie or a body.
func ExampleWithLogger() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		// Drop what changes from run to run, so the output below stays put.
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	client := must(srv.NewClient("requestor", passwordsafe.WithLogger(logger)))
	if _, _, err := client.ManagedAccounts.Get(context.Background(), "db01", "postgres"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// level=DEBUG msg="passwordsafe: http attempt" method=POST path=Auth/SignAppin status=200 attempt=1
	// level=DEBUG msg="passwordsafe: signed in" user_id=1 user=requestor
	// level=DEBUG msg="passwordsafe: http attempt" method=GET path=ManagedAccounts status=200 attempt=1
}

// Sign in as a user whose API registration also asks for the user's
// password (pwd=[...] in the PS-Auth header).
func ExampleWithRunAsPassword() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()

	client, err := passwordsafe.NewClient(srv.URL(),
		passwordsafe.WithAPIKey(srv.APIKey(), "secured"),
		passwordsafe.WithRunAsPassword("Secured-Pa55!"))
	if err != nil {
		log.Fatal(err)
	}
	user, err := client.SignIn(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", user.UserName)
	// Output:
	// signed in as secured
}

// Trust a server whose certificate comes from a private CA (here the test
// kit's self-signed one).
func ExampleWithTLSConfig() {
	srv := must(passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithTLS()))
	defer srv.Close()

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate()) // in production: x509.SystemCertPool, or your CA's PEM
	client, err := passwordsafe.NewClient(srv.URL(),
		passwordsafe.WithAPIKey(srv.APIKey(), "requestor"),
		passwordsafe.WithTLSConfig(&tls.Config{RootCAs: pool}))
	if err != nil {
		log.Fatal(err)
	}
	user, err := client.SignIn(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL().Scheme, user.UserName)
	// Output:
	// https requestor
}
