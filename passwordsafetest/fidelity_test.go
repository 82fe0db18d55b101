package passwordsafetest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// Answers the fake gives as the real server does, item by item of issue
// 19; each names the reference that settled it in its handler's doc.

// adminOnlyUser seeds a user who holds the Administrators role and no other.
var adminOnlyUser = passwordsafetest.WithUser(passwordsafetest.User{UserName: "sysadmin", Roles: []passwordsafetest.Role{passwordsafetest.RoleAdmin}})

func TestAdministratorsMayISARequestAndListRequestSets(t *testing.T) {
	f := newFixture(t, adminOnlyUser)
	sam := f.as("sysadmin")

	var got struct{ Credentials string }
	sam.do(http.MethodPost, "ISARequests", map[string]any{"SystemID": 1, "AccountID": 11}).
		wantStatus(http.StatusCreated).decode(&got)
	if got.Credentials != f.srv.Password("web01", "root") {
		t.Errorf("ISA credential %q", got.Credentials)
	}
	if rq, _ := f.srv.Request(1001); !rq.ISA || rq.Owner != "sysadmin" || rq.Status != passwordsafetest.StatusActive {
		t.Errorf("ISA request %+v", rq)
	}

	var sets []setOut
	sam.do(http.MethodGet, "RequestSets", nil).wantStatus(http.StatusOK).decode(&sets)
	if sets == nil || len(sets) != 0 {
		t.Errorf("sets %+v", sets)
	}
	// An approver may list the sets waiting for it (queue=app) and its own (none).
	f.as("approver").do(http.MethodGet, "RequestSets?queue=req", nil).wantStatus(http.StatusOK)
	// An administrator who is no approver has no approver queue.
	sam.do(http.MethodGet, "RequestSets?queue=app", nil).wantCode(http.StatusForbidden, 4033)
}

// Two approvals needed, one given: the request is pending. The same
// approver's second approval answers 4036 saying so, never that the
// request is approved; once it is, 4036 says that.
func TestRepeatedApprovalOfPendingRequest(t *testing.T) {
	f := newFixture(t)
	rita, arno, remy := f.as("requestor"), f.as("approver"), f.as("reqapprover")
	id := rita.createRequest(req(4, 41, 30)) // app01/deploy: two approvals
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantStatus(http.StatusNoContent)
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantError(http.StatusForbidden,
		"4036 - Request has been approved already by this user; it is pending until 1 more approver(s) approve it.")
	if info, _ := f.srv.Request(id); info.Status != passwordsafetest.StatusPending || len(info.Approvals) != 1 {
		t.Errorf("after a repeated approval %+v", info)
	}
	err := f.srv.Approve(id, "approver")
	if err == nil || !strings.Contains(err.Error(), "403 4036 - Request has been approved already by this user; it is pending") {
		t.Errorf("Server.Approve again: %v", err)
	}
	remy.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantStatus(http.StatusNoContent)
	f.as("admin").do(http.MethodPut, path("Requests/{id}/Approve", id), nil).
		wantError(http.StatusForbidden, "4036 - Request has been approved already.")
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).
		wantError(http.StatusForbidden, "4036 - Request has been approved already.")
}

// screen reads the replay's terminal text.
func (c *client) screen(replayID string) string {
	c.t.Helper()
	return string(c.do(http.MethodGet, "pbsm/replay/"+replayID+"?screen=1", nil).wantStatus(http.StatusOK).body)
}

// The Active Session Reviewer lists, reads, replays (while live), locks and
// terminates sessions, as the references' Sessions pages have it, and
// nothing else of the sessions family.
func TestActiveSessionReviewer(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithUser(passwordsafetest.User{UserName: "watcher", Roles: []passwordsafetest.Role{"activesessionreviewer"}}))
	if u, _ := f.srv.User("watcher"); len(u.Roles) != 1 || u.Roles[0] != passwordsafetest.RoleActiveSessionReviewer {
		t.Errorf("watcher %+v", u)
	}
	rhea, ada := f.as("reviewer"), f.as("admin")
	var ss []sessionOut
	rhea.do(http.MethodGet, "Sessions?status=1", nil).wantStatus(http.StatusOK).decode(&ss)
	if len(ss) != 1 || ss[0].SessionID != passwordsafetest.LiveSessionID {
		t.Fatalf("live sessions %+v", ss)
	}
	live := rhea.session(passwordsafetest.LiveSessionID)
	id := startReplay(t, rhea, live)
	rhea.do(http.MethodGet, "pbsm/replay/"+id, nil).wantStatus(http.StatusOK)
	rhea.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"speed": 200}).wantStatus(http.StatusOK)
	rhea.do(http.MethodPost, "Sessions/7000/Lock", nil).wantStatus(http.StatusNoContent)
	rhea.do(http.MethodPost, "Sessions/7000/Terminate?feedback=true", nil).wantStatus(http.StatusOK)
	if s := rhea.session(passwordsafetest.LiveSessionID); s.Status != 7 {
		t.Errorf("terminated %+v", s)
	}
	rhea.do(http.MethodDelete, "pbsm/replay/"+id, nil).wantStatus(http.StatusNoContent)
	if n := len(f.srv.Replays()); n != 0 {
		t.Errorf("%d replays open", n)
	}

	// An ended session is for auditors to replay, not for this role.
	ended := rhea.session(passwordsafetest.LiveSessionID)
	rhea.do(http.MethodPost, "pbsm/replay", map[string]any{"id": ended.Token, "record_key": ended.RecordKey, "protocol": "SSH", "headless": true}).
		wantCode(http.StatusForbidden, 4031)
	startReplay(t, f.as("auditor"), ended)

	// Not the reviewer's: admin sessions, requests, the quarantine calls.
	rhea.do(http.MethodPost, "Sessions/Admin", map[string]any{"SessionType": "SSH", "HostName": "h", "UserName": "u", "Password": "p"}).
		wantCode(http.StatusForbidden, 4031)
	rhea.do(http.MethodPost, "Requests", req(1, 11, 5)).wantCode(http.StatusForbidden, 4032)
	rhea.do(http.MethodPost, "ManagedSystems/6/Sessions/Lock", nil).wantCode(http.StatusForbidden, 4031)
	// And the requestor still may not watch.
	f.as("requestor").do(http.MethodGet, "Sessions", nil).wantCode(http.StatusForbidden, 4031)
	ada.do(http.MethodGet, "Sessions/7000", nil).wantStatus(http.StatusOK)
}

// The default seed has a live SSH session whose screen moves with the
// fake's clock: a replay at the live edge shows a new screen after each
// Advance.
func TestDefaultLiveSessionMoves(t *testing.T) {
	f := newFixture(t)
	ada := f.as("admin")
	live := ada.session(passwordsafetest.LiveSessionID)
	if live.Status != 1 || live.EndTime != nil || live.AssetName != "db02" || live.ManagedAccountName != "postgres" ||
		live.Duration != 90 || *live.StartTime != "2026-11-23T04:37:40.53Z" || live.Protocol != 1 {
		t.Fatalf("live session %+v", live)
	}
	id := startReplay(t, ada, live)
	ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"offset": 90000}).wantStatus(http.StatusOK) // the live edge
	seen := map[string]bool{}
	for range 3 {
		seen[ada.screen(id)] = true
		f.srv.Advance(time.Second)
	}
	if len(seen) != 3 {
		t.Errorf("the screen did not move: %v", seen)
	}
	for s := range seen {
		if !strings.Contains(s, "postgres@db02") {
			t.Errorf("screen %q", s)
		}
	}
	// A test that seeds a session of its own, or an inventory of its own, sees only its own.
	mine := passwordsafetest.NewServer(t, passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{User: "admin", System: "web01", Account: "root"}))
	if s := mine.Sessions(); len(s) != 1 || s[0].SessionID != 7001 {
		t.Errorf("sessions %+v", s)
	}
	inv := passwordsafetest.NewServer(t, passwordsafetest.WithManagedAccount("db9", "app", "pw"))
	if s := inv.Sessions(); len(s) != 0 {
		t.Errorf("sessions %+v", s)
	}
}

// Seeded frames change a session's screen over the replay's position; a
// seeded ID is kept, the others take free IDs from 7001, and new sessions
// count on above them all.
func TestSeededFramesAndSessionIDs(t *testing.T) {
	start := epoch.Add(-10 * time.Second)
	f := newFixture(t, passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
		ID: 8000, User: "requestor", System: "web01", Account: "root", Live: true, Start: start,
		Frames: []passwordsafetest.ScreenFrame{{AtSeconds: 2, Screen: "$ make"}, {AtSeconds: 5, Screen: "$ make\nok"}, {AtSeconds: 12, Screen: "$ "}},
	}), passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{User: "requestor", System: "web01", Account: "root", Screen: "fixed"}))
	ada := f.as("admin")
	s := ada.session(8000)
	if s.Status != 1 {
		t.Fatalf("session %+v", s)
	}
	if s2 := ada.session(7001); s2.Status != 2 {
		t.Errorf("the second seeded session takes the first free ID: %+v", s2)
	}
	id := startReplay(t, ada, s) // at position 0
	for _, step := range []struct {
		offsetMS int
		want     string
	}{{0, ""}, {1999, ""}, {2000, "$ make"}, {4999, "$ make"}, {5000, "$ make\nok"}, {10000, "$ make\nok"}} {
		ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"offset": step.offsetMS, "speed": 1}).wantStatus(http.StatusOK)
		if got := ada.screen(id); got != step.want {
			t.Errorf("at %d ms: %q, want %q", step.offsetMS, got, step.want)
		}
	}
	// The live edge moves with the clock to the next frame.
	f.srv.Advance(2 * time.Second)
	ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"offset": 12000}).wantStatus(http.StatusOK)
	if got := ada.screen(id); got != "$ " {
		t.Errorf("at the live edge: %q", got)
	}
	// One frame is the screen from its moment on.
	one := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch), passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{
		User: "requestor", System: "web01", Account: "root", Live: true, Frames: []passwordsafetest.ScreenFrame{{Screen: "only"}}}))
	of := &fixture{t: t, srv: one, base: one.URL()}
	oa := of.as("admin")
	if got := oa.screen(startReplay(t, oa, oa.session(7001))); got != "only" {
		t.Errorf("one frame: %q", got)
	}

	rita := f.as("requestor")
	rq := rita.createRequest(req(1, 11, 60, "AccessType", "SSH"))
	var tk ticketOut
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", rq), map[string]string{"SessionType": "SSH"}).wantStatus(http.StatusCreated).decode(&tk)
	if tk.SessionID != 8001 {
		t.Errorf("a new session after seeded IDs: %d", tk.SessionID)
	}

	for name, tc := range map[string]struct {
		seed passwordsafetest.RecordedSession
		want string
	}{
		"screen and frames": {passwordsafetest.RecordedSession{User: "admin", System: "web01", Account: "root", Screen: "x",
			Frames: []passwordsafetest.ScreenFrame{{Screen: "y"}}}, "screen or frames"},
		"frames out of order": {passwordsafetest.RecordedSession{User: "admin", System: "web01", Account: "root",
			Frames: []passwordsafetest.ScreenFrame{{AtSeconds: 3}, {AtSeconds: 3}}}, "frame 2: atSeconds"},
		"negative frame": {passwordsafetest.RecordedSession{User: "admin", System: "web01", Account: "root",
			Frames: []passwordsafetest.ScreenFrame{{AtSeconds: -1}}}, "frame 1: atSeconds"},
		"negative ID": {passwordsafetest.RecordedSession{ID: -1, User: "admin", System: "web01", Account: "root"}, "negative"},
	} {
		if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithRecordedSession(tc.seed)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSeed(passwordsafetest.Seed{Sessions: []passwordsafetest.RecordedSession{
		{ID: 9, User: "admin", System: "web01", Account: "root"}, {ID: 9, User: "admin", System: "web01", Account: "root"}}}))
	if err == nil || !strings.Contains(err.Error(), "seed: session 2: ID 9 is used twice") {
		t.Errorf("an ID twice: %v", err)
	}
}
