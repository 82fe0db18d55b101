package passwordsafetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/jarcoal/httpmock"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The shape of a test of code that borrows a password. In a test function
// it reads:
//
//	srv := passwordsafetest.NewServer(t, passwordsafetest.WithManagedAccount("db01", "postgres", "pw"))
//	client := srv.Client(t, "requestor")
//
// Examples have no *testing.T, so this one uses Start and NewClient.
func Example() {
	srv, err := passwordsafetest.Start("127.0.0.1:0",
		passwordsafetest.WithManagedAccount("db01", "postgres", "pw"))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("requestor")
	if err != nil {
		panic(err)
	}

	// The code under test: borrow the password, use it, give it back.
	systemID, accountID, _ := srv.AccountIDs("db01", "postgres")
	err = client.Requests.Checkout(context.Background(), &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 5, Reason: "nightly backup",
	}, func(_ context.Context, cred passwordsafe.Secret) error {
		fmt.Println("borrowed:", cred.Value())
		return nil
	})
	fmt.Println("checkout error:", err)

	// What the test asserts: nothing left open, one check-in, the reason sent.
	fmt.Println("open requests:", len(srv.OpenRequests()))
	fmt.Println("check-ins:", len(srv.Checkins()))
	rq, _ := srv.Request(srv.Checkins()[0].RequestID)
	fmt.Printf("request %d: %s, reason %q\n", rq.RequestID, rq.Status, rq.Reason)
	fmt.Println("POST Requests calls:", srv.Calls("POST", "Requests"))
	// Output:
	// borrowed: pw
	// checkout error: <nil>
	// open requests: 0
	// check-ins: 1
	// request 1001: checkedin, reason "nightly backup"
	// POST Requests calls: 1
}

// Recorded answers for every call the SDK makes, with httpmock: one line
// registers them all, and a responder registered for a call answers
// before them.
func ExampleFixtures() {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(passwordsafetest.Fixtures().Respond)
	mt.RegisterResponder("GET", `=~/Credentials/\d+\z`, passwordsafetest.Fixtures().Responder("error_4034"))
	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	created, _, err := client.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{SystemID: 1, AccountID: 11, DurationMinutes: 30})
	fmt.Println("request:", created.RequestID, err)
	_, _, err = client.Requests.Credentials(ctx, created.RequestID, nil)
	fmt.Println("not approved yet:", errors.Is(err, passwordsafe.ErrNotApproved))
	fmt.Println("calls:", mt.GetTotalCallCount())
	// Output:
	// request: 1001 <nil>
	// not approved yet: true
	// calls: 3
}

// Without httpmock, the fixtures are an http.RoundTripper.
func ExampleFixtureSet_RoundTrip() {
	client, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.Fixtures()}))
	if err != nil {
		panic(err)
	}
	pw, _, err := client.Requests.Credentials(context.Background(), 1001, nil)
	fmt.Println(pw.Value(), err)
	// Output: recorded-password-1 <nil>
}

// Record a flow through a Recorder, then replay it with the server gone.
// Here the fake stands in for a real vault; in a test of your own, let
// RecordedClient choose between the two from the environment.
func ExampleNewRecorder() {
	dir, err := os.MkdirTemp("", "recording")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	srv, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithManagedAccount("web01", "root", "the-real-password"))
	if err != nil {
		panic(err)
	}
	systemID, accountID, _ := srv.AccountIDs("web01", "root")
	borrow := func(client *passwordsafe.Client) string {
		var got string
		err := client.Requests.Checkout(context.Background(), &passwordsafe.CreateRequestOptions{
			SystemID: systemID, AccountID: accountID, DurationMinutes: 5,
		}, func(_ context.Context, pw passwordsafe.Secret) error {
			got = pw.Value()
			return nil
		})
		if err != nil {
			panic(err)
		}
		return got
	}

	live, err := srv.NewClient("requestor",
		passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(dir, nil)}))
	if err != nil {
		panic(err)
	}
	fmt.Println("recorded:", borrow(live))
	_ = srv.Close()

	replayer, err := passwordsafetest.NewReplayer(dir)
	if err != nil {
		panic(err)
	}
	offline, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("any", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: replayer}))
	if err != nil {
		panic(err)
	}
	fmt.Println("replayed:", borrow(offline))
	fmt.Println("unplayed:", len(replayer.Unplayed()))
	// Output:
	// recorded: the-real-password
	// replayed: recorded-password-1
	// unplayed: 0
}
