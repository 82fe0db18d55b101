package passwordsafe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Option configures a Client. Build options with the With... functions;
// NewClient reports the first invalid one.
type Option func(*clientConfig) error

// clientConfig collects the options. It holds credentials, so it is only ever
// reached through a pointer that fmt prints as an address.
type clientConfig struct {
	apiKey, runAs, runAsPassword string
	oauthID, oauthSecret         string
	hasAPIKey, hasRunAsPassword  bool
	hasOAuth                     bool
	bearer                       func(context.Context) (string, error)
	mfa                          func(ctx context.Context, prompt string) (string, error)

	httpClient *http.Client
	tlsConfig  *tls.Config
	userAgent  string
	logger     *slog.Logger
	allowHTTP  bool

	retryMax                   int
	retryWaitMin, retryWaitMax time.Duration
	retryPolicy                retryablehttp.CheckRetry // nil: DefaultRetryPolicy
	backoff                    retryablehttp.Backoff    // nil: DefaultBackoff

	idleRead    time.Duration
	hasIdleRead bool
	apiVersion  string

	pollMin, pollMax time.Duration  // Checkout's wait for approval
	checkout         checkoutConfig // the rest of Checkout's settings (checkout.go)
}

// check reports options that cannot go together.
func (c *clientConfig) check() error {
	ways := 0
	for _, given := range []bool{c.hasAPIKey, c.hasOAuth, c.bearer != nil} {
		if given {
			ways++
		}
	}
	switch {
	case ways > 1:
		return errors.New("passwordsafe: give one of WithAPIKey, WithOAuthClientCredentials and WithBearerToken, not more")
	case ways == 0:
		return errors.New("passwordsafe: no credentials: give WithAPIKey or WithOAuthClientCredentials (or WithBearerToken)")
	case c.mfa != nil && !c.hasAPIKey:
		return errors.New("passwordsafe: WithMFA needs WithAPIKey: the challenge travels in the PS-Auth header")
	case c.hasRunAsPassword && !c.hasAPIKey:
		return errors.New("passwordsafe: WithRunAsPassword needs WithAPIKey")
	case c.httpClient != nil && c.tlsConfig != nil:
		return errors.New("passwordsafe: WithTLSConfig cannot be combined with WithHTTPClient: configure TLS on that client's transport")
	case c.httpClient != nil && c.hasIdleRead:
		return errors.New("passwordsafe: WithIdleReadTimeout cannot be combined with WithHTTPClient: set timeouts on that client's transport")
	}
	return nil
}

// WithAPIKey signs in with an API key registered in Password Safe, acting as
// the user runAs (the PS-Auth header). Exactly one of WithAPIKey and
// WithOAuthClientCredentials is required.
func WithAPIKey(apiKey, runAs string) Option {
	return func(c *clientConfig) error {
		if c.hasAPIKey {
			return errors.New("passwordsafe: WithAPIKey given twice")
		}
		if err := checkHeaderValue("API key", apiKey); err != nil {
			return err
		}
		if err := checkHeaderValue("run-as user", runAs); err != nil {
			return err
		}
		c.apiKey, c.runAs, c.hasAPIKey = apiKey, runAs, true
		return nil
	}
}

// WithRunAsPassword adds the run-as user's password (pwd=[...] in the PS-Auth
// header), for API registrations that require it. It needs WithAPIKey.
func WithRunAsPassword(password string) Option {
	return func(c *clientConfig) error {
		if c.hasRunAsPassword {
			return errors.New("passwordsafe: WithRunAsPassword given twice")
		}
		if password == "" {
			return errors.New("passwordsafe: the run-as password is empty")
		}
		if strings.ContainsAny(password, "\r\n\x00]") {
			return errors.New("passwordsafe: the run-as password contains a character PS-Auth cannot carry (CR, LF, NUL or ']')")
		}
		c.runAsPassword, c.hasRunAsPassword = password, true
		return nil
	}
}

// WithOAuthClientCredentials signs in with an API registration's OAuth client
// ID and secret: the client fetches a token (POST Auth/connect/token), then
// signs in with it as a Bearer token. Tokens are cached and fetched anew when
// within 30 seconds of expiry.
func WithOAuthClientCredentials(clientID, clientSecret string) Option {
	return func(c *clientConfig) error {
		if c.hasOAuth {
			return errors.New("passwordsafe: WithOAuthClientCredentials given twice")
		}
		if clientID == "" || clientSecret == "" {
			return errors.New("passwordsafe: the OAuth client ID and secret must both be set")
		}
		c.oauthID, c.oauthSecret, c.hasOAuth = clientID, clientSecret, true
		return nil
	}
}

// WithBearerToken signs in with a bearer token that tok returns, for a
// process that does not hold the OAuth client itself (a sidecar or an
// identity broker hands out tokens): every sign-in asks tok for a token and
// sends "Authorization: Bearer <token>" to POST Auth/SignAppin. When the
// server refuses a token, tok is asked once more, in case it had been
// rotated. It replaces WithAPIKey and WithOAuthClientCredentials; the
// token is treated as a credential and never printed or logged.
func WithBearerToken(tok func(ctx context.Context) (string, error)) Option {
	return func(c *clientConfig) error {
		if tok == nil {
			return errors.New("passwordsafe: WithBearerToken given a nil function")
		}
		if c.bearer != nil {
			return errors.New("passwordsafe: WithBearerToken given twice")
		}
		c.bearer = tok
		return nil
	}
}

// WithMFA answers the multi-factor challenge an API registration may
// enforce for API-key sign-ins. When POST Auth/SignAppin answers 401 with a
// WWW-Authenticate-2FA header, the client calls code with that header's
// prompt, then signs in again on the same server session with
// "challenge=<code>;" added to the PS-Auth header. Without WithMFA that 401
// is an *ErrorResponse matching ErrMFARequired. code runs on every sign-in
// that is challenged, also a transparent one after the server dropped an
// idle session. It needs WithAPIKey.
func WithMFA(code func(ctx context.Context, prompt string) (string, error)) Option {
	return func(c *clientConfig) error {
		if code == nil {
			return errors.New("passwordsafe: WithMFA given a nil function")
		}
		c.mfa = code
		return nil
	}
}

// WithHTTPClient makes the client send its requests through hc's Transport,
// read at each attempt (http.DefaultTransport when nil), so a mock transport
// installed after NewClient is used. hc is never changed, and its Transport
// is all the SDK takes from it: redirects are never followed whatever
// hc.CheckRedirect says, the session cookie lives in the Client alone and
// never in hc.Jar (two Clients sharing hc never act as each other's user),
// and hc.Timeout, when set, bounds each attempt. TLS, proxy and connection
// timeouts are the transport's. nil is an error, and so is combining it
// with WithTLSConfig or WithIdleReadTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *clientConfig) error {
		if hc == nil {
			return errors.New("passwordsafe: WithHTTPClient given a nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTLSConfig sets the TLS configuration of the SDK's own transport: custom
// root CAs, client certificates, server name. The SDK works on a clone and
// raises MinVersion to TLS 1.2 when it is lower. nil is an error, and so is
// combining it with WithHTTPClient.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *clientConfig) error {
		if cfg == nil {
			return errors.New("passwordsafe: WithTLSConfig given a nil *tls.Config")
		}
		c.tlsConfig = cfg.Clone()
		return nil
	}
}

// WithUserAgent puts product (e.g. "deploybot/1.2") in front of the SDK's own
// User-Agent.
func WithUserAgent(product string) Option {
	return func(c *clientConfig) error {
		product = strings.TrimSpace(product)
		if product == "" {
			return errors.New("passwordsafe: WithUserAgent given an empty product")
		}
		if strings.ContainsAny(product, "\r\n\x00") {
			return errors.New("passwordsafe: WithUserAgent given a control character")
		}
		c.userAgent = product
		return nil
	}
}

// WithRetries sets how often a failed call is repeated where repeating is
// safe: max retries after the first attempt, waiting with exponential backoff
// and jitter between minWait and maxWait. The defaults are 3, 100ms and 2s.
// Negative values, or minWait above maxWait, are errors.
func WithRetries(max int, minWait, maxWait time.Duration) Option {
	return func(c *clientConfig) error {
		if max < 0 || minWait < 0 || maxWait < 0 {
			return errors.New("passwordsafe: WithRetries given a negative value")
		}
		if minWait > maxWait {
			return errors.New("passwordsafe: WithRetries given minWait above maxWait")
		}
		c.retryMax, c.retryWaitMin, c.retryWaitMax = max, minWait, maxWait
		return nil
	}
}

// WithRetryPolicy replaces the SDK's retry policy (DefaultRetryPolicy)
// for GET, PUT and DELETE with p, a go-retryablehttp CheckRetry, so a
// policy already used with HashiCorp's tools can be brought along. p is
// consulted after every attempt that the SDK's own rules leave open: a
// done context, a certificate error, a 2xx, 3xx or 401 answer, an answer
// already read in part, and a Retry-After above 30 s always end the
// attempts, and a POST is never repeated once it may have reached the
// server (p is not consulted for POST). An error p returns is not the
// call's: the call returns the answer (*ErrorResponse) or the transport's
// error. WithRetries still sets how many attempts p may ask for. nil is an
// error.
func WithRetryPolicy(p retryablehttp.CheckRetry) Option {
	return func(c *clientConfig) error {
		if p == nil {
			return errors.New("passwordsafe: WithRetryPolicy given a nil policy")
		}
		c.retryPolicy = p
		return nil
	}
}

// WithBackoff replaces how long the client waits before retry n (from 0),
// DefaultBackoff, with b, a go-retryablehttp Backoff, given WithRetries'
// minWait and maxWait. A Retry-After of up to 30 s on the answer still
// wins: b is asked only when the answer has none. A done context ends any
// wait at once. nil is an error.
func WithBackoff(b retryablehttp.Backoff) Option {
	return func(c *clientConfig) error {
		if b == nil {
			return errors.New("passwordsafe: WithBackoff given a nil function")
		}
		c.backoff = b
		return nil
	}
}

// WithoutRetries sends every call once.
func WithoutRetries() Option {
	return func(c *clientConfig) error {
		c.retryMax = 0
		return nil
	}
}

// WithIdleReadTimeout bounds how long the SDK's own transport waits for the
// server to send anything: the answer's headers, or the next bytes of a body
// that stops arriving. The default is 2 minutes; 0 turns the bound off,
// leaving only the context's deadline. It is not a deadline for the whole
// call (a slow but steady answer goes on): use the context for that. The
// caller's context always wins. Negative is an error, and so is combining
// it with WithHTTPClient (set timeouts on that client's transport).
func WithIdleReadTimeout(d time.Duration) Option {
	return func(c *clientConfig) error {
		if d < 0 {
			return errors.New("passwordsafe: WithIdleReadTimeout given a negative duration")
		}
		c.idleRead, c.hasIdleRead = d, true
		return nil
	}
}

// WithAPIVersion asks the server for an API version, e.g. "3.1": it is sent
// as ?version=3.1 on every call under the API base, sign-in and sign-out
// included (the OAuth token call is left as is). Without it nothing is sent
// and the server answers as its default, 3.0. A server that has disabled
// the version answers 410 at sign-in: an *ErrorResponse that says so, and
// matches ErrAPIVersionDisabled. v must read major.minor.
func WithAPIVersion(v string) Option {
	return func(c *clientConfig) error {
		major, minor, ok := strings.Cut(v, ".")
		if !ok || !allDigits(major) || !allDigits(minor) {
			return fmt.Errorf("passwordsafe: WithAPIVersion needs major.minor, such as 3.1, got %q", v)
		}
		c.apiVersion = v
		return nil
	}
}

func allDigits(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// WithCheckoutPolling sets how Checkout and WaitCredentials poll while a
// request waits for approval: first after minWait, then doubling up to
// maxWait. The defaults are 500ms and 15s. Non-positive values, or minWait
// above maxWait, are errors.
func WithCheckoutPolling(minWait, maxWait time.Duration) Option {
	return func(c *clientConfig) error {
		if minWait <= 0 || maxWait <= 0 || minWait > maxWait {
			return errors.New("passwordsafe: WithCheckoutPolling needs 0 < minWait <= maxWait")
		}
		c.pollMin, c.pollMax = minWait, maxWait
		return nil
	}
}

// WithCheckoutReleaseReused makes every Checkout of the client check in a
// request the server reused (ConflictOption reuse answered 200 with a
// request that was open before the call) once fn has run, as it does the
// requests it creates. By default such a request is left open: it may be
// another run's, still in use. Give this option when the requests the
// client's user leaves open are leftovers of its own earlier runs (a
// service account that crashed mid-checkout), so that reusing one also
// ends it. ManagedAccountsService.Checkout can ask for the same per call
// with CheckoutOptions.ReleaseReused.
func WithCheckoutReleaseReused() Option {
	return func(c *clientConfig) error {
		c.checkout.releaseReused = true
		return nil
	}
}

// WithLogger makes the client write one Debug record per HTTP attempt
// (method, path, status, attempt, duration) and one per sign-in to l. Keys,
// passwords, tokens, cookies and bodies are never logged. Without it the
// client logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *clientConfig) error {
		if l == nil {
			return errors.New("passwordsafe: WithLogger given a nil *slog.Logger")
		}
		c.logger = l
		return nil
	}
}

// WithAllowHTTP permits an http:// base URL on a host that is not loopback.
// Without it such a URL is refused, so credentials never travel in clear
// text by accident.
func WithAllowHTTP() Option {
	return func(c *clientConfig) error {
		c.allowHTTP = true
		return nil
	}
}

// checkHeaderValue refuses values that would break or smuggle headers. It
// never quotes the value: it may be a key.
func checkHeaderValue(what, v string) error {
	if v == "" {
		return errors.New("passwordsafe: the " + what + " is empty")
	}
	if strings.ContainsAny(v, "\r\n\x00;") {
		return errors.New("passwordsafe: the " + what + " contains a character PS-Auth cannot carry (CR, LF, NUL or ';')")
	}
	return nil
}
