package passwordsafe_test

// Messages a new user meets say what to do.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

func TestBaseURLWithoutSchemeShowsTheForm(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"vault.example.com/BeyondTrust/api/public/v3",
		"vault.example.com:8443/BeyondTrust/api/public/v3/",
		"10.0.0.5/api",
		"vault.example.com",
	} {
		_, err := ps.NewClient(in, ps.WithAPIKey("k", "u"))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), `"https://`+in+`"`, in)
		assert.Contains(t, err.Error(), "no scheme", in)
	}
	// A typed scheme with one slash is not taken for a host.
	_, err := ps.NewClient("https:/vault.example.com/api", ps.WithAPIKey("k", "u"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "https://https:")
}

// An https base URL in front of a server that speaks plain HTTP: the
// message says so and shows the http:// form.
func TestHTTPSBaseAgainstPlainHTTPServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	base := "https://" + strings.TrimPrefix(srv.URL, "http://") + "/api"
	c, err := ps.NewClient(base, ps.WithAPIKey("plain-key-1", "u"), ps.WithoutRetries())
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "answers in plain HTTP, not TLS")
	assert.Contains(t, err.Error(), "http://"+strings.TrimPrefix(srv.URL, "http://")+"/api/")
	assert.NotContains(t, err.Error(), "plain-key-1")
}

// The server answers the same 401 for a wrong key, an unknown run-as user
// and a missing run-as password: the message names all three and where
// each is set, never their values.
func TestSignInRefusedNamesTheCauses(t *testing.T) {
	t.Parallel()
	const base = "https://vault.example.test/api/"
	refuse := func(path string) *httpmock.MockTransport {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, base+"Auth/connect/token",
			httpmock.NewStringResponder(200, `{"access_token":"tok-123456","expires_in":600,"token_type":"Bearer"}`))
		mt.RegisterResponder(http.MethodPost, base+path, httpmock.NewStringResponder(401, `"User not authenticated"`))
		return mt
	}
	mt := refuse("Auth/SignAppin")
	c, err := ps.NewClient(base, ps.WithAPIKey("wrong-key-123", "nobody"), ps.WithRunAsPassword("pw-123456"),
		ps.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	assert.ErrorIs(t, err, ps.ErrUnauthorized)
	for _, want := range []string{"(1) the API key", "PS_API_KEY", "(2) the run-as user", "PS_RUNAS", "(3) the run-as password", "PS_RUNAS_PASSWORD"} {
		assert.Contains(t, err.Error(), want)
	}
	for _, secret := range []string{"wrong-key-123", "pw-123456"} {
		assert.NotContains(t, err.Error(), secret)
	}

	mt = refuse("Auth/connect/token")
	c, err = ps.NewClient(base, ps.WithOAuthClientCredentials("client-1", "client-secret-123"), ps.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	assert.ErrorIs(t, err, ps.ErrUnauthorized)
	assert.Contains(t, err.Error(), "PS_OAUTH_CLIENT_SECRET")
	assert.NotContains(t, err.Error(), "client-secret-123")

	mt = refuse("Auth/SignAppin")
	c, err = ps.NewClient(base, ps.WithOAuthClientCredentials("client-1", "client-secret-123"), ps.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.SignIn(context.Background())
	assert.ErrorIs(t, err, ps.ErrUnauthorized)
	assert.Contains(t, err.Error(), "OAuth token")
	assert.NotContains(t, err.Error(), "tok-123456")

	// A 401 elsewhere is not about the sign-in.
	mt = httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, base+"Auth/SignAppin", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{"UserId":1}`)
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId=s; path=/")
		return resp, nil
	})
	mt.RegisterResponder(http.MethodGet, base+"Requests", httpmock.NewStringResponder(401, `""`))
	c, err = ps.NewClient(base, ps.WithAPIKey("k-1", "u"), ps.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, _, err = c.Requests.List(context.Background(), nil)
	assert.ErrorIs(t, err, ps.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "PS_API_KEY")
}
