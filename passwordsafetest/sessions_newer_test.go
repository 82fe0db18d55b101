package passwordsafetest_test

import (
	"net/http"
	"strings"
	"testing"
)

// The newer servers' session fields: Resolution and RDPAdminSwitch on
// POST Requests/{id}/Sessions, Record on POST Sessions/Admin.
func TestNewerSessionFields(t *testing.T) {
	f := newFixture(t)
	rita, ada := f.as("requestor"), f.as("admin")

	rdp := rita.createRequest(req(3, 31, 60, "AccessType", "RDP"))
	r := rita.do(http.MethodPost, path("Requests/{id}/Sessions", rdp), map[string]any{
		"SessionType": "rdpfile", "Resolution": "1600x900", "RDPAdminSwitch": true,
	}).wantStatus(http.StatusCreated)
	if body := string(r.body); !strings.Contains(body, "desktopwidth:i:1600") || !strings.Contains(body, "desktopheight:i:900") ||
		!strings.Contains(body, "administrative session:i:1") {
		t.Errorf("rdp file %q", body)
	}
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", rdp), map[string]any{"SessionType": "RDP", "Resolution": "Maximized"}).
		wantStatus(http.StatusCreated)
	if s := f.sessions(); s[0].Resolution != "1600x900" || !s[0].RDPAdminSwitch || s[1].Resolution != "Maximized" || !s[1].Record {
		t.Errorf("sessions %+v", s)
	}
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", rdp), map[string]any{"SessionType": "RDP", "Resolution": strings.Repeat("9", 51)}).
		wantError(http.StatusBadRequest, "Resolution must be at most 50 characters.")

	ssh := rita.createRequest(req(1, 11, 60, "AccessType", "SSH"))
	for _, b := range []map[string]any{
		{"SessionType": "SSH", "Resolution": "800x600"},
		{"SessionType": "sshticket", "RDPAdminSwitch": true},
	} {
		rita.do(http.MethodPost, path("Requests/{id}/Sessions", ssh), b).
			wantError(http.StatusBadRequest, "Resolution and RDPAdminSwitch apply to RDP sessions only.")
	}

	ada.do(http.MethodPost, "Sessions/Admin", map[string]any{
		"SessionType": "RDP", "HostName": "h", "UserName": "u", "Password": "p", "Record": false,
	}).wantStatus(http.StatusCreated)
	ada.do(http.MethodPost, "Sessions/Admin", map[string]any{
		"SessionType": "SSH", "HostName": "h", "UserName": "u", "Password": "p", "Record": true,
	}).wantStatus(http.StatusCreated)
	if s := f.sessions(); len(s) != 4 || s[2].Record || !s[3].Record {
		t.Errorf("admin sessions %+v", s)
	}
}
