package passwordsafe_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

var envNames = []string{ps.EnvURL, ps.EnvAPIKey, ps.EnvRunAs, ps.EnvRunAsPassword, ps.EnvOAuthClientID,
	ps.EnvOAuthClientSecret, ps.EnvAPIVersion, ps.EnvCAFile, ps.EnvClientCert, ps.EnvClientKey}

// setEnv clears every PS_ variable, then sets those given (not parallel:
// the environment is the process's).
func setEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, n := range envNames {
		t.Setenv(n, "")
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
}

// The environment's client signs in to the kit with the API key and, in
// another run, with the OAuth client; options given after the environment
// apply.
func TestNewClientFromEnvSignsIn(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	setEnv(t, map[string]string{ps.EnvURL: srv.URL(), ps.EnvAPIKey: " " + srv.APIKey() + " ", ps.EnvRunAs: "requestor"})
	c, err := ps.NewClientFromEnv(ps.WithUserAgent("envtest/1"))
	require.NoError(t, err)
	u, err := c.SignIn(ps.BoundedContext(t))
	require.NoError(t, err)
	assert.Equal(t, "requestor", u.UserName)
	assert.Equal(t, srv.URL(), c.BaseURL().String())

	setEnv(t, map[string]string{ps.EnvURL: srv.URL(), ps.EnvOAuthClientID: srv.OAuthClientID(),
		ps.EnvOAuthClientSecret: srv.OAuthClientSecret(), ps.EnvAPIVersion: "3.1"})
	c, err = ps.NewClientFromEnv()
	require.NoError(t, err)
	u, err = c.SignIn(ps.BoundedContext(t))
	require.NoError(t, err)
	assert.Equal(t, srv.OAuthUser(), u.UserName)
	calls := srv.CallLog()
	require.NotEmpty(t, calls)
	assert.Equal(t, "3.1", calls[len(calls)-1].Version, "PS_API_VERSION is sent")
}

// The run-as password and the API version reach the wire.
func TestNewClientFromEnvRunAsPassword(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var authz, query string
	mt.RegisterResponder(http.MethodPost, "https://vault.example.test/BeyondTrust/api/public/v3/Auth/SignAppin",
		func(req *http.Request) (*http.Response, error) {
			authz, query = req.Header.Get("Authorization"), req.URL.RawQuery
			return httpmock.NewStringResponse(200, `{"UserId":1}`), nil
		})
	setEnv(t, map[string]string{ps.EnvURL: "https://vault.example.test", ps.EnvAPIKey: "k-env-1", ps.EnvRunAs: "svc",
		ps.EnvRunAsPassword: " pw with spaces ", ps.EnvAPIVersion: "3.2"})
	c, err := ps.NewClientFromEnv(ps.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.SignIn(ps.BoundedContext(t))
	require.NoError(t, err)
	assert.Equal(t, "PS-Auth key=k-env-1; runas=svc; pwd=[ pw with spaces ];", authz)
	assert.Equal(t, "version=3.2", query)
}

// Every refusal names the variable and never its value.
func TestNewClientFromEnvRefusals(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca-secretname.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a certificate"), 0o600))
	certFile, keyFile := writeClientCert(t, dir)
	good := map[string]string{ps.EnvURL: "https://vault-secret-host.example", ps.EnvAPIKey: "key-secret-value", ps.EnvRunAs: "runas-secret-value"}
	with := func(changes map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range good {
			out[k] = v
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		vars  map[string]string
		names []string // what the message must name
	}{
		{"no URL", with(map[string]string{ps.EnvURL: ""}), []string{"PS_URL"}},
		{"ftp URL", with(map[string]string{ps.EnvURL: "ftp://vault-secret-host.example/x"}), []string{"PS_URL"}},
		{"no scheme", with(map[string]string{ps.EnvURL: "vault-secret-host.example/api"}), []string{"PS_URL"}},
		{"http elsewhere", with(map[string]string{ps.EnvURL: "http://vault-secret-host.example/api"}), []string{"PS_URL", "WithAllowHTTP"}},
		{"endpoint URL", with(map[string]string{ps.EnvURL: "https://vault-secret-host.example/BeyondTrust/api/public/v3/Requests"}), []string{"PS_URL"}},
		{"no credentials", with(map[string]string{ps.EnvAPIKey: "", ps.EnvRunAs: ""}), []string{"PS_API_KEY", "PS_OAUTH_CLIENT_ID"}},
		{"key without runas", with(map[string]string{ps.EnvRunAs: ""}), []string{"PS_API_KEY", "PS_RUNAS"}},
		{"runas without key", with(map[string]string{ps.EnvAPIKey: ""}), []string{"PS_API_KEY", "PS_RUNAS"}},
		{"both ways", with(map[string]string{ps.EnvOAuthClientID: "id-secret-value", ps.EnvOAuthClientSecret: "oauth-secret-value"}), []string{"PS_API_KEY", "PS_OAUTH_CLIENT_ID"}},
		{"key and an OAuth id", with(map[string]string{ps.EnvOAuthClientID: "id-secret-value"}), []string{"PS_API_KEY", "PS_OAUTH_CLIENT_ID", "unset one"}},
		{"runas and an OAuth secret", with(map[string]string{ps.EnvAPIKey: "", ps.EnvOAuthClientSecret: "oauth-secret-value"}), []string{"PS_API_KEY", "PS_OAUTH_CLIENT_ID", "unset one"}},
		{"id without secret", with(map[string]string{ps.EnvAPIKey: "", ps.EnvRunAs: "", ps.EnvOAuthClientID: "id-secret-value"}), []string{"PS_OAUTH_CLIENT_SECRET"}},
		{"password without key", with(map[string]string{ps.EnvAPIKey: "", ps.EnvRunAs: "", ps.EnvOAuthClientID: "id-secret-value", ps.EnvOAuthClientSecret: "oauth-secret-value", ps.EnvRunAsPassword: "pw-secret-value"}), []string{"PS_RUNAS_PASSWORD"}},
		{"bad password", with(map[string]string{ps.EnvRunAsPassword: "pw-secret-value]"}), []string{"run-as password"}},
		{"bad version", with(map[string]string{ps.EnvAPIVersion: "v3-secret-value"}), []string{"PS_API_VERSION"}},
		{"missing CA file", with(map[string]string{ps.EnvCAFile: filepath.Join(dir, "missing-secretname.pem")}), []string{"PS_CA_FILE", "no such file"}},
		{"CA file is a folder", with(map[string]string{ps.EnvCAFile: dir}), []string{"PS_CA_FILE", "is a directory"}},
		{"CA file not PEM", with(map[string]string{ps.EnvCAFile: notPEM}), []string{"PS_CA_FILE", "PEM"}},
		{"cert without key", with(map[string]string{ps.EnvClientCert: certFile}), []string{"PS_CLIENT_CERT", "PS_CLIENT_KEY"}},
		{"key is not a key", with(map[string]string{ps.EnvClientCert: certFile, ps.EnvClientKey: certFile}), []string{"PS_CLIENT_CERT", "openssl pkcs12"}},
		{"key file missing", with(map[string]string{ps.EnvClientCert: certFile, ps.EnvClientKey: keyFile + "-missing-secretname"}), []string{"PS_CLIENT_KEY"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(t, tc.vars)
			c, err := ps.NewClientFromEnv()
			require.Error(t, err)
			assert.Nil(t, c)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "passwordsafe: "), msg)
			for _, n := range tc.names {
				assert.Contains(t, msg, n)
			}
			for _, v := range []string{"secret-value", "secret-host", "secretname", dir} {
				assert.NotContains(t, msg, v)
			}
		})
	}
}

// PS_CA_FILE and the client certificate build the TLS configuration: a
// kit served over TLS is trusted through its CA file.
func TestNewClientFromEnvTLS(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTLS())
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	certFile, keyFile := writeClientCert(t, dir)
	setEnv(t, map[string]string{ps.EnvURL: srv.URL(), ps.EnvAPIKey: srv.APIKey(), ps.EnvRunAs: "requestor",
		ps.EnvCAFile: ca, ps.EnvClientCert: certFile, ps.EnvClientKey: keyFile})
	c, err := ps.NewClientFromEnv()
	require.NoError(t, err)
	_, err = c.SignIn(ps.BoundedContext(t))
	require.NoError(t, err)

	setEnv(t, map[string]string{ps.EnvURL: srv.URL(), ps.EnvAPIKey: srv.APIKey(), ps.EnvRunAs: "requestor"})
	c, err = ps.NewClientFromEnv()
	require.NoError(t, err)
	_, err = c.SignIn(ps.BoundedContext(t))
	require.Error(t, err, "without PS_CA_FILE the kit's certificate is not trusted")
	assert.Contains(t, err.Error(), "certificate")
}

// The client certificate of PS_CLIENT_CERT and PS_CLIENT_KEY is the one
// presented to a server that asks for one.
func TestNewClientFromEnvPresentsClientCertificate(t *testing.T) {
	var presented atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && len(r.TLS.PeerCertificates) == 1 && r.TLS.PeerCertificates[0].Subject.CommonName == "client" {
			presented.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"UserId":1,"UserName":"u"}`))
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	certFile, keyFile := writeClientCert(t, dir)
	setEnv(t, map[string]string{ps.EnvURL: srv.URL + "/api", ps.EnvAPIKey: "k", ps.EnvRunAs: "u",
		ps.EnvCAFile: ca, ps.EnvClientCert: certFile, ps.EnvClientKey: keyFile})
	c, err := ps.NewClientFromEnv()
	require.NoError(t, err)
	_, err = c.SignIn(ps.BoundedContext(t))
	require.NoError(t, err)
	assert.Equal(t, int32(1), presented.Load())
}

// writeClientCert writes a self-signed client certificate and its key as
// PEM files.
func writeClientCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	return certFile, keyFile
}
