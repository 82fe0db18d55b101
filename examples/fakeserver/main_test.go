package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// serve runs the command until the test ends and returns its first line of
// stdout (the -json object, or the banner's first line) once it is served.
func serve(t *testing.T, args ...string) (first string, stderr *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &bytes.Buffer{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, stderr)
		pw.Close()
		done <- code
	}()
	t.Cleanup(func() {
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		assert.Equal(t, 0, <-done)
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return line, stderr
}

func TestPrintSeedNamesWhatScriptsRelyOn(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithAPIKey("k-123"))
	var out bytes.Buffer
	printSeed(&out, srv)
	got := out.String()
	assert.Contains(t, got, srv.URL())
	assert.Contains(t, got, "API key:             k-123")
	assert.Contains(t, got, srv.OAuthClientID())
	for _, name := range []string{"requestor", "approver", "admin", "web01", "root", "db-ha", "web-root", `EXAMPLE\deploy`, "2 of approver",
		passwordsafetest.SecretDBURLID + "  prod/db/url", "prod/db/client-cert", "dev/sandbox/token", "ReadWrite"} {
		assert.Contains(t, got, name)
	}
}

func TestJSONDescribesTheServer(t *testing.T) {
	line, _ := serve(t, "-json", "-api-key", "k-json")
	var got struct {
		URL    string `json:"url"`
		APIKey string `json:"apiKey"`
		OAuth  struct {
			ClientID, ClientSecret, RunAs string
		} `json:"oauth"`
		Users []struct {
			ID       int      `json:"id"`
			UserName string   `json:"userName"`
			Roles    []string `json:"roles"`
		} `json:"users"`
		Accounts []struct {
			SystemID int    `json:"systemId"`
			ID       int    `json:"id"`
			System   string `json:"system"`
			Name     string `json:"name"`
			Password string `json:"password"`
		} `json:"accounts"`
		Aliases []struct {
			Name string `json:"name"`
		} `json:"aliases"`
		Safes   []passwordsafetest.SafeInfo   `json:"safes"`
		Secrets []passwordsafetest.SecretInfo `json:"secrets"`
	}
	require.NoError(t, json.Unmarshal([]byte(line), &got), line)
	assert.Equal(t, "k-json", got.APIKey)
	assert.Equal(t, passwordsafetest.DefaultOAuthClientID, got.OAuth.ClientID)
	assert.Equal(t, "requestor", got.OAuth.RunAs)
	require.NotEmpty(t, got.Users)
	assert.Equal(t, "requestor", got.Users[0].UserName)
	require.Len(t, got.Accounts, 6)
	assert.Equal(t, 2, got.Accounts[1].SystemID)
	assert.Equal(t, 21, got.Accounts[1].ID)
	assert.NotEmpty(t, got.Accounts[1].Password)
	require.Len(t, got.Aliases, 3)
	require.Len(t, got.Secrets, 4)
	assert.Equal(t, "prod/db/url", got.Secrets[0].Path)
	assert.Equal(t, passwordsafetest.DefaultSecretURL, got.Secrets[0].Text)
	require.Len(t, got.Safes, 2)

	// The URL answers at once: a script can sign in with what it read.
	req, _ := http.NewRequest(http.MethodPost, got.URL+"Auth/SignAppin", nil)
	req.Header.Set("Authorization", "PS-Auth key=k-json; runas=requestor;")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestEnvFileAndSeedFile(t *testing.T) {
	env := filepath.Join(t.TempDir(), "ps.env")
	first, _ := serve(t, "-env", env, "-seed", filepath.Join("..", "..", "passwordsafetest", "testdata", "seed.example.json"))
	assert.True(t, strings.HasPrefix(first, "Password Safe fake serving at http://127.0.0.1:"), first)

	b, err := os.ReadFile(env)
	require.NoError(t, err)
	st, err := os.Stat(env)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the env file holds the key")
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, line)
		vars[k] = v
	}
	assert.Equal(t, passwordsafetest.DefaultAPIKey, vars["PS_API_KEY"])
	assert.Equal(t, "ci-bot,oncall,lead,ops-admin,auditor,isa", vars["PS_USERS"])
	assert.Equal(t, passwordsafetest.DefaultOAuthClientSecret, vars["PS_OAUTH_CLIENT_SECRET"])
	assert.Equal(t, strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(first, "Password Safe fake serving at ")), ""), vars["PS_URL"])
}

func TestBadSeedFileFails(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version": 2}`), 0o600))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-seed", bad}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "version 2 is not supported")
	assert.Empty(t, stdout.String())

	code = run(context.Background(), []string{"-nope"}, &stdout, &stderr)
	assert.Equal(t, 2, code)
	code = run(context.Background(), []string{"extra"}, &stdout, &stderr)
	assert.Equal(t, 2, code)
}
