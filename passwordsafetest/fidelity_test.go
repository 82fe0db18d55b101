package passwordsafetest_test

import (
	"net/http"
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
