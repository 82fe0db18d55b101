package passwordsafetest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
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

	r := rita.do(http.MethodPost, "Aliases/1/Requests", map[string]any{"DurationMinutes": 30, "AccessType": "SSH"}).
		wantStatus(http.StatusCreated)
	var out struct{ RequestID int }
	r.decode(&out)
	id := out.RequestID
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
		cred.AccountID != 11 || cred.AccountName != "root" || cred.Password == nil || *cred.Password != f.srv.Password(1, 11) ||
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
	rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30}).wantStatus(http.StatusCreated).decode(&out)
	ha := out.RequestID
	rita.do(http.MethodGet, "Aliases/2/Credentials/"+strconv.Itoa(ha), nil).
		wantError(http.StatusForbidden, "4034 - Request is not yet approved.")
	arno.do(http.MethodPut, path("Requests/{id}/Approve", ha), nil).wantStatus(http.StatusNoContent)
	rita.do(http.MethodGet, "Aliases/2/Credentials/"+strconv.Itoa(ha), nil).wantStatus(http.StatusOK).decode(&cred)
	if cred.SystemID != 2 || cred.AccountID != 21 || *cred.Password != f.srv.Password(2, 21) {
		t.Errorf("db-ha credentials %+v", cred)
	}
	rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30}).wantStatus(http.StatusConflict)
	rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 30, "ConflictOption": "reuse"}).
		wantStatus(http.StatusOK).decode(&out)
	if out.RequestID != ha {
		t.Errorf("reused %d, want %d", out.RequestID, ha)
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

func TestManagedAccounts(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	var one struct {
		SystemID    int `json:"SystemId"`
		SystemName  string
		AccountID   int `json:"AccountId"`
		AccountName string
		DomainName  *string
	}
	rita.do(http.MethodGet, "ManagedAccounts?systemName=APP01&accountName=deploy", nil).wantStatus(http.StatusOK).decode(&one)
	if one.SystemID != 4 || one.AccountID != 41 || one.SystemName != "app01" || one.DomainName == nil || *one.DomainName != "EXAMPLE" {
		t.Errorf("deploy %+v", one)
	}
	rita.do(http.MethodGet, "ManagedAccounts?systemName=web01&accountName=nobody", nil).wantStatus(http.StatusNotFound)

	var all []map[string]any
	rita.do(http.MethodGet, "ManagedAccounts", nil).wantStatus(http.StatusOK).decode(&all)
	if len(all) != 6 {
		t.Errorf("%d accounts, want 6", len(all))
	}
	rita.do(http.MethodGet, "ManagedAccounts?accountName=postgres", nil).wantStatus(http.StatusOK).decode(&all)
	if len(all) != 2 {
		t.Errorf("%d postgres accounts, want 2", len(all))
	}
	f.as("approver").do(http.MethodGet, "ManagedAccounts", nil).wantStatus(http.StatusOK).decode(&all)
	if len(all) != 0 {
		t.Errorf("approver may request %d accounts", len(all))
	}
}

func TestSeedInspection(t *testing.T) {
	f := newFixture(t)
	users := f.srv.Users()
	if len(users) != 5 || users[0].UserName != "requestor" || users[4].RunAsPassword != "Secured-Pa55!" ||
		users[2].Roles[0] != "Administrators" || users[0].EmailAddress != "requestor@example.test" {
		t.Errorf("users %+v", users)
	}
	accts := f.srv.Accounts()
	if len(accts) != 6 || accts[0].AccountID != 11 || !accts[0].HasDSSKey || accts[4].ApproversNeeded != 3 ||
		accts[2].Applications[1] != "Server Manager" {
		t.Errorf("accounts %+v", accts)
	}
	aliases := f.srv.AliasList()
	if len(aliases) != 3 || aliases[1].AliasName != "db-ha" || len(aliases[1].MappedAccounts) != 2 || len(aliases[2].MappedAccounts) != 0 {
		t.Errorf("aliases %+v", aliases)
	}
	// Passwords are random per server.
	if f.srv.Password(1, 11) == newFixture(t).srv.Password(1, 11) || f.srv.Password(1, 99) != "" {
		t.Errorf("passwords are not per server")
	}
}
