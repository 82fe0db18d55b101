package passwordsafe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullAccount is one requestable account with every field, as the server
// spells it (SystemId, AccountId).
const fullAccount = `{"PlatformID":4,"SystemId":3,"SystemName":"db01","DomainName":"CORP","AccountId":7,` +
	`"AccountName":"CORP\\svc","InstanceName":"MSSQLSERVER","UserPrincipalName":"svc@corp.example",` +
	`"ApplicationID":null,"ApplicationDisplayName":"","DefaultReleaseDuration":120,"MaximumReleaseDuration":525600,` +
	`"LastChangeDate":"2025-02-01T10:20:30","NextChangeDate":null,"IsChanging":true,"ChangeState":1,` +
	`"IsISAAccess":true,"PreferredNodeID":"0eb3ed29-5b71-4b8e-9c0e-3c5ab1c0ffee","AccountDescription":"service account",` +
	`"TotpEnabled":true}`

// saAccount is db01/sa, as the lookup answers it.
const saAccount = `{"SystemId":3,"SystemName":"db01","AccountId":7,"AccountName":"sa"}`

func wantFullAccount() ManagedAccount {
	return ManagedAccount{
		PlatformID: 4, SystemID: 3, SystemName: "db01", DomainName: "CORP", AccountID: 7, AccountName: `CORP\svc`,
		InstanceName: "MSSQLSERVER", UserPrincipalName: "svc@corp.example", DefaultReleaseDuration: 120,
		MaximumReleaseDuration: 525600, LastChangeDate: Time{time.Date(2025, 2, 1, 10, 20, 30, 0, time.UTC)},
		IsChanging: true, ChangeState: 1, IsISAAccess: true, PreferredNodeID: "0eb3ed29-5b71-4b8e-9c0e-3c5ab1c0ffee",
		AccountDescription: "service account", TotpEnabled: true,
	}
}

func TestManagedAccountDecodesBothSpellings(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"SystemId":3,"AccountId":7}`,
		`{"SystemID":3,"AccountID":7}`,
		`{"systemid":3,"accountid":7}`,
	} {
		var a ManagedAccount
		require.NoError(t, json.Unmarshal([]byte(body), &a), body)
		assert.Equal(t, 3, a.SystemID, body)
		assert.Equal(t, 7, a.AccountID, body)
	}
	var a ManagedAccount
	require.NoError(t, json.Unmarshal([]byte(fullAccount), &a))
	assert.Equal(t, wantFullAccount(), a)
}

func TestManagedAccountsList(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(respond(http.StatusOK,
		`[`+fullAccount+`,{"SystemID":5,"SystemName":"web01","AccountID":9,"AccountName":"root"}]`)))

	got, resp, err := c.ManagedAccounts.List(context.Background(), &ListManagedAccountsOptions{
		Type: ManagedAccountTypeDatabase, SystemName: "db 01", AccountName: `CORP\svc`, SystemID: 3,
		WorkgroupName: "WG&1", ApplicationDisplayName: "App One", IPAddress: "10.0.0.5", Limit: 50, Offset: 100,
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, got, 2)
	assert.Equal(t, wantFullAccount(), got[0])
	assert.Equal(t, ManagedAccount{SystemID: 5, SystemName: "web01", AccountID: 9, AccountName: "root"}, got[1])

	r := rec.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/custom/prefix/ManagedAccounts", r.URL.EscapedPath())
	assert.Equal(t, `accountName=CORP%5Csvc&applicationDisplayName=App+One&ipAddress=10.0.0.5&limit=50&offset=100`+
		`&systemID=3&systemName=db+01&type=database&workgroupName=WG%261`, r.URL.RawQuery)
	assert.Empty(t, r.Body)

	// nil and zero options send no query.
	_, _, err = c.ManagedAccounts.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "", rec.last(t).URL.RawQuery)
	_, _, err = c.ManagedAccounts.List(context.Background(), &ListManagedAccountsOptions{})
	require.NoError(t, err)
	assert.Equal(t, "", rec.last(t).URL.RawQuery)
}

// Every value of Type reaches the wire as documented.
func TestManagedAccountsListTypes(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(respond(http.StatusOK, `[]`)))
	for _, typ := range []string{"system", "recent", "domainlinked", "database", "cloud", "application"} {
		_, _, err := c.ManagedAccounts.List(context.Background(), &ListManagedAccountsOptions{Type: ManagedAccountType(typ)})
		require.NoError(t, err, typ)
		assert.Equal(t, "type="+typ, rec.last(t).URL.RawQuery)
	}
}

// The answer shapes List accepts.
func TestManagedAccountsListShapes(t *testing.T) {
	t.Parallel()
	two := `{"SystemId":1,"AccountId":2},{"SystemID":3,"AccountID":4}`
	cases := map[string]struct {
		body string
		want []int // AccountIDs
	}{
		"bare array":              {`[` + two + `]`, []int{2, 4}},
		"wrapper":                 {`{"TotalCount":2,"Data":[` + two + `]}`, []int{2, 4}},
		"wrapper, lower case":     {`{"totalCount":9,"data":[` + two + `]}`, []int{2, 4}},
		"wrapper, Data first":     {`{"Data":[` + two + `],"TotalCount":2,"Extra":{"a":[1]}}`, []int{2, 4}},
		"wrapper, Data null":      {`{"TotalCount":0,"Data":null}`, nil},
		"wrapper, only the count": {`{"TotalCount":0}`, nil},
		"one object":              {fullAccount, []int{7}},
		"null":                    {`null`, nil},
		"empty body":              {``, nil},
		"empty array":             {` [ ] `, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusOK, tc.body))
			got, _, err := c.ManagedAccounts.List(context.Background(), nil)
			require.NoError(t, err)
			var ids []int
			for _, a := range got {
				ids = append(ids, a.AccountID)
			}
			assert.Equal(t, tc.want, ids)
			if name == "one object" {
				assert.Equal(t, []ManagedAccount{wantFullAccount()}, got)
			}
		})
	}

	bad := map[string]string{
		"a string":        `"nope"`,
		"data not array":  `{"TotalCount":1,"Data":{"SystemId":1}}`,
		"trailing data":   `[{"SystemId":1}] [2]`,
		"broken element":  `[{"SystemId":"one"}]`,
		"broken wrapper":  `{"TotalCount":1,"Data":[{"SystemId":1}]`,
		"object trailing": `{"SystemId":1} x`,
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusOK, body))
			_, _, err := c.ManagedAccounts.List(context.Background(), nil)
			var de *DecodeError
			require.ErrorAs(t, err, &de, "%v", err)
			assert.Equal(t, "ManagedAccounts", de.Path)
		})
	}
}

func TestDecodePageTotal(t *testing.T) {
	t.Parallel()
	count := func(body string) (int, int, error) {
		n := 0
		total, err := decodePage(strings.NewReader(body), func(dec *json.Decoder) error {
			n++
			var v json.RawMessage
			return dec.Decode(&v)
		})
		return n, total, err
	}
	for body, want := range map[string][2]int{
		`[1,2,3]`:                          {3, -1},
		`{"TotalCount":7,"Data":[1,2]}`:    {2, 7},
		`{"TotalCount":"x","Data":[1]}`:    {1, -1},
		`{"TotalCount":-1,"Data":[1]}`:     {1, -1},
		`{"Data":[1]}`:                     {1, -1},
		`{"TotalCount":3}`:                 {0, 3},
		`{"TotalCount":0,"Data":[]}`:       {0, 0},
		`{"SystemId":1,"TotalCount":3}`:    {1, -1},
		`null`:                             {0, -1},
		`{"Data":[],"Data":[1],"Other":1}`: {0, -1},
	} {
		n, total, err := count(body)
		require.NoError(t, err, body)
		assert.Equal(t, want, [2]int{n, total}, body)
	}
	// A single object keeps every field, TotalCount included.
	var got map[string]any
	_, err := decodePage(strings.NewReader(`{"SystemId":1,"TotalCount":3,"Name":"a\"b"}`), func(dec *json.Decoder) error {
		return dec.Decode(&got)
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"SystemId": 1.0, "TotalCount": 3.0, "Name": `a"b`}, got)
	_, err = decodePage(strings.NewReader(`true`), func(*json.Decoder) error { return nil })
	assert.EqualError(t, err, "expected a JSON array or object, got a boolean")
}

func TestManagedAccountsListErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusForbidden, `"4031 - No access."`))
	_, resp, err := c.ManagedAccounts.List(context.Background(), nil)
	assert.ErrorIs(t, err, ErrForbidden)
	assert.ErrorIs(t, err, ErrNoPermission)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, "No access.", er.Message)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestManagedAccountsGet(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(respond(http.StatusOK, fullAccount)))

	got, resp, err := c.ManagedAccounts.Get(context.Background(), "db01", `CORP\svc`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, wantFullAccount(), *got)
	r := rec.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/custom/prefix/ManagedAccounts", r.URL.EscapedPath())
	assert.Equal(t, "systemName=db01&accountName=CORP%5Csvc", r.URL.RawQuery)

	// Names are query-escaped; the server reads them back whole (this one
	// answers the account named as it read the names).
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		b, _ := json.Marshal(map[string]any{"SystemId": 3, "SystemName": q.Get("systemName"), "AccountId": 7,
			"AccountName": q.Get("accountName")})
		return httpmock.NewBytesResponse(http.StatusOK, b), nil
	}))
	system, account := "db 01&x", `CORP\svc db&x#1 é`
	got, _, err = c.ManagedAccounts.Get(context.Background(), system, account)
	require.NoError(t, err)
	assert.Equal(t, account, got.AccountName)
	r = rec.last(t)
	assert.Equal(t, "systemName=db+01%26x&accountName=CORP%5Csvc+db%26x%231+%C3%A9", r.URL.RawQuery)
	assert.Equal(t, url.Values{"systemName": {system}, "accountName": {account}}, r.URL.Query(), "the server reads the names back whole")

	// A UPN travels as is, '@' escaped.
	_, _, err = c.ManagedAccounts.Get(context.Background(), "CORP", "svc@corp.example")
	require.NoError(t, err)
	assert.Equal(t, "systemName=CORP&accountName=svc%40corp.example", rec.last(t).URL.RawQuery)
}

// The answer must be the account asked for: by its name, DOMAIN\name,
// its UPN or name@domain, case aside, on the system named. Anything else
// is an *AccountMismatchError, and Checkout then requests nothing (today's
// server once answered prod-db/sa to web01/root).
func TestManagedAccountsGetChecksTheAnswer(t *testing.T) {
	t.Parallel()
	deploy := `{"SystemId":4,"SystemName":"app01","DomainName":"EXAMPLE","AccountId":41,"AccountName":"deploy",` +
		`"UserPrincipalName":"deploy@example.test"}`
	for _, tc := range []struct {
		system, account, answer string
		ok                      bool
	}{
		{"app01", "deploy", deploy, true},
		{"APP01", `example\DEPLOY`, deploy, true},
		{"app01", `EXAMPLE\deploy`, deploy, true},
		{"app01", "deploy@example.test", deploy, true},
		{"app01", "deploy@EXAMPLE", deploy, true},
		{"db01", `CORP\svc`, fullAccount, true}, // the server spells the domain into AccountName
		{"web01", "root", `{"SystemId":9,"SystemName":"prod-db","AccountId":99,"AccountName":"sa"}`, false},
		{"web01", "root", `{"SystemId":1,"SystemName":"web01","AccountId":12,"AccountName":"rooted"}`, false},
		{"web01", "root", `{"SystemId":9,"SystemName":"web02","AccountId":11,"AccountName":"root"}`, false},
		{"web01", "root", `{"SystemId":1,"AccountId":11,"AccountName":"root"}`, false}, // no system name to check
		{"app01", `OTHER\deploy`, deploy, false},
		{"app01", "deploy@other.test", deploy, false},
		{"app01", `EXAMPLE\`, deploy, false},
		{"app01", "example", deploy, false},
		{"app01", "deploy", `{"SystemId":4,"SystemName":"app01","AccountId":41,"AccountName":""}`, false},
	} {
		t.Run(tc.system+"/"+tc.account, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, instantPolls())
			mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusOK, tc.answer))
			got, resp, err := c.ManagedAccounts.Get(context.Background(), tc.system, tc.account)
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, got)
				return
			}
			var me *AccountMismatchError
			require.ErrorAs(t, err, &me)
			assert.Nil(t, got)
			require.NotNil(t, resp)
			assert.Equal(t, tc.system, me.SystemName)
			assert.Equal(t, tc.account, me.AccountName)
			require.NotNil(t, me.Got)
			assert.Contains(t, err.Error(), "passwordsafe: GET ManagedAccounts: asked for "+tc.system+"/"+tc.account+
				", the server answered ")

			// Checkout stops there: nothing is listed, posted or read.
			err = c.ManagedAccounts.Checkout(context.Background(), tc.system, tc.account, &CheckoutOptions{DurationMinutes: 5},
				func(context.Context, *Lease) error { t.Error("fn ran"); return nil })
			require.ErrorAs(t, err, &me)
			assert.Equal(t, 2, apiCalls(mt), "the two lookups, and nothing else")
		})
	}
	e := &AccountMismatchError{SystemName: "web01", AccountName: "root",
		Got: &ManagedAccount{SystemName: "prod-db", DomainName: "CORP", AccountName: "sa"}}
	assert.Equal(t, `passwordsafe: GET ManagedAccounts: asked for web01/root, the server answered prod-db/CORP\sa: nothing was requested`, e.Error())
}

func TestManagedAccountsGetShapes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body    string
		account int
		decErr  string
	}{
		"SystemId spelling": {`{"SystemId":3,"AccountId":7,"SystemName":"db01","AccountName":"sa"}`, 7, ""},
		"SystemID spelling": {`{"SystemID":3,"AccountID":8,"SystemName":"db01","AccountName":"sa"}`, 8, ""},
		"array of one":      {`[{"SystemId":3,"AccountId":9,"SystemName":"db01","AccountName":"sa"}]`, 9, ""},
		"array of two":      {`[{"AccountId":1},{"AccountId":2}]`, 0, "expected one object, got a list of 2"},
		"empty array":       {`[]`, 0, "expected one object, got a list of 0"},
		"not JSON":          {`<html>`, 0, "invalid character"},
		"empty body":        {``, 0, "unexpected end of JSON input"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusOK, tc.body))
			got, _, err := c.ManagedAccounts.Get(context.Background(), "db01", "sa")
			if tc.decErr != "" {
				var de *DecodeError
				require.ErrorAs(t, err, &de)
				assert.Contains(t, err.Error(), tc.decErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.account, got.AccountID)
			assert.Equal(t, 3, got.SystemID)
		})
	}
}

func TestManagedAccountsGetNotFound(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusNotFound, `"Managed Account not found"`))
	got, resp, err := c.ManagedAccounts.Get(context.Background(), "db01", "nobody")
	assert.Nil(t, got)
	assert.ErrorIs(t, err, ErrNotFound)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, "Managed Account not found", er.Message)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestManagedAccountsValidation(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	bg := context.Background()
	fn := func(context.Context, *Lease) error { return nil }
	ok := func() *CheckoutOptions { return &CheckoutOptions{DurationMinutes: 10} }
	with := func(f func(o *CheckoutOptions)) *CheckoutOptions { o := ok(); f(o); return o }
	list := func(o *ListManagedAccountsOptions) func() error {
		return func() error { _, _, err := c.ManagedAccounts.List(bg, o); return err }
	}
	all := func(o *ListManagedAccountsOptions) func() error {
		return func() error {
			n := 0
			var last error
			for _, err := range c.ManagedAccounts.All(bg, o) {
				n++
				last = err
			}
			assert.Equal(t, 1, n, "one pair: the error")
			return last
		}
	}
	checkout := func(sys, acct string, o *CheckoutOptions) func() error {
		return func() error { return c.ManagedAccounts.Checkout(bg, sys, acct, o, fn) }
	}
	cases := []struct {
		name, field string
		run         func() error
	}{
		{"list type", "type", list(&ListManagedAccountsOptions{Type: "System"})},
		{"list type unknown", "type", list(&ListManagedAccountsOptions{Type: "local"})},
		{"list limit", "limit", list(&ListManagedAccountsOptions{Limit: -1})},
		{"list offset", "offset", list(&ListManagedAccountsOptions{Offset: -1})},
		{"list systemID", "systemID", list(&ListManagedAccountsOptions{SystemID: -3})},
		{"list limit too large", "limit", list(&ListManagedAccountsOptions{Limit: 1 << 40})},
		{"all type", "type", all(&ListManagedAccountsOptions{Type: "db"})},
		{"all offset", "offset", all(&ListManagedAccountsOptions{Offset: -5})},
		{"get system", "systemName", func() error { _, _, err := c.ManagedAccounts.Get(bg, "", "sa"); return err }},
		{"get account", "accountName", func() error { _, _, err := c.ManagedAccounts.Get(bg, "db01", ""); return err }},
		{"checkout fn", "fn", func() error { return c.ManagedAccounts.Checkout(bg, "db01", "sa", ok(), nil) }},
		{"checkout system", "systemName", checkout("", "sa", ok())},
		{"checkout account", "accountName", checkout("db01", "", ok())},
		{"checkout opts", "opts", checkout("db01", "sa", nil)},
		{"checkout duration 0", "DurationMinutes", checkout("db01", "sa", &CheckoutOptions{})},
		{"checkout duration max", "DurationMinutes", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.DurationMinutes = 525601 }))},
		{"checkout App", "AccessType", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.AccessType = AccessApp }))},
		{"checkout access", "AccessType", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.AccessType = "view" }))},
		{"checkout conflict", "ConflictOption", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.ConflictOption = "keep" }))},
		{"checkout reason", "Reason", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.Reason = strings.Repeat("é", 1001) }))},
		{"checkout ticket", "TicketNumber", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.TicketNumber = strings.Repeat("x", 21) }))},
		{"checkout credential", "CredentialType", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.CredentialType = "key" }))},
		{"checkout check-in reason", "CheckinReason", checkout("db01", "sa", with(func(o *CheckoutOptions) { o.CheckinReason = strings.Repeat("é", 1001) }))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertValidation(t, tc.run(), tc.field) })
	}
	assert.Equal(t, 0, mt.GetTotalCallCount(), "validation sends nothing, sign-in included")

	err := checkout("db01", "sa", with(func(o *CheckoutOptions) { o.AccessType = AccessApp }))()
	assert.EqualError(t, err, "passwordsafe: invalid AccessType: App needs an ApplicationID: use Requests.Checkout")
	// The limits are inclusive.
	for _, o := range []*CheckoutOptions{
		with(func(o *CheckoutOptions) { o.DurationMinutes = 1 }),
		with(func(o *CheckoutOptions) { o.DurationMinutes = 525600; o.Reason = strings.Repeat("é", 1000) }),
		with(func(o *CheckoutOptions) { o.TicketNumber = strings.Repeat("x", 20); o.AccessType = AccessRDP }),
		with(func(o *CheckoutOptions) { o.CheckinReason = strings.Repeat("é", 1000) }),
	} {
		assert.NoError(t, o.validate())
	}
}

func TestManagedAccountsCheckout(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	gets, posts, reads, checkins := &recorder{}, &recorder{}, &recorder{}, &recorder{}
	lists := noOpenRequests(mt)
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", gets.wrap(respond(http.StatusOK,
		`{"SystemId":3,"SystemName":"db01","DomainName":"CORP","AccountId":7,"AccountName":"CORP\\svc"}`)))
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusCreated, `42`)))
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", reads.wrap(sequence(
		respond(http.StatusForbidden, `"4034 - Request is not yet approved."`),
		respond(http.StatusOK, `"-----BEGIN KEY-----"`))))
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", checkins.wrap(respond(http.StatusNoContent, "")))

	var lease Lease
	err := c.ManagedAccounts.Checkout(context.Background(), "db01", `CORP\svc`, &CheckoutOptions{
		AccessType: AccessSSH, DurationMinutes: 15, Reason: "deploy", ConflictOption: ConflictRenew,
		TicketSystemID: Ptr(2), TicketNumber: "T-1", RotateOnCheckin: Ptr(false), CredentialType: CredentialDSSKey,
		CheckinReason: "deployed",
	}, func(_ context.Context, l *Lease) error {
		lease = *l
		assert.Zero(t, checkins.count(), "checked in before fn ran")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, Lease{RequestID: 42, SystemID: 3, SystemName: "db01", AccountID: 7, AccountName: `CORP\svc`,
		DomainName: "CORP", Credential: lease.Credential}, lease)
	assert.Equal(t, "-----BEGIN KEY-----", lease.Credential.Value())
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", lease, lease, lease), "BEGIN KEY", "a Lease never prints its credential")

	assert.Equal(t, "systemName=db01&accountName=CORP%5Csvc", gets.last(t).URL.RawQuery)
	require.Equal(t, 1, posts.count())
	assert.JSONEq(t, `{"AccessType":"SSH","SystemID":3,"AccountID":7,"DurationMinutes":15,"Reason":"deploy",`+
		`"ConflictOption":"renew","TicketSystemID":2,"TicketNumber":"T-1","RotateOnCheckin":false}`, string(posts.last(t).Body))
	require.Equal(t, 2, reads.count())
	for _, r := range reads.all() {
		assert.Equal(t, "type=dsskey", r.URL.RawQuery)
	}
	require.Equal(t, 1, checkins.count())
	assert.JSONEq(t, `{"Reason":"deployed"}`, string(checkins.last(t).Body), "the check-in reason, sent with the check-in only")
	assert.Equal(t, 1, lists.count(), "the open requests, listed before the POST")

	// Defaults: View (the server's), the password, a minimal body.
	err = c.ManagedAccounts.Checkout(context.Background(), "db01", `CORP\svc`, &CheckoutOptions{DurationMinutes: 5},
		func(_ context.Context, l *Lease) error { return nil })
	require.NoError(t, err)
	assert.JSONEq(t, `{"SystemID":3,"AccountID":7,"DurationMinutes":5}`, string(posts.last(t).Body))
	assert.Equal(t, "", reads.last(t).URL.RawQuery, "the password: no type")
	assert.Equal(t, 2, checkins.count())
	assert.JSONEq(t, `{"Reason":""}`, string(checkins.last(t).Body))
}

func TestManagedAccountsCheckoutFnFailsOrPanics(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusOK, saAccount))
	noOpenRequests(mt)
	posts, checkins := &recorder{}, &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusCreated, `42`)))
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/42", respond(http.StatusOK, `"pw"`))
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/Checkin", checkins.wrap(respond(http.StatusNoContent, "")))
	boom := errors.New("boom")

	err := c.ManagedAccounts.Checkout(context.Background(), "db01", "sa", &CheckoutOptions{DurationMinutes: 5},
		func(context.Context, *Lease) error { return boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, posts.count())
	assert.Equal(t, 1, checkins.count())

	assert.PanicsWithValue(t, "fn panicked", func() {
		_ = c.ManagedAccounts.Checkout(context.Background(), "db01", "sa", &CheckoutOptions{DurationMinutes: 5},
			func(context.Context, *Lease) error { panic("fn panicked") })
	})
	assert.Equal(t, 2, posts.count())
	assert.Equal(t, 2, checkins.count())
}

func TestManagedAccountsCheckoutReused(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", respond(http.StatusOK, saAccount))
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", sequence(respond(http.StatusOK, `{"RequestID":42}`),
		respond(http.StatusOK, `{"RequestID":42}`), respond(http.StatusCreated, `{"RequestID":43}`)))
	noOpenRequests(mt)
	mt.RegisterResponder(http.MethodGet, `=~/Credentials/4[23]\z`, respond(http.StatusOK, `"pw"`))
	checkins := &recorder{}
	mt.RegisterResponder(http.MethodPut, `=~/Requests/4[23]/Checkin\z`, checkins.wrap(respond(http.StatusNoContent, "")))
	opts := &CheckoutOptions{DurationMinutes: 5, ConflictOption: ConflictReuse}
	var reused []bool
	noop := func(_ context.Context, l *Lease) error { reused = append(reused, l.Reused); return nil }

	require.NoError(t, c.ManagedAccounts.Checkout(context.Background(), "db01", "sa", opts, noop))
	assert.Zero(t, checkins.count(), "by default a reused request is left alone")

	opts.ReleaseReused = true
	require.NoError(t, c.ManagedAccounts.Checkout(context.Background(), "db01", "sa", opts, noop))
	assert.Equal(t, 1, checkins.count(), "ReleaseReused: the leftover is checked in")

	require.NoError(t, c.ManagedAccounts.Checkout(context.Background(), "db01", "sa", opts, noop))
	assert.Equal(t, []bool{true, true, false}, reused, "Lease.Reused: 200 reused, 201 new")
}

func TestManagedAccountsCheckoutLookupFails(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, instantPolls())
	gets, posts := &recorder{}, &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", posts.wrap(respond(http.StatusCreated, `42`)))
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", gets.wrap(sequence(
		respond(http.StatusNotFound, `"Managed Account not found"`),
		respond(http.StatusOK, `{"SystemName":"db01","AccountName":"sa"}`),
		respond(http.StatusOK, `{"SystemId":1,"SystemName":"db01","AccountName":"sa"}`),
		respond(http.StatusOK, `{"AccountId":1,"SystemName":"db01","AccountName":"sa"}`))))
	err := c.ManagedAccounts.Checkout(context.Background(), "db01", "nobody", &CheckoutOptions{DurationMinutes: 5},
		func(context.Context, *Lease) error { t.Error("fn ran"); return nil })
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 1, gets.count())

	// An answer without both IDs cannot be requested.
	for i := 2; i <= 4; i++ {
		err = c.ManagedAccounts.Checkout(context.Background(), "db01", "sa", &CheckoutOptions{DurationMinutes: 5},
			func(context.Context, *Lease) error { t.Error("fn ran"); return nil })
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "passwordsafe: GET ManagedAccounts: decoding the answer: the account found has no SystemId or AccountId", err.Error())
		assert.Equal(t, i, gets.count())
	}
	assert.Zero(t, posts.count(), "no request was made")
}

// ---- All ----

// pagedAccounts answers GET ManagedAccounts from n accounts (AccountID 1..n)
// honouring limit and offset, as a bare array or wrapped with TotalCount.
func pagedAccounts(n int, wrapped bool) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		limit, offset := 1000, 0
		if v := q.Get("limit"); v != "" {
			_, _ = fmt.Sscan(v, &limit)
		}
		if v := q.Get("offset"); v != "" {
			_, _ = fmt.Sscan(v, &offset)
		}
		var rows []string
		for id := offset + 1; id <= n && id <= offset+limit; id++ {
			rows = append(rows, fmt.Sprintf(`{"SystemId":1,"AccountId":%d}`, id))
		}
		body := "[" + strings.Join(rows, ",") + "]"
		if wrapped {
			body = fmt.Sprintf(`{"TotalCount":%d,"Data":%s}`, n, body)
		}
		return respond(http.StatusOK, body)(req)
	}
}

func collect(t *testing.T, seq func(func(ManagedAccount, error) bool)) ([]int, error) {
	t.Helper()
	var ids []int
	for a, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, a.AccountID)
	}
	return ids, nil
}

func TestManagedAccountsAll(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(pagedAccounts(5, false)))

	ids, err := collect(t, c.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Type: ManagedAccountTypeSystem, Limit: 2}))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, ids)
	assert.Equal(t, []string{"limit=2&type=system", "limit=2&offset=2&type=system", "limit=2&offset=4&type=system"}, queries(rec),
		"the short third page is the last")
}

func TestManagedAccountsAllExactPages(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(pagedAccounts(4, false)))
	ids, err := collect(t, c.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 2, Offset: 1}))
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3, 4}, ids)
	assert.Equal(t, []string{"limit=2&offset=1", "limit=2&offset=3"}, queries(rec))

	// A bare array that ends on a page boundary costs one empty page.
	rec2 := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec2.wrap(pagedAccounts(4, false)))
	ids, err = collect(t, c.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 2}))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4}, ids)
	assert.Equal(t, []string{"limit=2", "limit=2&offset=2", "limit=2&offset=4"}, queries(rec2))
}

func TestManagedAccountsAllWrapped(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(pagedAccounts(4, true)))
	ids, err := collect(t, c.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 2}))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4}, ids)
	assert.Equal(t, []string{"limit=2", "limit=2&offset=2"}, queries(rec), "TotalCount saves the empty page")
}

func TestManagedAccountsAllDefaultPageSize(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(pagedAccounts(1500, false)))
	ids, err := collect(t, c.ManagedAccounts.All(context.Background(), nil))
	require.NoError(t, err)
	assert.Len(t, ids, 1500)
	assert.Equal(t, 1500, ids[1499])
	assert.Equal(t, []string{"limit=1000", "limit=1000&offset=1000"}, queries(rec))
}

func TestManagedAccountsAllStopsEarly(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(pagedAccounts(10, false)))
	var ids []int
	for a, err := range c.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 3}) {
		require.NoError(t, err)
		ids = append(ids, a.AccountID)
		if len(ids) == 4 {
			break
		}
	}
	assert.Equal(t, []int{1, 2, 3, 4}, ids)
	assert.Equal(t, 2, rec.count(), "no page is asked for after the loop stops")
}

func TestManagedAccountsAllServerIgnoresPaging(t *testing.T) {
	t.Parallel()
	// limit ignored: everything in one answer, more than a page: that is all.
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(pagedAccounts(5, false)))
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(func(req *http.Request) (*http.Response, error) {
		req.URL.RawQuery = ""
		return pagedAccounts(5, false)(req)
	}))
	ids, err := collect(t, c.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 2}))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, ids)
	assert.Equal(t, 1, rec.count())

	// offset ignored: the second page repeats the first; an error, not a loop.
	c2, mt2 := newMockClient(t)
	rec2 := &recorder{}
	mt2.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec2.wrap(func(req *http.Request) (*http.Response, error) {
		if rec2.count() > 20 { // a pager that loops fails, not hangs
			return respond(http.StatusInternalServerError, `"looping"`)(req)
		}
		q := req.URL.Query()
		q.Del("offset")
		req.URL.RawQuery = q.Encode()
		return pagedAccounts(5, false)(req)
	}))
	ids, err = collect(t, c2.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 2}))
	assert.ErrorIs(t, err, errOffsetIgnored)
	assert.Equal(t, []int{1, 2}, ids)
	assert.Equal(t, 2, rec2.count())
}

func TestManagedAccountsAllError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec.wrap(sequence(
		pagedAccounts(10, false),
		respond(http.StatusForbidden, `"4031 - No access."`))))
	ids, err := collect(t, c.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 2}))
	assert.ErrorIs(t, err, ErrNoPermission)
	assert.Equal(t, []int{1, 2}, ids)
	assert.Equal(t, 2, rec.count())

	// A body that breaks off after rows were handed out is not asked again:
	// the failure is the last pair.
	c2, mt2 := newMockClient(t)
	rec2 := &recorder{}
	mt2.RegisterResponder(http.MethodGet, testBase+"ManagedAccounts", rec2.wrap(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body:          io.NopCloser(io.MultiReader(strings.NewReader(`[{"AccountId":1},{"AccountId":2},`), iotest.ErrReader(io.ErrUnexpectedEOF))),
			ContentLength: -1}, nil
	}))
	ids, err = collect(t, c2.ManagedAccounts.All(context.Background(), &ListManagedAccountsOptions{Limit: 5}))
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, []int{1, 2}, ids)
	assert.Equal(t, 1, rec2.count())
}
