package passwordsafe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestsList(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, fixture(t, "requests.json"))))

	reqs, resp, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	r := api.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/custom/prefix/Requests", r.URL.Path)
	assert.Empty(t, r.URL.RawQuery)
	assert.Empty(t, r.Body)
	assert.Equal(t, "application/json", r.Header.Get("Accept"))

	require.Len(t, reqs, 3)
	assert.Equal(t, Request{
		RequestID:          1,
		SystemID:           10,
		SystemName:         "db01",
		AccountID:          20,
		AccountName:        "sa",
		RequestReleaseDate: Time{time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)},
		ApprovedDate:       Time{time.Date(2024, 3, 1, 10, 5, 0, 123e6, time.UTC)},
		ExpiresDate:        Time{time.Date(2024, 3, 1, 11, 0, 0, 0, time.UTC)},
		Status:             "Active",
		AccessType:         AccessView,
		Reason:             "maintenance",
	}, reqs[0])
	assert.Equal(t, Request{
		RequestID:          2,
		SystemID:           11, // spelled SystemId
		SystemName:         "web01",
		AccountID:          21, // spelled AccountId
		AccountName:        "root",
		DomainName:         "corp",
		AliasID:            4,
		ApplicationID:      6,
		RequestReleaseDate: Time{time.Date(2024, 3, 2, 8, 30, 0, 0, time.UTC)},
		Status:             "Pending",
		AccessType:         AccessApp,
	}, reqs[1])
	assert.True(t, reqs[1].ApprovedDate.IsZero())
	assert.True(t, reqs[1].ExpiresDate.IsZero())
	assert.Equal(t, Request{}, reqs[2])
}

// Newer servers add fields to GET Requests; those the SDK does not type
// (APIOnlyAccess, TotpEnabled, TotpParameters) are skipped, whatever their
// shape.
func TestRequestsListNewerFields(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[{
		"RequestID": 5, "SystemID": 3, "SystemName": "db01", "AccountID": 7, "AccountName": "admin",
		"RequestReleaseDate": "2024-05-01T10:00:00", "CanceledDate": "2024-05-01T10:20:00.5",
		"Status": "Canceled", "AccessType": "SSH", "Reason": "patching",
		"ManagedSystemName": "db01.corp", "RequestorUserID": 12, "RequestorName": "deploybot",
		"APIOnlyAccess": true, "TotpEnabled": false, "TotpParameters": {"Digits": 6}
	}, {"RequestID": 6, "CanceledDate": null, "RequestorUserID": null, "RequestorName": null}]`))
	reqs, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, reqs, 2)
	assert.Equal(t, Request{
		RequestID: 5, SystemID: 3, SystemName: "db01", AccountID: 7, AccountName: "admin",
		RequestReleaseDate: Time{time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		Status:             "Canceled", AccessType: AccessSSH, Reason: "patching",
		CanceledDate:  Time{time.Date(2024, 5, 1, 10, 20, 0, 5e8, time.UTC)},
		RequestorName: "deploybot", RequestorUserID: 12, ManagedSystemName: "db01.corp",
	}, reqs[0])
	assert.Equal(t, Request{RequestID: 6}, reqs[1])
}

func TestRequestsListFilters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  *ListRequestsOptions
		query string
	}{
		{&ListRequestsOptions{}, ""},
		{&ListRequestsOptions{Status: RequestStatusActive}, "status=active"},
		{&ListRequestsOptions{Status: RequestStatusAll}, "status=all"},
		{&ListRequestsOptions{Queue: QueueApprover}, "queue=app"},
		{&ListRequestsOptions{Status: RequestStatusPending, Queue: QueueRequestor}, "queue=req&status=pending"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", api.wrap(respond(200, `[]`)))
			reqs, _, err := c.Requests.List(context.Background(), tc.opts)
			require.NoError(t, err)
			assert.Empty(t, reqs)
			r := api.last(t)
			assert.Equal(t, "/custom/prefix/Requests", r.URL.Path)
			assert.Equal(t, tc.query, r.URL.RawQuery)
		})
	}
}

func TestRequestsListEmptyAndNull(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`[]`, `null`, ``} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, body))
		reqs, _, err := c.Requests.List(context.Background(), nil)
		require.NoError(t, err, body)
		assert.Empty(t, reqs, body)
	}
}

func TestRequestsListErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", sequence(respond(200, `{"not":"a list"}`), respond(403, `"4031 - no"`)))
	reqs, resp, err := c.Requests.List(context.Background(), nil)
	require.Error(t, err)
	assert.Nil(t, reqs)
	assert.NotNil(t, resp)
	assert.Contains(t, err.Error(), "GET Requests: decoding the answer")

	reqs, resp, err = c.Requests.List(context.Background(), nil)
	assert.ErrorIs(t, err, ErrNoPermission)
	assert.ErrorIs(t, err, ErrForbidden)
	assert.Nil(t, reqs)
	assert.Equal(t, 403, resp.StatusCode)
}

func TestRequestsCreateBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts *CreateRequestOptions
		want string
	}{
		{
			name: "minimal",
			opts: &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 60},
			want: `{"SystemID":1,"AccountID":2,"DurationMinutes":60}`,
		},
		{
			name: "everything",
			opts: &CreateRequestOptions{
				AccessType:             AccessApp,
				SystemID:               1,
				AccountID:              2,
				ApplicationID:          Ptr(3),
				DurationMinutes:        525600,
				Reason:                 "quarterly patching",
				AccessPolicyScheduleID: Ptr(4),
				ConflictOption:         ConflictReuse,
				TicketSystemID:         Ptr(5),
				TicketNumber:           "INC-1",
				RotateOnCheckin:        Ptr(false),
			},
			want: `{"AccessType":"App","SystemID":1,"AccountID":2,"ApplicationID":3,"DurationMinutes":525600,
				"Reason":"quarterly patching","AccessPolicyScheduleID":4,"ConflictOption":"reuse",
				"TicketSystemID":5,"TicketNumber":"INC-1","RotateOnCheckin":false}`,
		},
		{
			name: "zero pointers are sent",
			opts: &CreateRequestOptions{AccessType: AccessSSH, SystemID: 1, AccountID: 2, DurationMinutes: 1,
				AccessPolicyScheduleID: Ptr(0), TicketSystemID: Ptr(0), RotateOnCheckin: Ptr(true), ConflictOption: ConflictRenew},
			want: `{"AccessType":"SSH","SystemID":1,"AccountID":2,"DurationMinutes":1,"AccessPolicyScheduleID":0,
				"TicketSystemID":0,"RotateOnCheckin":true,"ConflictOption":"renew"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests", api.wrap(respond(201, `{"RequestID":12}`)))
			cr, resp, err := c.Requests.Create(context.Background(), tc.opts)
			require.NoError(t, err)
			assert.Equal(t, &CreatedRequest{RequestID: 12}, cr)
			assert.Equal(t, 201, resp.StatusCode)
			r := api.last(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, "/custom/prefix/Requests", r.URL.Path)
			assert.Empty(t, r.URL.RawQuery)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.JSONEq(t, tc.want, string(r.Body))
		})
	}
}

func TestRequestsCreateAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		want   CreatedRequest
	}{
		{201, `{"RequestID":12}`, CreatedRequest{RequestID: 12}},
		{201, `{"RequestId":12}`, CreatedRequest{RequestID: 12}},
		{201, `12`, CreatedRequest{RequestID: 12}},
		{201, " 12\n", CreatedRequest{RequestID: 12}},
		{201, `"12"`, CreatedRequest{RequestID: 12}},
		{201, `{"RequestID":"12"}`, CreatedRequest{RequestID: 12}},
		{200, `{"RequestID":7}`, CreatedRequest{RequestID: 7, Reused: true}},
		{200, `7`, CreatedRequest{RequestID: 7, Reused: true}},
		{201, `{"RequestID":12,"Reused":true}`, CreatedRequest{RequestID: 12}}, // the status code decides
	} {
		t.Run(fmt.Sprintf("%d %s", tc.status, tc.body), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"Requests", respond(tc.status, tc.body))
			cr, resp, err := c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 60})
			require.NoError(t, err)
			assert.Equal(t, &tc.want, cr)
			assert.Equal(t, tc.status, resp.StatusCode)
		})
	}
}

func TestRequestsCreateBadAnswers(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `0`, `-3`, `{}`, `{"RequestID":0}`, `{"RequestID":1.5}`, `"abc"`, `null`, `[1]`, `true`, `{"RequestID":`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"Requests", respond(201, body))
			cr, resp, err := c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 60})
			require.Error(t, err)
			assert.Nil(t, cr)
			assert.NotNil(t, resp)
			assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: POST Requests: decoding the answer"), err.Error())
			assert.Equal(t, 1, apiCalls(mt))
		})
	}
}

func TestRequestsCreateConflict(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", respond(409, `"A request already exists for this account."`))
	cr, resp, err := c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 60})
	assert.Nil(t, cr)
	assert.ErrorIs(t, err, ErrConflict)
	assert.Equal(t, 409, resp.StatusCode)
	assert.Equal(t, 1, apiCalls(mt))
}

func validCreate() *CreateRequestOptions {
	return &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 60}
}

func TestRequestsCreateValidation(t *testing.T) {
	t.Parallel()
	mod := func(f func(o *CreateRequestOptions)) *CreateRequestOptions {
		o := validCreate()
		f(o)
		return o
	}
	cases := []struct {
		name  string
		opts  *CreateRequestOptions
		field string
	}{
		{"nil options", nil, "opts"},
		{"SystemID zero", mod(func(o *CreateRequestOptions) { o.SystemID = 0 }), "SystemID"},
		{"SystemID negative", mod(func(o *CreateRequestOptions) { o.SystemID = -1 }), "SystemID"},
		{"AccountID zero", mod(func(o *CreateRequestOptions) { o.AccountID = 0 }), "AccountID"},
		{"AccountID negative", mod(func(o *CreateRequestOptions) { o.AccountID = -7 }), "AccountID"},
		{"DurationMinutes zero", mod(func(o *CreateRequestOptions) { o.DurationMinutes = 0 }), "DurationMinutes"},
		{"DurationMinutes negative", mod(func(o *CreateRequestOptions) { o.DurationMinutes = -5 }), "DurationMinutes"},
		{"DurationMinutes above a year", mod(func(o *CreateRequestOptions) { o.DurationMinutes = 525601 }), "DurationMinutes"},
		{"AccessType lower case", mod(func(o *CreateRequestOptions) { o.AccessType = "view" }), "AccessType"},
		{"AccessType unknown", mod(func(o *CreateRequestOptions) { o.AccessType = "Telnet" }), "AccessType"},
		{"AccessType padded", mod(func(o *CreateRequestOptions) { o.AccessType = " SSH" }), "AccessType"},
		{"App without ApplicationID", mod(func(o *CreateRequestOptions) { o.AccessType = AccessApp }), "ApplicationID"},
		{"ApplicationID with View", mod(func(o *CreateRequestOptions) { o.AccessType = AccessView; o.ApplicationID = Ptr(3) }), "ApplicationID"},
		{"ApplicationID with RDP", mod(func(o *CreateRequestOptions) { o.AccessType = AccessRDP; o.ApplicationID = Ptr(3) }), "ApplicationID"},
		{"ApplicationID with default type", mod(func(o *CreateRequestOptions) { o.ApplicationID = Ptr(3) }), "ApplicationID"},
		{"ConflictOption capitalised", mod(func(o *CreateRequestOptions) { o.ConflictOption = "Reuse" }), "ConflictOption"},
		{"ConflictOption unknown", mod(func(o *CreateRequestOptions) { o.ConflictOption = "replace" }), "ConflictOption"},
		{"TicketNumber 21 characters", mod(func(o *CreateRequestOptions) { o.TicketNumber = strings.Repeat("1", 21) }), "TicketNumber"},
		{"TicketNumber 21 multi-byte characters", mod(func(o *CreateRequestOptions) { o.TicketNumber = strings.Repeat("€", 21) }), "TicketNumber"},
		{"Reason 1001 characters", mod(func(o *CreateRequestOptions) { o.Reason = strings.Repeat("r", 1001) }), "Reason"},
		{"Reason 1001 multi-byte characters", mod(func(o *CreateRequestOptions) { o.Reason = strings.Repeat("é", 1001) }), "Reason"},
		{"CheckinReason 1001 multi-byte characters", mod(func(o *CreateRequestOptions) { o.CheckinReason = strings.Repeat("é", 1001) }), "CheckinReason"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			cr, resp, err := c.Requests.Create(context.Background(), tc.opts)
			assertValidation(t, err, tc.field)
			assert.Nil(t, cr)
			assert.Nil(t, resp)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent, sign-in included")
		})
	}
}

// CheckinReason is Checkout's, for the check-in: Create accepts up to 1000
// characters of it and never sends it.
func TestRequestsCreateNeverSendsCheckinReason(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", api.wrap(respond(201, `1`)))
	opts := validCreate()
	opts.CheckinReason = strings.Repeat("é", 1000)
	_, _, err := c.Requests.Create(context.Background(), opts)
	require.NoError(t, err)
	assert.NotContains(t, string(api.last(t).Body), "CheckinReason")
	assert.NotContains(t, string(api.last(t).Body), "é")
}

func TestRequestsCreateBoundariesAccepted(t *testing.T) {
	t.Parallel()
	mod := func(f func(o *CreateRequestOptions)) *CreateRequestOptions {
		o := validCreate()
		f(o)
		return o
	}
	for name, opts := range map[string]*CreateRequestOptions{
		"DurationMinutes 1":               mod(func(o *CreateRequestOptions) { o.DurationMinutes = 1 }),
		"DurationMinutes 525600":          mod(func(o *CreateRequestOptions) { o.DurationMinutes = 525600 }),
		"TicketNumber 20 ASCII":           mod(func(o *CreateRequestOptions) { o.TicketNumber = strings.Repeat("9", 20) }),
		"TicketNumber 20 multi-byte":      mod(func(o *CreateRequestOptions) { o.TicketNumber = strings.Repeat("€", 20) }), // 60 bytes
		"TicketNumber 20 four-byte runes": mod(func(o *CreateRequestOptions) { o.TicketNumber = strings.Repeat("🎫", 20) }),
		"Reason 1000 multi-byte":          mod(func(o *CreateRequestOptions) { o.Reason = strings.Repeat("é", 1000) }),
		"Reason 1000 ASCII":               mod(func(o *CreateRequestOptions) { o.Reason = strings.Repeat("r", 1000) }),
		"App with ApplicationID":          mod(func(o *CreateRequestOptions) { o.AccessType = AccessApp; o.ApplicationID = Ptr(9) }),
		"View":                            mod(func(o *CreateRequestOptions) { o.AccessType = AccessView }),
		"RDP":                             mod(func(o *CreateRequestOptions) { o.AccessType = AccessRDP }),
		"SSH":                             mod(func(o *CreateRequestOptions) { o.AccessType = AccessSSH }),
		"reuse":                           mod(func(o *CreateRequestOptions) { o.ConflictOption = ConflictReuse }),
		"renew":                           mod(func(o *CreateRequestOptions) { o.ConflictOption = ConflictRenew }),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"Requests", api.wrap(respond(201, `1`)))
			_, _, err := c.Requests.Create(context.Background(), opts)
			require.NoError(t, err)
			var sent CreateRequestOptions
			require.NoError(t, json.Unmarshal(api.last(t).Body, &sent))
			assert.Equal(t, *opts, sent)
			if opts.TicketNumber != "" {
				assert.Contains(t, string(api.last(t).Body), `"TicketNumber":"`+opts.TicketNumber+`"`)
			}
			assert.Equal(t, 1, apiCalls(mt))
		})
	}
}

func TestRequestsReasonCalls(t *testing.T) {
	t.Parallel()
	type fn func(c *Client, ctx context.Context, id int, reason string) (*Response, error)
	for action, call := range map[string]fn{
		"Checkin": func(c *Client, ctx context.Context, id int, r string) (*Response, error) {
			return c.Requests.Checkin(ctx, id, r)
		},
		"Approve": func(c *Client, ctx context.Context, id int, r string) (*Response, error) {
			return c.Requests.Approve(ctx, id, r)
		},
		"Deny": func(c *Client, ctx context.Context, id int, r string) (*Response, error) {
			return c.Requests.Deny(ctx, id, r)
		},
	} {
		t.Run(action, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/"+action, api.wrap(respond(204, "")))
			ctx := context.Background()

			for _, reason := range []string{"all done", "", `quote " and \ backslash`, strings.Repeat("ü", 1000)} {
				resp, err := call(c, ctx, 42, reason)
				require.NoError(t, err)
				assert.Equal(t, 204, resp.StatusCode)
				r := api.last(t)
				assert.Equal(t, http.MethodPut, r.Method)
				assert.Equal(t, "/custom/prefix/Requests/42/"+action, r.URL.Path)
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				want, _ := jsonString(reason)
				assert.JSONEq(t, `{"Reason":`+want+`}`, string(r.Body))
			}

			// Validation: nothing sent.
			before := mt.GetTotalCallCount()
			for _, tc := range []struct {
				id     int
				reason string
				field  string
			}{
				{0, "x", "requestID"},
				{-1, "x", "requestID"},
				{42, strings.Repeat("ü", 1001), "Reason"},
				{0, strings.Repeat("x", 1001), "requestID"},
			} {
				resp, err := call(c, ctx, tc.id, tc.reason)
				assertValidation(t, err, tc.field)
				assert.Nil(t, resp)
			}
			assert.Equal(t, before, mt.GetTotalCallCount())

			// Server refusals map to sentinels.
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/42/"+action, respond(403, `"4033 - Approver only."`))
			resp, err := call(c, ctx, 42, "x")
			assert.ErrorIs(t, err, ErrApproverOnly)
			assert.Equal(t, 403, resp.StatusCode)
		})
	}
}

func TestRequestsValidationSendsNothing(t *testing.T) {
	t.Parallel()
	// Including the sign-in, for every method with a path ID.
	c, mt := newMockClient(t)
	ctx := context.Background()
	_, err := c.Requests.Checkin(ctx, 0, "")
	assertValidation(t, err, "requestID")
	_, err = c.Requests.Approve(ctx, -5, "")
	assertValidation(t, err, "requestID")
	_, err = c.Requests.Deny(ctx, 0, "")
	assertValidation(t, err, "requestID")
	_, err = c.Requests.RotateOnCheckin(ctx, 0)
	assertValidation(t, err, "requestID")
	_, err = c.Requests.RotateOnCheckin(ctx, -1)
	assertValidation(t, err, "requestID")
	s, resp, err := c.Requests.Credentials(ctx, 0, nil)
	assertValidation(t, err, "requestID")
	assert.True(t, s.IsZero())
	assert.Nil(t, resp)
	_, _, err = c.Requests.Credentials(ctx, 3, &CredentialsOptions{Type: "DSSKey"})
	assertValidation(t, err, "type")
	_, _, err = c.Requests.Credentials(ctx, 3, &CredentialsOptions{Type: "key"})
	assertValidation(t, err, "type")
	_, _, err = c.Requests.List(ctx, &ListRequestsOptions{Status: "Active"})
	assertValidation(t, err, "status")
	_, _, err = c.Requests.List(ctx, &ListRequestsOptions{Status: "expired"})
	assertValidation(t, err, "status")
	_, _, err = c.Requests.List(ctx, &ListRequestsOptions{Queue: "approver"})
	assertValidation(t, err, "queue")
	_, _, err = c.Requests.List(ctx, &ListRequestsOptions{Queue: "REQ"})
	assertValidation(t, err, "queue")
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestRequestsRotateOnCheckin(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/8/RotateOnCheckin", api.wrap(respond(204, "")))
	resp, err := c.Requests.RotateOnCheckin(context.Background(), 8)
	require.NoError(t, err)
	assert.Equal(t, 204, resp.StatusCode)
	r := api.last(t)
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Equal(t, "/custom/prefix/Requests/8/RotateOnCheckin", r.URL.Path)
	assert.Empty(t, r.Body)
	assert.Empty(t, r.Header.Get("Content-Type"))
}

func TestRequestsCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  *CredentialsOptions
		query string
	}{
		{nil, ""},
		{&CredentialsOptions{}, ""},
		{&CredentialsOptions{Type: CredentialPassword}, "type=password"},
		{&CredentialsOptions{Type: CredentialDSSKey}, "type=dsskey"},
		{&CredentialsOptions{Type: CredentialPassphrase}, "type=passphrase"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Credentials/77", api.wrap(respond(200, `"p@ss w\u00f6rd\n"`)))
			s, resp, err := c.Requests.Credentials(context.Background(), 77, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, "p@ss wörd\n", s.Value())
			assert.Equal(t, 200, resp.StatusCode)
			r := api.last(t)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, "/custom/prefix/Credentials/77", r.URL.Path)
			assert.Equal(t, tc.query, r.URL.RawQuery)
			assert.Empty(t, r.Body)
		})
	}
}

func TestRequestsCredentialsAnswers(t *testing.T) {
	t.Parallel()
	const secret = "hunter2-secret-value"
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		want        string
		wantErr     bool
	}{
		{"JSON string", "application/json", `"` + secret + `"`, secret, false},
		{"JSON string with spaces", "application/json", "  \"" + secret + "\"\n", secret, false},
		{"empty JSON string", "application/json", `""`, "", false},
		{"PEM key", "application/json", `"-----BEGIN KEY-----\nabc\n-----END KEY-----"`, "-----BEGIN KEY-----\nabc\n-----END KEY-----", false},
		{"plain text", "text/plain; charset=utf-8", secret, secret, false},
		{"number", "application/json", `12345678`, "", true},
		{"object", "application/json", `{"Password":"` + secret + `"}`, "", true},
		{"null", "application/json", `null`, "", true},
		{"empty", "application/json", ``, "", true},
		{"broken string", "application/json", `"` + secret, "", true},
		{"unknown type", "application/octet-stream", secret, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, testBase+"Credentials/1", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(200, tc.body)
				resp.Header.Set("Content-Type", tc.contentType)
				return resp, nil
			})
			s, resp, err := c.Requests.Credentials(context.Background(), 1, nil)
			require.NotNil(t, resp)
			if tc.wantErr {
				require.Error(t, err)
				assert.True(t, s.IsZero())
				assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: GET Credentials/1: decoding the answer"), err.Error())
				assert.NotContains(t, err.Error(), secret)
				assert.NotContains(t, err.Error(), "12345678")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.Value())
		})
	}
}

func TestRequestsCredentialsNotApproved(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/5", respond(403, `"4034 - Request is not yet approved."`))
	s, resp, err := c.Requests.Credentials(context.Background(), 5, nil)
	assert.True(t, s.IsZero())
	assert.ErrorIs(t, err, ErrNotApproved)
	assert.ErrorIs(t, err, ErrForbidden)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 4034, er.Code)
	assert.Equal(t, "Request is not yet approved.", er.Message)
	assert.Equal(t, 403, resp.StatusCode)
	assert.Equal(t, 1, apiCalls(mt), "403 is not retried")
}

func TestRequestsCredentialsTransportError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithoutRetries())
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/5", httpmock.NewErrorResponder(fmt.Errorf("boom")))
	s, resp, err := c.Requests.Credentials(context.Background(), 5, nil)
	assert.True(t, s.IsZero())
	assert.Nil(t, resp)
	assert.ErrorContains(t, err, "boom")
}

func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}
