package passwordsafe

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/url"
	"os"
	"strings"
)

// The environment variables NewClientFromEnv reads.
const (
	EnvURL               = "PS_URL"
	EnvAPIKey            = "PS_API_KEY"
	EnvRunAs             = "PS_RUNAS"
	EnvRunAsPassword     = "PS_RUNAS_PASSWORD"
	EnvOAuthClientID     = "PS_OAUTH_CLIENT_ID"
	EnvOAuthClientSecret = "PS_OAUTH_CLIENT_SECRET"
	EnvAPIVersion        = "PS_API_VERSION"
	EnvCAFile            = "PS_CA_FILE"
	EnvClientCert        = "PS_CLIENT_CERT"
	EnvClientKey         = "PS_CLIENT_KEY"
)

// NewClientFromEnv returns a client configured from the environment, the
// way the examples, psrun and most deployments configure one:
//
//   - PS_URL: the base URL, as NewClient takes it (https://host, or the API
//     base with its path);
//   - PS_API_KEY and PS_RUNAS, with PS_RUNAS_PASSWORD when the API
//     registration requires it; or PS_OAUTH_CLIENT_ID and
//     PS_OAUTH_CLIENT_SECRET (exactly one of the two ways);
//   - PS_API_VERSION (optional): WithAPIVersion, e.g. 3.1;
//   - PS_CA_FILE (optional): a PEM bundle of the certificates to trust for
//     the server, in place of the system's roots;
//   - PS_CLIENT_CERT and PS_CLIENT_KEY (optional, together): PEM files of a
//     client certificate and its key, for servers that ask for one.
//
// opts apply after the environment: WithLogger, WithRetries, WithUserAgent
// and the like add to it, and WithTLSConfig replaces what PS_CA_FILE and
// PS_CLIENT_CERT built. A credential option that the environment already
// gives (WithAPIKey when PS_API_KEY is set) is an error, as giving it twice
// to NewClient is. Values are trimmed of surrounding white space, except
// PS_RUNAS_PASSWORD, which is taken as it is.
//
// A missing, contradictory or invalid variable is an error that names the
// variable and never its value. No network I/O happens here.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	get := func(name string) string { return strings.TrimSpace(os.Getenv(name)) }
	base := get(EnvURL)
	if base == "" {
		return nil, errors.New("passwordsafe: " + EnvURL + " is not set: give the vault's base URL, e.g. https://vault.example.com")
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("passwordsafe: " + EnvURL + " is not an http(s) URL: give https://host (or the API base, https://host/BeyondTrust/api/public/v3)")
	}
	env, err := envOptions(get)
	if err != nil {
		return nil, err
	}
	c, err := NewClient(base, append(env, opts...)...)
	if err != nil {
		return nil, hideValue(err, EnvURL, base)
	}
	return c, nil
}

// envOptions turns the environment's credentials, API version and TLS
// settings into options.
func envOptions(get func(string) string) ([]Option, error) {
	key, runAs, pwd := get(EnvAPIKey), get(EnvRunAs), os.Getenv(EnvRunAsPassword)
	id, secret := get(EnvOAuthClientID), get(EnvOAuthClientSecret)
	var opts []Option
	switch {
	case (key != "" || runAs != "") && (id != "" || secret != ""):
		return nil, errors.New("passwordsafe: both an API key (" + EnvAPIKey + ", " + EnvRunAs + ") and an OAuth client (" +
			EnvOAuthClientID + ", " + EnvOAuthClientSecret + ") are set: unset one of the two")
	case key != "" || runAs != "":
		if key == "" || runAs == "" {
			return nil, errors.New("passwordsafe: " + EnvAPIKey + " and " + EnvRunAs + " go together: set both")
		}
		opts = append(opts, WithAPIKey(key, runAs))
		if pwd != "" {
			opts = append(opts, WithRunAsPassword(pwd))
		}
	case id != "" || secret != "":
		if id == "" || secret == "" {
			return nil, errors.New("passwordsafe: " + EnvOAuthClientID + " and " + EnvOAuthClientSecret + " go together: set both")
		}
		opts = append(opts, WithOAuthClientCredentials(id, secret))
	default:
		return nil, errors.New("passwordsafe: no credentials in the environment: set " + EnvAPIKey + " and " + EnvRunAs +
			" (and " + EnvRunAsPassword + " if the API registration requires it), or " + EnvOAuthClientID + " and " + EnvOAuthClientSecret)
	}
	if pwd != "" && key == "" {
		return nil, errors.New("passwordsafe: " + EnvRunAsPassword + " is set without " + EnvAPIKey + ": it goes with an API key only")
	}
	if v := get(EnvAPIVersion); v != "" {
		if WithAPIVersion(v)(&clientConfig{}) != nil {
			return nil, errors.New("passwordsafe: " + EnvAPIVersion + " must read major.minor, such as 3.1")
		}
		opts = append(opts, WithAPIVersion(v))
	}
	tc, err := envTLS(get)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		opts = append(opts, WithTLSConfig(tc))
	}
	return opts, nil
}

// envTLS builds the TLS configuration of PS_CA_FILE, PS_CLIENT_CERT and
// PS_CLIENT_KEY, or nil when none is set. Its errors name the variable,
// never the file's path or content.
func envTLS(get func(string) string) (*tls.Config, error) {
	caFile, certFile, keyFile := get(EnvCAFile), get(EnvClientCert), get(EnvClientKey)
	if caFile == "" && certFile == "" && keyFile == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, errors.New("passwordsafe: " + EnvCAFile + " cannot be read: " + describeFileError(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("passwordsafe: " + EnvCAFile + " holds no PEM certificate (want -----BEGIN CERTIFICATE----- blocks)")
		}
		tc.RootCAs = pool
	}
	switch {
	case certFile == "" && keyFile == "":
	case certFile == "" || keyFile == "":
		return nil, errors.New("passwordsafe: " + EnvClientCert + " and " + EnvClientKey + " go together: set both")
	default:
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, errors.New("passwordsafe: " + EnvClientCert + " and " + EnvClientKey +
				" do not hold a PEM certificate and its private key (a PFX file must be converted: " +
				"openssl pkcs12 -in client.pfx -clcerts -nokeys -out client.crt; openssl pkcs12 -in client.pfx -nocerts -nodes -out client.key)")
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// describeFileError says why a file could not be read without its path.
func describeFileError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "read failed"
}

// hideValue replaces a variable's value, and the host and path it names,
// with the variable's name in an error from NewClient.
func hideValue(err error, name, value string) error {
	msg := err.Error()
	parts := []string{value, "https://" + value, "http://" + value}
	if u, perr := url.Parse(value); perr == nil {
		parts = append(parts, u.Scheme+"://"+u.Host+u.EscapedPath(), u.Scheme+"://"+u.Host, u.EscapedPath(), u.Host, u.Hostname())
	}
	for _, p := range parts {
		if p != "" && p != "/" {
			msg = strings.ReplaceAll(msg, p, "$"+name)
		}
	}
	return errors.New(msg)
}
