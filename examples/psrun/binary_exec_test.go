package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// hostile is a password made to break out of any shell string it would be
// pasted into, and to run a command if it did.
func hostile(marker string) string {
	return `a'b"c $(touch ` + marker + `) ` + "`touch " + marker + "`" + `; touch ` + marker + ` \" \'`
}

// helperCmd is an -e command that runs the test binary as helperMain.
func helperCmd(args string) string {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	return "'" + exe + "' " + args
}

// TestBinaryExecGetsTheCredentialOutOfBand: -e runs the command with the
// credential in $PSRUN_PASSWORD and on stdin, never in its arguments, and
// without psrun's own secrets; the request is checked in after it ran.
func TestBinaryExecGetsTheCredentialOutOfBand(t *testing.T) {
	t.Parallel()
	marker := filepath.Join(t.TempDir(), "pwned")
	pw := hostile(marker)
	k := newKit(t, passwordsafetest.WithAccount(passwordsafetest.Account{System: "web01", Name: "root", Password: pw}))
	env := []string{helperEnv + "=report", "PS_API_KEY=" + k.key, "PS_RUNAS_PASSWORD=unused"}

	// psrun2's example: -e "echo '[Password]'" ... RetrievePassword ...;
	// here the command reads the credential from its environment.
	r := bin(t, env, "-e", helperCmd(`first "second word" 'third $PSRUN_PASSWORD'`), k.host, "-", "requestor",
		"RetrievePassword", "web01", "root", "e test")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Equal(t, fmt.Sprintf("args=%q\nPSRUN_PASSWORD=%q\nPS_API_KEY set=false\nstdin=%q\n",
		[]string{"first", "second word", "third $PSRUN_PASSWORD"}, pw, pw+"\n"), r.stdout)
	assert.NoFileExists(t, marker)
	info, ok := k.srv.Request(1001)
	require.True(t, ok)
	assert.Equal(t, passwordsafetest.StatusCheckedIn, info.Status, "checked in once the command has run")

	// The command exits 3: psrun says so and exits 1; the request is still
	// checked in.
	r = bin(t, []string{helperEnv + "=exit3"}, "-e", helperCmd(""), k.host, k.key, "requestor", "RetrievePassword", "web01", "root")
	assert.Equal(t, 1, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, fmt.Sprintf("psrun: -e: %s exited with status 3\n", mustExe(t)), r.stderr)
	assert.Empty(t, k.srv.OpenRequests())

	// A list's table comes on stdin; there is no credential.
	r = bin(t, env, "-e", helperCmd(""), "-filter", "RoleID", "-noheaders", k.host, k.key, "admin", "ListRoles")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, fmt.Sprintf("args=[]\nPSRUN_PASSWORD=\"\"\nPS_API_KEY set=false\nstdin=%q\n", "1\n2\n3\n4\n5\n6\n"), r.stdout)
}

func mustExe(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	return exe
}

// TestBinaryExecThroughAShell: the documented way to give the credential
// to a shell command: sh expands $PSRUN_PASSWORD as data, so a password
// full of quotes and $(...) runs nothing.
func TestBinaryExecThroughAShell(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("sh -c is the Unix form")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	marker := filepath.Join(t.TempDir(), "pwned")
	pw := hostile(marker)
	k := newKit(t, passwordsafetest.WithAccount(passwordsafetest.Account{System: "web01", Name: "root", Password: pw}))
	out := filepath.Join(t.TempDir(), "out")
	cmd := `sh -c 'printf "%s" "$PSRUN_PASSWORD" > "$0"; test "$(cat)" = "$PSRUN_PASSWORD" && echo same' '` + out + `'`
	r := bin(t, nil, "-e", cmd, k.host, k.key, "requestor", "RetrievePassword", "web01", "root")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "same\n", r.stdout, "stdin holds the credential too")
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, pw, string(got))
	assert.NoFileExists(t, marker, "nothing in the password ran")
}

// TestBinaryExecRefusals: psrun2's [Password] placeholder, an empty or
// unbalanced command, and a program that does not exist; nothing is sent
// for the first three, and a request made is checked in.
func TestBinaryExecRefusals(t *testing.T) {
	t.Parallel()
	k := newKit(t)
	for cmd, want := range map[string]string{
		"echo '[Password]'":  "psrun: " + errPlaceholder.Error() + "\n",
		"mysql -p[password]": "psrun: " + errPlaceholder.Error() + "\n",
		"  ":                 "psrun: -e: the command is empty\n",
		`echo "open`:         "psrun: -e: a \" quote is not closed\n",
	} {
		r := bin(t, nil, "-e", cmd, k.host, k.key, "requestor", "RetrievePassword", "web01", "root")
		assert.Equal(t, 1, r.code, cmd)
		assert.Empty(t, r.stdout, cmd)
		assert.Equal(t, want, r.stderr, cmd)
	}
	assert.Empty(t, k.srv.CallLog(), "refused before anything is sent")

	r := bin(t, nil, "-e", "no-such-program-psrun-test", k.host, k.key, "requestor", "RetrievePassword", "web01", "root")
	assert.Equal(t, 1, r.code)
	assert.True(t, strings.HasPrefix(r.stderr, `psrun: -e: exec: "no-such-program-psrun-test": executable file not found`), r.stderr)
	assert.Empty(t, r.stdout)
	assert.Empty(t, k.srv.OpenRequests())
}
