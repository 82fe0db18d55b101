package passwordsafe

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoGet(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodGet, testBase+"AccessLevels", api.wrap(respond(200, `[{"AccessLevelID":1,"Name":"Read"}]`)))

	for _, path := range []string{"AccessLevels", "/AccessLevels", "///AccessLevels"} {
		var out []struct {
			AccessLevelID int
			Name          string
		}
		resp, err := c.Do(context.Background(), "GET", path, nil, &out)
		require.NoError(t, err, path)
		assert.Equal(t, 200, resp.StatusCode)
		require.Len(t, out, 1)
		assert.Equal(t, "Read", out[0].Name)

		r := api.last(t)
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "/custom/prefix/AccessLevels", r.URL.Path, path)
		assert.Empty(t, r.URL.RawQuery)
		assert.Empty(t, r.Body)
		assert.Empty(t, r.Header.Get("Content-Type"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		assert.Equal(t, "passwordsafe-go/"+Version, r.Header.Get("User-Agent"))
	}
}

func TestDoQueryAndEscapingUsedAsGiven(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterNoResponder(api.wrap(respond(200, `{}`)))
	ctx := context.Background()

	_, err := c.Do(ctx, http.MethodGet, "ManagedAccounts?systemName=db%2001&accountName=a%26b", nil, nil)
	require.NoError(t, err)
	r := api.last(t)
	assert.Equal(t, "/custom/prefix/ManagedAccounts", r.URL.Path)
	assert.Equal(t, "systemName=db%2001&accountName=a%26b", r.URL.RawQuery)
	assert.Equal(t, "db 01", r.URL.Query().Get("systemName"))
	assert.Equal(t, "a&b", r.URL.Query().Get("accountName"))

	_, err = c.Do(ctx, http.MethodGet, "Aliases/a%2Fb/x", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "/custom/prefix/Aliases/a%2Fb/x", api.last(t).URL.EscapedPath())

	// A path that looks like a host once the slashes are dropped stays on
	// the base URL's host.
	_, err = c.Do(ctx, http.MethodGet, "//evil.example.test/x", nil, nil)
	require.NoError(t, err)
	r = api.last(t)
	assert.Equal(t, "vault.example.test", r.URL.Host)
	assert.Equal(t, "/custom/prefix/evil.example.test/x", r.URL.Path)
}

func TestDoBody(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	api := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"ManagedAccounts/3/Attributes/4", api.wrap(respond(201, `{"ID":9}`)))
	mt.RegisterResponder(http.MethodPut, testBase+"Things", api.wrap(respond(204, "")))
	mt.RegisterResponder(http.MethodDelete, testBase+"Things/1", api.wrap(respond(200, "")))
	ctx := context.Background()

	body := struct {
		Name  string
		Value *int `json:",omitempty"`
	}{Name: "x"}
	var out struct{ ID int }
	resp, err := c.Do(ctx, "post", "ManagedAccounts/3/Attributes/4", body, &out)
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, 9, out.ID)
	r := api.last(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.JSONEq(t, `{"Name":"x"}`, string(r.Body))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))

	// A non-struct body, and out left untouched by an empty answer.
	out.ID = 42
	resp, err = c.Do(ctx, " Put ", "Things", []string{"a", "b"}, &out)
	require.NoError(t, err)
	assert.Equal(t, 204, resp.StatusCode)
	assert.Equal(t, 42, out.ID)
	assert.JSONEq(t, `["a","b"]`, string(api.last(t).Body))

	// No body, no out.
	resp, err = c.Do(ctx, http.MethodDelete, "Things/1", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, api.last(t).Body)
	assert.Empty(t, api.last(t).Header.Get("Content-Type"))
}

func TestDoRawOut(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Raw", respond(200, `not json at all`))
	var raw []byte
	_, err := c.Do(context.Background(), http.MethodGet, "Raw", nil, &raw)
	require.NoError(t, err)
	assert.Equal(t, "not json at all", string(raw))
}

func TestDoDecodeError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Things", respond(200, `{"ID":"nine"}`))
	var out struct{ ID int }
	resp, err := c.Do(context.Background(), http.MethodGet, "Things?x=1", nil, &out)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: GET Things: decoding the answer"), err.Error())
	require.NotNil(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.False(t, errors.Is(err, ErrValidation))
}

func TestDoReturnsResponseBesideErrorResponse(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Nope", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(404, `"Not found."`)(req)
		resp.Header.Set("X-Trace", "t-1")
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=leak; path=/")
		return resp, nil
	})
	var out map[string]any
	resp, err := c.Do(context.Background(), http.MethodGet, "Nope", nil, &out)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.ErrorIs(t, err, ErrNotFound)
	require.NotNil(t, resp)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Same(t, resp.Response, er.Response)
	assert.Equal(t, "t-1", resp.Header.Get("X-Trace"))
	assert.Empty(t, resp.Header.Values("Set-Cookie"))
	assert.Equal(t, http.NoBody, resp.Body)
	assert.Nil(t, out, "out is not decoded from an error answer")
	assert.Equal(t, "Not found.", er.Message)
}

func TestResponseIsScrubbed(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithRunAsPassword("run-as-pw-77"))
	mt.RegisterResponder(http.MethodPost, testBase+"Requests", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(201, `{"RequestID":5}`)(req)
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=new; path=/")
		resp.Request = req // as net/http's transport does
		return resp, nil
	})
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/5", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(200, `"cred-value"`)(req)
		resp.Request = req
		return resp, nil
	})
	ctx := context.Background()

	u, err := c.SignIn(ctx)
	require.NoError(t, err)
	require.NotNil(t, u)
	_, resp, err := c.Requests.Create(ctx, &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 3})
	require.NoError(t, err)
	_, resp2, err := c.Requests.Credentials(ctx, 5, nil)
	require.NoError(t, err)
	for _, r := range []*Response{resp, resp2} {
		assert.Equal(t, http.NoBody, r.Body)
		assert.Empty(t, r.Header.Values("Set-Cookie"))
		require.NotNil(t, r.Request)
		assert.Empty(t, r.Request.Header.Get("Authorization"))
		assert.Empty(t, r.Request.Header.Get("Cookie"))
		assert.Nil(t, r.Request.Body)
		assert.Nil(t, r.Request.GetBody)
		assert.Equal(t, "/custom/prefix/", r.Request.URL.Path[:len("/custom/prefix/")])
	}
}

func TestDoValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, field string
	}{
		{"empty method", "", "AccessLevels", "method"},
		{"blank method", "  ", "AccessLevels", "method"},
		{"method with space", "GE T", "AccessLevels", "method"},
		{"method with digit", "G3T", "AccessLevels", "method"},
		{"method with newline", "GET\nX", "AccessLevels", "method"},
		{"method with slash", "GET/", "AccessLevels", "method"},
		{"absolute https URL", "GET", "https://evil.example.test/x", "path"},
		{"absolute http URL", "GET", "http://evil.example.test/x", "path"},
		{"scheme only", "GET", "http:evil", "path"},
		{"javascript scheme", "GET", "javascript:alert(1)", "path"},
		{"space", "GET", "Aliases?name=a b", "path"},
		{"newline", "GET", "Aliases\r\nX-Evil: 1", "path"},
		{"tab", "GET", "Aliases\t", "path"},
		{"NUL", "GET", "Aliases\x00", "path"},
		{"DEL", "GET", "Aliases\x7f", "path"},
		{"fragment", "GET", "Aliases#frag", "path"},
		{"bad escape", "GET", "Aliases/%zz", "path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			resp, err := c.Do(context.Background(), tc.method, tc.path, nil, nil)
			assertValidation(t, err, tc.field)
			if strings.ContainsAny(tc.path, "\x00\t\r\n\x7f ") {
				assert.ErrorContains(t, err, "space or control character")
			}
			assert.Nil(t, resp)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent, sign-in included")
		})
	}
}

func TestDoBodyEncodingError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	resp, err := c.Do(context.Background(), http.MethodPost, "Things", map[string]any{"ch": make(chan int)}, nil)
	require.Error(t, err)
	assert.Nil(t, resp)
	assert.True(t, strings.HasPrefix(err.Error(), "passwordsafe: POST Things: encoding the request body"), err.Error())
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestDoGetsSignInRetryAndErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"AccessLevels",
		sequence(respond(503, ""), respond(401, ""), respond(200, `[]`)))
	var out []any
	_, err := c.Do(context.Background(), http.MethodGet, "AccessLevels", nil, &out)
	require.NoError(t, err)
	assert.Equal(t, 3, apiCalls(mt))
	assert.Equal(t, 2, signIns(mt))
	assert.NotNil(t, out)
}
