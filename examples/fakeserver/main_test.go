package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// serve runs the command until the test ends and returns its first line of
// stdout (the -json object, or the banner's first line) once it is served.
// The command's stderr may be read once the first line has arrived (what
// it writes before is ordered before the line), and again after stop.
func serve(t *testing.T, args ...string) (first string, stderr *bytes.Buffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &bytes.Buffer{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, stderr)
		pw.Close()
		done <- code
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		select {
		case code := <-done:
			assert.Equal(t, 0, code)
		case <-time.After(30 * time.Second): // a hung shutdown fails fast
			t.Error("fakeserver did not stop")
		}
	}
	t.Cleanup(stop)
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return line, stderr, stop
}

// described is what -json prints, as a script reads it.
type described struct {
	URL    string `json:"url"`
	APIKey string `json:"apiKey"`
	OAuth  struct {
		ClientID, ClientSecret, RunAs string
	} `json:"oauth"`
	CAFile  string `json:"caFile"`
	Control *struct {
		URL, Token string
	} `json:"control"`
	Users []struct {
		ID       int      `json:"id"`
		UserName string   `json:"userName"`
		Roles    []string `json:"roles"`
	} `json:"users"`
	Accounts []struct {
		SystemID int    `json:"systemId"`
		ID       int    `json:"id"`
		System   string `json:"system"`
		Name     string `json:"name"`
		Password string `json:"password"`
	} `json:"accounts"`
	Aliases []struct {
		Name string `json:"name"`
	} `json:"aliases"`
	Safes   []passwordsafetest.SafeInfo   `json:"safes"`
	Secrets []passwordsafetest.SecretInfo `json:"secrets"`
}

func serveJSON(t *testing.T, args ...string) (described, *bytes.Buffer, func()) {
	t.Helper()
	line, stderr, stop := serve(t, append([]string{"-json"}, args...)...)
	var d described
	require.NoError(t, json.Unmarshal([]byte(line), &d), line)
	return d, stderr, stop
}

// call sends a request with a Host header of the caller's choosing.
func call(t *testing.T, hc *http.Client, method, url, host, auth string, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPrintSeedNamesWhatScriptsRelyOn(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithAPIKey("k-123"))
	var out bytes.Buffer
	printSeed(&out, srv, info{CAFile: "/tmp/ca.pem", Control: &controlInfo{URL: "http://127.0.0.1:1/", Token: "tok"}})
	got := out.String()
	assert.Contains(t, got, srv.URL())
	assert.Contains(t, got, "API key:             k-123")
	assert.Contains(t, got, srv.OAuthClientID())
	assert.Contains(t, got, "CA certificate:      /tmp/ca.pem")
	assert.Contains(t, got, "Control API:         http://127.0.0.1:1/ (Authorization: Bearer tok)")
	for _, name := range []string{"requestor", "approver", "admin", "reviewer", "web01", "root", "db-ha", "web-root", `EXAMPLE\deploy`, "2 of approver",
		"2 highly available", "1 mapped", "0 unmapped",
		passwordsafetest.SecretDBURLID + "  prod/db/url", "prod/db/client-cert", "dev/sandbox/token", "ReadWrite"} {
		assert.Contains(t, got, name)
	}
	out.Reset()
	printSeed(&out, srv, info{})
	assert.NotContains(t, out.String(), "CA certificate")
	assert.NotContains(t, out.String(), "Control API")
}

func TestJSONDescribesTheServer(t *testing.T) {
	line, stderr, stop := serve(t, "-json", "-api-key", "k-json")
	assert.NotContains(t, line, "generateSshKey", "the accounts' keys are shown, not the seed's wish for one")
	var got described
	require.NoError(t, json.Unmarshal([]byte(line), &got), line)
	assert.Equal(t, "k-json", got.APIKey)
	assert.Equal(t, passwordsafetest.DefaultOAuthClientID, got.OAuth.ClientID)
	assert.Equal(t, "requestor", got.OAuth.RunAs)
	require.NotEmpty(t, got.Users)
	assert.Equal(t, "requestor", got.Users[0].UserName)
	require.Len(t, got.Accounts, 6)
	assert.Equal(t, 2, got.Accounts[1].SystemID)
	assert.Equal(t, 21, got.Accounts[1].ID)
	assert.NotEmpty(t, got.Accounts[1].Password)
	require.Len(t, got.Aliases, 3)
	assert.Empty(t, got.CAFile, "no -tls, no CA file")
	require.NotNil(t, got.Control)
	assert.True(t, strings.HasPrefix(got.Control.URL, "http://127.0.0.1:"), got.Control.URL)
	assert.Len(t, got.Control.Token, 26) // crypto/rand.Text: 128 bits
	assert.Empty(t, stderr.String(), "no warning on loopback")
	require.Len(t, got.Secrets, 4)
	assert.Equal(t, "prod/db/url", got.Secrets[0].Path)
	assert.Equal(t, passwordsafetest.DefaultSecretURL, got.Secrets[0].Text)
	require.Len(t, got.Safes, 2)

	// The URL answers at once: a script can sign in with what it read.
	status, _ := call(t, http.DefaultClient, http.MethodPost, got.URL+"Auth/SignAppin", "", "PS-Auth key=k-json; runas=requestor;", "")
	assert.Equal(t, http.StatusOK, status)

	stop() // a clean shutdown says only that
	assert.Equal(t, "fakeserver: shutting down...\n", stderr.String())
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, line)
		vars[k] = v
	}
	return vars
}

func TestEnvFileAndSeedFile(t *testing.T) {
	env := filepath.Join(t.TempDir(), "ps.env")
	first, _, _ := serve(t, "-env", env, "-seed", filepath.Join("..", "..", "passwordsafetest", "testdata", "seed.example.json"))
	assert.True(t, strings.HasPrefix(first, "Password Safe fake serving at http://127.0.0.1:"), first)

	st, err := os.Stat(env)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the env file holds the key")
	vars := readEnv(t, env)
	assert.Equal(t, passwordsafetest.DefaultAPIKey, vars["PS_API_KEY"])
	assert.Equal(t, "ci-bot,oncall,lead,ops-admin,auditor,isa,soc", vars["PS_USERS"])
	assert.Equal(t, passwordsafetest.DefaultOAuthClientSecret, vars["PS_OAUTH_CLIENT_SECRET"])
	assert.Equal(t, strings.TrimSpace(strings.TrimPrefix(first, "Password Safe fake serving at ")), vars["PS_URL"])
	assert.True(t, strings.HasPrefix(vars["PS_FAKE_CONTROL_URL"], "http://127.0.0.1:"))
	assert.Len(t, vars["PS_FAKE_CONTROL_TOKEN"], 26)
	_, hasCA := vars["PS_CA_FILE"]
	assert.False(t, hasCA)
}

// -env replaces a file that exists (readable by others before) with one
// only its owner reads, and replaces a symlink rather than writing
// through it; no temporary file is left behind.
func TestEnvFileReplacesExistingFilesAndSymlinks(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, "ps.env")
	require.NoError(t, os.WriteFile(env, []byte("OLD=1\n"), 0o644))
	require.NoError(t, os.Chmod(env, 0o644)) // whatever the umask
	_, _, stop := serve(t, "-env", env)
	stop()
	st, err := os.Lstat(env)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.NotContains(t, readEnv(t, env), "OLD")

	target := filepath.Join(dir, "elsewhere")
	require.NoError(t, os.WriteFile(target, []byte("keep me\n"), 0o644))
	link := filepath.Join(dir, "link.env")
	require.NoError(t, os.Symlink(target, link))
	serve(t, "-env", link)
	st, err = os.Lstat(link)
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular(), "the symlink was replaced by a file")
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep me\n", string(b), "nothing was written through the link")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"ps.env", "elsewhere", "link.env"}, names)
}

// -tls serves HTTPS; the certificate to trust is written and named (also
// as PS_CA_FILE in the env file), and a client that trusts it signs in.
func TestTLSWritesTheCertificateToTrust(t *testing.T) {
	env := filepath.Join(t.TempDir(), "ps.env")
	got, _, stop := serveJSON(t, "-tls", "-env", env)
	assert.True(t, strings.HasPrefix(got.URL, "https://127.0.0.1:"), got.URL)
	pemBytes, err := os.ReadFile(got.CAFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes), "the CA file is PEM")
	vars := readEnv(t, env)
	assert.Equal(t, got.CAFile, vars["PS_CA_FILE"])

	client, err := passwordsafe.NewClient(vars["PS_URL"], passwordsafe.WithAPIKey(vars["PS_API_KEY"], "requestor"),
		passwordsafe.WithTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	require.NoError(t, err)
	u, err := client.SignIn(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "requestor", u.UserName)

	// A client that does not trust it is refused.
	_, err = http.Post(got.URL+"Auth/SignAppin", "", nil)
	assert.Error(t, err)

	// The temporary CA file goes with the process.
	stop()
	_, err = os.Stat(got.CAFile)
	assert.True(t, os.IsNotExist(err), "%v", err)

	// -ca-file writes it where asked, and it stays.
	caFile := filepath.Join(t.TempDir(), "fake-ca.pem")
	got, _, stop = serveJSON(t, "-tls", "-ca-file", caFile)
	assert.Equal(t, caFile, got.CAFile)
	stop()
	st, err := os.Stat(caFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm(), "a certificate is public: other tools read it")
	pemBytes, err = os.ReadFile(caFile)
	require.NoError(t, err)
	assert.Contains(t, string(pemBytes), "BEGIN CERTIFICATE")
}

// -oauth-client sets the OAuth client (a realistic one only), -oauth-runas
// who it acts as; -start stops the clock.
func TestOAuthClientAndStartFlags(t *testing.T) {
	const id, secret = "6b1f0c2e-9d4a-4e3b-8f7a-2c5d1e0b9a87", "a-36-character-secret-for-the-tests!"
	got, _, _ := serveJSON(t, "-oauth-client", id+":"+secret, "-oauth-runas", "admin", "-start", "2026-01-15T09:30:00Z")
	assert.Equal(t, id, got.OAuth.ClientID)
	assert.Equal(t, secret, got.OAuth.ClientSecret)
	assert.Equal(t, "admin", got.OAuth.RunAs)
	client, err := passwordsafe.NewClient(got.URL, passwordsafe.WithOAuthClientCredentials(id, secret))
	require.NoError(t, err)
	u, err := client.SignIn(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "admin", u.UserName)

	status, body := call(t, http.DefaultClient, http.MethodGet, got.Control.URL+"clock", "", "Bearer "+got.Control.Token, "")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"now":"2026-01-15T09:30:00Z"}`, body)
}

// A refused command line exits before it serves. run gets a context that
// has ended already, so one that wrongly serves returns 0 at once instead
// of serving until the global timeout.
func TestBadFlags(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	envDir := filepath.Join(t.TempDir(), "ps.env") // a directory where the file should go
	require.NoError(t, os.Mkdir(envDir, 0o700))
	defer func() { // the temporary file of the failed write is gone
		entries, err := os.ReadDir(filepath.Dir(envDir))
		require.NoError(t, err)
		assert.Len(t, entries, 1, "%v", entries)
	}()
	for name, tc := range map[string]struct {
		args []string
		code int
		want string
	}{
		"unknown flag":        {[]string{"-nope"}, 2, "-nope"},
		"argument":            {[]string{"extra"}, 2, `unexpected argument "extra"`},
		"ca-file without tls": {[]string{"-ca-file", "x.pem"}, 2, "-ca-file needs -tls"},
		"runas without":       {[]string{"-oauth-runas", "admin"}, 2, "-oauth-runas needs -oauth-client"},
		"control beyond":      {[]string{"-control", "0.0.0.0:0"}, 2, "loopback only"},
		"control everywhere":  {[]string{"-control", ":0"}, 2, "loopback only"},
		"oauth no colon":      {[]string{"-oauth-client", "abc"}, 2, "ID:SECRET"},
		"oauth unrealistic":   {[]string{"-oauth-client", "id:secret"}, 1, "GUID"},
		"start":               {[]string{"-start", "yesterday"}, 2, "-start"},
		"allow-host":          {[]string{"-allow-host", "a/b"}, 1, "WithAllowedHosts"},
		"seed version":        {[]string{"-seed", badSeed(t)}, 1, "version 2 is not supported"},
		"control port in use": {[]string{"-control", busy.Addr().String()}, 1, "-control: listen"},
		"env not writable":    {[]string{"-env", filepath.Join(t.TempDir(), "missing", "ps.env")}, 1, "missing"},
		"env is a directory":  {[]string{"-env", envDir}, 1, "ps.env"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(ended, append([]string{"-addr", "127.0.0.1:0"}, tc.args...), &stdout, &stderr)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr.String(), tc.want)
			assert.Empty(t, stdout.String())
		})
	}
}

func badSeed(t *testing.T) string {
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version": 2}`), 0o600))
	return bad
}

// Listening beyond loopback warns on stderr; the fake still refuses
// foreign host names unless told otherwise.
func TestHostCheckAndLoopbackWarning(t *testing.T) {
	got, stderr, _ := serveJSON(t, "-addr", "0.0.0.0:0", "-allow-host", "ps.example.test")
	assert.Contains(t, stderr.String(), "warning: listening on 0.0.0.0:0, beyond loopback")
	url := got.URL + "Auth/SignAppin"
	auth := "PS-Auth key=" + got.APIKey + "; runas=requestor;"
	status, body := call(t, http.DefaultClient, http.MethodPost, url, "rebind.attacker.example", auth, "")
	assert.Equal(t, http.StatusMisdirectedRequest, status, body)
	for _, host := range []string{"", "localhost", "ps.example.test"} {
		status, _ = call(t, http.DefaultClient, http.MethodPost, url, host, auth, "")
		assert.Equal(t, http.StatusOK, status, host)
	}

	_, quiet, _ := serveJSON(t, "-addr", "localhost:0", "-control", "localhost:0")
	assert.Empty(t, quiet.String(), "localhost is loopback")

	anyHost, _, _ := serveJSON(t, "-any-host")
	status, _ = call(t, http.DefaultClient, http.MethodPost, anyHost.URL+"Auth/SignAppin", "rebind.attacker.example",
		"PS-Auth key="+anyHost.APIKey+"; runas=requestor;", "")
	assert.Equal(t, http.StatusOK, status)
}

// The control API drives the fake from outside the process: it lists what
// is open, approves and denies as the seeded approvers, expires requests,
// moves the clock; it answers only with the token, at IP or localhost.
func TestControlAPI(t *testing.T) {
	got, _, _ := serveJSON(t)
	ctl := func(method, path, body string) (int, string) {
		return call(t, http.DefaultClient, method, got.Control.URL+path, "", "Bearer "+got.Control.Token, body)
	}
	status, _ := call(t, http.DefaultClient, http.MethodGet, got.Control.URL+"open", "", "", "")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = call(t, http.DefaultClient, http.MethodGet, got.Control.URL+"open", "", "Bearer "+strings.Repeat("A", 26), "")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = call(t, http.DefaultClient, http.MethodGet, got.Control.URL+"open", "rebind.attacker.example", "Bearer "+got.Control.Token, "")
	assert.Equal(t, http.StatusMisdirectedRequest, status)

	// Nothing open but the default seed's live session.
	status, body := ctl(http.MethodGet, "open", "")
	require.Equal(t, http.StatusOK, status)
	var open struct {
		Requests []passwordsafetest.RequestInfo
		Sessions []passwordsafetest.SessionInfo
		Replays  []passwordsafetest.ReplayInfo
	}
	require.NoError(t, json.Unmarshal([]byte(body), &open))
	assert.Empty(t, open.Requests)
	require.Len(t, open.Sessions, 1)
	assert.Equal(t, passwordsafetest.LiveSessionID, open.Sessions[0].SessionID)
	assert.NotNil(t, open.Replays)

	// A client in another language makes requests; the test approves them.
	rita, err := passwordsafe.NewClient(got.URL, passwordsafe.WithAPIKey(got.APIKey, "requestor"))
	require.NoError(t, err)
	bg := context.Background()
	deploy, _, err := rita.Requests.Create(bg, &passwordsafe.CreateRequestOptions{SystemID: 4, AccountID: 41, DurationMinutes: 30})
	require.NoError(t, err)
	pg, _, err := rita.Requests.Create(bg, &passwordsafe.CreateRequestOptions{SystemID: 2, AccountID: 21, DurationMinutes: 30})
	require.NoError(t, err)
	status, body = ctl(http.MethodGet, "requests?status=pending", "")
	require.Equal(t, http.StatusOK, status)
	var pending []passwordsafetest.RequestInfo
	require.NoError(t, json.Unmarshal([]byte(body), &pending))
	require.Len(t, pending, 2)

	// Without an approver: as many seeded approvers as it needs (deploy needs two).
	status, body = ctl(http.MethodPost, "requests/"+strconv.Itoa(deploy.RequestID)+"/approve", "")
	require.Equal(t, http.StatusOK, status, body)
	var rq passwordsafetest.RequestInfo
	require.NoError(t, json.Unmarshal([]byte(body), &rq))
	assert.Equal(t, passwordsafetest.StatusActive, rq.Status)
	assert.Equal(t, []string{"approver", "admin"}, rq.Approvals)
	status, body = ctl(http.MethodPost, "requests/"+strconv.Itoa(deploy.RequestID)+"/approve", "")
	assert.Equal(t, http.StatusConflict, status, body)
	assert.Contains(t, body, "is active, not pending")
	// A named approver, refused by the fake's rules: 409 with its reason.
	status, body = ctl(http.MethodPost, "requests/"+strconv.Itoa(pg.RequestID)+"/approve", `{"approver": "requestor"}`)
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, body, "4033")
	status, body = ctl(http.MethodPost, "requests/"+strconv.Itoa(pg.RequestID)+"/deny", `{"approver": "reqapprover", "reason": "not now"}`)
	require.Equal(t, http.StatusOK, status, body)
	require.NoError(t, json.Unmarshal([]byte(body), &rq))
	assert.Equal(t, passwordsafetest.StatusDenied, rq.Status)
	assert.Equal(t, "reqapprover", rq.DeniedBy)
	assert.Equal(t, "not now", rq.DenyReason)

	// Denial without an approver, and expiry.
	third, _, err := rita.Requests.Create(bg, &passwordsafe.CreateRequestOptions{SystemID: 2, AccountID: 21, DurationMinutes: 30})
	require.NoError(t, err)
	status, body = ctl(http.MethodPost, "requests/"+strconv.Itoa(third.RequestID)+"/deny", "")
	require.Equal(t, http.StatusOK, status, body)
	require.NoError(t, json.Unmarshal([]byte(body), &rq))
	assert.Equal(t, "approver", rq.DeniedBy)
	status, body = ctl(http.MethodPost, "requests/"+strconv.Itoa(deploy.RequestID)+"/expire", "")
	require.Equal(t, http.StatusOK, status, body)
	require.NoError(t, json.Unmarshal([]byte(body), &rq))
	assert.Equal(t, passwordsafetest.StatusExpired, rq.Status)
	status, _ = ctl(http.MethodPost, "requests/"+strconv.Itoa(deploy.RequestID)+"/expire", "")
	assert.Equal(t, http.StatusConflict, status)

	status, body = ctl(http.MethodGet, "requests?status=all", "")
	require.Equal(t, http.StatusOK, status)
	var all []passwordsafetest.RequestInfo
	require.NoError(t, json.Unmarshal([]byte(body), &all))
	assert.Len(t, all, 3)
	status, body = ctl(http.MethodGet, "requests", "")
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, "[]", body, "nothing open")

	// The clock.
	status, body = ctl(http.MethodGet, "clock", "")
	require.Equal(t, http.StatusOK, status)
	var before, after struct{ Now time.Time }
	require.NoError(t, json.Unmarshal([]byte(body), &before))
	status, body = ctl(http.MethodPost, "clock/advance", `{"seconds": 1260}`)
	require.Equal(t, http.StatusOK, status, body)
	require.NoError(t, json.Unmarshal([]byte(body), &after))
	assert.GreaterOrEqual(t, after.Now.Sub(before.Now), 21*time.Minute)
	_, _, err = rita.Requests.List(bg, nil) // idle for 21 minutes: the SDK signs in again
	require.NoError(t, err)

	// Sign-ins, sessions, check-ins, the call log.
	status, _ = ctl(http.MethodPost, "signins/expire", "")
	assert.Equal(t, http.StatusNoContent, status)
	status, body = ctl(http.MethodGet, "sessions", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"SessionID":7000`)
	status, body = ctl(http.MethodGet, "checkins", "")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, "[]", body)
	status, body = ctl(http.MethodGet, "calls", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"Path":"Requests"`)
	assert.NotContains(t, body, got.APIKey)

	// Mistakes.
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{http.MethodGet, "requests?status=closed", "", http.StatusBadRequest},
		{http.MethodPost, "requests/9999/approve", "", http.StatusNotFound},
		{http.MethodPost, "requests/x/deny", "", http.StatusNotFound},
		{http.MethodPost, "requests/" + strconv.Itoa(third.RequestID) + "/approve", `{"approvr": "x"}`, http.StatusBadRequest},
		{http.MethodPost, "requests/" + strconv.Itoa(third.RequestID) + "/approve", "{", http.StatusBadRequest},
		{http.MethodPost, "requests/" + strconv.Itoa(third.RequestID) + "/approve", `{"approver": "` + strings.Repeat("x", maxControlBody) + `"}`, http.StatusBadRequest},
		{http.MethodPost, "clock/advance", `{"seconds": 0}`, http.StatusBadRequest},
		{http.MethodPost, "clock/advance", `{}`, http.StatusBadRequest},
		{http.MethodPost, "clock/advance", `{"seconds": 1e12}`, http.StatusBadRequest},
		{http.MethodGet, "clock/advance", "", http.StatusNotFound},
		{http.MethodGet, "nothing", "", http.StatusNotFound},
	} {
		status, body := ctl(tc.method, tc.path, tc.body)
		assert.Equal(t, tc.status, status, "%s %s: %s", tc.method, tc.path, body)
		var e map[string]string
		if assert.NoError(t, json.Unmarshal([]byte(body), &e), "one JSON object: %s", body) {
			assert.NotEmpty(t, e["error"], body)
		}
	}
	// A body of exactly the largest size is read whole (a name no user has: 409, not 400).
	padded := `{"approver": "` + strings.Repeat("x", maxControlBody-len(`{"approver": ""}`)) + `"}`
	require.Len(t, padded, maxControlBody)
	status, body = ctl(http.MethodPost, "requests/"+strconv.Itoa(third.RequestID)+"/deny", padded)
	assert.Equal(t, http.StatusConflict, status, body)
}

// The control API can be turned off.
func TestControlOff(t *testing.T) {
	got, _, _ := serveJSON(t, "-control", "off")
	assert.Nil(t, got.Control)
}
