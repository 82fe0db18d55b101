package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.2.0"

const defaultAPIPath = "/BeyondTrust/api/public/v3/"

// Client talks to one Password Safe instance as one user. Create it with
// NewClient; it is safe for concurrent use by many goroutines.
type Client struct {
	Requests        *RequestsService
	Sessions        *SessionsService
	Aliases         *AliasesService
	ManagedAccounts *ManagedAccountsService

	// Secrets Safe: secrets read by path, and their folders and safes.
	Secrets *SecretsService
	Folders *FoldersService
	Safes   *SafesService
	// Inventory: every name a user knows resolves to its ID.
	ManagedSystems *ManagedSystemsService
	Assets         *AssetsService
	Workgroups     *WorkgroupsService
	Users          *UsersService
	UserGroups     *UserGroupsService

	common service

	base     *url.URL
	baseStr  string // base URL with one trailing slash
	basePath string // its path, escaped, with one trailing slash
	cfg      *clientConfig
	auth     *authState
	bg       *background // work left running after its caller's ctx ended (SignOut waits)

	own *ownTransport // the SDK's own transport; nil with WithHTTPClient

	// The attempt loops (retry.go) and the http.Client they drive: no
	// redirects followed, no cookie jar, the caller's Timeout per attempt.
	hc              *http.Client
	retryIdempotent *retryablehttp.Client
	retryOnce       *retryablehttp.Client

	acceptJSON []string // header values shared by every request
	userAgent  []string
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
		idleRead:     defaultIdleReadTimeout,
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("passwordsafe: nil Option")
		}
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	base, err := parseBaseURL(baseURL, cfg.allowHTTP)
	if err != nil {
		return nil, err
	}
	ua := "passwordsafe-go/" + Version
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + ua
	}
	c := &Client{
		base:       base,
		baseStr:    base.String(),
		basePath:   base.EscapedPath(),
		cfg:        cfg,
		auth:       &authState{},
		bg:         &background{},
		acceptJSON: []string{"application/json"},
		userAgent:  []string{ua},
	}
	c.hc = &http.Client{
		Transport:     sendVia{c},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if cfg.httpClient != nil {
		c.hc.Timeout = cfg.httpClient.Timeout
	} else {
		c.own = newTransport(cfg.tlsConfig, cfg.idleRead)
	}
	c.retryIdempotent = c.newRetrier(c.hc, true)
	c.retryOnce = c.newRetrier(c.hc, false)
	c.common.client = c
	c.Requests = (*RequestsService)(&c.common)
	c.Sessions = (*SessionsService)(&c.common)
	c.Aliases = (*AliasesService)(&c.common)
	c.ManagedAccounts = (*ManagedAccountsService)(&c.common)
	c.Secrets = (*SecretsService)(&c.common)
	c.Folders = (*FoldersService)(&c.common)
	c.Safes = (*SafesService)(&c.common)
	c.ManagedSystems = (*ManagedSystemsService)(&c.common)
	c.Assets = (*AssetsService)(&c.common)
	c.Workgroups = (*WorkgroupsService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.UserGroups = (*UserGroupsService)(&c.common)
	return c, nil
}

func parseBaseURL(raw string, allowHTTP bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if host, _, hasPath := strings.Cut(raw, "/"); hasPath && hostOnly(host) && !strings.HasSuffix(host, ":") {
		// "vault.example.com/BeyondTrust/api/public/v3": a host and a path.
		return nil, fmt.Errorf("passwordsafe: the base URL %q has no scheme: use %q", raw, "https://"+raw)
	}
	u, err := url.Parse(raw)
	if hostOnly(raw) && (err != nil || (u.Scheme != "http" && u.Scheme != "https")) {
		// "vault.example.com", "vault.example.com:443", "10.0.0.5:8443":
		// url.Parse reads these as a path or as a scheme and an opaque part.
		return nil, fmt.Errorf("passwordsafe: the base URL %q has no scheme: use %q", raw, "https://"+raw)
	}
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
	if err := checkAPIPath(u, p); err != nil {
		return nil, err
	}
	out, err := url.Parse(u.Scheme + "://" + u.Host + p + "/")
	if err != nil {
		return nil, errors.New("passwordsafe: the base URL does not parse")
	}
	return out, nil
}

// hostOnly reports a host, with or without a port, and nothing else.
func hostOnly(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/?#@ ") && !strings.HasPrefix(s, ":")
}

// checkAPIPath refuses the paths that are certainly wrong and would fail
// only at the first call, naming the right form: the default API path cut
// short (https://host/BeyondTrust), or an endpoint after the API base
// (https://host/BeyondTrust/api/public/v3/Requests). Any other path is a
// reverse proxy's or a legacy install's (/eEye.RetinaCS.Server/api/public/v3)
// and is used as given.
func checkAPIPath(u *url.URL, p string) error {
	right := u.Scheme + "://" + u.Host + defaultAPIPath
	lower := strings.ToLower(p)
	switch lower {
	case "/beyondtrust", "/beyondtrust/api", "/beyondtrust/api/public":
		return fmt.Errorf("passwordsafe: the base URL path %q stops short of the API: use %q (or the host alone)", p, right)
	}
	const apiRoot = "/api/public/v3/"
	if i := strings.Index(lower+"/", apiRoot); i >= 0 && i+len(apiRoot) < len(lower)+1 {
		base := u.Scheme + "://" + u.Host + p[:i+len(apiRoot)]
		return fmt.Errorf("passwordsafe: the base URL %q names an endpoint: give the API base, %q", u.Scheme+"://"+u.Host+p, base)
	}
	return nil
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
	switch {
	case c.cfg == nil:
	case c.cfg.hasOAuth:
		kind = "oauth"
	case c.cfg.bearer != nil:
		kind = "bearer-token"
	}
	return "passwordsafe.Client{BaseURL: " + c.baseStr + ", Auth: " + kind + "}"
}

// Format prints String for every verb, so no verb can reach a credential.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// GoString prints String.
func (c Client) GoString() string { return c.String() }

// Do calls any endpoint, for those without a typed method (e.g. GET
// AccessLevels), with the same sign-in, retry and error handling as the
// typed methods.
//
// path is relative to the base URL (a leading "/" is dropped), used as given
// (escape it yourself) and may carry a query string; an absolute URL is
// refused so the session never travels to another host. body is
// JSON-encoded when non-nil. out is JSON-decoded when non-nil and the answer
// has a body; pass a *[]byte to get the raw body instead. Answers up to
// 256 MiB are read. Whenever an answer arrived the *Response is returned,
// also beside an *ErrorResponse.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (*Response, error) {
	m := strings.ToUpper(strings.TrimSpace(method))
	if m == "" || strings.ContainsFunc(m, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return nil, invalid("method", "%q is not an HTTP method", method)
	}
	p, q, err := splitPath(path)
	if err != nil {
		return nil, err
	}
	r := &request{method: m, path: p, query: q, body: body, limit: capList}
	if raw, ok := out.(*[]byte); ok {
		return c.do(ctx, r, func(_ http.Header, body *answer) error {
			b, err := body.bytes()
			*raw = b
			return err
		})
	}
	return c.call(ctx, r, nil, out)
}

// splitPath checks a caller's relative path and splits off its query.
func splitPath(path string) (p, q string, err error) {
	p = strings.TrimLeft(path, "/")
	if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }) {
		return "", "", invalid("path", "contains a space or control character")
	}
	u, perr := url.Parse(p)
	switch {
	case perr != nil:
		return "", "", invalid("path", "does not parse as a URL path")
	case u.Scheme != "" || u.Host != "" || u.User != nil:
		return "", "", invalid("path", "must be relative to the base URL, not an absolute URL")
	case u.Fragment != "":
		return "", "", invalid("path", "must not carry a fragment")
	}
	p, q, _ = strings.Cut(p, "?")
	return p, q, nil
}
