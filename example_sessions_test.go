package passwordsafe_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/passwordsafe-go/passwordsafe"
)

// sessionsDemo stands in for a Password Safe, so the examples below run:
// it answers the calls they make as the real server would.
func sessionsDemo() *httptest.Server {
	const api = demoAPI
	mux := demoMux(`{"UserId":7,"UserName":"auditor"}`)
	mux.HandleFunc("GET "+api+"Sessions", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "status=1&userID=7" {
			demoReply(w, http.StatusOK, `[]`)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", "sessions", "list.json"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var all []map[string]any
		_ = json.Unmarshal(b, &all)
		var live []map[string]any
		for _, s := range all {
			if s["Status"] == 1.0 && s["UserID"] == 7.0 {
				live = append(live, s)
			}
		}
		out, _ := json.Marshal(live)
		demoReply(w, http.StatusOK, string(out))
	})
	mux.HandleFunc("POST "+api+"Requests/{id}/Sessions", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ SessionType string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		switch body.SessionType {
		case "sshticket", "SSH":
			demoReply(w, http.StatusCreated, `{"ID":"8c1f","Ticket":"k3x9q2m7","Host":"vault.example.com","Port":"4422",`+
				`"TicketAtHost":"k3x9q2m7@vault.example.com","Link":"ssh://k3x9q2m7@vault.example.com:4422",`+
				`"Command":"ssh -p 4422 k3x9q2m7@vault.example.com","SessionID":106,"NodeID":"local"}`)
		case "rdpfile":
			w.Header().Set("Content-Type", "application/x-rdp")
			w.Header().Set("Content-Disposition", `attachment; filename="web-01.rdp"`)
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("full address:s:vault.example.com:4489\r\nusername:s:r7t2y9u4\r\n"))
		default:
			demoReply(w, http.StatusBadRequest, `"unsupported SessionType"`)
		}
	})
	mux.HandleFunc("POST "+api+"pbsm/replay", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ID        string `json:"id"`
			RecordKey string `json:"record_key"`
			Protocol  string `json:"protocol"`
			Headless  bool   `json:"headless"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.ID != "4b5a69788796a5b4c3d2e1f00f1e2d3c" || body.RecordKey == "" || body.Protocol != "SSH" || !body.Headless {
			demoReply(w, http.StatusBadRequest, `"No session matches the given id, record_key and protocol."`)
			return
		}
		demoReply(w, http.StatusOK, `{"id":"rp-1","token":"t","ticket":"k"}`)
	})
	mux.HandleFunc("PUT "+api+"pbsm/replay/rp-1", func(w http.ResponseWriter, r *http.Request) {
		demoReply(w, http.StatusOK, `{"tstamp":1714557600,"end":1714557642,"offset":42000,"next":42000,"speed":100,"eof":false,"duration":42000}`)
	})
	mux.HandleFunc("GET "+api+"pbsm/replay/rp-1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("root@db-01:~# uptime\n 10:00:42 up 42 days,  1 user\nroot@db-01:~# "))
	})
	mux.HandleFunc("DELETE "+api+"pbsm/replay/rp-1", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return httptest.NewServer(mux)
}

// List the live sessions a user requested.
func ExampleSessionsService_List() {
	srv := sessionsDemo()
	defer srv.Close()
	ctx := context.Background()

	// A URL without a path means https://host/BeyondTrust/api/public/v3/.
	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "auditor"))
	if err != nil {
		log.Fatal(err)
	}
	sessions, _, err := client.Sessions.List(ctx, &passwordsafe.ListSessionsOptions{
		Status: []passwordsafe.SessionStatus{passwordsafe.SessionInProgress},
		UserID: 7,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sessions {
		fmt.Printf("session %d on %s as %s: %s since %s, live: %t\n",
			s.SessionID, s.AssetName, s.ManagedAccountName, s.Status,
			s.StartTime.UTC().Format("15:04"), s.EndTime.IsZero())
	}
	// Output:
	// session 105 on db-01 as root: In Progress since 10:00, live: true
}

// Open an SSH session for an approved request: the answer carries a ready
// ssh command line.
func ExampleSessionsService_Create() {
	srv := sessionsDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "alice"))
	if err != nil {
		log.Fatal(err)
	}
	const requestID = 12 // from client.Requests.Create, once approved
	ticket, _, err := client.Sessions.Create(ctx, requestID, &passwordsafe.CreateSessionOptions{
		SessionType: passwordsafe.SessionSSHTicket,
	})
	if err != nil {
		// Before approval: errors.Is(err, passwordsafe.ErrNotApproved).
		log.Fatal(err)
	}
	fmt.Println("session:", ticket.SessionID)
	fmt.Println("connect:", ticket.Command)
	// Output:
	// session: 106
	// connect: ssh -p 4422 k3x9q2m7@vault.example.com
}

// Open an RDP session as an .rdp file, to hand to a Remote Desktop client.
func ExampleSessionsService_Create_rdpFile() {
	srv := sessionsDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "alice"))
	if err != nil {
		log.Fatal(err)
	}
	ticket, _, err := client.Sessions.Create(ctx, 12, &passwordsafe.CreateSessionOptions{
		SessionType: passwordsafe.SessionRDPFile,
	})
	if err != nil {
		log.Fatal(err)
	}
	if ticket.File == nil {
		// Some servers answer a JSON ticket even to rdpfile.
		fmt.Printf("RDP ticket for %s:%s\n", ticket.Host, ticket.Port)
		return
	}
	// FileName is a base name, never a path; save it with os.WriteFile.
	fmt.Printf("%s, %d bytes\n", ticket.FileName, len(ticket.File))
	firstLine, _, _ := strings.Cut(string(ticket.File), "\r\n")
	fmt.Println(firstLine)
	// Output:
	// web-01.rdp, 60 bytes
	// full address:s:vault.example.com:4489
}

// Watch a live SSH session: start a replay, jump to its latest activity,
// read the terminal, and end the replay.
func ExampleSessionsService_StartReplay() {
	srv := sessionsDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "auditor"))
	if err != nil {
		log.Fatal(err)
	}
	sessions, _, err := client.Sessions.List(ctx, &passwordsafe.ListSessionsOptions{
		Status: []passwordsafe.SessionStatus{passwordsafe.SessionInProgress},
		UserID: 7,
	})
	if err != nil || len(sessions) == 0 {
		log.Fatal("no live session: ", err)
	}
	replay, _, err := client.Sessions.StartReplay(ctx, &sessions[0])
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _, _ = client.Sessions.EndReplay(ctx, replay.ID) }()

	state, _, err := client.Sessions.ControlReplay(ctx, replay.ID, &passwordsafe.ReplayControl{
		Offset: passwordsafe.Ptr(sessions[0].Duration * 1000), // ms
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("at %d of %d ms\n", state.Offset, state.Duration)

	// An SSH session shows as text; for RDP use ReplaySnapshot instead.
	screen, _, err := client.Sessions.ReplayScreen(ctx, replay.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(screen)
	// Output:
	// at 42000 of 42000 ms
	// root@db-01:~# uptime
	//  10:00:42 up 42 days,  1 user
	// root@db-01:~#
}
