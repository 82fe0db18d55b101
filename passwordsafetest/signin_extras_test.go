package passwordsafetest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func TestMFASignIn(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithMFA("246810"))
	key := f.srv.APIKey()
	c := f.anon()

	// Without a code: 401, the prompt, and a session cookie for the answer.
	r := c.signIn("PS-Auth key=" + key + "; runas=requestor;")
	r.wantStatus(http.StatusUnauthorized)
	if got := r.header.Get("WWW-Authenticate-2FA"); got != passwordsafetest.DefaultMFAPrompt {
		t.Errorf("prompt %q", got)
	}
	ck := r.header.Get("Set-Cookie")
	if !strings.HasPrefix(ck, "ASP.NET_SessionId=") {
		t.Fatalf("Set-Cookie %q", ck)
	}
	// That session opens nothing yet.
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusUnauthorized)

	// A wrong code: the 401 again, on the same session.
	r = c.signIn("PS-Auth key=" + key + "; runas=requestor; challenge=111111;")
	r.wantStatus(http.StatusUnauthorized)
	if r.header.Get("WWW-Authenticate-2FA") == "" || r.header.Get("Set-Cookie") != ck {
		t.Errorf("wrong code: header %q, cookie %q (was %q)", r.header.Get("WWW-Authenticate-2FA"), r.header.Get("Set-Cookie"), ck)
	}
	// The right code on that session signs it in.
	var u struct{ UserName string }
	r = c.signIn("PS-Auth key=" + key + "; runas=requestor; challenge=246810;").wantStatus(http.StatusOK)
	r.decode(&u)
	if u.UserName != "requestor" || r.header.Get("WWW-Authenticate-2FA") != "" || r.header.Get("Set-Cookie") != ck {
		t.Errorf("signed in as %q, cookie %q", u.UserName, r.header.Get("Set-Cookie"))
	}
	c.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)

	// The code alone, without the challenged session, is a new challenge
	// (the third-party spelling without a space is read too).
	fresh := f.anon()
	fresh.signIn("PS-Auth key=" + key + ";runas=requestor;challenge=246810").wantStatus(http.StatusUnauthorized)
	fresh.signIn("PS-Auth key=" + key + ";runas=requestor;challenge=246810").wantStatus(http.StatusOK)
	// A challenged session is the user's own: another user's answer on it is challenged anew.
	other := f.anon()
	first := other.signIn("PS-Auth key=" + key + "; runas=approver;").wantStatus(http.StatusUnauthorized)
	r = other.signIn("PS-Auth key=" + key + "; runas=admin; challenge=246810;")
	r.wantStatus(http.StatusUnauthorized)
	if r.header.Get("Set-Cookie") == "" || r.header.Get("Set-Cookie") == first.header.Get("Set-Cookie") {
		t.Errorf("no new challenge for another user: %q", r.header.Get("Set-Cookie"))
	}
	// Run-as passwords still count, before the code: the challenge follows pwd=[...].
	sam := f.anon()
	sam.signIn("PS-Auth key=" + key + "; runas=secured; pwd=[Secured-Pa55!];").wantStatus(http.StatusUnauthorized)
	sam.signIn("PS-Auth key=" + key + "; runas=secured; pwd=[Secured-Pa55!]; challenge=246810;").wantStatus(http.StatusOK)
	for _, h := range []string{
		"PS-Auth key=" + key + "; runas=secured; pwd=[wrong]; challenge=246810;",
		"PS-Auth key=nope; runas=requestor; challenge=246810;",
	} {
		r = f.anon().signIn(h)
		r.wantStatus(http.StatusUnauthorized)
		if r.header.Get("WWW-Authenticate-2FA") != "" || r.header.Get("Set-Cookie") != "" {
			t.Errorf("bad credentials were challenged: %q", h)
		}
	}
	// Bearer sign-ins are not challenged.
	tok, err := f.srv.IssueToken("auditor")
	if err != nil {
		t.Fatal(err)
	}
	f.anon().signIn("Bearer " + tok).wantStatus(http.StatusOK)

	if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithMFA("12 34")); err == nil {
		t.Errorf("a code with a space is no error")
	}
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithMFA("1"), passwordsafetest.WithMFAPrompt("Token code?"))
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"Auth/SignAppin", nil)
	req.Header.Set("Authorization", "PS-Auth key="+srv.APIKey()+"; runas=requestor;")
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("WWW-Authenticate-2FA") != "Token code?" {
		t.Errorf("prompt %q", resp.Header.Get("WWW-Authenticate-2FA"))
	}
}

func TestIssueToken(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithTokenLifetime(5*time.Minute))
	tok, err := f.srv.IssueToken("ISA")
	if err != nil || len(tok) != 43 {
		t.Fatalf("token %q, %v", tok, err)
	}
	c := f.anon()
	var u struct {
		UserID   int `json:"UserId"`
		UserName string
	}
	c.signIn("Bearer " + tok).wantStatus(http.StatusOK).decode(&u)
	if u.UserID != 7 || u.UserName != "isa" {
		t.Errorf("signed in as %+v", u)
	}
	c.do(http.MethodGet, "Sessions", nil).wantStatus(http.StatusOK)
	if calls := f.srv.CallLog(); calls[0].User != "isa" {
		t.Errorf("call log %+v", calls[0])
	}
	// Each call issues another token; they expire on the fake's clock.
	again, _ := f.srv.IssueToken("isa")
	if again == tok {
		t.Errorf("the same token twice")
	}
	f.srv.Advance(5 * time.Minute)
	f.anon().signIn("Bearer " + tok).wantStatus(http.StatusUnauthorized)
	if _, err := f.srv.IssueToken("nobody"); err == nil || !strings.Contains(err.Error(), `no user "nobody"`) {
		t.Errorf("unknown user: %v", err)
	}
}
