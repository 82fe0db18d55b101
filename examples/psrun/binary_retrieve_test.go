package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// TestBinaryRetrievePasswordPsrun2Forms: the guide's RetrievePassword
// examples, by names and by IDs, with DurationMinutes, Type and
// DoNotRelease (or -p).
func TestBinaryRetrievePasswordPsrun2Forms(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	sys, acct, ok := k.srv.AccountIDs("web01", "root")
	require.True(t, ok)
	ids := []string{fmt.Sprint(sys), fmt.Sprint(acct)}

	// psrun2 $(cat conn) RetrievePassword SystemName AccountName "your reason"
	want := k.srv.Password("web01", "root")
	assert.Equal(t, want+"\n", k.ok(t, nil, "requestor", "RetrievePassword", "web01", "root", "your reason"))
	// psrun2 $(cat conn) RetrievePassword 1 2 "your reason"
	want = k.srv.Password("web01", "root") // check-in rotated it
	assert.Equal(t, want+"\n", k.ok(t, nil, "requestor", "RetrievePassword", ids[0], ids[1], "your reason"))
	// The alias, and the command name case aside.
	want = k.srv.Password("web01", "root")
	assert.Equal(t, want+"\n", k.ok(t, nil, "requestor", "retrievepasswordbyname", "web01", "root", "by name"))
	all := k.srv.Requests()
	require.Len(t, all, 3)
	for i, reason := range []string{"your reason", "your reason", "by name"} {
		assert.Equal(t, passwordsafetest.StatusCheckedIn, all[i].Status, "released after printing")
		assert.Equal(t, reason, all[i].Reason)
		assert.Equal(t, 10, all[i].DurationMinutes, "psrun2's default duration")
		assert.Equal(t, "View", all[i].AccessType)
	}

	// psrun2 $(cat conn) RetrievePassword 1 2 "your reason" 25 password DoNotRelease
	want = k.srv.Password("web01", "root")
	out := k.ok(t, nil, "requestor", "RetrievePassword", ids[0], ids[1], "your reason", "25", "password", "DoNotRelease")
	open := k.srv.OpenRequests()
	require.Len(t, open, 1)
	assert.Equal(t, fmt.Sprintf("%s\n%d\n", want, open[0].RequestID), out, "the password, then the request left open")
	assert.Equal(t, 25, open[0].DurationMinutes)
	assert.Empty(t, k.ok(t, nil, "requestor", "Release", fmt.Sprint(open[0].RequestID)))

	// psrun2 $(cat conn) RetrievePassword 1 2 "your reason" 25 -p
	out = k.ok(t, nil, "requestor", "RetrievePassword", ids[0], ids[1], "your reason", "25", "-p")
	open = k.srv.OpenRequests()
	require.Len(t, open, 1)
	assert.Equal(t, fmt.Sprintf("%s\n%d\n", k.srv.Password("web01", "root"), open[0].RequestID), out)
	assert.Equal(t, 25, open[0].DurationMinutes)
	assert.Empty(t, k.ok(t, nil, "requestor", "Release", fmt.Sprint(open[0].RequestID)))

	// The SSH key, by Type.
	key := k.ok(t, nil, "requestor", "RetrievePassword", "web01", "root", "key", "5", "dsskey")
	assert.True(t, strings.HasPrefix(key, "-----BEGIN "), key[:min(len(key), 12)])
	assert.Equal(t, "type=dsskey", k.srv.CallLog()[len(k.srv.CallLog())-3].Query, "GET Credentials/{id}?type=dsskey, then the check-in and sign-out")

	// IDs that name no account the user may request; names and IDs mixed.
	r := k.run(t, nil, "requestor", "RetrievePassword", "99", "999", "r")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "psrun: GET ManagedAccounts: no account you may request has SystemID 99 and AccountID 999\n", r.stderr)
	r = k.run(t, nil, "requestor", "RetrievePassword", ids[0], "999", "r") // the system's accounts, none of them 999
	assert.Equal(t, 1, r.code)
	assert.Equal(t, fmt.Sprintf("psrun: GET ManagedAccounts: no account you may request has SystemID %s and AccountID 999\n", ids[0]), r.stderr)
	assert.Equal(t, "limit=1000&systemID="+ids[0], k.srv.CallLog()[len(k.srv.CallLog())-2].Query, "filtered by system where the server can")
	r = k.run(t, nil, "requestor", "RetrievePassword", "web01", ids[1], "r")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, fmt.Sprintf("psrun: RetrievePassword: names and IDs mixed (System \"web01\", Account %q): give both as names or both as IDs\n", ids[1]), r.stderr)
	assert.Empty(t, k.srv.OpenRequests())
}

// TestBinaryRetrievePasswordISA: a user with ISA access to the account
// gets the credential through POST ISARequests, with nothing to check in;
// ISARequests does the same by itself.
func TestBinaryRetrievePasswordISA(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	sys, acct, _ := k.srv.AccountIDs("web01", "root")
	want := k.srv.Password("web01", "root")
	assert.Equal(t, want+"\n", k.ok(t, nil, "isa", "RetrievePassword", "web01", "root", "incident 7", "30"))
	assert.Equal(t, want+"\n", k.ok(t, nil, "isa", "RetrievePassword", fmt.Sprint(sys), fmt.Sprint(acct), "incident 7"))
	assert.Equal(t, 2, k.srv.Calls("POST", "ISARequests"))
	assert.Zero(t, k.srv.Calls("POST", "Requests"), "no request to create")
	assert.Zero(t, k.srv.Calls("PUT", "Requests/*/Checkin"), "nor to check in")
	for _, rq := range k.srv.Requests() {
		assert.Equal(t, "isa", rq.Owner)
		assert.Equal(t, "incident 7", rq.Reason)
	}

	// ISARequests System Account [Reason] [DurationMinutes] [Type].
	assert.Equal(t, want+"\n", k.ok(t, nil, "isa", "ISARequests", "web01", "root", "incident 8"))
	key := k.ok(t, nil, "isa", "ISARequests", fmt.Sprint(sys), fmt.Sprint(acct), "incident 9", "5", "dsskey")
	assert.True(t, strings.HasPrefix(key, "-----BEGIN "))
	assert.Equal(t, []string{"type=password", "type=password", "", "type=dsskey"}, queries(k.srv, "POST", "ISARequests"))

	// A plain requester has no ISA access: RetrievePassword makes a
	// request; ISARequests is refused by the server.
	assert.Equal(t, k.srv.Password("web01", "root")+"\n", k.ok(t, nil, "requestor", "RetrievePassword", "web01", "root"))
	assert.Equal(t, 4, k.srv.Calls("POST", "ISARequests"))
	r := k.run(t, nil, "requestor", "ISARequests", "web01", "root", "r")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "psrun: 403 4031 User does not have permission to use this API. It needs the ISA or Administrators role on the managed account.\n", r.stderr)
}

// TestBinaryRetrieveSecret: psrun's RetrieveSecret, as a user runs it.
func TestBinaryRetrieveSecret(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	stored, ok := k.srv.StoredSecret("prod/db/postgres")
	require.True(t, ok)
	assert.Equal(t, stored.Password+"\n", k.ok(t, nil, "requestor", "RetrieveSecret", "prod/db/postgres"))
	assert.Equal(t, string(passwordsafetest.DefaultSecretFile()), k.ok(t, nil, "requestor", "RetrieveSecret", "prod/db/client-cert"))
}
