package passwordsafetest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// flowResult is what the code under test saw of a flow, to compare a
// recording with its replay.
type flowResult struct {
	Requestor, Approver passwordsafe.User
	Created             passwordsafe.CreatedRequest
	WaitedForApproval   bool // the credential answered 4034 before the approval
	ApproverSaw         []int
	Credential          string
	Ticket              passwordsafe.SessionTicket
	CheckinStatus       int
}

// runFlow signs in, requests the password of postgres on db01 (one
// approval needed), approves it as another user, reads the credential,
// opens a session, checks in and signs out.
func runFlow(t *testing.T, requestor, approver *passwordsafe.Client) flowResult {
	t.Helper()
	var r flowResult
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u, err := requestor.SignIn(bg)
	must(err)
	r.Requestor = *u
	u, err = approver.SignIn(bg)
	must(err)
	r.Approver = *u
	created, _, err := requestor.Requests.Create(bg, &passwordsafe.CreateRequestOptions{
		AccessType: passwordsafe.AccessSSH, SystemID: 2, AccountID: 21, DurationMinutes: 30, Reason: "round trip",
	})
	must(err)
	r.Created = *created
	_, _, err = requestor.Requests.Credentials(bg, created.RequestID, nil)
	r.WaitedForApproval = errors.Is(err, passwordsafe.ErrNotApproved)
	queue, _, err := approver.Requests.List(bg, &passwordsafe.ListRequestsOptions{Queue: passwordsafe.QueueApprover})
	must(err)
	for _, rq := range queue {
		r.ApproverSaw = append(r.ApproverSaw, rq.RequestID)
	}
	_, err = approver.Requests.Approve(bg, created.RequestID, "go ahead")
	must(err)
	cred, _, err := requestor.Requests.Credentials(bg, created.RequestID, nil)
	must(err)
	r.Credential = cred.Value()
	ticket, _, err := requestor.Sessions.Create(bg, created.RequestID, &passwordsafe.CreateSessionOptions{SessionType: passwordsafe.SessionSSHTicket})
	must(err)
	r.Ticket = *ticket
	resp, err := requestor.Requests.Checkin(bg, created.RequestID, "done")
	must(err)
	r.CheckinStatus = resp.StatusCode
	must(requestor.SignOut(bg))
	must(approver.SignOut(bg))
	return r
}

func TestRecorderRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch))
	rec := passwordsafetest.NewRecorder(dir, nil)
	through := passwordsafe.WithHTTPClient(&http.Client{Transport: rec})
	live := runFlow(t, srv.Client(t, "requestor", through), srv.Client(t, "approver", through))
	if !live.WaitedForApproval || live.Credential == "" || strings.HasPrefix(live.Credential, "recorded-") {
		t.Fatalf("the live flow: %+v", live)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	// Offline: the kit is closed, and the clients name another host.
	rp, err := passwordsafetest.NewReplayer(dir)
	if err != nil {
		t.Fatal(err)
	}
	replayClient := func(user string) *passwordsafe.Client {
		c, err := passwordsafe.NewClient("https://vault.example.test",
			passwordsafe.WithAPIKey("not-the-key", user), passwordsafe.WithHTTPClient(&http.Client{Transport: rp}))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	replayed := runFlow(t, replayClient("requestor"), replayClient("approver"))
	if u := rp.Unplayed(); len(u) != 0 {
		t.Errorf("recorded calls not replayed: %v", u)
	}
	// The credential is a placeholder, never empty; the rest is the same.
	if replayed.Credential != "recorded-password-1" {
		t.Errorf("replayed credential %q", replayed.Credential)
	}
	live.Credential, replayed.Credential = "", ""
	if !reflect.DeepEqual(live, replayed) {
		t.Errorf("replay differs:\nlive:     %+v\nreplayed: %+v", live, replayed)
	}

	// A further call has no recorded answer left, and the replayer says so.
	_, err = (&http.Client{Transport: rp}).Get("https://vault.example.test" + passwordsafetest.BasePath + "Credentials/1001")
	if err == nil || !strings.Contains(err.Error(), "/credentials/1001 was recorded 2 times") {
		t.Errorf("a third credential read: %v", err)
	}
}

// secretSpy sits between a Recorder and the network and keeps every
// secret that crosses the wire, found independently of the Recorder.
type secretSpy struct {
	mu      sync.Mutex
	next    http.RoundTripper
	secrets map[string]string // value -> where it was first seen
	kinds   map[string]bool   // where secrets were seen
}

func (s *secretSpy) add(where, v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kinds[where] = true
	if _, ok := s.secrets[v]; !ok {
		s.secrets[v] = where
	}
}

func (s *secretSpy) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		s.add("bearer token", tok)
	}
	for _, c := range req.Cookies() {
		s.add("cookie "+c.Name, c.Value)
	}
	resp, err := s.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	for _, c := range resp.Cookies() {
		s.add("Set-Cookie "+c.Name, c.Value)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) == nil {
		s.add("access_token", tok.AccessToken)
	}
	if resp.StatusCode == http.StatusOK && strings.Contains(strings.ToLower(req.URL.Path), "/credentials/") {
		var bare string
		if json.Unmarshal(body, &bare) == nil {
			s.add("credential "+req.URL.RawQuery, bare)
		}
		var obj struct{ Password, PrivateKey, Passphrase string }
		if json.Unmarshal(body, &obj) == nil {
			s.add("alias password", obj.Password)
			s.add("alias private key", obj.PrivateKey)
			s.add("alias passphrase", obj.Passphrase)
		}
	}
	return resp, nil
}

func TestRecorderWritesNoSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch))
	spy := &secretSpy{next: http.DefaultTransport, secrets: map[string]string{}, kinds: map[string]bool{}}
	through := passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(dir, spy)})
	secured, _ := srv.User("secured")
	const adminPassword = "Adm1n-S3ssion-Pa55!"
	spy.add("API key", srv.APIKey())
	spy.add("run-as password", secured.RunAsPassword)
	spy.add("OAuth client secret", srv.OAuthClientSecret())
	spy.add("admin session password", adminPassword)
	for _, a := range srv.Accounts() {
		spy.add("password of "+a.Name, a.Password)
		spy.add("private key of "+a.Name, a.PrivateKey)
		spy.add("passphrase of "+a.Name, a.Passphrase)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// PS-Auth with a run-as password; every kind of credential.
	rita := srv.Client(t, "secured", through)
	created, _, err := rita.Requests.Create(bg, &passwordsafe.CreateRequestOptions{
		AccessType: passwordsafe.AccessSSH, SystemID: 1, AccountID: 11, DurationMinutes: 30})
	must(err)
	for _, typ := range []passwordsafe.CredentialType{passwordsafe.CredentialPassword, passwordsafe.CredentialDSSKey, passwordsafe.CredentialPassphrase} {
		_, _, err := rita.Requests.Credentials(bg, created.RequestID, &passwordsafe.CredentialsOptions{Type: typ})
		must(err)
	}
	_, err = rita.Requests.Checkin(bg, created.RequestID, "")
	must(err)
	aliasReq, _, err := rita.Aliases.CreateRequest(bg, 1, &passwordsafe.CreateAliasRequestOptions{AccessType: passwordsafe.AccessSSH, DurationMinutes: 5})
	must(err)
	for _, typ := range []passwordsafe.CredentialType{passwordsafe.CredentialPassword, passwordsafe.CredentialDSSKey, passwordsafe.CredentialPassphrase} {
		_, _, err := rita.Aliases.Credentials(bg, 1, aliasReq.RequestID, &passwordsafe.CredentialsOptions{Type: typ})
		must(err)
	}
	// An error that echoes secrets the Recorder has seen: the net catches them.
	pw := srv.Password("web01", "root")
	srv.Next("GET", "Aliases").FailWith(http.StatusBadRequest, "bad key "+srv.APIKey()+" or password "+pw, nil)
	_, _, err = rita.Aliases.List(bg, nil)
	if err == nil {
		t.Fatal("the fault did not fire")
	}
	must(rita.SignOut(bg))

	// OAuth: the client secret, the token; an admin session's password.
	oauth, err := passwordsafe.NewClient(srv.URL(), passwordsafe.WithOAuthClientCredentials(srv.OAuthClientID(), srv.OAuthClientSecret()), through)
	must(err)
	_, _, err = oauth.Requests.List(bg, nil)
	must(err)
	admin := srv.Client(t, "admin", through)
	_, _, err = admin.Sessions.CreateAdmin(bg, &passwordsafe.CreateAdminSessionOptions{
		SessionType: passwordsafe.SessionSSHTicket, HostName: "10.0.0.9", UserName: "root", Password: adminPassword})
	must(err)

	// The rotated credentials, too.
	for _, a := range srv.Accounts() {
		spy.add("rotated password of "+a.Name, a.Password)
	}

	files, err := os.ReadDir(dir)
	must(err)
	if len(files) < 15 {
		t.Fatalf("only %d files recorded", len(files))
	}
	var all bytes.Buffer
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		must(err)
		all.Write(b)
		for secret, where := range spy.secrets {
			for i, form := range encodings(secret) {
				if bytes.Contains(b, []byte(form)) {
					t.Errorf("%s: the %s is written (encoded as %s)", f.Name(), where, encodingNames[i])
				}
			}
		}
	}
	for _, kind := range []string{"api-key", "run-as-password", "client-secret", "token", "cookie", "password", "private-key", "passphrase"} {
		if !bytes.Contains(all.Bytes(), []byte(`recorded-`+kind+`-1`)) {
			t.Errorf("no %s placeholder was written", kind)
		}
	}
	if !bytes.Contains(all.Bytes(), []byte("bad key recorded-api-key-1 or password recorded-password-")) {
		t.Errorf("the echoed secrets were not replaced by their placeholders")
	}
	for _, kind := range []string{"bearer token", "cookie ASP.NET_SessionId", "access_token", "credential type=dsskey", "alias passphrase"} {
		if !spy.kinds[kind] {
			t.Errorf("the spy saw no %s: the flow does not test it", kind)
		}
	}
}

// encodings are the forms a secret could take in a file, named by
// encodingNames.
var encodingNames = []string{"itself", "a JSON string", "a JSON string without HTML escapes", "a form value", "base64"}

func encodings(secret string) []string {
	html, _ := json.Marshal(secret)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	plain := strings.TrimSpace(buf.String())
	return []string{
		secret,
		string(html[1 : len(html)-1]),
		plain[1 : len(plain)-1],
		url.QueryEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)),
	}
}

func TestReplayerMatching(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch))
	rec := passwordsafetest.NewRecorder(dir, nil)
	hc := &http.Client{Transport: rec}
	get := func(c *http.Client, base, path string, cookie string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Two answers to the same call, then two calls whose queries differ.
	req, _ := http.NewRequest("POST", srv.URL()+"Auth/SignAppin", nil)
	req.Header.Set("Authorization", "PS-Auth key="+srv.APIKey()+"; runas=admin;")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookie := "ASP.NET_SessionId=" + resp.Cookies()[0].Value
	_, first := get(hc, srv.URL(), "Sessions", cookie)
	rita := srv.Client(t, "requestor") // not recorded
	if _, _, err := rita.Requests.Create(bg, &passwordsafe.CreateRequestOptions{SystemID: 1, AccountID: 11, DurationMinutes: 5, AccessType: passwordsafe.AccessSSH}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rita.Sessions.Create(bg, 1001, &passwordsafe.CreateSessionOptions{SessionType: passwordsafe.SessionSSH}); err != nil {
		t.Fatal(err)
	}
	_, second := get(hc, srv.URL(), "Sessions", cookie)
	get(hc, srv.URL(), "Sessions?status=1&userID=1", cookie)
	get(hc, srv.URL(), "Sessions?status=2", cookie)

	rp, err := passwordsafetest.NewReplayer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rp.Unplayed()); n != 5 {
		t.Fatalf("%d recorded calls: %v", n, rp.Unplayed())
	}
	off := &http.Client{Transport: rp}
	const base = "https://elsewhere.example.test/beyondtrust/API/Public/V3/"
	if status, body := get(off, base, "sessions/", ""); status != 200 || body != first || body == second {
		t.Errorf("first GET Sessions: %d %s", status, body)
	}
	if status, body := get(off, base, "SESSIONS", ""); status != 200 || body != second {
		t.Errorf("second GET Sessions: %d %s, want %s", status, body, second)
	}
	if status, _ := get(off, base, "Sessions?USERID=1&status=1", ""); status != 200 {
		t.Errorf("the query in another order: %d", status)
	}
	for _, path := range []string{"Sessions", "Sessions?status=1", "Requests"} {
		if _, err := off.Get(base + path); err == nil || !strings.Contains(err.Error(), "record anew") {
			t.Errorf("GET %s: %v", path, err)
		}
	}
	if u := rp.Unplayed(); len(u) != 2 || !strings.HasSuffix(u[0], "Auth/SignAppin") || !strings.HasSuffix(u[1], "Sessions?status=2") {
		t.Errorf("unplayed: %q", u)
	}
	// The replayer is an httpmock.Responder too.
	var responder func(*http.Request) (*http.Response, error) = rp.Respond
	r, _ := http.NewRequest("GET", base+"Sessions?status=2", nil)
	if resp, err := responder(r); err != nil || resp.StatusCode != 200 || resp.Request != r {
		t.Errorf("Respond: %v %v", resp, err)
	}
}

func TestRecorderReplacesItsOldRecording(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mine := filepath.Join(dir, "README.md")
	stale := filepath.Join(dir, "0042-GET-Requests.json")
	for _, f := range []string{mine, stale} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := passwordsafetest.NewServer(t)
	c := srv.Client(t, "requestor", passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(dir, nil)}))
	if _, err := c.SignIn(bg); err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, dir)
	if want := "0001-POST-Auth_SignAppin.json README.md"; names != want {
		t.Errorf("files %s, want %s", names, want)
	}

	// A recording that cannot be written fails the call.
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c = srv.Client(t, "requestor", passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(filepath.Join(blocked, "dir"), nil)}))
	if _, err := c.SignIn(bg); err == nil || !strings.Contains(err.Error(), "passwordsafetest: recording POST") {
		t.Errorf("sign-in recorded nowhere: %v", err)
	}
	if _, err := passwordsafetest.NewReplayer(t.TempDir()); err == nil || !strings.Contains(err.Error(), "holds no recording") {
		t.Errorf("an empty recording: %v", err)
	}
	dangling := t.TempDir()
	if err := os.Symlink(filepath.Join(dangling, "gone"), filepath.Join(dangling, "0001-GET-Requests.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := passwordsafetest.NewReplayer(dangling); err == nil || !strings.Contains(err.Error(), "reading the recording") {
		t.Errorf("a file that does not read: %v", err)
	}
}

func dirNames(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

// fakeTB records what RecordedClient reports, to test its failures.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (f *fakeTB) Helper()             {}
func (f *fakeTB) Logf(string, ...any) {}
func (f *fakeTB) Cleanup(fn func())   { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, a ...any) {
	f.mu.Lock()
	f.errors = append(f.errors, fmt.Sprintf(format, a...))
	f.mu.Unlock()
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...); panic(fatal{}) }

type fatal struct{}

// run calls fn as a test would, and runs the cleanups at its end.
func (f *fakeTB) run(fn func(tb testing.TB)) (fataled bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(fatal); !ok {
				panic(r)
			}
			fataled = true
		}
		for i := len(f.cleanups) - 1; i >= 0; i-- {
			f.cleanups[i]()
		}
	}()
	fn(f)
	return false
}

func TestRecordedClientRecordsThenReplays(t *testing.T) {
	for _, mode := range []string{"api key", "oauth"} {
		t.Run(mode, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "testdata", "borrow")
			srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch))
			secured, _ := srv.User("secured")
			borrow := func(tb testing.TB) string {
				client := passwordsafetest.RecordedClient(tb, dir, passwordsafe.WithRetries(1, 0, 0))
				var got string
				err := client.Requests.Checkout(bg, &passwordsafe.CreateRequestOptions{
					SystemID: 1, AccountID: 11, DurationMinutes: 5,
				}, func(_ context.Context, cred passwordsafe.Secret) error {
					got = cred.Value()
					return nil
				})
				if err != nil {
					tb.Fatalf("checkout: %v", err)
				}
				return got
			}

			t.Run("record", func(t *testing.T) {
				t.Setenv("PS_RECORD", "1")
				t.Setenv("PS_URL", srv.URL())
				if mode == "oauth" {
					t.Setenv("PS_API_KEY", "")
					t.Setenv("PS_OAUTH_CLIENT_ID", srv.OAuthClientID())
					t.Setenv("PS_OAUTH_CLIENT_SECRET", srv.OAuthClientSecret())
				} else {
					t.Setenv("PS_API_KEY", srv.APIKey())
					t.Setenv("PS_RUNAS", "secured")
					t.Setenv("PS_RUNAS_PASSWORD", secured.RunAsPassword)
				}
				if got := borrow(t); got == "" || strings.HasPrefix(got, "recorded-") {
					t.Errorf("recorded credential %q", got)
				}
				if open := srv.OpenRequests(); len(open) != 0 {
					t.Errorf("left open: %+v", open)
				}
			})
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}

			t.Run("replay", func(t *testing.T) {
				t.Setenv("PS_RECORD", "")
				if got := borrow(t); got != "recorded-password-1" {
					t.Errorf("replayed credential %q", got)
				}
			})

			t.Run("replay with a call missing", func(t *testing.T) {
				t.Setenv("PS_RECORD", "")
				ftb := &fakeTB{TB: t}
				ftb.run(func(tb testing.TB) {
					c := passwordsafetest.RecordedClient(tb, dir)
					if _, err := c.SignIn(bg); err != nil {
						tb.Fatalf("%v", err)
					}
				})
				if len(ftb.errors) != 1 || !strings.Contains(ftb.errors[0], "were not made") || !strings.Contains(ftb.errors[0], "Credentials") {
					t.Errorf("reported %q", ftb.errors)
				}
			})
		})
	}
}

// A recording without a sign-in (made by a client of your own) still
// gives a client; its calls fail as unrecorded.
func TestRecordedClientReplaysARecordingWithoutASignIn(t *testing.T) {
	h, b := jsonAnswer([]string{})
	dir := recordSteps(t, answer("Requests", h, b))
	t.Setenv("PS_RECORD", "")
	ftb := &fakeTB{TB: t}
	var c *passwordsafe.Client
	if ftb.run(func(tb testing.TB) { c = passwordsafetest.RecordedClient(tb, dir) }) || c == nil {
		t.Fatalf("no client: %q", ftb.errors)
	}
	if got := c.BaseURL().String(); got != "https://vault.example.test/BeyondTrust/api/public/v3/" {
		t.Errorf("base URL %s", got)
	}
}

// A recording made at a base path of its own replays at that path, as
// the user it signed in as.
func TestRecordedClientReplaysAtTheRecordedBasePath(t *testing.T) {
	dir := t.TempDir()
	h, b := jsonAnswer(map[string]any{"UserId": 1, "UserName": "svc-backup"})
	_, list := jsonAnswer([]string{})
	steps := []leakStep{
		{method: "POST", target: "Auth/SignAppin", header: http.Header{"Authorization": {"PS-Auth key=k3y-0f-a-vault; runas=svc-backup;"}}, respHeader: h, respBody: b},
		answer("Requests", h, list),
	}
	hc := &http.Client{Transport: passwordsafetest.NewRecorder(dir, &answers{steps: steps})}
	for _, st := range steps {
		req, _ := http.NewRequest(st.method, "https://vault.example.test/ps/v3/"+st.target, nil)
		for k, v := range st.header {
			req.Header[k] = v
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	t.Setenv("PS_RECORD", "")
	ftb := &fakeTB{TB: t}
	if ftb.run(func(tb testing.TB) {
		c := passwordsafetest.RecordedClient(tb, dir)
		if got := c.BaseURL().Path; got != "/ps/v3/" {
			tb.Errorf("base path %s", got)
		}
		if _, _, err := c.Requests.List(bg, nil); err != nil {
			tb.Errorf("%v", err)
		}
	}) || len(ftb.errors) > 0 {
		t.Errorf("%q", ftb.errors)
	}
	// One recorded call left unmade fails the test.
	ftb = &fakeTB{TB: t}
	ftb.run(func(tb testing.TB) {
		if _, err := passwordsafetest.RecordedClient(tb, dir).SignIn(bg); err != nil {
			tb.Errorf("%v", err)
		}
	})
	if len(ftb.errors) != 1 || !strings.Contains(ftb.errors[0], "1 calls recorded in") || !strings.Contains(ftb.errors[0], "0002-GET-ps_v3_Requests.json") {
		t.Errorf("one call unmade: %q", ftb.errors)
	}
	// Options that do not make a client fail the test.
	ftb = &fakeTB{TB: t}
	if !ftb.run(func(tb testing.TB) { passwordsafetest.RecordedClient(tb, dir, passwordsafe.WithHTTPClient(nil)) }) ||
		len(ftb.errors) != 1 || !strings.Contains(ftb.errors[0], "passwordsafetest: RecordedClient:") {
		t.Errorf("a bad option: %q", ftb.errors)
	}
}

func TestRecordedClientFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no recording", map[string]string{"PS_RECORD": ""}, "PS_RECORD=1 PS_URL="},
		{"no URL", map[string]string{"PS_RECORD": "1", "PS_URL": ""}, "PS_URL is not"},
		{"no credentials", map[string]string{"PS_RECORD": "1", "PS_URL": "https://vault.example.test", "PS_API_KEY": "", "PS_OAUTH_CLIENT_ID": ""}, "no credentials"},
		{"no run-as user", map[string]string{"PS_RECORD": "1", "PS_URL": "https://vault.example.test", "PS_API_KEY": "k", "PS_RUNAS": ""}, "PS_RUNAS is not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			ftb := &fakeTB{TB: t}
			if !ftb.run(func(tb testing.TB) { passwordsafetest.RecordedClient(tb, t.TempDir()) }) {
				t.Fatal("RecordedClient did not fail")
			}
			if len(ftb.errors) != 1 || !strings.Contains(ftb.errors[0], tc.want) {
				t.Errorf("reported %q, want %q", ftb.errors, tc.want)
			}
		})
	}
}
