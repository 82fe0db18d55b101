package passwordsafe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestISARequestWire(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  *ISARequestOptions
		query string
		body  string
	}{
		{
			name: "minimal",
			opts: &ISARequestOptions{SystemID: 1, AccountID: 2},
			body: `{"SystemID":1,"AccountID":2}`,
		},
		{
			name:  "password named",
			opts:  &ISARequestOptions{SystemID: 1, AccountID: 2, CredentialType: CredentialPassword},
			query: "type=password",
			body:  `{"SystemID":1,"AccountID":2}`,
		},
		{
			name:  "everything",
			opts:  &ISARequestOptions{SystemID: 3, AccountID: 4, DurationMinutes: Ptr(15), Reason: "deploy #812", CredentialType: CredentialDSSKey},
			query: "type=dsskey",
			body:  `{"SystemID":3,"AccountID":4,"DurationMinutes":15,"Reason":"deploy #812"}`,
		},
		{
			name:  "passphrase",
			opts:  &ISARequestOptions{SystemID: 3, AccountID: 4, DurationMinutes: Ptr(525600), CredentialType: CredentialPassphrase},
			query: "type=passphrase",
			body:  `{"SystemID":3,"AccountID":4,"DurationMinutes":525600}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			mt.RegisterResponder(http.MethodPost, testBase+"ISARequests", api.wrap(respond(201, `{"Credentials":"s3cr3t-Value"}`)))
			s, resp, err := c.Requests.ISARequest(context.Background(), tc.opts)
			require.NoError(t, err)
			assert.Equal(t, "s3cr3t-Value", s.Value())
			assert.Equal(t, 201, resp.StatusCode)
			r := api.last(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, "/custom/prefix/ISARequests", r.URL.Path)
			assert.Equal(t, tc.query, r.URL.RawQuery)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.JSONEq(t, tc.body, string(r.Body))
			assert.Equal(t, 1, apiCalls(mt))
		})
	}
}

func TestISARequestAnswers(t *testing.T) {
	t.Parallel()
	const secret = "isa-hunter2-value"
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		want        string
		wantErr     bool
		cause       error // the reason, when it is known
	}{
		{"documented object", 201, "application/json", `{"Credentials":"` + secret + `"}`, secret, false, nil},
		{"object lower case", 201, "application/json", `{"credentials":"` + secret + `"}`, secret, false, nil},
		{"object with more fields", 201, "application/json", `{"RequestID":9,"Credentials":"` + secret + `"}`, secret, false, nil},
		{"object, escaped", 201, "application/json", ` {"Credentials":"-----BEGIN KEY-----\nabc\n-----END KEY-----"}` + "\n", "-----BEGIN KEY-----\nabc\n-----END KEY-----", false, nil},
		{"bare JSON string (.NET client)", 201, "application/json", `"` + secret + `"`, secret, false, nil},
		{"200 answer", 200, "application/json", `"` + secret + `"`, secret, false, nil},
		{"plain text", 201, "text/plain; charset=utf-8", secret, secret, false, nil},
		{"empty credential", 201, "application/json", `{"Credentials":""}`, "", false, nil},
		{"object without credential", 201, "application/json", `{"Password":"` + secret + `"}`, "", true, errNoCredential},
		{"null credential", 201, "application/json", `{"Credentials":null}`, "", true, errNoCredential},
		{"number credential", 201, "application/json", `{"Credentials":12345678}`, "", true, errSecretNotString},
		{"object credential", 201, "application/json", `{"Credentials":{"Password":"` + secret + `"}}`, "", true, errSecretNotString},
		{"broken object", 201, "application/json", `{"Credentials":"` + secret, "", true, errNotCredentialObject},
		{"broken escape", 201, "application/json", `{"Credentials":"` + secret + `\q"}`, "", true, errNotCredentialObject},
		{"lone surrogate", 201, "application/json", `{"Credentials":"\ud800` + secret + `"}`, "", true, errSecretNotUTF8},
		{"null", 201, "application/json", `null`, "", true, nil},
		{"empty", 201, "application/json", ``, "", true, nil},
		{"array", 201, "application/json", `["` + secret + `"]`, "", true, nil},
		{"number", 201, "application/json", `12345678`, "", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"ISARequests", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(tc.status, tc.body)
				resp.Header.Set("Content-Type", tc.contentType)
				return resp, nil
			})
			s, resp, err := c.Requests.ISARequest(context.Background(), &ISARequestOptions{SystemID: 1, AccountID: 2})
			require.NotNil(t, resp)
			if tc.wantErr {
				require.Error(t, err)
				assert.True(t, s.IsZero())
				assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: POST ISARequests: decoding the answer"), err.Error())
				assert.NotContains(t, err.Error(), secret)
				assert.NotContains(t, err.Error(), "12345678")
				if tc.cause != nil {
					assert.ErrorIs(t, err, tc.cause)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.Value())
			assert.Equal(t, "[REDACTED]", fmt.Sprint(s))
			assert.Equal(t, "[REDACTED]", fmt.Sprintf("%#v", s))
		})
	}
}

func TestISARequestErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"ISARequests", respond(403, `"4031 - User does not have permission."`))
	s, resp, err := c.Requests.ISARequest(context.Background(), &ISARequestOptions{SystemID: 1, AccountID: 2})
	assert.True(t, s.IsZero())
	assert.ErrorIs(t, err, ErrNoPermission)
	assert.ErrorIs(t, err, ErrForbidden)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 4031, er.Code)
	assert.Equal(t, "User does not have permission.", er.Message)
	assert.Equal(t, 403, resp.StatusCode)
	assert.Equal(t, 1, apiCalls(mt))
}

// Each attempt would release the account again: a 5xx is not repeated.
func TestISARequestNotRepeated(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"ISARequests", respond(503, `"busy"`))
	_, resp, err := c.Requests.ISARequest(context.Background(), &ISARequestOptions{SystemID: 1, AccountID: 2})
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, 1, apiCalls(mt))
}

func TestISARequestValidation(t *testing.T) {
	t.Parallel()
	valid := func(f func(o *ISARequestOptions)) *ISARequestOptions {
		o := &ISARequestOptions{SystemID: 1, AccountID: 2}
		f(o)
		return o
	}
	for _, tc := range []struct {
		name  string
		opts  *ISARequestOptions
		field string
	}{
		{"nil options", nil, "opts"},
		{"SystemID zero", valid(func(o *ISARequestOptions) { o.SystemID = 0 }), "SystemID"},
		{"SystemID negative", valid(func(o *ISARequestOptions) { o.SystemID = -1 }), "SystemID"},
		{"AccountID zero", valid(func(o *ISARequestOptions) { o.AccountID = 0 }), "AccountID"},
		{"DurationMinutes zero", valid(func(o *ISARequestOptions) { o.DurationMinutes = Ptr(0) }), "DurationMinutes"},
		{"DurationMinutes negative", valid(func(o *ISARequestOptions) { o.DurationMinutes = Ptr(-1) }), "DurationMinutes"},
		{"DurationMinutes above a year", valid(func(o *ISARequestOptions) { o.DurationMinutes = Ptr(525601) }), "DurationMinutes"},
		{"Reason 1001 multi-byte characters", valid(func(o *ISARequestOptions) { o.Reason = strings.Repeat("é", 1001) }), "Reason"},
		{"type capitalised", valid(func(o *ISARequestOptions) { o.CredentialType = "DSSKey" }), "type"},
		{"type unknown", valid(func(o *ISARequestOptions) { o.CredentialType = "key" }), "type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			s, resp, err := c.Requests.ISARequest(context.Background(), tc.opts)
			assertValidation(t, err, tc.field)
			assert.True(t, s.IsZero())
			assert.Nil(t, resp)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent, sign-in included")
		})
	}
}

func TestISARequestBoundariesAccepted(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]*ISARequestOptions{
		"DurationMinutes 1":      {SystemID: 1, AccountID: 2, DurationMinutes: Ptr(1)},
		"DurationMinutes 525600": {SystemID: 1, AccountID: 2, DurationMinutes: Ptr(525600)},
		"Reason 1000 multi-byte": {SystemID: 1, AccountID: 2, Reason: strings.Repeat("é", 1000)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, testBase+"ISARequests", respond(201, `"x"`))
			_, _, err := c.Requests.ISARequest(context.Background(), opts)
			require.NoError(t, err)
			assert.Equal(t, 1, apiCalls(mt))
		})
	}
}
