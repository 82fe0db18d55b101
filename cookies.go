package passwordsafe

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// The session's cookies live in a cookie jar of the standard library's
// (net/http/cookiejar), private to the session: RFC 6265 as that jar
// applies it decides which cookie is sent where (domain, path, expiry,
// Secure), never a caller's jar and never rules of ours. A cookie the
// sign-in answer sets for another domain, for a path outside the API base,
// already expired, or marked Secure on a non-loopback http base is never
// sent.
//
// Asking the jar costs a lock, a sort and a few allocations, so a session
// keeps the Cookie header the jar gives for the API base, and uses it for
// every call until the first of its cookies expires. Only when a cookie is
// scoped below the base (a path such as .../v3/Requests), or once one has
// expired, is the jar asked for each call.

// setCookies stores the cookies an answer to the sign-in sets. They are set
// for the API base, so a cookie without a Path covers every call.
func (s *session) setCookies(base *url.URL, h http.Header) {
	if len(h["Set-Cookie"]) == 0 {
		return
	}
	cookies := (&http.Response{Header: h}).Cookies()
	if len(cookies) == 0 {
		return
	}
	if s.jar == nil {
		s.jar, _ = cookiejar.New(nil) // never fails without options
	}
	s.jar.SetCookies(base, cookies)
	now := time.Now()
	for _, ck := range cookies {
		if ck.Value != "" {
			s.values = append(s.values, ck.Value)
		}
		if below(ck.Path, base.Path) {
			s.perCall = true
		}
		var exp time.Time
		switch {
		case ck.MaxAge > 0:
			exp = now.Add(time.Duration(ck.MaxAge) * time.Second)
		case ck.MaxAge == 0 && !ck.Expires.IsZero():
			exp = ck.Expires
		}
		if !exp.IsZero() && (s.until.IsZero() || exp.Before(s.until)) {
			s.until = exp
		}
	}
}

// settle computes the Cookie header for the API base once the sign-in is
// done; the session does not change after.
func (s *session) settle(base *url.URL) {
	if s.jar != nil {
		s.cookie = cookieHeader(s.jar.Cookies(base))
	}
}

// cookieHeader returns the Cookie header for a call to u.
func (s *session) cookieHeader(u *url.URL) []string {
	if s.jar == nil {
		return nil
	}
	if !s.perCall && (s.until.IsZero() || time.Now().Before(s.until)) {
		return s.cookie
	}
	return cookieHeader(s.jar.Cookies(u))
}

func cookieHeader(cookies []*http.Cookie) []string {
	if len(cookies) == 0 {
		return nil
	}
	var b strings.Builder
	for i, ck := range cookies {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(ck.String())
	}
	return []string{b.String()}
}

// below reports a cookie path that covers some paths under the API base
// but not the base itself (RFC 6265, 5.1.4).
func below(cookiePath, basePath string) bool {
	dir := strings.TrimSuffix(basePath, "/") + "/"
	return strings.HasPrefix(cookiePath, dir) && cookiePath != dir
}
