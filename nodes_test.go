package passwordsafe

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSessionsNodesQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  *ListNodesOptions
		query string
	}{
		{"nil", nil, ""},
		{"zero: active only, the server's default", &ListNodesOptions{}, ""},
		{"inactive too", &ListNodesOptions{IncludeInactive: true}, "includeInactive=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Nodes", got.wrap(reply(http.StatusOK, []byte(`[]`), "Content-Type", jsonCT)))
			nodes, resp, err := c.Sessions.Nodes(context.Background(), tt.opts)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Empty(t, nodes)
			g := got.last(t)
			assert.Equal(t, http.MethodGet, g.Method)
			assert.Equal(t, tt.query, g.URL.RawQuery)
			want := testBase + "Nodes"
			if tt.query != "" {
				want += "?" + tt.query
			}
			assert.Equal(t, want, g.URL.String())
			assert.Empty(t, g.Body)
		})
	}
}

func TestSessionsNodesDecode(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, testBase+"Nodes", reply(http.StatusOK, []byte(fixture(t, "sessions/nodes.json")), "Content-Type", jsonCT))
	nodes, _, err := c.Sessions.Nodes(context.Background(), &ListNodesOptions{IncludeInactive: true})
	require.NoError(t, err)
	require.Len(t, nodes, 3)

	// A zone-less .NET time with seven fraction digits is UTC.
	assert.Equal(t, Node{
		NodeID: "3f5e7c1a-0b2d-4e6f-8a9b-1c2d3e4f5a6b", HostName: "ps-node-1.corp.example", DisplayName: "Local node",
		LastHeartbeat: Time{utc("2025-11-03T08:14:52.1234567Z")}, IsActive: true,
	}, nodes[0])
	// NodeId, as some servers spell it, and a /Date(ms)/ heartbeat.
	assert.Equal(t, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", nodes[1].NodeID)
	assert.True(t, nodes[1].LastHeartbeat.Equal(utc("2025-11-03T08:10:00Z")), "%v", nodes[1].LastHeartbeat)
	// An inactive node that never reported.
	assert.False(t, nodes[2].IsActive)
	assert.True(t, nodes[2].LastHeartbeat.IsZero())
}

func TestSessionsNodesErrors(t *testing.T) {
	t.Parallel()
	t.Run("a GET is retried on 503", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		got := &recorder{}
		mt.RegisterResponder(http.MethodGet, testBase+"Nodes", got.wrap(sequence(
			reply(http.StatusServiceUnavailable, []byte(`"busy"`)),
			reply(http.StatusOK, []byte(`[{"NodeID":"n1","IsActive":true}]`), "Content-Type", jsonCT),
		)))
		nodes, _, err := c.Sessions.Nodes(context.Background(), nil)
		require.NoError(t, err)
		require.Len(t, nodes, 1)
		assert.Equal(t, 2, got.count())
	})
	t.Run("forbidden", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, testBase+"Nodes", reply(http.StatusForbidden, []byte(`"Forbidden"`), "Content-Type", jsonCT))
		nodes, resp, err := c.Sessions.Nodes(context.Background(), nil)
		assert.Nil(t, nodes)
		require.NotNil(t, resp)
		assert.ErrorIs(t, err, ErrForbidden)
		var er *ErrorResponse
		require.ErrorAs(t, err, &er)
		assert.Equal(t, http.StatusForbidden, er.StatusCode)
	})
	t.Run("not a list", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, testBase+"Nodes", reply(http.StatusOK, []byte(`{"NodeID":"n1"}`), "Content-Type", jsonCT))
		nodes, resp, err := c.Sessions.Nodes(context.Background(), nil)
		assert.Nil(t, nodes)
		require.NotNil(t, resp)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "passwordsafe: GET Nodes")
	})
}
