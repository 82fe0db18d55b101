package passwordsafetest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

type listedRequest struct {
	RequestID          int
	SystemID           int
	SystemName         string
	AccountID          int
	AccountName        string
	DomainName         *string
	AliasID            *int
	ApplicationID      *int
	RequestReleaseDate *string
	ApprovedDate       *string
	ExpiresDate        *string
	Status             string
	AccessType         string
	Reason             string
}

func (c *client) list(query string) []listedRequest {
	c.t.Helper()
	var out []listedRequest
	c.do(http.MethodGet, "Requests"+query, nil).wantStatus(http.StatusOK).decode(&out)
	return out
}

func ids(rs []listedRequest) []int {
	out := []int{}
	for _, r := range rs {
		out = append(out, r.RequestID)
	}
	return out
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func path(format string, id int) string { return strings.Replace(format, "{id}", strconv.Itoa(id), 1) }

func TestRequestFlowWithApproval(t *testing.T) {
	f := newFixture(t)
	rita, arno := f.as("requestor"), f.as("approver")

	id := rita.createRequest(req(2, 21, 60, "Reason", "fix the replica", "TicketNumber", "INC-1"))
	if id != 1001 {
		t.Errorf("first RequestID %d, want 1001", id)
	}
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).
		wantError(http.StatusForbidden, "4034 - Request is not yet approved.")
	rita.do(http.MethodPut, path("Requests/{id}/Checkin", id), map[string]string{}).
		wantError(http.StatusForbidden, "4034 - Request is not yet approved.")

	pending := rita.list("?status=pending")
	if len(pending) != 1 || pending[0].Status != "Pending" || pending[0].ApprovedDate != nil ||
		pending[0].SystemName != "db01" || pending[0].AccountName != "postgres" || pending[0].Reason != "fix the replica" {
		t.Fatalf("pending list %+v", pending)
	}
	if got := rita.list("?status=active"); len(got) != 0 {
		t.Errorf("active list %+v", got)
	}
	if got := ids(arno.list("?queue=app&status=pending")); !sameInts(got, []int{id}) {
		t.Errorf("approver queue %v", got)
	}
	if got := arno.list("?queue=req"); len(got) != 0 {
		t.Errorf("approver's own queue %+v", got)
	}
	rita.do(http.MethodGet, "Requests?queue=app", nil).
		wantError(http.StatusForbidden, "4033 - Approver Only API or account. Only Approvers can access this API or account.")

	// Only approvers approve, never their own request.
	rita.do(http.MethodPut, path("Requests/{id}/Approve", id), map[string]string{"Reason": "me"}).
		wantCode(http.StatusForbidden, 4033)
	f.srv.Advance(5 * time.Minute)
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), map[string]string{"Reason": "ok"}).
		wantStatus(http.StatusNoContent)
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), map[string]string{"Reason": "again"}).
		wantError(http.StatusForbidden, "4036 - Request has been approved already.")

	active := rita.list("?status=active")
	if len(active) != 1 || active[0].Status != "Active" {
		t.Fatalf("active list %+v", active)
	}
	// Dates are written without a zone; the window starts at approval.
	approved, err := time.Parse("2006-01-02T15:04:05.99", *active[0].ApprovedDate)
	if err != nil {
		t.Fatal(err)
	}
	expires, _ := time.Parse("2006-01-02T15:04:05.99", *active[0].ExpiresDate)
	if want := epoch.Add(5 * time.Minute); !approved.Equal(want) || expires.Sub(approved) != time.Hour {
		t.Errorf("approved %v expires %v", approved, expires)
	}
	if *active[0].RequestReleaseDate != "2026-11-23T04:39:10.53" {
		t.Errorf("RequestReleaseDate %q", *active[0].RequestReleaseDate)
	}
	if got := ids(arno.list("?queue=app&status=active")); !sameInts(got, []int{id}) {
		t.Errorf("approver's approved queue %v", got)
	}

	before := f.srv.Password("db01", "postgres")
	if got := rita.do(http.MethodGet, path("Credentials/{id}", id), nil).wantStatus(http.StatusOK).str(); got != before {
		t.Errorf("credential %q, want %q", got, before)
	}
	rita.do(http.MethodGet, path("Credentials/{id}?type=bogus", id), nil).wantStatus(http.StatusBadRequest)
	arno.do(http.MethodGet, path("Credentials/{id}", id), nil).wantCode(http.StatusForbidden, 4031)

	info, _ := f.srv.Request(id)
	if info.Status != "active" || info.Owner != "requestor" || len(info.Approvals) != 1 || info.Approvals[0] != "approver" ||
		!info.RotateOnCheckin || info.TicketNumber != "INC-1" || info.AccessType != "View" {
		t.Errorf("info %+v", info)
	}

	rita.do(http.MethodPut, path("Requests/{id}/Checkin", id), map[string]string{"Reason": "done"}).
		wantStatus(http.StatusNoContent)
	if after := f.srv.Password("db01", "postgres"); after == before || after == "" {
		t.Errorf("password not rotated on check-in")
	}
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).
		wantError(http.StatusForbidden, "4031 - Request 1001 is no longer active (checked in).")
	rita.do(http.MethodPut, path("Requests/{id}/Checkin", id), nil).wantCode(http.StatusForbidden, 4031)
	if info, _ := f.srv.Request(id); info.Status != "checkedin" || info.Ended.IsZero() {
		t.Errorf("after check-in %+v", info)
	}
	if got := rita.list(""); len(got) != 0 {
		t.Errorf("list after check-in %+v", got)
	}
}

func TestAutoApproveAndNoRotation(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	id := rita.createRequest(req(1, 11, 30, "AccessType", "SSH", "RotateOnCheckin", false))
	pw := f.srv.Password("web01", "root")
	if got := rita.do(http.MethodGet, path("Credentials/{id}?type=password", id), nil).wantStatus(http.StatusOK).str(); got != pw {
		t.Errorf("credential %q, want %q", got, pw)
	}
	key := rita.do(http.MethodGet, path("Credentials/{id}?type=dsskey", id), nil).wantStatus(http.StatusOK).str()
	if !strings.HasPrefix(key, "-----BEGIN PRIVATE KEY-----\n") {
		t.Errorf("dsskey %q", key)
	}
	if pp := rita.do(http.MethodGet, path("Credentials/{id}?TYPE=Passphrase", id), nil).wantStatus(http.StatusOK).str(); pp == "" || pp == pw {
		t.Errorf("passphrase %q", pp)
	}
	rita.do(http.MethodPut, path("Requests/{id}/Checkin", id), nil).wantStatus(http.StatusNoContent)
	if f.srv.Password("web01", "root") != pw {
		t.Errorf("password rotated although RotateOnCheckin was false")
	}

	// RotateOnCheckin turns rotation on afterwards; the deprecated Release path checks in too.
	id = rita.createRequest(req(1, 11, 30, "RotateOnCheckin", false))
	rita.do(http.MethodPut, path("Requests/{id}/RotateOnCheckin", id), nil).wantStatus(http.StatusNoContent)
	f.as("admin").do(http.MethodPut, path("Requests/{id}/RotateOnCheckin", id), nil).wantCode(http.StatusForbidden, 4031)
	rita.do(http.MethodPut, path("Requests/Release/{id}", id), nil).wantStatus(http.StatusNoContent)
	if f.srv.Password("web01", "root") == pw {
		t.Errorf("password not rotated after RotateOnCheckin")
	}
	rita.do(http.MethodPut, path("Requests/{id}/RotateOnCheckin", id), nil).wantCode(http.StatusForbidden, 4031)
	rita.do(http.MethodPut, "Requests/999/RotateOnCheckin", nil).wantStatus(http.StatusNotFound)
}

func TestRequestExpiry(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	id := rita.createRequest(req(1, 11, 10))
	pw := f.srv.Password("web01", "root")
	f.srv.Advance(9 * time.Minute)
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).wantStatus(http.StatusOK)
	f.srv.Advance(time.Minute)
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).
		wantError(http.StatusForbidden, "4031 - Request 1001 is no longer active (expired).")
	info, _ := f.srv.Request(id)
	if info.Status != "expired" || !info.Ended.Equal(epoch.Add(10*time.Minute)) {
		t.Errorf("info %+v", info)
	}
	if f.srv.Password("web01", "root") == pw {
		t.Errorf("password not rotated on expiry")
	}
	// The expired request no longer conflicts.
	rita.createRequest(req(1, 11, 10))
}

func TestConflictReuseRenew(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	first := rita.createRequest(req(1, 11, 30, "AccessType", "SSH"))

	r := rita.do(http.MethodPost, "Requests", req(1, 11, 30, "AccessType", "SSH"))
	if r.wantStatus(http.StatusConflict); !strings.HasPrefix(r.str(), "Conflicting request exists.") {
		t.Errorf("409 body %q", r.str())
	}
	// Another user's request does not conflict.
	f.as("admin").createRequest(req(1, 11, 30, "AccessType", "SSH"))

	if got := rita.do(http.MethodPost, "Requests", req(1, 11, 30, "AccessType", "SSH", "ConflictOption", "reuse")).
		wantStatus(http.StatusOK).requestID(); got != first {
		t.Errorf("reused %d, want %d", got, first)
	}
	// Reuse needs the same access type; without one it creates a new request.
	view := rita.createRequest(req(1, 11, 30, "ConflictOption", "reuse"))
	if view == first {
		t.Errorf("reuse across access types")
	}

	pw := f.srv.Password("web01", "root")
	renewed := rita.createRequest(req(1, 11, 45, "ConflictOption", "RENEW"))
	for _, id := range []int{first, view} {
		if info, _ := f.srv.Request(id); info.Status != "cancelled" {
			t.Errorf("request %d is %s after renew, want cancelled", id, info.Status)
		}
	}
	if f.srv.Password("web01", "root") == pw {
		t.Errorf("renew did not rotate the released password")
	}
	if got := ids(rita.list("")); !sameInts(got, []int{renewed}) {
		t.Errorf("live requests after renew %v", got)
	}
}

// Reuse with a request of the same user, account and access type that is
// still pending: the reference hands over only an approved request, so the
// server answers 409; it neither creates a second request beside the
// pending one nor hands the pending one over. Once approved, it is reused.
func TestConflictReusePending(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	pending := rita.createRequest(req(2, 21, 30)) // db01/postgres needs an approval

	r := rita.do(http.MethodPost, "Requests", req(2, 21, 30, "ConflictOption", "reuse"))
	r.wantError(http.StatusConflict, "Conflicting request exists. This user already has request "+strconv.Itoa(pending)+
		" for the account, not yet approved.")
	if got := ids(rita.list("")); !sameInts(got, []int{pending}) {
		t.Errorf("live requests after reuse of a pending one %v, want only %d", got, pending)
	}
	if n := len(f.srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if err := f.srv.Approve(pending, "approver"); err != nil {
		t.Fatal(err)
	}
	if got := rita.do(http.MethodPost, "Requests", req(2, 21, 30, "ConflictOption", "reuse")).
		wantStatus(http.StatusOK).requestID(); got != pending {
		t.Errorf("reused %d, want %d", got, pending)
	}

	// Through an alias too.
	ha := rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30, "ConflictOption": "renew"}).
		wantStatus(http.StatusCreated).requestID()
	rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30, "ConflictOption": "reuse"}).
		wantStatus(http.StatusConflict)
	if got := ids(rita.list("")); !sameInts(got, []int{ha}) {
		t.Errorf("live requests after an alias reuse of a pending one %v, want only %d", got, ha)
	}
}

func TestApprovalRules(t *testing.T) {
	f := newFixture(t)
	rita, arno, remy, ada := f.as("requestor"), f.as("approver"), f.as("reqapprover"), f.as("admin")

	// deploy needs two approvals.
	id := rita.createRequest(req(4, 41, 30))
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantStatus(http.StatusNoContent)
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).wantCode(http.StatusForbidden, 4034)
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantCode(http.StatusForbidden, 4036)
	remy.do(http.MethodPut, path("Requests/{id}/Approve", id), map[string]string{"Reason": "second"}).
		wantStatus(http.StatusNoContent)
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).wantStatus(http.StatusOK)
	ada.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantCode(http.StatusForbidden, 4036)
	if info, _ := f.srv.Request(id); info.ApprovalsNeeded != 2 || len(info.Approvals) != 2 {
		t.Errorf("info %+v", info)
	}

	// Approving one's own request.
	own := remy.createRequest(req(2, 21, 30))
	remy.do(http.MethodPut, path("Requests/{id}/Approve", own), nil).
		wantError(http.StatusForbidden, "4033 - Approver only - User cannot approve his or her own request.")
	remy.do(http.MethodPut, path("Requests/{id}/Deny", own), nil).
		wantError(http.StatusForbidden, "4033 - Approver only - User cannot deny his or her own request.")
	arno.do(http.MethodPut, "Requests/4242/Approve", nil).wantStatus(http.StatusNotFound)
	arno.do(http.MethodPut, path("Requests/{id}/Approve", own), map[string]string{"Reason": strings.Repeat("é", 1001)}).
		wantStatus(http.StatusBadRequest)
	arno.do(http.MethodPut, path("Requests/{id}/Approve", own), "{not json").wantStatus(http.StatusBadRequest)
	// The approver queue holds what remy approved, never remy's own request.
	if got := ids(remy.list("?queue=app")); !sameInts(got, []int{id}) {
		t.Errorf("approver queue %v, want [%d]", got, id)
	}

	// breakglass needs three approvals but only two approvers exist.
	rita.do(http.MethodPost, "Requests", req(5, 51, 30)).
		wantError(http.StatusForbidden, "4035 - Not enough Approvers configured to approve a request.")
	// An approver-only user cannot request.
	arno.do(http.MethodPost, "Requests", req(1, 11, 30)).wantCode(http.StatusForbidden, 4032)
}

func TestDeny(t *testing.T) {
	f := newFixture(t)
	rita, arno := f.as("requestor"), f.as("approver")
	id := rita.createRequest(req(2, 21, 30))
	rita.do(http.MethodPut, path("Requests/{id}/Deny", id), nil).wantCode(http.StatusForbidden, 4033)
	arno.do(http.MethodPut, path("Requests/{id}/Deny", id), map[string]string{"Reason": "no"}).wantStatus(http.StatusNoContent)
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).
		wantError(http.StatusForbidden, "4031 - Request 1001 is no longer active (denied).")
	arno.do(http.MethodPut, path("Requests/{id}/Approve", id), nil).wantCode(http.StatusForbidden, 4031)

	// Deny cancels an active request.
	id = rita.createRequest(req(1, 11, 30))
	arno.do(http.MethodPut, path("Requests/{id}/Deny", id), nil).wantStatus(http.StatusNoContent)
	if info, _ := f.srv.Request(id); info.Status != "cancelled" {
		t.Errorf("status %s, want cancelled", info.Status)
	}
	// A pending request lapses when its window passes.
	id = rita.createRequest(req(2, 21, 5))
	f.srv.Advance(5 * time.Minute)
	if info, _ := f.srv.Request(id); info.Status != "expired" {
		t.Errorf("pending request status %s after its window, want expired", info.Status)
	}
}

func TestCreateValidation(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"no body", nil, "The request body is required."},
		{"no SystemID", map[string]any{"AccountID": 11, "DurationMinutes": 5}, "SystemID is required and must be greater than 0."},
		{"zero AccountID", req(1, 0, 5), "AccountID is required and must be greater than 0."},
		{"no duration", map[string]any{"SystemID": 1, "AccountID": 11}, "DurationMinutes is required and must be between 1 and 525600."},
		{"duration 0", req(1, 11, 0), "DurationMinutes is required and must be between 1 and 525600."},
		{"duration too long", req(1, 11, 525601), "DurationMinutes is required and must be between 1 and 525600."},
		{"bad access type", req(1, 11, 5, "AccessType", "Telnet"), "AccessType must be View, RDP, SSH or App."},
		{"App without application", req(3, 31, 5, "AccessType", "App"), "ApplicationID is required when AccessType is App."},
		{"ticket too long", req(1, 11, 5, "TicketNumber", strings.Repeat("1", 21)), "TicketNumber must be at most 20 characters."},
		{"reason too long", req(1, 11, 5, "Reason", strings.Repeat("ü", 1001)), "Reason must be at most 1000 characters."},
		{"bad conflict option", req(1, 11, 5, "ConflictOption", "merge"), "ConflictOption must be reuse or renew."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rita.do(http.MethodPost, "Requests", tc.body).wantError(http.StatusBadRequest, tc.want)
		})
	}
	// Limits count characters, not bytes.
	rita.createRequest(req(1, 11, 525600, "Reason", strings.Repeat("ü", 1000), "TicketNumber", strings.Repeat("é", 20)))

	msg := "4031 - User does not have permission to request the account or the account is not valid for the system."
	rita.do(http.MethodPost, "Requests", req(1, 99, 5)).wantError(http.StatusForbidden, msg)
	rita.do(http.MethodPost, "Requests", req(2, 11, 5)).wantError(http.StatusForbidden, msg) // account not on that system
	rita.do(http.MethodPost, "Requests", req(1, 11, 5, "AccessType", "RDP", "ConflictOption", "renew")).wantCode(http.StatusForbidden, 4031)
	rita.do(http.MethodPost, "Requests", req(3, 31, 5, "AccessType", "App", "ApplicationID", 9)).wantCode(http.StatusForbidden, 4031)
	id := rita.createRequest(req(3, 31, 5, "AccessType", "app", "ApplicationID", 1))
	if info, _ := f.srv.Request(id); info.AccessType != "App" || info.ApplicationID != 1 {
		t.Errorf("info %+v", info)
	}
	if got := rita.list(""); len(got) != 2 || got[1].ApplicationID == nil || *got[1].ApplicationID != 1 {
		t.Errorf("list %+v", got)
	}
	rita.do(http.MethodGet, "Requests?status=done", nil).wantStatus(http.StatusBadRequest)
	rita.do(http.MethodGet, "Requests?queue=other", nil).wantStatus(http.StatusBadRequest)
}

func TestOwnership(t *testing.T) {
	f := newFixture(t)
	rita, sam := f.as("requestor"), f.as("secured")
	id := rita.createRequest(req(1, 11, 30))
	sam.do(http.MethodPut, path("Requests/{id}/Checkin", id), nil).wantCode(http.StatusForbidden, 4031)
	sam.do(http.MethodGet, path("Credentials/{id}", id), nil).wantCode(http.StatusForbidden, 4031)
	sam.do(http.MethodGet, "Credentials/99999", nil).wantStatus(http.StatusNotFound)
	if got := sam.list(""); len(got) != 0 {
		t.Errorf("another user's requests are listed: %+v", got)
	}
	if _, ok := f.srv.Request(99999); ok {
		t.Errorf("Request(99999) found")
	}
}
