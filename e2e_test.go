package passwordsafe_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// End-to-end: the real Client against the fake Password Safe over loopback.

// Seeded IDs of the fake's default seed (see package passwordsafetest).
const (
	sysWeb01, acctRoot         = 1, 11 // auto-approved, View/SSH
	sysDB01, acctPostgres      = 2, 21 // one approver, View/SSH
	sysWin01, acctAdministator = 3, 31 // auto-approved, View/RDP/App
	sysVault01, acctBreakglass = 5, 51 // needs 3 approvers, only 2 exist
	aliasWebRoot, aliasDBHA    = 1, 2
	aliasOrphan                = 3
)

type e2e struct {
	t   *testing.T
	srv *passwordsafetest.Server
}

func newE2E(t *testing.T, opts ...passwordsafetest.ServerOption) *e2e {
	t.Helper()
	return &e2e{t: t, srv: passwordsafetest.NewServer(t, opts...)}
}

// as returns a client acting as one of the seeded users (fast retries and
// Checkout polling, as the kit sets them).
func (e *e2e) as(user string, opts ...ps.Option) *ps.Client {
	e.t.Helper()
	return e.srv.Client(e.t, user, opts...)
}

// sessionsMade returns the fake's sessions less the default seed's live
// one (passwordsafetest.LiveSessionID): those the test made.
func (e *e2e) sessionsMade() []passwordsafetest.SessionInfo {
	var out []passwordsafetest.SessionInfo
	for _, s := range e.srv.Sessions() {
		if s.SessionID != passwordsafetest.LiveSessionID {
			out = append(out, s)
		}
	}
	return out
}

var bg = context.Background()

func TestE2EApprovalFlow(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	req, appr := e.as("requestor"), e.as("approver")

	created, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{
		SystemID: sysDB01, AccountID: acctPostgres, DurationMinutes: 30, Reason: "e2e",
	})
	require.NoError(t, err)
	assert.False(t, created.Reused)

	_, _, err = req.Requests.Credentials(bg, created.RequestID, nil)
	assert.ErrorIs(t, err, ps.ErrNotApproved, "pending until approved")
	_, err = req.Requests.Approve(bg, created.RequestID, "my own")
	assert.ErrorIs(t, err, ps.ErrApproverOnly, "a requestor cannot approve")

	pending, _, err := appr.Requests.List(bg, &ps.ListRequestsOptions{Status: ps.RequestStatusPending, Queue: ps.QueueApprover})
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, created.RequestID, pending[0].RequestID)
	assert.Equal(t, "db01", pending[0].SystemName)

	_, err = appr.Requests.Approve(bg, created.RequestID, "ok")
	require.NoError(t, err)
	_, err = appr.Requests.Approve(bg, created.RequestID, "again")
	assert.ErrorIs(t, err, ps.ErrAlreadyApproved)

	before := e.srv.Password("db01", "postgres")
	cred, _, err := req.Requests.Credentials(bg, created.RequestID, nil)
	require.NoError(t, err)
	assert.Equal(t, before, cred.Value())

	active, _, err := req.Requests.List(bg, &ps.ListRequestsOptions{Status: ps.RequestStatusActive})
	require.NoError(t, err)
	require.Len(t, active, 1)
	assert.False(t, active[0].ApprovedDate.IsZero())
	assert.True(t, active[0].ExpiresDate.After(active[0].ApprovedDate.Time))

	_, err = req.Requests.Checkin(bg, created.RequestID, "done")
	require.NoError(t, err)
	assert.NotEqual(t, before, e.srv.Password("db01", "postgres"), "check-in rotates")
	_, _, err = req.Requests.Credentials(bg, created.RequestID, nil)
	assert.ErrorIs(t, err, ps.ErrForbidden, "no credential after check-in")
}

func TestE2EDenyAndRotateOnCheckin(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	req, appr := e.as("requestor"), e.as("approver")

	created, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysDB01, AccountID: acctPostgres, DurationMinutes: 5})
	require.NoError(t, err)
	_, err = appr.Requests.Deny(bg, created.RequestID, "not today")
	require.NoError(t, err)
	info, _ := e.srv.Request(created.RequestID)
	assert.Equal(t, "denied", info.Status)
	_, _, err = req.Requests.Credentials(bg, created.RequestID, nil)
	assert.ErrorIs(t, err, ps.ErrForbidden)
	assert.NotErrorIs(t, err, ps.ErrNotApproved)

	kept, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5,
		RotateOnCheckin: ps.Ptr(false)})
	require.NoError(t, err)
	_, err = req.Requests.RotateOnCheckin(bg, kept.RequestID)
	require.NoError(t, err)
	info, _ = e.srv.Request(kept.RequestID)
	assert.True(t, info.RotateOnCheckin)
}

func TestE2EConflictReuseRenew(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.as("requestor")
	opts := ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 60}

	first, resp, err := c.Requests.Create(bg, &opts)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)

	_, _, err = c.Requests.Create(bg, &opts)
	assert.ErrorIs(t, err, ps.ErrConflict)

	reuse := opts
	reuse.ConflictOption = ps.ConflictReuse
	again, resp, err := c.Requests.Create(bg, &reuse)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, again.Reused)
	assert.Equal(t, first.RequestID, again.RequestID)

	renew := opts
	renew.ConflictOption = ps.ConflictRenew
	fresh, _, err := c.Requests.Create(bg, &renew)
	require.NoError(t, err)
	assert.False(t, fresh.Reused)
	assert.NotEqual(t, first.RequestID, fresh.RequestID)
	info, _ := e.srv.Request(first.RequestID)
	assert.Equal(t, "cancelled", info.Status, "renew cancels the old request")

	_, _, err = c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysVault01, AccountID: acctBreakglass, DurationMinutes: 5})
	assert.ErrorIs(t, err, ps.ErrNotEnoughApprovers)
}

func TestE2EAliases(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.as("requestor")

	all, _, err := c.Aliases.List(bg, nil)
	require.NoError(t, err)
	require.NotEmpty(t, all)
	ha, _, err := c.Aliases.List(bg, &ps.ListAliasesOptions{State: []ps.AliasState{ps.AliasHighlyAvailable}})
	require.NoError(t, err)
	require.Len(t, ha, 1)
	assert.Equal(t, "db-ha", ha[0].AliasName)
	assert.Len(t, ha[0].MappedAccounts, 2)

	byID, _, err := c.Aliases.Get(bg, aliasWebRoot)
	require.NoError(t, err)
	byName, _, err := c.Aliases.GetByName(bg, "web-root")
	require.NoError(t, err)
	assert.Equal(t, byID, byName)
	assert.Equal(t, sysWeb01, byID.SystemID)
	assert.Equal(t, acctRoot, byID.AccountID)
	_, _, err = c.Aliases.GetByName(bg, "no such alias")
	assert.ErrorIs(t, err, ps.ErrNotFound)

	created, _, err := c.Aliases.CreateRequest(bg, aliasWebRoot, &ps.CreateAliasRequestOptions{DurationMinutes: 5})
	require.NoError(t, err)
	cred, _, err := c.Aliases.Credentials(bg, aliasWebRoot, created.RequestID, nil)
	require.NoError(t, err)
	assert.Equal(t, sysWeb01, cred.SystemID)
	assert.Equal(t, acctRoot, cred.AccountID)
	assert.Equal(t, "root", cred.AccountName)
	assert.Equal(t, e.srv.Password("web01", "root"), cred.Password.Value())

	key, _, err := c.Aliases.Credentials(bg, aliasWebRoot, created.RequestID, &ps.CredentialsOptions{Type: ps.CredentialDSSKey})
	require.NoError(t, err)
	assert.Contains(t, key.PrivateKey.Value()+key.Password.Value(), "PRIVATE KEY")

	_, _, err = c.Aliases.CreateRequest(bg, aliasOrphan, &ps.CreateAliasRequestOptions{DurationMinutes: 5})
	assert.ErrorIs(t, err, ps.ErrForbidden)
}

func TestE2ESessionsAndReplay(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	req, admin := e.as("requestor"), e.as("admin")
	me, err := req.SignIn(bg)
	require.NoError(t, err)

	ssh, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessSSH, SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 30})
	require.NoError(t, err)
	ticket, _, err := req.Sessions.Create(bg, ssh.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionSSH})
	require.NoError(t, err)
	assert.NotZero(t, ticket.SessionID)
	assert.NotEmpty(t, ticket.Ticket)
	assert.Nil(t, ticket.File)

	rdp, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessRDP, SystemID: sysWin01, AccountID: acctAdministator, DurationMinutes: 30})
	require.NoError(t, err)
	file, _, err := req.Sessions.Create(bg, rdp.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionRDPFile})
	require.NoError(t, err)
	assert.NotEmpty(t, file.File, "rdpfile answers an attachment")
	assert.NotEmpty(t, file.FileName)

	_, _, err = req.Sessions.List(bg, nil)
	assert.ErrorIs(t, err, ps.ErrForbidden, "listing sessions needs an admin or auditor")

	mine, _, err := admin.Sessions.List(bg, &ps.ListSessionsOptions{UserID: me.UserID, Status: []ps.SessionStatus{ps.SessionInProgress}})
	require.NoError(t, err)
	require.Len(t, mine, 2)
	var rdpSession *ps.Session // an RDP file carries no session ID: find it by protocol
	for i, s := range mine {
		assert.Equal(t, me.UserID, s.UserID)
		assert.False(t, s.StartTime.IsZero())
		assert.True(t, s.EndTime.IsZero(), "a live session has no end")
		if s.Protocol == 0 {
			rdpSession = &mine[i]
		}
	}
	require.NotNil(t, rdpSession)

	got, _, err := admin.Sessions.Get(bg, ticket.SessionID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.Protocol, "SSH")

	// Watch the SSH session, then the RDP one.
	rp, _, err := admin.Sessions.StartReplay(bg, got)
	require.NoError(t, err)
	require.NotEmpty(t, rp.ID)
	e.srv.Advance(3 * time.Second)
	st, _, err := admin.Sessions.ReplayStatus(bg, rp.ID)
	require.NoError(t, err)
	assert.Positive(t, st.Offset)
	st, _, err = admin.Sessions.ControlReplay(bg, rp.ID, &ps.ReplayControl{Speed: ps.Ptr(200)})
	require.NoError(t, err)
	assert.Equal(t, 200, st.Speed)
	screen, _, err := admin.Sessions.ReplayScreen(bg, rp.ID)
	require.NoError(t, err)
	assert.NotEmpty(t, screen)
	_, err = admin.Sessions.EndReplay(bg, rp.ID)
	require.NoError(t, err)
	_, _, err = admin.Sessions.ReplayStatus(bg, rp.ID)
	assert.ErrorIs(t, err, ps.ErrNotFound)

	rrp, _, err := admin.Sessions.StartReplay(bg, rdpSession)
	require.NoError(t, err)
	img, _, err := admin.Sessions.ReplaySnapshot(bg, rrp.ID, ps.ImagePNG, 4)
	require.NoError(t, err)
	_, err = png.Decode(bytes.NewReader(img))
	require.NoError(t, err, "a whole, valid PNG")

	_, err = admin.Sessions.Lock(bg, ticket.SessionID)
	require.NoError(t, err)
	got, _, err = admin.Sessions.Get(bg, ticket.SessionID)
	require.NoError(t, err)
	assert.Equal(t, ps.SessionLocked, got.Status)
	_, err = admin.Sessions.Terminate(bg, rdpSession.SessionID)
	require.NoError(t, err)
	got, _, err = admin.Sessions.Get(bg, rdpSession.SessionID)
	require.NoError(t, err)
	assert.Equal(t, ps.SessionTerminated, got.Status)
	assert.False(t, got.EndTime.IsZero())

	adminTicket, _, err := admin.Sessions.CreateAdmin(bg, &ps.CreateAdminSessionOptions{
		SessionType: ps.SessionSSHTicket, HostName: "web01.example.test", UserName: "root", Password: "hunter2-admin",
	})
	require.NoError(t, err)
	assert.NotZero(t, adminTicket.SessionID)

	// A session needs an approved request.
	pending, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessSSH, SystemID: sysDB01, AccountID: acctPostgres, DurationMinutes: 5})
	require.NoError(t, err)
	_, _, err = req.Sessions.Create(bg, pending.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionSSH})
	assert.ErrorIs(t, err, ps.ErrNotApproved)
}

func TestE2EDoAccessLevels(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	var levels []struct {
		AccessLevelID int
		Name          string
	}
	resp, err := e.as("admin").Do(bg, "GET", "/AccessLevels", nil, &levels)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, levels, 3)
	assert.Equal(t, "Read/Write", levels[2].Name)
}

func TestE2EIdleExpiryAndSignOut(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.as("requestor")
	_, _, err := c.Aliases.List(bg, nil)
	require.NoError(t, err)
	require.Equal(t, 1, e.srv.Calls("POST", "Auth/SignAppin"))

	e.srv.Advance(21 * time.Minute) // past the 20-minute idle limit
	_, _, err = c.Aliases.List(bg, nil)
	require.NoError(t, err, "the client signs in again and repeats the call")
	assert.Equal(t, 2, e.srv.Calls("POST", "Auth/SignAppin"))
	assert.Equal(t, 3, e.srv.Calls("GET", "Aliases"), "one 401, one repeat")

	// A POST refused with 401 is repeated after the new sign-in, once.
	e.srv.ExpireSessions()
	_, _, err = c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5})
	require.NoError(t, err)
	assert.Equal(t, 2, e.srv.Calls("POST", "Requests"))
	list, _, err := c.Requests.List(bg, nil)
	require.NoError(t, err)
	assert.Len(t, list, 1, "the refused POST created nothing")

	require.NoError(t, c.SignOut(bg))
	assert.Equal(t, 1, e.srv.Calls("POST", "Auth/Signout"))
	require.NoError(t, c.SignOut(bg), "without a session SignOut does nothing")
	assert.Equal(t, 1, e.srv.Calls("POST", "Auth/Signout"))
	_, _, err = c.Aliases.List(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, e.srv.Calls("POST", "Auth/SignAppin"))
}

func TestE2EOAuth(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, err := ps.NewClient(e.srv.URL(), ps.WithOAuthClientCredentials(e.srv.OAuthClientID(), e.srv.OAuthClientSecret()))
	require.NoError(t, err)
	u, err := c.SignIn(bg)
	require.NoError(t, err)
	assert.Equal(t, "requestor", u.UserName)
	_, _, err = c.Aliases.List(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, e.srv.Calls("POST", "Auth/connect/token"))

	bad, err := ps.NewClient(e.srv.URL(), ps.WithOAuthClientCredentials(e.srv.OAuthClientID(), "wrong-secret"))
	require.NoError(t, err)
	_, err = bad.SignIn(bg)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusBadRequest, er.StatusCode)
	assert.NotContains(t, err.Error(), "wrong-secret")
}

func TestE2EWrongKey(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c, err := ps.NewClient(e.srv.URL(), ps.WithAPIKey("not-the-key", "requestor"))
	require.NoError(t, err)
	_, _, err = c.Aliases.List(bg, nil)
	assert.ErrorIs(t, err, ps.ErrUnauthorized)
	assert.Equal(t, 0, e.srv.Calls("GET", "Aliases"))
	assert.NotContains(t, err.Error(), "not-the-key")

	pw, err := ps.NewClient(e.srv.URL(), ps.WithAPIKey(e.srv.APIKey(), "secured"), ps.WithRunAsPassword("Secured-Pa55!"))
	require.NoError(t, err)
	u, err := pw.SignIn(bg)
	require.NoError(t, err)
	assert.Equal(t, "secured", u.UserName)
}

func TestE2EFaults(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.as("requestor")
	_, err := c.SignIn(bg)
	require.NoError(t, err)

	// 5xx on GET: retried until it answers.
	e.srv.Next("GET", "Requests").Times(2).Fail(http.StatusServiceUnavailable)
	_, _, err = c.Requests.List(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, e.srv.Calls("GET", "Requests"))

	// 5xx on POST: sent once, nothing created.
	e.srv.Next("POST", "Requests").Fail(http.StatusServiceUnavailable)
	_, _, err = c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5})
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusServiceUnavailable, er.StatusCode)
	assert.Equal(t, 1, e.srv.Calls("POST", "Requests"))

	// The connection drops after the server created the request: the POST
	// is not repeated, so exactly one request exists.
	e.srv.Next("POST", "Requests").LoseAnswer()
	_, _, err = c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5})
	require.Error(t, err)
	assert.False(t, errors.As(err, &er), "a dropped connection is a transport error")
	assert.Equal(t, 2, e.srv.Calls("POST", "Requests"))
	list, _, err := c.Requests.List(bg, nil)
	require.NoError(t, err)
	assert.Len(t, list, 1, "no duplicate on the server")

	// A dropped GET is repeated.
	e.srv.Next("GET", "Aliases").Drop()
	_, _, err = c.Aliases.List(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, e.srv.Calls("GET", "Aliases"))

	// The caller's deadline wins over a slow answer.
	e.srv.Next("GET", "Aliases").Delay(time.Hour)
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, _, err = c.Aliases.List(ctx, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestE2EConcurrentClient(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	c := e.as("admin")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if _, _, err := c.Aliases.List(bg, nil); err != nil {
					errs <- err
					return
				}
				if _, _, err := c.Requests.List(bg, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, 1, e.srv.Calls("POST", "Auth/SignAppin"), "32 concurrent first calls share one sign-in")
	assert.Equal(t, 160, e.srv.Calls("GET", "Aliases"))
}

// approveWhenPending approves, through the API as the approver, the first
// request that becomes pending; the fake signals when one does.
func approveWhenPending(e *e2e, appr *ps.Client) <-chan error {
	done := make(chan error, 1)
	go func() {
		rq, err := e.srv.WaitForRequest(bg, passwordsafetest.StatusPending)
		if err == nil {
			pending, _, lerr := appr.Requests.List(bg, &ps.ListRequestsOptions{Status: ps.RequestStatusPending, Queue: ps.QueueApprover})
			switch {
			case lerr != nil:
				err = lerr
			case len(pending) != 1 || pending[0].RequestID != rq.RequestID:
				err = errors.New("the approver's queue does not hold the pending request")
			default:
				_, err = appr.Requests.Approve(bg, rq.RequestID, "e2e")
			}
		}
		done <- err
	}()
	return done
}

func TestE2ECheckout(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	req, appr := e.as("requestor"), e.as("approver")
	opts := &ps.CreateRequestOptions{SystemID: sysDB01, AccountID: acctPostgres, DurationMinutes: 10}

	approved := approveWhenPending(e, appr)
	want := e.srv.Password("db01", "postgres")
	var got string
	err := req.Requests.Checkout(bg, opts, func(_ context.Context, cred ps.Secret) error {
		got = cred.Value()
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, <-approved)
	assert.Equal(t, want, got, "fn got the credential released after approval")
	info, ok := e.srv.Request(1001)
	require.True(t, ok)
	assert.Equal(t, "checkedin", info.Status)

	// fn fails: still checked in.
	boom := errors.New("boom")
	var id int
	err = req.Aliases.Checkout(bg, aliasWebRoot, &ps.CreateAliasRequestOptions{DurationMinutes: 5},
		func(_ context.Context, cred *ps.AliasCredentials) error {
			list, _, lerr := req.Requests.List(bg, &ps.ListRequestsOptions{Status: ps.RequestStatusActive})
			require.NoError(t, lerr)
			require.Len(t, list, 1)
			id = list[0].RequestID
			return boom
		})
	assert.ErrorIs(t, err, boom)
	info, _ = e.srv.Request(id)
	assert.Equal(t, "checkedin", info.Status)

	// fn panics: checked in, then the panic goes on.
	assert.Panics(t, func() {
		_ = req.Requests.Checkout(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5},
			func(context.Context, ps.Secret) error { panic("fn panicked") })
	})
	list, _, err := req.Requests.List(bg, &ps.ListRequestsOptions{Status: ps.RequestStatusActive})
	require.NoError(t, err)
	assert.Empty(t, list, "the panicking checkout was checked in")

	// fn outlives ctx: checked in all the same.
	ctx, cancel := context.WithCancel(bg)
	err = req.Requests.Checkout(ctx, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5},
		func(ctx context.Context, _ ps.Secret) error { cancel(); return ctx.Err() })
	assert.ErrorIs(t, err, context.Canceled)
	list, _, err = req.Requests.List(bg, &ps.ListRequestsOptions{Status: ps.RequestStatusActive})
	require.NoError(t, err)
	assert.Empty(t, list)

	// A reused request was not ours: left open.
	mine, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 30})
	require.NoError(t, err)
	err = req.Requests.Checkout(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 30,
		ConflictOption: ps.ConflictReuse}, func(context.Context, ps.Secret) error { return nil })
	require.NoError(t, err)
	info, _ = e.srv.Request(mine.RequestID)
	assert.Equal(t, "active", info.Status, "a reused request stays open")

	// Denied while waiting: Checkout stops and fn never runs.
	denied := make(chan error, 1)
	go func() {
		rq, err := e.srv.WaitForRequest(bg, passwordsafetest.StatusPending)
		if err == nil {
			_, err = appr.Requests.Deny(bg, rq.RequestID, "no")
		}
		denied <- err
	}()
	err = req.Requests.Checkout(bg, opts, func(context.Context, ps.Secret) error {
		t.Error("fn ran for a denied request")
		return nil
	})
	require.NoError(t, <-denied)
	assert.ErrorIs(t, err, ps.ErrForbidden)
}

func TestE2EOAuthTokenRefusedIsFetchedAnew(t *testing.T) {
	t.Parallel()
	e := newE2E(t, passwordsafetest.WithTokenLifetime(10*time.Minute))
	c, err := ps.NewClient(e.srv.URL(), ps.WithOAuthClientCredentials(e.srv.OAuthClientID(), e.srv.OAuthClientSecret()))
	require.NoError(t, err)
	_, _, err = c.Aliases.List(bg, nil)
	require.NoError(t, err)

	// The server's clock moves past the token's life and drops the session;
	// the client's clock still thinks its cached token is fresh.
	e.srv.Advance(11 * time.Minute)
	e.srv.ExpireSessions()
	_, _, err = c.Aliases.List(bg, nil)
	require.NoError(t, err, "a refused cached token is replaced and the call goes through")
	assert.Equal(t, 2, e.srv.Calls("POST", "Auth/connect/token"))
	assert.Equal(t, 3, e.srv.Calls("POST", "Auth/SignAppin"), "first, with the stale token, with the new token")
}
