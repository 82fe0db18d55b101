package passwordsafe

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
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

	httpClient *http.Client
	tlsConfig  *tls.Config
	userAgent  string
	logger     *slog.Logger
	allowHTTP  bool

	retryMax                   int
	retryWaitMin, retryWaitMax time.Duration

	pollMin, pollMax time.Duration // Checkout's wait for approval
}

const (
	defaultRetryMax     = 3
	defaultRetryWaitMin = 100 * time.Millisecond
	defaultRetryWaitMax = 2 * time.Second
)

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

// WithHTTPClient makes the client send its requests through hc. The SDK works
// on a shallow copy and never changes hc; when hc.Jar is nil the copy gets
// the SDK's own cookie jar, which holds the session cookie. With hc, its
// transport's TLS, proxy and timeout settings are the caller's. The copy
// sends through hc.Transport as it is at each call (http.DefaultTransport
// when nil), so a mock transport installed after NewClient is used. nil is
// an error, and so is combining it with WithTLSConfig.
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

// WithoutRetries sends every call once.
func WithoutRetries() Option {
	return func(c *clientConfig) error {
		c.retryMax = 0
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
