package passwordsafetest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func TestSignInWithAPIKey(t *testing.T) {
	f := newFixture(t)
	c := f.anon()
	r := c.signIn("PS-Auth key=" + f.srv.APIKey() + "; runas=requestor;").wantStatus(http.StatusOK)
	got := string(r.body)
	want := `{"UserId":1,"SID":"S-1-5-21-3623811015-3361044348-30300820-1101","EmailAddress":"requestor@example.test","UserName":"requestor","Name":"Rita Requestor"}`
	if got != want {
		t.Errorf("user\n got %s\nwant %s", got, want)
	}
	ck := r.header.Get("Set-Cookie")
	if !strings.HasPrefix(ck, "ASP.NET_SessionId=") || !strings.Contains(ck, "; path=/; HttpOnly") {
		t.Errorf("Set-Cookie %q", ck)
	}
	// The cookie alone now opens the API.
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
}

func TestSignInFailures(t *testing.T) {
	f := newFixture(t)
	key := f.srv.APIKey()
	for name, h := range map[string]string{
		"no header":          "",
		"wrong key":          "PS-Auth key=nope; runas=requestor;",
		"unknown user":       "PS-Auth key=" + key + "; runas=nobody;",
		"missing password":   "PS-Auth key=" + key + "; runas=secured;",
		"wrong password":     "PS-Auth key=" + key + "; runas=secured; pwd=[wrong];",
		"unknown token":      "Bearer not-a-token",
		"basic auth":         "Basic cmVxdWVzdG9yOng=",
		"key without runas":  "PS-Auth key=" + key + ";",
		"password truncated": "PS-Auth key=" + key + "; runas=secured; pwd=[Secured-Pa55];",
	} {
		t.Run(name, func(t *testing.T) {
			f.anon().signIn(h).wantError(http.StatusUnauthorized,
				"Authentication failed: the API key, run-as user, password or token is not valid.")
		})
	}
}

func TestSignInRunAsPassword(t *testing.T) {
	f := newFixture(t)
	var u struct {
		UserID   int `json:"UserId"`
		UserName string
	}
	f.anon().signIn("PS-Auth key=" + f.srv.APIKey() + "; runas=SECURED; pwd=[Secured-Pa55!];").
		wantStatus(http.StatusOK).decode(&u)
	if u.UserID != 5 || u.UserName != "secured" {
		t.Errorf("signed in as %+v", u)
	}
	// A password sent for a user that needs none is ignored.
	f.anon().signIn("PS-Auth key=" + f.srv.APIKey() + "; runas=admin; pwd=[whatever];").wantStatus(http.StatusOK)
}

func TestRunAsPasswordWithSeparators(t *testing.T) {
	// A password may hold ';', '=' and ']': it runs to the last ']'.
	f := newFixture(t, passwordsafetest.WithAPIKey("k1"))
	f.anon().signIn("PS-Auth key=k1; runas=secured; pwd=[Secured-Pa55!];").wantStatus(http.StatusOK)
	f.anon().signIn("PS-Auth key=k1;runas=secured;pwd=[Secured-Pa55!]").wantStatus(http.StatusOK)
	f.anon().signIn("PS-Auth key=" + passwordsafetest.DefaultAPIKey + "; runas=requestor;").wantStatus(http.StatusUnauthorized)
}

func TestOAuth(t *testing.T) {
	f := newFixture(t)
	c := f.anon()
	post := func(form url.Values) result {
		return c.send(http.MethodPost, "Auth/connect/token", form.Encode(),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	}
	good := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {f.srv.OAuthClientID()},
		"client_secret": {f.srv.OAuthClientSecret()},
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}
	post(good).wantStatus(http.StatusOK).decode(&tok)
	if tok.AccessToken == "" || tok.ExpiresIn != 600 || tok.TokenType != "Bearer" || tok.Scope != "publicapi" {
		t.Fatalf("token %+v", tok)
	}

	var u struct{ UserName string }
	c.signIn("Bearer " + tok.AccessToken).wantStatus(http.StatusOK).decode(&u)
	if u.UserName != "requestor" {
		t.Errorf("OAuth client signed in as %q, want requestor", u.UserName)
	}

	bad := url.Values{"grant_type": {"client_credentials"}, "client_id": {f.srv.OAuthClientID()}, "client_secret": {"x"}}
	if r := post(bad).wantStatus(http.StatusBadRequest); string(r.body) != `{"error":"invalid_client"}` {
		t.Errorf("bad secret body %s", r.body)
	}
	grant := url.Values{"grant_type": {"password"}}
	if r := post(grant).wantStatus(http.StatusBadRequest); string(r.body) != `{"error":"unsupported_grant_type"}` {
		t.Errorf("bad grant body %s", r.body)
	}

	// The token expires with the fake clock.
	f.srv.Advance(601 * time.Second)
	c.signIn("Bearer " + tok.AccessToken).wantStatus(http.StatusUnauthorized)
}

func TestOAuthConfig(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithOAuthClient(testClientID, testClientSecret, "admin"),
		passwordsafetest.WithTokenLifetime(time.Minute))
	c := f.anon()
	req, _ := http.NewRequest(http.MethodPost, f.base+"Auth/connect/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(testClientID, testClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.ExpiresIn != 60 {
		t.Fatalf("token %+v, %v", tok, err)
	}
	var u struct{ UserName string }
	c.signIn("bearer " + tok.AccessToken).wantStatus(http.StatusOK).decode(&u)
	if u.UserName != "admin" {
		t.Errorf("signed in as %q", u.UserName)
	}
}

// An OAuth client as the server issues them: a GUID and a 36-character secret.
const (
	testClientID     = "0f9e8d7c-6b5a-4948-a3b2-c1d0e9f8a7b6"
	testClientSecret = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// The default OAuth client has the shape of a real one, and
// WithOAuthClient refuses one that has not: clients under test may check it.
func TestOAuthClientIsRealistic(t *testing.T) {
	guid := regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	if !guid.MatchString(passwordsafetest.DefaultOAuthClientID) {
		t.Errorf("DefaultOAuthClientID %q is not a GUID", passwordsafetest.DefaultOAuthClientID)
	}
	if n := len(passwordsafetest.DefaultOAuthClientSecret); n < 36 || n > 64 {
		t.Errorf("DefaultOAuthClientSecret has %d characters", n)
	}
	if n := len(passwordsafetest.DefaultAPIKey); n < 128 || n > 263 {
		t.Errorf("DefaultAPIKey has %d characters", n)
	}
	secret64 := strings.Repeat("s", 64)
	for _, ok := range [][2]string{
		{testClientID, testClientSecret},
		{strings.ToUpper(testClientID), secret64},
		{testClientID, `!"#$%&'()*+,-./0123456789:;<=>?@[\]^_` + "`{|}~"},
	} {
		srv := passwordsafetest.NewServer(t, passwordsafetest.WithOAuthClient(ok[0], ok[1], ""))
		if srv.OAuthClientID() != ok[0] || srv.OAuthClientSecret() != ok[1] || srv.OAuthUser() != "requestor" {
			t.Errorf("client %q %q as %q", srv.OAuthClientID(), srv.OAuthClientSecret(), srv.OAuthUser())
		}
	}
	for name, bad := range map[string][3]string{
		"short ID":         {"0f9e8d7c-6b5a-4948-a3b2-c1d0e9f8a7b", testClientSecret, "requestor"},
		"long ID":          {testClientID + "0", testClientSecret, "requestor"},
		"ID not hex":       {"0f9e8d7c-6b5a-4948-a3b2-c1d0e9f8a7bg", testClientSecret, "requestor"},
		"ID dashes":        {"0f9e8d7c6-b5a-4948-a3b2-c1d0e9f8a7b6", testClientSecret, "requestor"},
		"ID last dash":     {"0f9e8d7c-6b5a-4948-a3b2c-1d0e9f8a7b6", testClientSecret, "requestor"},
		"secret 35":        {testClientID, testClientSecret[:35], "requestor"},
		"secret 65":        {testClientID, secret64 + "s", "requestor"},
		"secret space":     {testClientID, testClientSecret[:20] + " " + testClientSecret[:20], "requestor"},
		"secret non-ASCII": {testClientID, testClientSecret + "é", "requestor"},
		"secret DEL":       {testClientID, testClientSecret + "\x7f", "requestor"},
	} {
		if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithOAuthClient(bad[0], bad[1], bad[2])); err == nil ||
			!strings.Contains(err.Error(), "WithOAuthClient") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSessionCookieRequired(t *testing.T) {
	f := newFixture(t)
	msg := "User is not signed in or the session has expired. Sign in with POST Auth/SignAppin."
	f.anon().do(http.MethodGet, "Requests", nil).wantError(http.StatusUnauthorized, msg)
	f.anon().send(http.MethodGet, "Requests", nil,
		http.Header{"Cookie": {"ASP.NET_SessionId=abcdefghijklmnopqrstuvwx"}}).wantError(http.StatusUnauthorized, msg)
	// Sign-in headers on other calls do not count: only the cookie does.
	f.anon().send(http.MethodGet, "Requests", nil,
		http.Header{"Authorization": {"PS-Auth key=" + f.srv.APIKey() + "; runas=requestor;"}}).
		wantStatus(http.StatusUnauthorized)
}

func TestIdleExpiry(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	// Each call refreshes the idle time.
	for range 3 {
		f.srv.Advance(19 * time.Minute)
		c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	}
	f.srv.Advance(20 * time.Minute)
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusUnauthorized)
	// A fresh sign-in works again.
	c.signIn("PS-Auth key=" + f.srv.APIKey() + "; runas=requestor;").wantStatus(http.StatusOK)
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
}

func TestIdleTimeoutConfig(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithIdleTimeout(time.Minute))
	c := f.as("requestor")
	f.srv.Advance(59 * time.Second)
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	f.srv.Advance(time.Minute)
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusUnauthorized)
}

func TestSignOut(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	other := f.as("requestor")
	r := c.do(http.MethodPost, "Auth/Signout", nil).wantStatus(http.StatusOK)
	if len(r.body) != 0 {
		t.Errorf("signout body %q", r.body)
	}
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusUnauthorized)
	// Other sessions of the same user live on.
	other.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	if log := f.srv.CallLog(); log[len(log)-3].User != "requestor" {
		t.Errorf("the sign-out is logged as %q", log[len(log)-3].User)
	}
}

// Sign-out answers 200 with no body even without a session (ended, expired
// or never there): the reference lists no other answer.
func TestSignOutWithoutSession(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	c.do(http.MethodPost, "Auth/Signout", nil).wantStatus(http.StatusOK)
	for name, who := range map[string]*client{"signed out": c, "never signed in": f.anon()} {
		if r := who.do(http.MethodPost, "Auth/Signout", nil); r.status != http.StatusOK || len(r.body) != 0 {
			t.Errorf("%s: %d %q", name, r.status, r.body)
		}
	}
	expired := f.as("admin")
	f.srv.ExpireSessions()
	expired.do(http.MethodPost, "Auth/Signout", nil).wantStatus(http.StatusOK)
	for _, call := range f.srv.CallLog()[2:] {
		if call.Path == "Auth/Signout" && call.User != "" {
			t.Errorf("%v is logged as %q", call, call.User)
		}
	}
}

func TestExpireSessions(t *testing.T) {
	f := newFixture(t)
	a, b := f.as("requestor"), f.as("admin")
	f.srv.ExpireSessions()
	a.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusUnauthorized)
	b.do(http.MethodGet, "Sessions", nil).wantStatus(http.StatusUnauthorized)
}

func TestRouting(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	// Paths, base path included, are case-insensitive; one trailing slash is fine.
	for _, p := range []string{"requests", "REQUESTS", "Requests/"} {
		r, err := c.try(http.MethodGet, p, nil, nil)
		if err != nil || r.status != http.StatusOK {
			t.Errorf("GET %s: %d %v", p, r.status, err)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+f.srv.Addr()+"/beyondtrust/API/Public/V3/Requests", nil)
	resp, err := c.hc.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("lower-case base path: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}

	c.do(http.MethodGet, "Nope", nil).wantError(http.StatusNotFound,
		"No HTTP resource was found that matches the request URI '/BeyondTrust/api/public/v3/Nope'.")
	c.do(http.MethodGet, "Requests/abc/Checkin", nil).wantStatus(http.StatusNotFound)
	c.do(http.MethodGet, "Requests//Checkin", nil).wantStatus(http.StatusNotFound)
	r := c.do(http.MethodDelete, "Requests", nil)
	r.wantError(http.StatusMethodNotAllowed, "The requested resource does not support http method 'DELETE'.")
	if got := r.header.Get("Allow"); got != "GET, POST" {
		t.Errorf("Allow %q", got)
	}
	c.do(http.MethodGet, "Requests/12/Approve", nil).wantStatus(http.StatusMethodNotAllowed)
	c.do(http.MethodGet, "Auth/SignAppin", nil).wantStatus(http.StatusMethodNotAllowed)
	// Unknown routes answer 404 before any authentication.
	f.anon().do(http.MethodGet, "Nope", nil).wantStatus(http.StatusNotFound)
	// Outside the base path.
	req, _ = http.NewRequest(http.MethodGet, "http://"+f.srv.Addr()+"/other/Requests", nil)
	if resp, err := c.hc.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("outside base path: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

func TestCustomBasePath(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithBasePath("api/v3"))
	if want := "http://" + f.srv.Addr() + "/api/v3/"; f.base != want {
		t.Errorf("URL %q, want %q", f.base, want)
	}
	f.as("requestor").do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
}

func TestStartAndClose(t *testing.T) {
	rs, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rs.URL(), "http://127.0.0.1:") || !strings.HasSuffix(rs.URL(), "/BeyondTrust/api/public/v3/") {
		t.Errorf("URL %q", rs.URL())
	}
	f := &fixture{t: t, srv: rs, base: rs.URL()}
	f.as("admin").do(http.MethodGet, "AccessLevels", nil).wantStatus(http.StatusOK)
	if err := rs.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := rs.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := f.anon().try(http.MethodGet, "Requests", nil, nil); err == nil {
		t.Errorf("server still answers after Close")
	}
}

func TestStartAtEveryInterface(t *testing.T) {
	rs, err := passwordsafetest.Start(":0")
	if err != nil {
		t.Skipf("cannot listen on every interface here: %v", err)
	}
	defer rs.Close()
	if !strings.HasPrefix(rs.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %q", rs.URL())
	}
	f := &fixture{t: t, srv: rs, base: rs.URL()}
	f.as("requestor")
}

func TestClock(t *testing.T) {
	f := newFixture(t)
	if !f.srv.Now().Equal(epoch) {
		t.Errorf("Now %v, want %v", f.srv.Now(), epoch)
	}
	f.srv.Advance(90 * time.Second)
	f.srv.Advance(-time.Hour) // ignored
	if got := f.srv.Now().Sub(epoch); got != 90*time.Second {
		t.Errorf("advanced by %v", got)
	}
	live := passwordsafetest.NewServer(t)
	before := time.Now()
	live.Advance(time.Hour)
	now := live.Now()
	after := time.Now()
	if now.Before(before.Add(time.Hour).Truncate(time.Second)) || now.After(after.Add(time.Hour+time.Second)) {
		t.Errorf("wall clock + 1h: %v is not between %v and %v", now, before.Add(time.Hour), after.Add(time.Hour))
	}
}
