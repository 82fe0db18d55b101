package passwordsafe_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// End-to-end tests of the endpoints added after the first release: ISA
// requests and sessions, request sets, termination, access policy tests,
// session lock/terminate with feedback and by system or account, nodes,
// the server version, multi-factor sign-in and bearer tokens.

// epochE2E is a fixed start for the fake's clock where dates are asserted.
var epochE2E = time.Date(2026, 11, 23, 4, 39, 10, 0, time.UTC)

func TestE2EISARequest(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	isa := e.as("isa")

	pw, _, err := isa.Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: sysWeb01, AccountID: acctRoot, Reason: "nightly job"})
	require.NoError(t, err)
	assert.Equal(t, e.srv.Password("web01", "root"), pw.Value())
	key, _, err := isa.Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: sysWeb01, AccountID: acctRoot,
		DurationMinutes: ps.Ptr(5), CredentialType: ps.CredentialDSSKey})
	require.NoError(t, err)
	assert.Equal(t, e.srv.Accounts()[0].PrivateKey, key.Value())

	// Each call is an active, auto-approved request of the ISA.
	reqs := e.srv.Requests()
	require.Len(t, reqs, 2)
	assert.True(t, reqs[0].ISA)
	assert.Equal(t, passwordsafetest.StatusActive, reqs[0].Status)
	assert.Equal(t, "isa", reqs[0].Owner)
	assert.Equal(t, "nightly job", reqs[0].Reason)
	assert.Equal(t, 5, reqs[1].DurationMinutes)

	// A requestor is not an ISA; an account the ISA may not request is 4031 too.
	_, _, err = e.as("requestor").Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: sysWeb01, AccountID: acctRoot})
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	_, _, err = isa.Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: sysWeb01, AccountID: acctPostgres})
	assert.ErrorIs(t, err, ps.ErrNoPermission)

	// The answer lost after the server acted: the SDK does not ask twice
	// (that would release the account again).
	e.srv.Next("POST", "ISARequests").LoseAnswer()
	_, _, err = isa.Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: sysWeb01, AccountID: acctRoot})
	require.Error(t, err)
	assert.Equal(t, 5, e.srv.Calls("POST", "ISARequests"))
	assert.Len(t, e.srv.Requests(), 3, "one request for the lost answer, not two")
}

func TestE2EISARequestBareString(t *testing.T) {
	t.Parallel()
	// The vendor's .NET client's reading of the answer: a bare JSON string.
	e := newE2E(t, passwordsafetest.WithISACredentialsAsString())
	pw, _, err := e.as("isa").Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: sysWeb01, AccountID: acctRoot,
		CredentialType: ps.CredentialPassphrase})
	require.NoError(t, err)
	assert.Equal(t, e.srv.Accounts()[0].Passphrase, pw.Value())
}

func TestE2ERequestSets(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	req, appr := e.as("requestor"), e.as("approver")

	set, resp, err := req.Requests.CreateSet(bg, &ps.CreateRequestSetOptions{
		AccessTypes: []ps.AccessType{ps.AccessView, ps.AccessSSH}, SystemID: sysDB01, AccountID: acctPostgres,
		DurationMinutes: 30, Reason: "schema migration",
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Len(t, set.Requests, 2)
	assert.NotEmpty(t, set.RequestSetID)
	view, ssh := set.Requests[0], set.Requests[1]
	assert.Equal(t, ps.AccessView, view.AccessType)
	assert.Equal(t, ps.AccessSSH, ssh.AccessType)
	assert.Equal(t, "Pending", view.Status)
	assert.Equal(t, "requestor", view.RequestorName)
	assert.Equal(t, "schema migration", ssh.Reason)
	for _, r := range set.Requests {
		info, _ := e.srv.Request(r.RequestID)
		assert.Equal(t, set.RequestSetID, info.RequestSetID)
	}

	// Each request of the set is an ordinary request: listed, approved alone.
	all, _, err := req.Requests.List(bg, nil)
	require.NoError(t, err)
	assert.Len(t, all, 2)
	_, err = appr.Requests.Approve(bg, ssh.RequestID, "ok for SSH")
	require.NoError(t, err)
	_, _, err = req.Requests.Credentials(bg, view.RequestID, nil)
	assert.ErrorIs(t, err, ps.ErrNotApproved, "the View request still waits")

	sets, _, err := req.Requests.ListSets(bg, &ps.ListRequestSetsOptions{Status: ps.RequestStatusActive})
	require.NoError(t, err)
	require.Len(t, sets, 1)
	require.Len(t, sets[0].Requests, 1)
	assert.Equal(t, ssh.RequestID, sets[0].Requests[0].RequestID)
	assert.False(t, sets[0].Requests[0].ApprovedDate.IsZero())
	queue, _, err := appr.Requests.ListSets(bg, &ps.ListRequestSetsOptions{Queue: ps.QueueApprover, Status: ps.RequestStatusPending})
	require.NoError(t, err)
	require.Len(t, queue, 1)
	assert.Equal(t, view.RequestID, queue[0].Requests[0].RequestID)

	// A second set over open requests is a conflict; the set's rules are per account.
	_, _, err = req.Requests.CreateSet(bg, &ps.CreateRequestSetOptions{
		AccessTypes: []ps.AccessType{ps.AccessView, ps.AccessSSH}, SystemID: sysDB01, AccountID: acctPostgres, DurationMinutes: 30,
	})
	assert.ErrorIs(t, err, ps.ErrConflict)
	mine, _, err := appr.Requests.ListSets(bg, nil) // an approver's own queue: newer servers allow it
	require.NoError(t, err)
	assert.Empty(t, mine)
	_, _, err = e.as("auditor").Requests.ListSets(bg, nil)
	assert.ErrorIs(t, err, ps.ErrRequestorOnly)
	_, _, err = req.Requests.CreateSet(bg, &ps.CreateRequestSetOptions{
		AccessTypes: []ps.AccessType{ps.AccessView, ps.AccessSSH}, SystemID: sysVault01, AccountID: acctBreakglass, DurationMinutes: 30,
	})
	assert.ErrorIs(t, err, ps.ErrNotEnoughApprovers)
}

// openRequests makes three open requests: requestor on web01/root
// (active, with an SSH session), reqapprover on web01/root (active), and
// requestor on db01/postgres (pending).
func openRequests(t *testing.T, e *e2e) (rootA, rootB, pg int) {
	t.Helper()
	rita, remy := e.as("requestor"), e.as("reqapprover")
	a, _, err := rita.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessSSH, SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 60})
	require.NoError(t, err)
	_, _, err = rita.Sessions.Create(bg, a.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionSSH})
	require.NoError(t, err)
	b, _, err := remy.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 60})
	require.NoError(t, err)
	c, _, err := rita.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysDB01, AccountID: acctPostgres, DurationMinutes: 60})
	require.NoError(t, err)
	return a.RequestID, b.RequestID, c.RequestID
}

func TestE2ETerminateRequests(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	rootA, rootB, pg := openRequests(t, e)
	quarantine := e.as("quarantine")
	before := e.srv.Password("web01", "root")

	// By account, with feedback: the report names what was ended.
	fb, resp, err := quarantine.Requests.TerminateAccountRequests(bg, acctRoot,
		&ps.TerminateRequestsOptions{Reason: "key leaked in a log", Feedback: true})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotNil(t, fb)
	var report struct {
		Count    int
		Requests []struct{ RequestID int }
	}
	require.NoError(t, json.Unmarshal(fb.Raw, &report))
	assert.Equal(t, 2, report.Count)
	assert.Equal(t, rootA, report.Requests[0].RequestID)
	assert.Equal(t, rootB, report.Requests[1].RequestID)
	for _, id := range []int{rootA, rootB} {
		info, _ := e.srv.Request(id)
		assert.Equal(t, passwordsafetest.StatusTerminated, info.Status)
		assert.Equal(t, "quarantine", info.TerminatedBy)
		assert.Equal(t, "key leaked in a log", info.TerminateReason)
	}
	assert.NotEqual(t, before, e.srv.Password("web01", "root"), "the released password was rotated")
	assert.Equal(t, ps.SessionTerminated, ps.SessionStatus(e.sessionsMade()[0].Status), "the request's session ended too")

	// The requestor's credential is gone.
	_, _, err = e.as("requestor").Requests.Credentials(bg, rootA, nil)
	assert.ErrorIs(t, err, ps.ErrNoPermission)

	// By system, without feedback: 204 and no report; only active requests
	// end, so the pending one waits for its approver, and ends once approved.
	fb, resp, err = quarantine.Requests.TerminateSystemRequests(bg, sysDB01, &ps.TerminateRequestsOptions{Reason: "db01 rebuilt"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Nil(t, fb)
	open := e.srv.OpenRequests()
	require.Len(t, open, 1)
	assert.Equal(t, pg, open[0].RequestID)
	assert.Equal(t, passwordsafetest.StatusPending, open[0].Status)
	require.NoError(t, e.srv.Approve(pg, "approver"))
	_, _, err = quarantine.Requests.TerminateSystemRequests(bg, sysDB01, &ps.TerminateRequestsOptions{Reason: "db01 rebuilt"})
	require.NoError(t, err)
	assert.Empty(t, e.srv.OpenRequests(), "no request left open")

	// By user: nothing left to end, an administrator may too.
	requestor, _ := e.srv.User("requestor")
	fb, _, err = e.as("admin").Requests.TerminateUserRequests(bg, requestor.ID, &ps.TerminateRequestsOptions{Feedback: true})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(fb.Raw, &report))
	assert.Zero(t, report.Count)

	got := e.srv.Terminations()
	require.Len(t, got, 4)
	assert.Equal(t, []int{rootA, rootB}, got[0].RequestIDs)
	assert.Equal(t, "key leaked in a log", got[0].Reason)
	assert.Empty(t, got[1].RequestIDs)
	assert.Equal(t, []int{pg}, got[2].RequestIDs)
	assert.Equal(t, "db01 rebuilt", got[2].Reason)
	assert.Equal(t, "User", got[3].Scope)
	assert.Equal(t, "admin", got[3].User)

	// Refusals: not a requester's call; unknown IDs.
	_, _, err = e.as("requestor").Requests.TerminateUserRequests(bg, requestor.ID, nil)
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	_, _, err = e.as("isa").Requests.TerminateSystemRequests(bg, sysWeb01, nil)
	assert.ErrorIs(t, err, ps.ErrForbidden)
	_, _, err = quarantine.Requests.TerminateAccountRequests(bg, 999, nil)
	assert.ErrorIs(t, err, ps.ErrNotFound)
}

// A credential read that is in flight when the account is quarantined
// finds the request ended: ordered by the fake's Hold, not by a sleep.
func TestE2ETerminateWhileReading(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	rita := e.as("requestor")
	created, _, err := rita.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 60})
	require.NoError(t, err)
	_, err = rita.SignIn(bg) // so the held call is the read itself
	require.NoError(t, err)

	hold := e.srv.Next("GET", "Credentials/*").Hold()
	read := make(chan error, 1)
	go func() {
		_, _, err := rita.Requests.Credentials(bg, created.RequestID, nil)
		read <- err
	}()
	ctx, cancel := context.WithTimeout(bg, 30*time.Second) // fails a regression fast; no race depends on it
	defer cancel()
	require.NoError(t, e.srv.WaitForCalls(ctx, "GET", "Credentials/*", 1))

	_, _, err = e.as("quarantine").Requests.TerminateAccountRequests(bg, acctRoot, &ps.TerminateRequestsOptions{Reason: "incident 42"})
	require.NoError(t, err)
	hold.Release()
	select {
	case err = <-read:
	case <-ctx.Done():
		t.Fatal("the held read never finished")
	}
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Contains(t, er.Message, "terminated")
	info, _ := e.srv.Request(created.RequestID)
	assert.Equal(t, "incident 42", info.TerminateReason)
}

func TestE2ETestAccessPolicies(t *testing.T) {
	t.Parallel()
	e := newE2E(t, passwordsafetest.WithAccount(passwordsafetest.Account{
		System: "pg-prod", Name: "postgres", MaximumReleaseMinutes: 60,
		Policy: passwordsafetest.Policy{Approvals: 1, Approvers: []string{"approver"}, RequireReason: true, RequireTicket: true},
	}))
	req := e.as("requestor")
	sysID, acctID, ok := e.srv.AccountIDs("pg-prod", "postgres")
	require.True(t, ok)

	policies, _, err := req.Requests.TestAccessPolicies(bg, &ps.TestAccessPoliciesOptions{SystemID: sysID, AccountID: acctID, DurationMinutes: 30})
	require.NoError(t, err)
	require.Len(t, policies, 1)
	require.Len(t, policies[0].Schedules, 1)
	sch := policies[0].Schedules[0]
	assert.True(t, sch.RequireReason)
	assert.True(t, sch.RequireTicketSystem)
	assert.Equal(t, passwordsafetest.TicketSystemID, sch.TicketSystemID)
	require.Len(t, sch.AccessTypes, 2)
	assert.Equal(t, ps.AccessView, sch.AccessTypes[0].AccessType)
	assert.Equal(t, 1, sch.AccessTypes[0].MinApprovers)
	assert.True(t, sch.AccessTypes[1].IsSession)

	// What the test said holds: without a reason and a ticket the request is refused.
	_, _, err = req.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysID, AccountID: acctID, DurationMinutes: 30})
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusBadRequest, er.StatusCode)
	created, _, err := req.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysID, AccountID: acctID, DurationMinutes: 30,
		Reason: "audit", TicketSystemID: ps.Ptr(sch.TicketSystemID), TicketNumber: "INC-7", AccessPolicyScheduleID: ps.Ptr(sch.ScheduleID)})
	require.NoError(t, err)
	assert.NotZero(t, created.RequestID)

	// Past the account's maximum no policy applies.
	policies, _, err = req.Requests.TestAccessPolicies(bg, &ps.TestAccessPoliciesOptions{SystemID: sysID, AccountID: acctID, DurationMinutes: 61})
	require.NoError(t, err)
	assert.Empty(t, policies)
	_, _, err = e.as("approver").Requests.TestAccessPolicies(bg, &ps.TestAccessPoliciesOptions{SystemID: sysID, AccountID: acctID, DurationMinutes: 5})
	assert.ErrorIs(t, err, ps.ErrRequestorOnly)
}

func TestE2ECreateISASession(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	isa, admin := e.as("isa"), e.as("admin")

	ticket, resp, err := isa.Sessions.CreateISA(bg, &ps.CreateISASessionOptions{
		SessionType: ps.SessionSSH, SystemID: sysWeb01, AccountID: acctRoot, Reason: "hotfix", DurationMinutes: ps.Ptr(15),
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.NotZero(t, ticket.SessionID)
	assert.NotEmpty(t, ticket.Command)
	assert.Equal(t, passwordsafetest.NodeID, ticket.NodeID)

	s, _, err := admin.Sessions.Get(bg, ticket.SessionID)
	require.NoError(t, err)
	assert.Equal(t, ps.SessionSSH, s.SessionType)
	assert.NotZero(t, s.RequestID)
	assert.Equal(t, acctRoot, s.ManagedAccountID)
	info, _ := e.srv.Request(s.RequestID)
	assert.True(t, info.ISA)
	assert.Equal(t, passwordsafetest.StatusActive, info.Status)
	assert.Equal(t, 15, info.DurationMinutes)

	// An RDP file with the newer options; Administrators may too.
	file, _, err := admin.Sessions.CreateISA(bg, &ps.CreateISASessionOptions{
		SessionType: ps.SessionRDPFile, SystemID: sysWin01, AccountID: acctAdministator,
		Resolution: "1920x1080", Record: ps.Ptr(false),
	})
	require.NoError(t, err)
	assert.Contains(t, string(file.File), "desktopwidth:i:1920")
	assert.Equal(t, "win01.rdp", file.FileName)
	sessions := e.sessionsMade()
	require.Len(t, sessions, 2)
	assert.False(t, sessions[1].Record)
	assert.Equal(t, "1920x1080", sessions[1].Resolution)

	_, _, err = e.as("requestor").Sessions.CreateISA(bg, &ps.CreateISASessionOptions{SessionType: ps.SessionSSH, SystemID: sysWeb01, AccountID: acctRoot})
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	_, _, err = isa.Sessions.CreateISA(bg, &ps.CreateISASessionOptions{SessionType: ps.SessionSSH, SystemID: sysWeb01, AccountID: acctRoot,
		NodeID: passwordsafetest.RetiredNodeID})
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusBadRequest, er.StatusCode, "an inactive node")
}

// liveSessions opens two SSH sessions on web01/root and one RDP session on
// win01 as requestor; it returns their IDs.
func liveSessions(t *testing.T, e *e2e) (ssh1, ssh2, rdp int) {
	t.Helper()
	rita := e.as("requestor")
	a, _, err := rita.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessSSH, SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 60})
	require.NoError(t, err)
	var ids []int
	for range 2 {
		tk, _, err := rita.Sessions.Create(bg, a.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionSSHTicket})
		require.NoError(t, err)
		ids = append(ids, tk.SessionID)
	}
	w, _, err := rita.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessRDP, SystemID: sysWin01, AccountID: acctAdministator, DurationMinutes: 60})
	require.NoError(t, err)
	tk, _, err := rita.Sessions.Create(bg, w.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionRDPTicket, Resolution: "Maximized"})
	require.NoError(t, err)
	return ids[0], ids[1], tk.SessionID
}

func status(t *testing.T, e *e2e, id int) ps.SessionStatus {
	t.Helper()
	for _, s := range e.srv.Sessions() {
		if s.SessionID == id {
			return ps.SessionStatus(s.Status)
		}
	}
	t.Fatalf("no session %d", id)
	return 0
}

func TestE2ELockTerminateWith(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ssh1, ssh2, rdp := liveSessions(t, e)
	isa := e.as("isa")

	res, resp, err := isa.Sessions.LockWith(bg, ssh1, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Nil(t, res)
	assert.Equal(t, ps.SessionLocked, status(t, e, ssh1))

	res, resp, err = isa.Sessions.LockWith(bg, ssh2, &ps.SessionActionOptions{Feedback: true})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotNil(t, res)
	var report struct {
		Action   string
		Sessions []struct{ SessionID, Status int }
	}
	require.NoError(t, json.Unmarshal(res.Details, &report))
	assert.Equal(t, "Lock", report.Action)
	assert.Equal(t, ssh2, report.Sessions[0].SessionID)
	assert.Equal(t, int(ps.SessionLocked), report.Sessions[0].Status)

	res, _, err = e.as("quarantine").Sessions.TerminateWith(bg, rdp, &ps.SessionActionOptions{Feedback: true})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(res.Details, &report))
	assert.Equal(t, "Terminate", report.Action)
	assert.Equal(t, int(ps.SessionTerminated), report.Sessions[0].Status)
	res, resp, err = isa.Sessions.TerminateWith(bg, ssh1, nil)
	require.NoError(t, err)
	assert.Nil(t, res)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, ps.SessionTerminated, status(t, e, ssh1))

	_, _, err = isa.Sessions.TerminateWith(bg, ssh1, &ps.SessionActionOptions{Feedback: true})
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusBadRequest, er.StatusCode, "an ended session")
	_, _, err = isa.Sessions.LockWith(bg, 999999, nil)
	assert.ErrorIs(t, err, ps.ErrNotFound)
	_, _, err = e.as("requestor").Sessions.LockWith(bg, ssh2, nil)
	assert.ErrorIs(t, err, ps.ErrNoPermission)
}

func TestE2ESessionsBySystemAndAccount(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	ssh1, ssh2, rdp := liveSessions(t, e)
	quarantine := e.as("quarantine")

	res, resp, err := quarantine.Sessions.LockSystemSessions(bg, sysWeb01, nil)
	require.NoError(t, err)
	assert.Nil(t, res)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, ps.SessionLocked, status(t, e, ssh1))
	assert.Equal(t, ps.SessionLocked, status(t, e, ssh2))
	assert.Equal(t, ps.SessionInProgress, status(t, e, rdp), "another system")

	res, _, err = quarantine.Sessions.LockAccountSessions(bg, acctAdministator, &ps.SessionActionOptions{Feedback: true})
	require.NoError(t, err)
	var report struct {
		Scope    string
		ID       int
		Count    int
		Sessions []struct{ SessionID int }
	}
	require.NoError(t, json.Unmarshal(res.Details, &report))
	assert.Equal(t, "ManagedAccount", report.Scope)
	assert.Equal(t, acctAdministator, report.ID)
	require.Equal(t, 1, report.Count)
	assert.Equal(t, rdp, report.Sessions[0].SessionID)
	assert.Equal(t, ps.SessionLocked, status(t, e, rdp))

	res, _, err = quarantine.Sessions.TerminateAccountSessions(bg, acctRoot, &ps.SessionActionOptions{Feedback: true})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(res.Details, &report))
	assert.Equal(t, 2, report.Count, "locked sessions are live: they are terminated")
	assert.Equal(t, ps.SessionTerminated, status(t, e, ssh1))
	assert.Equal(t, ps.SessionTerminated, status(t, e, ssh2))

	_, resp, err = e.as("admin").Sessions.TerminateSystemSessions(bg, sysWin01, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, ps.SessionTerminated, status(t, e, rdp))
	for _, s := range e.sessionsMade() {
		assert.False(t, s.Live(), "session %d is still live", s.SessionID)
	}

	// The ISA role may lock one session, not every session of a system.
	_, _, err = e.as("isa").Sessions.LockSystemSessions(bg, sysWeb01, nil)
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	_, _, err = e.as("auditor").Sessions.TerminateAccountSessions(bg, acctRoot, nil)
	assert.ErrorIs(t, err, ps.ErrNoPermission)
	_, _, err = quarantine.Sessions.TerminateSystemSessions(bg, 999, nil)
	assert.ErrorIs(t, err, ps.ErrNotFound)
}

func TestE2ENodes(t *testing.T) {
	t.Parallel()
	e := newE2E(t, passwordsafetest.WithTime(epochE2E),
		passwordsafetest.WithNode(passwordsafetest.Node{ID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", DisplayName: "EU proxy"}))
	c := e.as("requestor")

	nodes, _, err := c.Sessions.Nodes(bg, nil)
	require.NoError(t, err)
	require.Len(t, nodes, 2, "the fake's own node and the seeded one; seeding a node drops the default inactive one")
	assert.Equal(t, passwordsafetest.NodeID, nodes[0].NodeID)
	assert.True(t, nodes[0].IsActive)
	assert.True(t, nodes[0].LastHeartbeat.Equal(epochE2E), "an active node reports the fake's clock")
	assert.Equal(t, "EU proxy", nodes[1].DisplayName)

	inactive := newE2E(t)
	all, _, err := inactive.as("auditor").Sessions.Nodes(bg, &ps.ListNodesOptions{IncludeInactive: true})
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, passwordsafetest.RetiredNodeID, all[1].NodeID)
	assert.False(t, all[1].IsActive)
	assert.False(t, all[1].LastHeartbeat.IsZero())

	// A session through the chosen node reports it.
	rq, _, err := c.Requests.Create(bg, &ps.CreateRequestOptions{AccessType: ps.AccessSSH, SystemID: sysWeb01, AccountID: acctRoot, DurationMinutes: 5})
	require.NoError(t, err)
	tk, _, err := c.Sessions.Create(bg, rq.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionSSH, NodeID: nodes[1].NodeID})
	require.NoError(t, err)
	assert.Equal(t, nodes[1].NodeID, tk.NodeID)
}

func TestE2EServerVersion(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	v, _, err := e.as("requestor").ServerVersion(bg)
	require.NoError(t, err)
	assert.Equal(t, passwordsafetest.DefaultServerVersion, v.Version)

	e = newE2E(t, passwordsafetest.WithServerVersion("24.3.1.17"))
	v, _, err = e.as("auditor").ServerVersion(bg)
	require.NoError(t, err)
	assert.Equal(t, "24.3.1.17", v.String())
	assert.True(t, v.AtLeast("24.3"))
	assert.False(t, v.AtLeast("25.1"))
}

func TestE2EMFA(t *testing.T) {
	t.Parallel()
	const code = "246810"
	e := newE2E(t, passwordsafetest.WithMFA(code))

	// Without WithMFA: the challenge is ErrMFARequired, and nothing else is sent.
	_, err := e.as("requestor").SignIn(bg)
	assert.ErrorIs(t, err, ps.ErrMFARequired)
	assert.ErrorIs(t, err, ps.ErrUnauthorized)

	assert.Equal(t, 1, e.srv.Calls("", ""), "the challenged sign-in only")

	// With it: the prompt reaches the function, the code signs in.
	e.srv.ResetCalls()
	var asked atomic.Int32
	var prompt atomic.Value
	c := e.as("requestor", ps.WithMFA(func(_ context.Context, p string) (string, error) {
		asked.Add(1)
		prompt.Store(p)
		return code, nil
	}))
	u, err := c.SignIn(bg)
	require.NoError(t, err)
	assert.Equal(t, "requestor", u.UserName)
	assert.Equal(t, passwordsafetest.DefaultMFAPrompt, prompt.Load())
	_, _, err = c.Requests.List(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(1), asked.Load())
	assert.Equal(t, 2, e.srv.Calls("POST", "Auth/SignAppin"), "the challenge and its answer")

	// An idle session ends: the transparent sign-in is challenged again.
	e.srv.ExpireSessions()
	_, _, err = c.Requests.List(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(2), asked.Load())

	// A wrong code is refused as a challenge again.
	wrong := e.as("approver", ps.WithMFA(func(context.Context, string) (string, error) { return "000000", nil }))
	_, err = wrong.SignIn(bg)
	assert.ErrorIs(t, err, ps.ErrMFARequired)
	assert.NotContains(t, err.Error(), "000000")
	// A code function's own error is returned, wrapped.
	failing := e.as("approver", ps.WithMFA(func(context.Context, string) (string, error) { return "", errors.New("no phone") }))
	_, err = failing.SignIn(bg)
	assert.ErrorContains(t, err, "no phone")
}

func TestE2EBearerToken(t *testing.T) {
	t.Parallel()
	e := newE2E(t, passwordsafetest.WithTime(epochE2E), passwordsafetest.WithTokenLifetime(10*time.Minute))
	var issued atomic.Int32
	c, err := ps.NewClient(e.srv.URL(), ps.WithBearerToken(func(context.Context) (string, error) {
		issued.Add(1)
		return e.srv.IssueToken("isa")
	}))
	require.NoError(t, err)

	u, err := c.SignIn(bg)
	require.NoError(t, err)
	assert.Equal(t, "isa", u.UserName)
	pw, _, err := c.Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: sysWeb01, AccountID: acctRoot})
	require.NoError(t, err)
	assert.Equal(t, e.srv.Password("web01", "root"), pw.Value())
	assert.Equal(t, int32(1), issued.Load())

	// Past the token's life and the session's idle time: the next call
	// signs in again with a new token, transparently.
	e.srv.Advance(21 * time.Minute)
	_, _, err = c.Sessions.List(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(2), issued.Load())

	// A token the fake does not know is refused, after one fresh ask.
	var asked atomic.Int32
	bad, err := ps.NewClient(e.srv.URL(), ps.WithBearerToken(func(context.Context) (string, error) {
		asked.Add(1)
		return "not-a-token", nil
	}))
	require.NoError(t, err)
	_, err = bad.SignIn(bg)
	assert.ErrorIs(t, err, ps.ErrUnauthorized)
	assert.Equal(t, int32(2), asked.Load())
	assert.False(t, strings.Contains(err.Error(), "not-a-token"))
}
