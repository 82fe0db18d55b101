package passwordsafe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/passwordsafe-go/passwordsafe"
)

// demoServer stands in for a Password Safe so the examples run offline. It
// answers the calls they make as the real server does: a sign-in that sets
// the session cookie, request 42 for managed account 7 on system 3 (not yet
// approved for request 43), and the alias "prod db/admin".
func demoServer() *httptest.Server {
	const api = demoAPI
	mux := demoMux(`{"UserId":7,"SID":"S-1-5-21-7","UserName":"deploybot","Name":"Deploy Bot"}`)
	mux.HandleFunc("POST "+api+"Auth/Signout", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST "+api+"Requests", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"AccountID":8`) {
			demoReply(w, http.StatusCreated, `43`) // the server sometimes answers a bare ID
			return
		}
		demoReply(w, http.StatusCreated, `{"RequestID":42}`)
	})
	mux.HandleFunc("GET "+api+"Credentials/42", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `"Tr0ub4dor&3"`)
	})
	mux.HandleFunc("GET "+api+"Credentials/43", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusForbidden, `"4034 - Request is not yet approved."`)
	})
	mux.HandleFunc("PUT "+api+"Requests/{id}/Checkin", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET "+api+"Aliases", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("name") == "prod db/admin" {
			demoReply(w, http.StatusOK, `{"AliasId":5,"AliasName":"prod db/admin","AliasState":1,"SystemId":3,"SystemName":"db01","AccountId":7,"AccountName":"admin"}`)
			return
		}
		demoReply(w, http.StatusNotFound, `"Alias not found."`)
	})
	mux.HandleFunc("POST "+api+"Aliases/5/Requests", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `{"RequestID":44}`) // 200: an existing request was reused
	})
	mux.HandleFunc("GET "+api+"Aliases/5/Credentials/44", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `{"AliasId":5,"AliasName":"prod db/admin","SystemId":3,"SystemName":"db01","AccountId":7,"AccountName":"admin","Password":"hunter2"}`)
	})
	mux.HandleFunc("GET "+api+"AccessLevels", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `[{"AccessLevelID":1,"Name":"None"},{"AccessLevelID":2,"Name":"Read"},{"AccessLevelID":3,"Name":"Read/Write"}]`)
	})
	return httptest.NewServer(mux)
}

func ExampleNewClient() {
	// A host alone means the API's usual path.
	client, err := passwordsafe.NewClient("https://vault.example.com",
		passwordsafe.WithAPIKey("0123-api-key", "deploybot"),
		passwordsafe.WithUserAgent("deploybot/1.4"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	// The client prints without its credentials.
	fmt.Println(client)

	// Credentials never travel in clear text by accident.
	_, err = passwordsafe.NewClient("http://vault.example.com", passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	fmt.Println(err != nil)
	// Output:
	// https://vault.example.com/BeyondTrust/api/public/v3/
	// passwordsafe.Client{BaseURL: https://vault.example.com/BeyondTrust/api/public/v3/, Auth: api-key}
	// true
}

func ExampleClient_SignIn() {
	srv := demoServer()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Calls sign in by themselves; SignIn checks the credentials early.
	user, err := client.SignIn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.UserID, user.UserName)
	if err := client.SignOut(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 7 deploybot
}

// Request access, read the password, and check the account back in.
func ExampleRequestsService_Create() {
	srv := demoServer()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	req, _, err := client.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID:        3,
		AccountID:       7,
		DurationMinutes: 30,
		Reason:          "rotate the TLS certificate",
		ConflictOption:  passwordsafe.ConflictReuse,
		RotateOnCheckin: passwordsafe.Ptr(true),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("request", req.RequestID, "reused:", req.Reused)

	password, _, err := client.Requests.Credentials(ctx, req.RequestID, nil)
	if err != nil {
		log.Fatal(err)
	}
	// A Secret never prints; Value gives the password to whatever needs it.
	fmt.Println("password:", password)
	fmt.Println("length:", len(password.Value()))

	if _, err := client.Requests.Checkin(ctx, req.RequestID, "done"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("checked in")
	// Output:
	// request 42 reused: false
	// password: [REDACTED]
	// length: 11
	// checked in
}

// Until an approver approves the request, reading the credential answers
// 4034; errors.Is tells that apart from other refusals.
func ExampleErrorResponse() {
	srv := demoServer()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	req, _, err := client.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{SystemID: 3, AccountID: 8, DurationMinutes: 30})
	if err != nil {
		log.Fatal(err)
	}
	_, _, err = client.Requests.Credentials(ctx, req.RequestID, nil)
	switch {
	case errors.Is(err, passwordsafe.ErrNotApproved):
		fmt.Println("request", req.RequestID, "is waiting for approval")
	case err != nil:
		log.Fatal(err)
	}

	var er *passwordsafe.ErrorResponse
	if errors.As(err, &er) {
		fmt.Println(er.StatusCode, er.Code, er.Message)
		fmt.Println(errors.Is(err, passwordsafe.ErrForbidden))
	}
	fmt.Println(err)

	// Input the API would refuse is refused before anything is sent.
	_, _, err = client.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{SystemID: 3, AccountID: 7, DurationMinutes: 0})
	var ve *passwordsafe.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, errors.Is(err, passwordsafe.ErrValidation))
	}
	// Output:
	// request 43 is waiting for approval
	// 403 4034 Request is not yet approved.
	// true
	// passwordsafe: GET Credentials/43: 403 Forbidden: 4034 Request is not yet approved.
	// DurationMinutes true
}

// Aliases give an account a stable name; request and read through it.
func ExampleAliasesService_GetByName() {
	srv := demoServer()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	alias, _, err := client.Aliases.GetByName(ctx, "prod db/admin")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(alias.AliasID, alias.SystemName, alias.AccountName, alias.AliasState)

	req, _, err := client.Aliases.CreateRequest(ctx, alias.AliasID, &passwordsafe.CreateAliasRequestOptions{
		DurationMinutes: 15,
		ConflictOption:  passwordsafe.ConflictReuse,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("request", req.RequestID, "reused:", req.Reused)

	cred, _, err := client.Aliases.Credentials(ctx, alias.AliasID, req.RequestID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s@%s %v\n", cred.AccountName, cred.SystemName, cred.Password)
	fmt.Println(cred.Password.Value() != "")

	_, _, err = client.Aliases.GetByName(ctx, "no such alias")
	fmt.Println(errors.Is(err, passwordsafe.ErrNotFound))
	// Output:
	// 5 db01 admin Mapped
	// request 44 reused: true
	// admin@db01 [REDACTED]
	// true
	// true
}

// Do reaches endpoints without a typed method, with the same sign-in,
// retries and errors.
func ExampleClient_Do() {
	srv := demoServer()
	defer srv.Close()
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("0123-api-key", "deploybot"))
	if err != nil {
		log.Fatal(err)
	}

	var levels []struct {
		AccessLevelID int
		Name          string
	}
	resp, err := client.Do(context.Background(), http.MethodGet, "AccessLevels", nil, &levels)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode)
	for _, l := range levels {
		fmt.Println(l.AccessLevelID, l.Name)
	}

	// An absolute URL is refused: the session never travels to another host.
	_, err = client.Do(context.Background(), http.MethodGet, "https://elsewhere.example.com/x", nil, nil)
	fmt.Println(errors.Is(err, passwordsafe.ErrValidation))
	// Output:
	// 200
	// 1 None
	// 2 Read
	// 3 Read/Write
	// true
}

func ExampleSecret() {
	s := passwordsafe.NewSecret("hunter2")
	fmt.Println(s)
	fmt.Printf("%v %+v %#v %q %x\n", s, s, s, s, s)
	fmt.Println(s.Value())
	// Output:
	// [REDACTED]
	// [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED]
	// hunter2
}
