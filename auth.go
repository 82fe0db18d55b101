package passwordsafe

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	pathSignIn  = "Auth/SignAppin"
	pathSignOut = "Auth/Signout"
	pathToken   = "Auth/connect/token"

	// tokenSlack: an OAuth token this close to its expiry is fetched anew.
	tokenSlack = 30 * time.Second
)

// authState is the client's session. gen numbers sessions: 0 is none, and
// every sign-in takes a new number, so a call that got 401 can tell whether
// the session it was sent with has already been replaced.
type authState struct {
	gen atomic.Uint64

	mu       sync.Mutex
	next     uint64 // last generation handed out
	inflight *flight
	user     User
	cookies  []*http.Cookie // set at sign-in, expired at sign-out

	// OAuth token; fetched only by a flight leader, read under mu.
	token       string
	tokenExpiry time.Time
}

// flight is one sign-in or sign-out in progress; others wait on done.
type flight struct {
	done chan struct{}
	err  error
}

func newAuthState() *authState { return &authState{} }

// sessionSecrets returns the cached OAuth token and the session cookie
// values, for scrubbing messages.
func (a *authState) sessionSecrets() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, 1+len(a.cookies))
	out = append(out, a.token)
	for _, ck := range a.cookies {
		out = append(out, ck.Value)
	}
	return out
}

// session returns the current session's generation, signing in first when
// there is none. Concurrent callers share one sign-in.
func (c *Client) session(ctx context.Context) (uint64, error) {
	if g := c.auth.gen.Load(); g != 0 {
		return g, nil
	}
	return c.renew(ctx, 0, false)
}

// renew signs in unless the session has already moved past stale (another
// goroutine signed in meanwhile): many goroutines finding the same session
// expired cause one sign-in. With force it always signs in (SignIn).
func (c *Client) renew(ctx context.Context, stale uint64, force bool) (uint64, error) {
	a := c.auth
	for {
		a.mu.Lock()
		if cur := a.gen.Load(); !force && cur != 0 && cur != stale {
			a.mu.Unlock()
			return cur, nil
		}
		if f := a.inflight; f != nil {
			a.mu.Unlock()
			if err := waitFlight(ctx, f); err != nil {
				return 0, err
			}
			stale = 0
			continue
		}
		f := &flight{done: make(chan struct{})}
		a.inflight = f
		a.mu.Unlock()

		user, cookies, err := c.signIn(ctx)

		a.mu.Lock()
		if err == nil {
			a.next++
			a.gen.Store(a.next)
			a.user = *user
			a.cookies = cookies
		}
		g := a.gen.Load()
		a.inflight = nil
		f.err = err
		close(f.done)
		a.mu.Unlock()
		return g, err
	}
}

// waitFlight waits for another goroutine's sign-in. When the leader gave up
// only because its own context ended, the waiter tries for itself.
func waitFlight(ctx context.Context, f *flight) error {
	select {
	case <-f.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if f.err != nil && !errors.Is(f.err, context.Canceled) && !errors.Is(f.err, context.DeadlineExceeded) {
		return f.err
	}
	return nil
}

// SignIn signs in afresh (POST Auth/SignAppin) and returns the user the
// client acts as. Calls sign in on their own when needed; SignIn is for
// checking credentials early or reading the user.
//
// API: POST Auth/SignAppin
func (c *Client) SignIn(ctx context.Context) (*User, error) {
	if _, err := c.renew(ctx, 0, true); err != nil {
		return nil, err
	}
	c.auth.mu.Lock()
	u := c.auth.user
	c.auth.mu.Unlock()
	return &u, nil
}

// SignOut ends the session on the server and forgets it; the next call
// signs in again. Without a session it does nothing, and a 401 answer (the
// session had already expired) is not an error.
//
// API: POST Auth/Signout
func (c *Client) SignOut(ctx context.Context) error {
	a := c.auth
	for {
		a.mu.Lock()
		if a.gen.Load() == 0 && a.inflight == nil {
			a.mu.Unlock()
			return nil
		}
		if f := a.inflight; f != nil {
			a.mu.Unlock()
			if err := waitFlight(ctx, f); err != nil {
				return err
			}
			continue
		}
		f := &flight{done: make(chan struct{})}
		a.inflight = f
		cookies := a.cookies
		a.mu.Unlock()

		_, err := c.send(ctx, &call{method: http.MethodPost, path: pathSignOut, noAuth: true})
		var er *ErrorResponse
		if errors.As(err, &er) && er.StatusCode == http.StatusUnauthorized {
			err = nil
		}
		c.expireCookies(cookies)

		a.mu.Lock()
		a.gen.Store(0)
		a.cookies = nil
		a.user = User{}
		a.inflight = nil
		f.err = nil
		close(f.done)
		a.mu.Unlock()
		return err
	}
}

// signIn performs the sign-in exchange. Only a flight leader calls it.
func (c *Client) signIn(ctx context.Context) (*User, []*http.Cookie, error) {
	var authz string
	cachedToken := false
	if c.cfg.hasOAuth {
		tok, cached, err := c.oauthToken(ctx)
		if err != nil {
			return nil, nil, err
		}
		authz, cachedToken = "Bearer "+tok, cached
	} else {
		authz = "PS-Auth key=" + c.cfg.apiKey + "; runas=" + c.cfg.runAs + ";"
		if c.cfg.hasRunAsPassword {
			authz += " pwd=[" + c.cfg.runAsPassword + "];"
		}
	}
	res, err := c.send(ctx, &call{method: http.MethodPost, path: pathSignIn, noAuth: true, authorization: authz})
	if err != nil {
		var er *ErrorResponse
		if c.cfg.hasOAuth && errors.As(err, &er) && er.StatusCode == http.StatusUnauthorized {
			c.auth.mu.Lock()
			c.auth.token = "" // revoked or expired early
			c.auth.mu.Unlock()
			if cachedToken {
				// The server no longer takes the token we kept: fetch a new
				// one and sign in with it, once.
				return c.signIn(ctx)
			}
		}
		return nil, nil, err
	}
	var u User
	if len(res.body) > 0 {
		if err := json.Unmarshal(res.body, &u); err != nil {
			return nil, nil, decodeError(http.MethodPost, pathSignIn, err)
		}
	}
	if l := c.cfg.logger; l != nil {
		l.LogAttrs(ctx, slog.LevelDebug, "passwordsafe: signed in",
			slog.Int("user_id", u.UserID), slog.String("user", u.UserName))
	}
	return &u, res.cookies, nil
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// oauthToken returns a cached token, or fetches one when there is none or it
// is within tokenSlack of expiry.
// cached reports that the token was not fetched by this call.
func (c *Client) oauthToken(ctx context.Context) (tok string, cached bool, err error) {
	a := c.auth
	a.mu.Lock()
	tok, exp := a.token, a.tokenExpiry
	a.mu.Unlock()
	if tok != "" && time.Until(exp) > tokenSlack {
		return tok, true, nil
	}
	// In the documented order (url.Values.Encode would sort the keys).
	form := "grant_type=client_credentials&client_id=" + url.QueryEscape(c.cfg.oauthID) +
		"&client_secret=" + url.QueryEscape(c.cfg.oauthSecret)
	res, err := c.send(ctx, &call{method: http.MethodPost, path: pathToken, noAuth: true, form: form})
	if err != nil {
		return "", false, err
	}
	var t tokenAnswer
	if err := json.Unmarshal(res.body, &t); err != nil {
		return "", false, decodeError(http.MethodPost, pathToken, err)
	}
	if t.AccessToken == "" || (t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer")) {
		return "", false, errors.New("passwordsafe: POST " + pathToken + ": the answer holds no bearer token")
	}
	if t.ExpiresIn <= 0 {
		t.ExpiresIn = 60
	}
	a.mu.Lock()
	a.token = t.AccessToken
	a.tokenExpiry = time.Now().Add(time.Duration(t.ExpiresIn) * time.Second)
	a.mu.Unlock()
	return t.AccessToken, false, nil
}

// expireCookies removes the session cookies set at sign-in from the jar,
// whether the jar is the SDK's or the caller's.
func (c *Client) expireCookies(cookies []*http.Cookie) {
	jar := c.http.Jar
	if jar == nil || len(cookies) == 0 {
		return
	}
	u := c.base.JoinPath(pathSignIn)
	gone := make([]*http.Cookie, 0, len(cookies))
	for _, ck := range cookies {
		p := ck.Path
		if p == "" || p[0] != '/' {
			// The jar's default path: the sign-in URL's directory.
			p = u.Path[:strings.LastIndex(u.Path, "/")]
		}
		gone = append(gone, &http.Cookie{Name: ck.Name, Path: p, Domain: ck.Domain, MaxAge: -1})
	}
	jar.SetCookies(u, gone)
}
