package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// fixture runs psrun in-process against a fresh fake Password Safe.
type fixture struct {
	t   *testing.T
	srv *passwordsafetest.Server
	env map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{t: t, srv: passwordsafetest.NewServer(t), env: map[string]string{}}
}

// psrun runs the CLI with flags, then HOST KEY USER, then args.
func (f *fixture) psrun(flags []string, user string, args ...string) (stdout, stderr string, code int) {
	all := append(append([]string{}, flags...), f.srv.URL(), f.srv.APIKey(), user)
	return f.runRaw(append(all, args...)...)
}

func (f *fixture) runRaw(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb, func(k string) string { return f.env[k] })
	return out.String(), errb.String(), code
}

func TestAccessLevelsTSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun(nil, "admin", "GET", "AccessLevels")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "AccessLevelID\tName\n1\tNone\n2\tRead\n3\tRead/Write\n", out)
	assert.Empty(t, errs)
}

func TestAccessLevelsCSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun([]string{"-quote", "-separator", ","}, "admin", "GET", "AccessLevels")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "\"AccessLevelID\",\"Name\"\n\"1\",\"None\"\n\"2\",\"Read\"\n\"3\",\"Read/Write\"\n", out)
}

func TestAccessLevelsNoHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun([]string{"-quote", "-separator", ",", "-noheaders"}, "admin", "GET", "AccessLevels")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "\"1\",\"None\"\n\"2\",\"Read\"\n\"3\",\"Read/Write\"\n", out)
}

func TestFilterPicksColumnsInOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun([]string{"-filter", "name,AccessLevelID"}, "admin", "GET", "AccessLevels")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "Name\tAccessLevelID\nNone\t1\nRead\t2\nRead/Write\t3\n", out)
}

func TestJSONPrintsBodyAsReceived(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun([]string{"-json"}, "admin", "GET", "AccessLevels")
	require.Equal(t, 0, code, errs)
	assert.JSONEq(t, `[{"AccessLevelID":1,"Name":"None"},{"AccessLevelID":2,"Name":"Read"},{"AccessLevelID":3,"Name":"Read/Write"}]`, out)
	assert.True(t, strings.HasSuffix(out, "\n"))
}

func TestRequestFlowObjectScalarAndEmptyAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// POST with typed Name=Value pairs: the server answers a bare request
	// ID, printed alone on a line.
	out, errs, code := f.psrun(nil, "requestor", "POST", "Requests",
		"SystemID=1", "AccountID=11", "DurationMinutes=30", "Reason=Just to test request")
	require.Equal(t, 0, code, errs)
	m := regexp.MustCompile(`^(\d+)\n$`).FindStringSubmatch(out)
	require.NotNil(t, m, "got %q", out)
	id := m[1]

	// A scalar answer (a JSON string) alone on a line, unquoted.
	out, errs, code = f.psrun(nil, "requestor", "GET", "Credentials/"+id)
	require.Equal(t, 0, code, errs)
	var idn int
	fmt.Sscan(id, &idn)
	info, ok := f.srv.Request(idn)
	require.True(t, ok)
	assert.Equal(t, f.srv.Password(info.SystemName, info.AccountName)+"\n", out)

	// 204: nothing printed.
	out, errs, code = f.psrun(nil, "requestor", "PUT", "Requests/"+id+"/Checkin", "Reason=done")
	require.Equal(t, 0, code, errs)
	assert.Empty(t, out)
	info, _ = f.srv.Request(idn)
	assert.Equal(t, "checkedin", info.Status)
}

func TestQueryPairsForGET(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun([]string{"-filter", "SystemName,AccountName"}, "admin", "GET", "ManagedAccounts",
		"systemName=db01", "accountName=postgres")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "SystemName\tAccountName\ndb01\tpostgres\n", out)
}

func TestEmptyArrayPrintsNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun(nil, "requestor", "GET", "Requests")
	require.Equal(t, 0, code, errs)
	assert.Empty(t, out)
}

func TestErrorLineHasStatusAndReasonCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, _, code := f.psrun(nil, "requestor", "POST", "Requests", "SystemID=2", "AccountID=21", "DurationMinutes=5")
	require.Equal(t, 0, code)
	id := strings.TrimSpace(out) // a bare request ID

	out, errs, code := f.psrun(nil, "requestor", "GET", "Credentials/"+id)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "psrun: 403 4034 Request is not yet approved.\n", errs)
}

func TestRetrievePassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.env["PS_API_KEY"] = f.srv.APIKey()
	want := f.srv.Password("web01", "root")
	out, errs, code := f.runRaw(f.srv.URL(), "-", "requestor", "RetrievePassword", "web01", "root", "-duration", "5", "-reason", "cli test")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, want+"\n", out, "the password as it was when released")

	info, ok := f.srv.Request(1001)
	require.True(t, ok)
	assert.Equal(t, "checkedin", info.Status, "RetrievePassword checks the request in")
	assert.NotEqual(t, want, f.srv.Password("web01", "root"), "check-in rotated the password")
}

func TestRetrievePasswordKeep(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun(nil, "requestor", "RetrievePassword", "web01", "root", "-keep")
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2, out)
	assert.Equal(t, f.srv.Password("web01", "root"), lines[0])
	var id int
	_, err := fmt.Sscan(lines[1], &id)
	require.NoError(t, err)
	info, ok := f.srv.Request(id)
	require.True(t, ok)
	assert.Equal(t, "active", info.Status, "-keep leaves the request open")
}

func TestRetrievePasswordUnknownAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, errs, code := f.psrun(nil, "requestor", "RetrievePassword", "web01", "nobody")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Regexp(t, `^psrun: 404 `, errs)
}

func TestBadArguments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"too few", []string{"host", "key", "user", "GET"}, "GET needs an ENDPOINT\n" + usageCall + "\n"},
		{"no command", []string{"host", "key", "user"}, "need HOST KEY USER, then METHOD ENDPOINT or a short command\n" + usageCall + "\n" + usageShort + "\n"},
		{"bad flag", []string{"-nope", "h", "k", "u", "GET", "X"}, "flag provided but not defined: -nope\n" + usageCall},
		{"pair without =", []string{f.srv.URL(), "k", "admin", "GET", "AccessLevels", "oops"}, `"oops" is not Name=Value` + "\n" + usageCall},
		{"empty name", []string{f.srv.URL(), "k", "admin", "GET", "AccessLevels", "=x"}, "a Name=Value pair has an empty name\n" + usageCall},
		{"key from empty env", []string{f.srv.URL(), "-", "admin", "GET", "AccessLevels"}, "KEY is - but PS_API_KEY is not set\n"},
		{"bad user", []string{f.srv.URL(), "k", "admin;password=x", "GET", "AccessLevels"}, `USER must be`},
		{"retrieve without account", []string{f.srv.URL(), "k", "admin", "RetrievePassword", "web01"},
			"RetrievePassword takes 2 to 6: System Account [Reason] [DurationMinutes] [Type] [DoNotRelease|-p]\n" +
				"usage: psrun [options] HOST KEY USER RetrievePassword System Account [Reason] [DurationMinutes] [Type] [DoNotRelease|-p]\n"},
		{"empty separator", []string{"-separator", "", f.srv.URL(), "k", "admin", "GET", "AccessLevels"}, "-separator"},
		{"not a method", []string{f.srv.URL(), f.srv.APIKey(), "admin", "PATCH", "AccessLevels"},
			`method "PATCH": psrun sends GET, PUT, POST or DELETE` + "\n" + usageCall + "\n"},
		{"unknown short command", []string{f.srv.URL(), f.srv.APIKey(), "admin", "G=T", "AccessLevels"},
			`unknown short command "G=T"` + "\n" + usageShort + "\nshort commands: RetrievePassword, RetrieveSecret, ListAssets,"},
		{"user missing", []string{f.srv.URL(), f.srv.APIKey(), "GET", "Requests"},
			`unknown short command "Requests" (GET is where USER goes: is an argument missing?)`},
		{"absolute path", []string{f.srv.URL(), f.srv.APIKey(), "admin", "GET", "https://evil.example/x"}, "invalid path: must be relative to the base URL"},
		{"flag without its value", []string{f.srv.URL(), f.srv.APIKey(), "admin", "GET", "AccessLevels", "-filter"}, "flag needs an argument: -filter"},
		{"RetrievePassword flag on a call", []string{f.srv.URL(), f.srv.APIKey(), "admin", "GET", "AccessLevels", "-keep"}, "-keep: a RetrievePassword flag, not for GET AccessLevels"},
		{"RetrievePassword flag on a short command", []string{f.srv.URL(), f.srv.APIKey(), "admin", "ListSystems", "-p"}, "-p: a RetrievePassword flag, not for ListSystems"},
		{"unknown -type", []string{f.srv.URL(), f.srv.APIKey(), "requestor", "RetrievePassword", "web01", "root", "-type", "token"}, `RetrievePassword: -type "token": want password, dsskey or passphrase`},
		{"-duration 0", []string{f.srv.URL(), f.srv.APIKey(), "requestor", "RetrievePassword", "-duration", "0", "web01", "root"}, "RetrievePassword: -duration 0: want 1-525600 minutes"},
		{"more after DoNotRelease", []string{f.srv.URL(), f.srv.APIKey(), "requestor", "RetrievePassword", "web01", "root", "r", "5", "dsskey", "DoNotRelease", "extra"},
			"RetrievePassword takes 2 to 6"},
		{"out of order", []string{f.srv.URL(), f.srv.APIKey(), "requestor", "RetrievePassword", "web01", "root", "r", "dsskey", "5"},
			`RetrievePassword: unexpected "5" after Reason: want [DurationMinutes] [Type] [DoNotRelease|-p], in that order`},
		{"mixed names and IDs", []string{f.srv.URL(), f.srv.APIKey(), "requestor", "RetrievePassword", "1", "root", "r"},
			`RetrievePassword: names and IDs mixed (System "1", Account "root"): give both as names or both as IDs`},
		{"reason twice", []string{f.srv.URL(), f.srv.APIKey(), "requestor", "RetrievePassword", "web01", "root", "r", "-reason", "x"},
			"RetrievePassword: -reason and the positional value both set it: give it once"},
		{"bare host with a path", []string{"vault.example.com/api", f.srv.APIKey(), "admin", "GET", "AccessLevels"}, `HOST "vault.example.com/api"`},
	}
	for _, tc := range cases {
		out, errs, code := f.runRaw(tc.args...)
		assert.Equal(t, 1, code, tc.name)
		assert.Empty(t, out, tc.name)
		assert.Contains(t, errs, "psrun: "+tc.want, tc.name)
	}
	assert.Equal(t, 0, f.srv.Calls("", "Auth/SignAppin"), "bad arguments send nothing")

	// A command line psrun cannot read is followed by the usage line that
	// fits it; a bad value is one line.
	_, errs, _ := f.runRaw("host", "key", "user", "GET")
	assert.Equal(t, "psrun: GET needs an ENDPOINT\n"+usageCall+"\n", errs)
	_, errs, _ = f.runRaw(f.srv.URL(), "k", "requestor", "RetrievePassword", "web01", "root", "-type", "token")
	assert.Equal(t, "psrun: RetrievePassword: -type \"token\": want password, dsskey or passphrase\n", errs)
}

func TestNeverPrintsKeyOrPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const pwd = "Secured-Pa55!"
	out, errs, code := f.psrun([]string{"-v"}, "secured;pwd=["+pwd+"]", "GET", "Requests")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "passwordsafe: http attempt", "-v logs the attempts")
	for _, secret := range []string{f.srv.APIKey(), pwd, "ASP.NET_SessionId"} {
		assert.NotContains(t, out+errs, secret)
	}

	// Refused credentials: the error line names the status, not the secrets.
	_, errs, code = f.psrun([]string{"-v"}, "secured;pwd=[wrong-"+pwd+"]", "GET", "Requests")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "psrun: 401")
	assert.NotContains(t, errs, pwd)
	assert.NotContains(t, errs, f.srv.APIKey())
}

func TestInsecureWarns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, flag := range []string{"-i", "-insecure"} {
		out, errs, code := f.psrun([]string{flag}, "admin", "GET", "AccessLevels")
		require.Equal(t, 0, code, errs)
		assert.Contains(t, out, "Read/Write")
		assert.Equal(t, "psrun: warning: -i: the server's TLS certificate is not verified\n", errs)
	}
}
