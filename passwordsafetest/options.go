package passwordsafetest

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Credentials the fake accepts unless an option says otherwise. They have
// the shapes of real ones, which some clients check before they call (the
// vendor's Go library refuses an API key outside 128–263 characters, a
// client ID that is not 36, and a secret outside 36–64): the API key is 128
// hexadecimal characters, the OAuth client ID a GUID and its secret 50
// characters.
const (
	DefaultAPIKey            = "c0ffee5afe0a7e1e9d4b2c8f3a6e1d7b5c9f0e2a4b6d8c1e3f5a7b9d0c2e4f6a8b1d3c5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e"
	DefaultOAuthClientID     = "5e7d9c1a-2b4f-4e6a-9c3d-8f1b2a0e7d46"
	DefaultOAuthClientSecret = "Ps7eStFakeOAuthSecret-K8mQ2vX9wLp4Rt6ZbN3cH5jD0fG1"
	// BasePath is where the API lives unless WithBasePath moves it.
	BasePath = "/BeyondTrust/api/public/v3/"
)

// NodeID is the ID of the fake's single (local) session node.
const NodeID = "5f0c8f8e-6a3b-4c2d-9e1f-7a8b9c0d1e2f"

// ServerOption configures a fake server; build one with the With...
// functions. Options apply in order; seed options add up.
type ServerOption func(*config) error

// config is what the options build.
type config struct {
	apiKey        string
	oauthID       string
	oauthSecret   string
	oauthRunAs    string
	oauthRunAsSet bool // by WithOAuthClient; else the default follows the seed
	tokenLifetime time.Duration
	idleTimeout   time.Duration
	basePath      string
	start         time.Time     // zero: follow the wall clock
	skew          time.Duration // added to the wall clock (WithClockSkew)
	tls           bool
	versions      []string // nil: every version is served (as 3.0)
	// pagedAccountsFrom, when set, wraps GET ManagedAccounts lists for
	// calls asking for this version or newer.
	pagedAccountsFrom string
	seed              Seed
	serverVersion     string // GET Configuration/Version
	mfaCode           string // "": PS-Auth sign-ins are not challenged
	mfaPrompt         string
	isaBareCredential bool // POST ISARequests answers a bare JSON string
	// hostCheck refuses calls whose Host is not an IP address, localhost
	// or one of allowedHosts (WithAllowedHosts).
	hostCheck    bool
	allowedHosts []string
}

func newConfig(opts []ServerOption) (*config, error) {
	c := &config{
		apiKey:        DefaultAPIKey,
		oauthID:       DefaultOAuthClientID,
		oauthSecret:   DefaultOAuthClientSecret,
		oauthRunAs:    "requestor",
		tokenLifetime: 600 * time.Second,
		idleTimeout:   20 * time.Minute,
		basePath:      BasePath,
		serverVersion: DefaultServerVersion,
		mfaPrompt:     DefaultMFAPrompt,
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("passwordsafetest: nil ServerOption")
		}
		if err := o(c); err != nil {
			return nil, fmt.Errorf("passwordsafetest: %w", err)
		}
	}
	return c, nil
}

// WithSeed adds a seed given as Go values (see Seed for how it combines
// with the default seed).
func WithSeed(s Seed) ServerOption {
	return func(c *config) error {
		if s.Version != 0 && s.Version != SeedVersion {
			return fmt.Errorf("seed: version %d is not supported (this package reads version %d)", s.Version, SeedVersion)
		}
		c.seed.merge(s)
		return nil
	}
}

// WithSeedFile adds the seed in a JSON seed file (schema in the package
// documentation). A file that cannot be read, holds unknown fields or
// another version is an error naming the file.
func WithSeedFile(path string) ServerOption {
	return func(c *config) error {
		s, err := ReadSeedFile(path)
		if err != nil {
			return err
		}
		c.seed.merge(s)
		return nil
	}
}

// WithoutDefaults starts the fake with no default users, systems,
// accounts or aliases: only what the other seed options add.
func WithoutDefaults() ServerOption {
	return func(c *config) error { c.seed.NoDefaults = true; return nil }
}

// WithUser seeds a user (replacing a default user of the same name).
func WithUser(u User) ServerOption { return WithSeed(Seed{Users: []User{u}}) }

// WithSystem seeds a managed system.
func WithSystem(sy System) ServerOption { return WithSeed(Seed{Systems: []System{sy}}) }

// WithAccount seeds a managed account (its system is created when no
// seeded system has its name).
func WithAccount(a Account) ServerOption { return WithSeed(Seed{Accounts: []Account{a}}) }

// WithManagedAccount seeds an auto-approved account with a known
// password, on a Linux system created when needed:
//
//	srv := passwordsafetest.NewServer(t, passwordsafetest.WithManagedAccount("db01", "postgres", "pw"))
func WithManagedAccount(system, account, password string) ServerOption {
	return WithAccount(Account{System: system, Name: account, Password: password})
}

// WithAlias seeds a managed account alias.
func WithAlias(al Alias) ServerOption { return WithSeed(Seed{Aliases: []Alias{al}}) }

// WithRecordedSession seeds a session that replays can show.
func WithRecordedSession(rs RecordedSession) ServerOption {
	return WithSeed(Seed{Sessions: []RecordedSession{rs}})
}

// WithNode seeds a session node (GET Nodes) beside the fake's own.
func WithNode(n Node) ServerOption { return WithSeed(Seed{Nodes: []Node{n}}) }

// WithAPIKey sets the API key the fake accepts (default DefaultAPIKey).
func WithAPIKey(key string) ServerOption {
	return func(c *config) error {
		if key == "" || strings.ContainsAny(key, "; \t\r\n") {
			return errors.New("WithAPIKey: the key must be non-empty, without ';' or spaces")
		}
		c.apiKey = key
		return nil
	}
}

// WithOAuthClient sets the OAuth client the fake accepts and the user it
// acts as (defaults: DefaultOAuthClientID, DefaultOAuthClientSecret, and
// "requestor", or when the seed has no such user, the first user with the
// Requestor role, else the first user; an empty runAs keeps that default).
//
// The client must look like one the server issues, since a client under
// test may check that before it calls (the vendor's Go library does): the
// ID a GUID (8-4-4-4-12 hexadecimal digits), the secret 36 to 64 printable
// ASCII characters without spaces. Anything else is an error.
func WithOAuthClient(id, secret, runAs string) ServerOption {
	return func(c *config) error {
		switch {
		case !isGUID(id):
			return errors.New("WithOAuthClient: the client ID must be a GUID (36 characters, 8-4-4-4-12 hexadecimal digits), as the server issues them")
		case !realisticSecret(secret):
			return errors.New("WithOAuthClient: the client secret must be 36 to 64 printable ASCII characters without spaces, as the server issues them")
		}
		c.oauthID, c.oauthSecret = id, secret
		if runAs != "" {
			c.oauthRunAs, c.oauthRunAsSet = runAs, true
		}
		return nil
	}
}

// isGUID reports whether s is a GUID: 8-4-4-4-12 hexadecimal digits.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// realisticSecret reports whether s is 36 to 64 printable ASCII characters
// other than space.
func realisticSecret(s string) bool {
	if len(s) < 36 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

// WithTokenLifetime sets the OAuth tokens' expires_in (default 600 s).
func WithTokenLifetime(d time.Duration) ServerOption {
	return func(c *config) error {
		if d < time.Second {
			return errors.New("WithTokenLifetime: at least one second")
		}
		c.tokenLifetime = d
		return nil
	}
}

// WithIdleTimeout sets after how long without a call a signed-in session
// expires (default 20 minutes, as the real server).
func WithIdleTimeout(d time.Duration) ServerOption {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("WithIdleTimeout: must be positive")
		}
		c.idleTimeout = d
		return nil
	}
}

// WithBasePath serves the API below another path than BasePath.
func WithBasePath(p string) ServerOption {
	return func(c *config) error {
		p = "/" + strings.Trim(p, "/") + "/"
		if p == "//" {
			p = "/"
		}
		c.basePath = p
		return nil
	}
}

// WithTime stops the fake's clock at start: time then moves only by
// Advance, which makes every date in its answers reproducible. By default
// the clock follows the wall clock plus everything Advance added.
func WithTime(start time.Time) ServerOption {
	return func(c *config) error {
		if start.IsZero() {
			return errors.New("WithTime: the zero time")
		}
		c.start = start.UTC()
		return nil
	}
}

// WithClockSkew sets the fake's clock d ahead of the wall clock (behind
// when d is negative), as a server whose clock is off: it runs with the
// wall clock, and every date the fake writes (RequestReleaseDate, session
// times, the call log) is off by d. With WithTime it moves the start.
func WithClockSkew(d time.Duration) ServerOption {
	return func(c *config) error { c.skew = d; return nil }
}

// WithTLS serves HTTPS with a self-signed certificate for 127.0.0.1, ::1
// and localhost, made for this server. Server.Client trusts it; other
// clients can use Server.HTTPClient, TLSConfig or Certificate.
func WithTLS() ServerOption {
	return func(c *config) error { c.tls = true; return nil }
}

// WithAPIVersions limits the API versions the fake serves. A call asking
// for another one with ?version= answers 410 Gone, with a JSON string that
// says the version is disabled (the real server answers so at sign-in,
// the first call a client makes). Without this option every version is
// served. Either way the fake answers as version 3.0, except where the
// package documentation says otherwise.
func WithAPIVersions(versions ...string) ServerOption {
	return func(c *config) error {
		if len(versions) == 0 {
			return errors.New("WithAPIVersions: name at least one version")
		}
		for _, v := range versions {
			if _, ok := parseVersion(v); !ok {
				return fmt.Errorf("WithAPIVersions: %q is not a version such as 3.1", v)
			}
		}
		c.versions = append([]string(nil), versions...)
		return nil
	}
}

// WithPagedManagedAccounts makes GET ManagedAccounts answer its lists as
// {"TotalCount": N, "Data": [...]} to calls that ask for version (e.g.
// "3.1") or newer with ?version=, the shape GET ManagedSystems and newer
// secrets-safe lists have. The reference does not say that ManagedAccounts
// ever answers so (see the package documentation); this option lets a
// client's tests prove it reads both shapes.
func WithPagedManagedAccounts(version string) ServerOption {
	return func(c *config) error {
		if _, ok := parseVersion(version); !ok {
			return fmt.Errorf("WithPagedManagedAccounts: %q is not a version such as 3.1", version)
		}
		c.pagedAccountsFrom = version
		return nil
	}
}

// WithServerVersion sets what GET Configuration/Version answers (default
// DefaultServerVersion), e.g. "24.1.0.1234".
func WithServerVersion(v string) ServerOption {
	return func(c *config) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("WithServerVersion: the version is empty")
		}
		c.serverVersion = v
		return nil
	}
}

// DefaultMFAPrompt is the WWW-Authenticate-2FA prompt of WithMFA.
const DefaultMFAPrompt = "Enter the code from your authenticator app"

// WithMFA makes the API registration enforce multi-factor authentication
// for API-key (PS-Auth) sign-ins, as its "Enforce multi-factor
// authentication" option does: a sign-in without "challenge=<code>;"
// answers 401 with the header WWW-Authenticate-2FA (DefaultMFAPrompt) and
// a session cookie; repeating the sign-in on that cookie with
// " challenge=<code>;" added to the PS-Auth header signs in. A wrong code
// answers 401 with the header again, and the cookie stays good for another
// try. Bearer (OAuth) sign-ins are not challenged. See the package
// documentation, "Sign-in extras".
func WithMFA(code string) ServerOption {
	return func(c *config) error {
		if code == "" || strings.ContainsAny(code, "; \t\r\n") {
			return errors.New("WithMFA: the code must be non-empty, without ';' or spaces")
		}
		c.mfaCode = code
		return nil
	}
}

// WithMFAPrompt sets the WWW-Authenticate-2FA prompt WithMFA sends.
func WithMFAPrompt(prompt string) ServerOption {
	return func(c *config) error {
		if strings.TrimSpace(prompt) == "" || strings.ContainsAny(prompt, "\r\n") {
			return errors.New("WithMFAPrompt: the prompt must be one non-empty line")
		}
		c.mfaPrompt = prompt
		return nil
	}
}

// WithAllowedHosts makes the fake refuse a call whose Host header names
// another host than an IP address, localhost (or a name ending in
// .localhost), or one of names (case-insensitive; a leading "." allows a
// domain and its subdomains). That defends a fake running as a process
// (examples/fakeserver) against DNS rebinding: a web page whose own host
// name its DNS points at the fake's address would otherwise reach it with
// the browser's cookies and read its answers. A refused call answers 421
// Misdirected Request with a JSON string and is neither acted on nor
// logged. With WithTLS, the names also go into the certificate.
//
// Without this option every Host is served, as a test's fake mounted
// behind a proxy of its own needs.
func WithAllowedHosts(names ...string) ServerOption {
	return func(c *config) error {
		for _, n := range names {
			if strings.TrimSpace(n) == "" || strings.ContainsAny(n, "/:@ \t") {
				return fmt.Errorf("WithAllowedHosts: %q is not a host name", n)
			}
			c.allowedHosts = append(c.allowedHosts, strings.ToLower(n))
		}
		c.hostCheck = true
		return nil
	}
}

// WithISACredentialsAsString makes POST ISARequests answer the credential
// as a bare JSON string ("p@ss"), the way the vendor's .NET client reads
// it, instead of the reference's {"Credentials": "p@ss"}: for a client's
// tests that must read both.
func WithISACredentialsAsString() ServerOption {
	return func(c *config) error { c.isaBareCredential = true; return nil }
}
