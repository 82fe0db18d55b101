package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

func TestOfflineFlowPrintsEveryStep(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, func(string) string { return "" }))
	got := out.String()
	for _, step := range []string{
		"1. Sign in as requestor", "2. List aliases", "3. Request SSH access through alias db-ha",
		"4. Approve the request as approver", "5. Read the released credential",
		"6. Open an SSH session through the vault", "7. List requestor's sessions (as admin)",
		"8. Lock session", "9. Check the request in", "10. Sign out",
	} {
		assert.Contains(t, got, step)
	}
	assert.Regexp(t, regexp.MustCompile(`password: \[REDACTED\] \(\d+ characters\)`), got, "the credential is printed redacted")
	assert.Regexp(t, `session \d+ is now Locked`, got)
	assert.Contains(t, got, "4034 Request is not yet approved")
	assert.NotContains(t, got, passwordsafetest.DefaultAPIKey)
}

func TestReadOnlyAgainstAVault(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	env := map[string]string{"PS_URL": srv.URL(), "PS_API_KEY": srv.APIKey(), "PS_RUNAS": "secured", "PS_RUNAS_PASSWORD": "Secured-Pa55!"}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, func(k string) string { return env[k] }))
	got := out.String()
	assert.Contains(t, got, "read-only steps")
	assert.Contains(t, got, "signed in as secured")
	assert.Contains(t, got, "no open requests")
	assert.Equal(t, 0, srv.Calls("POST", "Requests"), "read-only: nothing created")
	assert.Equal(t, 1, srv.Calls("POST", "Auth/Signout"))
	assert.NotContains(t, got, "Secured-Pa55!")
	assert.False(t, strings.Contains(got, srv.APIKey()))

	env["PS_RUNAS"] = ""
	err := run(context.Background(), &out, func(k string) string { return env[k] })
	assert.ErrorContains(t, err, "PS_API_KEY and PS_RUNAS are needed")

	env["PS_RUNAS"], env["PS_RUNAS_PASSWORD"] = "secured", "wrong"
	err = run(context.Background(), &out, func(k string) string { return env[k] })
	assert.ErrorContains(t, err, "401")
	assert.NotContains(t, err.Error(), "wrong")
}
