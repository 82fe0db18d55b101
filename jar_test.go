package passwordsafe

import (
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func cookieStrings(cs []*http.Cookie) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name + "=" + c.Value
	}
	return out
}

// TestSessionJarAnswersAsCookiejar drives sessionJar and a plain
// cookiejar.Jar with the same random cookies and compares every answer:
// remembering must never change what is sent.
func TestSessionJarAnswersAsCookiejar(t *testing.T) {
	t.Parallel()
	hosts := []string{"https://vault.example.test", "http://vault.example.test", "https://other.example.test",
		"https://vault.example.test:8443", "http://127.0.0.1:4000"}
	paths := []string{"/", "/BeyondTrust/api/public/v3/Auth/SignAppin", "/BeyondTrust/api/public/v3/Sessions/7001",
		"/BeyondTrust/api/public/v3/Requests", "/other", ""}
	cookiePaths := []string{"/", "/", "/", "/", "/", "", "/BeyondTrust", "/other", "relative"}
	remembered := 0 // answers compared while the memory was on
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		sj, err := newSessionJar()
		require.NoError(t, err)
		plain, err := cookiejar.New(nil)
		require.NoError(t, err)
		for step := range 40 {
			u := mustURL(t, hosts[rng.IntN(len(hosts))]+paths[rng.IntN(len(paths))])
			if rng.IntN(3) == 0 {
				var cs []*http.Cookie
				for range 1 + rng.IntN(3) {
					c := &http.Cookie{Name: "c" + strconv.Itoa(rng.IntN(4)), Value: "v" + strconv.Itoa(step),
						Path: cookiePaths[rng.IntN(len(cookiePaths))], Secure: rng.IntN(4) == 0}
					switch rng.IntN(16) {
					case 0:
						c.MaxAge = -1
					case 1:
						c.MaxAge = 3600
					case 2:
						c.Expires = time.Now().Add(-time.Hour)
					case 3:
						c.Expires = time.Now().Add(time.Hour)
					case 4:
						c.Domain = "example.test"
					}
					cs = append(cs, c)
				}
				sj.SetCookies(u, cs)
				plain.SetCookies(u, cs)
				continue
			}
			if !sj.noMemo {
				remembered++
			}
			assert.Equal(t, cookieStrings(plain.Cookies(u)), cookieStrings(sj.Cookies(u)), "seed %d step %d %s", seed, step, u)
		}
	}
	assert.Greater(t, remembered, 500, "the comparison must cover the memory")
	t.Logf("%d answers compared with the memory on", remembered)
}

func TestSessionJarMemory(t *testing.T) {
	t.Parallel()
	base := mustURL(t, "https://vault.example.test/BeyondTrust/api/public/v3/Auth/SignAppin")
	call := mustURL(t, "https://vault.example.test/BeyondTrust/api/public/v3/Sessions/7001")

	t.Run("the session cookie is remembered until a cookie is set", func(t *testing.T) {
		t.Parallel()
		j, err := newSessionJar()
		require.NoError(t, err)
		j.SetCookies(base, []*http.Cookie{{Name: "ASP.NET_SessionId", Value: "s1", Path: "/"}})
		first := j.Cookies(call)
		require.Equal(t, []string{"ASP.NET_SessionId=s1"}, cookieStrings(first))
		assert.Same(t, first[0], j.Cookies(call)[0], "the second answer is the remembered one")
		j.SetCookies(call, []*http.Cookie{{Name: "ASP.NET_SessionId", Value: "s2", Path: "/"}})
		assert.Equal(t, []string{"ASP.NET_SessionId=s2"}, cookieStrings(j.Cookies(call)))
		j.SetCookies(base, []*http.Cookie{{Name: "ASP.NET_SessionId", Path: "/", MaxAge: -1}})
		assert.Empty(t, j.Cookies(call), "a deleted cookie is gone")
		assert.False(t, j.noMemo, "deleting does not turn the memory off")
	})
	t.Run("a cookie without a path turns the memory off", func(t *testing.T) {
		t.Parallel()
		j, err := newSessionJar()
		require.NoError(t, err)
		j.SetCookies(base, []*http.Cookie{{Name: "ASP.NET_SessionId", Value: "s1"}})
		assert.True(t, j.noMemo)
		assert.Empty(t, j.Cookies(call), "its default path is .../Auth")
		assert.Equal(t, []string{"ASP.NET_SessionId=s1"}, cookieStrings(j.Cookies(base)))
		assert.Empty(t, j.memo)
	})
	t.Run("a cookie that expires turns the memory off", func(t *testing.T) {
		t.Parallel()
		for name, c := range map[string]*http.Cookie{
			"MaxAge":  {Name: "AWSALB", Value: "lb", Path: "/", MaxAge: 3600},
			"Expires": {Name: "AWSALB", Value: "lb", Path: "/", Expires: time.Now().Add(time.Hour)},
		} {
			j, err := newSessionJar()
			require.NoError(t, err)
			j.SetCookies(base, []*http.Cookie{c})
			assert.True(t, j.noMemo, name)
			assert.Len(t, j.Cookies(call), 1, name)
			assert.Empty(t, j.memo, name)
		}
	})
	t.Run("secure cookies are remembered per scheme", func(t *testing.T) {
		t.Parallel()
		j, err := newSessionJar()
		require.NoError(t, err)
		j.SetCookies(base, []*http.Cookie{{Name: "s", Value: "1", Path: "/", Secure: true}})
		assert.Len(t, j.Cookies(call), 1)
		assert.Empty(t, j.Cookies(mustURL(t, "http://vault.example.test/x")))
		assert.Empty(t, j.Cookies(mustURL(t, "https://elsewhere.example.test/x")))
	})
}

func TestSessionJarConcurrent(t *testing.T) {
	t.Parallel()
	j, err := newSessionJar()
	require.NoError(t, err)
	u := mustURL(t, "http://127.0.0.1:4000/BeyondTrust/api/public/v3/Sessions")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 200 {
				if k%50 == 0 {
					j.SetCookies(u, []*http.Cookie{{Name: "ASP.NET_SessionId", Value: "s" + strconv.Itoa(i), Path: "/"}})
				}
				if cs := j.Cookies(u); len(cs) != 1 {
					t.Errorf("%d cookies", len(cs))
					return
				}
			}
		}()
	}
	wg.Wait()
}
