package passwordsafetest

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
)

// Incident response ("global quarantine"): ending every open request of an
// account, a system or a user, and locking or terminating every live
// session of a system or an account. These need the Password Safe API
// Global Quarantine permission [REF-TERM; OAS v26.1: Full control], which
// the fake gives the Quarantine role and the Administrators group; anyone
// else gets 403 4031.
//
// With ?feedback=true newer servers answer "termination details" / "result
// details" instead of 204 [OAS v26.1, v25.3], but no reference page shows
// their shape. The fake answers 200 with a JSON object of its own making,
// described at terminationReport and sessionReport; a client should keep
// such an answer as raw JSON (the SDK does) rather than rely on its fields.

const msgQuarantineOnly = "User does not have permission to use this API. It needs the Password Safe API Global Quarantine permission (Full control)."

// Termination is one call to POST ManagedAccounts|ManagedSystems|Users/{id}/Requests/Terminate
// that the fake acted on.
type Termination struct {
	Scope      string // "ManagedAccount", "ManagedSystem" or "User"
	ID         int    // the account, system or user ID of the path
	User       string // who called
	Reason     string // the Reason of the body; "" when none
	RequestIDs []int  // the requests it ended, by ID (none when nothing was open)
	Time       time.Time
}

// Terminations returns every Requests/Terminate call the fake acted on, in
// order: what a test asserts to know who ended what, and why.
func (s *Server) Terminations() []Termination {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Termination, 0, len(s.terminations))
	for _, t := range s.terminations {
		t.RequestIDs = slices.Clone(t.RequestIDs)
		out = append(out, t)
	}
	return out
}

// terminationReportJSON is the fake's answer to ?feedback=true on the
// Requests/Terminate calls: what was ended, with each request's status
// before it was.
type terminationReportJSON struct {
	Scope    string // ManagedAccount, ManagedSystem or User
	ID       int
	Reason   string
	Count    int
	Requests []terminatedRequestJSON
}

type terminatedRequestJSON struct {
	RequestID       int
	RequestorUserID int
	RequestorName   string
	SystemID        int
	AccountID       int
	AccessType      string
	Status          string // before the termination: always Active
}

// terminateAccountRequests ends every active request for one managed
// account, whoever made it; pending requests are left to their approvers
// (docs.beyondtrust.com/bips/reference/post-api-public-v3-managedaccounts-
// managedaccountid-requests-terminate: "Terminates all active requests").
//
// API: POST ManagedAccounts/{managedAccountID}/Requests/Terminate?feedback=true|false
func (s *Server) terminateAccountRequests(c *call) reply {
	return s.terminateRequests(c, "ManagedAccount", func(id int) (func(*request) bool, bool) {
		for _, a := range s.accounts {
			if a.id == id {
				return func(rq *request) bool { return rq.acct == a }, true
			}
		}
		return nil, false
	})
}

// terminateSystemRequests ends every active request for any account of one
// managed system (v26.1 post-api-public-v3-managedsystems-managedsystemid-
// requests-terminate: "Terminates all active requests").
//
// API: POST ManagedSystems/{managedSystemID}/Requests/Terminate?feedback=true|false
func (s *Server) terminateSystemRequests(c *call) reply {
	return s.terminateRequests(c, "ManagedSystem", func(id int) (func(*request) bool, bool) {
		for _, sy := range s.systems {
			if sy.id == id {
				return func(rq *request) bool { return rq.acct.sys == sy }, true
			}
		}
		return nil, false
	})
}

// terminateUserRequests ends every active request the user made, as the
// other two calls do.
//
// API: POST Users/{userID}/Requests/Terminate?feedback=true|false
func (s *Server) terminateUserRequests(c *call) reply {
	return s.terminateRequests(c, "User", func(id int) (func(*request) bool, bool) {
		for _, u := range s.users {
			if u.id == id {
				return func(rq *request) bool { return rq.owner == u }, true
			}
		}
		return nil, false
	})
}

// terminateRequests is the three calls: body {Reason} (optional, at most
// 1000 characters), 204, or 200 with terminationReportJSON when
// feedback=true. An unknown ID answers 404. Each active request moves to
// StatusTerminated keeping the caller and the reason; a released password
// is rotated when the request says so (RotateOnCheckin), and its sessions
// are terminated (Status 7). A pending request is not touched: the
// reference says the calls end active requests, and a pending one has
// released nothing yet.
func (s *Server) terminateRequests(c *call, scope string, find func(int) (func(*request) bool, bool)) reply {
	feedback, msg := boolParam(c, "feedback")
	if msg != "" {
		return badRequest(msg)
	}
	reason, rep, ok := readReason(c)
	if !ok {
		return rep
	}
	if !c.user.mayQuarantine() {
		return forbidden(4031, msgQuarantineOnly)
	}
	id := c.id(0)
	match, ok := find(id)
	if !ok {
		return notFound(fmt.Sprintf("%s %d was not found.", scopeName(scope), id))
	}
	report := terminationReportJSON{Scope: scope, ID: id, Reason: reason, Requests: []terminatedRequestJSON{}}
	t := Termination{Scope: scope, ID: id, User: c.user.userName, Reason: reason, Time: c.now}
	for _, rq := range s.sortedLive() {
		if rq.state != stateActive || !match(rq) {
			continue
		}
		report.Requests = append(report.Requests, terminatedRequestJSON{
			RequestID: rq.id, RequestorUserID: rq.owner.id, RequestorName: rq.owner.userName,
			SystemID: rq.acct.sys.id, AccountID: rq.acct.id, AccessType: rq.accessType,
			Status: rq.json().Status,
		})
		t.RequestIDs = append(t.RequestIDs, rq.id)
		rq.terminator, rq.termination = c.user, reason
		for _, ps := range rq.sessions {
			ps.finish(sessionTerminated, c.now)
		}
		s.endRequestLocked(rq, stateTerm, c.now)
	}
	report.Count = len(report.Requests)
	s.terminations = append(s.terminations, t)
	if feedback {
		return jsonReply(http.StatusOK, report)
	}
	return noContent()
}

// scopeName is how a 404 names the scope.
func scopeName(scope string) string {
	switch scope {
	case "ManagedAccount":
		return "Managed Account"
	case "ManagedSystem":
		return "Managed System"
	}
	return scope
}

// sessionReportJSON is the fake's answer to ?feedback=true on the lock and
// terminate calls: the sessions acted on, with their status after.
type sessionReportJSON struct {
	Action   string // Lock or Terminate
	Scope    string // Session, ManagedSystem or ManagedAccount
	ID       int
	Count    int
	Sessions []sessionResultJSON
}

type sessionResultJSON struct {
	SessionID        int
	UserID           int
	ManagedSystemID  *int
	ManagedAccountID *int
	Status           int // after: 5 locked, 7 terminated
}

func sessionReport(action, scope string, id int, sessions []*psmSession) sessionReportJSON {
	out := sessionReportJSON{Action: action, Scope: scope, ID: id, Count: len(sessions), Sessions: []sessionResultJSON{}}
	for _, ps := range sessions {
		out.Sessions = append(out.Sessions, sessionResultJSON{
			SessionID: ps.id, UserID: ps.user.id, ManagedSystemID: nullInt(ps.systemID),
			ManagedAccountID: nullInt(ps.accountID), Status: ps.status,
		})
	}
	return out
}

// lockSystemSessions locks every live session on a managed system.
//
// API: POST ManagedSystems/{id}/Sessions/Lock?feedback=true|false
func (s *Server) lockSystemSessions(c *call) reply {
	return s.sessionsAction(c, "Lock", "ManagedSystem")
}

// terminateSystemSessions ends every live session on a managed system.
//
// API: POST ManagedSystems/{id}/Sessions/Terminate?feedback=true|false
func (s *Server) terminateSystemSessions(c *call) reply {
	return s.sessionsAction(c, "Terminate", "ManagedSystem")
}

// lockAccountSessions locks every live session opened with a managed
// account.
//
// API: POST ManagedAccounts/{id}/Sessions/Lock?feedback=true|false
func (s *Server) lockAccountSessions(c *call) reply {
	return s.sessionsAction(c, "Lock", "ManagedAccount")
}

// terminateAccountSessions ends every live session opened with a managed
// account.
//
// API: POST ManagedAccounts/{id}/Sessions/Terminate?feedback=true|false
func (s *Server) terminateAccountSessions(c *call) reply {
	return s.sessionsAction(c, "Terminate", "ManagedAccount")
}

// sessionsAction is the four calls: no body; 204, or 200 with
// sessionReportJSON when feedback=true (Count 0 when nothing was live). An
// unknown system or account answers 404. Only the Global Quarantine
// permission may [OAS]: not the ISA role, which may lock one session.
// Admin sessions (POST Sessions/Admin) belong to no managed system and are
// never matched.
func (s *Server) sessionsAction(c *call, action, scope string) reply {
	feedback, msg := boolParam(c, "feedback")
	if msg != "" {
		return badRequest(msg)
	}
	if !c.user.mayQuarantine() {
		return forbidden(4031, msgQuarantineOnly)
	}
	id := c.id(0)
	known := false
	if scope == "ManagedSystem" {
		known = slices.ContainsFunc(s.systems, func(sy *system) bool { return sy.id == id })
	} else {
		known = slices.ContainsFunc(s.accounts, func(a *account) bool { return a.id == id })
	}
	if !known {
		return notFound(fmt.Sprintf("%s %d was not found.", scopeName(scope), id))
	}
	var hit []*psmSession
	for _, ps := range s.sessions {
		if !ps.live() || scope == "ManagedSystem" && ps.systemID != id || scope == "ManagedAccount" && ps.accountID != id {
			continue
		}
		if action == "Lock" {
			ps.status = sessionLocked
		} else {
			ps.finish(sessionTerminated, c.now)
		}
		hit = append(hit, ps)
	}
	sort.Slice(hit, func(i, j int) bool { return hit[i].id < hit[j].id })
	if feedback {
		return jsonReply(http.StatusOK, sessionReport(action, scope, id, hit))
	}
	return noContent()
}
