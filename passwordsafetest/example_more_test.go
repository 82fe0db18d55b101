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

// Seed a live SSH session whose screen changes as its seeded frames say,
// and watch it with the SDK from its start: each Advance of the fake's
// clock moves the replay on to the next frame.
func ExampleScreenFrame() {
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	srv, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithTime(start.Add(10*time.Second)),
		passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
			ID: 7100, User: "requestor", System: "web01", Account: "root", Live: true, Start: start,
			Frames: []passwordsafetest.ScreenFrame{
				{AtSeconds: 0, Screen: "root@web01:~# "},
				{AtSeconds: 2, Screen: "root@web01:~# systemctl restart nginx"},
				{AtSeconds: 4, Screen: "root@web01:~# systemctl restart nginx\nroot@web01:~# "},
			}}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("reviewer")
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a session that never changes ends the watch
	defer cancel()
	live, _, err := client.Sessions.Get(ctx, 7100)
	if err != nil {
		panic(err)
	}
	frames := 0
	for f, err := range client.Sessions.Watch(ctx, live, &passwordsafe.WatchOptions{Interval: time.Millisecond, FromStart: true}) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("+%ds %q\n", f.Offset/1000, f.Text)
		if frames++; frames == 3 {
			break
		}
		srv.Advance(2 * time.Second)
	}
	// Output:
	// +0s "root@web01:~# "
	// +2s "root@web01:~# systemctl restart nginx"
	// +4s "root@web01:~# systemctl restart nginx\nroot@web01:~# "
}

// The default seed's live session is there for a test to watch, lock or
// terminate, as the default user with RoleActiveSessionReviewer may.
func ExampleLiveSessionID() {
	srv, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	u, _ := srv.User("reviewer")
	fmt.Println(u.Roles[0] == passwordsafetest.RoleActiveSessionReviewer, u.Roles)
	client, err := srv.NewClient("reviewer")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	s, _, err := client.Sessions.Get(ctx, passwordsafetest.LiveSessionID)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Status, s.AssetName, s.ManagedAccountName)
	if _, err := client.Sessions.Terminate(ctx, s.SessionID); err != nil {
		panic(err)
	}
	fmt.Println(srv.Sessions()[0].Live())
	// Output:
	// true [Active Session Reviewer]
	// In Progress db02 postgres
	// false
}

// A fake that runs as a process refuses calls for foreign host names, so
// a web page cannot reach it by pointing a name of its own at 127.0.0.1
// (DNS rebinding). IP addresses and localhost are always served.
func ExampleWithAllowedHosts() {
	srv, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithAllowedHosts("ps.example.test"))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	for _, host := range []string{"attacker.example", "ps.example.test", "localhost"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"Nodes", nil)
		req.Host = host
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(host, resp.StatusCode)
	}
	// Output:
	// attacker.example 421
	// ps.example.test 401
	// localhost 401
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
