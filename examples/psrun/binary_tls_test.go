package main

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
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mtlsKit is a fake Password Safe behind a TLS front that requires a
// client certificate, with the files a user would have: the front's CA
// and the client certificate in the forms -cert reads and refuses.
type mtlsKit struct {
	*kit
	host  string // the front: a bare host:port (https, the default path)
	caPEM string // PS_CA_FILE: the front's certificate
	files map[string]string
	mu    sync.Mutex
	peers []string // the client certificates the front saw (CN)
}

const certPassword = "pfx-Pa55"

func newMTLSKit(t *testing.T) *mtlsKit {
	t.Helper()
	k := &mtlsKit{kit: newKit(t), files: map[string]string{}}
	dir := t.TempDir()
	write := func(name string, blocks ...*pem.Block) {
		var b []byte
		for _, bl := range blocks {
			b = append(b, pem.EncodeToMemory(bl)...)
		}
		k.files[name] = filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(k.files[name], b, 0o600))
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "psrun-client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certBlock := &pem.Block{Type: "CERTIFICATE", Bytes: der}
	keyBlock := &pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}
	//lint:ignore SA1019 the legacy encrypted PEM key -certpass reads
	encBlock, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", keyDER, []byte(certPassword), x509.PEMCipherAES256)
	require.NoError(t, err)
	write("client.pem", certBlock, keyBlock)
	write("client.crt", certBlock)
	write("client.key", keyBlock)
	write("client-enc.pem", certBlock, encBlock)
	write("client-pkcs8enc.pem", certBlock, &pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("opaque")})
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	otherDER, err := x509.MarshalECPrivateKey(other)
	require.NoError(t, err)
	write("other.key", &pem.Block{Type: "EC PRIVATE KEY", Bytes: otherDER})
	k.files["client.pfx"] = filepath.Join(dir, "client.pfx")
	require.NoError(t, os.WriteFile(k.files["client.pfx"], der, 0o600)) // DER, as a PFX is: not PEM

	target, err := url.Parse("http://" + k.srv.Addr())
	require.NoError(t, err)
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) }}
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		for _, c := range r.TLS.PeerCertificates {
			k.peers = append(k.peers, c.Subject.CommonName)
		}
		k.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	front.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MinVersion: tls.VersionTLS12}
	front.StartTLS()
	t.Cleanup(front.Close)
	k.host = strings.TrimPrefix(front.URL, "https://")
	k.caPEM = filepath.Join(dir, "front-ca.pem")
	require.NoError(t, os.WriteFile(k.caPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw}), 0o600))
	return k
}

func (k *mtlsKit) seen() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.peers...)
}

// TestBinaryClientCertificate: -cert (a PEM with the certificate and key,
// or with -key), -certpass for an encrypted PEM key, and PS_CLIENT_CERT
// and PS_CLIENT_KEY; the server's CA from PS_CA_FILE.
func TestBinaryClientCertificate(t *testing.T) {
	t.Parallel()
	k := newMTLSKit(t)
	ca := "PS_CA_FILE=" + k.caPEM
	roles := "RoleID\tName\n1\tRequestor\n"
	for name, tc := range map[string]struct {
		env  []string
		opts []string
	}{
		"-cert, certificate and key in one PEM": {[]string{ca}, []string{"-cert", k.files["client.pem"]}},
		"-cert and -key":                        {[]string{ca}, []string{"-cert", k.files["client.crt"], "-key", k.files["client.key"]}},
		"-certpass":                             {[]string{ca}, []string{"-cert", k.files["client-enc.pem"], "-certpass", certPassword}},
		"PS_CLIENT_CERT and PS_CLIENT_KEY":      {[]string{ca, "PS_CLIENT_CERT=" + k.files["client.crt"], "PS_CLIENT_KEY=" + k.files["client.key"]}, nil},
	} {
		before := len(k.seen())
		args := append(append(tc.opts, "-filter", "RoleID,Name"), k.host, k.key, "admin", "ListRoles")
		r := bin(t, tc.env, args...)
		require.Equal(t, 0, r.code, "%s: %s", name, r.stderr)
		assert.Empty(t, r.stderr, name)
		assert.True(t, strings.HasPrefix(r.stdout, roles), "%s: %q", name, r.stdout)
		assert.Greater(t, len(k.seen()), before, name)
	}
	for _, cn := range k.seen() {
		assert.Equal(t, "psrun-client", cn)
	}

	// Without a certificate the front refuses the handshake.
	r := bin(t, []string{ca}, k.host, k.key, "admin", "ListRoles")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "certificate required")
	assert.Empty(t, r.stdout)
}

// TestBinaryInsecure: -i skips the check of the server's certificate and
// says so on stderr; without it (and without PS_CA_FILE) the self-signed
// front is refused.
func TestBinaryInsecure(t *testing.T) {
	t.Parallel()
	k := newMTLSKit(t)
	r := bin(t, nil, "-i", "-cert", k.files["client.pem"], "-filter", "RoleID", "-noheaders", k.host, k.key, "admin", "ListRoles")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "1\n2\n3\n4\n5\n6\n", r.stdout)
	assert.Equal(t, "psrun: warning: -i: the server's TLS certificate is not verified\n", r.stderr)

	r = bin(t, nil, "-cert", k.files["client.pem"], k.host, k.key, "admin", "ListRoles")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "certificate signed by unknown authority")
}

// TestBinaryClientCertificateRefusals: what -cert cannot read says what
// to do, names no file content, and sends nothing.
func TestBinaryClientCertificateRefusals(t *testing.T) {
	t.Parallel()
	k := newMTLSKit(t)
	ca := []string{"PS_CA_FILE=" + k.caPEM}
	for name, tc := range map[string]struct {
		env  []string
		opts []string
		want string
	}{
		"a PFX": {ca, []string{"-cert", k.files["client.pfx"], "-certpass", certPassword},
			"psrun: -cert is not a PEM file: " + pfxHelp + "\n"},
		"a PKCS#8-encrypted key": {ca, []string{"-cert", k.files["client-pkcs8enc.pem"], "-certpass", certPassword},
			"psrun: -cert: the key is PKCS#8-encrypted, which the Go standard library cannot decrypt: openssl pkey -in key.pem " +
				"-out key-clear.pem (it asks for the password; then chmod 600 key-clear.pem), and give -key key-clear.pem\n"},
		"an encrypted key without -certpass": {ca, []string{"-cert", k.files["client-enc.pem"]},
			"psrun: -cert: the key is encrypted: give its password with -certpass\n"},
		"the wrong -certpass": {ca, []string{"-cert", k.files["client-enc.pem"], "-certpass", "wrong"},
			"psrun: -cert: the key does not decrypt with the -certpass given\n"},
		"a certificate without its key": {ca, []string{"-cert", k.files["client.crt"]},
			"psrun: -cert holds no PEM private key: add it to the file, or give it with -key\n"},
		"a key of another certificate": {ca, []string{"-cert", k.files["client.crt"], "-key", k.files["other.key"]},
			"psrun: -cert: the certificate and the key do not go together, or one is damaged\n"},
		"-key alone": {ca, []string{"-key", k.files["client.key"]},
			"psrun: -key without -cert: give the certificate too\n"},
		"a key for a certificate": {ca, []string{"-cert", k.files["client.key"], "-key", k.files["client.key"]},
			"psrun: -cert holds no PEM certificate (-----BEGIN CERTIFICATE-----)\n"},
		"no such file": {ca, []string{"-cert", filepath.Join(t.TempDir(), "missing.pem")},
			"psrun: -cert: no such file or directory\n"},
		"no such key file": {ca, []string{"-cert", k.files["client.crt"], "-key", filepath.Join(t.TempDir(), "missing.key")},
			"psrun: -key: no such file or directory\n"},
		"no such CA file": {[]string{"PS_CA_FILE=" + filepath.Join(t.TempDir(), "missing.pem")}, []string{"-cert", k.files["client.pem"]},
			"psrun: PS_CA_FILE: no such file or directory\n"},
		"PS_CLIENT_CERT without PS_CLIENT_KEY's file": {append(ca, "PS_CLIENT_CERT="+k.files["client.crt"], "PS_CLIENT_KEY="+k.files["client.crt"]), nil,
			"psrun: PS_CLIENT_KEY holds no PEM private key: add it to the file, or give it with -key\n"},
		"a CA file that holds no certificate": {[]string{"PS_CA_FILE=" + k.files["client.key"]}, []string{"-cert", k.files["client.pem"]},
			"psrun: PS_CA_FILE holds no PEM certificate (want -----BEGIN CERTIFICATE----- blocks)\n"},
	} {
		r := bin(t, tc.env, append(tc.opts, k.host, k.key, "admin", "ListRoles")...)
		assert.Equal(t, 1, r.code, name)
		assert.Empty(t, r.stdout, name)
		assert.Equal(t, tc.want, r.stderr, name)
	}
	assert.Empty(t, k.seen(), "nothing reached the server")
	assert.Empty(t, k.srv.CallLog())
}
