package passwordsafetest_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The inventory the fake serves: seeded from Go values and from the JSON
// seed, combined with the default seed, and its permissions.

func TestInventorySeedFile(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSeedFile(filepath.Join("testdata", "seed.example.json")),
		passwordsafetest.WithTime(time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)))
	links, ok := srv.SystemLinks("pg-prod")
	if !ok || links.EntityTypeID != 2 || links.DatabaseID != 1 || links.AssetID != 0 {
		t.Errorf("pg-prod %+v, %v", links, ok)
	}
	if l, _ := srv.SystemLinks("bastion"); l.FunctionalAccountID != 1 || l.AssetID == 0 {
		t.Errorf("bastion %+v", l)
	}
	wgs := srv.Workgroups()
	if len(wgs) != 2 || wgs[0].Name != "Databases" || wgs[0].ID != 5 || wgs[1].Name != passwordsafetest.DefaultWorkgroup {
		t.Errorf("workgroups %+v", wgs)
	}
	// RFC 6238's SHA-1 test secret "12345678901234567890" at 59 s is
	// 94287082 (8 digits); 6 digits: 287082. JBSWY3DPEHPK3PXP at this
	// instant is whatever it is, but it is 6 digits and changes every 30 s.
	code := srv.TOTPCode("bastion", "deploy")
	srv.Advance(30 * time.Second)
	if len(code) != 6 || srv.TOTPCode("bastion", "deploy") == code || srv.TOTPCode("pg-prod", "postgres") != "" {
		t.Errorf("TOTP codes %q then %q", code, srv.TOTPCode("bastion", "deploy"))
	}

	c := srv.Client(t, "auditor")
	ctx := context.Background()
	groups, _, err := c.UserGroups.List(ctx)
	if err != nil || len(groups) != 1 || groups[0].Name != "DBAs" {
		t.Fatalf("groups %+v, %v", groups, err)
	}
	members, _, err := c.UserGroups.Members(ctx, groups[0].GroupID)
	if err != nil || len(members) != 2 || members[1].UserName != "lead" {
		t.Errorf("members %+v, %v", members, err)
	}
	platforms, _, err := c.ManagedSystems.ListPlatforms(ctx)
	if err != nil || len(platforms) != 4 {
		t.Errorf("platforms %+v, %v", platforms, err)
	}
}

// The RFC 6238 test vector: the fake's codes are the ones any
// authenticator computes.
func TestInventoryTOTPVector(t *testing.T) {
	// base32("12345678901234567890") and 59 seconds after the epoch.
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(time.Unix(59, 0)),
		passwordsafetest.WithSeed(passwordsafetest.Seed{TOTP: []passwordsafetest.AccountTOTP{
			{System: "db01", Account: "postgres", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}}}))
	if got := srv.TOTPCode("db01", "postgres"); got != "287082" {
		t.Errorf("code %q, want 287082", got)
	}
}

func TestInventorySeedDefaults(t *testing.T) {
	// A test that seeds its own systems gets no default inventory beside
	// them, but the default platforms, rules and groups.
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithManagedAccount("pg01", "app", "pw"))
	if a := srv.Assets(); len(a) != 1 || a[0].Name != "pg01" || a[0].ID != 1 {
		t.Errorf("assets %+v", a)
	}
	if w := srv.Workgroups(); len(w) != 1 || w[0].Name != passwordsafetest.DefaultWorkgroup {
		t.Errorf("workgroups %+v", w)
	}
	ctx := context.Background()
	admin := srv.Client(t, "admin")
	if p, _, err := admin.ManagedSystems.ListPlatforms(ctx); err != nil || len(p) != 5 {
		t.Errorf("platforms %d, %v", len(p), err)
	}
	if g, _, err := admin.UserGroups.List(ctx); err != nil || len(g) != 6 {
		t.Errorf("groups %d, %v", len(g), err)
	}
	if _, _, err := admin.ManagedAccounts.TOTP(ctx, 1); !errors.Is(err, passwordsafe.ErrNotFound) {
		t.Errorf("TOTP without a secret: %v", err)
	}

	// Seeded groups replace the default groups and rules; a seeded asset
	// takes a system's name, and the system is on it.
	srv = passwordsafetest.NewServer(t, passwordsafetest.WithSeed(passwordsafetest.Seed{
		Assets:     []passwordsafetest.Asset{{ID: 40, Name: "web01", Workgroup: "Edge", IPAddress: "192.0.2.1"}},
		UserGroups: []passwordsafetest.UserGroup{{Name: "Ops", Members: []string{"admin"}}},
		Platforms:  []passwordsafetest.Platform{{ID: 2, Name: "Linux (custom)"}},
	}))
	if l, _ := srv.SystemLinks("web01"); l.AssetID != 40 {
		t.Errorf("web01 %+v", l)
	}
	admin = srv.Client(t, "admin")
	if g, _, err := admin.UserGroups.List(ctx); err != nil || len(g) != 1 || g[0].Name != "Ops" {
		t.Errorf("groups %+v, %v", g, err)
	}
	if p, _, err := admin.ManagedSystems.GetPlatform(ctx, 2); err != nil || p.Name != "Linux (custom)" {
		t.Errorf("platform %+v, %v", p, err)
	}
	if _, _, err := admin.UserGroups.ListSmartRules(ctx, nil); err != nil {
		t.Errorf("an administrator reads the (no) rules: %v", err)
	}
}

func TestInventorySeedErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		seed passwordsafetest.Seed
		want string
	}{
		"workgroup without name": {passwordsafetest.Seed{Workgroups: []passwordsafetest.Workgroup{{ID: 3}}}, "a workgroup needs a name"},
		"workgroup twice":        {passwordsafetest.Seed{Workgroups: []passwordsafetest.Workgroup{{Name: "A"}, {Name: "a"}}}, `workgroup "a" is seeded twice`},
		"workgroup ID twice":     {passwordsafetest.Seed{Workgroups: []passwordsafetest.Workgroup{{ID: 9, Name: "A"}, {ID: 9, Name: "B"}}}, "ID 9 is used twice"},
		"asset without name":     {passwordsafetest.Seed{Assets: []passwordsafetest.Asset{{IPAddress: "1"}}}, "an asset needs a name"},
		"asset twice":            {passwordsafetest.Seed{Assets: []passwordsafetest.Asset{{Name: "x"}, {Name: "X"}}}, `asset "X" is seeded twice`},
		"database without asset": {passwordsafetest.Seed{Databases: []passwordsafetest.Database{{Asset: "nope", Instance: "i"}}}, `no asset "nope"`},
		"database platform":      {passwordsafetest.Seed{Databases: []passwordsafetest.Database{{Asset: "db01", PlatformID: 99}}}, "no platform 99"},
		"database system":        {passwordsafetest.Seed{Databases: []passwordsafetest.Database{{Asset: "db01", System: "web01"}}}, `no system "web01" of type database`},
		"platform without name":  {passwordsafetest.Seed{Platforms: []passwordsafetest.Platform{{ID: 3}}}, "needs an ID and a name"},
		"functional account":     {passwordsafetest.Seed{FunctionalAccounts: []passwordsafetest.FunctionalAccount{{AccountName: "svc", PlatformID: 99}}}, "known platform"},
		"functional account system": {passwordsafetest.Seed{FunctionalAccounts: []passwordsafetest.FunctionalAccount{{AccountName: "svc", PlatformID: 2,
			Systems: []string{"nope"}}}}, `no system "nope"`},
		"rule without title": {passwordsafetest.Seed{SmartRules: []passwordsafetest.SmartRule{{}}}, "needs a title of its own"},
		"rule type":          {passwordsafetest.Seed{SmartRules: []passwordsafetest.SmartRule{{Title: "r", Type: "Secrets"}}}, `type "Secrets"`},
		"group member":       {passwordsafetest.Seed{UserGroups: []passwordsafetest.UserGroup{{Name: "g", Members: []string{"ghost"}}}}, `member "ghost"`},
		"group rule":         {passwordsafetest.Seed{UserGroups: []passwordsafetest.UserGroup{{Name: "g", SmartRules: []string{"r"}}}}, `no Smart Rule "r"`},
		"group twice":        {passwordsafetest.Seed{UserGroups: []passwordsafetest.UserGroup{{Name: "g"}, {Name: "G"}}}, "needs a name of its own"},
		"TOTP account":       {passwordsafetest.Seed{TOTP: []passwordsafetest.AccountTOTP{{System: "web01", Account: "nobody", Secret: "JBSWY3DP"}}}, "no seeded account web01/nobody"},
		"TOTP secret":        {passwordsafetest.Seed{TOTP: []passwordsafetest.AccountTOTP{{System: "web01", Account: "root", Secret: "not base32!"}}}, "is not base32"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSeed(tc.seed))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "not base32!") {
				t.Errorf("the error quotes the secret: %v", err)
			}
		})
	}
}

// What the fake refuses of the inventory calls, as the server does.
func TestInventoryFakeRefuses(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	admin := srv.Client(t, "admin")
	ctx := context.Background()
	status := func(method, path string, body any) int {
		t.Helper()
		resp, err := admin.Do(ctx, method, path, body, nil)
		if resp == nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return resp.StatusCode
	}
	for _, tc := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "ManagedSystems?limit=0", nil, http.StatusBadRequest},
		{"GET", "ManagedSystems?offset=-1", nil, http.StatusBadRequest},
		{"GET", "ManagedSystems?type=x", nil, http.StatusBadRequest},
		{"POST", "Workgroups", map[string]any{"Name": "x", "Colour": "red"}, http.StatusBadRequest},
		{"POST", "Workgroups", map[string]any{"Name": "Lab"}, http.StatusConflict},
		{"POST", "Workgroups", nil, http.StatusBadRequest},
		{"POST", "Workgroups/1/ManagedSystems", map[string]any{"EntityTypeID": 5, "PlatformID": 2, "HostName": "h", "IPAddress": "1"}, http.StatusBadRequest},
		{"POST", "Workgroups/1/ManagedSystems", map[string]any{"EntityTypeID": 1, "PlatformID": 2}, http.StatusBadRequest},
		{"POST", "Workgroups/1/ManagedSystems", map[string]any{"EntityTypeID": 1, "PlatformID": 99, "HostName": "h", "IPAddress": "1"}, http.StatusBadRequest},
		{"POST", "Workgroups/1/ManagedSystems", map[string]any{"EntityTypeID": 1, "PlatformID": 2, "HostName": "web01", "IPAddress": "1"}, http.StatusConflict},
		{"POST", "Workgroups/9/ManagedSystems", map[string]any{"EntityTypeID": 1}, http.StatusNotFound},
		{"POST", "Assets/1/ManagedSystems", map[string]any{"PlatformID": 2}, http.StatusConflict},
		{"POST", "Assets/7/ManagedSystems", map[string]any{}, http.StatusBadRequest},
		{"POST", "Assets/7/ManagedSystems", map[string]any{"PlatformID": 2, "AutoManagementFlag": true}, http.StatusBadRequest},
		{"POST", "Assets/7/ManagedSystems", map[string]any{"PlatformID": 2, "ReleaseDuration": 600, "MaxReleaseDuration": 60}, http.StatusBadRequest},
		{"POST", "Assets/7/ManagedSystems", map[string]any{"PlatformID": 2, "ChangeFrequencyType": "weekly"}, http.StatusBadRequest},
		{"POST", "Assets/99/ManagedSystems", map[string]any{"PlatformID": 2}, http.StatusNotFound},
		{"PUT", "ManagedSystems/1", map[string]any{"WorkgroupID": 9}, http.StatusBadRequest},
		{"PUT", "ManagedSystems/1", map[string]any{"HostName": "db01"}, http.StatusConflict},
		{"POST", "Workgroups/2/Assets", map[string]any{"AssetName": "x"}, http.StatusBadRequest},
		{"POST", "Workgroups/2/Assets", map[string]any{"IPAddress": "1", "AssetName": "web01"}, http.StatusConflict},
		{"PUT", "Assets/7", map[string]any{"AssetName": "x"}, http.StatusBadRequest},
		{"PUT", "Assets/7", map[string]any{"IPAddress": "1", "WorkgroupID": 9}, http.StatusBadRequest},
		{"PUT", "Assets/7", map[string]any{"IPAddress": "1", "AssetName": "web01"}, http.StatusConflict},
		{"POST", "Assets/Search", map[string]any{"OperatingSystem": "Linux"}, http.StatusBadRequest},
		{"GET", "SmartRules?type=Secrets", nil, http.StatusBadRequest},
		{"GET", "SmartRules?title=nope", nil, http.StatusNotFound},
		{"POST", "ManagedSystems/1/ManagedAccounts", map[string]any{"AccountName": "x"}, http.StatusBadRequest},
		{"POST", "ManagedSystems/1/ManagedAccounts", map[string]any{"AccountName": "x", "Password": "p", "MaxConcurrentRequests": 1000}, http.StatusBadRequest},
		{"POST", "ManagedSystems/1/ManagedAccounts", map[string]any{"AccountName": "x", "Password": "p", "Passphrase": "pp"}, http.StatusBadRequest},
		{"PUT", "ManagedAccounts/11", map[string]any{"AccountName": ""}, http.StatusBadRequest},
		{"PUT", "ManagedAccounts/11/Credentials", map[string]any{"PrivateKey": "k"}, http.StatusBadRequest},
		{"PUT", "ManagedAccounts/11/Credentials", map[string]any{"Passphrase": "p"}, http.StatusBadRequest},
		{"GET", "ManagedAccounts/11/Credentials", nil, http.StatusBadRequest},
		{"GET", "ManagedAccounts/99/Credentials?type=totp", nil, http.StatusNotFound},
		{"DELETE", "ManagedAccounts/99", nil, http.StatusNotFound},
		{"DELETE", "Assets/99", nil, http.StatusNotFound},
	} {
		if got := status(tc.method, tc.path, tc.body); got != tc.want {
			t.Errorf("%s %s %v: %d, want %d", tc.method, tc.path, tc.body, got, tc.want)
		}
	}
}

// Deleting a system ends its accounts' open requests; deleting an asset
// takes its databases and leaves its system without one.
func TestInventoryFakeDeletes(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	ctx := context.Background()
	req, admin := srv.Client(t, "requestor"), srv.Client(t, "admin")
	created, _, err := req.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{AccessType: passwordsafe.AccessSSH,
		SystemID: 1, AccountID: 11, DurationMinutes: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ManagedSystems.Delete(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if rq, _ := srv.Request(created.RequestID); rq.Status != passwordsafetest.StatusTerminated {
		t.Errorf("request %+v", rq)
	}
	if aliases := srv.Aliases(); len(aliases[0].Accounts) != 0 {
		t.Errorf("web-root still maps %+v", aliases[0].Accounts)
	}
	if _, err := admin.Assets.Delete(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if l, _ := srv.SystemLinks("db01"); l.AssetID != 0 {
		t.Errorf("db01 %+v", l)
	}
	if dbs, _, err := admin.Assets.ListDatabases(ctx); err != nil || len(dbs) != 0 {
		t.Errorf("databases %+v, %v", dbs, err)
	}
}
