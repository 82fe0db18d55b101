package passwordsafe_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/passwordsafe-go/passwordsafe"
)

// requestsDemo stands in for a Password Safe, so the examples below run: it
// answers as the real server does for account 7 ("admin") on system 3
// ("db01"), and refuses what the real server would refuse.
func requestsDemo() *httptest.Server {
	const api = demoAPI
	mux := demoMux(`{"UserId":9,"UserName":"ansible"}`)
	mux.HandleFunc("POST "+api+"ISARequests", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			SystemID, AccountID int
			DurationMinutes     *int
			Reason              string
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.SystemID != 3 || body.AccountID != 7 {
			demoReply(w, http.StatusForbidden, `"4031 - User does not have permission to request the account."`)
			return
		}
		switch r.URL.Query().Get("type") {
		case "", "password":
			demoReply(w, http.StatusCreated, `{"Credentials":"Tr0ub4dor&3"}`)
		case "dsskey":
			demoReply(w, http.StatusCreated, `{"Credentials":"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n"}`)
		default:
			demoReply(w, http.StatusBadRequest, `"The account has no encrypted key."`)
		}
	})
	mux.HandleFunc("POST "+api+"ManagedAccounts/{id}/Requests/Terminate", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Reason string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		switch {
		case r.PathValue("id") != "7":
			demoReply(w, http.StatusNotFound, `"Managed account not found."`)
		case r.URL.Query().Get("feedback") == "true":
			demoReply(w, http.StatusOK, `{"TerminatedCount":2}`)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("POST "+api+"AccessPolicies/Test", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `[{"AccessPolicyID":4,"Name":"Business hours","Description":"",
			"Schedules":[{"ScheduleID":41,"RequireReason":true,"RequireTicketSystem":true,"TicketSystemID":2,
			"AccessTypes":[{"AccessType":"View","IsSession":false,"RecordSession":false,"MinApprovers":1,"MaxConcurrent":1},
			{"AccessType":"RDP","IsSession":true,"RecordSession":true,"MinApprovers":1,"MaxConcurrent":1}]}]}]`)
	})
	mux.HandleFunc("POST "+api+"RequestSets", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ AccessTypes []string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		out := `{"RequestSetID":"7d5e0c2a","Requests":[`
		for i, at := range body.AccessTypes {
			if i > 0 {
				out += ","
			}
			out += fmt.Sprintf(`{"RequestID":%d,"SystemID":3,"AccountID":7,"AccessType":%q,"Status":"Pending"}`, 120+i, at)
		}
		demoReply(w, http.StatusCreated, out+`]}`)
	})
	return httptest.NewServer(mux)
}

// An automation user with the ISA role gets a credential in one call: no
// request to approve, no separate read.
func ExampleRequestsService_ISARequest() {
	srv := requestsDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "ansible"))
	if err != nil {
		log.Fatal(err)
	}
	password, _, err := client.Requests.ISARequest(ctx, &passwordsafe.ISARequestOptions{
		SystemID:        3,
		AccountID:       7,
		DurationMinutes: passwordsafe.Ptr(15), // nil: the account's ISA release duration
		Reason:          "nightly deploy",
	})
	if err != nil {
		log.Fatal(err)
	}
	// A Secret never prints; Value gives the password to whatever needs it.
	fmt.Println(password, len(password.Value()))

	// The account's SSH key instead of its password.
	key, _, err := client.Requests.ISARequest(ctx, &passwordsafe.ISARequestOptions{
		SystemID: 3, AccountID: 7, CredentialType: passwordsafe.CredentialDSSKey,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v %.35s\n", key, key.Value())

	// Without the ISA role on the account, the server refuses.
	_, _, err = client.Requests.ISARequest(ctx, &passwordsafe.ISARequestOptions{SystemID: 3, AccountID: 8})
	fmt.Println(errors.Is(err, passwordsafe.ErrNoPermission))
	// Output:
	// [REDACTED] 11
	// [REDACTED] -----BEGIN OPENSSH PRIVATE KEY-----
	// true
}

// Incident response: end every open request for an account whose
// credential may be compromised. This needs an administrator's permission
// ("Password Safe API Global Quarantine").
func ExampleRequestsService_TerminateAccountRequests() {
	srv := requestsDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "secops"))
	if err != nil {
		log.Fatal(err)
	}
	_, resp, err := client.Requests.TerminateAccountRequests(ctx, 7, &passwordsafe.TerminateRequestsOptions{
		Reason: "INC-4711: credential exposed in a build log",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("terminated:", resp.StatusCode)

	// Newer servers describe what they ended when asked.
	details, _, err := client.Requests.TerminateAccountRequests(ctx, 7, &passwordsafe.TerminateRequestsOptions{
		Reason: "INC-4711", Feedback: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	if details != nil {
		fmt.Println("details:", string(details.Raw))
	}
	// Output:
	// terminated: 204
	// details: {"TerminatedCount":2}
}

// Before requesting, find out what the account's access policy asks for:
// here a reason and a ticket, and one approval.
func ExampleRequestsService_TestAccessPolicies() {
	srv := requestsDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "alice"))
	if err != nil {
		log.Fatal(err)
	}
	policies, _, err := client.Requests.TestAccessPolicies(ctx, &passwordsafe.TestAccessPoliciesOptions{
		SystemID: 3, AccountID: 7, DurationMinutes: 60,
	})
	if err != nil {
		log.Fatal(err)
	}
	if len(policies) == 0 {
		fmt.Println("no policy allows a request now")
		return
	}
	// A schedule's ID goes into CreateRequestOptions.AccessPolicyScheduleID;
	// its requirements tell whether Reason and TicketNumber must be set.
	for _, p := range policies {
		for _, s := range p.Schedules {
			fmt.Printf("%s, schedule %d: reason required %t, ticket required %t (ticket system %d)\n",
				p.Name, s.ScheduleID, s.RequireReason, s.RequireTicketSystem, s.TicketSystemID)
			for _, a := range s.AccessTypes {
				fmt.Printf("  %s: %d approver(s), recorded %t\n", a.AccessType, a.MinApprovers, a.RecordSession)
			}
		}
	}
	// Output:
	// Business hours, schedule 41: reason required true, ticket required true (ticket system 2)
	//   View: 1 approver(s), recorded false
	//   RDP: 1 approver(s), recorded true
}

// Ask for the password and an RDP session to the same account in one call.
func ExampleRequestsService_CreateSet() {
	srv := requestsDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "alice"))
	if err != nil {
		log.Fatal(err)
	}
	set, _, err := client.Requests.CreateSet(ctx, &passwordsafe.CreateRequestSetOptions{
		AccessTypes:     []passwordsafe.AccessType{passwordsafe.AccessView, passwordsafe.AccessRDP},
		SystemID:        3,
		AccountID:       7,
		DurationMinutes: 60,
		Reason:          "quarterly patching",
		TicketNumber:    "CHG-1042",
	})
	if err != nil {
		log.Fatal(err)
	}
	// Each request is approved, read or opened, and checked in on its own.
	for _, r := range set.Requests {
		fmt.Println(r.RequestID, r.AccessType, r.Status)
	}
	// Output:
	// 120 View Pending
	// 121 RDP Pending
}
