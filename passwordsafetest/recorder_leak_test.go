package passwordsafetest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// What an attacker who knows one secret does with a recording: look for
// the secret in every file, and in every file name, in every form a
// server, a proxy or a terminal could have written it in. The finder here
// knows nothing of how the Recorder scrubs.

// leakStep is one call through the Recorder and the answer the stub
// server gives it.
type leakStep struct {
	method, target string // target is below the API base, with its query
	header         http.Header
	body           []byte
	status         int
	respHeader     http.Header
	respBody       []byte
}

// answers is a server that gives each call the next step's answer.
type answers struct {
	steps []leakStep
	next  int
}

func (a *answers) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	st := a.steps[a.next]
	a.next++
	h := st.respHeader.Clone()
	if h == nil {
		h = http.Header{}
	}
	status := st.status
	if status == 0 {
		status = http.StatusOK
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(st.respBody)), Request: req}, nil
}

// recordSteps makes the calls through a Recorder in a fresh directory
// and returns it.
func recordSteps(t *testing.T, steps ...leakStep) string {
	t.Helper()
	return recordStepsIn(t, t.TempDir(), steps...)
}

// recordStepsIn records in dir, where the Recorder replaces an earlier
// recording.
func recordStepsIn(t *testing.T, dir string, steps ...leakStep) string {
	t.Helper()
	hc := &http.Client{Transport: passwordsafetest.NewRecorder(dir, &answers{steps: steps})}
	for _, st := range steps {
		var body io.Reader
		if st.body != nil {
			body = bytes.NewReader(st.body)
		}
		req, err := http.NewRequest(st.method, "https://vault.example.test"+passwordsafetest.BasePath+st.target, body)
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range st.header {
			req.Header[k] = vs
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", st.method, st.target, err)
		}
		got, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if !bytes.Equal(got, st.respBody) {
			t.Fatalf("%s %s: the caller got %q, not the server's answer", st.method, st.target, got)
		}
	}
	return dir
}

// Answers of the stub server.
func jsonAnswer(v any) (http.Header, []byte) {
	b, _ := json.Marshal(v)
	return http.Header{"Content-Type": {"application/json; charset=utf-8"}}, b
}

// typedAnswer builds a step that a GET of target answers with body, of the content type.
func typedAnswer(target, contentType string, body []byte) leakStep {
	return answer(target, http.Header{"Content-Type": {contentType}}, body)
}

// answer builds a step that a GET of target answers with h and body.
func answer(target string, h http.Header, body []byte) leakStep {
	return leakStep{method: "GET", target: target, respHeader: h, respBody: body}
}

// leakForms are the forms a secret could be written in, by name.
func leakForms(secret string) map[string]string {
	forms := map[string]string{"raw": secret}
	htmlJSON, _ := json.Marshal(secret)
	forms["JSON"] = string(htmlJSON[1 : len(htmlJSON)-1])
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	plain := strings.TrimSpace(buf.String())
	forms["JSON without HTML escapes"] = plain[1 : len(plain)-1]
	forms["JSON with \\/"] = strings.ReplaceAll(forms["JSON"], "/", `\/`)
	forms[".NET JSON"] = dotNetEscape(secret, "%04X")
	forms[".NET JSON, lower case"] = dotNetEscape(secret, "%04x")
	forms["query escape"] = url.QueryEscape(secret)
	forms["path escape"] = url.PathEscape(secret)
	forms["path escape, lower case"] = lowerPercent(url.PathEscape(secret))
	forms["query escape, lower case"] = lowerPercent(url.QueryEscape(secret))
	forms["every byte percent-escaped"] = percentAll(secret, "%%%02X")
	forms["every byte percent-escaped, lower case"] = percentAll(secret, "%%%02x")
	forms["HTML"] = html.EscapeString(secret)
	forms["HTML numeric entities"] = numericEntities(secret)
	if l1, ok := latin1(secret); ok {
		forms["Latin-1"] = l1
	}
	forms["in a file name"] = fileNameForm(secret)
	if strings.Contains(secret, "\n") {
		forms["CRLF"] = strings.ReplaceAll(secret, "\n", "\r\n")
	}
	for i, core := range base64Cores(secret) {
		forms[fmt.Sprintf("base64 core %d", i)] = core
	}
	return forms
}

// fileNameForm is the secret as a path segment becomes part of a file
// name: every character but letters, digits, '-' and '.' as '_'.
func fileNameForm(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.') {
			return r
		}
		return '_'
	}, s)
}

func dotNetEscape(s, hexFormat string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			continue
		}
		for _, u := range utf16Units(r) {
			b.WriteString(`\u` + fmt.Sprintf(hexFormat, u))
		}
	}
	return b.String()
}

func utf16Units(r rune) []rune {
	if r < 0x10000 {
		return []rune{r}
	}
	r -= 0x10000
	return []rune{0xD800 + r>>10, 0xDC00 + r&0x3ff}
}

func lowerPercent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			b.WriteString("%" + strings.ToLower(s[i+1:i+3]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func percentAll(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

func numericEntities(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "&#%d;", r)
	}
	return b.String()
}

func latin1(s string) (string, bool) {
	var b []byte
	for _, r := range s {
		if r > 0xff {
			return "", false
		}
		b = append(b, byte(r))
	}
	return string(b), true
}

// base64Cores are the parts of the base64 encoding of s that are the
// same wherever s starts in a longer encoded text, in both alphabets.
func base64Cores(s string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for shift := 0; shift < 3; shift++ {
			e := enc.EncodeToString(append(make([]byte, shift), s...))
			first := (shift*8 + 5) / 6     // the first character that is all s
			last := (shift+len(s))*8/6 - 1 // the last one
			if last-first+1 >= 6 {
				out = append(out, e[first:last+1])
			}
		}
	}
	return out
}

// findLeaks looks for each secret in every form, in each file of dir, in
// its name, in the strings of its JSON decoded, and in its base64 bodies
// decoded (and decompressed, when they are gzip).
func findLeaks(t *testing.T, dir string, secrets ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var leaks []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		texts := map[string][]byte{"the name": []byte(e.Name()), "the file": b}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s is not JSON: %v", e.Name(), err)
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, c := range x {
					walk(path+"."+k, c)
				}
			case []any:
				for i, c := range x {
					walk(fmt.Sprintf("%s[%d]", path, i), c)
				}
			case string:
				texts[path] = []byte(x)
				if strings.HasSuffix(path, ".base64") {
					raw, _ := base64.StdEncoding.DecodeString(x)
					texts[path+" decoded"] = raw
					if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
						plain, _ := io.ReadAll(zr)
						texts[path+" decompressed"] = plain
					}
				}
			}
		}
		walk("", doc)
		for _, secret := range secrets {
			for form, f := range leakForms(secret) {
				for where, text := range texts {
					if bytes.Contains(text, []byte(f)) {
						leaks = append(leaks, fmt.Sprintf("%s: %s holds the secret %q (%s)", e.Name(), where, secret, form))
					}
				}
			}
		}
	}
	return leaks
}

// assertNoLeak fails the test for each secret found in the recording.
func assertNoLeak(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	for _, l := range findLeaks(t, dir, secrets...) {
		t.Error(l)
	}
}
