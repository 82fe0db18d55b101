package passwordsafetest_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

type terminationOut struct {
	Scope    string
	ID       int
	Reason   string
	Count    int
	Requests []struct {
		RequestID       int
		RequestorUserID int
		RequestorName   string
		SystemID        int
		AccountID       int
		AccessType      string
		Status          string
	}
}

func TestTerminateRequests(t *testing.T) {
	f := newFixture(t)
	rita, remy := f.as("requestor"), f.as("reqapprover")
	quinn := f.as("quarantine")

	a := rita.createRequest(req(1, 11, 60, "AccessType", "SSH")) // 1001 active, web01/root
	b := remy.createRequest(req(1, 11, 60))                      // 1002 active, web01/root
	c := rita.createRequest(req(2, 21, 60))                      // 1003 pending, db01/postgres
	d := remy.createRequest(req(3, 31, 60))                      // 1004 active, win01
	var tk ticketOut
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", a), map[string]string{"SessionType": "SSH"}).
		wantStatus(http.StatusCreated).decode(&tk)
	pw := f.srv.Password("web01", "root")

	// By account, with feedback: 200 and what was ended.
	var rep terminationOut
	quinn.do(http.MethodPost, "ManagedAccounts/11/Requests/Terminate?feedback=true", map[string]string{"Reason": "leaked key"}).
		wantStatus(http.StatusOK).decode(&rep)
	if rep.Scope != "ManagedAccount" || rep.ID != 11 || rep.Reason != "leaked key" || rep.Count != 2 ||
		rep.Requests[0].RequestID != a || rep.Requests[0].Status != "Active" || rep.Requests[0].RequestorUserID != 1 ||
		rep.Requests[1].RequestID != b || rep.Requests[1].RequestorName != "reqapprover" || rep.Requests[0].AccessType != "SSH" {
		t.Errorf("report %+v", rep)
	}
	for _, id := range []int{a, b} {
		rq, _ := f.srv.Request(id)
		if rq.Status != passwordsafetest.StatusTerminated || rq.TerminatedBy != "quarantine" || rq.TerminateReason != "leaked key" || rq.Ended != epoch {
			t.Errorf("request %+v", rq)
		}
	}
	if f.srv.Password("web01", "root") == pw {
		t.Errorf("a released password was not rotated")
	}
	if s := f.sessions(); s[0].Status != 7 || s[0].End != epoch {
		t.Errorf("the request's session: %+v", s[0])
	}
	rita.do(http.MethodGet, path("Credentials/{id}", a), nil).wantCode(http.StatusForbidden, 4031)

	// By system, without feedback: 204; a pending request is not active and stays pending.
	quinn.do(http.MethodPost, "ManagedSystems/2/Requests/Terminate", map[string]string{"Reason": "db01 rebuilt"}).
		wantStatus(http.StatusNoContent)
	if rq, _ := f.srv.Request(c); rq.Status != passwordsafetest.StatusPending || rq.TerminatedBy != "" || rq.TerminateReason != "" {
		t.Errorf("pending request %+v", rq)
	}
	// Once approved it is active, and the call ends it.
	f.as("approver").do(http.MethodPut, path("Requests/{id}/Approve", c), nil).wantStatus(http.StatusNoContent)
	quinn.do(http.MethodPost, "ManagedSystems/2/Requests/Terminate", map[string]string{"Reason": "db01 rebuilt"}).
		wantStatus(http.StatusNoContent)
	if rq, _ := f.srv.Request(c); rq.Status != passwordsafetest.StatusTerminated || rq.TerminateReason != "db01 rebuilt" {
		t.Errorf("approved request %+v", rq)
	}
	// By user, by an administrator, with no body at all.
	f.as("admin").do(http.MethodPost, "Users/4/Requests/Terminate", nil).wantStatus(http.StatusNoContent)
	if rq, _ := f.srv.Request(d); rq.Status != passwordsafetest.StatusTerminated || rq.TerminatedBy != "admin" || rq.TerminateReason != "" {
		t.Errorf("user's request %+v", rq)
	}
	if open := f.srv.OpenRequests(); len(open) != 0 {
		t.Errorf("open %+v", open)
	}
	// Nothing left: feedback says so.
	quinn.do(http.MethodPost, "Users/1/Requests/Terminate?feedback=TRUE", map[string]any{"Reason": nil}).
		wantStatus(http.StatusOK).decode(&rep)
	if rep.Count != 0 || rep.Requests == nil || rep.Scope != "User" {
		t.Errorf("empty report %+v", rep)
	}

	got := f.srv.Terminations()
	if len(got) != 5 || got[0].Scope != "ManagedAccount" || got[0].ID != 11 || got[0].User != "quarantine" ||
		got[0].Reason != "leaked key" || !slices.Equal(got[0].RequestIDs, []int{a, b}) ||
		len(got[1].RequestIDs) != 0 || !slices.Equal(got[2].RequestIDs, []int{c}) || got[3].Scope != "User" || got[3].User != "admin" ||
		len(got[4].RequestIDs) != 0 || got[4].Time != epoch {
		t.Errorf("terminations %+v", got)
	}
}

func TestTerminateRequestsRefusals(t *testing.T) {
	f := newFixture(t)
	id := f.as("requestor").createRequest(req(1, 11, 60))
	for _, user := range []string{"requestor", "approver", "reqapprover", "auditor", "isa"} {
		c := f.as(user)
		for _, p := range []string{"ManagedAccounts/11/Requests/Terminate", "ManagedSystems/1/Requests/Terminate", "Users/1/Requests/Terminate"} {
			c.do(http.MethodPost, p, map[string]string{"Reason": "x"}).wantCode(http.StatusForbidden, 4031)
		}
	}
	quinn := f.as("quarantine")
	quinn.do(http.MethodPost, "ManagedAccounts/12/Requests/Terminate", nil).wantError(http.StatusNotFound, "Managed Account 12 was not found.")
	quinn.do(http.MethodPost, "ManagedSystems/99/Requests/Terminate", nil).wantError(http.StatusNotFound, "Managed System 99 was not found.")
	quinn.do(http.MethodPost, "Users/99/Requests/Terminate", nil).wantError(http.StatusNotFound, "User 99 was not found.")
	quinn.do(http.MethodPost, "Users/1/Requests/Terminate?feedback=yes", nil).wantStatus(http.StatusBadRequest)
	quinn.do(http.MethodPost, "Users/1/Requests/Terminate", map[string]string{"Reason": string(make([]byte, 1001))}).
		wantStatus(http.StatusBadRequest)
	quinn.do(http.MethodGet, "Users/1/Requests/Terminate", nil).wantStatus(http.StatusMethodNotAllowed)
	if rq, _ := f.srv.Request(id); !rq.Open() || len(f.srv.Terminations()) != 0 {
		t.Errorf("a refused call acted: %+v", rq)
	}
}

type sessionReportOut struct {
	Action   string
	Scope    string
	ID       int
	Count    int
	Sessions []struct {
		SessionID        int
		UserID           int
		ManagedSystemID  *int
		ManagedAccountID *int
		Status           int
	}
}

// openSessions opens two SSH sessions on web01/root and one RDP session on
// win01 as requestor, and an admin session on web01's host name.
func openSessions(t *testing.T, f *fixture) {
	t.Helper()
	rita := f.as("requestor")
	id := rita.createRequest(req(1, 11, 60, "AccessType", "SSH"))
	for range 2 {
		rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).wantStatus(http.StatusCreated)
	}
	win := rita.createRequest(req(3, 31, 60, "AccessType", "RDP"))
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", win), map[string]string{"SessionType": "RDP"}).wantStatus(http.StatusCreated)
	f.as("admin").do(http.MethodPost, "Sessions/Admin", map[string]any{
		"SessionType": "SSH", "HostName": "web01", "UserName": "root", "Password": "pw",
	}).wantStatus(http.StatusCreated)
}

func statuses(f *fixture) []int {
	var out []int
	for _, s := range f.sessions() {
		out = append(out, s.Status)
	}
	return out
}

func TestSessionsBySystemAndAccount(t *testing.T) {
	f := newFixture(t)
	openSessions(t, f) // 7001, 7002 web01/root; 7003 win01; 7004 admin session
	quinn := f.as("quarantine")

	var rep sessionReportOut
	quinn.do(http.MethodPost, "ManagedSystems/1/Sessions/Lock?feedback=true", nil).wantStatus(http.StatusOK).decode(&rep)
	if rep.Action != "Lock" || rep.Scope != "ManagedSystem" || rep.ID != 1 || rep.Count != 2 || rep.Sessions[0].SessionID != 7001 ||
		rep.Sessions[1].Status != 5 || *rep.Sessions[0].ManagedAccountID != 11 || rep.Sessions[0].UserID != 1 {
		t.Errorf("report %+v", rep)
	}
	if got := statuses(f); !slices.Equal(got, []int{5, 5, 1, 1}) {
		t.Errorf("statuses %v", got)
	}
	// Locked sessions are still live: terminating by account ends them.
	quinn.do(http.MethodPost, "ManagedAccounts/11/Sessions/Terminate", nil).wantStatus(http.StatusNoContent)
	if got := statuses(f); !slices.Equal(got, []int{7, 7, 1, 1}) {
		t.Errorf("statuses %v", got)
	}
	// Nothing live on web01 any more; the admin session is on no managed system.
	f.as("admin").do(http.MethodPost, "ManagedSystems/1/Sessions/Terminate?feedback=true", nil).wantStatus(http.StatusOK).decode(&rep)
	if rep.Count != 0 || rep.Sessions == nil || rep.Action != "Terminate" {
		t.Errorf("empty report %+v", rep)
	}
	quinn.do(http.MethodPost, "ManagedAccounts/31/Sessions/Lock", nil).wantStatus(http.StatusNoContent)
	quinn.do(http.MethodPost, "ManagedSystems/3/Sessions/Terminate?feedback=true", nil).wantStatus(http.StatusOK).decode(&rep)
	if rep.Count != 1 || rep.Sessions[0].SessionID != 7003 || rep.Sessions[0].Status != 7 || rep.Scope != "ManagedSystem" {
		t.Errorf("report %+v", rep)
	}
	if got := statuses(f); !slices.Equal(got, []int{7, 7, 7, 1}) {
		t.Errorf("statuses %v", got)
	}

	// Refusals: only Global Quarantine (and Administrators); ISA may not here.
	for _, user := range []string{"requestor", "approver", "auditor", "isa"} {
		c := f.as(user)
		for _, p := range []string{"ManagedSystems/1/Sessions/Lock", "ManagedSystems/1/Sessions/Terminate",
			"ManagedAccounts/11/Sessions/Lock", "ManagedAccounts/11/Sessions/Terminate"} {
			c.do(http.MethodPost, p, nil).wantCode(http.StatusForbidden, 4031)
		}
	}
	quinn.do(http.MethodPost, "ManagedSystems/99/Sessions/Lock", nil).wantError(http.StatusNotFound, "Managed System 99 was not found.")
	quinn.do(http.MethodPost, "ManagedAccounts/99/Sessions/Terminate", nil).wantError(http.StatusNotFound, "Managed Account 99 was not found.")
	quinn.do(http.MethodPost, "ManagedAccounts/11/Sessions/Terminate?feedback=1", nil).wantStatus(http.StatusBadRequest)
}

func TestSessionLockTerminateFeedback(t *testing.T) {
	f := newFixture(t)
	openSessions(t, f)
	ivo := f.as("isa")

	ivo.do(http.MethodPost, "Sessions/7001/Lock", nil).wantStatus(http.StatusNoContent)
	var rep sessionReportOut
	ivo.do(http.MethodPost, "Sessions/7001/Lock?feedback=true", nil).wantStatus(http.StatusOK).decode(&rep)
	if rep.Action != "Lock" || rep.Scope != "Session" || rep.ID != 7001 || rep.Count != 1 || rep.Sessions[0].Status != 5 {
		t.Errorf("report %+v", rep)
	}
	f.as("quarantine").do(http.MethodPost, "Sessions/7002/Terminate?feedback=true", nil).wantStatus(http.StatusOK).decode(&rep)
	if rep.Action != "Terminate" || rep.ID != 7002 || rep.Sessions[0].Status != 7 {
		t.Errorf("report %+v", rep)
	}
	f.as("admin").do(http.MethodPost, "Sessions/7001/Terminate?feedback=false", nil).wantStatus(http.StatusNoContent)
	if got := statuses(f); !slices.Equal(got, []int{7, 7, 1, 1}) {
		t.Errorf("statuses %v", got)
	}
	ivo.do(http.MethodPost, "Sessions/7001/Lock?feedback=true", nil).wantError(http.StatusBadRequest, "Session 7001 is not active.")
	ivo.do(http.MethodPost, "Sessions/7999/Terminate", nil).wantError(http.StatusNotFound, "Session 7999 was not found.")
	ivo.do(http.MethodPost, "Sessions/7003/Terminate?feedback=maybe", nil).wantStatus(http.StatusBadRequest)
	for _, user := range []string{"requestor", "approver", "auditor"} {
		f.as(user).do(http.MethodPost, "Sessions/7003/Lock", nil).wantCode(http.StatusForbidden, 4031)
	}
}
