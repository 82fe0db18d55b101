package passwordsafetest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

type policyOut struct {
	AccessPolicyID int
	Name           string
	Description    string
	Schedules      []struct {
		ScheduleID          int
		RequireReason       bool
		RequireTicketSystem bool
		TicketSystemID      *int
		AccessTypes         []struct {
			AccessType    string
			IsSession     bool
			RecordSession bool
			MinApprovers  int
			MaxConcurrent int
		}
	}
}

func TestAccessPoliciesTest(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithAccount(passwordsafetest.Account{
		System: "pg", Name: "postgres", MaximumReleaseMinutes: 60, Access: []string{"View", "SSH"},
		Policy: passwordsafetest.Policy{Approvals: 2, RequireReason: true, RequireTicket: true},
	}), passwordsafetest.WithAccount(passwordsafetest.Account{System: "pg", Name: "reader"}))
	rita := f.as("requestor")

	var got []policyOut
	r := rita.do(http.MethodPost, "AccessPolicies/Test", map[string]any{"SystemId": 1, "AccountId": 1, "DurationMinutes": 60}).
		wantStatus(http.StatusOK)
	r.decode(&got)
	if len(got) != 1 || got[0].AccessPolicyID != 1 || got[0].Name != "2 approvals" || len(got[0].Schedules) != 1 {
		t.Fatalf("policies %s", r.body)
	}
	sch := got[0].Schedules[0]
	if sch.ScheduleID != 1 || !sch.RequireReason || !sch.RequireTicketSystem || sch.TicketSystemID == nil ||
		*sch.TicketSystemID != passwordsafetest.TicketSystemID || len(sch.AccessTypes) != 2 {
		t.Errorf("schedule %+v", sch)
	}
	if v, ssh := sch.AccessTypes[0], sch.AccessTypes[1]; v.AccessType != "View" || v.IsSession || v.RecordSession || v.MinApprovers != 2 ||
		ssh.AccessType != "SSH" || !ssh.IsSession || !ssh.RecordSession || ssh.MaxConcurrent != 1 {
		t.Errorf("access types %+v", sch.AccessTypes)
	}

	// The .NET client's spelling; an auto-approved account needs nothing.
	rita.do(http.MethodPost, "AccessPolicies/Test", map[string]any{"SystemID": 1, "AccountID": 2, "DurationMinutes": 5}).
		wantStatus(http.StatusOK).decode(&got)
	if sch := got[0].Schedules[0]; got[0].Name != "Auto-approve" || sch.RequireReason || sch.RequireTicketSystem ||
		sch.TicketSystemID != nil || sch.AccessTypes[0].MinApprovers != 0 {
		t.Errorf("auto-approved %+v", got)
	}
	if r := rita.do(http.MethodPost, "AccessPolicies/Test", map[string]any{"SystemID": 1, "AccountID": 2, "DurationMinutes": 5}); !strings.Contains(string(r.body), `"TicketSystemID":null`) {
		t.Errorf("TicketSystemID is not null: %s", r.body)
	}
	// Longer than the account allows: no policy applies.
	r = rita.do(http.MethodPost, "AccessPolicies/Test", map[string]any{"SystemId": 1, "AccountId": 1, "DurationMinutes": 61}).wantStatus(http.StatusOK)
	if string(r.body) != "[]" {
		t.Errorf("over the maximum: %s", r.body)
	}

	// Refusals.
	for _, user := range []string{"approver", "auditor", "isa", "quarantine"} {
		f.as(user).do(http.MethodPost, "AccessPolicies/Test", map[string]any{"SystemId": 1, "AccountId": 1, "DurationMinutes": 5}).
			wantCode(http.StatusForbidden, 4032)
	}
	rita.do(http.MethodPost, "AccessPolicies/Test", map[string]any{"SystemId": 2, "AccountId": 1, "DurationMinutes": 5}).
		wantCode(http.StatusForbidden, 4031)
	for name, b := range map[string]any{
		"no system":   map[string]any{"AccountId": 1, "DurationMinutes": 5},
		"no account":  map[string]any{"SystemId": 1, "DurationMinutes": 5},
		"no duration": map[string]any{"SystemId": 1, "AccountId": 1},
		"no body":     nil,
	} {
		if r := rita.do(http.MethodPost, "AccessPolicies/Test", b); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
}
