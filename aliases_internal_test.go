package passwordsafe

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The buffer an alias's credentials arrived in is wiped once decoded, so
// the password does not linger in memory until the collector reuses it.
func TestAliasCredentialsBufferWiped(t *testing.T) {
	t.Parallel()
	body := []byte(`{"AliasId":3,"Password":"Alias-Pa55w0rd","PrivateKey":"key-material"}`)
	got, err := decodeAliasCredentials(nil, body)
	require.NoError(t, err)
	assert.Equal(t, "Alias-Pa55w0rd", got.Password.Value())
	assert.Equal(t, make([]byte, len(body)), body, "every byte zeroed")
	assert.False(t, bytes.Contains(body, []byte("Pa55")))
}
