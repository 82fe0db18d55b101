package passwordsafetest

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// sessionCookie is the cookie that carries a signed-in session.
const sessionCookie = "ASP.NET_SessionId"

// authSession is a signed-in API session, or, with WithMFA, one that
// waits for the multi-factor code (pending): such a session signs nothing
// in, it only carries the challenge to the repeated sign-in.
type authSession struct {
	user     *user
	lastSeen time.Time
	pending  bool
}

// grant is what a bearer token signs in as.
type grant struct {
	user    *user
	expires time.Time
}

// userJSON is the User object SignAppin answers.
type userJSON struct {
	UserID       int `json:"UserId"`
	SID          string
	EmailAddress string
	UserName     string
	Name         string
}

// msgMFARequired is the body of the 401 that asks for a multi-factor code.
const msgMFARequired = "Multi-factor authentication is required. Repeat the sign-in on this session with challenge=<code>; in the PS-Auth header."

// signAppin signs in with PS-Auth (key, runas, optional pwd) or a Bearer
// token, and answers the user with a new session cookie.
//
// With WithMFA a PS-Auth sign-in is challenged, as the vendor's PowerShell
// sample shows it [PS1]: without challenge=<code> it answers 401 with
// WWW-Authenticate-2FA: <prompt> and a session cookie; the repeat on that
// cookie with the right code signs in that session; a wrong code answers
// the 401 again on the same session. The reference does not show the body
// of the 401; the fake sends a JSON string, as for its other errors.
//
// API: POST Auth/SignAppin
func (s *Server) signAppin(c *call) reply {
	u, challenge, psAuth := s.authorizeLocked(c.r.Header.Get("Authorization"), c.now)
	if u == nil {
		return errorReply(http.StatusUnauthorized, msgSignInFailed)
	}
	c.user = u // for the call log
	id := ""
	if psAuth && s.cfg.mfaCode != "" {
		var prev *authSession
		if ck, err := c.r.Cookie(sessionCookie); err == nil {
			if as, ok := s.authSessions[ck.Value]; ok && as.pending && as.user == u {
				id, prev = ck.Value, as
			}
		}
		if prev == nil || challenge == "" || !equalSecret(challenge, s.cfg.mfaCode) {
			if prev == nil {
				id = newSessionID()
				s.authSessions[id] = &authSession{user: u, lastSeen: c.now, pending: true}
			}
			s.authSessions[id].lastSeen = c.now
			rep := errorReply(http.StatusUnauthorized, msgMFARequired)
			rep.header().Set("WWW-Authenticate-2FA", s.cfg.mfaPrompt)
			rep.header().Set("Set-Cookie", sessionCookie+"="+id+"; path=/; HttpOnly")
			return rep
		}
		// The challenged session is now signed in (its cookie stays).
		prev.pending, prev.lastSeen = false, c.now
	} else {
		id = newSessionID()
		s.authSessions[id] = &authSession{user: u, lastSeen: c.now}
	}
	rep := jsonReply(http.StatusOK, userJSON{
		UserID: u.id, SID: u.sid(), EmailAddress: u.email, UserName: u.userName, Name: u.name,
	})
	rep.header().Set("Set-Cookie", sessionCookie+"="+id+"; path=/; HttpOnly")
	return rep
}

// newSessionID returns an ASP.NET session ID: 24 characters of a-z and 0-5.
func newSessionID() string { return randomString(24, "abcdefghijklmnopqrstuvwxyz012345") }

// authorizeLocked returns the user an Authorization header signs in as
// (nil when none), the PS-Auth challenge it carries, and whether it is a
// PS-Auth (API key) header.
func (s *Server) authorizeLocked(h string, now time.Time) (u *user, challenge string, psAuth bool) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		g, ok := s.tokens[strings.TrimSpace(rest)]
		if !ok || !now.Before(g.expires) {
			return nil, "", false
		}
		return g.user, "", false
	case strings.EqualFold(scheme, "PS-Auth"):
		a := parsePSAuth(rest)
		if !equalSecret(a.key, s.cfg.apiKey) {
			return nil, "", true
		}
		u := s.userByName(a.runAs)
		if u == nil {
			return nil, "", true
		}
		// Users without a run-as password ignore a pwd that is sent anyway.
		if u.password != "" && (!a.hasPwd || !equalSecret(a.pwd, u.password)) {
			return nil, "", true
		}
		return u, a.challenge, true
	}
	return nil, "", false
}

// psAuthHeader is what a PS-Auth header says.
type psAuthHeader struct {
	key, runAs, pwd, challenge string
	hasPwd                     bool
}

// parsePSAuth reads "key=<k>; runas=<user>; pwd=[<password>]; challenge=<code>;".
// The password sits between brackets and may itself hold ';' or ']': it
// runs to the last ']' of the header.
func parsePSAuth(v string) psAuthHeader {
	var a psAuthHeader
	if i := strings.Index(strings.ToLower(v), "pwd=["); i >= 0 {
		if j := strings.LastIndex(v, "]"); j > i+4 {
			a.pwd, a.hasPwd = v[i+5:j], true
			v = v[:i] + v[j+1:]
		}
	}
	for _, part := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "key":
			a.key = strings.TrimSpace(val)
		case "runas":
			a.runAs = strings.TrimSpace(val)
		case "challenge":
			a.challenge = strings.TrimSpace(val)
		}
	}
	return a
}

func equalSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// authenticateLocked finds the caller's session from its cookie and
// refreshes its idle time. Idle-expired sessions are dropped.
func (s *Server) authenticateLocked(r *http.Request, now time.Time) (*user, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	as, ok := s.authSessions[ck.Value]
	if !ok || as.pending {
		return nil, false
	}
	if now.Sub(as.lastSeen) >= s.cfg.idleTimeout {
		delete(s.authSessions, ck.Value)
		return nil, false
	}
	as.lastSeen = now
	return as.user, true
}

// tokenJSON is the OAuth token endpoint's answer.
type tokenJSON struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
}

// issueToken is the OAuth client-credentials grant. The client may send its
// credentials in the form or with HTTP Basic authentication.
//
// API: POST Auth/connect/token
func (s *Server) issueToken(c *call) reply {
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return jsonReply(http.StatusBadRequest, map[string]string{"error": "invalid_request"})
	}
	if form.Get("grant_type") != "client_credentials" {
		return jsonReply(http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
	}
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if bid, bsecret, ok := c.r.BasicAuth(); ok {
		id, secret = bid, bsecret
	}
	if !equalSecret(id, s.cfg.oauthID) || !equalSecret(secret, s.cfg.oauthSecret) {
		return jsonReply(http.StatusBadRequest, map[string]string{"error": "invalid_client"})
	}
	tok := s.newTokenLocked(s.userByName(s.cfg.oauthRunAs), c.now)
	rep := jsonReply(http.StatusOK, tokenJSON{
		AccessToken: tok,
		ExpiresIn:   int(s.cfg.tokenLifetime / time.Second),
		TokenType:   "Bearer",
		Scope:       "publicapi",
	})
	rep.header().Set("Cache-Control", "no-store")
	return rep
}

// signOut ends the caller's session, if it has one, and answers 200 with
// no body either way: the reference lists 200 as its only answer
// (docs.beyondtrust.com/bips/v26.1/reference/post-api-public-v3-auth-signout,
// "Successfully signed out"), so a call without a session, or with one that
// has expired, is not refused with 401. (That page's permission line, "A
// user must be signed in to be able to sign out", says what there is to end,
// not an answer.)
//
// API: POST Auth/Signout
func (s *Server) signOut(c *call) reply {
	if ck, err := c.r.Cookie(sessionCookie); err == nil {
		if as, ok := s.authSessions[ck.Value]; ok && !as.pending {
			c.user = as.user // for the call log
		}
		delete(s.authSessions, ck.Value)
	}
	return reply{status: http.StatusOK}
}

// sweepAuthLocked forgets idle sessions and expired tokens.
func (s *Server) sweepAuthLocked(now time.Time) {
	for id, as := range s.authSessions {
		if now.Sub(as.lastSeen) >= s.cfg.idleTimeout {
			delete(s.authSessions, id)
		}
	}
	for tok, g := range s.tokens {
		if !now.Before(g.expires) {
			delete(s.tokens, tok)
		}
	}
}

// newTokenLocked issues a bearer token for u, good for the token lifetime.
func (s *Server) newTokenLocked(u *user, now time.Time) string {
	tok := randomString(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
	s.tokens[tok] = grant{user: u, expires: now.Add(s.cfg.tokenLifetime)}
	return tok
}

// IssueToken returns a bearer token that signs in as the seeded user (POST
// Auth/SignAppin with "Authorization: Bearer <token>"), as a token that an
// identity broker handed out would: for the SDK's WithBearerToken. It lasts
// the token lifetime (WithTokenLifetime) on the fake's clock. Each call
// issues a new token; an unknown user is an error.
func (s *Server) IssueToken(userName string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByName(userName)
	if u == nil {
		return "", fmt.Errorf("passwordsafetest: IssueToken: no user %q", userName)
	}
	return s.newTokenLocked(u, s.clock.now()), nil
}
