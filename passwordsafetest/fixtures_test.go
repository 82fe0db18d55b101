package passwordsafetest_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// fixtureClient is a client answered by the fixtures through mt.
func fixtureClient(t *testing.T, mt *httpmock.MockTransport) *passwordsafe.Client {
	t.Helper()
	c, err := passwordsafe.NewClient("https://vault.example.test",
		passwordsafe.WithAPIKey("key", "requestor"), passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parsesAsKey reports whether v is a PEM private key.
func parsesAsKey(v string) bool {
	block, _ := pem.Decode([]byte(v))
	if block == nil {
		return false
	}
	_, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	return err == nil
}

func TestFixturesFitCallsByName(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(passwordsafetest.Fixtures().Respond)
	c := fixtureClient(t, mt)
	for _, tc := range []struct {
		system, account     string
		systemID, accountID int
	}{
		{"db01", "postgres", 2, 21},
		{"web01", "root", 1, 11},
		{"DB02", "Postgres", 6, 61},
		{"win01", "Administrator", 3, 31},
		{"app01", `EXAMPLE\deploy`, 4, 41},
		{"app01", "deploy@example.test", 4, 41},
		{"vault01", "breakglass", 5, 51},
	} {
		acct, _, err := c.ManagedAccounts.Get(bg, tc.system, tc.account)
		if err != nil {
			t.Errorf("%s/%s: %v", tc.system, tc.account, err)
			continue
		}
		if !strings.EqualFold(acct.SystemName, tc.system) || acct.SystemID != tc.systemID || acct.AccountID != tc.accountID {
			t.Errorf("%s/%s answered %s/%s (%d/%d)", tc.system, tc.account, acct.SystemName, acct.AccountName, acct.SystemID, acct.AccountID)
		}
	}

	// A name no fixture knows is a missing account, as the server answers it.
	_, resp, err := c.ManagedAccounts.Get(bg, "web01", "nobody")
	var er *passwordsafe.ErrorResponse
	if !errors.Is(err, passwordsafe.ErrNotFound) || !errors.As(err, &er) || er.Message != "Managed Account not found" {
		t.Errorf("a missing account: %v", err)
	}
	if resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a missing account answered %v", resp)
	}
	if alias := passwordsafetest.Fixtures().Body("error_404"); strings.Contains(string(alias), "Managed Account") {
		t.Errorf("the alias 404 is the account's: %s", alias)
	}

	// Each type of credential answers its kind.
	pw, _, err := c.Requests.Credentials(bg, 1001, nil)
	if err != nil || pw.Value() != "recorded-password-1" {
		t.Errorf("password %q %v", pw.Value(), err)
	}
	key, _, err := c.Requests.Credentials(bg, 1001, &passwordsafe.CredentialsOptions{Type: passwordsafe.CredentialDSSKey})
	if err != nil || !parsesAsKey(key.Value()) {
		t.Errorf("an SSH key answers %q %v", key.Value(), err)
	}
	phrase, _, err := c.Requests.Credentials(bg, 1001, &passwordsafe.CredentialsOptions{Type: passwordsafe.CredentialPassphrase})
	if err != nil || phrase.Value() != "recorded-passphrase-1" {
		t.Errorf("passphrase %q %v", phrase.Value(), err)
	}
	alias, _, err := c.Aliases.Credentials(bg, 1, 1005, &passwordsafe.CredentialsOptions{Type: passwordsafe.CredentialDSSKey})
	if err != nil || !parsesAsKey(alias.PrivateKey.Value()) || !alias.Password.IsZero() {
		t.Errorf("an alias's SSH key answers %+v %v", alias, err)
	}
}

func TestRegisterFixturesCountsCallsPerRoute(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	passwordsafetest.RegisterFixtures(mt)
	c := fixtureClient(t, mt)
	fs := passwordsafetest.Fixtures()

	if _, _, err := c.ManagedAccounts.Get(bg, "db01", "postgres"); err != nil {
		t.Fatal(err)
	}
	created, _, err := c.Requests.Create(bg, &passwordsafe.CreateRequestOptions{SystemID: 2, AccountID: 21, DurationMinutes: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []passwordsafe.CredentialType{passwordsafe.CredentialPassword, passwordsafe.CredentialDSSKey} {
		if _, _, err := c.Requests.Credentials(bg, created.RequestID, &passwordsafe.CredentialsOptions{Type: typ}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := c.Aliases.Credentials(bg, 1, 1005, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Requests.Checkin(bg, created.RequestID, "done"); err != nil {
		t.Fatal(err)
	}

	info := mt.GetCallCountInfo()
	for name, want := range map[string]int{
		"auth_signappin": 1, "managed_accounts_get": 1, "requests_create": 1,
		"credentials": 2, "credentials_dsskey": 2, // one route, one key
		"aliases_credentials": 1, "requests_checkin": 1, "requests_list": 0,
	} {
		if got := info[fs.CallCountKey(name)]; got != want {
			t.Errorf("%s (%s): %d calls, want %d", name, fs.CallCountKey(name), got, want)
		}
	}
	if info["NO_RESPONDER"] != 0 || mt.GetTotalCallCount() != 7 {
		t.Errorf("%d calls, %d without a responder", mt.GetTotalCallCount(), info["NO_RESPONDER"])
	}

	// The same route string replaces the fixture's responder.
	route := strings.TrimPrefix(fs.CallCountKey("requests_create"), "POST ")
	mt.RegisterResponder("POST", route, fs.Responder("error_409"))
	if _, _, err := c.Requests.Create(bg, &passwordsafe.CreateRequestOptions{SystemID: 2, AccountID: 21, DurationMinutes: 10}); !errors.Is(err, passwordsafe.ErrConflict) {
		t.Errorf("the test's own responder: %v", err)
	}
}

func TestFixturesCallCountKeyOfAnUnknownName(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "credentials_dsskey") {
			t.Errorf("panic %v", r)
		}
	}()
	passwordsafetest.Fixtures().CallCountKey("no such fixture")
}
