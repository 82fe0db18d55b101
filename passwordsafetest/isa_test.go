package passwordsafetest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func TestISARequest(t *testing.T) {
	f := newFixture(t)
	ivo := f.as("isa")

	// The reference's answer: {"Credentials": "..."}, 201.
	var got struct{ Credentials string }
	r := ivo.do(http.MethodPost, "ISARequests", map[string]any{"SystemID": 1, "AccountID": 11, "Reason": "patch"}).
		wantStatus(http.StatusCreated)
	r.decode(&got)
	if got.Credentials != f.srv.Password("web01", "root") || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("answer %s", r.body)
	}
	rq, ok := f.srv.Request(1001)
	if !ok || !rq.ISA || rq.Status != passwordsafetest.StatusActive || rq.Owner != "isa" || rq.AccessType != "View" ||
		rq.DurationMinutes != 120 || rq.Reason != "patch" || !rq.Approved.Equal(epoch) || !rq.Expires.Equal(epoch.Add(2*time.Hour)) {
		t.Errorf("request %+v", rq)
	}
	// It is an ordinary request: listed, and it expires rotating the password.
	var listed []struct{ RequestID int }
	ivo.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK).decode(&listed)
	if len(listed) != 1 || listed[0].RequestID != 1001 {
		t.Errorf("GET Requests %+v", listed)
	}

	// The key and passphrase; the duration is the caller's; no conflict for ISA calls.
	ivo.do(http.MethodPost, "ISARequests?type=dsskey", map[string]any{"SystemID": 1, "AccountID": 11, "DurationMinutes": 5}).
		wantStatus(http.StatusCreated).decode(&got)
	acct := f.srv.Accounts()[0]
	if got.Credentials != acct.PrivateKey {
		t.Errorf("dsskey %q", got.Credentials)
	}
	ivo.do(http.MethodPost, "ISARequests?TYPE=Passphrase", map[string]any{"systemId": 1, "accountId": 11}).
		wantStatus(http.StatusCreated).decode(&got)
	if got.Credentials != acct.Passphrase {
		t.Errorf("passphrase %q", got.Credentials)
	}
	if rq, _ := f.srv.Request(1002); rq.DurationMinutes != 5 {
		t.Errorf("duration %+v", rq)
	}
	pw := f.srv.Password("web01", "root")
	f.srv.Advance(2 * time.Hour)
	if rq, _ := f.srv.Request(1001); rq.Status != passwordsafetest.StatusExpired || f.srv.Password("web01", "root") == pw {
		t.Errorf("after its window: %+v", rq)
	}
	ivo = f.as("isa") // two idle hours ended the API session

	// Refusals: role, account, access, terms.
	body := map[string]any{"SystemID": 1, "AccountID": 11}
	for _, user := range []string{"requestor", "approver", "auditor", "quarantine"} {
		f.as(user).do(http.MethodPost, "ISARequests", body).wantCode(http.StatusForbidden, 4031)
	}
	ivo.do(http.MethodPost, "ISARequests", map[string]any{"SystemID": 1, "AccountID": 21}).wantCode(http.StatusForbidden, 4031)
	ivo.do(http.MethodPost, "ISARequests", map[string]any{"SystemID": 99, "AccountID": 11}).wantCode(http.StatusForbidden, 4031)
	for name, b := range map[string]any{
		"no system":   map[string]any{"AccountID": 11},
		"no account":  map[string]any{"SystemID": 1},
		"duration":    map[string]any{"SystemID": 1, "AccountID": 11, "DurationMinutes": 0},
		"long reason": map[string]any{"SystemID": 1, "AccountID": 11, "Reason": strings.Repeat("é", 1001)},
		"not JSON":    "{",
		"no body":     nil,
	} {
		if r := ivo.do(http.MethodPost, "ISARequests", b); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	ivo.do(http.MethodPost, "ISARequests?type=pin", body).wantError(http.StatusBadRequest, "type must be password, dsskey or passphrase.")
}

func TestISARequestPolicy(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithAccount(passwordsafetest.Account{
		System: "db9", Name: "sa", Password: "pw", MaximumReleaseMinutes: 30,
		Policy: passwordsafetest.Policy{Approvals: 2, RequireReason: true, RequireTicket: true},
	}), passwordsafetest.WithISACredentialsAsString())
	ivo := f.as("isa")
	ivo.do(http.MethodPost, "ISARequests", map[string]any{"SystemID": 1, "AccountID": 1}).
		wantError(http.StatusBadRequest, "A Reason is required by the access policy.")
	ivo.do(http.MethodPost, "ISARequests", map[string]any{"SystemID": 1, "AccountID": 1, "Reason": "x", "DurationMinutes": 31}).
		wantStatus(http.StatusBadRequest)
	// Approvals and the ticket are skipped; WithISACredentialsAsString answers a bare string.
	r := ivo.do(http.MethodPost, "ISARequests", map[string]any{"SystemID": 1, "AccountID": 1, "Reason": "x"}).
		wantStatus(http.StatusCreated)
	if r.str() != "pw" {
		t.Errorf("answer %s", r.body)
	}
	if rq, _ := f.srv.Request(1001); rq.DurationMinutes != 30 || rq.ApprovalsNeeded != 0 || rq.Status != passwordsafetest.StatusActive {
		t.Errorf("request %+v (the default duration is the account's default, capped by its maximum)", rq)
	}
}

func TestISASession(t *testing.T) {
	f := newFixture(t)
	ivo, ada := f.as("isa"), f.as("admin")

	var tk ticketOut
	ivo.do(http.MethodPost, "ISASessions", map[string]any{"SessionType": "ssh", "SystemID": 1, "AccountID": 11, "Reason": "fix"}).
		wantStatus(http.StatusCreated).decode(&tk)
	if tk.SessionID != 7001 || tk.Port != "4422" || tk.Ticket == "" || tk.NodeID != passwordsafetest.NodeID {
		t.Errorf("ticket %+v", tk)
	}
	var s struct {
		SessionID   int
		RequestID   int
		SessionType string
		Status      int
		UserID      int
	}
	ada.do(http.MethodGet, "Sessions/7001", nil).wantStatus(http.StatusOK).decode(&s)
	if s.RequestID != 1001 || s.SessionType != "SSH" || s.Status != 1 || s.UserID != 7 {
		t.Errorf("session %+v", s)
	}
	rq, _ := f.srv.Request(1001)
	if !rq.ISA || rq.AccessType != "SSH" || rq.Status != passwordsafetest.StatusActive || len(rq.SessionIDs) != 1 || rq.Reason != "fix" {
		t.Errorf("request %+v", rq)
	}

	// An RDP file through App, with the newer fields; admins may too.
	r := ada.do(http.MethodPost, "ISASessions", map[string]any{
		"SessionType": "appfile", "SystemID": 3, "AccountID": 31, "ApplicationID": 1,
		"Resolution": "1280x1024", "RDPAdminSwitch": true, "Record": false, "DurationMinutes": 15,
	}).wantStatus(http.StatusCreated)
	if r.header.Get("Content-Type") != "application/x-rdp" || !strings.Contains(string(r.body), "desktopwidth:i:1280") ||
		!strings.Contains(string(r.body), "administrative session:i:1") || !strings.Contains(string(r.body), "remoteapplicationname:s:Server Manager") {
		t.Errorf("rdp file %q (%s)", r.body, r.header.Get("Content-Type"))
	}
	sessions := f.sessions()
	if si := sessions[1]; si.RequestID != 1002 || si.SessionType != "appfile" || si.Record || si.Resolution != "1280x1024" ||
		!si.RDPAdminSwitch || si.User != "admin" || si.Protocol != "RDP" {
		t.Errorf("session %+v", si)
	}
	if sessions[0].Record != true {
		t.Errorf("sessions are recorded unless Record is false: %+v", sessions[0])
	}
	if rq, _ := f.srv.Request(1002); rq.ApplicationID != 1 || rq.DurationMinutes != 15 || rq.AccessType != "App" {
		t.Errorf("request %+v", rq)
	}

	// Refusals.
	ok := map[string]any{"SessionType": "SSH", "SystemID": 1, "AccountID": 11}
	for _, user := range []string{"requestor", "approver", "auditor", "quarantine"} {
		f.as(user).do(http.MethodPost, "ISASessions", ok).wantCode(http.StatusForbidden, 4031)
	}
	ivo.do(http.MethodPost, "ISASessions", map[string]any{"SessionType": "RDP", "SystemID": 1, "AccountID": 11}).
		wantCode(http.StatusForbidden, 4031) // web01/root has no RDP access
	ivo.do(http.MethodPost, "ISASessions", map[string]any{"SessionType": "app", "SystemID": 3, "AccountID": 31, "ApplicationID": 9}).
		wantCode(http.StatusForbidden, 4031)
	for name, b := range map[string]map[string]any{
		"type":              {"SessionType": "vnc", "SystemID": 1, "AccountID": 11},
		"no account":        {"SessionType": "SSH", "SystemID": 1},
		"app without ID":    {"SessionType": "app", "SystemID": 3, "AccountID": 31},
		"ID without app":    {"SessionType": "RDP", "SystemID": 3, "AccountID": 31, "ApplicationID": 1},
		"resolution on SSH": {"SessionType": "sshticket", "SystemID": 1, "AccountID": 11, "Resolution": "800x600"},
		"admin on SSH":      {"SessionType": "SSH", "SystemID": 1, "AccountID": 11, "RDPAdminSwitch": true},
		"long resolution":   {"SessionType": "RDP", "SystemID": 3, "AccountID": 31, "Resolution": strings.Repeat("x", 51)},
		"inactive node":     {"SessionType": "SSH", "SystemID": 1, "AccountID": 11, "NodeID": passwordsafetest.RetiredNodeID},
	} {
		if r := ivo.do(http.MethodPost, "ISASessions", b); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if n := len(f.sessions()); n != 2 {
		t.Errorf("%d sessions after refusals", n)
	}
}
