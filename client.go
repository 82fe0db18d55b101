// Package passwordsafe is a client for the BeyondTrust Password Safe public
// REST API (v3): request access to a managed account, get it approved, read
// the released credential, open SSH and RDP sessions through the vault, watch
// and end them, and check the account back in.
//
// A Client signs in on its first call and keeps the session; it is safe for
// concurrent use. Every call takes a context, returns typed results, and
// fails with a *ValidationError (nothing was sent), an *ErrorResponse (the
// server answered outside 2xx) or a wrapped transport or context error.
// Credentials are held in Secret values that never print.
package passwordsafe

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.1.0"

const defaultAPIPath = "/BeyondTrust/api/public/v3/"

// Client talks to one Password Safe instance as one user. Create it with
// NewClient; it is safe for concurrent use by many goroutines.
type Client struct {
	Requests *RequestsService
	Sessions *SessionsService
	Aliases  *AliasesService

	common service

	base      *url.URL
	baseStr   string // base URL with one trailing slash
	cfg       *clientConfig
	userAgent string
	http      *http.Client // shallow copy of the caller's, or the SDK's own
	rc        *retryablehttp.Client
	auth      *authState
}

type service struct{ client *Client }

// NewClient returns a client for the Password Safe at baseURL. It does no
// network I/O: the first call signs in.
//
// baseURL "https://host" (no path) means https://host/BeyondTrust/api/public/v3/;
// a URL with a path is used as given, with one trailing slash. http:// is
// accepted only for loopback hosts unless WithAllowHTTP is given. Exactly one
// of WithAPIKey and WithOAuthClientCredentials is required.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := &clientConfig{
		retryMax:     defaultRetryMax,
		retryWaitMin: defaultRetryWaitMin,
		retryWaitMax: defaultRetryWaitMax,
		pollMin:      defaultPollMin,
		pollMax:      defaultPollMax,
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("passwordsafe: nil Option")
		}
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	switch {
	case cfg.hasAPIKey && cfg.hasOAuth:
		return nil, errors.New("passwordsafe: give one of WithAPIKey and WithOAuthClientCredentials, not both")
	case !cfg.hasAPIKey && !cfg.hasOAuth:
		return nil, errors.New("passwordsafe: no credentials: give WithAPIKey or WithOAuthClientCredentials")
	case cfg.hasRunAsPassword && !cfg.hasAPIKey:
		return nil, errors.New("passwordsafe: WithRunAsPassword needs WithAPIKey")
	case cfg.httpClient != nil && cfg.tlsConfig != nil:
		return nil, errors.New("passwordsafe: WithTLSConfig cannot be combined with WithHTTPClient: configure TLS on that client's transport")
	}
	base, err := parseBaseURL(baseURL, cfg.allowHTTP)
	if err != nil {
		return nil, err
	}

	c := &Client{
		base:    base,
		baseStr: base.String(),
		cfg:     cfg,
		auth:    newAuthState(),
	}
	c.userAgent = "passwordsafe-go/" + Version
	if cfg.userAgent != "" {
		c.userAgent = cfg.userAgent + " " + c.userAgent
	}
	c.http, err = buildHTTPClient(cfg)
	if err != nil {
		return nil, err
	}
	c.rc = newRetryClient(c.http, cfg)
	c.common.client = c
	c.Requests = (*RequestsService)(&c.common)
	c.Sessions = (*SessionsService)(&c.common)
	c.Aliases = (*AliasesService)(&c.common)
	return c, nil
}

func buildHTTPClient(cfg *clientConfig) (*http.Client, error) {
	jar, err := newSessionJar()
	if err != nil {
		return nil, err
	}
	if cfg.httpClient != nil {
		hc := *cfg.httpClient // never mutate the caller's client
		hc.Transport = &sdkTransport{src: cfg.httpClient, logger: cfg.logger}
		if hc.Jar == nil {
			hc.Jar = jar
		}
		return &hc, nil
	}
	return &http.Client{
		Transport: &sdkTransport{next: newTransport(cfg.tlsConfig), logger: cfg.logger},
		Jar:       jar,
		// The API never redirects; following one could carry the session
		// somewhere else, so a redirect is returned as an *ErrorResponse.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

func parseBaseURL(raw string, allowHTTP bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("passwordsafe: the base URL does not parse")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("passwordsafe: the base URL needs an http or https scheme, got %q", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("passwordsafe: the base URL has no host")
	case u.User != nil:
		return nil, errors.New("passwordsafe: the base URL must not carry user information")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, errors.New("passwordsafe: the base URL must not have a query or fragment")
	case u.Scheme == "http" && !allowHTTP && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("passwordsafe: refusing http:// to %s: credentials would travel in clear text (use https, or WithAllowHTTP)", u.Hostname())
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	if p == "" {
		p = strings.TrimSuffix(defaultAPIPath, "/")
	}
	out, err := url.Parse(u.Scheme + "://" + u.Host + p + "/")
	if err != nil {
		return nil, errors.New("passwordsafe: the base URL does not parse")
	}
	return out, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL returns a copy of the URL every API path is resolved against.
func (c *Client) BaseURL() *url.URL {
	u := *c.base
	return &u
}

// String describes the client without any credential.
func (c Client) String() string {
	kind := "api-key"
	if c.cfg != nil && c.cfg.hasOAuth {
		kind = "oauth"
	}
	return "passwordsafe.Client{BaseURL: " + c.baseStr + ", Auth: " + kind + "}"
}

// Format prints String for every verb, so no verb can reach a credential.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// GoString prints String.
func (c Client) GoString() string { return c.String() }

// CloseIdleConnections closes the connections the client keeps open for
// reuse, as http.Client.CloseIdleConnections does. Calls after it open new
// ones. Use it when you drop a client but the process goes on.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }
