package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// TestBareHostIsHTTPS: a bare host:port reaches the fake served over TLS
// at the default API path, with nothing but the host given.
func TestBareHostIsHTTPS(t *testing.T) {
	t.Parallel()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTLS())
	require.True(t, strings.HasPrefix(srv.URL(), "https://"+srv.Addr()+"/BeyondTrust/api/public/v3/"), srv.URL())
	f := &fixture{t: t, srv: srv, env: map[string]string{}}
	out, errs, code := f.runRaw(srv.Addr(), srv.APIKey(), "admin", "GET", "AccessLevels", "-insecure")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "AccessLevelID\tName\n1\tNone\n2\tRead\n3\tRead/Write\n", out)
	assert.Equal(t, 1, srv.Calls("GET", "AccessLevels"))
}

// TestFlagsInAnyPosition: the same call with its flags before, between and
// after the arguments, and with -- before the arguments.
func TestFlagsInAnyPosition(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, k := f.srv.URL(), f.srv.APIKey()
	want := "\"1\",\"None\"\n\"2\",\"Read\"\n\"3\",\"Read/Write\"\n"
	for _, args := range [][]string{
		{"-quote", "-separator", ",", "-noheaders", u, k, "admin", "GET", "AccessLevels"},
		{u, k, "admin", "GET", "AccessLevels", "-quote", "-separator", ",", "-noheaders"},
		{u, "-quote", k, "--separator=,", "admin", "GET", "-noheaders", "AccessLevels"},
		{"-quote", "-separator", ",", "-noheaders", "--", u, k, "admin", "GET", "AccessLevels"},
	} {
		out, errs, code := f.runRaw(args...)
		require.Equal(t, 0, code, "%q: %s", args, errs)
		assert.Equal(t, want, out, "%q", args)
	}
}

// TestRetrievePasswordFlagsAnywhere: RetrievePassword's flags between the
// command and SYSTEM, at the very start, or at the end.
func TestRetrievePasswordFlagsAnywhere(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, k := f.srv.URL(), f.srv.APIKey()
	for i, args := range [][]string{
		{u, k, "requestor", "RetrievePassword", "-duration", "5", "web01", "root"},
		{"-duration", "6", u, k, "requestor", "RetrievePassword", "web01", "root"},
		{u, k, "requestor", "RetrievePassword", "web01", "root", "-reason", "flags last", "-duration=7"},
	} {
		out, errs, code := f.runRaw(args...)
		require.Equal(t, 0, code, "%q: %s", args, errs)
		assert.Len(t, strings.Split(strings.TrimSuffix(out, "\n"), "\n"), 1, "one password")
		info, ok := f.srv.Request(1001 + i)
		require.True(t, ok)
		assert.Equal(t, 5+i, info.DurationMinutes, "%q", args)
		assert.Equal(t, "checkedin", info.Status)
	}
	info, _ := f.srv.Request(1003)
	assert.Equal(t, "flags last", info.Reason)
}

// leftover opens a request for root on web01 as requestor, as a run that
// died before its check-in would have left it.
func leftover(t *testing.T, srv *passwordsafetest.Server) int {
	t.Helper()
	c := srv.Client(t, "requestor")
	sys, acct, ok := srv.AccountIDs("web01", "root")
	require.True(t, ok)
	created, _, err := c.Requests.Create(context.Background(), &passwordsafe.CreateRequestOptions{
		SystemID: sys, AccountID: acct, DurationMinutes: 60, Reason: "an earlier run",
	})
	require.NoError(t, err)
	require.False(t, created.Reused)
	return created.RequestID
}

func TestRetrievePasswordReusesAndReleasesALeftover(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := leftover(t, f.srv)
	want := f.srv.Password("web01", "root")

	// Without -reuse the leftover conflicts, and the error line says what to do.
	out, errs, code := f.psrun(nil, "requestor", "RetrievePassword", "web01", "root")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, fmt.Sprintf("psrun: 409 Conflicting request exists. This user already has request %d for the account. "+
		"(-reuse takes over a request of yours still open for the account)\n", id), errs)

	// With -reuse it is taken over, its password printed, and checked in.
	out, errs, code = f.psrun(nil, "requestor", "RetrievePassword", "web01", "root", "-reuse")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, want+"\n", out)
	assert.Empty(t, errs)
	info, ok := f.srv.Request(id)
	require.True(t, ok)
	assert.Equal(t, "checkedin", info.Status, "-reuse releases the leftover")
	assert.Len(t, f.srv.Requests(), 1, "no second request")
	assert.Empty(t, f.srv.OpenRequests())
	assert.Equal(t, 3, f.srv.Calls("POST", "Requests"), "the leftover's, then one a run")
}

func TestRetrievePasswordReuseWithoutALeftover(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun(nil, "requestor", "RetrievePassword", "-reuse", "web01", "root")
	require.Equal(t, 0, code, errs)
	assert.NotEmpty(t, strings.TrimSpace(out))
	assert.Empty(t, f.srv.OpenRequests(), "the request it made is checked in too")
}

func TestRetrievePasswordKeepReusesAndLeavesOpen(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := leftover(t, f.srv)
	out, errs, code := f.psrun(nil, "requestor", "RetrievePassword", "web01", "root", "-keep", "-reuse")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, fmt.Sprintf("%s\n%d\n", f.srv.Password("web01", "root"), id), out)
	info, _ := f.srv.Request(id)
	assert.Equal(t, "active", info.Status, "-keep leaves the reused request open")
	assert.Len(t, f.srv.Requests(), 1)
}

const testKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"

func newKeyFixture(t *testing.T) *fixture {
	t.Helper()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithAccount(passwordsafetest.Account{
		System: "web01", Name: "root", Password: "pw-web01-root", PrivateKey: testKey, Passphrase: "phrase-web01-root",
	}))
	return &fixture{t: t, srv: srv, env: map[string]string{}}
}

func TestRetrievePasswordType(t *testing.T) {
	t.Parallel()
	f := newKeyFixture(t)
	password := func() string { return f.srv.Password("web01", "root") + "\n" } // rotated at each check-in
	for _, tc := range []struct {
		typ  string
		want func() string
	}{
		{"", password},
		{"password", password},
		{"dsskey", func() string { return testKey }}, // already ends in a newline: no blank line
		{"passphrase", func() string { return "phrase-web01-root\n" }},
		{"DSSKey", func() string { return testKey }},
	} {
		args := []string{"RetrievePassword", "web01", "root"}
		if tc.typ != "" {
			args = append(args, "-type", tc.typ)
		}
		want := tc.want()
		out, errs, code := f.psrun(nil, "requestor", args...)
		require.Equal(t, 0, code, "%s: %s", tc.typ, errs)
		assert.Equal(t, want, out, tc.typ)
	}
	out, errs, code := f.psrun(nil, "requestor", "RetrievePassword", "web01", "root", "-type", "dsskey", "-keep")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, testKey+"1006\n", out, "-keep: the key, then the request ID on a line of its own")

	var types []string
	for _, c := range f.srv.CallLog() {
		if c.Method == "GET" && strings.HasPrefix(c.Path, "Credentials/") {
			types = append(types, c.Query)
		}
	}
	assert.Equal(t, []string{"type=password", "type=password", "type=dsskey", "type=passphrase", "type=dsskey", "type=dsskey"}, types)
}

// TestVerbosePrintsRequestIDNeverSecrets: -v names the request on stderr;
// neither stream shows the key or the run-as password, and stderr never
// shows the credential.
func TestVerbosePrintsRequestIDNeverSecrets(t *testing.T) {
	t.Parallel()
	f := newKeyFixture(t)
	const user, runAsPwd = "secured", "Secured-Pa55!"
	for _, tc := range []struct {
		args   []string
		stderr []string
	}{
		{[]string{"RetrievePassword", "web01", "root"},
			[]string{"psrun: request 1001 released root on web01\n", "psrun: request 1001 checked in\n"}},
		{[]string{"RetrievePassword", "web01", "root", "-type", "dsskey"},
			[]string{"psrun: request 1002 released root on web01\n", "psrun: request 1002 checked in\n"}},
		{[]string{"RetrievePassword", "web01", "root", "-type", "passphrase", "-keep"},
			[]string{"psrun: request 1003 created for root on web01 (-keep: left open)\n"}},
		{[]string{"RetrievePassword", "web01", "root", "-reuse", "-keep"},
			[]string{"psrun: request 1003 reused for root on web01 (-keep: left open)\n"}},
		{[]string{"RetrievePassword", "web01", "root", "-reuse"},
			[]string{"psrun: request 1003 reused for root on web01\n", "psrun: request 1003 checked in\n"}},
	} {
		out, errs, code := f.psrun([]string{"-v"}, user+";pwd=["+runAsPwd+"]", tc.args...)
		require.Equal(t, 0, code, "%q: %s", tc.args, errs)
		cred, _, _ := strings.Cut(out, "\n")
		require.NotEmpty(t, cred)
		for _, line := range tc.stderr {
			assert.Contains(t, errs, line, tc.args)
		}
		assert.Contains(t, errs, "passwordsafe: http attempt", "-v logs the attempts too")
		for _, secret := range []string{f.srv.APIKey(), runAsPwd, cred, "b3BlbnNzaC1rZXktdjEAAAAA", "phrase-web01-root", "ASP.NET_SessionId"} {
			assert.NotContains(t, errs, secret, tc.args)
		}
		assert.NotContains(t, out, f.srv.APIKey())
		assert.NotContains(t, out, runAsPwd)
	}

	// Without -v, stderr stays empty.
	want := f.srv.Password("web01", "root")
	out, errs, code := f.psrun(nil, user+";pwd=["+runAsPwd+"]", "RetrievePassword", "web01", "root", "-reuse")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, want+"\n", out)
	assert.Empty(t, errs)
}

// approveOrDeny acts as the fake's approver on the next pending request.
// stop ends its wait for one (call it once psrun has returned), so a run
// that never made a pending request fails the test instead of hanging it.
func approveOrDeny(t *testing.T, f *fixture, deny bool) (done <-chan error, stop func()) {
	ctx, cancel := context.WithCancel(t.Context())
	ch := make(chan error, 1)
	go func() {
		rq, err := f.srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
		if err == nil && deny {
			err = f.srv.Deny(rq.RequestID, "approver", "not today")
		} else if err == nil {
			err = f.srv.Approve(rq.RequestID, "approver")
		}
		ch <- err
	}()
	return ch, cancel
}

// TestRetrievePasswordWaitsForApproval: db01/postgres needs an approver;
// psrun prints the password once the fake's approver has approved.
func TestRetrievePasswordWaitsForApproval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	want := f.srv.Password("db01", "postgres")
	approved, stop := approveOrDeny(t, f, false)
	out, errs, code := f.psrun([]string{"-v"}, "requestor", "RetrievePassword", "db01", "postgres")
	stop()
	require.NoError(t, <-approved)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, want+"\n", out)
	assert.Contains(t, errs, "psrun: request 1001 released postgres on db01")
	info, _ := f.srv.Request(1001)
	assert.Equal(t, "checkedin", info.Status)
	assert.Equal(t, []string{"approver"}, info.Approvals)
}

// TestRetrievePasswordDenied: the error line gives the server's answer and
// what became of the request.
func TestRetrievePasswordDenied(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	denied, stop := approveOrDeny(t, f, true)
	out, errs, code := f.psrun(nil, "requestor", "RetrievePassword", "db01", "postgres")
	stop()
	require.NoError(t, <-denied)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "psrun: 403 4031 Request 1001 is no longer active (denied). (request 1001 was not checked in; "+
		"if GET Requests still lists it, check it in with PUT Requests/1001/Checkin)\n", errs)
	assert.Empty(t, f.srv.OpenRequests(), "a denied request is not open")

	denied, stop = approveOrDeny(t, f, true)
	out, errs, code = f.psrun(nil, "requestor", "RetrievePassword", "db01", "postgres", "-keep")
	stop()
	require.NoError(t, <-denied)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "psrun: 403 4031 Request 1002 is no longer active (denied). (-keep: request 1002 was not checked in)\n", errs)
}

// TestDescribeCheckoutErrors: the line for a checkout that ended before
// the credential was printed says what became of the request.
func TestDescribeCheckoutErrors(t *testing.T) {
	t.Parallel()
	pending := fmt.Errorf("passwordsafe: waiting for approval of request 7: context deadline exceeded: %w", passwordsafe.ErrNotApproved)
	cases := []struct {
		err  error
		want string
	}{
		{&passwordsafe.CheckoutError{RequestID: 7, Err: pending},
			"waiting for approval of request 7: context deadline exceeded: " + passwordsafe.ErrNotApproved.Error() +
				" (request 7 is still pending: it ends when an approver denies it or it expires)"},
		{&passwordsafe.CheckoutError{RequestID: 7, CheckedIn: true, Err: &passwordsafe.ErrorResponse{StatusCode: 403, Code: 4031, Message: "Denied."}},
			"403 4031 Denied. (request 7 was checked in)"},
		{&passwordsafe.CheckoutError{RequestID: 7, Err: &passwordsafe.ErrorResponse{StatusCode: 500}},
			"500 Internal Server Error (request 7 was not checked in; if GET Requests still lists it, check it in with PUT Requests/7/Checkin)"},
		{&passwordsafe.CheckoutError{Err: &passwordsafe.ErrorResponse{StatusCode: 502, Message: "Bad gateway"}},
			"502 Bad gateway"},
		{&keptError{requestID: 8, err: &passwordsafe.ErrorResponse{StatusCode: 403, Code: 4031, Message: "Denied."}},
			"403 4031 Denied. (-keep: request 8 was not checked in)"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, describe(tc.err))
	}
}

// RetrieveSecret prints a secret's value: a password, a text, a file's
// content byte for byte (nothing added).
func TestRetrieveSecret(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	stored, _ := f.srv.StoredSecret("prod/db/postgres")
	for path, want := range map[string]string{
		"prod/db/postgres":    stored.Password + "\n",
		"prod/db/url":         passwordsafetest.DefaultSecretURL + "\n",
		"prod/db/client-cert": string(passwordsafetest.DefaultSecretFile()),
	} {
		out, errs, code := f.psrun(nil, "requestor", "RetrieveSecret", path)
		require.Equal(t, 0, code, "%s: %s", path, errs)
		assert.Equal(t, want, out, path)
		assert.Empty(t, errs)
	}
	assert.Equal(t, 3, f.srv.Calls("GET", "Secrets-Safe/Secrets"))
	assert.Equal(t, 1, f.srv.Calls("GET", "Secrets-Safe/Secrets/*/file/download"))

	out, errs, code := f.psrun(nil, "requestor", "retrievesecret", "prod/db/nothing")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "psrun: GET Secrets-Safe/Secrets: no secret at \"prod/db/nothing\"\n", errs)
	_, errs, code = f.psrun(nil, "approver", "RetrieveSecret", "prod/db/url")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "psrun: 403 User does not have permission to do this")

	for args, msg := range map[string]string{
		"RetrieveSecret":                       "psrun: RetrieveSecret takes 1: Path\nusage: psrun [options] HOST KEY USER RetrieveSecret Path\n",
		"RetrieveSecret a/b c":                 "psrun: RetrieveSecret takes 1: Path\n",
		"RetrieveSecret -duration 5 prod/db/x": "psrun: -duration: a RetrievePassword flag, not for RetrieveSecret",
		"RetrieveSecret nopath":                "psrun: invalid path: must be a folder path and a title",
	} {
		_, errs, code := f.psrun(nil, "requestor", strings.Fields(args)...)
		assert.Equal(t, 1, code, args)
		assert.Contains(t, errs, msg, args)
	}
}
