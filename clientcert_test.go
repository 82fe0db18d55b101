package passwordsafe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newClientCert makes a self-signed client certificate named cn.
func newClientCert(t *testing.T, cn string) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

// With a client certificate the SDK's transport speaks HTTP/1.1, even to a
// server that offers HTTP/2, and allows the one renegotiation with which
// IIS asks for the certificate after the handshake.
//
// Go's TLS server cannot renegotiate (crypto/tls implements renegotiation
// on the client side only), so no test server here can ask for the
// certificate the way IIS does. The test checks the two settings that make
// IIS's way work (HTTP/1.1, and Renegotiation set to RenegotiateOnceAsClient)
// and that the certificate is presented to a server that asks for it in
// the handshake.
func TestClientCertificateSpeaksHTTP1(t *testing.T) {
	t.Parallel()
	cert, leaf := newClientCert(t, "api-client")
	var mu sync.Mutex
	var protos []string
	var peers []string
	srv := httptest.NewUnstartedServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		protos = append(protos, r.Proto)
		for _, c := range r.TLS.PeerCertificates {
			peers = append(peers, c.Subject.CommonName)
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	srv.EnableHTTP2 = true
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(leaf)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	for name, tc := range map[string]*tls.Config{
		"Certificates":         {RootCAs: roots, Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}},
		"GetClientCertificate": {RootCAs: roots, GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }},
	} {
		c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithTLSConfig(tc))
		require.NoError(t, err, name)
		assert.Equal(t, tls.RenegotiateOnceAsClient, c.own.TLSClientConfig.Renegotiation, name)
		assert.NotContains(t, c.own.TLSClientConfig.NextProtos, "h2", name)
		require.NotNil(t, c.own.Protocols, name)
		assert.True(t, c.own.Protocols.HTTP1(), name)
		assert.False(t, c.own.Protocols.HTTP2(), name)
		if tc.NextProtos != nil {
			assert.Equal(t, []string{"h2", "http/1.1"}, tc.NextProtos, "the caller's config is not changed")
		}
		_, resp, err := c.Requests.List(context.Background(), nil)
		require.NoError(t, err, name)
		assert.Equal(t, 1, resp.ProtoMajor, name)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"HTTP/1.1", "HTTP/1.1"}, protos)
	assert.Equal(t, []string{"api-client", "api-client"}, peers)
}

// Without a client certificate the transport is left as it was: HTTP/2
// when offered, no renegotiation.
func TestNoClientCertificateKeepsHTTP2(t *testing.T) {
	t.Parallel()
	tr := newTransport(&tls.Config{}, time.Minute)
	assert.Equal(t, tls.RenegotiateNever, tr.TLSClientConfig.Renegotiation)
	assert.True(t, tr.ForceAttemptHTTP2)
	assert.Nil(t, tr.Protocols)
}
