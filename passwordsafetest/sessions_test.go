package passwordsafetest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

type sessionOut struct {
	SessionID          int
	UserID             int
	NodeID             string
	Status             int
	ArchiveStatus      int
	Protocol           int
	StartTime          *string
	EndTime            *string
	Duration           int
	AssetName          string
	ManagedSystemID    *int
	ManagedAccountID   *int
	ManagedAccountName string
	RecordKey          string
	Token              string
}

type ticketOut struct {
	ID           string
	Ticket       string
	Host         string
	Port         string
	TicketAtHost string
	Link         string
	Command      string
	SessionID    int
	NodeID       string
}

func (c *client) session(id int) sessionOut {
	c.t.Helper()
	var s sessionOut
	c.do(http.MethodGet, "Sessions/"+strconv.Itoa(id), nil).wantStatus(http.StatusOK).decode(&s)
	return s
}

func TestSSHSession(t *testing.T) {
	f := newFixture(t)
	rita, ada := f.as("requestor"), f.as("admin")
	id := rita.createRequest(req(1, 11, 60, "AccessType", "SSH"))

	var tk ticketOut
	r := rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).
		wantStatus(http.StatusCreated)
	r.decode(&tk)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	if !strings.Contains(string(r.body), `"Port":"4422"`) {
		t.Errorf("Port is not a string: %s", r.body)
	}
	if tk.SessionID != 7001 || tk.Host != "127.0.0.1" || tk.Ticket == "" || tk.ID == "" || tk.NodeID == "" ||
		tk.TicketAtHost != tk.Ticket+"@127.0.0.1" || tk.Command != "ssh -p 4422 "+tk.Ticket+"@127.0.0.1" ||
		!strings.HasPrefix(tk.Link, "ssh://") {
		t.Errorf("ticket %+v", tk)
	}

	f.srv.Advance(90 * time.Second)
	s := ada.session(tk.SessionID)
	if s.Status != 1 || s.Protocol != 1 || s.EndTime != nil || s.StartTime == nil || s.Duration != 90 ||
		s.UserID != 1 || s.AssetName != "web01" || *s.ManagedSystemID != 1 || *s.ManagedAccountID != 11 ||
		s.ManagedAccountName != "root" || s.Token == "" || s.RecordKey == "" || s.NodeID != tk.NodeID {
		t.Errorf("session %+v", s)
	}
	// Sessions are written in RFC 3339 (UTC).
	if start, err := time.Parse(time.RFC3339Nano, *s.StartTime); err != nil || !start.Equal(epoch) {
		t.Errorf("StartTime %q: %v", *s.StartTime, err)
	}

	// sshticket works too; check-in logs every session of the request off.
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "sshticket", "NodeID": "other"}).
		wantStatus(http.StatusCreated)
	rita.do(http.MethodPut, path("Requests/{id}/Checkin", id), nil).wantStatus(http.StatusNoContent)
	for _, sid := range []int{7001, 7002} {
		s := ada.session(sid)
		if s.Status != 8 || s.EndTime == nil {
			t.Errorf("session %d after check-in: %+v", sid, s)
		}
	}
	if info, _ := f.srv.Request(id); len(info.SessionIDs) != 2 {
		t.Errorf("request sessions %v", info.SessionIDs)
	}
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).
		wantCode(http.StatusForbidden, 4031)
}

func TestRDPFileSession(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	id := rita.createRequest(req(3, 31, 60, "AccessType", "RDP"))
	r := rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "rdpfile"}).
		wantStatus(http.StatusCreated)
	if ct := r.header.Get("Content-Type"); ct != "application/x-rdp" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="win01.rdp"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	body := string(r.body)
	for _, want := range []string{"full address:s:127.0.0.1:4489\r\n", "username:s:", "desktopwidth:i:1024\r\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("rdp file lacks %q:\n%s", want, body)
		}
	}

	var tk map[string]any
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "RDP"}).
		wantStatus(http.StatusCreated).decode(&tk)
	if tk["Port"] != "4489" || tk["SessionID"] != float64(7002) {
		t.Errorf("RDP ticket %v", tk)
	}
	if s := f.as("admin").session(7002); s.Protocol != 0 || s.Status != 1 {
		t.Errorf("RDP session %+v", s)
	}
	// The access type must match the session type.
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).
		wantError(http.StatusBadRequest, "SessionType SSH does not match the request's AccessType RDP.")
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "vnc"}).
		wantStatus(http.StatusBadRequest)

	// App requests open app sessions; appfile is an .rdp file with the RemoteApp.
	app := f.as("admin").createRequest(req(3, 31, 60, "AccessType", "App", "ApplicationID", 1))
	r = f.as("admin").do(http.MethodPost, path("Requests/{id}/Sessions", app), map[string]string{"SessionType": "appfile"}).
		wantStatus(http.StatusCreated)
	if r.header.Get("Content-Type") != "application/x-rdp" || !strings.Contains(string(r.body), "remoteapplicationname:s:Server Manager") {
		t.Errorf("appfile %q %s", r.header.Get("Content-Type"), r.body)
	}
}

func TestSessionNeedsApprovedRequest(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	id := rita.createRequest(req(2, 21, 60, "AccessType", "SSH"))
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).
		wantError(http.StatusForbidden, "4034 - Request is not yet approved.")
	f.as("reqapprover").do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).
		wantCode(http.StatusForbidden, 4031)
	rita.do(http.MethodPost, "Requests/4242/Sessions", map[string]string{"SessionType": "SSH"}).wantStatus(http.StatusNotFound)
	f.as("approver").do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantStatus(http.StatusNoContent)
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).wantStatus(http.StatusCreated)
	f.srv.Advance(time.Hour)
	rita = f.as("requestor") // the old sign-in has gone idle
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).wantCode(http.StatusForbidden, 4031)
	// Expiry logs the session off at the end of the window.
	if s := f.as("admin").session(7001); s.Status != 8 || s.Duration != 3600 {
		t.Errorf("session after expiry %+v", s)
	}
}

func TestListLockTerminate(t *testing.T) {
	f := newFixture(t)
	rita, sam, ada := f.as("requestor"), f.as("secured"), f.as("admin")
	for _, c := range []*client{rita, sam} {
		id := c.createRequest(req(1, 11, 60, "AccessType", "SSH"))
		c.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH"}).wantStatus(http.StatusCreated)
	}
	list := func(query string) []int {
		var ss []sessionOut
		ada.do(http.MethodGet, "Sessions"+query, nil).wantStatus(http.StatusOK).decode(&ss)
		out := []int{}
		for _, s := range ss {
			out = append(out, s.SessionID)
		}
		return out
	}
	if got := list(""); !sameInts(got, []int{passwordsafetest.LiveSessionID, 7001, 7002}) { // the default seed's live session, then ours
		t.Errorf("all sessions %v", got)
	}
	if got := list("?userID=5"); !sameInts(got, []int{7002}) {
		t.Errorf("sessions of user 5: %v", got)
	}

	ada.do(http.MethodPost, "Sessions/7001/Lock", nil).wantStatus(http.StatusNoContent)
	if s := ada.session(7001); s.Status != 5 || s.EndTime != nil {
		t.Errorf("locked %+v", s)
	}
	f.srv.Advance(time.Minute)
	ada.do(http.MethodPost, "Sessions/7002/Terminate", nil).wantStatus(http.StatusNoContent)
	if s := ada.session(7002); s.Status != 7 || s.EndTime == nil || s.Duration != 60 {
		t.Errorf("terminated %+v", s)
	}
	ada.do(http.MethodPost, "Sessions/7002/Lock", nil).wantError(http.StatusBadRequest, "Session 7002 is not active.")
	ada.do(http.MethodPost, "Sessions/7009/Terminate", nil).wantStatus(http.StatusNotFound)
	ada.do(http.MethodGet, "Sessions/7009", nil).wantStatus(http.StatusNotFound)

	if got := list("?status=5,7"); !sameInts(got, []int{7001, 7002}) {
		t.Errorf("status 5,7: %v", got)
	}
	if got := list("?status=1"); !sameInts(got, []int{passwordsafetest.LiveSessionID}) {
		t.Errorf("status 1: %v", got)
	}
	if got := list("?status=7&userID=1"); len(got) != 0 {
		t.Errorf("status 7 of user 1: %v", got)
	}
	ada.do(http.MethodGet, "Sessions?status=3", nil).wantStatus(http.StatusBadRequest)
	ada.do(http.MethodGet, "Sessions?userID=me", nil).wantStatus(http.StatusBadRequest)

	adminOnly := "4031 - User does not have permission to use this API. Only members of the Administrators group can."
	rita.do(http.MethodGet, "Sessions", nil).wantError(http.StatusForbidden, adminOnly)
	rita.do(http.MethodGet, "Sessions/7001", nil).wantError(http.StatusForbidden, adminOnly)
	rita.do(http.MethodPost, "Sessions/7001/Terminate", nil).wantError(http.StatusForbidden, adminOnly)
	rita.do(http.MethodPost, "Sessions/7001/Lock", nil).wantError(http.StatusForbidden, adminOnly)
}

func TestAdminSessions(t *testing.T) {
	f := newFixture(t)
	ada := f.as("admin")
	body := func(more ...any) map[string]any {
		m := map[string]any{"SessionType": "SSH", "HostName": "10.1.2.3", "UserName": "ops", "Password": "pw"}
		for i := 0; i+1 < len(more); i += 2 {
			if more[i+1] == nil {
				delete(m, more[i].(string))
			} else {
				m[more[i].(string)] = more[i+1]
			}
		}
		return m
	}
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"app type", body("SessionType", "app")},
		{"unknown type", body("SessionType", "telnet")},
		{"no host", body("HostName", nil)},
		{"long host", body("HostName", strings.Repeat("h", 129))},
		{"no user", body("UserName", nil)},
		{"long user", body("UserName", strings.Repeat("u", 201))},
		{"no password", body("Password", nil)},
		{"long domain", body("DomainName", strings.Repeat("d", 51))},
		{"port 0", body("Port", 0)},
		{"port too big", body("Port", 65536)},
		{"resolution with SSH", body("Resolution", "1024x768")},
		{"smart sizing with RDP", body("SessionType", "RDP", "SmartSizing", true)},
		{"long resolution", body("SessionType", "RDP", "Resolution", strings.Repeat("r", 51))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ada.do(http.MethodPost, "Sessions/Admin", tc.body).wantStatus(http.StatusBadRequest)
		})
	}

	var tk ticketOut
	ada.do(http.MethodPost, "Sessions/Admin", body("Port", 2222, "DomainName", "CORP")).wantStatus(http.StatusCreated).decode(&tk)
	s := ada.session(tk.SessionID)
	if s.ManagedSystemID != nil || s.AssetName != "10.1.2.3" || s.ManagedAccountName != `CORP\ops` || s.Protocol != 1 || s.UserID != 3 {
		t.Errorf("admin session %+v", s)
	}
	r := ada.do(http.MethodPost, "Sessions/Admin", body("SessionType", "rdpfile", "HostName", "win9",
		"Resolution", "1280x800", "RDPAdminSwitch", true, "SmartSizing", true)).wantStatus(http.StatusCreated)
	for _, want := range []string{"desktopwidth:i:1280", "desktopheight:i:800", "administrative session:i:1", "smart sizing:i:1"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("rdp file lacks %q", want)
		}
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="win9.rdp"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	f.as("requestor").do(http.MethodPost, "Sessions/Admin", body()).wantCode(http.StatusForbidden, 4031)
	ada.do(http.MethodGet, "Sessions/Admin", nil).wantStatus(http.StatusMethodNotAllowed)
}
