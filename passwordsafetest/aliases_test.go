package passwordsafetest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

type aliasOut struct {
	AliasID                int
	AliasName              string
	AliasState             int
	SystemID               *int `json:"SystemId"`
	SystemName             *string
	AccountID              *int `json:"AccountId"`
	AccountName            *string
	DefaultReleaseDuration int
	MaximumReleaseDuration int
	LastChangeDate         *string
	NextChangeDate         *string
	MappedAccounts         []struct {
		AliasID          int
		ManagedSystemID  int
		ManagedAccountID int
		Status           int
	}
}

func aliasNames(as []aliasOut) string {
	var names []string
	for _, a := range as {
		names = append(names, a.AliasName)
	}
	return strings.Join(names, ",")
}

func TestListAliases(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	for query, want := range map[string]string{
		"":                  "web-root,db-ha",
		"?state=0":          "orphan",
		"?state=0,1,2":      "web-root,db-ha,orphan",
		"?state=2":          "db-ha",
		"?State=1&state=0":  "web-root,orphan",
		"?state=1%2C2":      "web-root,db-ha",
		"?unrelated=orphan": "web-root,db-ha",
	} {
		var got []aliasOut
		rita.do(http.MethodGet, "Aliases"+query, nil).wantStatus(http.StatusOK).decode(&got)
		if aliasNames(got) != want {
			t.Errorf("GET Aliases%s = %s, want %s", query, aliasNames(got), want)
		}
	}
	rita.do(http.MethodGet, "Aliases?state=3", nil).wantStatus(http.StatusBadRequest)
	rita.do(http.MethodGet, "Aliases?state=x", nil).wantStatus(http.StatusBadRequest)

	// The raw JSON spells SystemId/AccountId and writes nulls for an unmapped alias.
	raw := string(rita.do(http.MethodGet, "Aliases/3", nil).wantStatus(http.StatusOK).body)
	for _, want := range []string{`"AliasState":0`, `"SystemId":null`, `"AccountId":null`, `"MappedAccounts":[]`} {
		if !strings.Contains(raw, want) {
			t.Errorf("orphan %s lacks %s", raw, want)
		}
	}

	var ha aliasOut
	rita.do(http.MethodGet, "Aliases?name=DB-HA", nil).wantStatus(http.StatusOK).decode(&ha)
	if ha.AliasID != 2 || ha.AliasState != 2 || *ha.SystemID != 2 || *ha.AccountID != 21 || len(ha.MappedAccounts) != 2 ||
		ha.MappedAccounts[1].ManagedSystemID != 6 || ha.MappedAccounts[1].ManagedAccountID != 61 || ha.MappedAccounts[0].AliasID != 2 ||
		ha.LastChangeDate == nil || len(*ha.LastChangeDate) != len("2006-01-02T15:04:05") || ha.NextChangeDate != nil {
		t.Errorf("db-ha %+v", ha)
	}
	rita.do(http.MethodGet, "Aliases?name=nope", nil).wantStatus(http.StatusNotFound)
	rita.do(http.MethodGet, "Aliases/99", nil).wantStatus(http.StatusNotFound)
	// Approver-only users request nothing, so they see no aliases.
	var none []aliasOut
	f.as("approver").do(http.MethodGet, "Aliases", nil).wantStatus(http.StatusOK).decode(&none)
	if len(none) != 0 {
		t.Errorf("approver sees %v", aliasNames(none))
	}
}

func TestAliasRequests(t *testing.T) {
	f := newFixture(t)
	rita, arno := f.as("requestor"), f.as("approver")

	id := rita.do(http.MethodPost, "Aliases/1/Requests", map[string]any{"DurationMinutes": 30, "AccessType": "SSH"}).
		wantStatus(http.StatusCreated).requestID()
	if info, _ := f.srv.Request(id); info.AliasID != 1 || info.SystemID != 1 || info.AccountID != 11 || info.Status != "active" {
		t.Errorf("alias request %+v", info)
	}
	if got := rita.list(""); len(got) != 1 || got[0].AliasID == nil || *got[0].AliasID != 1 {
		t.Errorf("list %+v", got)
	}

	var cred struct {
		AliasID     int
		AliasName   string
		SystemID    int `json:"SystemId"`
		SystemName  string
		AccountID   int `json:"AccountId"`
		AccountName string
		Password    *string
		PrivateKey  *string
		Passphrase  *string
	}
	rita.do(http.MethodGet, "Aliases/1/Credentials/"+strconv.Itoa(id), nil).wantStatus(http.StatusOK).decode(&cred)
	if cred.AliasID != 1 || cred.AliasName != "web-root" || cred.SystemID != 1 || cred.SystemName != "web01" ||
		cred.AccountID != 11 || cred.AccountName != "root" || cred.Password == nil || *cred.Password != f.srv.Password("web01", "root") ||
		cred.PrivateKey != nil || cred.Passphrase != nil {
		t.Errorf("alias credentials %+v", cred)
	}
	cred.Password = nil
	rita.do(http.MethodGet, "Aliases/1/Credentials/"+strconv.Itoa(id)+"?type=dsskey", nil).wantStatus(http.StatusOK).decode(&cred)
	if cred.PrivateKey == nil || !strings.Contains(*cred.PrivateKey, "PRIVATE KEY") || cred.Password != nil {
		t.Errorf("alias dsskey %+v", cred)
	}
	// Only through the alias the request was made with, and only by its owner.
	rita.do(http.MethodGet, "Aliases/2/Credentials/"+strconv.Itoa(id), nil).wantCode(http.StatusForbidden, 4031)
	f.as("admin").do(http.MethodGet, "Aliases/1/Credentials/"+strconv.Itoa(id), nil).wantCode(http.StatusForbidden, 4031)
	direct := rita.createRequest(req(3, 31, 30))
	rita.do(http.MethodGet, "Aliases/1/Credentials/"+strconv.Itoa(direct), nil).wantCode(http.StatusForbidden, 4031)

	// db-ha goes to its first mapped account and needs an approval.
	ha := rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30}).wantStatus(http.StatusCreated).requestID()
	rita.do(http.MethodGet, "Aliases/2/Credentials/"+strconv.Itoa(ha), nil).
		wantError(http.StatusForbidden, "4034 - Request is not yet approved.")
	arno.do(http.MethodPut, path("Requests/{id}/Approve", ha), nil).wantStatus(http.StatusNoContent)
	rita.do(http.MethodGet, "Aliases/2/Credentials/"+strconv.Itoa(ha), nil).wantStatus(http.StatusOK).decode(&cred)
	if cred.SystemID != 2 || cred.AccountID != 21 || *cred.Password != f.srv.Password("db01", "postgres") {
		t.Errorf("db-ha credentials %+v", cred)
	}
	rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30}).wantStatus(http.StatusConflict)
	if got := rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30, "ConflictOption": "reuse"}).
		wantStatus(http.StatusOK).requestID(); got != ha {
		t.Errorf("reused %d, want %d", got, ha)
	}

	rita.do(http.MethodPost, "Aliases/3/Requests", map[string]any{"DurationMinutes": 30}).wantCode(http.StatusForbidden, 4031)
	rita.do(http.MethodPost, "Aliases/1/Requests", map[string]any{"DurationMinutes": 30, "AccessType": "App", "ApplicationID": 1}).
		wantError(http.StatusBadRequest, "AccessType must be View, RDP or SSH.")
	rita.do(http.MethodPost, "Aliases/1/Requests", map[string]any{"DurationMinutes": 0}).wantStatus(http.StatusBadRequest)
	rita.do(http.MethodPost, "Aliases/9/Requests", map[string]any{"DurationMinutes": 30}).wantStatus(http.StatusNotFound)
	arno.do(http.MethodPost, "Aliases/1/Requests", map[string]any{"DurationMinutes": 30}).wantCode(http.StatusForbidden, 4032)
}

func TestAccessLevels(t *testing.T) {
	f := newFixture(t)
	got := string(f.as("admin").do(http.MethodGet, "AccessLevels", nil).wantStatus(http.StatusOK).body)
	want := `[{"AccessLevelID":1,"Name":"None"},{"AccessLevelID":2,"Name":"Read"},{"AccessLevelID":3,"Name":"Read/Write"}]`
	if got != want {
		t.Errorf("AccessLevels %s", got)
	}
	f.as("requestor").do(http.MethodGet, "AccessLevels", nil).wantCode(http.StatusForbidden, 4031)
}

func TestSeedInspection(t *testing.T) {
	f := newFixture(t)
	users := f.srv.Users()
	if len(users) != 9 || users[0].UserName != "requestor" || users[4].RunAsPassword != "Secured-Pa55!" ||
		users[2].Roles[0] != passwordsafetest.RoleAdmin || users[0].Email != "requestor@example.test" ||
		users[5].Roles[0] != passwordsafetest.RoleAuditor || users[6].Roles[0] != passwordsafetest.RoleISA ||
		users[7].Roles[0] != passwordsafetest.RoleQuarantine || users[8].Roles[0] != passwordsafetest.RoleActiveSessionReviewer {
		t.Errorf("users %+v", users)
	}
	accts := f.srv.Accounts()
	if len(accts) != 6 || accts[0].ID != 11 || accts[0].PrivateKey == "" || accts[4].Policy.Approvals != 3 ||
		accts[2].Applications[1] != "Server Manager" || accts[0].Password != f.srv.Password("web01", "root") {
		t.Errorf("accounts %+v", accts)
	}
	aliases := f.srv.Aliases()
	if len(aliases) != 3 || aliases[1].Name != "db-ha" || len(aliases[1].Accounts) != 2 || len(aliases[2].Accounts) != 0 {
		t.Errorf("aliases %+v", aliases)
	}
	if sys := f.srv.Systems(); len(sys) != 6 || sys[2].Platform != "Windows" || sys[2].PlatformID != 1 || sys[0].Type != "system" {
		t.Errorf("systems %+v", sys)
	}
	// Passwords are random per server.
	if f.srv.Password("web01", "root") == newFixture(t).srv.Password("web01", "root") || f.srv.Password("web01", "nobody") != "" {
		t.Errorf("passwords are not per server")
	}
	if sid, aid, ok := f.srv.AccountIDs("APP01", `example\deploy`); !ok || sid != 4 || aid != 41 {
		t.Errorf("AccountIDs = %d %d %v", sid, aid, ok)
	}
}

func TestRoles(t *testing.T) {
	f := newFixture(t)
	for _, user := range []string{"admin", "auditor"} {
		got := string(f.as(user).do(http.MethodGet, "Roles", nil).wantStatus(http.StatusOK).body)
		want := `[{"RoleID":1,"Name":"Requestor"},{"RoleID":2,"Name":"Approver"},{"RoleID":3,"Name":"Requestor/Approver"},` +
			`{"RoleID":4,"Name":"Credentials Manager"},{"RoleID":5,"Name":"Recorded Session Reviewer"},{"RoleID":6,"Name":"Active Session Reviewer"}]`
		if got != want {
			t.Errorf("Roles as %s: %s", user, got)
		}
	}
	for _, user := range []string{"requestor", "isa", "quarantine"} {
		f.as(user).do(http.MethodGet, "Roles", nil).wantCode(http.StatusForbidden, 4031)
	}
}
