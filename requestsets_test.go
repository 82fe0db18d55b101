package passwordsafe

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A set as the reference shows it, with the spellings servers vary in.
const requestSetsBody = `[
  {
    "RequestSetID": "3f2c9a1e-6b1d-4c55-9a0e-1b2c3d4e5f60",
    "Requests": [
      {"RequestID": 101, "RequestorName": "deploybot", "SystemID": 3, "SystemName": "db01", "AccountID": 7,
       "AccountName": "admin", "DomainName": null, "ApplicationID": null, "AliasID": null,
       "RequestReleaseDate": "2024-05-01T10:00:00", "ApprovedDate": "2024-05-01T10:00:05", "CanceledDate": null,
       "ExpiresDate": "2024-05-01T11:00:00", "Status": "Active", "AccessType": "View", "Reason": "patching"},
      {"RequestId": 102, "RequestorName": "deploybot", "SystemId": 3, "SystemName": "db01", "AccountId": 7,
       "AccountName": "admin", "RequestReleaseDate": "2024-05-01 10:00:00", "ApprovedDate": "",
       "CanceledDate": "2024-05-01T10:30:00Z", "ExpiresDate": "", "Status": "Canceled", "AccessType": "RDP", "Reason": "patching"}
    ]
  },
  {"RequestSetID": "empty", "Requests": null}
]`

func TestRequestSetsList(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"RequestSets", api.wrap(respond(200, requestSetsBody)))

	sets, resp, err := c.Requests.ListSets(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	r := api.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/custom/prefix/RequestSets", r.URL.Path)
	assert.Empty(t, r.URL.RawQuery)
	assert.Empty(t, r.Body)

	require.Len(t, sets, 2)
	assert.Equal(t, "3f2c9a1e-6b1d-4c55-9a0e-1b2c3d4e5f60", sets[0].RequestSetID)
	require.Len(t, sets[0].Requests, 2)
	assert.Equal(t, Request{
		RequestID: 101, RequestorName: "deploybot", SystemID: 3, SystemName: "db01", AccountID: 7, AccountName: "admin",
		RequestReleaseDate: Time{time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		ApprovedDate:       Time{time.Date(2024, 5, 1, 10, 0, 5, 0, time.UTC)},
		ExpiresDate:        Time{time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC)},
		Status:             "Active", AccessType: AccessView, Reason: "patching",
	}, sets[0].Requests[0])
	assert.Equal(t, Request{
		RequestID: 102, RequestorName: "deploybot", SystemID: 3, SystemName: "db01", AccountID: 7, AccountName: "admin",
		RequestReleaseDate: Time{time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		CanceledDate:       Time{time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)},
		Status:             "Canceled", AccessType: AccessRDP, Reason: "patching",
	}, sets[0].Requests[1])
	assert.Equal(t, RequestSet{RequestSetID: "empty"}, sets[1])
}

func TestRequestSetsListFilters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  *ListRequestSetsOptions
		query string
	}{
		{&ListRequestSetsOptions{}, ""},
		{&ListRequestSetsOptions{Status: RequestStatusActive}, "status=active"},
		{&ListRequestSetsOptions{Status: RequestStatusPending}, "status=pending"},
		{&ListRequestSetsOptions{Status: RequestStatusAll, Queue: QueueApprover}, "queue=app&status=all"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"RequestSets", api.wrap(respond(200, `[]`)))
			sets, _, err := c.Requests.ListSets(context.Background(), tc.opts)
			require.NoError(t, err)
			assert.Empty(t, sets)
			assert.Equal(t, tc.query, api.last(t).URL.RawQuery)
		})
	}
}

func TestRequestSetsListErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"RequestSets",
		sequence(respond(200, `{"RequestSetID":"not a list"}`), respond(403, `"4033 - Approver only."`), respond(403, `4032`)))
	ctx := context.Background()

	sets, resp, err := c.Requests.ListSets(ctx, nil)
	assert.Nil(t, sets)
	assert.NotNil(t, resp)
	assert.ErrorContains(t, err, "GET RequestSets: decoding the answer")

	_, resp, err = c.Requests.ListSets(ctx, nil)
	assert.ErrorIs(t, err, ErrApproverOnly)
	assert.Equal(t, 403, resp.StatusCode)

	_, _, err = c.Requests.ListSets(ctx, nil)
	assert.ErrorIs(t, err, ErrRequestorOnly)
	assert.ErrorIs(t, err, ErrForbidden)
}

func TestRequestSetsCreateWire(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts *CreateRequestSetOptions
		want string
	}{
		{
			name: "minimal",
			opts: &CreateRequestSetOptions{AccessTypes: []AccessType{AccessView, AccessRDP}, SystemID: 3, AccountID: 7, DurationMinutes: 60},
			want: `{"AccessTypes":["View","RDP"],"SystemID":3,"AccountID":7,"DurationMinutes":60}`,
		},
		{
			name: "everything",
			opts: &CreateRequestSetOptions{
				AccessTypes: []AccessType{AccessApp, AccessSSH, AccessView, AccessRDP}, SystemID: 3, AccountID: 7,
				ApplicationID: Ptr(5), DurationMinutes: 525600, Reason: "release night", TicketSystemID: Ptr(2), TicketNumber: "CHG-1",
			},
			want: `{"AccessTypes":["App","SSH","View","RDP"],"SystemID":3,"AccountID":7,"ApplicationID":5,
				"DurationMinutes":525600,"Reason":"release night","TicketSystemID":2,"TicketNumber":"CHG-1"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"RequestSets", api.wrap(respond(201,
				`{"RequestSetID":"set-1","Requests":[{"RequestID":11,"AccessType":"View","Status":"Pending"},{"RequestId":12,"AccessType":"RDP","Status":"Pending"}]}`)))
			set, resp, err := c.Requests.CreateSet(context.Background(), tc.opts)
			require.NoError(t, err)
			assert.Equal(t, 201, resp.StatusCode)
			assert.Equal(t, &RequestSet{RequestSetID: "set-1", Requests: []Request{
				{RequestID: 11, AccessType: AccessView, Status: "Pending"},
				{RequestID: 12, AccessType: AccessRDP, Status: "Pending"},
			}}, set)
			r := api.last(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, "/custom/prefix/RequestSets", r.URL.Path)
			assert.Empty(t, r.URL.RawQuery)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.JSONEq(t, tc.want, string(r.Body))
			assert.Equal(t, 1, apiCalls(mt))
		})
	}
}

func TestRequestSetsCreateErrors(t *testing.T) {
	t.Parallel()
	opts := &CreateRequestSetOptions{AccessTypes: []AccessType{AccessView, AccessSSH}, SystemID: 3, AccountID: 7, DurationMinutes: 60}
	for _, tc := range []struct {
		name   string
		status int
		body   string
		is     error
	}{
		{"no permission", 403, `"4031 - Account is not valid for this system."`, ErrNoPermission},
		{"not enough approvers", 403, `"4035 - Not enough approvers."`, ErrNotEnoughApprovers},
		{"conflict", 409, `"A request already exists."`, ErrConflict},
		{"server error, not repeated", 502, `"bad gateway"`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"RequestSets", respond(tc.status, tc.body))
			set, resp, err := c.Requests.CreateSet(context.Background(), opts)
			assert.Nil(t, set)
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, 1, apiCalls(mt))
		})
	}

	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"RequestSets", respond(201, `[1,2]`))
	set, resp, err := c.Requests.CreateSet(context.Background(), opts)
	assert.Nil(t, set)
	assert.NotNil(t, resp)
	assert.ErrorContains(t, err, "POST RequestSets: decoding the answer")
}

func TestRequestSetsCreateValidation(t *testing.T) {
	t.Parallel()
	valid := func(f func(o *CreateRequestSetOptions)) *CreateRequestSetOptions {
		o := &CreateRequestSetOptions{AccessTypes: []AccessType{AccessView, AccessRDP}, SystemID: 3, AccountID: 7, DurationMinutes: 60}
		f(o)
		return o
	}
	types := func(ts ...AccessType) func(o *CreateRequestSetOptions) {
		return func(o *CreateRequestSetOptions) { o.AccessTypes = ts }
	}
	for _, tc := range []struct {
		name  string
		opts  *CreateRequestSetOptions
		field string
	}{
		{"nil options", nil, "opts"},
		{"no access types", valid(types()), "AccessTypes"},
		{"one access type", valid(types(AccessView)), "AccessTypes"},
		{"duplicate", valid(types(AccessView, AccessRDP, AccessView)), "AccessTypes"},
		{"empty access type", valid(types(AccessView, "")), "AccessTypes"},
		{"lower case", valid(types(AccessView, "rdp")), "AccessTypes"},
		{"unknown", valid(types(AccessView, "Telnet")), "AccessTypes"},
		{"SystemID zero", valid(func(o *CreateRequestSetOptions) { o.SystemID = 0 }), "SystemID"},
		{"AccountID negative", valid(func(o *CreateRequestSetOptions) { o.AccountID = -2 }), "AccountID"},
		{"App without ApplicationID", valid(types(AccessView, AccessApp)), "ApplicationID"},
		{"ApplicationID without App", valid(func(o *CreateRequestSetOptions) { o.ApplicationID = Ptr(5) }), "ApplicationID"},
		{"DurationMinutes zero", valid(func(o *CreateRequestSetOptions) { o.DurationMinutes = 0 }), "DurationMinutes"},
		{"DurationMinutes above a year", valid(func(o *CreateRequestSetOptions) { o.DurationMinutes = 525601 }), "DurationMinutes"},
		{"Reason 1001 characters", valid(func(o *CreateRequestSetOptions) { o.Reason = strings.Repeat("ü", 1001) }), "Reason"},
		{"TicketNumber 21 characters", valid(func(o *CreateRequestSetOptions) { o.TicketNumber = strings.Repeat("€", 21) }), "TicketNumber"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			set, resp, err := c.Requests.CreateSet(context.Background(), tc.opts)
			assertValidation(t, err, tc.field)
			assert.Nil(t, set)
			assert.Nil(t, resp)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent, sign-in included")
		})
	}

	// List filters too.
	c, mt := newMockClient(t)
	_, _, err := c.Requests.ListSets(context.Background(), &ListRequestSetsOptions{Status: "Active"})
	assertValidation(t, err, "status")
	_, _, err = c.Requests.ListSets(context.Background(), &ListRequestSetsOptions{Queue: "approver"})
	assertValidation(t, err, "queue")
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestRequestSetsCreateBoundariesAccepted(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]*CreateRequestSetOptions{
		"all four with App":  {AccessTypes: []AccessType{AccessView, AccessRDP, AccessSSH, AccessApp}, SystemID: 1, AccountID: 1, ApplicationID: Ptr(1), DurationMinutes: 1},
		"two, a year":        {AccessTypes: []AccessType{AccessSSH, AccessRDP}, SystemID: 1, AccountID: 1, DurationMinutes: 525600},
		"TicketNumber 20":    {AccessTypes: []AccessType{AccessSSH, AccessView}, SystemID: 1, AccountID: 1, DurationMinutes: 5, TicketNumber: strings.Repeat("🎫", 20)},
		"Reason 1000 runes":  {AccessTypes: []AccessType{AccessSSH, AccessView}, SystemID: 1, AccountID: 1, DurationMinutes: 5, Reason: strings.Repeat("é", 1000)},
		"TicketSystemID set": {AccessTypes: []AccessType{AccessSSH, AccessView}, SystemID: 1, AccountID: 1, DurationMinutes: 5, TicketSystemID: Ptr(0)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"RequestSets", api.wrap(respond(201, `{"RequestSetID":"s"}`)))
			_, _, err := c.Requests.CreateSet(context.Background(), opts)
			require.NoError(t, err)
			var sent CreateRequestSetOptions
			require.NoError(t, json.Unmarshal(api.last(t).Body, &sent))
			assert.Equal(t, *opts, sent)
		})
	}
}

// An answer without a body: the set was made, its ID is unknown.
func TestRequestSetsCreateEmptyAnswer(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"RequestSets", respond(201, ""))
	set, resp, err := c.Requests.CreateSet(context.Background(),
		&CreateRequestSetOptions{AccessTypes: []AccessType{AccessView, AccessSSH}, SystemID: 3, AccountID: 7, DurationMinutes: 60})
	require.NoError(t, err)
	assert.Equal(t, &RequestSet{}, set)
	assert.Equal(t, 201, resp.StatusCode)
}
