package passwordsafe

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"
)

// sessionJar is the SDK's own cookie jar: a net/http/cookiejar.Jar that
// remembers its answer for each scheme and host. http.Client asks the jar
// before every request, and the lookup (host canonicalisation, matching,
// sorting, fresh copies of every cookie) was the largest cost the SDK added
// to a call. The answer only changes when a cookie is set or expires, or
// with the request's path; so the jar remembers answers only while every
// cookie it was given has the path "/" and no expiry (the Password Safe
// session cookie is such a cookie). A cookie with another path or an expiry
// date turns the memory off for good, and the jar then answers as
// cookiejar does. Deleting a cookie (MaxAge < 0, as SignOut does) keeps it
// on. Any SetCookies forgets every remembered answer.
//
// The remembered cookies are shared between answers: the jar is reached
// only by the SDK's own http.Client, which reads them and never changes
// them.
type sessionJar struct {
	jar *cookiejar.Jar
	now func() time.Time

	mu     sync.Mutex
	memo   map[jarKey][]*http.Cookie
	noMemo bool
}

type jarKey struct{ scheme, host string }

func newSessionJar() (*sessionJar, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	return &sessionJar{jar: jar, now: time.Now}, nil
}

// Cookies implements http.CookieJar.
func (j *sessionJar) Cookies(u *url.URL) []*http.Cookie {
	key := jarKey{u.Scheme, u.Host}
	j.mu.Lock()
	defer j.mu.Unlock()
	if cookies, ok := j.memo[key]; ok {
		return cookies
	}
	cookies := j.jar.Cookies(u)
	if !j.noMemo {
		if j.memo == nil {
			j.memo = map[jarKey][]*http.Cookie{}
		}
		j.memo[key] = cookies
	}
	return cookies
}

// SetCookies implements http.CookieJar.
func (j *sessionJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.memo)
	now := j.now()
	for _, c := range cookies {
		deleted := c.MaxAge < 0 || (c.MaxAge == 0 && !c.Expires.IsZero() && !c.Expires.After(now))
		expires := c.MaxAge > 0 || (c.MaxAge == 0 && !c.Expires.IsZero())
		if !deleted && (expires || cookiePath(u, c) != "/") {
			j.noMemo = true
		}
	}
	if j.noMemo {
		j.memo = nil
	}
	j.jar.SetCookies(u, cookies)
}

// cookiePath is the path a cookie applies to: its Path attribute, or the
// default path of the URL that set it (RFC 6265, 5.1.4).
func cookiePath(u *url.URL, c *http.Cookie) string {
	if strings.HasPrefix(c.Path, "/") {
		return c.Path
	}
	p := u.Path
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return "/"
}
