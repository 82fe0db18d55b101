package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The tests in binary_*_test.go run psrun as a user does: the binary,
// built once by TestMain, started with os/exec against a fake Password
// Safe (passwordsafetest) served by the test process.

// psrunBin is the psrun binary TestMain builds.
var psrunBin string

// helperEnv makes the test binary a stand-in for an -e command (see
// helperMain) instead of running the tests.
const helperEnv = "PSRUN_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helperMain(mode))
	}
	dir, err := os.MkdirTemp("", "psrun-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "psrun tests:", err)
		os.Exit(1)
	}
	code := 1
	if psrunBin, err = build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "psrun tests: building psrun:", err)
	} else {
		code = m.Run()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// build builds psrun into dir, within two minutes.
func build(dir string) (string, error) {
	goCmd, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "psrun")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goCmd, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	return bin, nil
}

// helperMain is the -e command of the tests: "report" prints its
// arguments, $PSRUN_PASSWORD, whether it sees PS_API_KEY, and its stdin;
// "exit3" reads its stdin and exits 3.
func helperMain(mode string) int {
	in, _ := io.ReadAll(os.Stdin)
	if mode == "exit3" {
		return 3
	}
	_, hasKey := os.LookupEnv("PS_API_KEY")
	fmt.Printf("args=%q\nPSRUN_PASSWORD=%q\nPS_API_KEY set=%v\nstdin=%q\n", os.Args[1:], os.Getenv(envCredential), hasKey, in)
	return 0
}

// result is what one psrun run gave.
type result struct {
	stdout, stderr string
	code           int
}

// bin runs psrun with env (NAME=value, over a clean environment) and
// args, and gives it 30 s: a psrun that hangs fails the test then.
func bin(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, psrunBin, args...)
	cmd.Env = append(cleanEnv(), env...)
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("psrun %q did not finish within 30 s", args)
	}
	var ee *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("psrun %q: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// cleanEnv is the test's environment without what would steer psrun:
// the PS_ variables of a developer's shell and the test helper's switch.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PS_") && !strings.HasPrefix(kv, "PSRUN_") {
			env = append(env, kv)
		}
	}
	return env
}

// kit is a fake Password Safe and psrun's first three arguments for it.
type kit struct {
	srv  *passwordsafetest.Server
	host string // the fake's base URL: HOST
	key  string
}

func newKit(t *testing.T, opts ...passwordsafetest.ServerOption) *kit {
	t.Helper()
	srv := passwordsafetest.NewServer(t, opts...)
	return &kit{srv: srv, host: srv.URL(), key: srv.APIKey()}
}

// run runs psrun [options] HOST KEY USER args..., options before HOST as
// psrun2 takes them.
func (k *kit) run(t *testing.T, options []string, user string, args ...string) result {
	t.Helper()
	all := append(append(append([]string{}, options...), k.host, k.key, user), args...)
	return bin(t, nil, all...)
}

// ok runs psrun and requires exit 0 with nothing on stderr.
func (k *kit) ok(t *testing.T, options []string, user string, args ...string) string {
	t.Helper()
	r := k.run(t, options, user, args...)
	require.Equal(t, 0, r.code, "psrun %q: %s", args, r.stderr)
	require.Empty(t, r.stderr, "psrun %q", args)
	return r.stdout
}

// TestBinaryPsrun2CommandLines: psrun2's own examples (the guide's
// "Usage" page and the API guide's psrun lines), options before HOST.
func TestBinaryPsrun2CommandLines(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	levels := "AccessLevelID\tName\n1\tNone\n2\tRead\n3\tRead/Write\n"
	assert.Equal(t, levels, k.ok(t, nil, "admin", "GET", "AccessLevels"))
	assert.Equal(t, "\"AccessLevelID\",\"Name\"\n\"1\",\"None\"\n\"2\",\"Read\"\n\"3\",\"Read/Write\"\n",
		k.ok(t, []string{"-quote", "-separator", ","}, "admin", "GET", "AccessLevels"))
	assert.Equal(t, "\"1\",\"None\"\n\"2\",\"Read\"\n\"3\",\"Read/Write\"\n",
		k.ok(t, []string{"-quote", "-separator", ",", "-noheaders"}, "admin", "GET", "AccessLevels"))
	assert.Equal(t, "None\nRead\nRead/Write\n", k.ok(t, []string{"-filter", "Name", "-noheaders"}, "admin", "GET", "AccessLevels"))
	assert.Equal(t, "Name\nNone\nRead\nRead/Write\n", k.ok(t, []string{"-filter", "Name"}, "admin", "GET", "AccessLevels"))

	// psrun2 127.0.0.1 3ea6..acb5acc "cli;pwd=[Password1]" POST Requests SystemId=1 AccountId=12 DurationMinutes=30 Reason="Just to test request"
	out := k.ok(t, nil, "secured;pwd=[Secured-Pa55!]", "POST", "Requests",
		"SystemId=1", "AccountId=11", "DurationMinutes=30", "Reason=Just to test request")
	open := k.srv.OpenRequests()
	require.Len(t, open, 1)
	assert.Equal(t, fmt.Sprintf("%d\n", open[0].RequestID), out)
	assert.Equal(t, "secured", open[0].Owner)
	assert.Equal(t, "Just to test request", open[0].Reason)
	assert.Equal(t, 30, open[0].DurationMinutes)

	// Methods are taken case aside, as psrun2 does.
	assert.Equal(t, levels, k.ok(t, nil, "admin", "get", "AccessLevels"))
	// Options after the arguments, as psrun also takes them.
	assert.Equal(t, "Name\nNone\nRead\nRead/Write\n", k.ok(t, nil, "admin", "GET", "AccessLevels", "-filter", "name"))
}

// TestBinaryRefusesWithTheUsageLineThatFits: a method psrun does not send
// and an unknown short command exit 1 with the usage line of the form
// meant, and send nothing.
func TestBinaryRefusesWithTheUsageLineThatFits(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"admin", "PATCH", "AccessLevels"},
			"psrun: method \"PATCH\": psrun sends GET, PUT, POST or DELETE\n" + usageCall + "\n"},
		{[]string{"admin", "HEAD", "AccessLevels"},
			"psrun: method \"HEAD\": psrun sends GET, PUT, POST or DELETE\n" + usageCall + "\n"},
		{[]string{"admin", "ListEverything"},
			"psrun: unknown short command \"ListEverything\"\n" + usageShort + "\nshort commands: RetrievePassword, RetrieveSecret, " +
				"ListAssets, ListWorkgroups, ListSystems, ListAccounts, ListAliases, ListGroups, ListGroupMembership, ListRequest, " +
				"ListRoles, ListSmartRules, Request, ISARequests, Retrieve, Release (psrun --help says more)\n"},
		{[]string{"GET", "Requests"}, // USER forgotten: the case
			"psrun: unknown short command \"Requests\" (GET is where USER goes: is an argument missing?)\n" + usageShort + "\n"},
		{[]string{"admin", "ListAssets"},
			"psrun: ListAssets takes 1 to 3: Workgroup [Limit] [Offset]\nusage: psrun [options] HOST KEY USER ListAssets Workgroup [Limit] [Offset]\n"},
		{[]string{"admin", "ListWorkgroups", "extra"},
			"psrun: ListWorkgroups takes no parameters\nusage: psrun [options] HOST KEY USER ListWorkgroups\n"},
		{[]string{"admin", "GET"},
			"psrun: GET needs an ENDPOINT\n" + usageCall + "\n"},
	} {
		r := k.run(t, nil, tc.args[0], tc.args[1:]...)
		assert.Equal(t, 1, r.code, "%q", tc.args)
		assert.Empty(t, r.stdout, "%q", tc.args)
		assert.True(t, strings.HasPrefix(r.stderr, tc.want), "%q:\n got %q\nwant %q", tc.args, r.stderr, tc.want)
	}
	assert.Empty(t, k.srv.CallLog(), "a command line psrun refuses sends nothing")
}

// TestBinaryHelp: --help prints the usage, every short command with its
// parameters and calls, and the options, on stdout; exit 0.
func TestBinaryHelp(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"--help", "-help", "-h"} {
		r := bin(t, nil, h)
		require.Equal(t, 0, r.code)
		assert.Empty(t, r.stderr)
		assert.True(t, strings.HasPrefix(r.stdout, usageCall+"\n       psrun [options] HOST KEY USER SHORT-COMMAND"), r.stdout)
		has := func(want string) {
			t.Helper()
			assert.True(t, strings.Contains(r.stdout, want), "%s does not print %q", h, want)
		}
		for _, sc := range shortCommands() {
			name := sc.name
			if sc.alias != "" {
				name += " (alias " + sc.alias + ")"
			}
			has("\n  " + strings.TrimSpace(name+" "+sc.params) + "\n")
			has("calls " + sc.api + "\n")
		}
		for _, opt := range []string{"v", "sf", "i", "quote", "separator string", "noheaders", "filter string",
			"cert file", "certpass password", "e command"} {
			has("\n  -" + opt)
		}
		has("has no effect")
		has("$PSRUN_PASSWORD")
	}
}

// TestBinaryOutputOptions: -quote, -separator, -noheaders and -filter
// shape a short command's table as they do a call's.
func TestBinaryOutputOptions(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	assert.Equal(t, "ID\tName\n1\tBeyondTrust Workgroup\n2\tLab\n", k.ok(t, []string{"-filter", "ID,Name"}, "admin", "ListWorkgroups"))
	assert.Equal(t, "\"BeyondTrust Workgroup\";\"1\"\n\"Lab\";\"2\"\n",
		k.ok(t, []string{"-filter", "name,id", "-noheaders", "-quote", "-separator", ";"}, "admin", "ListWorkgroups"))
	assert.Equal(t, "\"Name\";\"ID\"\n\"BeyondTrust Workgroup\";\"1\"\n\"Lab\";\"2\"\n",
		k.ok(t, []string{"-filter", "name,id", "-quote", "-separator", ";"}, "admin", "ListWorkgroups"))
	// psrun2's example: -filter "SystemId,SystemName,AccountId,AccountName" ... ListAccounts
	out := k.ok(t, []string{"-filter", "SystemId,SystemName,AccountId,AccountName"}, "requestor", "ListAccounts")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Equal(t, "SystemID\tSystemName\tAccountID\tAccountName", lines[0], "the SDK's spelling; -filter matched case aside")
	assert.Contains(t, lines, "1\tweb01\t11\troot")
	assert.Len(t, lines, len(k.srv.Accounts())+1)
	// -json: the typed answer as JSON.
	assert.JSONEq(t, `[{"ID":1,"OrganizationID":"a7c9e2b4-1d3f-4e5a-9b8c-0d1e2f3a4b5c","Name":"BeyondTrust Workgroup"},`+
		`{"ID":2,"OrganizationID":"a7c9e2b4-1d3f-4e5a-9b8c-0d1e2f3a4b5c","Name":"Lab"}]`, k.ok(t, []string{"-json"}, "admin", "ListWorkgroups"))
}

// TestBinaryVerboseAndSkipFactors: -v logs every attempt on stderr and
// never the key, the run-as password, a cookie or the credential; -sf is
// accepted and changes nothing.
func TestBinaryVerboseAndSkipFactors(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	const user, pwd = "secured", "Secured-Pa55!"
	want := k.srv.Password("web01", "root")
	r := k.run(t, []string{"-v", "-sf"}, user+";pwd=["+pwd+"]", "RetrievePassword", "web01", "root", "cli test")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, want+"\n", r.stdout)
	assert.Contains(t, r.stderr, "passwordsafe: http attempt")
	assert.Contains(t, r.stderr, "psrun: request 1001 released root on web01\n")
	assert.Contains(t, r.stderr, "psrun: request 1001 checked in\n")
	for _, secret := range []string{k.key, pwd, want, "ASP.NET_SessionId"} {
		assert.NotContains(t, r.stderr, secret)
	}
	assert.NotContains(t, r.stdout, k.key)

	// -sf changes nothing: the same answer with and without it.
	assert.Equal(t, k.ok(t, nil, "admin", "ListRoles"), k.ok(t, []string{"-sf"}, "admin", "ListRoles"))
}

// TestBinaryExitCodes: 0 on success, 1 on any failure (the server's
// refusal, a bad argument, no server at all).
func TestBinaryExitCodes(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	assert.Equal(t, 0, k.run(t, nil, "admin", "ListRoles").code)
	r := k.run(t, nil, "requestor", "ListRoles")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "psrun: 403 4031 User does not have permission to use this API. It needs Password Safe Role Management (Read).\n", r.stderr)
	r = k.run(t, nil, "requestor", "Retrieve", "0")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "psrun: Retrieve: RequestID \"0\": want a whole number from 1 to 2147483647\n", r.stderr)
	srv := passwordsafetest.NewServer(t)
	host := srv.URL()
	require.NoError(t, srv.Close())
	r = bin(t, nil, host, srv.APIKey(), "admin", "ListRoles")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "connection refused")
}
