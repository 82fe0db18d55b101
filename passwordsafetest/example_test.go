package passwordsafetest_test

import (
	"context"
	"fmt"

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
