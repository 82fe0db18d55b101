package passwordsafe_test

// No secret anywhere: every exported value that holds or handled a secret
// (clients, options, credentials, tickets, responses, every kind of error)
// is printed every way a user might print it, the debug log of a whole
// quickstart flow is kept, and none of it may hold a key, a password, a
// token, a session cookie or a released credential.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

const (
	leakRunAsPassword = "Secured-Pa55!" // the fake's user "secured"
	leakAdminPassword = "Adm1n-Sess10n-Pa55"
	leakWrongPassword = "Wr0ng-Pa55w0rd"
)

// leakSecrets collects every secret value the test meets.
type leakSecrets struct {
	mu     sync.Mutex
	values map[string]string // value -> where it came from
}

func (s *leakSecrets) add(from, v string) {
	v = strings.TrimSpace(v)
	if len(v) < 6 { // shorter values match by chance
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values == nil {
		s.values = map[string]string{}
	}
	s.values[v] = from
}

func (s *leakSecrets) count(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, from := range s.values {
		if strings.HasPrefix(from, prefix) {
			n++
		}
	}
	return n
}

// leakSpy serves the fake and notes the secrets that cross the wire: the
// Authorization headers, the session cookies and the OAuth tokens.
func leakSpy(t *testing.T, secrets *leakSecrets) (baseURL string, srv *passwordsafetest.Server) {
	t.Helper()
	srv = passwordsafetest.NewServer(t) // served here through the spy, as an http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			secrets.add("wire: Authorization", a)
			if tok, ok := strings.CutPrefix(a, "Bearer "); ok {
				secrets.add("wire: bearer token", tok)
			}
		}
		for _, ck := range r.Cookies() {
			secrets.add("wire: cookie", ck.Value)
		}
		rec := &leakRecorder{ResponseWriter: w}
		srv.ServeHTTP(rec, r)
		for _, ck := range (&http.Response{Header: w.Header()}).Cookies() {
			secrets.add("wire: cookie", ck.Value)
		}
		if strings.HasSuffix(r.URL.Path, "/Auth/connect/token") {
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			if json.Unmarshal(rec.body.Bytes(), &tok) == nil {
				secrets.add("wire: bearer token", tok.AccessToken)
			}
		}
	}))
	t.Cleanup(ts.Close)
	return ts.URL + passwordsafetest.BasePath, srv
}

type leakRecorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *leakRecorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// leakDump renders values every way a user might print or log them.
type leakDump struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (d *leakDump) add(label string, vs ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	logger := slog.New(slog.NewTextHandler(&d.buf, nil))
	jsonLogger := slog.New(slog.NewJSONHandler(&d.buf, nil))
	for _, v := range vs {
		fmt.Fprintf(&d.buf, "%s: %v | %+v | %#v | %s | %q\n", label, v, v, v, v, v)
		logger.Info(label, "value", v)
		jsonLogger.Info(label, "value", v)
		// A request body is JSON-encoded to be sent, secrets and all.
		if !isRequestBody(v) {
			if js, err := json.Marshal(v); err == nil {
				d.buf.Write(js)
			}
		}
		if err, ok := v.(error); ok {
			d.buf.WriteString(err.Error())
		}
	}
}

func isRequestBody(v any) bool {
	switch v.(type) {
	case ps.CreateAdminSessionOptions, *ps.CreateAdminSessionOptions:
		return true
	}
	return false
}

// response prints a Response and the request that produced it, whose
// headers a user can reach.
func (d *leakDump) response(label string, resp *ps.Response) {
	if resp == nil || resp.Response == nil {
		return
	}
	d.add(label+" response", resp, *resp.Response, resp.Header)
	if resp.Request != nil {
		d.add(label+" request", *resp.Request, resp.Request.Header, resp.Request.URL)
	}
}

// failure prints an error and, for an *ErrorResponse, what it holds.
func (d *leakDump) failure(label string, err error) {
	if err == nil {
		return
	}
	d.add(label+" error", err)
	var er *ps.ErrorResponse
	if errors.As(err, &er) {
		d.add(label+" error response", *er)
		d.response(label+" error", &ps.Response{Response: er.Response})
	}
}

func TestNoSecretAnywhere(t *testing.T) {
	t.Parallel()
	secrets := &leakSecrets{}
	for from, v := range map[string]string{
		"config: API key": passwordsafetest.DefaultAPIKey, "config: run-as password": leakRunAsPassword,
		"config: OAuth secret": passwordsafetest.DefaultOAuthClientSecret, "config: admin session password": leakAdminPassword,
		"config: wrong run-as password": leakWrongPassword,
	} {
		secrets.add(from, v)
	}
	base, srv := leakSpy(t, secrets)
	var logs ps.LogBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	dump := &leakDump{}
	ctx := context.Background()

	// Every option that carries a secret, printed on its own.
	opts := map[string]ps.Option{
		"WithAPIKey":                  ps.WithAPIKey(passwordsafetest.DefaultAPIKey, "secured"),
		"WithRunAsPassword":           ps.WithRunAsPassword(leakRunAsPassword),
		"WithOAuthClientCredentials":  ps.WithOAuthClientCredentials(passwordsafetest.DefaultOAuthClientID, passwordsafetest.DefaultOAuthClientSecret),
		"WithLogger":                  ps.WithLogger(logger),
		"WithRetries":                 ps.WithRetries(2, time.Millisecond, 5*time.Millisecond),
		"WithCheckoutPolling":         ps.WithCheckoutPolling(time.Millisecond, 5*time.Millisecond),
		"WithUserAgent":               ps.WithUserAgent("leaktest/1.0"),
		"WithRunAsPassword (refused)": ps.WithRunAsPassword("has]bracket" + leakRunAsPassword),
	}
	for name, o := range opts {
		dump.add("option "+name, o)
	}
	connect := func(user string, extra ...ps.Option) *ps.Client {
		t.Helper()
		all := append([]ps.Option{ps.WithAPIKey(passwordsafetest.DefaultAPIKey, user), opts["WithLogger"], opts["WithRetries"],
			opts["WithCheckoutPolling"], opts["WithUserAgent"]}, extra...)
		c, err := ps.NewClient(base, all...)
		require.NoError(t, err)
		dump.add("client "+user, c, *c)
		return c
	}
	requestor, approver, admin := connect("requestor"), connect("approver"), connect("admin")
	secured := connect("secured", opts["WithRunAsPassword"])
	oauth, err := ps.NewClient(base, opts["WithOAuthClientCredentials"], opts["WithLogger"], opts["WithRetries"])
	require.NoError(t, err)
	dump.add("client oauth", oauth, *oauth)

	// Constructor errors that involve a secret.
	for name, bad := range map[string][]ps.Option{
		"two credentials":      {opts["WithAPIKey"], opts["WithOAuthClientCredentials"]},
		"password needs key":   {opts["WithOAuthClientCredentials"], opts["WithRunAsPassword"]},
		"unusable password":    {opts["WithAPIKey"], opts["WithRunAsPassword (refused)"]},
		"key with a newline":   {ps.WithAPIKey(passwordsafetest.DefaultAPIKey+"\n", "x")},
		"http to a far host":   {opts["WithAPIKey"]},
		"password given twice": {opts["WithAPIKey"], opts["WithRunAsPassword"], opts["WithRunAsPassword"]},
	} {
		u := base
		if name == "http to a far host" {
			u = "http://vault.example.test/"
		}
		c, err := ps.NewClient(u, bad...)
		require.Error(t, err, name)
		require.Nil(t, c)
		dump.failure("NewClient "+name, err)
	}

	// The quickstart flow, with everything it returns printed.
	me, err := requestor.SignIn(ctx)
	require.NoError(t, err)
	dump.add("user", me, *me)

	aliases, resp, err := requestor.Aliases.List(ctx, nil)
	require.NoError(t, err)
	dump.add("aliases", aliases)
	dump.response("Aliases.List", resp)

	alias, _, err := requestor.Aliases.GetByName(ctx, "db-ha")
	require.NoError(t, err)
	created, resp, err := requestor.Aliases.CreateRequest(ctx, alias.AliasID, &ps.CreateAliasRequestOptions{
		AccessType: ps.AccessSSH, DurationMinutes: 30, Reason: "leak test", ConflictOption: ps.ConflictRenew,
	})
	require.NoError(t, err)
	dump.add("created", created, *created)
	dump.response("CreateRequest", resp)

	_, resp, err = requestor.Aliases.Credentials(ctx, alias.AliasID, created.RequestID, nil)
	require.ErrorIs(t, err, ps.ErrNotApproved)
	dump.failure("credentials before approval", err)
	dump.response("credentials before approval", resp)

	_, err = approver.Requests.Approve(ctx, created.RequestID, "ok")
	require.NoError(t, err)

	cred, resp, err := requestor.Aliases.Credentials(ctx, alias.AliasID, created.RequestID, nil)
	require.NoError(t, err)
	secrets.add("released: alias password", cred.Password.Value())
	dump.add("alias credentials", cred, *cred, cred.Password)
	dump.response("Aliases.Credentials", resp)

	ticket, resp, err := requestor.Sessions.Create(ctx, created.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionSSHTicket})
	require.NoError(t, err)
	dump.add("ticket", ticket, *ticket)
	dump.response("Sessions.Create", resp)

	sessions, _, err := admin.Sessions.List(ctx, &ps.ListSessionsOptions{UserID: me.UserID})
	require.NoError(t, err)
	dump.add("sessions", sessions)
	_, err = admin.Sessions.Lock(ctx, ticket.SessionID)
	require.NoError(t, err)

	adminOpts := &ps.CreateAdminSessionOptions{SessionType: ps.SessionRDPFile, HostName: "win01", UserName: `EXAMPLE\ops`,
		Password: leakAdminPassword, Port: ps.Ptr(3389), SmartSizing: true}
	dump.add("admin session options", adminOpts, *adminOpts)
	adminTicket, resp, err := admin.Sessions.CreateAdmin(ctx, adminOpts)
	require.NoError(t, err)
	dump.add("admin ticket", adminTicket, *adminTicket)
	dump.response("Sessions.CreateAdmin", resp)
	invalidAdmin := *adminOpts
	invalidAdmin.HostName = ""
	_, _, err = admin.Sessions.CreateAdmin(ctx, &invalidAdmin)
	require.ErrorIs(t, err, ps.ErrValidation)
	dump.failure("CreateAdmin without a host", err)
	_, _, err = requestor.Sessions.CreateAdmin(ctx, adminOpts)
	require.ErrorIs(t, err, ps.ErrForbidden)
	dump.failure("CreateAdmin as requestor", err)

	resp, err = requestor.Requests.Checkin(ctx, created.RequestID, "done")
	require.NoError(t, err)
	dump.response("Checkin", resp)

	// A request with a password, a DSS key and its passphrase, read through
	// every path, and a Checkout.
	kept, _, err := requestor.Requests.Create(ctx, &ps.CreateRequestOptions{SystemID: 1, AccountID: 11, DurationMinutes: 5})
	require.NoError(t, err)
	for _, typ := range []ps.CredentialType{ps.CredentialPassword, ps.CredentialDSSKey, ps.CredentialPassphrase} {
		sec, resp, err := requestor.Requests.Credentials(ctx, kept.RequestID, &ps.CredentialsOptions{Type: typ})
		require.NoError(t, err, typ)
		secrets.add("released: "+string(typ), sec.Value())
		for _, line := range strings.Split(sec.Value(), "\n") {
			secrets.add("released: "+string(typ)+" line", line)
		}
		dump.add("credential "+string(typ), sec, &sec)
		dump.response("Credentials "+string(typ), resp)
		waited, err := requestor.Requests.WaitCredentials(ctx, kept.RequestID, &ps.CredentialsOptions{Type: typ})
		require.NoError(t, err)
		dump.add("waited "+string(typ), waited)
	}
	_, err = requestor.Requests.Checkin(ctx, kept.RequestID, "")
	require.NoError(t, err)
	err = requestor.Requests.Checkout(ctx, &ps.CreateRequestOptions{SystemID: 1, AccountID: 11, DurationMinutes: 5},
		func(_ context.Context, sec ps.Secret) error {
			secrets.add("released: checkout password", sec.Value())
			dump.add("checkout credential", sec)
			return fmt.Errorf("fn failed with %v", sec)
		})
	require.Error(t, err)
	dump.failure("Checkout", err)
	err = requestor.Aliases.Checkout(ctx, 1, &ps.CreateAliasRequestOptions{DurationMinutes: 5},
		func(_ context.Context, c *ps.AliasCredentials) error {
			secrets.add("released: alias checkout password", c.Password.Value())
			dump.add("alias checkout credential", c, *c)
			return nil
		})
	require.NoError(t, err)

	// The run-as password user, a wrong password, and OAuth.
	_, err = secured.SignIn(ctx)
	require.NoError(t, err)
	_, resp, err = secured.Requests.List(ctx, nil)
	require.NoError(t, err)
	dump.response("secured Requests.List", resp)
	wrong := connect("secured", ps.WithRunAsPassword(leakWrongPassword))
	_, err = wrong.SignIn(ctx)
	require.ErrorIs(t, err, ps.ErrUnauthorized)
	dump.failure("wrong run-as password", err)
	_, resp, err = wrong.Requests.List(ctx, nil)
	require.Error(t, err)
	dump.failure("wrong run-as password call", err)
	dump.response("wrong run-as password call", resp)

	user, err := oauth.SignIn(ctx)
	require.NoError(t, err)
	dump.add("oauth user", user)
	_, resp, err = oauth.Requests.List(ctx, nil)
	require.NoError(t, err)
	dump.response("oauth Requests.List", resp)
	var raw []byte
	resp, err = admin.Do(ctx, http.MethodGet, "AccessLevels", nil, &raw)
	require.NoError(t, err)
	dump.response("Do", resp)
	resp, err = oauth.Do(ctx, http.MethodGet, "NoSuchThing", nil, nil)
	require.ErrorIs(t, err, ps.ErrNotFound)
	dump.failure("Do 404", err)
	dump.response("Do 404", resp)

	// Expired session: the client signs in again transparently.
	srv.ExpireSessions()
	_, _, err = requestor.Requests.List(ctx, nil)
	require.NoError(t, err)

	// A server that echoes the credentials it was sent in its error pages.
	echoCalls := leakEcho(t, secrets, dump)
	require.Positive(t, echoCalls)

	// A transport error and a context error.
	closed := closedPortURL(t)
	c, err := ps.NewClient(closed, opts["WithAPIKey"], opts["WithRunAsPassword"], ps.WithoutRetries(), opts["WithLogger"])
	require.NoError(t, err)
	_, err = c.SignIn(ctx)
	require.Error(t, err)
	dump.failure("closed port", err)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err = requestor.Sessions.Get(cctx, ticket.SessionID)
	require.ErrorIs(t, err, context.Canceled)
	dump.failure("canceled", err)

	for _, c := range []*ps.Client{requestor, approver, admin, secured, oauth} {
		require.NoError(t, c.SignOut(ctx))
		dump.add("signed-out client", c)
	}

	// Secrets Safe: secrets of every type written, read back and printed.
	leakSecretsSafe(t, requestor, connect("auditor"), secrets, dump)

	// The test saw every kind of secret, so it cannot pass by seeing none.
	for _, kind := range []string{"config", "wire: Authorization", "wire: bearer token", "wire: cookie", "released", "secrets safe"} {
		assert.Positive(t, secrets.count(kind), "no %s secret met", kind)
	}
	logText := logs.String()
	require.Contains(t, logText, `"msg":"passwordsafe: http attempt"`)
	require.Contains(t, logText, `"msg":"passwordsafe: signed in"`)

	haystacks := map[string]string{"printed values": dump.buf.String(), "debug log": logText}
	secrets.mu.Lock()
	defer secrets.mu.Unlock()
	for v, from := range secrets.values {
		forms := []string{v, url.QueryEscape(v)}
		if js, _ := json.Marshal(v); len(js) > 2 {
			forms = append(forms, string(js[1:len(js)-1]))
		}
		for name, text := range haystacks {
			for _, f := range forms {
				if i := strings.Index(text, f); i >= 0 {
					t.Errorf("%s (%s) appears in the %s: …%s…", from, redactForReport(v), name, context50(text, i, len(f)))
				}
			}
		}
	}
}

// leakSecretsSafe writes a secret of each type, reads them every way the
// SDK can, and prints what each call returns, its errors included.
func leakSecretsSafe(t *testing.T, writer, reader *ps.Client, secrets *leakSecrets, dump *leakDump) {
	t.Helper()
	ctx := context.Background()
	const folder = passwordsafetest.FolderProdWebID
	password, text := "Sa5e-Cred-Pa55w0rd", "Sa5e-Text-5ecret-value"
	content := "Sa5e-File-C0ntent\x00\xff-end"
	for from, v := range map[string]string{"password": password, "text": text, "file": content, "new password": password + "-2"} {
		secrets.add("secrets safe: written "+from, v)
	}
	cred := &ps.CredentialSecretOptions{Title: "leak-cred", Username: "svc", Password: ps.NewSecret(password)}
	txt := &ps.TextSecretOptions{Title: "leak-text", Text: ps.NewSecret(text)}
	file := &ps.FileSecretOptions{Title: "leak-file", FileName: "leak.bin"}
	dump.add("secret options", cred, *cred, txt, *txt, file, *file)

	for _, create := range []func() (*ps.StoredSecret, *ps.Response, error){
		func() (*ps.StoredSecret, *ps.Response, error) {
			return writer.Secrets.CreateCredential(ctx, folder, cred)
		},
		func() (*ps.StoredSecret, *ps.Response, error) { return writer.Secrets.CreateText(ctx, folder, txt) },
		func() (*ps.StoredSecret, *ps.Response, error) {
			return writer.Secrets.CreateFile(ctx, folder, file, strings.NewReader(content))
		},
	} {
		created, resp, err := create()
		require.NoError(t, err)
		dump.add("created secret", created, *created)
		dump.response("create secret", resp)
		_, resp, err = create() // the title is taken: 409
		require.ErrorIs(t, err, ps.ErrConflict)
		dump.failure("create secret again", err)
		dump.response("create secret again", resp)
	}
	_, _, err := reader.Secrets.CreateCredential(ctx, folder, cred)
	require.ErrorIs(t, err, ps.ErrForbidden)
	dump.failure("create secret without Read/Write", err)

	for _, path := range []string{"prod/web/leak-cred", "prod/web/leak-text", "prod/web/leak-file", "prod/db/postgres", "prod/db/url"} {
		found, resp, err := reader.Secrets.Find(ctx, path, nil)
		require.NoError(t, err, path)
		secrets.add("secrets safe: read "+path, found.Password.Value())
		secrets.add("secrets safe: read "+path, found.Text.Value())
		dump.add("found "+path, found, *found, found.Password, found.Text)
		dump.response("Find "+path, resp)
		if found.SecretType == ps.SecretTypeFile {
			var buf bytes.Buffer
			resp, err := reader.Secrets.File(ctx, found.ID, &buf)
			require.NoError(t, err)
			require.Equal(t, content, buf.String())
			dump.response("File", resp)
		}
		got, resp, err := reader.Secrets.Get(ctx, found.ID)
		require.NoError(t, err)
		dump.add("got "+path, got, *got)
		dump.response("Get "+path, resp)
	}
	_, _, err = reader.Secrets.Find(ctx, "prod/web/nothing", nil)
	require.ErrorIs(t, err, ps.ErrNotFound)
	dump.failure("Find nothing", err)

	list, resp, err := reader.Secrets.List(ctx, &ps.ListSecretsOptions{Path: "prod", Decrypt: true})
	require.NoError(t, err)
	dump.add("secrets", list)
	dump.response("Secrets.List", resp)
	for s, err := range reader.Secrets.All(ctx, &ps.ListSecretsOptions{Limit: 2}) {
		require.NoError(t, err)
		dump.add("secret", s)
	}
	found, _, err := writer.Secrets.Find(ctx, "prod/web/leak-cred", nil)
	require.NoError(t, err)
	cred.Password = ps.NewSecret(password + "-2")
	resp, err = writer.Secrets.UpdateCredential(ctx, found.ID, cred)
	require.NoError(t, err)
	dump.response("UpdateCredential", resp)
	assert.Positive(t, secrets.count("secrets safe: read"))
}

// leakEcho calls a server whose error pages echo back the Authorization
// header and the cookie they came with, and prints the errors.
func leakEcho(t *testing.T, secrets *leakSecrets, dump *leakDump) int {
	t.Helper()
	var calls atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		switch {
		case strings.Contains(r.URL.Path, "/Aliases/1/Credentials/"):
			_, _ = io.WriteString(w, `{"Password":"Tr0ub4dor-alias-cred","AliasID":"one"}`)
			return
		case strings.Contains(r.URL.Path, "/Credentials/"):
			_, _ = io.WriteString(w, `"Tr0ub4dor-cut-short`)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/Auth/SignAppin") && strings.Contains(r.Header.Get("Authorization"), "runas=refused;") {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "%q", "Sign-in refused for "+r.Header.Get("Authorization"))
			return
		}
		if strings.HasSuffix(r.URL.Path, "/Auth/SignAppin") {
			http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: "echo-session-5ecret", Path: "/"})
			_, _ = io.WriteString(w, `{"UserId":1,"UserName":"echo"}`)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "%q", "4031 - refused: Authorization was "+r.Header.Get("Authorization")+"; Cookie was "+r.Header.Get("Cookie"))
	}))
	defer ts.Close()
	secrets.add("wire: cookie (echo server)", "echo-session-5ecret")
	secrets.add("released: cut short", "Tr0ub4dor-cut-short")
	secrets.add("released: alias cut short", "Tr0ub4dor-alias-cred")
	c, err := ps.NewClient(ts.URL, ps.WithAPIKey(passwordsafetest.DefaultAPIKey, "echo"), ps.WithRunAsPassword(leakRunAsPassword))
	require.NoError(t, err)
	_, resp, err := c.Sessions.Get(context.Background(), 1)
	require.ErrorIs(t, err, ps.ErrNoPermission)
	dump.failure("echo server", err)
	dump.response("echo server", resp)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Contains(t, er.Message, "refused: Authorization was", "the rest of the message stays")
	t.Logf("echo server: %s", er.Message)

	// Credentials that do not decode: a *DecodeError, without the value.
	_, resp, err = c.Requests.Credentials(context.Background(), 1, nil)
	var de *ps.DecodeError
	require.ErrorAs(t, err, &de)
	dump.failure("credential cut short", err)
	dump.add("credential cut short", *de)
	dump.response("credential cut short", resp)
	_, _, err = c.Aliases.Credentials(context.Background(), 1, 1, nil)
	require.ErrorAs(t, err, &de)
	dump.failure("alias credential not decoded", err)
	c.CloseIdleConnections()

	refused, err := ps.NewClient(ts.URL, ps.WithAPIKey(passwordsafetest.DefaultAPIKey, "refused"), ps.WithRunAsPassword(leakRunAsPassword))
	require.NoError(t, err)
	_, err = refused.SignIn(context.Background())
	require.ErrorIs(t, err, ps.ErrUnauthorized)
	dump.failure("echo server sign-in", err)
	require.ErrorAs(t, err, &er)
	assert.Contains(t, er.Message, "Sign-in refused for PS-Auth key=", "the rest of the message stays")
	t.Logf("echo server: %s", er.Message)
	refused.CloseIdleConnections()
	return int(calls.Load())
}

// closedPortURL is a loopback URL where nothing listens.
func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr + "/"
}

// redactForReport shows enough of a leaked secret to find it, not all of it.
func redactForReport(v string) string {
	if len(v) <= 6 {
		return "…"
	}
	return v[:3] + "…"
}

func context50(text string, i, n int) string {
	from, to := max(0, i-50), min(len(text), i+n+50)
	return strings.ReplaceAll(text[from:i], "\n", " ") + "<SECRET>" + strings.ReplaceAll(text[i+n:to], "\n", " ")
}
