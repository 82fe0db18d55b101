package passwordsafe

// Fuzz targets for the hand-written decoders that fuzz_test.go does not
// cover: the new-session answer (Content-Disposition, file or JSON ticket),
// credentials, replay screens, Retry-After and Do's path. Seeds: below and
// in testdata/fuzz/<target>.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fuzzAnswer is an answer's headers and body, as a decoder is given them.
func fuzzAnswer(body []byte, header ...string) (http.Header, []byte) {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			h.Set(header[i], header[i+1])
		}
	}
	return h, body
}

// FuzzSessionTicket: decoding a new session's answer never panics, whatever
// the Content-Disposition, Content-Type and body. A file keeps the body as
// sent; its name is a bare file name (no directory, no control character,
// not "." or ".."); a JSON ticket comes only from valid JSON.
func FuzzSessionTicket(f *testing.F) {
	for _, s := range []struct{ cd, ct, body string }{
		{`attachment; filename="win01.rdp"`, "application/x-rdp", "full address:s:win01:3389\r\n"},
		{`attachment; filename=C:\exports\host.rdp`, "", "x"},
		{`attachment; filename="../../.bashrc"`, "application/octet-stream", "evil"},
		{`attachment; filename*=UTF-8''%E2%82%AC%20rates.rdp`, "", "x"},
		{`attachment; filename=".."`, "", "x"},
		{`inline`, "application/json", `{"ID":"1","Ticket":"t","Host":"h","Port":4489,"SessionID":"7001"}`},
		{``, ``, `{"SessionID":7001,"Port":"4422","ID":12}`},
		{``, ``, `  {"SessionID":null}`},
		{``, `application/problem+json`, `{"SessionID":"x"}`},
		{`attachment; filename="a\"b.rdp"`, "", "x"},
		{`attachment; filename=`, "", ""},
		{`;;;=;filename`, "text/plain", "plain"},
	} {
		f.Add(s.cd, s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, cd, ct string, body []byte) {
		typ, _ := parseDisposition(cd)
		if typ != strings.ToLower(typ) {
			t.Fatalf("disposition type %q from %q is not lower case", typ, cd)
		}
		tk, err := decodeTicket(fuzzAnswer(body, "Content-Disposition", cd, "Content-Type", ct))
		if err != nil {
			if tk != nil {
				t.Fatal("a ticket beside an error")
			}
			return
		}
		if tk.File != nil {
			if !bytes.Equal(tk.File, body) {
				t.Fatal("the file is not the body as sent")
			}
			checkFileName(t, tk.FileName, cd)
			return
		}
		if !json.Valid(body) {
			t.Fatalf("a JSON ticket from invalid JSON %q", body)
		}
	})
}

func checkFileName(t *testing.T, name, from string) {
	t.Helper()
	switch {
	case strings.ContainsAny(name, `/\`):
		t.Fatalf("file name %q from %q holds a path", name, from)
	case name == "." || name == "..":
		t.Fatalf("file name %q from %q", name, from)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		t.Fatalf("file name %q from %q holds a control character", name, from)
	case name != strings.TrimSpace(name):
		t.Fatalf("file name %q from %q has surrounding space", name, from)
	}
}

// FuzzCredentialAnswer: a credential answer never panics; a JSON string
// decodes to exactly its value; a failure is one fixed error that cannot
// quote the body; and the Secret never prints its value.
func FuzzCredentialAnswer(f *testing.F) {
	for _, s := range []struct{ ct, body string }{
		{"application/json", `"p@ss"`},
		{"application/json", `"Pa55w0rd-\u00e9\"quoted\""`},
		{"application/json", `"trunc`},
		{"application/json", `null`},
		{"application/json", `12345`},
		{"text/plain; charset=utf-8", `plain-secret`},
		{"text/plain", ` "half`},
		{"", `{"Password":"x"}`},
	} {
		f.Add(s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		orig := string(body)
		sec, err := decodeSecret(fuzzAnswer(bytes.Clone(body), "Content-Type", ct)) // it wipes the body
		if err != nil {
			// One of two fixed messages, whatever the body: it cannot quote it.
			if err != errSecretNotString && err != errSecretNotUTF8 {
				t.Fatalf("the error %q depends on the body", err)
			}
			return
		}
		if trimmed := strings.TrimSpace(orig); strings.HasPrefix(trimmed, `"`) {
			var want string
			if json.Unmarshal([]byte(trimmed), &want) != nil {
				t.Fatalf("decoded invalid JSON %q", orig)
			}
			if sec.Value() != want {
				t.Fatalf("decoded %q as %q", orig, sec.Value())
			}
		}
		const r = redacted
		if got := fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%d", sec, sec, sec, sec, sec, sec, sec); got != strings.Repeat(r+"|", 6)+r {
			t.Fatalf("the secret printed as %q", got)
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "s", sec)
		if !strings.Contains(buf.String(), `"s":"`+r+`"`) {
			t.Fatalf("slog wrote %s", buf.String())
		}
		if js, _ := json.Marshal(sec); string(js) != `"`+r+`"` {
			t.Fatalf("JSON %s", js)
		}
	})
}

// FuzzReplayScreen: reading a replay screen never panics, and a text/plain
// answer is taken exactly as sent.
func FuzzReplayScreen(f *testing.F) {
	for _, s := range []struct{ ct, body string }{
		{"text/plain", "$ ls\r\nfile\r\n"},
		{"text/plain", `"quoted line"`},
		{"application/json", `"$ ls\r\n"`},
		{"application/json", `{"screen":"$ "}`},
		{"application/json", `{"screen":5}`},
		{"application/json", `null`},
		{"", `{"screen":"x"`},
		{"application/json; charset=utf-8", ``},
	} {
		f.Add(s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		screen, err := decodeScreen(fuzzAnswer(body, "Content-Type", ct))
		if mt, _, perr := mime.ParseMediaType(ct); perr == nil && mt == "text/plain" && (err != nil || screen != string(body)) {
			t.Fatalf("text/plain %q read as %q, %v", body, screen, err)
		}
	})
}

// FuzzRetryAfter: any Retry-After reads as no wait or a wait of 0 or more,
// and one above 30 s ends the retries.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "7", " 30 ", "31", "-1", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "soon", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		resp := &http.Response{Header: http.Header{"Retry-After": {v}}}
		d, ok := retryAfter(resp)
		if !ok && d != 0 {
			t.Fatalf("no wait but %v from %q", d, v)
		}
		if d < 0 {
			t.Fatalf("wait %v from %q", d, v)
		}
		// Only a wait the client accepts reaches backoff, which waits it.
		if ok && d > maxRetryAfter {
			if shouldRetry(http.MethodGet, &http.Response{StatusCode: 429, Header: resp.Header}, nil) {
				t.Fatalf("retried after %q (%v)", v, d)
			}
		}
	})
}

// FuzzDoPath: a path Do accepts always resolves below the base URL, on the
// same host, so the session cookie never travels elsewhere.
func FuzzDoPath(f *testing.F) {
	for _, s := range []string{"AccessLevels", "/Sessions?status=1,2", "//evil.example/x", "https://evil.example/",
		"Aliases?name=a%20b", `\\evil.example\x`, "../../../etc", "a:b", "%2F%2Fevil", "x#frag", "?q=1", "/\t/evil"} {
		f.Add(s)
	}
	base, err := url.Parse("https://vault.example.test/BeyondTrust/api/public/v3/")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		p, q, err := splitPath(path)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T %v is not a *ValidationError", err, err)
			}
			return
		}
		if strings.Contains(p, "?") {
			t.Fatalf("path %q split as %q ? %q", path, p, q)
		}
		u := base.String() + p
		if q != "" {
			u += "?" + q
		}
		got, err := url.Parse(u)
		if err != nil {
			return // net/http refuses to send it
		}
		if got.Scheme != base.Scheme || got.Host != base.Host || got.User != nil {
			t.Fatalf("path %q sends the call to %s", path, got.Redacted())
		}
	})
}
