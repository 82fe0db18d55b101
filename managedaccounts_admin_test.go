package passwordsafe_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

const fullAccountDetails = `{"ManagedAccountID":11,"ManagedSystemID":1,"DomainName":"CORP","AccountName":"root",` +
	`"DistinguishedName":"CN=root","PasswordFallbackFlag":true,"UserPrincipalName":"root@corp.example","SAMAccountName":"root",` +
	`"LoginAccountFlag":true,"Description":"break glass","PasswordRuleID":2,"ApiEnabled":true,"ReleaseNotificationEmail":"ops@corp.example",` +
	`"ChangeServicesFlag":true,"RestartServicesFlag":true,"ChangeTasksFlag":true,"ReleaseDuration":120,"MaxReleaseDuration":525600,` +
	`"ISAReleaseDuration":60,"MaxConcurrentRequests":3,"AutoManagementFlag":true,"DSSAutoManagementFlag":true,"CheckPasswordFlag":true,` +
	`"ResetPasswordOnMismatchFlag":true,"ChangePasswordAfterAnyReleaseFlag":true,"ChangeFrequencyType":"last","ChangeFrequencyDays":30,` +
	`"ChangeTime":"23:30","ParentAccountID":5,"IsSubscribedAccount":true,"LastChangeDate":"2025-02-01T10:20:30","NextChangeDate":"2025-03-01",` +
	`"IsChanging":true,"ChangeState":1,"UseOwnCredentials":true,"WorkgroupID":2,"ChangeIISAppPoolFlag":true,"RestartIISAppPoolFlag":true,` +
	`"ChangeWindowsAutoLogonFlag":true,"ChangeComPlusFlag":true,"ChangeDComFlag":true,"ChangeSComFlag":true,"ObjectID":"obj"}`

func wantFullAccountDetails() *ps.ManagedAccountDetails {
	return &ps.ManagedAccountDetails{ManagedAccountID: 11, ManagedSystemID: 1, DomainName: "CORP", AccountName: "root",
		DistinguishedName: "CN=root", PasswordFallbackFlag: true, UserPrincipalName: "root@corp.example", SAMAccountName: "root",
		LoginAccountFlag: true, Description: "break glass", PasswordRuleID: 2, APIEnabled: true, ReleaseNotificationEmail: "ops@corp.example",
		ChangeServicesFlag: true, RestartServicesFlag: true, ChangeTasksFlag: true, ReleaseDuration: 120, MaxReleaseDuration: 525600,
		ISAReleaseDuration: 60, MaxConcurrentRequests: 3, AutoManagementFlag: true, DSSAutoManagementFlag: true, CheckPasswordFlag: true,
		ResetPasswordOnMismatchFlag: true, ChangePasswordAfterAnyReleaseFlag: true, ChangeFrequencyType: ps.ChangeLastDay,
		ChangeFrequencyDays: 30, ChangeTime: "23:30", ParentAccountID: 5, IsSubscribedAccount: true,
		LastChangeDate: ps.Time{Time: time.Date(2025, 2, 1, 10, 20, 30, 0, time.UTC)},
		NextChangeDate: ps.Time{Time: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}, IsChanging: true, ChangeState: 1,
		UseOwnCredentials: true, WorkgroupID: 2, ChangeIISAppPoolFlag: true, RestartIISAppPoolFlag: true,
		ChangeWindowsAutoLogonFlag: true, ChangeComPlusFlag: true, ChangeDComFlag: true, ChangeSComFlag: true, ObjectID: "obj"}
}

func TestManagedAccountDetailsDecodes(t *testing.T) {
	t.Parallel()
	ps.AssertDecodes(t, fullAccountDetails, wantFullAccountDetails())
}

func TestManagedAccountsAdminRoutes(t *testing.T) {
	t.Parallel()
	one := wantFullAccountDetails()
	ps.CheckRoutes(t, []ps.RouteCase{
		{Name: "ListBySystem", Method: "GET", Path: "ManagedSystems/1/ManagedAccounts", Query: "limit=50",
			Answer: `{"TotalCount":1,"Data":[` + fullAccountDetails + `]}`, Want: []ps.ManagedAccountDetails{*one},
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedAccounts.ListBySystem(bg, 1, &ps.PageOptions{Limit: 50})
			}},
		{Name: "GetByID", Method: "GET", Path: "ManagedAccounts/11", Answer: fullAccountDetails, Want: one,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedAccounts.GetByID(bg, 11) }},
		{Name: "Create", Method: "POST", Path: "ManagedSystems/1/ManagedAccounts", Status: http.StatusCreated,
			Answer: fullAccountDetails, Want: one,
			Body: `{"AccountName":"svc","Password":"N3w-Pa55!","PrivateKey":"-----BEGIN KEY-----","Passphrase":"open sesame",
				"DomainName":"CORP","ApiEnabled":true,"ReleaseDuration":60,"MaxReleaseDuration":120,"MaxConcurrentRequests":0,
				"ChangeFrequencyType":"xdays","ChangeFrequencyDays":7,"ChangeTime":"01:00","NextChangeDate":"2026-01-31",
				"UseOwnCredentials":false,"WorkgroupID":2,"ObjectID":"obj"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedAccounts.Create(bg, 1, &ps.ManagedAccountOptions{AccountName: "svc", Password: ps.NewSecret("N3w-Pa55!"),
					PrivateKey: ps.NewSecret("-----BEGIN KEY-----"), Passphrase: ps.NewSecret("open sesame"), DomainName: "CORP",
					APIEnabled: ps.Ptr(true), ReleaseDuration: ps.Ptr(60), MaxReleaseDuration: ps.Ptr(120), MaxConcurrentRequests: ps.Ptr(0),
					ChangeFrequencyType: ps.ChangeXDays, ChangeFrequencyDays: ps.Ptr(7), ChangeTime: "01:00", NextChangeDate: "2026-01-31",
					UseOwnCredentials: ps.Ptr(false), WorkgroupID: ps.Ptr(2), ObjectID: "obj"})
			}},
		{Name: "Create, auto-managed", Method: "POST", Path: "ManagedSystems/1/ManagedAccounts", Answer: fullAccountDetails,
			Body: `{"AccountName":"svc","AutoManagementFlag":true}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedAccounts.Create(bg, 1, &ps.ManagedAccountOptions{AccountName: "svc", AutoManagementFlag: ps.Ptr(true)})
			}},
		{Name: "Update", Method: "PUT", Path: "ManagedAccounts/11", Answer: fullAccountDetails, Want: one,
			Body: `{"AccountName":"root","Description":"rotated weekly","ChangeFrequencyType":"first"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedAccounts.Update(bg, 11, &ps.ManagedAccountOptions{AccountName: "root", Description: "rotated weekly",
					ChangeFrequencyType: ps.ChangeFirstDay})
			}},
		{Name: "Delete", Method: "DELETE", Path: "ManagedAccounts/11",
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedAccounts.Delete(bg, 11)
				return nil, resp, err
			}},
		{Name: "SetCredentials", Method: "PUT", Path: "ManagedAccounts/11/Credentials", Status: http.StatusNoContent,
			Body: `{"Password":"N3w-Pa55!","UpdateSystem":false}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedAccounts.SetCredentials(bg, 11, &ps.SetCredentialsOptions{Password: ps.NewSecret("N3w-Pa55!"),
					UpdateSystem: ps.Ptr(false)})
				return nil, resp, err
			}},
		{Name: "SetCredentials, a key", Method: "PUT", Path: "ManagedAccounts/11/Credentials", Status: http.StatusNoContent,
			Body: `{"PrivateKey":"KEY","Passphrase":"pp","PublicKey":"ssh-ed25519 AAAA","UpdateSystem":true}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedAccounts.SetCredentials(bg, 11, &ps.SetCredentialsOptions{PrivateKey: ps.NewSecret("KEY"),
					Passphrase: ps.NewSecret("pp"), PublicKey: "ssh-ed25519 AAAA", UpdateSystem: ps.Ptr(true)})
				return nil, resp, err
			}},
		{Name: "SetCredentials, a key in Password Safe only", Method: "PUT", Path: "ManagedAccounts/11/Credentials", Status: http.StatusNoContent,
			Body: `{"PrivateKey":"KEY","UpdateSystem":false}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedAccounts.SetCredentials(bg, 11, &ps.SetCredentialsOptions{PrivateKey: ps.NewSecret("KEY"),
					UpdateSystem: ps.Ptr(false)})
				return nil, resp, err
			}},
		{Name: "SetCredentials, a random password", Method: "PUT", Path: "ManagedAccounts/11/Credentials", Status: http.StatusNoContent,
			Body: `{}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedAccounts.SetCredentials(bg, 11, nil)
				return nil, resp, err
			}},
		{Name: "ChangeCredentials", Method: "POST", Path: "ManagedAccounts/11/Credentials/Change", Status: http.StatusNoContent,
			Body: `{"Queue":true}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedAccounts.ChangeCredentials(bg, 11, &ps.ChangeCredentialsOptions{Queue: true})
				return nil, resp, err
			}},
		{Name: "ChangeCredentials nil", Method: "POST", Path: "ManagedAccounts/11/Credentials/Change", Status: http.StatusNoContent,
			Body: `{"Queue":false}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedAccounts.ChangeCredentials(bg, 11, nil)
				return nil, resp, err
			}},
		{Name: "TOTP", Method: "GET", Path: "ManagedAccounts/11/Credentials", Query: "type=totp", Answer: `"123456"`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				code, resp, err := c.ManagedAccounts.TOTP(bg, 11)
				return code.Value(), resp, err
			}, Want: "123456"},
	})
}

// The code arrives as a JSON string or in an object; anything else is a
// DecodeError that never quotes the body.
func TestManagedAccountsTOTPShapes(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`"654321"`:                          "654321",
		` "654321" `:                        "654321",
		`{"Code":"654321","ValidTo":"x"}`:   "654321",
		`{"code":"654321"}`:                 "654321",
		`{"TotpCode":"654321","Period":30}`: "654321",
		`{"Other":"x","TOTPCODE":"654321"}`: "654321",
		`{"Code":654321}`:                   "",
		`{"Code":""}`:                       "",
		`{"Value":"654321"}`:                "",
		`""`:                                "",
		`654321`:                            "",
		`{"Code":"654321"`:                  "",
		`"654321`:                           "",
		``:                                  "",
	} {
		c, mt := ps.NewMockClient(t)
		mt.RegisterResponder("GET", ps.TestBase+"ManagedAccounts/11/Credentials", ps.Respond(http.StatusOK, body))
		code, resp, err := c.ManagedAccounts.TOTP(bg, 11)
		require.NotNil(t, resp, body)
		if want != "" {
			require.NoError(t, err, body)
			assert.Equal(t, want, code.Value(), body)
			assert.Equal(t, "[REDACTED]", fmt.Sprint(code))
			continue
		}
		var de *ps.DecodeError
		require.ErrorAs(t, err, &de, body)
		assert.True(t, code.IsZero(), body)
		assert.EqualError(t, err, "passwordsafe: GET ManagedAccounts/11/Credentials: decoding the answer: "+
			"expected the code as a JSON string, or an object with a Code")
	}
}

// Credential values never print from the options, and a server that
// echoes one in an error does not get it into the error or the log.
func TestManagedAccountsAdminKeepsCredentialsSecret(t *testing.T) {
	t.Parallel()
	const pw, key, phrase = "Echo-Pa55w0rd", "PRIVATE-KEY-77", "pass-phrase-9"
	opts := &ps.ManagedAccountOptions{AccountName: "svc", Password: ps.NewSecret(pw), PrivateKey: ps.NewSecret(key),
		Passphrase: ps.NewSecret(phrase)}
	set := &ps.SetCredentialsOptions{Password: ps.NewSecret(pw), PrivateKey: ps.NewSecret(key), Passphrase: ps.NewSecret(phrase),
		PublicKey: "pub"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%20v"} {
		for _, v := range []any{opts, *opts, set, *set} {
			printed := fmt.Sprintf(verb, v)
			for _, secret := range []string{pw, key, phrase, fmt.Sprintf("%x", pw), fmt.Sprintf("%X", key)} {
				assert.NotContains(t, printed, secret, "%s of %T", verb, v)
			}
		}
	}

	var logs ps.LogBuffer
	c, mt := ps.NewMockClient(t, ps.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	echo := ps.Respond(http.StatusBadRequest, `"Refused: `+pw+` / `+key+` / `+phrase+`"`)
	mt.RegisterNoResponder(echo)
	calls := map[string]func() error{
		"Create":         func() error { _, _, err := c.ManagedAccounts.Create(bg, 1, opts); return err },
		"Update":         func() error { _, _, err := c.ManagedAccounts.Update(bg, 1, opts); return err },
		"SetCredentials": func() error { _, err := c.ManagedAccounts.SetCredentials(bg, 1, set); return err },
	}
	for name, call := range calls {
		err := call()
		var er *ps.ErrorResponse
		require.ErrorAs(t, err, &er, name)
		msg := err.Error() + " " + er.Message + " " + fmt.Sprintf("%#v", err)
		for _, v := range []string{pw, key, phrase} {
			assert.NotContains(t, msg, v, name)
		}
		assert.Contains(t, er.Message, "Refused: [REDACTED] / [REDACTED] / [REDACTED]", name)
	}
	for _, v := range []string{pw, key, phrase} {
		assert.NotContains(t, logs.String(), v)
	}
	assert.True(t, bytes.Contains([]byte(logs.String()), []byte("ManagedAccounts")), "the calls were logged")
}

func TestManagedAccountsAdminValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	pw := ps.NewSecret("pw")
	create := func(o *ps.ManagedAccountOptions) func(*ps.Client) error {
		return func(c *ps.Client) error { _, _, err := c.ManagedAccounts.Create(bg, 1, o); return err }
	}
	update := func(o *ps.ManagedAccountOptions) func(*ps.Client) error {
		return func(c *ps.Client) error { _, _, err := c.ManagedAccounts.Update(bg, 1, o); return err }
	}
	set := func(o *ps.SetCredentialsOptions) func(*ps.Client) error {
		return func(c *ps.Client) error { _, err := c.ManagedAccounts.SetCredentials(bg, 1, o); return err }
	}
	ps.CheckValidation(t, []ps.ValidationCase{
		{"ListBySystem", "systemID", func(c *ps.Client) error { _, _, err := c.ManagedAccounts.ListBySystem(bg, 0, nil); return err }},
		{"ListBySystem page", "limit", func(c *ps.Client) error {
			_, _, err := c.ManagedAccounts.ListBySystem(bg, 1, &ps.PageOptions{Limit: -5})
			return err
		}},
		{"AllBySystem", "systemID", func(c *ps.Client) error {
			for _, err := range c.ManagedAccounts.AllBySystem(bg, 0, nil) {
				return err
			}
			return nil
		}},
		{"AllBySystem page", "offset", func(c *ps.Client) error {
			for _, err := range c.ManagedAccounts.AllBySystem(bg, 1, &ps.PageOptions{Offset: -1}) {
				return err
			}
			return nil
		}},
		{"GetByID", "accountID", func(c *ps.Client) error { _, _, err := c.ManagedAccounts.GetByID(bg, 0); return err }},
		{"Create ID", "systemID", func(c *ps.Client) error {
			_, _, err := c.ManagedAccounts.Create(bg, 0, &ps.ManagedAccountOptions{AccountName: "a", Password: pw})
			return err
		}},
		{"Create nil", "opts", create(nil)},
		{"AccountName", "AccountName", create(&ps.ManagedAccountOptions{Password: pw})},
		{"AccountName long", "AccountName", create(&ps.ManagedAccountOptions{AccountName: long(246), Password: pw})},
		{"Password", "Password", create(&ps.ManagedAccountOptions{AccountName: "a"})},
		{"Password, not auto-managed", "Password", create(&ps.ManagedAccountOptions{AccountName: "a", AutoManagementFlag: ps.Ptr(false)})},
		{"Passphrase without key", "Passphrase", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, Passphrase: ps.NewSecret("x")})},
		{"DomainName", "DomainName", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, DomainName: long(51)})},
		{"UserPrincipalName", "UserPrincipalName", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, UserPrincipalName: long(501)})},
		{"SAMAccountName", "SAMAccountName", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, SAMAccountName: long(21)})},
		{"DistinguishedName", "DistinguishedName", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, DistinguishedName: long(1001)})},
		{"Description", "Description", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, Description: long(1025)})},
		{"ReleaseNotificationEmail", "ReleaseNotificationEmail", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw,
			ReleaseNotificationEmail: long(256)})},
		{"ReleaseDuration", "ReleaseDuration", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, ReleaseDuration: ps.Ptr(0)})},
		{"MaxReleaseDuration", "MaxReleaseDuration", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, MaxReleaseDuration: ps.Ptr(0)})},
		{"ISAReleaseDuration", "ISAReleaseDuration", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, ISAReleaseDuration: ps.Ptr(0)})},
		{"ReleaseDuration above its maximum", "ReleaseDuration", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw,
			ReleaseDuration: ps.Ptr(61), MaxReleaseDuration: ps.Ptr(60)})},
		{"MaxConcurrentRequests low", "MaxConcurrentRequests", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw,
			MaxConcurrentRequests: ps.Ptr(-1)})},
		{"MaxConcurrentRequests high", "MaxConcurrentRequests", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw,
			MaxConcurrentRequests: ps.Ptr(1000)})},
		{"ChangeTime", "ChangeTime", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, ChangeTime: "7pm"})},
		{"NextChangeDate", "NextChangeDate", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, NextChangeDate: "31/01/2026"})},
		{"WorkgroupID", "WorkgroupID", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, WorkgroupID: ps.Ptr(0)})},
		{"ObjectID", "ObjectID", create(&ps.ManagedAccountOptions{AccountName: "a", Password: pw, ObjectID: long(37)})},
		{"Update ID", "accountID", func(c *ps.Client) error {
			_, _, err := c.ManagedAccounts.Update(bg, 0, &ps.ManagedAccountOptions{AccountName: "a"})
			return err
		}},
		{"Update nil", "opts", update(nil)},
		{"Update AccountName", "AccountName", update(&ps.ManagedAccountOptions{})},
		{"Update schedule", "ChangeFrequencyDays", update(&ps.ManagedAccountOptions{AccountName: "a", ChangeFrequencyType: ps.ChangeXDays})},
		{"Delete", "accountID", func(c *ps.Client) error { _, err := c.ManagedAccounts.Delete(bg, 0); return err }},
		{"SetCredentials ID", "accountID", func(c *ps.Client) error { _, err := c.ManagedAccounts.SetCredentials(bg, 0, nil); return err }},
		{"SetCredentials public key", "PublicKey", set(&ps.SetCredentialsOptions{PrivateKey: ps.NewSecret("k")})},
		{"SetCredentials public key, updating", "PublicKey", set(&ps.SetCredentialsOptions{PrivateKey: ps.NewSecret("k"), UpdateSystem: ps.Ptr(true)})},
		{"SetCredentials passphrase", "Passphrase", set(&ps.SetCredentialsOptions{Password: pw, Passphrase: ps.NewSecret("x")})},
		{"ChangeCredentials", "accountID", func(c *ps.Client) error { _, err := c.ManagedAccounts.ChangeCredentials(bg, -1, nil); return err }},
		{"TOTP", "accountID", func(c *ps.Client) error { _, _, err := c.ManagedAccounts.TOTP(bg, 0); return err }},
	})
}

// Every field at its limit is sent; an update needs no password.
func TestManagedAccountsAdminLimitsAccepted(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	opts := &ps.ManagedAccountOptions{AccountName: long(245), DomainName: long(50), UserPrincipalName: long(500),
		SAMAccountName: long(20), DistinguishedName: long(1000), Description: long(1024), ReleaseNotificationEmail: long(255),
		MaxConcurrentRequests: ps.Ptr(999), WorkgroupID: ps.Ptr(1), ObjectID: long(36), NextChangeDate: "2028-02-29"}
	ps.CheckRoutes(t, []ps.RouteCase{
		{Name: "Update", Method: "PUT", Path: "ManagedAccounts/1", Answer: fullAccountDetails, Body: mustJSON(t, opts),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedAccounts.Update(bg, 1, opts) }},
	})
}
