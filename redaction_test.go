package passwordsafe

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Distinctive values, so a leak anywhere is found by a substring search.
const (
	leakRunAsPW     = "run-as-pw-7b1e"
	leakOAuthSecret = "oauth-secret-c0ffee"
	leakBearer      = "bearer-token-5a5a5a"
	leakCookie      = "session-cookie-d00d"
	leakCredential  = "released-credential-Q9"
	leakReason      = "reason-text-Z7"
	leakBody        = "response-body-marker-K3"
)

var leaks = []string{testAPIKey, leakRunAsPW, leakOAuthSecret, leakBearer, leakCookie, leakCredential, leakReason, leakBody}

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%20v", "%p"}

func assertNoLeak(t *testing.T, what, s string) {
	t.Helper()
	for _, l := range leaks {
		assert.NotContains(t, s, l, "%s leaks %q", what, l)
		assert.NotContains(t, s, fmt.Sprintf("%x", l), "%s leaks %q in hex", what, l)
		assert.NotContains(t, s, fmt.Sprintf("%X", l), "%s leaks %q in hex", what, l)
	}
}

func assertNoLeakUnderVerbs(t *testing.T, what string, v any) {
	t.Helper()
	for _, verb := range verbs {
		assertNoLeak(t, what+" under "+verb, fmt.Sprintf(verb, v))
	}
}

// leakyMock is a mock that echoes every credential it can see back in its
// answers and error messages.
func leakyMock(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/connect/token",
		respond(200, `{"access_token":"`+leakBearer+`","expires_in":600,"token_type":"Bearer"}`))
	mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{"UserId":7,"UserName":"tester"}`)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId="+leakCookie+"; path=/; HttpOnly")
		resp.Request = req
		return resp, nil
	})
	mt.RegisterResponder(http.MethodGet, testBase+"Credentials/5", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(200, `"`+leakCredential+`"`)(req)
		resp.Header.Add("Set-Cookie", "ASP.NET_SessionId="+leakCookie+"; path=/")
		resp.Request = req
		return resp, nil
	})
	echo := func(req *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(req.Body)
		msg := fmt.Sprintf("4031 - denied for %s %s %s %s %s %s %s", req.Header.Get("Authorization"), req.Header.Get("Cookie"),
			testAPIKey, leakRunAsPW, leakOAuthSecret, leakBearer, leakCookie)
		resp, _ := respond(403, fmt.Sprintf("%q", msg+" "+string(body)))(req)
		resp.Request = req
		return resp, nil
	}
	mt.RegisterResponder(http.MethodPut, testBase+"Requests/5/Checkin", echo)
	base := []Option{WithHTTPClient(&http.Client{Transport: mt}), WithRetries(2, time.Millisecond, 2*time.Millisecond)}
	c, err := NewClient(testBase, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

func TestClientNeverPrintsCredentials(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]Option{
		"api key": {WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword(leakRunAsPW)},
		"oauth":   {WithOAuthClientCredentials("client-1", leakOAuthSecret)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := leakyMock(t, opts...)
			ctx := context.Background()
			_, err := c.SignIn(ctx) // so a cookie and a token are held
			require.NoError(t, err)
			s, _, err := c.Requests.Credentials(ctx, 5, nil)
			require.NoError(t, err)
			assert.Equal(t, leakCredential, s.Value())

			assertNoLeakUnderVerbs(t, "*Client", c)
			assertNoLeakUnderVerbs(t, "Client", *c) //nolint:govet // printing a copy on purpose
			assertNoLeakUnderVerbs(t, "Requests", c.Requests)
			assertNoLeakUnderVerbs(t, "Aliases", c.Aliases)
			assertNoLeakUnderVerbs(t, "Sessions", c.Sessions)
			assertNoLeakUnderVerbs(t, "[]any{c}", []any{c, *c})
			assertNoLeakUnderVerbs(t, "Secret", s)
			assert.Contains(t, fmt.Sprint(c), "passwordsafe.Client{BaseURL: "+testBase)
			assert.Equal(t, c.String(), fmt.Sprintf("%#v", c))
		})
	}
}

func TestOptionsNeverPrintCredentials(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Option{
		"WithAPIKey":                 WithAPIKey(testAPIKey, testRunAs),
		"WithRunAsPassword":          WithRunAsPassword(leakRunAsPW),
		"WithOAuthClientCredentials": WithOAuthClientCredentials("client-1", leakOAuthSecret),
		"WithHTTPClient":             WithHTTPClient(&http.Client{}),
		"WithUserAgent":              WithUserAgent("bot/1"),
		"WithRetries":                WithRetries(1, 0, 0),
		"WithoutRetries":             WithoutRetries(),
		"WithAllowHTTP":              WithAllowHTTP(),
		"WithLogger":                 WithLogger(slog.Default()),
	} {
		assertNoLeakUnderVerbs(t, name, o)
		assertNoLeakUnderVerbs(t, name+" in a slice", []Option{o})
	}
	// NewClient's own errors never quote a credential either.
	for _, opts := range [][]Option{
		{WithAPIKey(testAPIKey, testRunAs), WithOAuthClientCredentials("id", leakOAuthSecret)},
		{WithOAuthClientCredentials("id", leakOAuthSecret), WithRunAsPassword(leakRunAsPW)},
		{WithAPIKey(testAPIKey+";", testRunAs)},
		{WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword(leakRunAsPW + "]")},
	} {
		_, err := NewClient(testBase, opts...)
		require.Error(t, err)
		assertNoLeakUnderVerbs(t, "NewClient error", err)
	}
}

// The server echoes the credentials it was sent (and the client's others)
// in an error message: the client scrubs every one it knows of, the
// session cookie included. (It cannot know another client's.)
func TestErrorsNeverPrintCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  []Option
		known []string
	}{
		{"api key", []Option{WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword(leakRunAsPW)}, []string{testAPIKey, leakRunAsPW, leakCookie}},
		{"oauth", []Option{WithOAuthClientCredentials("client-1", leakOAuthSecret)}, []string{leakOAuthSecret, leakBearer, leakCookie}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := leakyMock(t, tc.opts...)
			assertNoLeak := func(t *testing.T, what, s string) {
				t.Helper()
				for _, l := range tc.known {
					assert.NotContains(t, s, l, "%s leaks %q", what, l)
				}
			}
			assertNoLeakUnderVerbs := func(t *testing.T, what string, v any) {
				t.Helper()
				for _, verb := range verbs {
					assertNoLeak(t, what+" under "+verb, fmt.Sprintf(verb, v))
				}
			}
			resp, err := c.Requests.Checkin(context.Background(), 5, leakReason)
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			assert.ErrorIs(t, err, ErrNoPermission)
			assert.Contains(t, er.Message, "[REDACTED]")
			assertNoLeakUnderVerbs(t, "error", err)
			assertNoLeakUnderVerbs(t, "*ErrorResponse", er)
			assertNoLeakUnderVerbs(t, "ErrorResponse value", *er)
			assertNoLeakUnderVerbs(t, "Message", er.Message)
			assertNoLeakUnderVerbs(t, "*Response", resp)
			assertNoLeakUnderVerbs(t, "Response", *resp)
			assertNoLeakUnderVerbs(t, "*http.Response", resp.Response)
			assertNoLeakUnderVerbs(t, "Request", resp.Request)
			assertNoLeakUnderVerbs(t, "Request value", *resp.Request)
			assertNoLeakUnderVerbs(t, "Request header", resp.Request.Header)
			assert.Equal(t, fmt.Sprintf("&passwordsafe.ErrorResponse{StatusCode:403, Code:4031, Message:%q}", er.Message), fmt.Sprintf("%#v", er))
		})
	}
	ve := &ValidationError{Field: "Reason", Message: "too long"}
	assertNoLeakUnderVerbs(t, "ValidationError", ve)
}

func TestResponseKeepsNoSecret(t *testing.T) {
	t.Parallel()
	c, _ := leakyMock(t, WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword(leakRunAsPW))
	s, resp, err := c.Requests.Credentials(context.Background(), 5, nil)
	require.NoError(t, err)
	assert.Equal(t, leakCredential, s.Value())
	assert.Equal(t, http.NoBody, resp.Body)
	assert.Empty(t, resp.Header.Values("Set-Cookie"))
	assert.Empty(t, resp.Cookies())
	require.NotNil(t, resp.Request)
	assert.Empty(t, resp.Request.Header.Values("Authorization"))
	assert.Empty(t, resp.Request.Header.Values("Cookie"))
	assert.Nil(t, resp.Request.Body)
	for _, verb := range verbs {
		assertNoLeak(t, "Response "+verb, fmt.Sprintf(verb, resp))
		assertNoLeak(t, "http.Response "+verb, fmt.Sprintf(verb, *resp.Response))
		assertNoLeak(t, "http.Request "+verb, fmt.Sprintf(verb, *resp.Request))
	}
}

// Against a real server net/http fills Response.Request; it is scrubbed.
func TestResponseRequestScrubbedOverTheWire(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(signInHandler(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: leakCookie, Path: "/"})
		_, _ = io.WriteString(w, `{"RequestID":3}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/api", WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword(leakRunAsPW))
	require.NoError(t, err)
	_, resp, err := c.Requests.Create(context.Background(), &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 3, Reason: leakReason})
	require.NoError(t, err)
	require.NotNil(t, resp.Request)
	assert.Empty(t, resp.Request.Header.Get("Cookie"))
	assert.Empty(t, resp.Request.Header.Get("Authorization"))
	assert.Nil(t, resp.Request.Body)
	assert.Nil(t, resp.Request.GetBody)
	assert.Empty(t, resp.Header.Values("Set-Cookie"))
	assertNoLeak(t, "Response", fmt.Sprintf("%+v %+v %+v", resp, *resp.Response, *resp.Request))
}

type logRecord map[string]any

func parseLog(t *testing.T, s string) []logRecord {
	t.Helper()
	var out []logRecord
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r logRecord
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		out = append(out, r)
	}
	return out
}

func TestDebugLogFullRun(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]Option{
		"api key": {WithAPIKey(testAPIKey, testRunAs), WithRunAsPassword(leakRunAsPW)},
		"oauth":   {WithOAuthClientCredentials("client-1", leakOAuthSecret)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf logBuffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, mt := leakyMock(t, append(opts, WithLogger(logger))...)
			var signIns atomic.Int64
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/SignAppin", func(req *http.Request) (*http.Response, error) {
				n := signIns.Add(1)
				resp := httpmock.NewStringResponse(200, `{"UserId":7,"UserName":"tester","Name":"`+leakBody+`"}`)
				resp.Header.Add("Set-Cookie", fmt.Sprintf("ASP.NET_SessionId=%s-%d; path=/", leakCookie, n))
				return resp, nil
			})
			mt.RegisterResponder(http.MethodPost, testBase+"Requests", respond(201, `{"RequestID":5,"Note":"`+leakBody+`"}`))
			mt.RegisterResponder(http.MethodGet, testBase+"Requests",
				sequence(respond(503, `"`+leakBody+`"`), respond(502, ""), respond(200, `[{"Reason":"`+leakBody+`"}]`)))
			mt.RegisterResponder(http.MethodGet, testBase+"Aliases/1",
				sequence(respond(401, `"expired `+leakBody+`"`), respond(200, `{"AliasID":1}`)))
			mt.RegisterResponder(http.MethodPut, testBase+"Requests/5/Checkin", respond(204, ""))
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", respond(200, ""))
			ctx := context.Background()

			_, _, err := c.Requests.Create(ctx, &CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 3, Reason: leakReason})
			require.NoError(t, err)
			s, _, err := c.Requests.Credentials(ctx, 5, nil)
			require.NoError(t, err)
			assert.Equal(t, leakCredential, s.Value())
			_, _, err = c.Requests.List(ctx, nil) // two retries
			require.NoError(t, err)
			_, _, err = c.Aliases.Get(ctx, 1) // 401, re-sign-in, repeat
			require.NoError(t, err)
			_, err = c.Requests.Checkin(ctx, 5, leakReason)
			require.NoError(t, err)
			require.NoError(t, c.SignOut(ctx))

			out := buf.String()
			assertNoLeak(t, "debug log", out)
			assert.NotContains(t, out, "ASP.NET_SessionId")
			assert.NotContains(t, out, "PS-Auth")
			assert.NotContains(t, out, "Bearer")

			recs := parseLog(t, out)
			var attempts, signedIn []logRecord
			for _, r := range recs {
				assert.Equal(t, "DEBUG", r["level"])
				switch r["msg"] {
				case "passwordsafe: http attempt":
					attempts = append(attempts, r)
				case "passwordsafe: signed in":
					signedIn = append(signedIn, r)
				default:
					t.Errorf("unexpected record %v", r)
				}
			}
			// One record per HTTP attempt, the sign-in plumbing included.
			assert.Len(t, attempts, mt.GetTotalCallCount())
			assert.Len(t, signedIn, 2)
			for _, r := range attempts {
				for _, k := range []string{"method", "path", "status", "attempt", "duration"} {
					assert.Contains(t, r, k)
				}
				assert.NotContains(t, r["path"], "?")
				assert.False(t, strings.HasPrefix(r["path"].(string), "/"), "paths are relative: %v", r["path"])
			}
			var list []string
			for _, r := range attempts {
				if r["method"] == "GET" && r["path"] == "Requests" {
					list = append(list, fmt.Sprintf("%v/%v", r["status"], r["attempt"]))
				}
			}
			assert.Equal(t, []string{"503/1", "502/2", "200/3"}, list)
			var alias []string
			for _, r := range attempts {
				if r["path"] == "Aliases/1" {
					alias = append(alias, fmt.Sprintf("%v/%v", r["status"], r["attempt"]))
				}
			}
			assert.Equal(t, []string{"401/1", "200/1"}, alias, "the repeat after re-sign-in is a new call, not a retry")
		})
	}
}

func TestDebugLogTransportError(t *testing.T) {
	t.Parallel()
	var buf logBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, WithLogger(logger), WithRetries(1, 0, time.Millisecond))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", httpmock.NewErrorResponder(fmt.Errorf("dial failed")))
	_, _, err := c.Requests.List(context.Background(), nil)
	require.Error(t, err)
	out := buf.String()
	assert.Equal(t, 2, strings.Count(out, "path=Requests"))
	assert.Contains(t, out, "status=0")
	assert.Contains(t, out, "dial failed")
	assert.NotContains(t, out, testAPIKey)
	assert.NotContains(t, out, testSessionID)
}

func TestDebugLogRespectsLevel(t *testing.T) {
	t.Parallel()
	var buf logBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, mt := newMockClient(t, WithLogger(logger))
	mt.RegisterResponder(http.MethodGet, testBase+"Requests", respond(200, `[]`))
	_, _, err := c.Requests.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

// TestRedactionCoversEveryField fills every exported field of each type that
// holds a secret with a distinct value and checks that String, GoString,
// every fmt verb and LogValue name every field, show every plain value,
// and never the secret ones. A field added later is covered without
// touching this test.
func TestRedactionCoversEveryField(t *testing.T) {
	t.Parallel()
	for _, v := range []any{&CreateAdminSessionOptions{}, &CredentialSecretOptions{}, &TextSecretOptions{}} {
		rv := reflect.ValueOf(v).Elem()
		var secrets, plain []string
		for i := range rv.NumField() {
			f, ft := rv.Field(i), rv.Type().Field(i)
			if !ft.IsExported() {
				continue
			}
			val := fmt.Sprintf("v%02d-%s", i, ft.Name)
			secret := strings.HasSuffix(ft.Name, "Password")
			switch f.Kind() {
			case reflect.Struct:
				if ft.Type != reflect.TypeFor[Secret]() {
					t.Fatalf("%T.%s: a struct %s; teach this test its kind", v, ft.Name, ft.Type)
				}
				f.Set(reflect.ValueOf(NewSecret(val)))
				secret = true
			case reflect.Slice:
				switch ft.Type.Elem() {
				case reflect.TypeFor[SecretURL]():
					f.Set(reflect.ValueOf([]SecretURL{{URL: val}}))
				case reflect.TypeFor[SecretOwner]():
					f.Set(reflect.ValueOf([]SecretOwner{{GroupID: 40000 + i}}))
					val = strconv.Itoa(40000 + i)
				default:
					t.Fatalf("%T.%s: a slice of %s; teach this test its kind", v, ft.Name, ft.Type.Elem())
				}
			case reflect.String:
				f.SetString(val)
			case reflect.Bool:
				f.SetBool(true)
				val = "true"
			case reflect.Int:
				f.SetInt(int64(40000 + i))
				val = strconv.Itoa(40000 + i)
			case reflect.Pointer:
				p := reflect.New(ft.Type.Elem())
				switch p.Elem().Kind() {
				case reflect.Int:
					p.Elem().SetInt(int64(40000 + i))
					val = strconv.Itoa(40000 + i)
				case reflect.Bool:
					p.Elem().SetBool(true)
					val = "true"
				case reflect.String:
					p.Elem().SetString(val)
				default:
					t.Fatalf("%T.%s: a pointer to %s; teach this test its kind", v, ft.Name, ft.Type.Elem())
				}
				f.Set(p)
			default:
				t.Fatalf("%T.%s: kind %s; teach this test its kind", v, ft.Name, f.Kind())
			}
			switch {
			case secret:
				secrets = append(secrets, val)
			case f.Kind() == reflect.Slice: // the value sits inside the brackets
				plain = append(plain, ft.Name+":[", ft.Name, val, ft.Name)
			default:
				plain = append(plain, ft.Name+":"+val, ft.Name)
			}
		}
		require.NotEmpty(t, secrets, "%T holds no secret field", v)
		val := reflect.ValueOf(v).Elem().Interface()
		var logged bytes.Buffer
		slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "o", val)
		outs := map[string]string{
			"String":   val.(fmt.Stringer).String(),
			"GoString": val.(fmt.GoStringer).GoString(),
			"%v":       fmt.Sprintf("%v", v),
			"%+v":      fmt.Sprintf("%+v", val),
			"%#v":      fmt.Sprintf("%#v", v),
			"%s":       fmt.Sprintf("%s", val),
			"%q":       fmt.Sprintf("%q", v),
			"slog":     logged.String(),
		}
		for name, out := range outs {
			for _, s := range secrets {
				assert.NotContains(t, out, s, "%T %s", v, name)
			}
			assert.Contains(t, out, redacted, "%T %s", v, name)
			for i := 1; i < len(plain); i += 2 {
				assert.Contains(t, out, plain[i], "%T %s names every field", v, name)
			}
		}
		for i := 0; i < len(plain); i += 2 {
			assert.Contains(t, outs["String"], plain[i], "%T String shows every value", v)
		}
	}
}

// Logged with slog, an options value shows every field but its secrets:
// a nil pointer is left out, a set one shows what it points to, and the
// password reads [REDACTED].
func TestOptionsLogValue(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("session", "opts", CreateAdminSessionOptions{SessionType: SessionSSH, HostName: "db-01",
		Port: Ptr(2222), UserName: "root", Password: "Log-Pa55w0rd", RDPAdminSwitch: true})
	var line struct{ Opts map[string]any }
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line))
	assert.Equal(t, "db-01", line.Opts["HostName"])
	assert.Equal(t, 2222.0, line.Opts["Port"])
	assert.Equal(t, "[REDACTED]", line.Opts["Password"])
	assert.Equal(t, true, line.Opts["RDPAdminSwitch"])
	assert.Equal(t, "", line.Opts["DomainName"])
	assert.NotContains(t, line.Opts, "Record", "a nil pointer is left out")
	assert.NotContains(t, buf.String(), "Log-Pa55w0rd")
	assert.NotContains(t, buf.String(), "LogValue panicked")
}
