package passwordsafe_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
)

// managedDemo stands in for a Password Safe so the examples below run
// offline. It knows the managed account postgres on db01 (system 3,
// account 7) and answers requests as the real server does: for account 7
// request 42, released at once; for account 8 request 43, pending for one
// poll, then approved; for account 9 request 44, denied. It lists no open
// request, and remembers the requests checked in.
type managedDemo struct {
	*httptest.Server
	mu        sync.Mutex
	polls43   int
	checkedIn []string
}

func newManagedDemo() *managedDemo {
	const api = demoAPI
	d := &managedDemo{}
	mux := demoMux(`{"UserId":7,"UserName":"deploybot"}`)
	mux.HandleFunc("GET "+api+"ManagedAccounts", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("systemName") == "db01" && q.Get("accountName") == "postgres" {
			demoReply(w, http.StatusOK, `{"PlatformID":10,"SystemId":3,"SystemName":"db01","DomainName":null,"AccountId":7,`+
				`"AccountName":"postgres","DefaultReleaseDuration":120,"MaximumReleaseDuration":525600}`)
			return
		}
		demoReply(w, http.StatusNotFound, `"Managed Account not found"`)
	})
	mux.HandleFunc("GET "+api+"Requests", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `[]`) // no open request: Checkout lists them before it posts
	})
	mux.HandleFunc("POST "+api+"Requests", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ AccountID int }
		_ = json.NewDecoder(r.Body).Decode(&body)
		demoReply(w, http.StatusCreated, map[int]string{7: `42`, 8: `43`, 9: `44`}[body.AccountID])
	})
	mux.HandleFunc("GET "+api+"Credentials/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "42":
			demoReply(w, http.StatusOK, `"Tr0ub4dor&3"`)
		case "43":
			d.mu.Lock()
			d.polls43++
			first := d.polls43 == 1
			d.mu.Unlock()
			if first {
				demoReply(w, http.StatusForbidden, `"4034 - Request is not yet approved."`)
				return
			}
			demoReply(w, http.StatusOK, `"correct horse battery staple"`)
		default:
			demoReply(w, http.StatusForbidden, `"4031 - Request was denied."`)
		}
	})
	mux.HandleFunc("PUT "+api+"Requests/{id}/Checkin", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.checkedIn = append(d.checkedIn, r.PathValue("id"))
		d.mu.Unlock()
		if r.PathValue("id") == "44" {
			demoReply(w, http.StatusForbidden, `"4031 - Request is not active."`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	d.Server = httptest.NewServer(mux)
	return d
}

func (d *managedDemo) checkins() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.checkedIn...)
}

// Borrow a credential by the names a person knows, and give it back
// whatever happens.
func ExampleManagedAccountsService_Checkout() {
	srv := newManagedDemo()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	err = client.ManagedAccounts.Checkout(ctx, "db01", "postgres", &passwordsafe.CheckoutOptions{
		DurationMinutes: 15,
		Reason:          "nightly migration",
	}, func(ctx context.Context, lease *passwordsafe.Lease) error {
		// Use lease.Credential.Value() to connect; it never prints.
		fmt.Printf("request %d for %s on %s (system %d, account %d)\n",
			lease.RequestID, lease.AccountName, lease.SystemName, lease.SystemID, lease.AccountID)
		fmt.Println("credential:", lease.Credential)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("checked in:", srv.checkins())

	// An unknown account is a 404 before any request is made.
	err = client.ManagedAccounts.Checkout(ctx, "db01", "nobody", &passwordsafe.CheckoutOptions{DurationMinutes: 15},
		func(context.Context, *passwordsafe.Lease) error { return nil })
	fmt.Println(errors.Is(err, passwordsafe.ErrNotFound))
	// Output:
	// request 42 for postgres on db01 (system 3, account 7)
	// credential: [REDACTED]
	// checked in: [42]
	// true
}

// A lookup answered with another account than the one named is refused:
// Checkout then requests nothing.
func ExampleAccountMismatchError() {
	mux := demoMux(`{"UserId":7,"UserName":"deploybot"}`)
	mux.HandleFunc("GET "+demoAPI+"ManagedAccounts", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `{"SystemId":9,"SystemName":"prod-db","AccountId":99,"AccountName":"sa"}`)
	})
	var posts atomic.Int32
	mux.HandleFunc("POST "+demoAPI+"Requests", func(w http.ResponseWriter, r *http.Request) { posts.Add(1) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}

	err = client.ManagedAccounts.Checkout(context.Background(), "web01", "root", &passwordsafe.CheckoutOptions{DurationMinutes: 5},
		func(context.Context, *passwordsafe.Lease) error { return nil })
	var me *passwordsafe.AccountMismatchError
	fmt.Println(errors.As(err, &me), me.Got.SystemName, me.Got.AccountName)
	fmt.Println(err)
	fmt.Println("requests made:", posts.Load())
	// Output:
	// true prod-db sa
	// passwordsafe: GET ManagedAccounts: asked for web01/root, the server answered prod-db/sa: nothing was requested
	// requests made: 0
}

// Checkout waits for approval, runs fn, and checks the request in even
// when fn fails.
func ExampleRequestsService_Checkout() {
	srv := newManagedDemo()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"),
		// Poll quickly while the request awaits approval (default: 500ms doubling to 15s).
		passwordsafe.WithCheckoutPolling(10*time.Millisecond, time.Second))
	if err != nil {
		log.Fatal(err)
	}

	err = client.Requests.Checkout(context.Background(), &passwordsafe.CreateRequestOptions{
		SystemID:        3,
		AccountID:       8, // request 43: pending at first
		DurationMinutes: 30,
		Reason:          "rotate the TLS certificate",
	}, func(ctx context.Context, password passwordsafe.Secret) error {
		fmt.Println("got a password of", len(password.Value()), "characters")
		return errors.New("the deploy failed")
	})
	fmt.Println(err)
	fmt.Println("checked in:", srv.checkins())
	// Output:
	// got a password of 28 characters
	// the deploy failed
	// checked in: [43]
}

// When the wait ends before the credential is released, the error names
// the request, and says what became of it.
func ExampleCheckoutError() {
	srv := newManagedDemo()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}

	err = client.Requests.Checkout(context.Background(), &passwordsafe.CreateRequestOptions{
		SystemID: 3, AccountID: 9, DurationMinutes: 30, // request 44: denied
	}, func(context.Context, passwordsafe.Secret) error { return nil })

	var ce *passwordsafe.CheckoutError
	if errors.As(err, &ce) {
		fmt.Println("request:", ce.RequestID, "checked in:", ce.CheckedIn)
	}
	fmt.Println("denied:", errors.Is(err, passwordsafe.ErrDenied), "(4031:", errors.Is(err, passwordsafe.ErrNoPermission), ")")
	fmt.Println(err)
	// Output:
	// request: 44 checked in: false
	// denied: true (4031: true )
	// passwordsafe: GET Credentials/44: 403 Forbidden: 4031 Request was denied.: request 44 is no longer open (its check-in answered: passwordsafe: PUT Requests/44/Checkin: 403 Forbidden: 4031 Request is not active.)
}

// WaitCredentials is for callers who check the request in themselves.
func ExampleRequestsService_WaitCredentials() {
	srv := newManagedDemo()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"),
		passwordsafe.WithCheckoutPolling(10*time.Millisecond, time.Second))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	req, _, err := client.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{SystemID: 3, AccountID: 8, DurationMinutes: 30})
	if err != nil {
		log.Fatal(err)
	}
	// Bound the wait for an approver; the error then names the context's end.
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	password, err := client.Requests.WaitCredentials(wctx, req.RequestID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("request", req.RequestID, "released:", password)

	if _, err := client.Requests.Checkin(ctx, req.RequestID, "done"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("checked in:", srv.checkins())
	// Output:
	// request 43 released: [REDACTED]
	// checked in: [43]
}
