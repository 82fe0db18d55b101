package passwordsafetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
)

// Client returns a *passwordsafe.Client that acts as the seeded user:
// the fake's API key with runas=<user>, the user's run-as password when it
// has one, and trust in the fake's certificate in TLS mode. It makes no
// call: the first call signs in, as with any client. Retries and Checkout's
// polling wait 1 to 10 ms, so a test never sits out the SDK's production
// back-off; opts come last and may change any of this. An unknown user, or
// options NewClient refuses, fail the test.
func (s *Server) Client(tb testing.TB, user string, opts ...passwordsafe.Option) *passwordsafe.Client {
	tb.Helper()
	c, err := s.NewClient(user, opts...)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return c
}

// NewClient is Client for code that has no testing.TB (examples,
// programs): it returns the error instead of failing a test.
func (s *Server) NewClient(user string, opts ...passwordsafe.Option) (*passwordsafe.Client, error) {
	u, ok := s.User(user)
	if !ok {
		return nil, fmt.Errorf("passwordsafetest: Client: no user %q", user)
	}
	all := []passwordsafe.Option{
		passwordsafe.WithAPIKey(s.cfg.apiKey, u.UserName),
		passwordsafe.WithRetries(3, time.Millisecond, 10*time.Millisecond),
		passwordsafe.WithCheckoutPolling(time.Millisecond, 10*time.Millisecond),
	}
	if u.RunAsPassword != "" {
		all = append(all, passwordsafe.WithRunAsPassword(u.RunAsPassword))
	}
	if s.cfg.tls {
		all = append(all, passwordsafe.WithTLSConfig(s.TLSConfig()))
	}
	c, err := passwordsafe.NewClient(s.URL(), append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("passwordsafetest: Client(%q): %w", user, err)
	}
	return c, nil
}

// TLSConfig returns a client TLS configuration that trusts the fake's
// certificate (a fresh one each call), or nil without WithTLS.
func (s *Server) TLSConfig() *tls.Config {
	if s.tlsCert == nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.tlsCert.Leaf)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// Certificate returns the fake's self-signed certificate, or nil without
// WithTLS: add it to a pool to trust the fake from any TLS client.
func (s *Server) Certificate() *x509.Certificate {
	if s.tlsCert == nil {
		return nil
	}
	return s.tlsCert.Leaf
}

// HTTPClient returns a new *http.Client for calling the fake directly
// (other languages' tools, raw calls in a test): it trusts the fake's
// certificate in TLS mode and follows no redirect. It has no cookie jar;
// add one to keep the session cookie between calls.
func (s *Server) HTTPClient() *http.Client {
	tr := &http.Transport{Proxy: nil, TLSClientConfig: s.TLSConfig(), ForceAttemptHTTP2: false}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// discardLog silences net/http's own log (TLS handshake errors from
// clients that do not trust the certificate, dropped connections).
var discardLog = log.New(io.Discard, "", 0)

// newCertificate makes a self-signed certificate for the loopback names,
// the address the server listens on (when it is one address) and names.
func newCertificate(addr net.Addr, names []string) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"passwordsafetest"}, CommonName: "passwordsafetest fake"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsUnspecified() &&
		!slices.ContainsFunc(tmpl.IPAddresses, tcp.IP.Equal) {
		tmpl.IPAddresses = append(tmpl.IPAddresses, tcp.IP)
	}
	for _, n := range names {
		if n = strings.TrimSuffix(n, "."); strings.HasPrefix(n, ".") {
			n = "*" + n
		}
		tmpl.DNSNames = append(tmpl.DNSNames, n)
	}
	// The wall clock, not the fake's: a client checks validity against its own.
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(10*365*24*time.Hour)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
