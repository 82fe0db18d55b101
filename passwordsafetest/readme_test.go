package passwordsafetest_test

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The code of README.md's "Testing your code", run as it is written there:
// TestReadmeSnippetsAreTested fails when a snippet there is not, verbatim,
// in this file.

// backup is the code under test in the README: it finds postgres on db01,
// borrows its password for a dump and checks it back in.
func backup(ctx context.Context, client *passwordsafe.Client) error {
	return client.ManagedAccounts.Checkout(ctx, "db01", "postgres", &passwordsafe.CheckoutOptions{
		DurationMinutes: 10, Reason: "nightly backup",
	}, func(ctx context.Context, lease *passwordsafe.Lease) error {
		return dump(ctx, lease.Credential.Value())
	})
}

// dump stands for the work done with the password.
func dump(_ context.Context, password string) error {
	if password == "" {
		return errors.New("dump: no password")
	}
	return nil
}

func TestBackupWaitsForApproval(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithAccount(passwordsafetest.Account{
		System: "db01", Name: "postgres", Password: "pw", Policy: passwordsafetest.Policy{Approvals: 1},
	}))
	client := srv.Client(t, "requestor")
	srv.Next("GET", "Credentials/*").Fail(http.StatusServiceUnavailable) // a flaky answer: the SDK retries it

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a wait that never ends fails the test
	defer cancel()
	go func() { // the approver approves once the request waits
		if rq, err := srv.WaitForRequest(ctx, passwordsafetest.StatusPending); err == nil {
			_ = srv.Approve(rq.RequestID, "approver")
		}
	}()
	if err := backup(ctx, client); err != nil {
		t.Fatal(err)
	}
	if open := srv.OpenRequests(); len(open) != 0 {
		t.Errorf("left open: %+v", open)
	}
	if c := srv.Checkins(); len(c) != 1 {
		t.Errorf("check-ins: %+v", c)
	}
}

func TestBackupWithRecordedAnswers(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(passwordsafetest.Fixtures().Respond) // every call the SDK makes
	// The recorded lookup is web01/root's, and Checkout checks that the answer
	// is the account asked for: answer the one backup asks for.
	mt.RegisterResponder("GET", "=~/ManagedAccounts\\z", httpmock.NewStringResponder(200,
		`{"SystemId":2,"SystemName":"db01","AccountId":21,"AccountName":"postgres"}`))
	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	if err := backup(t.Context(), client); err != nil {
		t.Fatal(err)
	}
	// Sign-in, the lookup, the open requests, the request, the credential, the check-in.
	if n := mt.GetTotalCallCount(); n != 6 {
		t.Errorf("%d calls", n)
	}
}

func TestBackupReadsThePasswordOnce(t *testing.T) {
	mt := httpmock.NewMockTransport()
	passwordsafetest.RegisterFixtures(mt) // a responder per route
	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	if err := backup(t.Context(), client); err != nil {
		t.Fatal(err)
	}
	calls := mt.GetCallCountInfo()
	if n := calls[passwordsafetest.Fixtures().CallCountKey("credentials")]; n != 1 {
		t.Errorf("GET Credentials/{id} called %d times", n)
	}
}

func TestBackupWhenTheAccountIsTaken(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(passwordsafetest.Fixtures().Respond)
	mt.RegisterResponder("GET", "=~/ManagedAccounts\\z", httpmock.NewStringResponder(200,
		`{"SystemId":2,"SystemName":"db01","AccountId":21,"AccountName":"postgres"}`))
	mt.RegisterResponder("POST", "=~/Requests\\z", passwordsafetest.Fixtures().Responder("error_409"))
	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	if err := backup(t.Context(), client); !errors.Is(err, passwordsafe.ErrConflict) {
		t.Errorf("got %v, want a 409", err)
	}
}

func TestBackupAgainstMyVault(t *testing.T) {
	client := passwordsafetest.RecordedClient(t, "testdata/backup")
	if err := backup(t.Context(), client); err != nil {
		t.Fatal(err)
	}
}

func TestBackupReplayedWhateverTheReason(t *testing.T) {
	replayer, err := passwordsafetest.NewReplayer("testdata/backup", passwordsafetest.IgnoreFields("Reason"))
	if err != nil {
		t.Fatal(err)
	}
	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: replayer}))
	if err != nil {
		t.Fatal(err)
	}
	if err := backup(t.Context(), client); err != nil {
		t.Fatal(err)
	}
}

// TestRecordBackupFromTheKit records testdata/backup, which
// TestBackupAgainstMyVault replays, from the kit standing in for a vault,
// as a user records from theirs:
// go test ./passwordsafetest -run TestRecordBackupFromTheKit -update.
func TestRecordBackupFromTheKit(t *testing.T) {
	if f := flag.Lookup("update"); f == nil || f.Value.String() != "true" {
		t.Skip("records testdata/backup with -update")
	}
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch),
		passwordsafetest.WithManagedAccount("db01", "postgres", "pw"))
	t.Setenv("PS_RECORD", "1")
	t.Setenv("PS_URL", srv.URL())
	t.Setenv("PS_API_KEY", srv.APIKey())
	t.Setenv("PS_RUNAS", "requestor")
	t.Setenv("PS_RUNAS_PASSWORD", "")
	TestBackupAgainstMyVault(t)
	if open := srv.OpenRequests(); len(open) != 0 {
		t.Errorf("left open: %+v", open)
	}
}

func TestReadmeSnippetsAreTested(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Testing your code\n")
	if !ok {
		t.Fatal(`README.md has no "## Testing your code" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(blocks) < 4 {
		t.Fatalf("%d Go snippets in the section", len(blocks))
	}
	for _, b := range blocks {
		if !strings.Contains(string(src), b[1]) {
			t.Errorf("this README snippet is not in readme_test.go, so nothing compiles or runs it:\n%s", b[1])
		}
	}
}
