package passwordsafe

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestSessionCookieCache: the session keeps the jar's Cookie header for
// the API base until the first cookie expires (Max-Age counts seconds; an
// Expires date counts when there is no Max-Age), and asks the jar for
// every call only when a cookie is scoped below the base.
func TestSessionCookieCache(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://vault.example.test/api/")
	set := func(cookies ...string) *session {
		s := &session{}
		s.setCookies(base, http.Header{"Set-Cookie": cookies})
		s.settle(base)
		return s
	}
	before := time.Now()
	s := set("a=1; path=/; Max-Age=3600", "b=2; path=/; Max-Age=7200")
	assert.WithinDuration(t, before.Add(time.Hour), s.until, 5*time.Second, "the earliest Max-Age")
	assert.False(t, s.perCall)
	assert.Equal(t, []string{"a=1; b=2"}, s.cookie)

	at := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	s = set("a=1; path=/; Expires=" + at.Format(http.TimeFormat))
	assert.True(t, s.until.Equal(at), "an Expires date: %v", s.until)
	s = set("a=1; path=/; Max-Age=60; Expires=" + at.Format(http.TimeFormat))
	assert.WithinDuration(t, before.Add(time.Minute), s.until, 5*time.Second, "Max-Age wins over Expires")

	s = set("a=1; path=/")
	assert.True(t, s.until.IsZero(), "a session cookie does not expire")
	assert.Equal(t, []string{"a=1"}, s.cookieHeader(base))

	// Once the first cookie has expired, the jar decides.
	s = set("a=1; path=/", "b=2; path=/; Max-Age=3600")
	s.until = time.Now().Add(-time.Second)
	s.cookie = []string{"stale"}
	assert.Equal(t, []string{"a=1; b=2"}, s.cookieHeader(base))

	for path, perCall := range map[string]bool{"/api/R": true, "/api/R/": true, "/api/": false, "/api": false, "/": false, "/other": false, "": false} {
		s = set("a=1; path=" + path)
		assert.Equal(t, perCall, s.perCall, "path %q", path)
	}
	assert.Nil(t, (&session{}).cookieHeader(base), "no cookie, no header")
}

func TestBelowTheBase(t *testing.T) {
	t.Parallel()
	for cookiePath, want := range map[string]bool{
		"/v3/Requests": true, "/v3/x": true, "/v3/": false, "/v3": false, "/": false, "/v": false, "/v3x/y": false, "/other/v3/x": false,
	} {
		assert.Equal(t, want, below(cookiePath, "/v3/"), cookiePath)
		assert.Equal(t, want, below(cookiePath, "/v3"), cookiePath)
	}
}
