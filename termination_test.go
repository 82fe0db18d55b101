package passwordsafe

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type terminateFn func(c *Client, ctx context.Context, id int, opts *TerminateRequestsOptions) (*TerminationFeedback, *Response, error)

// terminateCalls maps each call to its path prefix and the name of its ID.
var terminateCalls = map[string]struct {
	prefix, idField string
	call            terminateFn
}{
	"account": {"ManagedAccounts", "accountID", func(c *Client, ctx context.Context, id int, o *TerminateRequestsOptions) (*TerminationFeedback, *Response, error) {
		return c.Requests.TerminateAccountRequests(ctx, id, o)
	}},
	"system": {"ManagedSystems", "systemID", func(c *Client, ctx context.Context, id int, o *TerminateRequestsOptions) (*TerminationFeedback, *Response, error) {
		return c.Requests.TerminateSystemRequests(ctx, id, o)
	}},
	"user": {"Users", "userID", func(c *Client, ctx context.Context, id int, o *TerminateRequestsOptions) (*TerminationFeedback, *Response, error) {
		return c.Requests.TerminateUserRequests(ctx, id, o)
	}},
}

func TestTerminateRequestsWire(t *testing.T) {
	t.Parallel()
	for name, tc := range terminateCalls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			url := testBase + tc.prefix + "/42/Requests/Terminate"
			mt.RegisterResponder(http.MethodPost, url, api.wrap(respond(204, "")))
			ctx := context.Background()

			for _, o := range []struct {
				opts *TerminateRequestsOptions
				body string
			}{
				{nil, `{}`},
				{&TerminateRequestsOptions{}, `{}`},
				{&TerminateRequestsOptions{Reason: "key leaked in INC-77"}, `{"Reason":"key leaked in INC-77"}`},
				{&TerminateRequestsOptions{Reason: strings.Repeat("ü", 1000)}, `{"Reason":"` + strings.Repeat("ü", 1000) + `"}`},
			} {
				fb, resp, err := tc.call(c, ctx, 42, o.opts)
				require.NoError(t, err)
				assert.Nil(t, fb)
				assert.Equal(t, 204, resp.StatusCode)
				r := api.last(t)
				assert.Equal(t, http.MethodPost, r.Method)
				assert.Equal(t, "/custom/prefix/"+tc.prefix+"/42/Requests/Terminate", r.URL.Path)
				assert.Empty(t, r.URL.RawQuery)
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.JSONEq(t, o.body, string(r.Body))
			}
			assert.Equal(t, 4, apiCalls(mt))

			// Refusals: an administrator's call.
			mt.RegisterResponder(http.MethodPost, url, respond(403, `"Access forbidden."`))
			fb, resp, err := tc.call(c, ctx, 42, nil)
			assert.Nil(t, fb)
			assert.ErrorIs(t, err, ErrForbidden)
			assert.Equal(t, 403, resp.StatusCode)
			mt.RegisterResponder(http.MethodPost, url, respond(404, `"Managed account not found."`))
			_, _, err = tc.call(c, ctx, 42, nil)
			assert.ErrorIs(t, err, ErrNotFound)
		})
	}
}

func TestTerminateRequestsFeedback(t *testing.T) {
	t.Parallel()
	for name, tc := range terminateCalls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			api := &recorder{}
			url := testBase + tc.prefix + "/7/Requests/Terminate"
			const details = `{"TerminatedRequests":[{"RequestID":101},{"RequestID":102}]}`
			mt.RegisterResponder(http.MethodPost, url, api.wrap(respond(200, " "+details+"\n")))
			ctx := context.Background()

			fb, resp, err := tc.call(c, ctx, 7, &TerminateRequestsOptions{Reason: "INC-77", Feedback: true})
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			require.NotNil(t, fb)
			assert.JSONEq(t, details, string(fb.Raw))
			r := api.last(t)
			assert.Equal(t, "feedback=true", r.URL.RawQuery)
			assert.JSONEq(t, `{"Reason":"INC-77"}`, string(r.Body))

			// Without Feedback a body is of no interest.
			fb, _, err = tc.call(c, ctx, 7, &TerminateRequestsOptions{})
			require.NoError(t, err)
			assert.Nil(t, fb)
			assert.Empty(t, api.last(t).URL.RawQuery)

			// An older server ignores feedback and answers 204.
			mt.RegisterResponder(http.MethodPost, url, respond(204, ""))
			fb, resp, err = tc.call(c, ctx, 7, &TerminateRequestsOptions{Feedback: true})
			require.NoError(t, err)
			assert.Nil(t, fb)
			assert.Equal(t, 204, resp.StatusCode)

			// Details that are not JSON are a decode error.
			mt.RegisterResponder(http.MethodPost, url, reply(200, []byte("<html>ok</html>"), "Content-Type", "text/html"))
			fb, resp, err = tc.call(c, ctx, 7, &TerminateRequestsOptions{Feedback: true})
			assert.Nil(t, fb)
			assert.NotNil(t, resp)
			assert.ErrorContains(t, err, "decoding the answer")
		})
	}
}

// Raw holds the details as sent, whatever their shape.
func TestTerminationFeedbackIsJSON(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Users/3/Requests/Terminate", respond(200, " [1,2,3]\r\n"))
	fb, _, err := c.Requests.TerminateUserRequests(context.Background(), 3, &TerminateRequestsOptions{Feedback: true})
	require.NoError(t, err)
	var ids []int
	require.NoError(t, json.Unmarshal(fb.Raw, &ids))
	assert.Equal(t, []int{1, 2, 3}, ids)
	assert.Equal(t, "[1,2,3]", string(fb.Raw), "the blanks around the report are not kept")

	// A body of blanks is no report, not a report that is not JSON.
	mt.RegisterResponder(http.MethodPost, testBase+"Users/4/Requests/Terminate", respond(200, " \r\n"))
	fb, _, err = c.Requests.TerminateUserRequests(context.Background(), 4, &TerminateRequestsOptions{Feedback: true})
	require.NoError(t, err)
	assert.Nil(t, fb)
}

func TestTerminateRequestsValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range terminateCalls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			ctx := context.Background()
			for _, v := range []struct {
				id    int
				opts  *TerminateRequestsOptions
				field string
			}{
				{0, nil, tc.idField},
				{-3, &TerminateRequestsOptions{Reason: "x"}, tc.idField},
				{0, &TerminateRequestsOptions{Reason: strings.Repeat("x", 1001)}, tc.idField},
				{5, &TerminateRequestsOptions{Reason: strings.Repeat("ü", 1001)}, "Reason"},
				{5, &TerminateRequestsOptions{Reason: strings.Repeat("x", 1001), Feedback: true}, "Reason"},
			} {
				fb, resp, err := tc.call(c, ctx, v.id, v.opts)
				assertValidation(t, err, v.field)
				assert.Nil(t, fb)
				assert.Nil(t, resp)
			}
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent, sign-in included")
		})
	}
}

// Ending requests is a POST: a 5xx is not repeated.
func TestTerminateRequestsNotRepeated(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"ManagedSystems/9/Requests/Terminate", respond(503, ""))
	_, resp, err := c.Requests.TerminateSystemRequests(context.Background(), 9, nil)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, 1, apiCalls(mt))
}
