package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
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
		"1. Sign in as requestor", "2. Read the secret prod/db/postgres from Secrets Safe",
		"3. Find root on web01 by name", "4. Borrow the password of root on web01, and give it back",
		"5. List aliases", "6. Request SSH access through alias db-ha",
		"7. Approve the request as approver", "8. Read the released credential",
		"9. Open an SSH session through the vault", "10. List requestor's sessions (as admin)",
		"11. Lock session", "12. Check the request in", "13. Sign out",
	} {
		assert.Contains(t, got, step)
	}
	assert.Contains(t, got, "Credential prod/db/postgres: user postgres, password [REDACTED] (20 characters)\n")
	assert.Contains(t, got, "web01/root: system ID 1, account ID 11, released for 120 minutes by default\n")
	assert.Regexp(t, `request 1001 released root@web01 password: \[REDACTED\] \(\d+ characters\)\n   request 1001 checked in\n`, got)
	assert.Regexp(t, regexp.MustCompile(`postgres@db01 password: \[REDACTED\] \(\d+ characters\)`), got, "the credential is printed redacted")
	assert.Regexp(t, `session \d+ is now Locked`, got)
	assert.Contains(t, got, "4034 Request is not yet approved")
	assert.NotContains(t, got, passwordsafetest.DefaultAPIKey)
}

// TestFullFlowFindsTheAccountByName: against a fake the test can inspect,
// the borrowed account is found by name (no ID in the code), the request
// is for it, and nothing is left open.
func TestFullFlowFindsTheAccountByName(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	var out bytes.Buffer
	require.NoError(t, fullFlow(context.Background(), &out, srv.URL(), srv.APIKey()))

	var lookups []string
	for _, c := range srv.CallLog() {
		if c.Method == "GET" && c.Path == "ManagedAccounts" {
			lookups = append(lookups, c.Query)
		}
	}
	assert.Equal(t, []string{"accountName=root&systemName=web01", "accountName=root&systemName=web01"}, lookups,
		"Get, then Checkout, look the account up by name")
	borrowed, ok := srv.Request(1001)
	require.True(t, ok)
	assert.Equal(t, "web01", borrowed.SystemName)
	assert.Equal(t, "root", borrowed.AccountName)
	assert.Equal(t, "checkedin", borrowed.Status)
	assert.Equal(t, "quickstart: read root on web01", borrowed.Reason)
	assert.Empty(t, srv.OpenRequests(), "nothing left open")
	assert.NotContains(t, out.String(), srv.Password("db01", "postgres"))
	secret, _ := srv.StoredSecret("prod/db/postgres")
	assert.NotContains(t, out.String(), secret.Password)
	assert.Equal(t, 1, srv.Calls("GET", "Secrets-Safe/Secrets"), "one call reads the secret")
}

// readOnlyEnv is the environment of the read-only mode against srv.
func readOnlyEnv(srv *passwordsafetest.Server) map[string]string {
	return map[string]string{"PS_URL": srv.URL(), "PS_API_KEY": srv.APIKey(), "PS_RUNAS": "secured", "PS_RUNAS_PASSWORD": "Secured-Pa55!"}
}

// useEnv sets the process's PS_ variables to env (the rest empty) for the
// test, and returns os.Getenv: the read-only mode reads the environment
// itself (passwordsafe.NewClientFromEnv).
func useEnv(t *testing.T, env map[string]string) func(string) string {
	t.Helper()
	for _, k := range []string{"PS_URL", "PS_API_KEY", "PS_RUNAS", "PS_RUNAS_PASSWORD", "PS_OAUTH_CLIENT_ID",
		"PS_OAUTH_CLIENT_SECRET", "PS_API_VERSION", "PS_CA_FILE", "PS_CLIENT_CERT", "PS_CLIENT_KEY", "PS_SECRET_PATH"} {
		t.Setenv(k, env[k])
	}
	return os.Getenv
}

// onlySignInOutPosts fails the test if the fake saw a POST other than the
// sign-in and sign-out, or any PUT or DELETE.
func onlySignInOutPosts(t *testing.T, srv *passwordsafetest.Server) {
	t.Helper()
	for _, c := range srv.CallLog() {
		switch {
		case c.Method == "GET":
		case c.Method == "POST" && (c.Path == "Auth/SignAppin" || c.Path == "Auth/Signout"):
		default:
			t.Errorf("read-only mode sent %s %s", c.Method, c.Path)
		}
	}
}

func TestReadOnlyAgainstAVault(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	env := readOnlyEnv(srv)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, useEnv(t, env)))
	got := out.String()
	for _, want := range []string{
		"read-only steps", "1. Sign in as secured", "signed in as secured",
		"2. List the managed accounts you may request (the first 10)",
		"   web01/root                   system ID 1, account ID 11\n",
		"   app01/EXAMPLE\\deploy         system ID 4, account ID 41\n",
		"   db02/postgres                system ID 6, account ID 61\n",
		"3. List aliases", "4. List my requests", "no open requests", "5. Sign out",
	} {
		assert.Contains(t, got, want)
	}
	assert.NotContains(t, got, "there may be more", "six accounts, fewer than the limit")
	onlySignInOutPosts(t, srv)
	assert.Equal(t, 1, srv.Calls("POST", "Auth/SignAppin"))
	assert.Equal(t, 1, srv.Calls("POST", "Auth/Signout"))
	assert.Equal(t, 1, srv.Calls("GET", "ManagedAccounts"))
	assert.Empty(t, srv.Requests(), "read-only: nothing created")
	assert.NotContains(t, got, "Secured-Pa55!")
	assert.False(t, strings.Contains(got, srv.APIKey()))
	for _, a := range srv.Accounts() {
		assert.NotContains(t, got, a.Password)
	}

	// PS_SECRET_PATH adds a read of that secret, printed redacted.
	for path, want := range map[string]string{
		"prod/db/url":         "Text prod/db/url: [REDACTED] (61 characters)",
		"prod/db/client-cert": "File prod/db/client-cert: client.p12 (read its content with Secrets.File)",
	} {
		out.Reset()
		env["PS_SECRET_PATH"], env["PS_RUNAS"], env["PS_RUNAS_PASSWORD"] = path, "requestor", ""
		require.NoError(t, run(context.Background(), &out, useEnv(t, env)))
		assert.Contains(t, out.String(), "5. Read the secret "+path+"\n   "+want+"\n6. Sign out")
		assert.NotContains(t, out.String(), passwordsafetest.DefaultSecretURL)
	}
	env["PS_SECRET_PATH"] = "prod/db/nothing"
	err := run(context.Background(), &out, useEnv(t, env))
	assert.ErrorContains(t, err, `reading the secret prod/db/nothing: passwordsafe: GET Secrets-Safe/Secrets: no secret at "prod/db/nothing"`)
	delete(env, "PS_SECRET_PATH")
	env["PS_RUNAS"], env["PS_RUNAS_PASSWORD"] = "secured", "Secured-Pa55!"

	env["PS_RUNAS"] = ""
	err = run(context.Background(), &out, useEnv(t, env))
	assert.ErrorContains(t, err, "PS_API_KEY and PS_RUNAS go together")

	env["PS_RUNAS"], env["PS_RUNAS_PASSWORD"] = "secured", "wrong"
	err = run(context.Background(), &out, useEnv(t, env))
	assert.ErrorContains(t, err, "401")
	assert.NotContains(t, err.Error(), "wrong")
}

// TestReadOnlyListsAFewAccounts: a vault with more accounts than the
// read-only steps show: one call with limit=10, ten lines and a note.
func TestReadOnlyListsAFewAccounts(t *testing.T) {
	var opts []passwordsafetest.ServerOption
	for i := 1; i <= 12; i++ {
		opts = append(opts, passwordsafetest.WithManagedAccount(fmt.Sprintf("srv%02d", i), "svc", ""))
	}
	srv := passwordsafetest.NewServer(t, opts...)
	env := readOnlyEnv(srv)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, useEnv(t, env)))
	got := out.String()
	assert.Contains(t, got, "   srv10/svc")
	assert.NotContains(t, got, "srv11/svc")
	assert.Contains(t, got, "   (the first 10: there may be more)\n")
	var queries []string
	for _, c := range srv.CallLog() {
		if c.Path == "ManagedAccounts" {
			queries = append(queries, c.Query)
		}
	}
	assert.Equal(t, []string{"limit=10"}, queries)
	onlySignInOutPosts(t, srv)
}

// TestReadOnlyGoesOnWhenListingIsForbidden: a user whose roles may not
// list managed accounts (403) is told so, and the steps go on.
func TestReadOnlyGoesOnWhenListingIsForbidden(t *testing.T) {
	srv := passwordsafetest.NewServer(t)
	srv.Next("GET", "ManagedAccounts").FailWith(403, "4031 - User does not have permission.", nil)
	env := readOnlyEnv(srv)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, useEnv(t, env)))
	got := out.String()
	assert.Contains(t, got, "   this user may not list managed accounts: ")
	assert.Contains(t, got, "4031")
	assert.Contains(t, got, "5. Sign out")
	onlySignInOutPosts(t, srv)
}
