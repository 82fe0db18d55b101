package passwordsafetest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// managedOut is a requestable account, spelled as the server sends it.
type managedOut struct {
	PlatformID             int
	SystemID               int `json:"SystemId"`
	SystemName             string
	DomainName             *string
	AccountID              int `json:"AccountId"`
	AccountName            string
	InstanceName           *string
	UserPrincipalName      *string
	ApplicationID          *int
	ApplicationDisplayName *string
	DefaultReleaseDuration int
	MaximumReleaseDuration int
	LastChangeDate         *string
	NextChangeDate         *string
	IsChanging             bool
	ChangeState            int
	IsISAAccess            bool
	PreferredNodeID        string
	AccountDescription     *string
}

func (c *client) accounts(query string) []managedOut {
	c.t.Helper()
	var out []managedOut
	c.do(http.MethodGet, "ManagedAccounts"+query, nil).wantStatus(http.StatusOK).decode(&out)
	return out
}

func names(as []managedOut) string {
	var out []string
	for _, a := range as {
		out = append(out, a.SystemName+"/"+a.AccountName)
	}
	return strings.Join(out, ",")
}

func TestManagedAccountsDefaultSeed(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")

	// Both names: one object, names case-insensitive, a domain account by its plain name too.
	var one managedOut
	rita.do(http.MethodGet, "ManagedAccounts?systemName=APP01&accountName=deploy", nil).wantStatus(http.StatusOK).decode(&one)
	if one.SystemID != 4 || one.AccountID != 41 || one.SystemName != "app01" || one.DomainName == nil || *one.DomainName != "EXAMPLE" ||
		one.UserPrincipalName == nil || *one.UserPrincipalName != "deploy@example.test" || one.PlatformID != 2 ||
		one.DefaultReleaseDuration != 120 || one.MaximumReleaseDuration != 525600 || one.PreferredNodeID != passwordsafetest.NodeID ||
		one.LastChangeDate == nil || *one.LastChangeDate != "2026-11-23T04:39:10" || one.NextChangeDate != nil || one.IsISAAccess {
		t.Errorf("deploy %+v", one)
	}
	raw := string(rita.do(http.MethodGet, "ManagedAccounts?systemname=app01&accountname="+url.QueryEscape(`example\DEPLOY`), nil).
		wantStatus(http.StatusOK).body)
	for _, field := range []string{`"SystemId":4`, `"AccountId":41`, `"InstanceName":null`, `"ApplicationID":null`,
		`"ApplicationDisplayName":null`, `"IsChanging":false`, `"ChangeState":0`, `"AccountDescription":null`} {
		if !strings.Contains(raw, field) {
			t.Errorf("answer %s lacks %s", raw, field)
		}
	}
	rita.do(http.MethodGet, "ManagedAccounts?systemName=web01&accountName=nobody", nil).
		wantError(http.StatusNotFound, "Managed Account not found")

	for query, want := range map[string]string{
		"":                                     "web01/root,db01/postgres,win01/Administrator,app01/deploy,vault01/breakglass,db02/postgres",
		"?accountName=POSTGRES":                "db01/postgres,db02/postgres",
		"?accountName=deploy@EXAMPLE.test":     "app01/deploy", // a lone UPN or DOMAIN\name: a list, not one object
		"?accountName=example%5Cdeploy":        "app01/deploy",
		"?accountName=OTHER%5Cdeploy":          "",
		"?systemName=db02":                     "db02/postgres",
		"?systemID=3":                          "win01/Administrator",
		"?type=system":                         "web01/root,db01/postgres,win01/Administrator,app01/deploy,vault01/breakglass,db02/postgres",
		"?type=database":                       "",
		"?workgroupName=beyondtrust+workgroup": "web01/root,db01/postgres,win01/Administrator,app01/deploy,vault01/breakglass,db02/postgres",
		"?workgroupName=other":                 "",
		"?type=system&ipAddress=10.20.0.3":     "db01/postgres",
		"?limit=2":                             "web01/root,db01/postgres",
		"?limit=2&offset=4":                    "vault01/breakglass,db02/postgres",
		"?offset=99":                           "",
		"?limit=0":                             "web01/root,db01/postgres,win01/Administrator,app01/deploy,vault01/breakglass,db02/postgres",
	} {
		if got := names(rita.accounts(query)); got != want {
			t.Errorf("ManagedAccounts%s = %s, want %s", query, got, want)
		}
	}
	for _, bad := range []string{"?type=mainframe", "?limit=-1", "?offset=x", "?systemID=0", "?ipAddress=10.20.0.3",
		"?applicationDisplayName=x", "?type=cloud&applicationDisplayName=x", "?type=cloud&ipAddress=1.2.3.4"} {
		rita.do(http.MethodGet, "ManagedAccounts"+bad, nil).wantStatus(http.StatusBadRequest)
	}

	// recent: what the caller requested, most recent first.
	rita.createRequest(req(2, 21, 30))
	rita.createRequest(req(1, 11, 30))
	if got := names(rita.accounts("?type=recent")); got != "web01/root,db01/postgres" {
		t.Errorf("recent %s", got)
	}
	if got := names(f.as("admin").accounts("?type=recent")); got != "" {
		t.Errorf("admin's recent %s", got)
	}

	// Who sees requestable accounts: requestors, administrators, ISAs.
	if got := f.as("approver").accounts(""); len(got) != 0 {
		t.Errorf("an approver sees %s", names(got))
	}
	if got := f.as("auditor").accounts(""); len(got) != 0 {
		t.Errorf("an auditor sees %s", names(got))
	}
	isa := f.as("isa").accounts("?limit=1")
	if len(isa) != 1 || !isa[0].IsISAAccess {
		t.Errorf("ISA sees %+v", isa)
	}
	f.as("approver").do(http.MethodGet, "ManagedAccounts?systemName=web01&accountName=root", nil).wantStatus(http.StatusNotFound)
}

func TestManagedAccountsTypesAndApplications(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithSeedFile("testdata/seed.example.json"))
	bot := f.as("ci-bot")
	for query, want := range map[string]string{
		"?type=database":     "pg-prod/postgres",
		"?type=domainlinked": "dc01/svc-backup",
		"?type=application":  "payroll/payroll-admin",
		"?type=application&applicationDisplayName=payroll+console": "payroll/payroll-admin",
		"?type=application&applicationDisplayName=other":           "",
		"?type=database&ipAddress=10.1.0.5":                        "pg-prod/postgres",
		"?workgroupName=Databases":                                 "pg-prod/postgres",
	} {
		if got := names(bot.accounts(query)); got != want {
			t.Errorf("ManagedAccounts%s = %s, want %s", query, got, want)
		}
	}
	var app managedOut
	bot.do(http.MethodGet, "ManagedAccounts?systemName=payroll&accountName=payroll-admin", nil).wantStatus(http.StatusOK).decode(&app)
	if app.ApplicationID == nil || *app.ApplicationID != 7 || *app.ApplicationDisplayName != "Payroll Console" ||
		app.MaximumReleaseDuration != 60 || app.DefaultReleaseDuration != 60 || app.PlatformID != 1 {
		t.Errorf("payroll %+v", app)
	}
	var pg managedOut
	bot.do(http.MethodGet, "ManagedAccounts?systemName=pg-prod&accountName=postgres", nil).wantStatus(http.StatusOK).decode(&pg)
	if pg.InstanceName == nil || *pg.InstanceName != "main" || pg.PlatformID != 10 {
		t.Errorf("pg %+v", pg)
	}
	var deploy managedOut
	bot.do(http.MethodGet, "ManagedAccounts?systemName=bastion&accountName=deploy", nil).wantStatus(http.StatusOK).decode(&deploy)
	if deploy.AccountDescription == nil || *deploy.AccountDescription != "CI deploy key" {
		t.Errorf("deploy %+v", deploy)
	}
}

func TestManagedAccountsPagedByVersion(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithPagedManagedAccounts("3.1"))
	rita := f.as("requestor")
	if got := rita.accounts("?version=3.0&limit=1"); len(got) != 1 {
		t.Errorf("3.0 answer %+v", got)
	}
	var paged struct {
		TotalCount int
		Data       []managedOut
	}
	for _, v := range []string{"3.1", "3.2"} {
		rita.do(http.MethodGet, "ManagedAccounts?version="+v+"&limit=2&offset=1", nil).wantStatus(http.StatusOK).decode(&paged)
		if paged.TotalCount != 6 || names(paged.Data) != "db01/postgres,win01/Administrator" {
			t.Errorf("version %s: %+v", v, paged)
		}
	}
	// One account is one object, whatever the version.
	var one managedOut
	rita.do(http.MethodGet, "ManagedAccounts?version=3.1&systemName=web01&accountName=root", nil).wantStatus(http.StatusOK).decode(&one)
	if one.AccountID != 11 {
		t.Errorf("one %+v", one)
	}
	// Without the option, every version answers a bare list.
	g := newFixture(t)
	if got := g.as("requestor").accounts("?version=3.2&limit=1"); len(got) != 1 {
		t.Errorf("default 3.2 answer %+v", got)
	}
	if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithPagedManagedAccounts("x")); err == nil {
		t.Errorf("a bad version is no error")
	}
}
