package passwordsafetest_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/jarcoal/httpmock"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// A responder per route, so that httpmock counts the calls route by
// route.
func ExampleRegisterFixtures() {
	mt := httpmock.NewMockTransport()
	passwordsafetest.RegisterFixtures(mt)
	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	acct, _, err := client.ManagedAccounts.Get(ctx, "db01", "postgres")
	fmt.Println(acct.SystemName, acct.AccountName, acct.AccountID, err)
	for range 2 {
		_, _, _ = client.Requests.Credentials(ctx, 1001, nil)
	}
	fixtures := passwordsafetest.Fixtures()
	calls := mt.GetCallCountInfo()
	fmt.Println("credentials read:", calls[fixtures.CallCountKey("credentials")])
	fmt.Println("without a responder:", calls["NO_RESPONDER"])
	// Output:
	// db01 postgres 21 <nil>
	// credentials read: 2
	// without a responder: 0
}

// The key under which httpmock counts a fixture's route.
func ExampleFixtureSet_CallCountKey() {
	fmt.Println(passwordsafetest.Fixtures().CallCountKey("credentials"))
	fmt.Println(passwordsafetest.Fixtures().CallCountKey("credentials_dsskey"))
	// Output:
	// GET =~(?i)/Credentials/[^/]+\z
	// GET =~(?i)/Credentials/[^/]+\z
}

// recordCheckin records a check-in with a reason through a Recorder, the
// fake standing in for a vault, and returns the recording's directory.
func recordCheckin(reason string) string {
	dir, err := os.MkdirTemp("", "recording")
	if err != nil {
		panic(err)
	}
	srv, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	live, err := srv.NewClient("requestor",
		passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(dir, nil)}))
	if err != nil {
		panic(err)
	}
	created, _, err := live.Requests.Create(context.Background(), &passwordsafe.CreateRequestOptions{
		AccessType: passwordsafe.AccessSSH, SystemID: 1, AccountID: 11, DurationMinutes: 5})
	if err != nil {
		panic(err)
	}
	if _, err := live.Requests.Checkin(context.Background(), created.RequestID, reason); err != nil {
		panic(err)
	}
	return dir
}

// replayCheckin replays the flow recordCheckin recorded, with another
// reason.
func replayCheckin(replayer *passwordsafetest.Replayer, reason string) error {
	offline, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("any", "requestor"), passwordsafe.WithoutRetries(),
		passwordsafe.WithHTTPClient(&http.Client{Transport: replayer}))
	if err != nil {
		return err
	}
	created, _, err := offline.Requests.Create(context.Background(), &passwordsafe.CreateRequestOptions{
		AccessType: passwordsafe.AccessSSH, SystemID: 1, AccountID: 11, DurationMinutes: 5})
	if err != nil {
		return err
	}
	_, err = offline.Requests.Checkin(context.Background(), created.RequestID, reason)
	return err
}

// A replay compares the bodies sent with the recorded ones: a changed
// Reason fails, unless the field is left out of the comparison.
func ExampleIgnoreFields() {
	dir := recordCheckin("backup of 2026-01-15")
	defer os.RemoveAll(dir)

	strict, err := passwordsafetest.NewReplayer(dir)
	if err != nil {
		panic(err)
	}
	err = replayCheckin(strict, "backup of 2026-01-16")
	fmt.Println(strings.Contains(fmt.Sprint(err), `Reason: recorded "backup of 2026-01-15", sent "backup of 2026-01-16"`))

	relaxed, err := passwordsafetest.NewReplayer(dir, passwordsafetest.IgnoreFields("Reason"))
	if err != nil {
		panic(err)
	}
	fmt.Println(replayCheckin(relaxed, "backup of 2026-01-16"))
	// Output:
	// true
	// <nil>
}

// Matching by method, path and query alone, as a replay did before it
// compared bodies.
func ExampleIgnoreBodies() {
	dir := recordCheckin("done")
	defer os.RemoveAll(dir)
	replayer, err := passwordsafetest.NewReplayer(dir, passwordsafetest.IgnoreBodies())
	if err != nil {
		panic(err)
	}
	fmt.Println(replayCheckin(replayer, "something else entirely"))
	// Output: <nil>
}
