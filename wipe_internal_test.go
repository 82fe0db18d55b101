package passwordsafe

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The buffer a credential arrived in is wiped once decoded, so the
// password does not linger in memory until the collector reuses it: for
// each decoder that reads one, and each shape it reads.
func TestCredentialBuffersWiped(t *testing.T) {
	t.Parallel()
	text := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	for _, tc := range []struct {
		name   string
		decode func(http.Header, []byte) (string, error)
		h      http.Header
		body   string
	}{
		{"alias", func(h http.Header, b []byte) (string, error) {
			got, err := decodeAliasCredentials(h, b)
			return got.Password.Value(), err
		}, nil, `{"AliasId":3,"Password":"Pa55w0rd-1","PrivateKey":"key-material"}`},
		{"credential JSON string", func(h http.Header, b []byte) (string, error) {
			got, err := decodeSecret(h, b)
			return got.Value(), err
		}, nil, `"Pa55w0rd-1"`},
		{"credential text", func(h http.Header, b []byte) (string, error) {
			got, err := decodeSecret(h, b)
			return got.Value(), err
		}, text, `Pa55w0rd-1`},
		{"ISA object", func(h http.Header, b []byte) (string, error) {
			got, err := decodeISACredential(h, b)
			return got.Value(), err
		}, nil, `{"Credentials":"Pa55w0rd-1"}`},
		{"ISA string", func(h http.Header, b []byte) (string, error) {
			got, err := decodeISACredential(h, b)
			return got.Value(), err
		}, nil, ` "Pa55w0rd-1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			got, err := tc.decode(tc.h, body)
			require.NoError(t, err)
			assert.Equal(t, "Pa55w0rd-1", got)
			assert.Equal(t, make([]byte, len(body)), body, "every byte zeroed")
			assert.False(t, bytes.Contains(body, []byte("Pa55")))
		})
	}
}
