package passwordsafetest_test

import (
	"net/http"
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

type setOut struct {
	RequestSetID string
	Requests     []struct {
		RequestID     int
		RequestorName string
		SystemID      int
		AccountID     int
		AccessType    string
		Status        string
		Reason        string
		ApprovedDate  *string
		CanceledDate  *string
	}
}

func TestRequestSets(t *testing.T) {
	f := newFixture(t)
	rita, arno := f.as("requestor"), f.as("approver")

	// An auto-approved account: both requests are active at once.
	var set setOut
	r := rita.do(http.MethodPost, "RequestSets", map[string]any{
		"AccessTypes": []string{"view", "SSH"}, "SystemID": 1, "AccountID": 11, "DurationMinutes": 30, "Reason": "rollout",
	}).wantStatus(http.StatusCreated)
	r.decode(&set)
	if len(set.RequestSetID) != 36 || len(set.Requests) != 2 || set.Requests[0].RequestID != 1001 || set.Requests[0].AccessType != "View" ||
		set.Requests[1].AccessType != "SSH" || set.Requests[1].Status != "Active" || set.Requests[0].RequestorName != "requestor" ||
		set.Requests[0].Reason != "rollout" || set.Requests[0].ApprovedDate == nil || set.Requests[0].CanceledDate != nil {
		t.Errorf("set %s", r.body)
	}
	for _, id := range []int{1001, 1002} {
		if rq, _ := f.srv.Request(id); rq.RequestSetID != set.RequestSetID || rq.Status != passwordsafetest.StatusActive {
			t.Errorf("request %+v", rq)
		}
	}
	// Each is an ordinary request: GET Requests lists both, each is checked in alone.
	var listed []struct{ RequestID int }
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK).decode(&listed)
	if len(listed) != 2 {
		t.Errorf("GET Requests %+v", listed)
	}
	rita.do(http.MethodPut, "Requests/1001/Checkin", nil).wantStatus(http.StatusNoContent)
	var sets []setOut
	rita.do(http.MethodGet, "RequestSets", nil).wantStatus(http.StatusOK).decode(&sets)
	if len(sets) != 1 || len(sets[0].Requests) != 1 || sets[0].Requests[0].RequestID != 1002 {
		t.Errorf("sets after a check-in %+v", sets)
	}

	// An account with one approval: pending each, approved one by one.
	rita.do(http.MethodPost, "RequestSets", map[string]any{
		"AccessTypes": []string{"View", "SSH"}, "SystemID": 2, "AccountID": 21, "DurationMinutes": 30,
	}).wantStatus(http.StatusCreated).decode(&set)
	if set.Requests[0].Status != "Pending" || set.Requests[1].Status != "Pending" || set.Requests[0].ApprovedDate != nil {
		t.Errorf("pending set %+v", set)
	}
	arno.do(http.MethodGet, "RequestSets?queue=app&status=pending", nil).wantStatus(http.StatusOK).decode(&sets)
	if len(sets) != 1 || sets[0].RequestSetID != set.RequestSetID || len(sets[0].Requests) != 2 {
		t.Errorf("approver's queue %+v", sets)
	}
	arno.do(http.MethodPut, "Requests/1004/Approve", nil).wantStatus(http.StatusNoContent)
	rita.do(http.MethodGet, "RequestSets?status=active", nil).wantStatus(http.StatusOK).decode(&sets)
	if len(sets) != 2 || sets[1].RequestSetID != set.RequestSetID || len(sets[1].Requests) != 1 || sets[1].Requests[0].RequestID != 1004 {
		t.Errorf("active sets %+v", sets)
	}
	rita.do(http.MethodGet, "RequestSets?status=pending", nil).wantStatus(http.StatusOK).decode(&sets)
	if len(sets) != 1 || len(sets[0].Requests) != 1 || sets[0].Requests[0].RequestID != 1003 {
		t.Errorf("pending sets %+v", sets)
	}
	rita.do(http.MethodGet, "Credentials/1003", nil).wantCode(http.StatusForbidden, 4034)
	rita.do(http.MethodGet, "Credentials/1004", nil).wantStatus(http.StatusOK)

	// Conflicts per account, as POST Requests: a set over an open request is 409.
	rita.do(http.MethodPost, "RequestSets", map[string]any{
		"AccessTypes": []string{"View", "SSH"}, "SystemID": 2, "AccountID": 21, "DurationMinutes": 30,
	}).wantStatus(http.StatusConflict)
	rita.do(http.MethodPost, "Requests", req(2, 21, 30)).wantStatus(http.StatusConflict)
	// ISA users may make sets too.
	f.as("isa").do(http.MethodPost, "RequestSets", map[string]any{
		"AccessTypes": []string{"View", "RDP", "App"}, "ApplicationID": 1, "SystemID": 3, "AccountID": 31, "DurationMinutes": 5,
	}).wantStatus(http.StatusCreated).decode(&set)
	if rq, _ := f.srv.Request(1007); len(set.Requests) != 3 || rq.ApplicationID != 1 || rq.AccessType != "App" || rq.Owner != "isa" {
		t.Errorf("ISA set %+v, request %+v", set, rq)
	}
}

func TestRequestSetRefusals(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	good := map[string]any{"AccessTypes": []string{"View", "SSH"}, "SystemID": 1, "AccountID": 11, "DurationMinutes": 30}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	for name, b := range map[string]any{
		"one type":       with("AccessTypes", []string{"View"}),
		"twice":          with("AccessTypes", []string{"View", "VIEW"}),
		"unknown type":   with("AccessTypes", []string{"View", "VNC"}),
		"app without ID": with("AccessTypes", []string{"View", "App"}),
		"no system":      with("SystemID", 0),
		"duration":       with("DurationMinutes", 525601),
		"ticket":         with("TicketNumber", "123456789012345678901"),
		"no body":        nil,
	} {
		if r := rita.do(http.MethodPost, "RequestSets", b); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	for _, user := range []string{"approver", "auditor", "quarantine"} {
		f.as(user).do(http.MethodPost, "RequestSets", good).wantCode(http.StatusForbidden, 4032)
	}
	for _, user := range []string{"auditor", "quarantine"} {
		f.as(user).do(http.MethodGet, "RequestSets", nil).wantCode(http.StatusForbidden, 4032)
	}
	rita.do(http.MethodGet, "RequestSets?queue=app", nil).wantCode(http.StatusForbidden, 4033)
	rita.do(http.MethodGet, "RequestSets?status=open", nil).wantStatus(http.StatusBadRequest)
	rita.do(http.MethodPost, "RequestSets", with("AccessTypes", []string{"View", "RDP"})).wantCode(http.StatusForbidden, 4031)
	rita.do(http.MethodPost, "RequestSets", with("AccountID", 21)).wantCode(http.StatusForbidden, 4031)
	rita.do(http.MethodPost, "RequestSets", map[string]any{"AccessTypes": []string{"View", "SSH"}, "SystemID": 5, "AccountID": 51, "DurationMinutes": 5}).
		wantCode(http.StatusForbidden, 4035)
	// Nothing was made by any refusal: a set is made whole or not at all.
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests made", n)
	}
	var sets []setOut
	rita.do(http.MethodGet, "RequestSets", nil).wantStatus(http.StatusOK).decode(&sets)
	if sets == nil || len(sets) != 0 {
		t.Errorf("no sets: %+v", sets)
	}
}
