package passwordsafetest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// sessionCookie is the cookie that carries a signed-in session.
const sessionCookie = "ASP.NET_SessionId"

// authSession is a signed-in API session.
type authSession struct {
	user     *user
	lastSeen time.Time
}

// userJSON is the User object SignAppin answers.
type userJSON struct {
	UserID       int `json:"UserId"`
	SID          string
	EmailAddress string
	UserName     string
	Name         string
}

// signAppin signs in with PS-Auth (key, runas, optional pwd) or a Bearer
// token, and answers the user with a new session cookie.
//
// API: POST Auth/SignAppin
func (s *Server) signAppin(c *call) reply {
	u := s.authorizeLocked(c.r.Header.Get("Authorization"), c.now)
	if u == nil {
		return errorReply(http.StatusUnauthorized, msgSignInFailed)
	}
	// ASP.NET session IDs are 24 characters of a-z and 0-5.
	id := randomString(24, "abcdefghijklmnopqrstuvwxyz012345")
	s.authSessions[id] = &authSession{user: u, lastSeen: c.now}
	c.user = u // for the call log
	rep := jsonReply(http.StatusOK, userJSON{
		UserID: u.id, SID: u.sid(), EmailAddress: u.email, UserName: u.userName, Name: u.name,
	})
	rep.header().Set("Set-Cookie", sessionCookie+"="+id+"; path=/; HttpOnly")
	return rep
}

// authorizeLocked returns the user an Authorization header signs in as,
// or nil.
func (s *Server) authorizeLocked(h string, now time.Time) *user {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		exp, ok := s.tokens[strings.TrimSpace(rest)]
		if !ok || !now.Before(exp) {
			return nil
		}
		return s.userByName(s.cfg.oauthRunAs)
	case strings.EqualFold(scheme, "PS-Auth"):
		key, runAs, pwd, hasPwd := parsePSAuth(rest)
		if !equalSecret(key, s.cfg.apiKey) {
			return nil
		}
		u := s.userByName(runAs)
		if u == nil {
			return nil
		}
		// Users without a run-as password ignore a pwd that is sent anyway.
		if u.password != "" && (!hasPwd || !equalSecret(pwd, u.password)) {
			return nil
		}
		return u
	}
	return nil
}

// parsePSAuth reads "key=<k>; runas=<user>; pwd=[<password>];". The
// password sits between brackets and may itself hold ';' or ']': it runs to
// the last ']' of the header.
func parsePSAuth(v string) (key, runAs, pwd string, hasPwd bool) {
	if i := strings.Index(strings.ToLower(v), "pwd=["); i >= 0 {
		if j := strings.LastIndex(v, "]"); j > i+4 {
			pwd, hasPwd = v[i+5:j], true
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
			key = strings.TrimSpace(val)
		case "runas":
			runAs = strings.TrimSpace(val)
		}
	}
	return key, runAs, pwd, hasPwd
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
	if !ok {
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
	tok := randomString(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
	s.tokens[tok] = c.now.Add(s.cfg.tokenLifetime)
	rep := jsonReply(http.StatusOK, tokenJSON{
		AccessToken: tok,
		ExpiresIn:   int(s.cfg.tokenLifetime / time.Second),
		TokenType:   "Bearer",
		Scope:       "publicapi",
	})
	rep.header().Set("Cache-Control", "no-store")
	return rep
}

// signOut ends the caller's session.
//
// API: POST Auth/Signout
func (s *Server) signOut(c *call) reply {
	if ck, err := c.r.Cookie(sessionCookie); err == nil {
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
	for tok, exp := range s.tokens {
		if !now.Before(exp) {
			delete(s.tokens, tok)
		}
	}
}
