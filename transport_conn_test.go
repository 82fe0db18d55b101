package passwordsafe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingServer answers sign-in and GET Requests, and counts the TCP
// connections it accepts.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: "c1", Path: "/"})
			_, _ = w.Write([]byte(`{"UserId":1}`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestCloseIdleConnectionsClosesThem(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]Option{
		"own transport":   nil,
		"caller's client": {WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()})},
	} {
		t.Run(name, func(t *testing.T) {
			srv, conns := countingServer(t)
			c, err := NewClient(srv.URL, append([]Option{WithAPIKey("k", "u")}, opts...)...)
			require.NoError(t, err)
			for i := 0; i < 3; i++ {
				_, _, err = c.Requests.List(context.Background(), nil)
				require.NoError(t, err)
			}
			require.Equal(t, int32(1), conns.Load(), "sign-in and three calls reuse one connection")

			c.CloseIdleConnections()
			_, _, err = c.Requests.List(context.Background(), nil)
			require.NoError(t, err)
			assert.Equal(t, int32(2), conns.Load(), "after CloseIdleConnections the next call opens a new connection")
		})
	}
}

func TestCallerTransportSwappedAfterNewClientIsUsed(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	c, err := NewClient(testBase, WithAPIKey("k", "u"), WithHTTPClient(hc))
	require.NoError(t, err)

	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signInResponder("s"))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", httpmock.NewStringResponder(http.StatusOK, `[{"RequestID":5}]`))
	hc.Transport = mt // as httpmock.ActivateNonDefault(hc) does

	got, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, 5, got[0].RequestID)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

// Not parallel: it swaps http.DefaultTransport, as httpmock.Activate does.
func TestNilCallerTransportMeansDefaultTransportAtCallTime(t *testing.T) {
	c, err := NewClient(testBase, WithAPIKey("k", "u"), WithHTTPClient(&http.Client{}))
	require.NoError(t, err)

	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", signInResponder("s"))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", httpmock.NewStringResponder(http.StatusOK, `[]`))
	old := http.DefaultTransport
	http.DefaultTransport = mt
	defer func() { http.DefaultTransport = old }()

	_, _, err = c.Requests.List(boundedContext(t), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "the SDK used http.DefaultTransport as it is at the call")
}
