package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var allSentinels = []error{
	ErrValidation, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited,
	ErrNoPermission, ErrRequestorOnly, ErrApproverOnly, ErrNotApproved, ErrNotEnoughApprovers, ErrAlreadyApproved,
}

func TestErrorResponsesFromServer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		code        int
		message     string
		is          []error
	}{
		{"401 JSON string", 401, "application/json", `"User not authenticated"`, 0, "User not authenticated", []error{ErrUnauthorized}},
		{"401 empty", 401, "", ``, 0, "", []error{ErrUnauthorized}},
		{"403 4031 JSON string", 403, "application/json", `"4031 - User does not have permission."`, 4031, "User does not have permission.", []error{ErrForbidden, ErrNoPermission}},
		{"403 4032 bare number", 403, "application/json", `4032`, 4032, "", []error{ErrForbidden, ErrRequestorOnly}},
		{"403 4033 plain text", 403, "text/plain", `4033: Approver only.`, 4033, "Approver only.", []error{ErrForbidden, ErrApproverOnly}},
		{"403 4034 object", 403, "application/json", `{"Code":4034,"Message":"Request is not yet approved."}`, 4034, "Request is not yet approved.", []error{ErrForbidden, ErrNotApproved}},
		{"403 4035 lower-case object", 403, "application/json", `{"code":4035,"message":"Not enough approvers."}`, 4035, "Not enough approvers.", []error{ErrForbidden, ErrNotEnoughApprovers}},
		{"403 4036 object with string code", 403, "application/json", `{"code":"4036","message":"4036 - Already approved."}`, 4036, "Already approved.", []error{ErrForbidden, ErrAlreadyApproved}},
		{"403 code only in message", 403, "application/json", `{"Message":"4034 - Request is not yet approved."}`, 4034, "Request is not yet approved.", []error{ErrForbidden, ErrNotApproved}},
		{"403 plain text dash", 403, "text/plain", "4034 - Request is not yet approved.\r\n", 4034, "Request is not yet approved.", []error{ErrForbidden, ErrNotApproved}},
		{"403 en dash", 403, "text/plain", "4036 – Already approved.", 4036, "Already approved.", []error{ErrForbidden, ErrAlreadyApproved}},
		{"403 HTML page", 403, "text/html", "<!DOCTYPE html><html><head><TITLE>\n  403 -  Forbidden </title></head><body><h1>no</h1></body></html>", 0, "403 - Forbidden", []error{ErrForbidden}},
		{"403 empty", 403, "", ``, 0, "", []error{ErrForbidden}},
		{"404 JSON string", 404, "application/json", `"Not found."`, 0, "Not found.", []error{ErrNotFound}},
		{"404 HTML without title", 404, "text/html", `<html><body>missing</body></html>`, 0, "", []error{ErrNotFound}},
		{"409 JSON string", 409, "application/json", `"A request already exists."`, 0, "A request already exists.", []error{ErrConflict}},
		{"429 plain", 429, "text/plain", `Too many requests`, 0, "Too many requests", []error{ErrRateLimited}},
		{"500 JSON string", 500, "application/json", `"  An error occurred.  "`, 0, "An error occurred.", nil},
		{"500 object with error field", 500, "application/json", `{"error":"boom","title":"ignored"}`, 0, "boom", nil},
		{"500 object without message", 500, "application/json", `{"foo":1}`, 0, "", nil},
		{"500 broken JSON object", 500, "application/json", `{"Code":4034`, 0, `{"Code":4034`, nil},
		{"500 broken JSON string", 500, "application/json", `"unterminated`, 0, `"unterminated`, nil},
		{"500 invalid UTF-8", 500, "text/plain", "\xff\xfe\xfd", 0, "", nil},
		{"400 five digits are no code", 400, "text/plain", `40341 nope`, 0, "40341 nope", nil},
		{"400 three digits are no code", 400, "text/plain", `403 Forbidden`, 0, "403 Forbidden", nil},
		{"400 below 1000 is no code", 400, "text/plain", `0999 - x`, 0, "0999 - x", nil},
		{"400 object code out of range", 400, "application/json", `{"Code":42,"Message":"m"}`, 0, "m", nil},
		{"400 object code too big", 400, "application/json", `{"Code":123456,"Message":"m"}`, 0, "m", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, WithoutRetries())
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(tc.status, tc.body)
				if tc.contentType != "" {
					resp.Header.Set("Content-Type", tc.contentType)
				}
				return resp, nil
			})
			reqs, resp, err := c.Requests.List(context.Background(), nil)
			assert.Nil(t, reqs)
			require.Error(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, tc.status, resp.StatusCode)

			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			assert.Equal(t, tc.status, er.StatusCode)
			assert.Equal(t, tc.code, er.Code)
			assert.Equal(t, tc.message, er.Message)
			assert.Same(t, resp.Response, er.Response)
			assert.Equal(t, http.NoBody, er.Response.Body)

			for _, s := range allSentinels {
				want := false
				for _, w := range tc.is {
					if w == s {
						want = true
					}
				}
				assert.Equal(t, want, errors.Is(err, s), "errors.Is(err, %v)", s)
			}

			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "passwordsafe: GET Requests: "), msg)
			assert.Contains(t, msg, fmt.Sprint(tc.status))
			if tc.code != 0 {
				assert.Contains(t, msg, fmt.Sprint(tc.code))
			}
			assert.True(t, utf8.ValidString(msg))
			want := 1
			if tc.status == 401 {
				want = 2 // re-sign-in and one repeat
			}
			assert.Equal(t, want, apiCalls(mt))
		})
	}
}

func TestErrorResponseErrorString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		er   *ErrorResponse
		want string
	}{
		{&ErrorResponse{StatusCode: 403, Code: 4034, Message: "Request is not yet approved.", method: "GET", path: "Credentials/5"},
			"passwordsafe: GET Credentials/5: 403 Forbidden: 4034 Request is not yet approved."},
		{&ErrorResponse{StatusCode: 404, method: "GET", path: "Aliases/3"}, "passwordsafe: GET Aliases/3: 404 Not Found"},
		{&ErrorResponse{StatusCode: 403, Code: 4031, method: "PUT", path: "Requests/1/Approve"}, "passwordsafe: PUT Requests/1/Approve: 403 Forbidden: 4031"},
		{&ErrorResponse{StatusCode: 500, Message: "boom", method: "POST", path: "Requests"}, "passwordsafe: POST Requests: 500 Internal Server Error: boom"},
		{&ErrorResponse{StatusCode: 599, method: "GET", path: "X"}, "passwordsafe: GET X: 599"},
		{&ErrorResponse{StatusCode: 404}, "passwordsafe: 404 Not Found"}, // built by a user, e.g. in a fake
	} {
		assert.Equal(t, tc.want, tc.er.Error())
	}
	// Long messages are cut in Error() (on a rune boundary) but kept whole in Message.
	long := strings.Repeat("ä", 1000)
	er := &ErrorResponse{StatusCode: 500, Message: long, method: "GET", path: "X"}
	s := er.Error()
	assert.True(t, utf8.ValidString(s))
	assert.Less(t, utf8.RuneCountInString(s), 256+64)
	assert.True(t, strings.HasSuffix(s, "…"))
	assert.Len(t, er.Message, len(long))
}

func TestErrorResponseIsMatrix(t *testing.T) {
	t.Parallel()
	statusSentinel := map[int]error{401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 409: ErrConflict, 429: ErrRateLimited}
	codeSentinel := map[int]error{4031: ErrNoPermission, 4032: ErrRequestorOnly, 4033: ErrApproverOnly, 4034: ErrNotApproved, 4035: ErrNotEnoughApprovers, 4036: ErrAlreadyApproved}
	for _, status := range []int{400, 401, 403, 404, 409, 429, 500, 502} {
		for _, code := range []int{0, 4030, 4031, 4032, 4033, 4034, 4035, 4036, 4037} {
			var err error = &ErrorResponse{StatusCode: status, Code: code}
			wrapped := fmt.Errorf("context: %w", err)
			for _, s := range allSentinels {
				want := statusSentinel[status] == s || codeSentinel[code] == s
				assert.Equal(t, want, errors.Is(err, s), "%d/%d is %v", status, code, s)
				assert.Equal(t, want, errors.Is(wrapped, s), "wrapped %d/%d is %v", status, code, s)
			}
			assert.False(t, errors.Is(err, errors.New("passwordsafe: not found")), "only the sentinel values match")
		}
	}
}

func TestErrorBodyCappedAt1MiB(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"text/plain", "application/json"} {
		t.Run(ct, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, WithoutRetries())
			big := strings.Repeat("x", 5<<20)
			if ct == "application/json" {
				big = `"4034 - ` + big + `"`
			}
			mt.RegisterResponder(http.MethodGet, testBase+"Requests", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(500, big)
				resp.Header.Set("Content-Type", ct)
				return resp, nil
			})
			_, _, err := c.Requests.List(context.Background(), nil)
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			assert.LessOrEqual(t, len(er.Message), 1<<20)
			assert.Less(t, len(err.Error()), 2048, "Error() stays short")
		})
	}
}

func TestValidationError(t *testing.T) {
	t.Parallel()
	ve := &ValidationError{Field: "DurationMinutes", Message: "must be between 1 and 525600, got 0"}
	assert.Equal(t, "passwordsafe: invalid DurationMinutes: must be between 1 and 525600, got 0", ve.Error())
	assert.ErrorIs(t, ve, ErrValidation)
	assert.ErrorIs(t, fmt.Errorf("wrapped: %w", ve), ErrValidation)
	for _, s := range allSentinels[1:] {
		assert.NotErrorIs(t, ve, s)
	}
	var target *ValidationError
	require.ErrorAs(t, fmt.Errorf("x: %w", ve), &target)
	assert.Same(t, ve, target)
	// ErrorResponse never matches ErrValidation.
	assert.NotErrorIs(t, &ErrorResponse{StatusCode: 400}, ErrValidation)
}

func TestSentinelMessages(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, s := range allSentinels {
		assert.True(t, strings.HasPrefix(s.Error(), "passwordsafe: "), s.Error())
		assert.False(t, seen[s.Error()], "duplicate sentinel text %q", s.Error())
		seen[s.Error()] = true
	}
}

func TestTransportErrorsWrapped(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithoutRetries())
	boom := errors.New("boom")
	mt.RegisterResponder(http.MethodGet, testBase+"Aliases/1", httpmock.NewErrorResponder(boom))
	_, resp, err := c.Aliases.Get(context.Background(), 1)
	assert.Nil(t, resp)
	require.Error(t, err)
	assert.ErrorIs(t, err, boom)
	var ue *url.Error
	assert.ErrorAs(t, err, &ue)
	assert.False(t, errors.As(err, new(*ErrorResponse)))
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: GET Aliases/1: "), err.Error())
}

func TestParseErrorBodyDirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		code int
		msg  string
	}{
		{``, 0, ""},
		{`   `, 0, ""},
		{`4034`, 4034, ""},
		{` 4034 `, 4034, ""},
		{`"4034"`, 4034, ""},
		{`"4034 - Request is not yet approved."`, 4034, "Request is not yet approved."},
		{`"4034 Request is not yet approved."`, 4034, "Request is not yet approved."},
		{`4034:Request`, 4034, "Request"},
		{`1000 x`, 1000, "x"},
		{`9999 x`, 9999, "x"},
		{`12345`, 0, "12345"},
		{`abcd`, 0, "abcd"},
		{`{"errorCode":4031,"error_description":"denied"}`, 4031, "denied"},
		{`{"reasonCode":"4033","detail":" approver "}`, 4033, "approver"},
		{`{"Code":4034.5,"Message":"m"}`, 0, "m"},
		{`{"Code":true,"Message":5}`, 0, ""},
		{`{"Code":-4034,"Message":"m"}`, 0, "m"},
		{`{"Code":4031,"Message":"4034 - other code"}`, 4031, "4034 - other code"},
		{`<title>Bad Gateway</title>`, 0, "Bad Gateway"},
		{`<html><title>unclosed`, 0, ""},
		{`<title>` + "\xff" + `</title>`, 0, ""},
		{"<html><!-- caf\xe9 --><TITLE>Proxy Error</TITLE></html>", 0, "Proxy Error"}, // Latin-1 before the title
		{"<\x94<title>", 0, ""},
	} {
		code, msg := parseErrorBody([]byte(tc.body))
		assert.Equal(t, tc.code, code, "%q", tc.body)
		assert.Equal(t, tc.msg, msg, "%q", tc.body)
	}
}
