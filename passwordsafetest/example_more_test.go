package passwordsafetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// Act as the approver while the code under test waits for approval: the
// fake signals each new request, so the test never polls or sleeps.
func ExampleServer_WaitForRequest() {
	srv, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("requestor")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	approved := make(chan error, 1)
	go func() {
		rq, err := srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
		if err == nil {
			err = srv.Approve(rq.RequestID, "approver")
		}
		approved <- err
	}()

	// The code under test: db01/postgres needs one approval.
	systemID, accountID, _ := srv.AccountIDs("db01", "postgres")
	err = client.Requests.Checkout(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 5,
	}, func(context.Context, passwordsafe.Secret) error { return nil })
	fmt.Println("checkout:", err, "approval:", <-approved)
	rq, _ := srv.Request(srv.Checkins()[0].RequestID)
	fmt.Println(rq.Status, rq.Approvals)
	// Output:
	// checkout: <nil> approval: <nil>
	// checkedin [approver]
}

// Test that code survives a network that breaks after the server acted:
// the POST creating the request reached the server, but its answer is
// lost. The SDK never repeats such a POST; Checkout finds the request it
// made (the one that was not open when it listed them before the POST)
// and checks it in.
func ExampleServer_Next() {
	srv, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("requestor")
	if err != nil {
		panic(err)
	}
	srv.Next(http.MethodPost, "Requests").LoseAnswer()

	systemID, accountID, _ := srv.AccountIDs("web01", "root")
	err = client.Requests.Checkout(context.Background(), &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 5,
	}, func(context.Context, passwordsafe.Secret) error { return nil })
	fmt.Println("checkout:", err)
	fmt.Println("POST Requests:", srv.Calls("POST", "Requests"), "open:", len(srv.OpenRequests()))
	for _, c := range srv.CallLog() {
		fmt.Println(c)
	}
	// Output:
	// checkout: <nil>
	// POST Requests: 1 open: 0
	// POST Auth/SignAppin -> 200
	// GET Requests -> 200
	// POST Requests -> 0
	// GET Requests -> 200
	// GET Credentials/1001 -> 200
	// PUT Requests/1001/Checkin -> 204
}

// A call the server processes after its client has gone: Checkout's
// deadline passes while the server queues its POST. Checkout returns at
// once; the server creates the request later, and the client checks it in
// in the background. SignOut waits for that.
func ExampleFault_Queue() {
	srv, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("requestor")
	if err != nil {
		panic(err)
	}
	queued := srv.Next(http.MethodPost, "Requests").Queue()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-queued.Arrived()
		cancel() // the caller gives up while the server holds the POST
	}()

	systemID, accountID, _ := srv.AccountIDs("web01", "root")
	err = client.Requests.Checkout(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 5, CheckinReason: "gave up",
	}, func(context.Context, passwordsafe.Secret) error { return nil })
	var ce *passwordsafe.CheckoutError
	fmt.Println("in the background:", errors.As(err, &ce) && ce.Background, "requests so far:", len(srv.Requests()))

	queued.Release() // the server creates the request now
	if err := client.SignOut(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("open:", len(srv.OpenRequests()), "check-ins:", srv.Checkins()[0].RequestID, srv.Checkins()[0].Reason)
	// Output:
	// in the background: true requests so far: 0
	// open: 0 check-ins: 1001 gave up
}

// A server whose clock is 30 s behind: a request whose creation answer is
// lost is still found (by the lists, not by dates) and checked in.
func ExampleWithClockSkew() {
	srv, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithClockSkew(-30*time.Second))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("requestor")
	if err != nil {
		panic(err)
	}
	fmt.Println("behind:", srv.Now().Before(time.Now().Add(-29*time.Second)))
	srv.Next(http.MethodPost, "Requests").LoseAnswer()

	systemID, accountID, _ := srv.AccountIDs("web01", "root")
	err = client.Requests.Checkout(context.Background(), &passwordsafe.CreateRequestOptions{
		SystemID: systemID, AccountID: accountID, DurationMinutes: 5,
	}, func(context.Context, passwordsafe.Secret) error { return nil })
	fmt.Println("checkout:", err, "open:", len(srv.OpenRequests()), "check-ins:", len(srv.Checkins()))
	// Output:
	// behind: true
	// checkout: <nil> open: 0 check-ins: 1
}
