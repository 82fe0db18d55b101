package passwordsafetest

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The life of a request after it is made: approval, denial, check-in,
// rotation, and the credential it releases.

// reasonBody is the body of Approve, Deny and Checkin.
type reasonBody struct{ Reason string }

func readReason(c *call) (string, reply, bool) {
	var b reasonBody
	if rep, ok := decodeBody(c, &b, true); !ok {
		return "", rep, false
	}
	if utf8.RuneCountInString(b.Reason) > 1000 {
		return "", badRequest("Reason must be at most 1000 characters."), false
	}
	return b.Reason, reply{}, true
}

func requestNotFound(id int) reply { return notFound(fmt.Sprintf("Request %d was not found.", id)) }

// approveRequest adds the caller's approval; the credential is released
// once the policy has all the approvals it needs. The reference (the API
// guide's PUT Requests/{id}/Approve; docs.beyondtrust.com/bips/v26.1/
// reference/put-api-public-v3-requests-id-approve) has one answer for an
// approval that adds nothing: 403 with "4036 – Request has been approved
// already.". The fake gives it to any approval of an active request, and
// to an approver's second approval of a request that still waits for
// others; there the same code says what is true: that this approver has
// approved it already and how many approvals it still needs. A first
// approval that leaves the request pending answers 204, as one that
// releases it does.
//
// API: PUT Requests/{id}/Approve
func (s *Server) approveRequest(c *call) reply {
	reason, rep, ok := readReason(c)
	if !ok {
		return rep
	}
	return s.approveLocked(c, c.id(0), reason)
}

// approveLocked is an approval by c.user, from the API or from the test.
func (s *Server) approveLocked(c *call, id int, reason string) reply {
	rq, rep, ok := s.approverMayActLocked(c, id, msgOwnApproval, "approve")
	switch {
	case !ok:
		return rep
	case rq.state == stateActive:
		return forbidden(4036, msgAlreadyApproved)
	case rq.approvedBy(c.user):
		return forbidden(4036, fmt.Sprintf("Request has been approved already by this user; it is pending until %d more approver(s) approve it.",
			rq.needed-len(rq.approvals)))
	}
	_ = reason // the fake keeps who approved, not why
	rq.approvals = append(rq.approvals, c.user)
	if len(rq.approvals) >= rq.needed {
		rq.activate(c.now)
	}
	return noContent()
}

// approverMayActLocked checks what approving and denying share: c.user is
// an approver of the account, the request exists, is not c.user's own
// (ownMsg), and is still live. verb names the act in the 4031 message.
func (s *Server) approverMayActLocked(c *call, id int, ownMsg, verb string) (*request, reply, bool) {
	if !c.user.approver {
		return nil, forbidden(4033, msgApproverOnly), false
	}
	rq, ok := s.requests[id]
	switch {
	case !ok:
		return nil, requestNotFound(id), false
	case rq.owner == c.user:
		return nil, forbidden(4033, ownMsg), false
	case !mayApprove(c.user, rq.acct):
		return nil, forbidden(4031, "User does not have permission to "+verb+" requests for the account."), false
	case !rq.state.live():
		return nil, noLongerActive(rq), false
	}
	return rq, reply{}, true
}

// denyRequest denies a pending request or cancels an active one.
//
// API: PUT Requests/{id}/Deny
func (s *Server) denyRequest(c *call) reply {
	reason, rep, ok := readReason(c)
	if !ok {
		return rep
	}
	return s.denyLocked(c, c.id(0), reason)
}

// denyLocked is a denial by c.user, from the API or from the test.
func (s *Server) denyLocked(c *call, id int, reason string) reply {
	rq, rep, ok := s.approverMayActLocked(c, id, msgOwnDenial, "deny")
	if !ok {
		return rep
	}
	rq.deniedBy, rq.denyReason = c.user, reason
	if rq.state == statePending {
		s.endRequestLocked(rq, stateDenied, c.now)
	} else {
		s.endRequestLocked(rq, stateCancelled, c.now)
	}
	return noContent()
}

// ownLiveRequest finds a request of the caller that is still usable, or the
// answer that says why not.
func (s *Server) ownLiveRequest(c *call, id int) (*request, reply, bool) {
	rq, ok := s.requests[id]
	switch {
	case !ok:
		return nil, requestNotFound(id), false
	case rq.owner != c.user:
		return nil, forbidden(4031, msgNotOwner), false
	case rq.state == statePending:
		return nil, forbidden(4034, msgNotApproved), false
	case rq.state != stateActive:
		return nil, noLongerActive(rq), false
	}
	return rq, reply{}, true
}

// checkinRequest releases the caller's request before it expires.
//
// API: PUT Requests/{id}/Checkin
func (s *Server) checkinRequest(c *call) reply {
	reason, rep, ok := readReason(c)
	if !ok {
		return rep
	}
	rq, rep, ok := s.ownLiveRequest(c, c.id(0))
	if !ok {
		return rep
	}
	rq.checkinReason = reason
	s.endRequestLocked(rq, stateCheckedIn, c.now)
	s.checkins = append(s.checkins, Checkin{RequestID: rq.id, User: c.user.userName, Reason: reason, Time: c.now})
	return noContent()
}

// releaseRequest is the deprecated spelling of Checkin.
//
// API: PUT Requests/Release/{id}
func (s *Server) releaseRequest(c *call) reply { return s.checkinRequest(c) }

// rotateOnCheckin makes the request rotate the credential when it ends.
//
// API: PUT Requests/{id}/RotateOnCheckin
func (s *Server) rotateOnCheckin(c *call) reply {
	rq, ok := s.requests[c.id(0)]
	switch {
	case !ok:
		return requestNotFound(c.id(0))
	case rq.owner != c.user:
		return forbidden(4031, msgNotOwner)
	case !rq.state.live():
		return noLongerActive(rq)
	}
	rq.rotate = true
	return noContent()
}

// secretOf returns the credential of the given type (password, dsskey or
// passphrase), or ok false for an unknown type.
func secretOf(a *account, typ string) (string, bool) {
	switch strings.ToLower(typ) {
	case "", "password":
		return a.password, true
	case "dsskey":
		return a.privateKey, true
	case "passphrase":
		return a.passphrase, true
	}
	return "", false
}

const msgBadCredentialType = "type must be password, dsskey or passphrase."

// credentials answers the released credential as a JSON string.
//
// API: GET Credentials/{requestId}?type=password|dsskey|passphrase
func (s *Server) credentials(c *call) reply {
	typ, _ := c.query("type")
	rq, rep, ok := s.ownLiveRequest(c, c.id(0))
	if !ok {
		return rep
	}
	v, ok := secretOf(rq.acct, typ)
	if !ok {
		return badRequest(msgBadCredentialType)
	}
	return jsonReply(http.StatusOK, v)
}
