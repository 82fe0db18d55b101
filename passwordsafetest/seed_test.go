package passwordsafetest_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func userNames(us []passwordsafetest.User) string {
	var out []string
	for _, u := range us {
		out = append(out, u.UserName)
	}
	return strings.Join(out, ",")
}

func accountNames(as []passwordsafetest.Account) string {
	var out []string
	for _, a := range as {
		out = append(out, a.System+"/"+a.Name)
	}
	return strings.Join(out, ",")
}

func TestSeedCombinesWithDefaults(t *testing.T) {
	// Seeding an account drops the default inventory, keeps the default users.
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithManagedAccount("db01", "postgres", "pw"))
	if got := accountNames(srv.Accounts()); got != "db01/postgres" {
		t.Errorf("accounts %s", got)
	}
	if got := userNames(srv.Users()); got != "requestor,approver,admin,reqapprover,secured,auditor,isa,quarantine,reviewer" {
		t.Errorf("users %s", got)
	}
	if a := srv.Accounts()[0]; a.ID != 1 || a.Password != "pw" || a.Policy.Approvals != 0 ||
		strings.Join(a.Access, ",") != "View,SSH" || a.DefaultReleaseMinutes != 120 || a.MaximumReleaseMinutes != 525600 {
		t.Errorf("account %+v", a)
	}
	if len(srv.Aliases()) != 0 {
		t.Errorf("default aliases kept: %+v", srv.Aliases())
	}

	// A user of a default name replaces it; a new one is added after the defaults.
	srv = passwordsafetest.NewServer(t,
		passwordsafetest.WithUser(passwordsafetest.User{UserName: "Approver", Roles: []passwordsafetest.Role{"approver"}, RunAsPassword: "x"}),
		passwordsafetest.WithUser(passwordsafetest.User{UserName: "bob", Roles: []passwordsafetest.Role{"REQUESTOR", "admin"}}),
		passwordsafetest.WithAlias(passwordsafetest.Alias{Name: "root-alias", Accounts: []passwordsafetest.AccountRef{{System: "web01", Account: "root"}}}),
	)
	if got := userNames(srv.Users()); got != "requestor,admin,reqapprover,secured,auditor,isa,quarantine,reviewer,Approver,bob" {
		t.Errorf("users %s", got)
	}
	if u, _ := srv.User("APPROVER"); u.ID != 10 || u.RunAsPassword != "x" || u.Name != "Approver" || u.Email != "approver@example.test" {
		t.Errorf("replaced approver %+v", u)
	}
	if u, _ := srv.User("bob"); u.ID != 11 || len(u.Roles) != 2 || u.Roles[0] != passwordsafetest.RoleAdmin {
		t.Errorf("bob %+v", u)
	}
	// The default inventory stays (no account seeded), the alias is added.
	if n := len(srv.Accounts()); n != 6 {
		t.Errorf("%d accounts", n)
	}
	if al := srv.Aliases(); len(al) != 4 || al[3].ID != 4 || al[3].Name != "root-alias" {
		t.Errorf("aliases %+v", al)
	}

	// WithoutDefaults: only the seed.
	srv = passwordsafetest.NewServer(t, passwordsafetest.WithoutDefaults(),
		passwordsafetest.WithUser(passwordsafetest.User{UserName: "solo", Roles: []passwordsafetest.Role{passwordsafetest.RoleRequestor}}))
	if got := userNames(srv.Users()); got != "solo" || len(srv.Accounts()) != 0 || srv.OAuthUser() != "solo" {
		t.Errorf("users %s, accounts %d, OAuth user %s", got, len(srv.Accounts()), srv.OAuthUser())
	}
}

func TestSeedAccountsAndPolicies(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithSeed(passwordsafetest.Seed{
		Systems: []passwordsafetest.System{{Name: "win9", Platform: "Windows"}},
		Accounts: []passwordsafetest.Account{
			{System: "win9", Name: "Administrator", Policy: passwordsafetest.Policy{RequireReason: true}},
			{System: "lin9", Name: "root", GenerateSSHKey: true, MaximumReleaseMinutes: 30,
				Policy: passwordsafetest.Policy{RequireTicket: true}},
			{System: "lin9", Name: "app", Applications: map[int]string{5: "Console"},
				Policy: passwordsafetest.Policy{Approvals: 2}},
		},
	}))
	accts := f.srv.Accounts()
	if strings.Join(accts[0].Access, ",") != "View,RDP" || strings.Join(accts[2].Access, ",") != "View,SSH,App" ||
		accts[1].PrivateKey == "" || accts[1].Passphrase == "" || accts[1].DefaultReleaseMinutes != 30 {
		t.Errorf("accounts %+v", accts)
	}
	if sys := f.srv.Systems(); len(sys) != 2 || sys[1].Name != "lin9" || sys[1].Platform != "Linux" || sys[1].PlatformID != 2 {
		t.Errorf("systems %+v", sys)
	}
	rita := f.as("requestor")
	rita.do(http.MethodPost, "Requests", req(1, 1, 5)).wantError(http.StatusBadRequest, "A Reason is required by the access policy.")
	rita.createRequest(req(1, 1, 5, "Reason", "patching"))
	rita.do(http.MethodPost, "Requests", req(2, 2, 5, "TicketNumber", "INC-1")).
		wantError(http.StatusBadRequest, "A TicketSystemID and TicketNumber are required by the access policy.")
	rita.do(http.MethodPost, "Requests", req(2, 2, 31, "TicketNumber", "INC-1", "TicketSystemID", 1)).wantStatus(http.StatusBadRequest)
	id := rita.createRequest(req(2, 2, 30, "TicketNumber", "INC-1", "TicketSystemID", 3))
	if info, _ := f.srv.Request(id); info.TicketSystemID != 3 || info.TicketNumber != "INC-1" || info.SystemName != "lin9" {
		t.Errorf("info %+v", info)
	}
	// Two approvals from any approver (the policy names none): admin, reqapprover, approver.
	id = rita.createRequest(req(2, 3, 30))
	if err := f.srv.Approve(id, "reqapprover"); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Approve(id, "admin"); err != nil {
		t.Fatal(err)
	}
	if info, _ := f.srv.Request(id); info.Status != passwordsafetest.StatusActive || strings.Join(info.Approvals, ",") != "reqapprover,admin" {
		t.Errorf("info %+v", info)
	}
}

func TestSeedErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		opt  passwordsafetest.ServerOption
		want string
	}{
		"user twice":        {passwordsafetest.WithSeed(passwordsafetest.Seed{Users: []passwordsafetest.User{{UserName: "x"}, {UserName: "X"}}}), `user "X" is seeded twice`},
		"bad user name":     {passwordsafetest.WithUser(passwordsafetest.User{UserName: "a;b"}), "must be non-empty"},
		"unknown role":      {passwordsafetest.WithUser(passwordsafetest.User{UserName: "x", Roles: []passwordsafetest.Role{"boss"}}), `unknown role "boss"`},
		"bracket password":  {passwordsafetest.WithUser(passwordsafetest.User{UserName: "x", RunAsPassword: "a]b"}), "cannot hold ']'"},
		"user ID twice":     {passwordsafetest.WithUser(passwordsafetest.User{ID: 1, UserName: "x"}), ""},
		"account twice":     {passwordsafetest.WithSeed(passwordsafetest.Seed{Accounts: []passwordsafetest.Account{{System: "s", Name: "a"}, {System: "S", Name: "A"}}}), "account S/A is seeded twice"},
		"no account name":   {passwordsafetest.WithAccount(passwordsafetest.Account{System: "s"}), "needs a system and a name"},
		"bad access":        {passwordsafetest.WithAccount(passwordsafetest.Account{System: "s", Name: "a", Access: []string{"Telnet"}}), `access type "Telnet"`},
		"app without apps":  {passwordsafetest.WithAccount(passwordsafetest.Account{System: "s", Name: "a", Access: []string{"App"}}), "App access needs applications"},
		"unknown approver":  {passwordsafetest.WithAccount(passwordsafetest.Account{System: "s", Name: "a", Policy: passwordsafetest.Policy{Approvers: []string{"nobody"}}}), `approver "nobody"`},
		"negative approval": {passwordsafetest.WithAccount(passwordsafetest.Account{System: "s", Name: "a", Policy: passwordsafetest.Policy{Approvals: -1}}), "approvals must be 0"},
		"release minutes":   {passwordsafetest.WithAccount(passwordsafetest.Account{System: "s", Name: "a", DefaultReleaseMinutes: 90, MaximumReleaseMinutes: 60}), "release minutes"},
		"system type":       {passwordsafetest.WithSystem(passwordsafetest.System{Name: "s", Type: "mainframe"}), `type "mainframe"`},
		"system twice":      {passwordsafetest.WithSeed(passwordsafetest.Seed{Systems: []passwordsafetest.System{{Name: "s"}, {Name: "s"}}}), `system "s" is seeded twice`},
		"alias account":     {passwordsafetest.WithAlias(passwordsafetest.Alias{Name: "x", Accounts: []passwordsafetest.AccountRef{{System: "web01", Account: "nobody"}}}), "no seeded account web01/nobody"},
		"alias twice":       {passwordsafetest.WithAlias(passwordsafetest.Alias{Name: "DB-HA"}), `alias "DB-HA" is seeded twice`},
		"session user":      {passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{User: "nobody", System: "web01", Account: "root"}), `no seeded user "nobody"`},
		"session protocol":  {passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{User: "admin", System: "web01", Account: "root", Protocol: "VNC"}), `protocol "VNC"`},
		"seed version":      {passwordsafetest.WithSeed(passwordsafetest.Seed{Version: 2}), "version 2 is not supported"},
		"OAuth user":        {passwordsafetest.WithOAuthClient(passwordsafetest.DefaultOAuthClientID, passwordsafetest.DefaultOAuthClientSecret, "nobody"), `acts as "nobody"`},
		"API version":       {passwordsafetest.WithAPIVersions("three"), `"three" is not a version`},
		"no API versions":   {passwordsafetest.WithAPIVersions(), "name at least one version"},
		"API key":           {passwordsafetest.WithAPIKey("a b"), "WithAPIKey"},
		"nil option":        {nil, "nil ServerOption"},
	} {
		t.Run(name, func(t *testing.T) {
			srv, err := passwordsafetest.Start("127.0.0.1:0", tc.opt)
			if err == nil {
				srv.Close()
				if name == "user ID twice" {
					return // a test user may take a default user's ID: the default moves
				}
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "passwordsafetest: ") {
				t.Errorf("error %q, want it to hold %q", err, tc.want)
			}
		})
	}
}

func TestSeedFile(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSeedFile(filepath.Join("testdata", "seed.example.json")))
	if got := userNames(srv.Users()); got != "ci-bot,oncall,lead,ops-admin,auditor,isa,soc" {
		t.Errorf("users %s", got)
	}
	if got := accountNames(srv.Accounts()); got != "pg-prod/postgres,bastion/deploy,dc01/svc-backup,payroll/payroll-admin" {
		t.Errorf("accounts %s", got)
	}
	if srv.Password("pg-prod", "postgres") != "correct horse battery staple" || srv.Password("dc01", `corp\svc-backup`) == "" ||
		srv.Password("dc01", "svc-backup@corp.example") == "" || srv.OAuthUser() != "ci-bot" {
		t.Errorf("passwords or OAuth user wrong")
	}
	if s := srv.Sessions(); len(s) != 2 || s[0].Live() || s[0].Status != 2 || s[0].End.Sub(s[0].Start) != 2*time.Minute ||
		s[0].SessionID != 7001 || s[1].SessionID != 7100 || !s[1].Live() {
		t.Errorf("sessions %+v", s)
	}
	if u, _ := srv.User("soc"); len(u.Roles) != 1 || u.Roles[0] != passwordsafetest.RoleActiveSessionReviewer {
		t.Errorf("soc %+v", u)
	}
	// The file and the Go form are one schema: a seed read from the file
	// seeds the same server.
	seed, err := passwordsafetest.ReadSeedFile(filepath.Join("testdata", "seed.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	again := passwordsafetest.NewServer(t, passwordsafetest.WithSeed(seed))
	if accountNames(again.Accounts()) != accountNames(srv.Accounts()) {
		t.Errorf("WithSeed(ReadSeedFile) differs from WithSeedFile")
	}
}

func TestSeedFileErrors(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, want string }{
		"unknown field":   {`{"version": 1, "users": [{"userName": "x", "role": "admin"}]}`, `unknown field "role"`},
		"unknown top":     {`{"version": 1, "accounts": [], "extra": true}`, `unknown field "extra"`},
		"no version":      {`{"users": []}`, `"version" is required`},
		"version 2":       {`{"version": 2, "whatever": 1}`, "version 2 is not supported"},
		"not an object":   {`[1]`, "seed:"},
		"trailing data":   {`{"version": 1} {}`, "unexpected data after the seed object"},
		"bad JSON":        {`{"version": 1,`, "seed:"},
		"bad seed itself": {`{"version": 1, "accounts": [{"system": "s"}]}`, "needs a system and a name"},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
			if err := os.WriteFile(p, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSeedFile(p))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if name != "bad seed itself" && !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSeedFile(filepath.Join(dir, "missing.json"))); err == nil {
		t.Errorf("a missing file is no error")
	}
}
