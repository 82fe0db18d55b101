package passwordsafetest_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// WithAllowedHosts refuses a foreign Host header (DNS rebinding) before
// anything happens; IP addresses, localhost and the names given are served.
func TestAllowedHosts(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithAllowedHosts("ps.example.test", ".corp.example"))
	c := f.anon()
	signIn := http.Header{"Authorization": {"PS-Auth key=" + f.srv.APIKey() + "; runas=requestor;"}}
	for _, host := range []string{"evil.example", "evil.example:8080", "ps.example.test.evil.example", "xcorp.example", "localhost.evil.example"} {
		r := c.send(http.MethodPost, "Auth/SignAppin", nil, http.Header{"Authorization": signIn["Authorization"], "Host": {host}})
		if r.status != http.StatusMisdirectedRequest || r.str() != `This server does not serve the host "`+host+`".` {
			t.Errorf("Host %s: %d %s", host, r.status, r.body)
		}
	}
	if n := len(f.srv.CallLog()); n != 0 {
		t.Errorf("refused calls were logged: %v", f.srv.CallLog())
	}
	for _, host := range []string{"127.0.0.1", "10.0.0.5:443", "[::1]:8080", "LOCALHOST:1", "app.localhost", "PS.example.test", "ps.example.test.", "corp.example", "a.b.corp.example:9"} {
		c.send(http.MethodPost, "Auth/SignAppin", nil, http.Header{"Authorization": signIn["Authorization"], "Host": {host}}).
			wantStatus(http.StatusOK)
	}
	// Without the option every host is served, as a fake behind a test's own proxy needs.
	plain := newFixture(t)
	plain.anon().send(http.MethodPost, "Auth/SignAppin", nil, http.Header{"Authorization": signIn["Authorization"], "Host": {"evil.example"}}).
		wantStatus(http.StatusOK)

	for _, bad := range []string{"", " ", "a/b", "host:80", "user@host"} {
		if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithAllowedHosts(bad)); err == nil {
			t.Errorf("WithAllowedHosts(%q) is no error", bad)
		}
	}
}

// With WithTLS, the certificate names the allowed hosts too.
func TestAllowedHostsInCertificate(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTLS(), passwordsafetest.WithAllowedHosts("ps.example.test", ".corp.example"))
	cert := srv.Certificate()
	if !slices.Equal(cert.DNSNames, []string{"localhost", "ps.example.test", "*.corp.example"}) || len(cert.IPAddresses) != 2 {
		t.Errorf("names %v, IPs %v", cert.DNSNames, cert.IPAddresses)
	}
	if err := cert.VerifyHostname("a.corp.example"); err != nil {
		t.Error(err)
	}
}

// With WithTLS on another address than 127.0.0.1, the certificate names
// that address, so a client that calls it verifies the fake.
func TestCertificateNamesListenAddress(t *testing.T) {
	srv, err := passwordsafetest.Start("127.0.0.2:0", passwordsafetest.WithTLS())
	if err != nil {
		t.Skipf("no 127.0.0.2 here: %v", err)
	}
	defer srv.Close()
	if err := srv.Certificate().VerifyHostname("127.0.0.2"); err != nil {
		t.Error(err)
	}
	resp, err := srv.HTTPClient().Get(srv.URL() + "Nodes")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d", resp.StatusCode)
	}
}
