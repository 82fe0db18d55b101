package passwordsafetest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// Answers the fake gives as the real server does, item by item of issue
// 19; each names the reference that settled it in its handler's doc.

// adminOnly seeds a user who holds the Administrators role and no other.
var adminOnly = passwordsafetest.WithUser(passwordsafetest.User{UserName: "sysadmin", Roles: []passwordsafetest.Role{passwordsafetest.RoleAdmin}})

func TestAdministratorsMayISARequestAndListRequestSets(t *testing.T) {
	f := newFixture(t, adminOnly)
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
