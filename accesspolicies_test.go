package passwordsafe

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTestAccessPolicies(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"AccessPolicies/Test", api.wrap(respond(200, fixture(t, "access_policies_test.json"))))

	policies, resp, err := c.Requests.TestAccessPolicies(context.Background(), &TestAccessPoliciesOptions{SystemID: 3, AccountID: 7, DurationMinutes: 60})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	r := api.last(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/custom/prefix/AccessPolicies/Test", r.URL.Path)
	assert.Empty(t, r.URL.RawQuery)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	// The reference's spelling of this body.
	assert.JSONEq(t, `{"SystemId":3,"AccountId":7,"DurationMinutes":60}`, string(r.Body))

	assert.Equal(t, []AccessPolicy{
		{
			AccessPolicyID: 4,
			Name:           "Business hours, one approver",
			Description:    "Weekdays 08:00-18:00",
			Schedules: []AccessPolicySchedule{
				{
					ScheduleID: 41, RequireReason: true, RequireTicketSystem: true, TicketSystemID: 2,
					AccessTypes: []ScheduleAccessType{
						{AccessType: AccessView, MinApprovers: 1, MaxConcurrent: 1},
						{AccessType: AccessRDP, IsSession: true, RecordSession: true, MinApprovers: 1, MaxConcurrent: 2},
					},
				},
				{
					ScheduleID: 42,
					AccessTypes: []ScheduleAccessType{
						{AccessType: AccessSSH, IsSession: true, RecordSession: true},
					},
				},
			},
		},
		{AccessPolicyID: 9, Name: "Break glass"},
	}, policies)
}

func TestTestAccessPoliciesAnswers(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`[]`, `null`, ``} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, testBase+"AccessPolicies/Test", respond(200, body))
		policies, _, err := c.Requests.TestAccessPolicies(context.Background(), &TestAccessPoliciesOptions{SystemID: 1, AccountID: 1, DurationMinutes: 1})
		require.NoError(t, err, body)
		assert.Empty(t, policies, body)
	}

	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"AccessPolicies/Test",
		sequence(respond(200, `{"AccessPolicyID":4}`), respond(403, `"4031 - No permission."`), respond(404, `"Managed account not found."`)))
	ctx := context.Background()
	opts := &TestAccessPoliciesOptions{SystemID: 1, AccountID: 1, DurationMinutes: 1}

	policies, resp, err := c.Requests.TestAccessPolicies(ctx, opts)
	assert.Nil(t, policies)
	assert.NotNil(t, resp)
	assert.ErrorContains(t, err, "POST AccessPolicies/Test: decoding the answer")

	_, resp, err = c.Requests.TestAccessPolicies(ctx, opts)
	assert.ErrorIs(t, err, ErrNoPermission)
	assert.Equal(t, 403, resp.StatusCode)

	_, _, err = c.Requests.TestAccessPolicies(ctx, opts)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 3, apiCalls(mt))
}

func TestTestAccessPoliciesValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  *TestAccessPoliciesOptions
		field string
	}{
		{"nil options", nil, "opts"},
		{"SystemID zero", &TestAccessPoliciesOptions{AccountID: 1, DurationMinutes: 1}, "SystemId"},
		{"AccountID negative", &TestAccessPoliciesOptions{SystemID: 1, AccountID: -1, DurationMinutes: 1}, "AccountId"},
		{"DurationMinutes zero", &TestAccessPoliciesOptions{SystemID: 1, AccountID: 1}, "DurationMinutes"},
		{"DurationMinutes above a year", &TestAccessPoliciesOptions{SystemID: 1, AccountID: 1, DurationMinutes: 525601}, "DurationMinutes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			policies, resp, err := c.Requests.TestAccessPolicies(context.Background(), tc.opts)
			assertValidation(t, err, tc.field)
			assert.Nil(t, policies)
			assert.Nil(t, resp)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent, sign-in included")
		})
	}
}
