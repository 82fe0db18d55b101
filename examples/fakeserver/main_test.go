package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func TestPrintSeedNamesWhatScriptsRelyOn(t *testing.T) {
	srv, err := passwordsafetest.Start(passwordsafetest.Config{APIKey: "k-123"})
	require.NoError(t, err)
	defer srv.Close()
	var out bytes.Buffer
	printSeed(&out, srv, "k-123")
	got := out.String()
	assert.Contains(t, got, srv.URL())
	assert.Contains(t, got, "API key:             k-123")
	assert.Contains(t, got, passwordsafetest.DefaultOAuthClientID)
	for _, name := range []string{"requestor", "approver", "admin", "web01", "root", "db-ha", "web-root"} {
		assert.Contains(t, got, name)
	}
}
