package passwordsafe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/cookiejar"
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
	// maxTokenLife caps what a token's expires_in is believed for; a server
	// that meant longer still refuses it in time, and the client then
	// fetches a new one.
	maxTokenLife = 24 * time.Hour
)

// session is one signed-in session: the cookies the sign-in answer set,
// kept by the Client alone (never in a caller's cookie jar), and the user.
// A session never changes; signing in makes a new one, so a call that got
// 401 can tell whether the session it was sent with is still current.
type session struct {
	user User

	// The cookies (cookies.go): the session's own jar, the Cookie header
	// for the API base, until the first cookie expires, and whether the
	// jar must be asked for each call.
	jar     *cookiejar.Jar
	cookie  []string
	until   time.Time
	perCall bool
	values  []string // the cookie values, to scrub from messages
}

// authState is the client's sign-in state. At most one sign-in or sign-out
// is in flight; others wait for it (see exclusive).
type authState struct {
	cur atomic.Pointer[session]

	mu       sync.Mutex
	inflight *flight
	onWait   func() // tests: called when a caller starts waiting for a flight

	// OAuth token; written only by a flight leader, read under mu.
	token       string
	tokenExpiry time.Time

	// mfaCode is the last multi-factor code sent, kept under mu only to
	// scrub it from what a server echoes later.
	mfaCode string
}

// flight is one sign-in or sign-out in progress; others wait on done.
type flight struct {
	done chan struct{}
	err  error
}

// exclusive runs fn unless settled() holds, as the only sign-in or sign-out
// in flight. While another is in flight it waits for it, then looks again.
// With share, a waiter takes the leader's error as its own (so many calls
// with a bad key cause one failed sign-in, not one each), unless the leader
// gave up only because its own context ended. settled runs under the lock.
func (a *authState) exclusive(ctx context.Context, share bool, settled func() bool, fn func() error) error {
	for {
		a.mu.Lock()
		if settled() {
			a.mu.Unlock()
			return nil
		}
		if f := a.inflight; f != nil {
			a.mu.Unlock()
			if a.onWait != nil {
				a.onWait()
			}
			select {
			case <-f.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if share && f.err != nil && !errors.Is(f.err, context.Canceled) && !errors.Is(f.err, context.DeadlineExceeded) {
				return f.err
			}
			continue
		}
		f := &flight{done: make(chan struct{})}
		a.inflight = f
		a.mu.Unlock()

		return a.lead(f, fn)
	}
}

// lead runs fn as the flight's leader and ends the flight, also when fn
// panics, so that no waiter is left hanging.
func (a *authState) lead(f *flight, fn func() error) (err error) {
	defer func() {
		a.mu.Lock()
		a.inflight = nil
		f.err = err
		close(f.done)
		a.mu.Unlock()
	}()
	return fn()
}

// session returns the current session, signing in first when there is
// none. Concurrent callers share one sign-in.
func (c *Client) session(ctx context.Context) (*session, error) {
	if s := c.auth.cur.Load(); s != nil {
		return s, nil
	}
	return c.signInUnless(ctx, func(s *session) bool { return s != nil })
}

// renew signs in again after a call sent with stale answered 401, unless
// another goroutine has already replaced stale: many calls finding the
// same session expired cause one sign-in.
func (c *Client) renew(ctx context.Context, stale *session) (*session, error) {
	return c.signInUnless(ctx, func(s *session) bool { return s != nil && s != stale })
}

func (c *Client) signInUnless(ctx context.Context, good func(*session) bool) (*session, error) {
	var out *session
	err := c.auth.exclusive(ctx, true,
		func() bool {
			out = c.auth.cur.Load()
			return good(out)
		},
		func() error {
			s, err := c.signIn(ctx)
			if err == nil {
				c.auth.cur.Store(s)
				out = s
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SignIn signs in afresh and returns the user the client acts as. Calls
// sign in on their own when needed; SignIn is for checking credentials
// early or reading the user. A sign-in that another goroutine finishes
// while SignIn waits counts as fresh.
//
// API: POST Auth/SignAppin
func (c *Client) SignIn(ctx context.Context) (*User, error) {
	before := c.auth.cur.Load()
	s, err := c.signInUnless(ctx, func(s *session) bool { return s != nil && s != before })
	if err != nil {
		return nil, err
	}
	u := s.user
	return &u, nil
}

// SignOut ends the session on the server and forgets it; the next call
// signs in again. Without a session it does nothing, and a 401 answer (the
// session had already expired) is not an error. A sign-in in flight is
// waited for first. Whatever the answer, the session is forgotten.
//
// Before signing out it waits, until ctx ends, for the work calls left to
// the Client when their caller's context ended (a Checkout whose POST was
// in flight: see CheckoutError.Background; a Watch whose replay was
// starting). What that work could not end (a check-in that failed) is
// returned, joined to the sign-out's error: nothing a Checkout opened
// stays open once SignOut returns nil.
//
// API: POST Auth/Signout
func (c *Client) SignOut(ctx context.Context) error {
	left, werr := c.bg.settle(ctx)
	if werr != nil {
		return fmt.Errorf("passwordsafe: waiting for background check-ins before signing out: %w", werr)
	}
	var err error
	xerr := c.auth.exclusive(ctx, false,
		func() bool { return c.auth.cur.Load() == nil && c.auth.inflight == nil },
		func() error {
			s := c.auth.cur.Load()
			_, err = c.do(ctx, &request{method: http.MethodPost, path: pathSignOut, sess: s}, nil)
			if errors.Is(err, ErrUnauthorized) {
				err = nil
			}
			c.auth.cur.Store(nil)
			return nil
		})
	if xerr != nil {
		return errors.Join(xerr, left)
	}
	return errors.Join(err, left)
}

// signIn performs the sign-in exchange. Only a flight leader calls it.
func (c *Client) signIn(ctx context.Context) (*session, error) {
	return c.signInAttempt(ctx, false)
}

// signInAttempt signs in once; again is set on the one repeat allowed after
// the server refused a token that may since have been replaced.
func (c *Client) signInAttempt(ctx context.Context, again bool) (*session, error) {
	authz, renewable, err := c.authorization(ctx, again)
	if err != nil {
		return nil, err
	}
	s, err := c.postSignIn(ctx, authz, nil, nil)
	if errors.Is(err, ErrMFARequired) && c.cfg.mfa != nil {
		s, err = c.answerChallenge(ctx, authz, s, err)
	}
	if err != nil {
		refused := errors.Is(err, ErrUnauthorized) && !errors.Is(err, ErrMFARequired)
		if refused && c.cfg.hasOAuth {
			c.auth.mu.Lock()
			c.auth.token = "" // revoked or expired early: never offered again
			c.auth.mu.Unlock()
		}
		if refused && renewable && !again {
			// The server no longer takes the token we kept or were given:
			// get a new one and sign in with it, once.
			return c.signInAttempt(ctx, true)
		}
		return nil, err
	}
	if l := c.cfg.logger; l != nil {
		l.LogAttrs(ctx, slog.LevelDebug, "passwordsafe: signed in",
			slog.Int("user_id", s.user.UserID), slog.String("user", s.user.UserName))
	}
	return s, nil
}

// postSignIn posts Auth/SignAppin with authz, on the server session prev
// when it is set (a challenge answer), and reads the user and the cookies.
func (c *Client) postSignIn(ctx context.Context, authz string, prev *session, secrets []string) (*session, error) {
	s := &session{}
	if prev != nil {
		// The challenged session's cookies, and any the answer adds.
		s.jar, s.until, s.perCall = prev.jar, prev.until, prev.perCall
		s.values = append(s.values, prev.values...)
	}
	r := &request{method: http.MethodPost, path: pathSignIn, noSession: true, sess: prev,
		authorization: authz, secrets: secrets,
		seen: func(h http.Header) { s.setCookies(c.base, h) }}
	_, err := c.do(ctx, r, func(_ http.Header, body *answer) error {
		b, err := body.bytes()
		if err != nil || len(b) == 0 {
			return err
		}
		return json.Unmarshal(b, &s.user)
	})
	s.settle(c.base)
	if err != nil {
		var er *ErrorResponse
		if errors.As(err, &er) && er.mfaPrompt() {
			// Keep the cookies of the challenged session for the answer.
			return s, err
		}
		return nil, err
	}
	return s, nil
}

// answerChallenge asks WithMFA's function for a code and signs in again on
// the server session that was challenged, with challenge=<code>; in the
// PS-Auth header.
func (c *Client) answerChallenge(ctx context.Context, authz string, prev *session, challenge error) (*session, error) {
	var er *ErrorResponse
	errors.As(challenge, &er)
	code, err := c.cfg.mfa(ctx, er.Response.Header.Get(headerMFA))
	if err != nil {
		return nil, fmt.Errorf("passwordsafe: POST %s: the multi-factor code: %w", pathSignIn, err)
	}
	code = strings.TrimSpace(code)
	if code == "" || strings.ContainsAny(code, "\r\n\x00;") {
		return nil, invalid("challenge", "the multi-factor code is empty or holds a character PS-Auth cannot carry (CR, LF, NUL or ';')")
	}
	c.auth.mu.Lock()
	c.auth.mfaCode = code // a server may echo it in any later answer
	c.auth.mu.Unlock()
	return c.postSignIn(ctx, authz+" challenge="+code+";", prev, []string{code})
}

// authorization is the sign-in's Authorization header. renewable reports a
// token that may have been replaced since it was handed over (a kept OAuth
// token, or one from WithBearerToken), worth asking again for once.
func (c *Client) authorization(ctx context.Context, again bool) (authz string, renewable bool, err error) {
	switch {
	case c.cfg.hasOAuth:
		tok, cached, err := c.oauthToken(ctx)
		if err != nil {
			return "", false, err
		}
		return "Bearer " + tok, cached, nil
	case c.cfg.bearer != nil:
		tok, err := c.cfg.bearer(ctx)
		if err != nil {
			return "", false, fmt.Errorf("passwordsafe: POST %s: the bearer token: %w", pathSignIn, err)
		}
		if tok == "" || strings.ContainsAny(tok, "\r\n\x00 ") {
			return "", false, errors.New("passwordsafe: the bearer token is empty or holds a space or control character")
		}
		c.auth.mu.Lock()
		c.auth.token = tok // kept only to scrub it from messages
		c.auth.mu.Unlock()
		return "Bearer " + tok, true, nil
	}
	authz = "PS-Auth key=" + c.cfg.apiKey + "; runas=" + c.cfg.runAs + ";"
	if c.cfg.hasRunAsPassword {
		authz += " pwd=[" + c.cfg.runAsPassword + "];"
	}
	return authz, false, nil
}

// appendKnownSecrets appends every credential the client holds to out, to
// scrub from anything a server sends back. Callers pass a buffer of their
// own, so that the common case allocates nothing.
func (c *Client) appendKnownSecrets(out []string) []string {
	out = append(out, c.cfg.apiKey, c.cfg.runAsPassword, c.cfg.oauthSecret)
	c.auth.mu.Lock()
	out = append(out, c.auth.token, c.auth.mfaCode)
	c.auth.mu.Unlock()
	if s := c.auth.cur.Load(); s != nil {
		out = append(out, s.values...)
	}
	return out
}

type tokenAnswer struct {
	AccessToken string          `json:"access_token"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	TokenType   string          `json:"token_type"`
}

// oauthToken returns a cached token, or fetches one when there is none or it
// is within tokenSlack of expiry. cached reports that the token was not
// fetched by this call.
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
	r := &request{method: http.MethodPost, path: pathToken, noSession: true, noVersion: true, form: form}
	t, _, err := callJSON[tokenAnswer](ctx, c, r)
	if err != nil {
		return "", false, err
	}
	if t.AccessToken == "" || (t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer")) {
		return "", false, &DecodeError{Method: r.method, Path: r.path, Err: errors.New("the answer holds no bearer token")}
	}
	a.mu.Lock()
	a.token = t.AccessToken
	a.tokenExpiry = time.Now().Add(tokenLife(t.ExpiresIn))
	a.mu.Unlock()
	return t.AccessToken, false, nil
}

// tokenLife reads expires_in (seconds, a number or a string holding one)
// without overflow: missing, zero, negative or unreadable means the token
// is used for this sign-in only; more than a day counts as a day.
func tokenLife(raw json.RawMessage) time.Duration {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0
		}
		n = json.Number(strings.TrimSpace(s))
	}
	secs, err := n.Float64() // past float64's range: ±Inf and an error
	if (err != nil && !math.IsInf(secs, 1)) || math.IsNaN(secs) || secs <= 0 {
		return 0
	}
	if secs >= maxTokenLife.Seconds() {
		return maxTokenLife
	}
	return time.Duration(secs * float64(time.Second))
}
