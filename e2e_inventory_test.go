package passwordsafe_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// End-to-end tests of the inventory families against the fake: every
// name resolves to its ID, for the roles that need it.

// The incident responder and the auditor find a system and a user by name,
// which the old workaround (ManagedAccounts, for requesters only) could
// not, and act on the IDs.
func TestE2EInventoryFindIDsByNameForAuditorAndQuarantine(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	quinn, aude := e.as("quarantine"), e.as("auditor")

	// The workaround fails for both: no requestable account.
	for _, c := range []*ps.Client{quinn, aude} {
		_, _, err := c.ManagedAccounts.Get(bg, "db01", "postgres")
		assert.ErrorIs(t, err, ps.ErrNotFound)
		accts, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{SystemName: "db01"})
		require.NoError(t, err)
		assert.Empty(t, accts)
	}

	for name, c := range map[string]*ps.Client{"quarantine": quinn, "auditor": aude} {
		sys, _, err := c.ManagedSystems.Find(bg, "DB01")
		require.NoError(t, err, name)
		assert.Equal(t, sysDB01, sys.ManagedSystemID, name)
		assert.Equal(t, "db01", sys.SystemName, name)
		u, _, err := c.Users.Find(bg, "requestor")
		require.NoError(t, err, name)
		assert.Equal(t, 1, u.UserID, name)
		_, _, err = c.ManagedSystems.Find(bg, "db99")
		assert.ErrorIs(t, err, ps.ErrNotFound, name)
		_, _, err = c.Users.Find(bg, "nobody")
		assert.ErrorIs(t, err, ps.ErrNotFound, name)
	}

	// The responder locks the system's sessions and ends the user's
	// requests by the IDs found.
	req := e.as("requestor")
	created, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessSSH, SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 10})
	require.NoError(t, err)
	sys, _, err := quinn.ManagedSystems.Find(bg, "web01")
	require.NoError(t, err)
	_, _, err = quinn.Sessions.LockSystemSessions(bg, sys.ManagedSystemID, nil)
	require.NoError(t, err)
	u, _, err := quinn.Users.Find(bg, "requestor")
	require.NoError(t, err)
	_, _, err = quinn.Requests.TerminateUserRequests(bg, u.UserID, &ps.TerminateRequestsOptions{Reason: "incident 42"})
	require.NoError(t, err)
	terms := e.srv.Terminations()
	require.Len(t, terms, 1)
	assert.Equal(t, passwordsafetest.Termination{Scope: "User", ID: 1, User: "quarantine", Reason: "incident 42",
		RequestIDs: []int{created.RequestID}, Time: terms[0].Time}, terms[0])

	// The auditor lists the system's accounts, requestable or not.
	accts, _, err := aude.ManagedAccounts.ListBySystem(bg, sysDB01, nil)
	require.NoError(t, err)
	require.Len(t, accts, 1)
	assert.Equal(t, acctPostgres, accts[0].ManagedAccountID)
	assert.Equal(t, "postgres", accts[0].AccountName)

	// A requester may not read the inventory.
	_, _, err = req.ManagedSystems.Find(bg, "db01")
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	_, _, err = req.Users.Find(bg, "requestor")
	assert.ErrorIs(t, err, ps.ErrForbidden)
}

func TestE2EManagedSystems(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	admin := e.as("admin")

	all, _, err := admin.ManagedSystems.List(bg, nil)
	require.NoError(t, err)
	require.Len(t, all, 6)
	assert.Equal(t, "win01", all[2].SystemName)
	assert.Equal(t, 1, all[2].PlatformID)
	var ids []int
	for s, err := range admin.ManagedSystems.All(bg, &ps.ListManagedSystemsOptions{Limit: 4}) {
		require.NoError(t, err)
		ids = append(ids, s.ManagedSystemID)
	}
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, ids)
	assert.Equal(t, 3, e.srv.Calls("GET", "ManagedSystems"), "List, then two pages of four, the second short")

	web, _, err := admin.ManagedSystems.Get(bg, sysWeb01)
	require.NoError(t, err)
	assert.Equal(t, ps.EntityAsset, web.EntityTypeID)
	assert.Equal(t, 1, web.WorkgroupID)
	onAsset, _, err := admin.ManagedSystems.GetByAsset(bg, web.AssetID)
	require.NoError(t, err)
	assert.Equal(t, web, onAsset)

	inWG, _, err := admin.ManagedSystems.ListByWorkgroup(bg, 1, &ps.PageOptions{Limit: 2, Offset: 4})
	require.NoError(t, err)
	assert.Equal(t, []string{"vault01", "db02"}, namesOf(func(s ps.ManagedSystem) string { return s.SystemName }, inWG))
	byFA, _, err := admin.ManagedSystems.ListByFunctionalAccount(bg, 1, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"web01", "db01"}, namesOf(func(s ps.ManagedSystem) string { return s.SystemName }, byFA))
	assert.True(t, byFA[0].AutoManagementFlag)

	platforms, _, err := admin.ManagedSystems.ListPlatforms(bg)
	require.NoError(t, err)
	require.NotEmpty(t, platforms)
	linux, _, err := admin.ManagedSystems.GetPlatform(bg, 2)
	require.NoError(t, err)
	assert.Equal(t, "Linux", linux.Name)
	assert.True(t, linux.DSSFlag)
	fas, _, err := admin.ManagedSystems.ListFunctionalAccounts(bg)
	require.NoError(t, err)
	require.Len(t, fas, 1)
	fa, _, err := admin.ManagedSystems.GetFunctionalAccount(bg, fas[0].FunctionalAccountID)
	require.NoError(t, err)
	assert.Equal(t, "svc-rotate", fa.AccountName)
	assert.Equal(t, 2, fa.SystemReferenceCount)

	// Onboarding: the lab printer's asset becomes a system, a switch is
	// created in the Lab workgroup, the orders database is managed.
	printer, _, err := admin.Assets.Find(bg, "Lab", "lab-printer")
	require.NoError(t, err)
	onboarded, resp, err := admin.ManagedSystems.CreateOnAsset(bg, printer.AssetID, &ps.CreateAssetSystemOptions{PlatformID: 10,
		ManagedSystemSettings: ps.ManagedSystemSettings{Description: "floor 2", ReleaseDuration: ps.Ptr(30), MaxReleaseDuration: ps.Ptr(60)}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "lab-printer", onboarded.SystemName)
	assert.Equal(t, 30, onboarded.ReleaseDuration)
	links, ok := e.srv.SystemLinks("lab-printer")
	require.True(t, ok)
	assert.Equal(t, passwordsafetest.SystemLinks{SystemID: onboarded.ManagedSystemID, EntityTypeID: 1, AssetID: printer.AssetID,
		WorkgroupID: 2, Description: "floor 2"}, links)
	_, _, err = admin.ManagedSystems.CreateOnAsset(bg, printer.AssetID, &ps.CreateAssetSystemOptions{PlatformID: 10})
	assert.ErrorIs(t, err, ps.ErrConflict)

	sw, _, err := admin.ManagedSystems.CreateOnWorkgroup(bg, 2, &ps.CreateWorkgroupSystemOptions{EntityTypeID: ps.EntityAsset, PlatformID: 2,
		ManagedSystemHost:     ps.ManagedSystemHost{HostName: "lab-switch", IPAddress: "10.30.0.9"},
		ManagedSystemSettings: ps.ManagedSystemSettings{AutoManagementFlag: ps.Ptr(true), FunctionalAccountID: ps.Ptr(fa.FunctionalAccountID)}})
	require.NoError(t, err)
	assert.Equal(t, 2, sw.WorkgroupID)
	assert.Equal(t, "10.30.0.9", sw.IPAddress)
	assert.Equal(t, fa.FunctionalAccountID, sw.FunctionalAccountID)

	dbs, _, err := admin.Assets.ListDatabases(bg)
	require.NoError(t, err)
	require.Len(t, dbs, 1)
	_, _, err = admin.ManagedSystems.GetByDatabase(bg, dbs[0].DatabaseID)
	assert.ErrorIs(t, err, ps.ErrNotFound, "not managed yet")
	orders, _, err := admin.ManagedSystems.CreateOnDatabase(bg, dbs[0].DatabaseID, &ps.CreateDatabaseSystemOptions{})
	require.NoError(t, err)
	assert.Equal(t, ps.EntityDatabase, orders.EntityTypeID)
	assert.Equal(t, "orders", orders.InstanceName)
	again, _, err := admin.ManagedSystems.GetByDatabase(bg, dbs[0].DatabaseID)
	require.NoError(t, err)
	assert.Equal(t, orders.ManagedSystemID, again.ManagedSystemID)

	// Update and delete.
	updated, _, err := admin.ManagedSystems.Update(bg, sw.ManagedSystemID, &ps.UpdateManagedSystemOptions{WorkgroupID: ps.Ptr(1),
		ManagedSystemSettings: ps.ManagedSystemSettings{Description: "moved"}})
	require.NoError(t, err)
	assert.Equal(t, 1, updated.WorkgroupID)
	assert.Equal(t, "moved", updated.Description)
	assert.Equal(t, "lab-switch", updated.SystemName, "what the body leaves out stays")
	_, err = admin.ManagedSystems.Delete(bg, sw.ManagedSystemID)
	require.NoError(t, err)
	_, ok = e.srv.SystemLinks("lab-switch")
	assert.False(t, ok)
	_, _, err = admin.ManagedSystems.Get(bg, sw.ManagedSystemID)
	assert.ErrorIs(t, err, ps.ErrNotFound)

	// Reading is not writing: the auditor may list, not create.
	_, _, err = e.as("auditor").ManagedSystems.CreateOnWorkgroup(bg, 1, &ps.CreateWorkgroupSystemOptions{EntityTypeID: 1, PlatformID: 2,
		ManagedSystemHost: ps.ManagedSystemHost{HostName: "x", IPAddress: "10.0.0.1"}})
	assert.ErrorIs(t, err, ps.ErrNoPermission)
}

func TestE2EAssetsAndWorkgroups(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	admin := e.as("admin")

	wgs, _, err := admin.Workgroups.List(bg)
	require.NoError(t, err)
	assert.Equal(t, []ps.Workgroup{{ID: 1, OrganizationID: passwordsafetest.DefaultOrganizationID, Name: "BeyondTrust Workgroup"},
		{ID: 2, OrganizationID: passwordsafetest.DefaultOrganizationID, Name: "Lab"}}, wgs)
	lab, _, err := admin.Workgroups.Find(bg, "lab")
	require.NoError(t, err)
	assert.Equal(t, 2, lab.ID)
	got, _, err := admin.Workgroups.Get(bg, 2)
	require.NoError(t, err)
	assert.Equal(t, lab, got)
	_, _, err = admin.Workgroups.Find(bg, "Nope")
	assert.ErrorIs(t, err, ps.ErrNotFound)
	dmz, resp, err := admin.Workgroups.Create(bg, &ps.CreateWorkgroupOptions{Name: "DMZ"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, 3, dmz.ID)
	assert.Contains(t, e.srv.Workgroups(), passwordsafetest.Workgroup{ID: 3, Name: "DMZ", OrganizationID: passwordsafetest.DefaultOrganizationID})

	inDefault, _, err := admin.Assets.ListByWorkgroupName(bg, "BeyondTrust Workgroup", nil)
	require.NoError(t, err)
	assert.Len(t, inDefault, 6)
	page, _, err := admin.Assets.ListByWorkgroup(bg, 1, &ps.PageOptions{Limit: 2, Offset: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"db01", "win01"}, namesOf(func(a ps.Asset) string { return a.AssetName }, page))
	var all []string
	for a, err := range admin.Assets.AllByWorkgroup(bg, 1, &ps.PageOptions{Limit: 5}) {
		require.NoError(t, err)
		all = append(all, a.AssetName)
	}
	assert.Equal(t, []string{"web01", "db01", "win01", "app01", "vault01", "db02"}, all)

	db01, _, err := admin.Assets.Find(bg, "BeyondTrust Workgroup", "DB01")
	require.NoError(t, err)
	got2, _, err := admin.Assets.Get(bg, db01.AssetID)
	require.NoError(t, err)
	assert.Equal(t, db01, got2)
	_, _, err = admin.Assets.Find(bg, "Lab", "db01")
	assert.ErrorIs(t, err, ps.ErrNotFound, "db01 is in the other workgroup")

	found, _, err := admin.Assets.Search(bg, &ps.SearchAssetsOptions{Criteria: ps.AssetSearch{IPAddress: "10.30.0.0/24"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"lab-printer"}, namesOf(func(a ps.Asset) string { return a.AssetName }, found))
	var searched []string
	for a, err := range admin.Assets.SearchAll(bg, &ps.SearchAssetsOptions{Criteria: ps.AssetSearch{AssetType: "server"}, Limit: 4}) {
		require.NoError(t, err)
		searched = append(searched, a.AssetName)
	}
	assert.Len(t, searched, 6)

	dbs, _, err := admin.Assets.ListAssetDatabases(bg, db01.AssetID)
	require.NoError(t, err)
	require.Len(t, dbs, 1)
	db, _, err := admin.Assets.GetDatabase(bg, dbs[0].DatabaseID)
	require.NoError(t, err)
	assert.Equal(t, &ps.Database{DatabaseID: 1, AssetID: db01.AssetID, PlatformID: 20, InstanceName: "orders", Port: 5432, Version: "16"}, db)

	// Create, move, delete.
	created, _, err := admin.Assets.Create(bg, dmz.ID, &ps.AssetOptions{IPAddress: "10.40.0.5", OperatingSystem: "Debian"})
	require.NoError(t, err)
	assert.Equal(t, "010.040.000.005", created.AssetName, "no name: the padded IP")
	assert.Equal(t, dmz.ID, created.WorkgroupID)
	moved, _, err := admin.Assets.Update(bg, created.AssetID, &ps.UpdateAssetOptions{WorkgroupID: lab.ID,
		AssetOptions: ps.AssetOptions{IPAddress: "10.40.0.6", AssetName: "gw01"}})
	require.NoError(t, err)
	assert.Equal(t, lab.ID, moved.WorkgroupID)
	assert.Equal(t, "Debian", moved.OperatingSystem, "what the body leaves out stays")
	assert.Contains(t, e.srv.Assets(), passwordsafetest.Asset{ID: created.AssetID, Name: "gw01", Workgroup: "Lab",
		IPAddress: "10.40.0.6", DNSName: "010.040.000.005.example.test", AssetType: "Server", OperatingSystem: "Debian"})
	_, err = admin.Assets.Delete(bg, created.AssetID)
	require.NoError(t, err)
	_, _, err = admin.Assets.Get(bg, created.AssetID)
	assert.ErrorIs(t, err, ps.ErrNotFound)
	assert.Len(t, e.srv.Assets(), 7)

	// The auditor reads assets; the incident responder does not need to.
	_, _, err = e.as("auditor").Assets.Find(bg, "Lab", "lab-printer")
	require.NoError(t, err)
	_, _, err = e.as("quarantine").Workgroups.List(bg)
	assert.ErrorIs(t, err, ps.ErrNoPermission)
}

func TestE2EUsersAndGroups(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	aude := e.as("auditor")

	users, _, err := aude.Users.List(bg, &ps.ListUsersOptions{IncludeInactive: true})
	require.NoError(t, err)
	require.Len(t, users, len(e.srv.Users()))
	for i, u := range e.srv.Users() {
		assert.Equal(t, u.ID, users[i].UserID)
		assert.Equal(t, u.UserName, users[i].UserName)
	}
	secured, _, err := aude.Users.Find(bg, "SECURED")
	require.NoError(t, err)
	assert.Equal(t, &ps.UserAccount{UserID: 5, UserName: "secured", FirstName: "Sam", LastName: "Secured",
		EmailAddress: "secured@example.test", IsActive: true, UserType: "BeyondInsight"}, secured)
	byID, _, err := aude.Users.Get(bg, 5)
	require.NoError(t, err)
	assert.Equal(t, secured, byID)
	groups, _, err := aude.Users.ListGroups(bg, 4)
	require.NoError(t, err)
	assert.Equal(t, []string{"Requestors", "Approvers"}, namesOf(func(g ps.UserGroup) string { return g.Name }, groups))

	all, _, err := aude.UserGroups.List(bg)
	require.NoError(t, err)
	assert.Len(t, all, 6)
	ir, _, err := aude.UserGroups.Find(bg, "incident response")
	require.NoError(t, err)
	assert.Equal(t, 6, ir.GroupID)
	g, _, err := aude.UserGroups.Get(bg, 6)
	require.NoError(t, err)
	assert.Equal(t, ir, g)
	members, _, err := aude.UserGroups.Members(bg, 3)
	require.NoError(t, err)
	var names []string
	for _, m := range members {
		names = append(names, m.UserName)
	}
	assert.Equal(t, []string{"requestor", "reqapprover", "secured"}, names)
	_, _, err = aude.UserGroups.Find(bg, "nobody")
	assert.ErrorIs(t, err, ps.ErrNotFound)

	rules, _, err := aude.UserGroups.ListSmartRules(bg, &ps.ListSmartRulesOptions{Type: ps.SmartRuleManagedSystem})
	require.NoError(t, err)
	require.Len(t, rules, 1)
	assert.Equal(t, "All Managed Systems", rules[0].Title)
	linux, _, err := aude.UserGroups.FindSmartRule(bg, "linux accounts")
	require.NoError(t, err)
	got, _, err := aude.UserGroups.GetSmartRule(bg, linux.SmartRuleID)
	require.NoError(t, err)
	assert.Equal(t, linux, got)
	groupRules, _, err := aude.UserGroups.ListGroupSmartRules(bg, 3)
	require.NoError(t, err)
	require.Len(t, groupRules, 1)
	assert.Equal(t, linux.SmartRuleID, groupRules[0].SmartRuleID)

	// A requestor reads the Smart Rules of its groups, and no user.
	req := e.as("requestor")
	mine, _, err := req.UserGroups.ListSmartRules(bg, nil)
	require.NoError(t, err)
	assert.Len(t, mine, 1)
	_, _, err = req.UserGroups.GetSmartRule(bg, 1)
	assert.ErrorIs(t, err, ps.ErrNotFound)
	_, _, err = req.UserGroups.List(bg)
	assert.ErrorIs(t, err, ps.ErrNoPermission)

	levels, _, err := e.as("admin").UserGroups.ListAccessLevels(bg)
	require.NoError(t, err)
	assert.Len(t, levels, 3)
}

func TestE2EManagedAccountsAdmin(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	admin := e.as("admin")

	onWeb, _, err := admin.ManagedAccounts.ListBySystem(bg, sysWeb01, nil)
	require.NoError(t, err)
	require.Len(t, onWeb, 1)
	root, _, err := admin.ManagedAccounts.GetByID(bg, acctRoot)
	require.NoError(t, err)
	assert.Equal(t, onWeb[0], *root)
	assert.Equal(t, "root", root.AccountName)
	assert.Equal(t, 120, root.ReleaseDuration)

	// Onboard an account; a requester can then borrow it.
	svc, resp, err := admin.ManagedAccounts.Create(bg, sysWeb01, &ps.ManagedAccountOptions{AccountName: "svc-backup",
		Password: ps.NewSecret("Initial-Pa55!"), Description: "backups", ReleaseDuration: ps.Ptr(30), MaxReleaseDuration: ps.Ptr(60)})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "Initial-Pa55!", e.srv.Password("web01", "svc-backup"))
	var ids []int
	for a, err := range admin.ManagedAccounts.AllBySystem(bg, sysWeb01, &ps.PageOptions{Limit: 1}) {
		require.NoError(t, err)
		ids = append(ids, a.ManagedAccountID)
	}
	assert.Equal(t, []int{acctRoot, svc.ManagedAccountID}, ids)
	err = e.as("requestor").ManagedAccounts.Checkout(bg, "web01", "svc-backup", &ps.CheckoutOptions{DurationMinutes: 5},
		func(_ context.Context, l *ps.Lease) error {
			assert.Equal(t, "Initial-Pa55!", l.Credential.Value())
			return nil
		})
	require.NoError(t, err)
	_, _, err = admin.ManagedAccounts.Create(bg, sysWeb01, &ps.ManagedAccountOptions{AccountName: "SVC-backup", Password: ps.NewSecret("x")})
	assert.ErrorIs(t, err, ps.ErrConflict)

	updated, _, err := admin.ManagedAccounts.Update(bg, svc.ManagedAccountID, &ps.ManagedAccountOptions{AccountName: "svc-backup",
		Description: "nightly backups"})
	require.NoError(t, err)
	assert.Equal(t, "nightly backups", updated.Description)
	assert.Equal(t, 30, updated.ReleaseDuration, "what the body leaves out stays")

	// The credential: set, then changed now.
	_, err = admin.ManagedAccounts.SetCredentials(bg, svc.ManagedAccountID, &ps.SetCredentialsOptions{Password: ps.NewSecret("Set-Pa55!")})
	require.NoError(t, err)
	assert.Equal(t, "Set-Pa55!", e.srv.Password("web01", "svc-backup"))
	_, err = e.as("isa").ManagedAccounts.SetCredentials(bg, svc.ManagedAccountID, nil)
	require.NoError(t, err)
	drawn := e.srv.Password("web01", "svc-backup")
	assert.NotEqual(t, "Set-Pa55!", drawn)
	_, err = admin.ManagedAccounts.ChangeCredentials(bg, svc.ManagedAccountID, &ps.ChangeCredentialsOptions{Queue: true})
	require.NoError(t, err)
	assert.NotEqual(t, drawn, e.srv.Password("web01", "svc-backup"))
	changes := e.srv.CredentialChanges()
	require.Len(t, changes, 3)
	assert.Equal(t, []string{"admin", "isa", "admin"}, []string{changes[0].User, changes[1].User, changes[2].User})
	assert.True(t, changes[0].Password)
	assert.False(t, changes[1].Password)
	assert.Equal(t, "change", changes[2].Kind)
	assert.True(t, changes[2].Queued)
	_, err = e.as("auditor").ManagedAccounts.ChangeCredentials(bg, svc.ManagedAccountID, nil)
	assert.ErrorIs(t, err, ps.ErrNoPermission)

	// The TOTP code: for the administrator, and for a requestor only while
	// a request for the account is active.
	code, _, err := admin.ManagedAccounts.TOTP(bg, acctRoot)
	require.NoError(t, err)
	assert.Equal(t, e.srv.TOTPCode("web01", "root"), code.Value())
	assert.Len(t, code.Value(), 6)
	req := e.as("requestor")
	_, _, err = req.ManagedAccounts.TOTP(bg, acctRoot)
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	_, _, err = req.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessView, SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5})
	require.NoError(t, err)
	code, _, err = req.ManagedAccounts.TOTP(bg, acctRoot)
	require.NoError(t, err)
	assert.Equal(t, e.srv.TOTPCode("web01", "root"), code.Value())
	_, _, err = admin.ManagedAccounts.TOTP(bg, svc.ManagedAccountID)
	assert.ErrorIs(t, err, ps.ErrNotFound, "no TOTP configured")

	// Delete: gone from the fake and from the API.
	_, err = admin.ManagedAccounts.Delete(bg, svc.ManagedAccountID)
	require.NoError(t, err)
	assert.Empty(t, e.srv.Password("web01", "svc-backup"))
	_, _, err = admin.ManagedAccounts.GetByID(bg, svc.ManagedAccountID)
	var er *ps.ErrorResponse
	require.True(t, errors.As(err, &er))
	assert.Equal(t, http.StatusNotFound, er.StatusCode)
}

// namesOf lists the name of each item.
func namesOf[T any](name func(T) string, items []T) []string {
	var out []string
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}
