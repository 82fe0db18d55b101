package passwordsafe

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// testBase has a path prefix of its own, so a method that builds an absolute
// path instead of a relative one fails loudly.
const (
	testBase      = "https://vault.example.test/custom/prefix/"
	testAPIKey    = "test-api-key-5ec4e7"
	testRunAs     = "tester"
	testSessionID = "sess-1"
)

// newMockClient returns a client whose requests go to a fresh httpmock
// transport, with a sign-in responder already registered (it sets the
// session cookie testSessionID) and short retry waits.
func newMockClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signInResponder(testSessionID))
	base := []Option{
		WithAPIKey(testAPIKey, testRunAs),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetries(3, time.Millisecond, 5*time.Millisecond),
	}
	c, err := NewClient(testBase, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// signInResponder answers POST Auth/SignAppin with a user and a session cookie.
func signInResponder(session string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusOK,
			`{"UserId":7,"SID":"S-1-5-21-7","EmailAddress":"tester@example.test","UserName":"tester","Name":"Test User"}`)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId="+session+"; path=/; HttpOnly")
		return resp, nil
	}
}

// apiCalls counts calls made to anything but the sign-in endpoint.
func apiCalls(mt *httpmock.MockTransport) int {
	n := 0
	for k, v := range mt.GetCallCountInfo() {
		if !strings.Contains(k, "Auth/SignAppin") {
			n += v
		}
	}
	return n
}
