package passwordsafetest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

var bg = context.Background()

func TestCreateAnswersABareNumber(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	r := rita.do(http.MethodPost, "Requests", req(1, 11, 30)).wantStatus(http.StatusCreated)
	if string(r.body) != "1001" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("created %q (%s)", r.body, r.header.Get("Content-Type"))
	}
	r = rita.do(http.MethodPost, "Requests", req(1, 11, 30, "ConflictOption", "reuse")).wantStatus(http.StatusOK)
	if string(r.body) != "1001" {
		t.Errorf("reused %q", r.body)
	}
	r = rita.do(http.MethodPost, "Aliases/3/Requests", map[string]any{"DurationMinutes": 5})
	r.wantCode(http.StatusForbidden, 4031)
	r = rita.do(http.MethodPost, "Aliases/2/Requests", map[string]any{"DurationMinutes": 5}).wantStatus(http.StatusCreated)
	if string(r.body) != "1002" {
		t.Errorf("alias request %q", r.body)
	}
}

func TestApproveAndDenyFromTheTest(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	client := srv.Client(t, "requestor")
	sysID, acctID, _ := srv.AccountIDs("db01", "postgres")
	opts := &passwordsafe.CreateRequestOptions{SystemID: sysID, AccountID: acctID, DurationMinutes: 10, Reason: "migrate"}

	ctx, cancel := context.WithTimeout(bg, time.Minute) // a refused approval fails the test, not the global timeout
	defer cancel()
	approved := make(chan error, 1)
	go func() {
		rq, err := srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
		if err == nil {
			if err = srv.Approve(rq.RequestID, "requestor"); err == nil {
				err = errors.New("a requestor approved")
			} else if !strings.Contains(err.Error(), "403 4033") {
				err = errors.New("unexpected refusal: " + err.Error())
			} else {
				err = srv.Approve(rq.RequestID, "approver")
			}
		}
		approved <- err
	}()
	var got string
	err := client.Requests.Checkout(ctx, opts, func(_ context.Context, cred passwordsafe.Secret) error {
		got = cred.Value()
		return nil
	})
	if err != nil || <-approved != nil {
		t.Fatalf("checkout %v", err)
	}
	if got == "" || len(srv.OpenRequests()) != 0 {
		t.Errorf("credential %q, open %+v", got, srv.OpenRequests())
	}
	rq, _ := srv.Request(1001)
	if rq.Status != passwordsafetest.StatusCheckedIn || strings.Join(rq.Approvals, ",") != "approver" || rq.Reason != "migrate" {
		t.Errorf("request %+v", rq)
	}
	if err := srv.Approve(1001, "approver"); err == nil || !strings.Contains(err.Error(), "4031") {
		t.Errorf("approving an ended request: %v", err)
	}
	if err := srv.Approve(1001, "nobody"); err == nil || !strings.Contains(err.Error(), `no user "nobody"`) {
		t.Errorf("approving as nobody: %v", err)
	}

	// Denied while Checkout waits: fn never runs, nothing stays open.
	denied := make(chan error, 1)
	go func() {
		rq, err := srv.WaitForRequest(bg, passwordsafetest.StatusPending)
		if err == nil {
			err = srv.Deny(rq.RequestID, "approver", "not tonight")
		}
		denied <- err
	}()
	err = client.Requests.Checkout(bg, opts, func(context.Context, passwordsafe.Secret) error {
		t.Error("fn ran for a denied request")
		return nil
	})
	if !errors.Is(err, passwordsafe.ErrForbidden) || <-denied != nil {
		t.Errorf("checkout of a denied request: %v", err)
	}
	rq, _ = srv.Request(1002)
	if rq.Status != passwordsafetest.StatusDenied || rq.DeniedBy != "approver" || rq.DenyReason != "not tonight" || rq.Open() {
		t.Errorf("denied %+v", rq)
	}
	if err := srv.Deny(9999, "approver", ""); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("denying a missing request: %v", err)
	}
	done, cancelDone := context.WithCancel(bg)
	cancelDone()
	if _, err := srv.WaitForRequest(done, passwordsafetest.StatusPending); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitForRequest on a done context: %v", err)
	}
	if err := srv.WaitForCalls(done, "GET", "Nope", 1); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitForCalls on a done context: %v", err)
	}
}

func TestClockAndExpiry(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor")
	id := rita.createRequest(req(1, 11, 60))
	pw := f.srv.Password("web01", "root")

	if err := f.srv.ExpireRequest(id); err != nil {
		t.Fatal(err)
	}
	rita.do(http.MethodGet, path("Credentials/{id}", id), nil).
		wantError(http.StatusForbidden, "4031 - Request 1001 is no longer active (expired).")
	if info, _ := f.srv.Request(id); info.Status != passwordsafetest.StatusExpired || !info.Ended.Equal(epoch) {
		t.Errorf("info %+v", info)
	}
	if f.srv.Password("web01", "root") == pw {
		t.Errorf("an expired released request did not rotate")
	}
	if err := f.srv.ExpireRequest(id); err == nil || !strings.Contains(err.Error(), "already ended (expired)") {
		t.Errorf("expiring twice: %v", err)
	}
	if err := f.srv.ExpireRequest(4242); err == nil {
		t.Errorf("expiring a missing request is no error")
	}

	// A pending request expires too: the window runs from creation.
	pending := rita.createRequest(req(2, 21, 5))
	f.srv.Advance(4 * time.Minute)
	if open := f.srv.OpenRequests(); len(open) != 1 || open[0].RequestID != pending {
		t.Errorf("open %+v", open)
	}
	f.srv.Advance(time.Minute)
	if open := f.srv.OpenRequests(); len(open) != 0 {
		t.Errorf("open after the window %+v", open)
	}
	if got := f.srv.Now().Sub(epoch); got != 5*time.Minute {
		t.Errorf("clock moved %v", got)
	}
	if all := f.srv.Requests(); len(all) != 2 || all[1].Status != passwordsafetest.StatusExpired {
		t.Errorf("all %+v", all)
	}
	// Idle sign-ins: five minutes idle is fine, twenty is not.
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusOK)
	f.srv.Advance(20 * time.Minute)
	rita.do(http.MethodGet, "Requests", nil).wantStatus(http.StatusUnauthorized)
}

// WithClockSkew: the fake's clock runs with the wall clock, off by the
// skew, and the dates it writes are off too; with WithTime it moves the
// start.
func TestClockSkew(t *testing.T) {
	behind := passwordsafetest.NewServer(t, passwordsafetest.WithClockSkew(-30*time.Second))
	before := time.Now()
	now := behind.Now()
	after := time.Now()
	if now.Before(before.Add(-30*time.Second)) || now.After(after.Add(-30*time.Second)) {
		t.Errorf("Now %v, want 30 s behind the wall clock (%v .. %v)", now, before, after)
	}
	c := behind.Client(t, "requestor")
	created, _, err := c.Requests.Create(context.Background(), &passwordsafe.CreateRequestOptions{SystemID: 1, AccountID: 11,
		DurationMinutes: 5})
	if err != nil {
		t.Fatal(err)
	}
	listed, _, err := c.Requests.List(context.Background(), nil)
	if err != nil || len(listed) != 1 || listed[0].RequestID != created.RequestID {
		t.Fatalf("list %+v %v", listed, err)
	}
	if rel := listed[0].RequestReleaseDate.Time; !rel.Before(time.Now().Add(-29 * time.Second)) {
		t.Errorf("RequestReleaseDate %v is not 30 s behind the wall clock", rel)
	}

	ahead := newFixture(t, passwordsafetest.WithClockSkew(time.Hour))
	if got := ahead.srv.Now(); !got.Equal(epoch.Add(time.Hour)) {
		t.Errorf("WithTime and a skew of an hour: Now %v, want %v", got, epoch.Add(time.Hour))
	}
}

func TestCheckinsAndSessionsState(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch), passwordsafetest.WithRecordedSession(
		passwordsafetest.RecordedSession{User: "requestor", System: "web01", Account: "root", DurationSeconds: 90,
			Screen: "root@web01:~# reboot\n"}),
		passwordsafetest.WithRecordedSession(passwordsafetest.RecordedSession{User: "admin", System: "win01",
			Account: "Administrator", Protocol: "rdp", Live: true, Start: epoch.Add(-time.Hour)}))
	rita, admin, auditor := srv.Client(t, "requestor"), srv.Client(t, "admin"), srv.Client(t, "auditor")

	created, _, err := rita.Requests.Create(bg, &passwordsafe.CreateRequestOptions{AccessType: passwordsafe.AccessSSH,
		SystemID: 1, AccountID: 11, DurationMinutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	ticket, _, err := rita.Sessions.Create(bg, created.RequestID, &passwordsafe.CreateSessionOptions{SessionType: passwordsafe.SessionSSHTicket})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rita.Requests.Checkin(bg, created.RequestID, "maintenance done"); err != nil {
		t.Fatal(err)
	}
	if c := srv.Checkins(); len(c) != 1 || c[0].Reason != "maintenance done" || c[0].User != "requestor" ||
		c[0].RequestID != created.RequestID || !c[0].Time.Equal(epoch) {
		t.Errorf("check-ins %+v", c)
	}
	if rq, _ := srv.Request(created.RequestID); rq.CheckinReason != "maintenance done" {
		t.Errorf("request %+v", rq)
	}

	sessions := srv.Sessions()
	if len(sessions) != 3 {
		t.Fatalf("sessions %+v", sessions)
	}
	rec, live, mine := sessions[0], sessions[1], sessions[2]
	if rec.SessionID != 7001 || rec.Status != 2 || rec.Protocol != "SSH" || rec.SessionType != "SSH" || rec.RequestID != 0 ||
		!rec.End.Equal(epoch) || !rec.Start.Equal(epoch.Add(-90*time.Second)) {
		t.Errorf("recorded %+v", rec)
	}
	if !live.Live() || live.Protocol != "RDP" || !live.End.IsZero() || live.User != "admin" {
		t.Errorf("live %+v", live)
	}
	if mine.SessionID != ticket.SessionID || mine.Status != 8 || mine.SessionType != "sshticket" || mine.RequestID != created.RequestID {
		t.Errorf("mine %+v", mine)
	}

	// GET Sessions carries RequestID and SessionType (newer servers); an
	// auditor may read and replay, not lock.
	got, _, err := auditor.Sessions.Get(bg, ticket.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RequestID != created.RequestID || got.SessionType != passwordsafe.SessionSSHTicket || got.ApplicationID != 0 {
		t.Errorf("session %+v", got)
	}
	if _, err := auditor.Sessions.Lock(bg, 7002); !errors.Is(err, passwordsafe.ErrForbidden) {
		t.Errorf("an auditor locked a session: %v", err)
	}
	recorded, _, err := auditor.Sessions.Get(bg, 7001)
	if err != nil {
		t.Fatal(err)
	}
	rp, _, err := auditor.Sessions.StartReplay(bg, recorded)
	if err != nil {
		t.Fatal(err)
	}
	screen, _, err := auditor.Sessions.ReplayScreen(bg, rp.ID)
	if err != nil || screen != "root@web01:~# reboot\n" {
		t.Errorf("screen %q %v", screen, err)
	}
	if r := srv.Replays(); len(r) != 1 || r[0].ID != rp.ID || r[0].SessionID != 7001 || r[0].Speed != 100 {
		t.Errorf("replays %+v", r)
	}
	if _, err := auditor.Sessions.EndReplay(bg, rp.ID); err != nil {
		t.Fatal(err)
	}
	if r := srv.Replays(); len(r) != 0 {
		t.Errorf("replays after end %+v", r)
	}
	if _, err := admin.Sessions.Terminate(bg, 7002); err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.Client(t, "isa").Sessions.List(bg, nil); err != nil {
		t.Errorf("an ISA may list sessions: %v", err)
	}
}

func TestTLS(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTLS())
	if !strings.HasPrefix(srv.URL(), "https://127.0.0.1:") || srv.Certificate() == nil || srv.TLSConfig() == nil {
		t.Fatalf("URL %s", srv.URL())
	}
	u, err := srv.Client(t, "secured").SignIn(bg)
	if err != nil || u.UserName != "secured" {
		t.Fatalf("sign-in over TLS: %+v %v", u, err)
	}
	resp, err := srv.HTTPClient().Post(srv.URL()+"Auth/SignAppin", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d", resp.StatusCode)
	}
	// A client that does not trust the certificate cannot talk to it.
	untrusting, err := passwordsafe.NewClient(srv.URL(), passwordsafe.WithAPIKey(srv.APIKey(), "requestor"), passwordsafe.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := untrusting.SignIn(bg); err == nil {
		t.Errorf("a client without the certificate signed in")
	}
	plain := passwordsafetest.NewServer(t)
	if plain.Certificate() != nil || plain.TLSConfig() != nil || !strings.HasPrefix(plain.URL(), "http://") {
		t.Errorf("plain server has TLS")
	}
}

func TestAPIVersions(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithAPIVersions("3.0", "3.1"))
	hc := srv.HTTPClient()
	post := func(version string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"Auth/SignAppin?version="+version, nil)
		req.Header.Set("Authorization", "PS-Auth key="+srv.APIKey()+"; runas=requestor;")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	for _, v := range []string{"3.0", "3.1", "3", "3.00"} {
		if code, body := post(v); code != http.StatusOK {
			t.Errorf("version %s: %d %s", v, code, body)
		}
	}
	for _, v := range []string{"3.2", "4.0", "x"} {
		code, body := post(v)
		if code != http.StatusGone || body != `"API version `+v+` is disabled. Enable it, or call a version that is enabled."` {
			t.Errorf("version %s: %d %s", v, code, body)
		}
	}
	if code, _ := post(""); code != http.StatusOK {
		t.Errorf("no version: %d", code)
	}
	// The SDK sees a 410 as an ErrorResponse naming the status.
	c := srv.Client(t, "requestor")
	if _, err := c.Do(bg, http.MethodGet, "Requests?version=9.9", nil, nil); err == nil || !strings.Contains(err.Error(), "410") {
		t.Errorf("Do with a disabled version: %v", err)
	}
	versions := map[string]int{}
	for _, call := range srv.CallLog() {
		versions[call.Version]++
	}
	if versions["3.2"] != 1 || versions["3.1"] != 1 || versions["9.9"] != 1 {
		t.Errorf("versions in the call log %v", versions)
	}
	// Without WithAPIVersions every version is served.
	open := passwordsafetest.NewServer(t)
	if _, err := open.Client(t, "requestor").Do(bg, http.MethodGet, "Requests?version=7.3", nil, nil); err != nil {
		t.Errorf("an open server refused a version: %v", err)
	}
}

func TestClientOptions(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithAPIKey("k-2"))
	c, err := srv.NewClient("nobody")
	if err == nil || c != nil || !strings.Contains(err.Error(), `no user "nobody"`) {
		t.Errorf("NewClient(nobody) = %v, %v", c, err)
	}
	c = srv.Client(t, "admin", passwordsafe.WithUserAgent("kit-test/1"))
	if _, _, err := c.Aliases.List(bg, nil); err != nil {
		t.Fatal(err)
	}
	if u, err := c.SignIn(bg); err != nil || u.UserID != 3 {
		t.Errorf("signed in as %+v, %v", u, err)
	}
	oauth, err := passwordsafe.NewClient(srv.URL(), passwordsafe.WithOAuthClientCredentials(srv.OAuthClientID(), srv.OAuthClientSecret()))
	if err != nil {
		t.Fatal(err)
	}
	if u, err := oauth.SignIn(bg); err != nil || u.UserName != srv.OAuthUser() {
		t.Errorf("OAuth sign-in %+v %v", u, err)
	}
}
