package passwordsafe_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/passwordsafe-go/passwordsafe"
)

// sessfamDemo stands in for a Password Safe for the examples below: an ISA
// session, an incident response on a system, the session nodes and the
// server's version, answered as the real server does.
func sessfamDemo() *httptest.Server {
	const api = demoAPI
	mux := demoMux(`{"UserId":9,"UserName":"isa-admin"}`)
	mux.HandleFunc("POST "+api+"ISASessions", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			SessionType         string
			SystemID, AccountID int
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.SessionType != "sshticket" || body.SystemID != 12 || body.AccountID != 34 {
			demoReply(w, http.StatusForbidden, `"4031 - User does not have permission to request the account."`)
			return
		}
		demoReply(w, http.StatusCreated, `{"ID":"5e6f","Ticket":"q8w2e4r6","Host":"vault.example.com","Port":"4422",`+
			`"TicketAtHost":"q8w2e4r6@vault.example.com","Link":"ssh://q8w2e4r6@vault.example.com:4422",`+
			`"Command":"ssh -p 4422 q8w2e4r6@vault.example.com"}`)
	})
	mux.HandleFunc("POST "+api+"ManagedSystems/{id}/Sessions/Lock", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("feedback") != "true" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		demoReply(w, http.StatusOK, `{"ManagedSystemID":`+r.PathValue("id")+`,"LockedSessions":[105,106]}`)
	})
	mux.HandleFunc("GET "+api+"Nodes", func(w http.ResponseWriter, r *http.Request) {
		nodes := `{"NodeID":"3f5e7c1a-0b2d-4e6f-8a9b-1c2d3e4f5a6b","HostName":"ps-node-1","DisplayName":"Local node",` +
			`"LastHeartbeat":"2025-11-03T08:14:52Z","IsActive":true},` +
			`{"NodeID":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","HostName":"ps-node-eu","DisplayName":"EU proxy",` +
			`"LastHeartbeat":"2025-11-03T08:14:50Z","IsActive":true}`
		if r.URL.Query().Get("includeInactive") == "true" {
			nodes += `,{"NodeID":"0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f","HostName":"ps-node-old","DisplayName":"Retired",` +
				`"LastHeartbeat":null,"IsActive":false}`
		}
		demoReply(w, http.StatusOK, "["+nodes+"]")
	})
	mux.HandleFunc("GET "+api+"Configuration/Version", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `{"Version":"25.3.0.1234"}`)
	})
	return httptest.NewServer(mux)
}

// Open an SSH session to a managed account as an ISA: no request to
// approve, one call.
func ExampleSessionsService_CreateISA() {
	srv := sessfamDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "isa-admin"))
	if err != nil {
		log.Fatal(err)
	}
	ticket, _, err := client.Sessions.CreateISA(ctx, &passwordsafe.CreateISASessionOptions{
		SessionType:     passwordsafe.SessionSSHTicket,
		SystemID:        12,
		AccountID:       34,
		DurationMinutes: passwordsafe.Ptr(30),
		Reason:          "disk full on db-01",
	})
	if err != nil {
		// Without the ISA role: errors.Is(err, passwordsafe.ErrNoPermission).
		log.Fatal(err)
	}
	fmt.Println("connect:", ticket.Command)
	// Output:
	// connect: ssh -p 4422 q8w2e4r6@vault.example.com
}

// Lock every live session on a compromised system, and read the server's
// report of what it locked.
func ExampleSessionsService_LockSystemSessions() {
	srv := sessfamDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "responder"))
	if err != nil {
		log.Fatal(err)
	}
	const systemID = 12
	report, _, err := client.Sessions.LockSystemSessions(ctx, systemID, &passwordsafe.SessionActionOptions{Feedback: true})
	if err != nil {
		log.Fatal(err)
	}
	if report == nil {
		// An older server locks the sessions and answers 204, without a report.
		fmt.Println("locked")
		return
	}
	// The report's shape depends on the server's version: decode what you need.
	var locked struct{ LockedSessions []int }
	if err := json.Unmarshal(report.Details, &locked); err != nil {
		log.Fatal(err)
	}
	fmt.Println("locked sessions:", locked.LockedSessions)
	// Output:
	// locked sessions: [105 106]
}

// Choose the node a session goes through: here, an active node by name.
func ExampleSessionsService_Nodes() {
	srv := sessfamDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "alice"))
	if err != nil {
		log.Fatal(err)
	}
	nodes, _, err := client.Sessions.Nodes(ctx, &passwordsafe.ListNodesOptions{IncludeInactive: true})
	if err != nil {
		log.Fatal(err)
	}
	var nodeID string
	for _, n := range nodes {
		fmt.Printf("%s (%s) active: %t\n", n.DisplayName, n.HostName, n.IsActive)
		if n.IsActive && n.DisplayName == "EU proxy" {
			nodeID = n.NodeID
		}
	}
	// Then, for an approved request:
	//	client.Sessions.Create(ctx, requestID, &passwordsafe.CreateSessionOptions{SessionType: passwordsafe.SessionRDPFile, NodeID: nodeID})
	fmt.Println("through:", nodeID)
	// Output:
	// Local node (ps-node-1) active: true
	// EU proxy (ps-node-eu) active: true
	// Retired (ps-node-old) active: false
	// through: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
}

// Report the server's version, and adapt to it.
func ExampleClient_ServerVersion() {
	srv := sessfamDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "alice"))
	if err != nil {
		log.Fatal(err)
	}
	v, _, err := client.ServerVersion(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("server:", v)
	fmt.Println("lock reports:", v.AtLeast("25.3"))
	// Output:
	// server: 25.3.0.1234
	// lock reports: true
}
