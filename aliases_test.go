package passwordsafe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAliasesList(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases", api.wrap(respond(200, fixture(t, "aliases.json"))))

	aliases, resp, err := c.Aliases.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	r := api.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/custom/prefix/Aliases", r.URL.Path)
	assert.Empty(t, r.URL.RawQuery)

	require.Len(t, aliases, 2)
	a := aliases[0]
	assert.Equal(t, Alias{
		AliasID:                3,
		AliasName:              "prod-db admin",
		AliasState:             AliasHighlyAvailable,
		SystemID:               10,
		SystemName:             "db01",
		AccountID:              20,
		AccountName:            "sa",
		InstanceName:           "MSSQLSERVER",
		DefaultReleaseDuration: 120,
		MaximumReleaseDuration: 525600,
		LastChangeDate:         a.LastChangeDate, // compared as an instant below
		IsChanging:             true,
		ChangeState:            1,
		MappedAccounts: []MappedAccount{
			{AliasID: 3, ManagedSystemID: 10, ManagedAccountID: 20, Status: 1},
			{AliasID: 3, ManagedSystemID: 12, ManagedAccountID: 22, Status: 0},
		},
	}, a)
	assert.True(t, a.LastChangeDate.Equal(time.Date(2024, 1, 31, 23, 0, 0, 0, time.UTC)), a.LastChangeDate.String())
	assert.True(t, a.NextChangeDate.IsZero())
	assert.Equal(t, "Highly Available", a.AliasState.String())
	assert.Equal(t, Alias{AliasID: 4, AliasName: "unmapped", AliasState: AliasUnmapped}, aliases[1])
}

func TestAliasesListStates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  *ListAliasesOptions
		query string
	}{
		{&ListAliasesOptions{}, ""},
		{&ListAliasesOptions{State: []AliasState{}}, ""},
		{&ListAliasesOptions{State: []AliasState{AliasMapped}}, "state=1"},
		{&ListAliasesOptions{State: []AliasState{AliasMapped, AliasHighlyAvailable}}, "state=1,2"},
		{&ListAliasesOptions{State: []AliasState{AliasUnmapped, AliasMapped, AliasHighlyAvailable}}, "state=0,1,2"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Aliases", api.wrap(respond(200, `[]`)))
			_, _, err := c.Aliases.List(context.Background(), tc.opts)
			require.NoError(t, err)
			r := api.last(t)
			assert.Equal(t, "/custom/prefix/Aliases", r.URL.Path)
			// Numbers, not the String() names, and the commas as documented.
			assert.Equal(t, tc.query, r.URL.RawQuery)
			if tc.query != "" {
				assert.Equal(t, strings.TrimPrefix(tc.query, "state="), r.URL.Query().Get("state"))
			}
		})
	}
}

func TestAliasesGet(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/3",
		api.wrap(respond(200, `{"AliasId":3,"AliasName":"a","AliasState":1,"SystemId":5,"AccountID":6,"LastChangeDate":"/Date(1700000000000)/","MappedAccounts":[]}`)))
	a, resp, err := c.Aliases.Get(context.Background(), 3)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, &Alias{
		AliasID: 3, AliasName: "a", AliasState: AliasMapped, SystemID: 5, AccountID: 6,
		LastChangeDate: Time{time.Unix(1700000000, 0).UTC()},
		MappedAccounts: []MappedAccount{},
	}, a)
	r := api.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/custom/prefix/Aliases/3", r.URL.Path)
	assert.Empty(t, r.URL.RawQuery)
}

func TestAliasesGetErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/3", sequence(respond(404, `"Alias not found"`), respond(200, `{"AliasID":"x"}`)))
	a, resp, err := c.Aliases.Get(context.Background(), 3)
	assert.Nil(t, a)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 404, resp.StatusCode)
	a, resp, err = c.Aliases.Get(context.Background(), 3)
	assert.Nil(t, a)
	assert.NotNil(t, resp)
	assert.ErrorContains(t, err, "GET Aliases/3: decoding the answer")
}

func TestAliasesGetByNameEscaping(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"prod-db",
		"prod db admin",
		"a&b=c",
		"team/app",
		"50% off+more",
		"ünïcødé 名前",
		"hash#tag?q",
		"semi;colon",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			body, _ := json.Marshal(map[string]any{"AliasID": 9, "AliasName": name})
			mt.RegisterResponder(http.MethodGet, testBase+"Aliases", api.wrap(respond(200, string(body))))
			a, _, err := c.Aliases.GetByName(context.Background(), name)
			require.NoError(t, err)
			assert.Equal(t, 9, a.AliasID)
			assert.Equal(t, name, a.AliasName)
			r := api.last(t)
			assert.Equal(t, "/custom/prefix/Aliases", r.URL.Path, "the name never leaks into the path")
			q, err := url.ParseQuery(r.URL.RawQuery)
			require.NoError(t, err)
			assert.Equal(t, url.Values{"name": {name}}, q)
		})
	}
}

func TestAliasesCreateRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   *CreateAliasRequestOptions
		body   string
		status int
		answer string
		want   CreatedRequest
	}{
		{
			name:   "minimal",
			opts:   &CreateAliasRequestOptions{DurationMinutes: 30},
			body:   `{"DurationMinutes":30}`,
			status: 201, answer: `{"RequestID":44}`,
			want: CreatedRequest{RequestID: 44},
		},
		{
			name: "everything, reused",
			opts: &CreateAliasRequestOptions{
				AccessType: AccessRDP, DurationMinutes: 60, Reason: "fix", AccessPolicyScheduleID: Ptr(1),
				ConflictOption: ConflictReuse, TicketSystemID: Ptr(2), TicketNumber: "T-1", RotateOnCheckin: Ptr(true),
			},
			body: `{"AccessType":"RDP","DurationMinutes":60,"Reason":"fix","AccessPolicyScheduleID":1,
				"ConflictOption":"reuse","TicketSystemID":2,"TicketNumber":"T-1","RotateOnCheckin":true}`,
			status: 200, answer: `44`,
			want: CreatedRequest{RequestID: 44, Reused: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Aliases/3/Requests", api.wrap(respond(tc.status, tc.answer)))
			cr, resp, err := c.Aliases.CreateRequest(context.Background(), 3, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, &tc.want, cr)
			assert.Equal(t, tc.status, resp.StatusCode)
			r := api.last(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, "/custom/prefix/Aliases/3/Requests", r.URL.Path)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.JSONEq(t, tc.body, string(r.Body))
		})
	}
}

func TestAliasesCreateRequestValidation(t *testing.T) {
	t.Parallel()
	valid := func() *CreateAliasRequestOptions { return &CreateAliasRequestOptions{DurationMinutes: 60} }
	mod := func(f func(o *CreateAliasRequestOptions)) *CreateAliasRequestOptions {
		o := valid()
		f(o)
		return o
	}
	cases := []struct {
		name    string
		aliasID int
		opts    *CreateAliasRequestOptions
		field   string
	}{
		{"aliasID zero", 0, valid(), "aliasID"},
		{"aliasID negative", -3, valid(), "aliasID"},
		{"nil options", 3, nil, "opts"},
		{"DurationMinutes zero", 3, mod(func(o *CreateAliasRequestOptions) { o.DurationMinutes = 0 }), "DurationMinutes"},
		{"DurationMinutes above a year", 3, mod(func(o *CreateAliasRequestOptions) { o.DurationMinutes = 525601 }), "DurationMinutes"},
		{"AccessType App", 3, mod(func(o *CreateAliasRequestOptions) { o.AccessType = AccessApp }), "AccessType"},
		{"AccessType lower case", 3, mod(func(o *CreateAliasRequestOptions) { o.AccessType = "rdp" }), "AccessType"},
		{"ConflictOption unknown", 3, mod(func(o *CreateAliasRequestOptions) { o.ConflictOption = "RENEW" }), "ConflictOption"},
		{"TicketNumber 21 characters", 3, mod(func(o *CreateAliasRequestOptions) { o.TicketNumber = strings.Repeat("ß", 21) }), "TicketNumber"},
		{"Reason 1001 characters", 3, mod(func(o *CreateAliasRequestOptions) { o.Reason = strings.Repeat("ж", 1001) }), "Reason"},
		{"CheckinReason 1001 characters", 3, mod(func(o *CreateAliasRequestOptions) { o.CheckinReason = strings.Repeat("ж", 1001) }), "CheckinReason"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			cr, resp, err := c.Aliases.CreateRequest(context.Background(), tc.aliasID, tc.opts)
			assertValidation(t, err, tc.field)
			assert.Nil(t, cr)
			assert.Nil(t, resp)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
}

func TestAliasesCreateRequestBoundariesAccepted(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]*CreateAliasRequestOptions{
		"DurationMinutes 1":          {DurationMinutes: 1},
		"DurationMinutes 525600":     {DurationMinutes: 525600},
		"TicketNumber 20 multi-byte": {DurationMinutes: 1, TicketNumber: strings.Repeat("ß", 20)},
		"Reason 1000 multi-byte":     {DurationMinutes: 1, Reason: strings.Repeat("ж", 1000)},
		"View":                       {DurationMinutes: 1, AccessType: AccessView},
		"SSH":                        {DurationMinutes: 1, AccessType: AccessSSH},
		"renew":                      {DurationMinutes: 1, ConflictOption: ConflictRenew},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Aliases/1/Requests", api.wrap(respond(201, `2`)))
			_, _, err := c.Aliases.CreateRequest(context.Background(), 1, opts)
			require.NoError(t, err)
			var sent CreateAliasRequestOptions
			require.NoError(t, json.Unmarshal(api.last(t).Body, &sent))
			assert.Equal(t, *opts, sent)
		})
	}
}

func TestAliasesCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  *CredentialsOptions
		query string
		body  string
	}{
		{"server spelling, no type", nil, "",
			`{"AliasId":3,"AliasName":"prod","SystemId":10,"SystemName":"db01","AccountId":20,"AccountName":"sa","DomainName":"corp",
			  "Password":"pw-123","PrivateKey":"-----BEGIN KEY-----","Passphrase":null}`},
		{"documented spelling, dsskey", &CredentialsOptions{Type: CredentialDSSKey}, "type=dsskey",
			`{"AliasID":3,"AliasName":"prod","SystemID":10,"SystemName":"db01","AccountID":20,"AccountName":"sa","DomainName":"corp",
			  "Password":"pw-123","PrivateKey":"-----BEGIN KEY-----"}`},
		{"passphrase", &CredentialsOptions{Type: CredentialPassphrase}, "type=passphrase",
			`{"AliasID":3,"AliasName":"prod","SystemID":10,"SystemName":"db01","AccountID":20,"AccountName":"sa","DomainName":"corp",
			  "Password":"pw-123","PrivateKey":"-----BEGIN KEY-----","Passphrase":"","Extra":{"x":1}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Aliases/3/Credentials/44", api.wrap(respond(200, tc.body)))
			cred, resp, err := c.Aliases.Credentials(context.Background(), 3, 44, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			r := api.last(t)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, "/custom/prefix/Aliases/3/Credentials/44", r.URL.Path)
			assert.Equal(t, tc.query, r.URL.RawQuery)

			assert.Equal(t, 3, cred.AliasID)
			assert.Equal(t, "prod", cred.AliasName)
			assert.Equal(t, 10, cred.SystemID)
			assert.Equal(t, "db01", cred.SystemName)
			assert.Equal(t, 20, cred.AccountID)
			assert.Equal(t, "sa", cred.AccountName)
			assert.Equal(t, "corp", cred.DomainName)
			assert.Equal(t, "pw-123", cred.Password.Value())
			assert.Equal(t, "-----BEGIN KEY-----", cred.PrivateKey.Value())
			assert.True(t, cred.Passphrase.IsZero())
			assert.NotContains(t, fmt.Sprintf("%+v %#v %v", cred, cred, *cred), "pw-123")
		})
	}
}

func TestAliasesCredentialsErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/3/Credentials/44", sequence(
		respond(403, `"4034 - Request is not yet approved."`),
		respond(200, `{"Password":12345}`),
		respond(200, `"just a string"`),
	))
	ctx := context.Background()
	cred, resp, err := c.Aliases.Credentials(ctx, 3, 44, nil)
	assert.Nil(t, cred)
	assert.ErrorIs(t, err, ErrNotApproved)
	assert.Equal(t, 403, resp.StatusCode)

	cred, resp, err = c.Aliases.Credentials(ctx, 3, 44, nil)
	assert.Nil(t, cred)
	assert.NotNil(t, resp)
	assert.ErrorContains(t, err, "GET Aliases/3/Credentials/44: decoding the answer")
	assert.NotContains(t, err.Error(), "12345")

	cred, _, err = c.Aliases.Credentials(ctx, 3, 44, nil)
	assert.Nil(t, cred)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "just a string")
}

func TestAliasesValidationSendsNothing(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	ctx := context.Background()
	_, _, err := c.Aliases.Get(ctx, 0)
	assertValidation(t, err, "aliasID")
	_, _, err = c.Aliases.Get(ctx, -1)
	assertValidation(t, err, "aliasID")
	_, _, err = c.Aliases.GetByName(ctx, "")
	assertValidation(t, err, "name")
	_, _, err = c.Aliases.Credentials(ctx, 0, 1, nil)
	assertValidation(t, err, "aliasID")
	_, _, err = c.Aliases.Credentials(ctx, 1, 0, nil)
	assertValidation(t, err, "requestID")
	_, _, err = c.Aliases.Credentials(ctx, 1, -2, nil)
	assertValidation(t, err, "requestID")
	_, _, err = c.Aliases.Credentials(ctx, 1, 1, &CredentialsOptions{Type: "Password"})
	assertValidation(t, err, "type")
	for _, st := range [][]AliasState{{3}, {-1}, {AliasMapped, 7}} {
		aliases, resp, err := c.Aliases.List(ctx, &ListAliasesOptions{State: st})
		assertValidation(t, err, "state")
		assert.Nil(t, aliases)
		assert.Nil(t, resp)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}
