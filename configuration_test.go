package passwordsafe

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientServerVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer string
		want   string
	}{
		{"documented object", `{"Version":"25.3.0.1234"}`, "25.3.0.1234"},
		{"field name in another case", `{"version":"24.1.2"}`, "24.1.2"},
		{"bare JSON string", `"23.2.1.987"`, "23.2.1.987"},
		{"extra fields are ignored", `{"Version":"7.2.0","Build":"x"}`, "7.2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodGet, testBase+"Configuration/Version", got.wrap(reply(http.StatusOK, []byte(tt.answer), "Content-Type", jsonCT)))
			v, resp, err := c.ServerVersion(context.Background())
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, tt.want, v.Version)
			assert.Equal(t, tt.want, v.String())
			g := got.last(t)
			assert.Equal(t, http.MethodGet, g.Method)
			assert.Equal(t, testBase+"Configuration/Version", g.URL.String())
			assert.Empty(t, g.Body)
			assert.Equal(t, 1, signIns(mt), "the call signs in like any other")
		})
	}
}

func TestClientServerVersionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		answer string
		is     error
	}{
		{"empty object", http.StatusOK, `{}`, nil},
		{"empty body", http.StatusOK, ``, nil},
		{"blank version", http.StatusOK, `{"Version":"  "}`, nil},
		{"a number", http.StatusOK, `25`, nil},
		{"not there on an old server", http.StatusNotFound, `"Not found"`, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, testBase+"Configuration/Version", reply(tt.status, []byte(tt.answer), "Content-Type", jsonCT))
			v, resp, err := c.ServerVersion(context.Background())
			assert.Nil(t, v)
			require.NotNil(t, resp)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "passwordsafe: GET Configuration/Version")
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

func TestServerVersionAtLeast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		have, min string
		want      bool
	}{
		{"25.3.0.1234", "25.3", true},
		{"25.3", "25.3.0", true},
		{"25.3.0", "25.3", true},
		{"25.3.0.1234", "25.3.1", false},
		{"25.3", "24.10", true},
		{"24.10", "25.3", false},
		{"24.3.2", "24.3.10", false},
		{"7.2.0.3456", "23.1", false},
		{"23.1", "7.2", true},
		{"25.2-beta.1", "25.2", true},
		{" 25.3 ", "25.3", true},
		{"", "1", false},
		{"v25", "1", false},
		{"25.3", "", false},
		{"99999999999999999999999", "1", false},
		{"99999999999999999999999", "0", false},
		{"25.x", "25", true},
		{"25.x.9", "25.0.9", false},
	}
	within(t, 10*time.Second, "AtLeast", func() { // a loop over the digits that never ends stops the run
		for _, tt := range tests {
			assert.Equal(t, tt.want, ServerVersion{Version: tt.have}.AtLeast(tt.min), "%q at least %q", tt.have, tt.min)
		}
	})
}

func TestServerVersionDecodeErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"Version":5}`, `[1]`, `"unterminated`, `{`} {
		var v ServerVersion
		assert.Error(t, v.UnmarshalJSON([]byte(body)), body)
	}
	var v ServerVersion
	assert.NoError(t, v.UnmarshalJSON([]byte(` {"Version":"25.3.0"} `)))
	assert.Equal(t, "25.3.0", v.Version)
}
