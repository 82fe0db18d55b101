package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// rows is a table of the given lines, header first, as psrun prints it.
func rows(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// queries are the raw queries of the calls the fake saw to method path.
func queries(srv *passwordsafetest.Server, method, path string) []string {
	var out []string
	for _, c := range srv.CallLog() {
		if c.Method == method && c.Path == path {
			out = append(out, c.Query)
		}
	}
	return out
}

// TestBinaryListCommands: each List short command prints what the fake
// holds, from the call the guide names.
func TestBinaryListCommands(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	filter := func(cols string) []string { return []string{"-filter", cols} }

	// ListWorkgroups: GET Workgroups.
	want := []string{"ID\tName"}
	for _, w := range k.srv.Workgroups() {
		want = append(want, fmt.Sprintf("%d\t%s", w.ID, w.Name))
	}
	require.Len(t, want, 3)
	assert.Equal(t, rows(want...), k.ok(t, filter("ID,Name"), "auditor", "ListWorkgroups"))

	// ListAssets Workgroup [Limit] [Offset]: by name (escaped in the path)
	// or by ID, a page with Limit and Offset.
	want = []string{"AssetID\tAssetName\tIPAddress"}
	for _, a := range k.srv.Assets() {
		if a.Workgroup == passwordsafetest.DefaultWorkgroup {
			want = append(want, fmt.Sprintf("%d\t%s\t%s", a.ID, a.Name, a.IPAddress))
		}
	}
	require.Len(t, want, 7)
	assert.Equal(t, rows(want...), k.ok(t, filter("AssetID,AssetName,IPAddress"), "auditor", "ListAssets", "BeyondTrust Workgroup"))
	assert.Equal(t, rows(want...), k.ok(t, filter("AssetID,AssetName,IPAddress"), "auditor", "ListAssets", "1"))
	assert.Equal(t, rows(want[0], want[3], want[4]), k.ok(t, filter("AssetID,AssetName,IPAddress"), "auditor", "ListAssets", "1", "2", "2"))
	assert.Equal(t, []string{"", "limit=2&offset=2"}, queries(k.srv, "GET", "Workgroups/1/Assets"))
	assert.Equal(t, 1, k.srv.Calls("GET", "Workgroups/BeyondTrust Workgroup/Assets"))

	// ListSystems [Limit] [Offset]: GET ManagedSystems.
	want = []string{"ManagedSystemID\tSystemName"}
	for _, sy := range k.srv.Systems() {
		want = append(want, fmt.Sprintf("%d\t%s", sy.ID, sy.Name))
	}
	require.Len(t, want, 7)
	assert.Equal(t, rows(want...), k.ok(t, filter("ManagedSystemID,SystemName"), "auditor", "ListSystems"))
	assert.Equal(t, rows(want[0], want[2], want[3]), k.ok(t, filter("ManagedSystemID,SystemName"), "auditor", "ListSystems", "2", "1"))
	assert.Equal(t, rows(want[0], want[1]), k.ok(t, filter("ManagedSystemID,SystemName"), "auditor", "ListSystems", "1"))
	assert.Equal(t, []string{"", "limit=2&offset=1", "limit=1"}, queries(k.srv, "GET", "ManagedSystems"))

	// ListAccounts [Limit] [Offset]: the accounts the user may request.
	want = []string{"SystemName\tAccountName"}
	for _, a := range k.srv.Accounts() {
		want = append(want, a.System+"\t"+a.Name)
	}
	assert.Equal(t, rows(want...), k.ok(t, filter("SystemName,AccountName"), "requestor", "ListAccounts"))
	assert.Equal(t, rows(want[0], want[4]), k.ok(t, filter("SystemName,AccountName"), "requestor", "ListAccounts", "1", "3"))
	assert.Equal(t, []string{"", "limit=1&offset=3"}, queries(k.srv, "GET", "ManagedAccounts"))

	// ListAliases: GET Aliases.
	want = []string{"AliasID\tAliasName"}
	for _, al := range k.srv.Aliases() {
		if len(al.Accounts) > 0 { // the default state filter leaves the unmapped out
			want = append(want, fmt.Sprintf("%d\t%s", al.ID, al.Name))
		}
	}
	assert.Equal(t, rows(want...), k.ok(t, filter("AliasID,AliasName"), "requestor", "ListAliases"))
	assert.Equal(t, 1, k.srv.Calls("GET", "Aliases"))

	// ListGroups, ListGroupMembership Group (by ID or by name): as the
	// SDK reads them.
	ctx := context.Background()
	admin := k.srv.Client(t, "admin")
	groups, _, err := admin.UserGroups.List(ctx)
	require.NoError(t, err)
	want = []string{"GroupID\tName"}
	for _, g := range groups {
		want = append(want, fmt.Sprintf("%d\t%s", g.GroupID, g.Name))
	}
	require.Greater(t, len(want), 2)
	assert.Equal(t, rows(want...), k.ok(t, filter("GroupID,Name"), "auditor", "ListGroups"))
	for _, g := range groups {
		members, _, err := admin.UserGroups.Members(ctx, g.GroupID)
		require.NoError(t, err)
		want = []string{"UserName"}
		for _, m := range members {
			want = append(want, m.UserName)
		}
		if len(members) == 0 {
			want = nil
		}
		byID := k.ok(t, filter("UserName"), "auditor", "ListGroupMembership", fmt.Sprint(g.GroupID))
		byName := k.ok(t, filter("UserName"), "auditor", "ListGroupMembership", g.Name)
		if want == nil {
			assert.Empty(t, byID, g.Name)
		} else {
			assert.Equal(t, rows(want...), byID, g.Name)
		}
		assert.Equal(t, byID, byName, g.Name)
	}
	var byName []string
	for _, q := range queries(k.srv, "GET", "UserGroups") {
		if strings.HasPrefix(q, "name=") {
			byName = append(byName, q)
		}
	}
	assert.Len(t, byName, len(groups), "a name is looked up with GET UserGroups?name=")

	// ListSmartRules: GET SmartRules.
	rules, _, err := admin.UserGroups.ListSmartRules(ctx, nil)
	require.NoError(t, err)
	want = []string{"SmartRuleID\tTitle"}
	for _, r := range rules {
		want = append(want, fmt.Sprintf("%d\t%s", r.SmartRuleID, r.Title))
	}
	require.Greater(t, len(want), 1)
	assert.Equal(t, rows(want...), k.ok(t, filter("SmartRuleID,Title"), "auditor", "ListSmartRules"))

	// ListRoles: GET Roles, printed as the server sends it.
	assert.Equal(t, rows("RoleID\tName", "1\tRequestor", "2\tApprover", "3\tRequestor/Approver", "4\tCredentials Manager",
		"5\tRecorded Session Reviewer", "6\tActive Session Reviewer"), k.ok(t, nil, "auditor", "ListRoles"))

	// The short command is taken case aside.
	assert.Equal(t, k.ok(t, nil, "auditor", "ListRoles"), k.ok(t, nil, "auditor", "listroles"))
}

// TestBinaryRequestRetrieveRelease: Request, ListRequest, Retrieve and
// Release, the steps RetrievePassword chains, one at a time, by names and
// by IDs.
func TestBinaryRequestRetrieveRelease(t *testing.T) {
	t.Parallel()
	k := newKit(t, passwordsafetest.WithAccount(passwordsafetest.Account{
		System: "web01", Name: "root", Password: "pw-web01-root", PrivateKey: testKey, Passphrase: "phrase-web01-root",
	}))
	// Request System Account Reason DurationMinutes: the request ID.
	out := k.ok(t, nil, "requestor", "Request", "web01", "root", "change 42", "15")
	open := k.srv.OpenRequests()
	require.Len(t, open, 1)
	rq := open[0]
	assert.Equal(t, fmt.Sprintf("%d\n", rq.RequestID), out)
	assert.Equal(t, "change 42", rq.Reason)
	assert.Equal(t, 15, rq.DurationMinutes)
	assert.Equal(t, "requestor", rq.Owner)

	// ListRequest: the user's requests.
	assert.Equal(t, rows("RequestID\tSystemName\tAccountName\tStatus\tReason", fmt.Sprintf("%d\tweb01\troot\tActive\tchange 42", rq.RequestID)),
		k.ok(t, []string{"-filter", "RequestID,SystemName,AccountName,Status,Reason"}, "requestor", "ListRequest"))

	// Retrieve RequestID [Type].
	id := fmt.Sprint(rq.RequestID)
	assert.Equal(t, "pw-web01-root\n", k.ok(t, nil, "requestor", "Retrieve", id))
	assert.Equal(t, testKey, k.ok(t, nil, "requestor", "Retrieve", id, "DSSKey"))
	assert.Equal(t, "phrase-web01-root\n", k.ok(t, nil, "requestor", "Retrieve", id, "passphrase"))
	assert.Equal(t, []string{"", "type=dsskey", "type=passphrase"}, queries(k.srv, "GET", "Credentials/"+id))

	// Release RequestID [Reason]: checked in, nothing printed.
	assert.Empty(t, k.ok(t, nil, "requestor", "Release", id, "done with it"))
	info, _ := k.srv.Request(rq.RequestID)
	assert.Equal(t, passwordsafetest.StatusCheckedIn, info.Status)
	checkins := k.srv.Checkins()
	require.Len(t, checkins, 1)
	assert.Equal(t, "done with it", checkins[0].Reason)
	assert.Empty(t, k.srv.OpenRequests())

	// By IDs, with the defaults: no lookup, psrun2's 10 minutes.
	sys, acct, ok := k.srv.AccountIDs("web01", "root")
	require.True(t, ok)
	k.srv.ResetCalls()
	out = k.ok(t, nil, "requestor", "Request", fmt.Sprint(sys), fmt.Sprint(acct))
	open = k.srv.OpenRequests()
	require.Len(t, open, 1)
	assert.Equal(t, fmt.Sprintf("%d\n", open[0].RequestID), out)
	assert.Equal(t, 10, open[0].DurationMinutes)
	assert.Zero(t, k.srv.Calls("GET", "ManagedAccounts"), "IDs need no lookup")
	r := k.run(t, []string{"-v"}, "requestor", "Release", fmt.Sprint(open[0].RequestID))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, fmt.Sprintf("psrun: request %d checked in\n", open[0].RequestID), "-v names the request")
	assert.Empty(t, k.srv.OpenRequests())

	// A request no longer open: the server's refusal, exit 1.
	r = k.run(t, nil, "requestor", "Release", fmt.Sprint(open[0].RequestID))
	assert.Equal(t, 1, r.code)
	assert.Regexp(t, `^psrun: 4\d\d `, r.stderr)
}
