package passwordsafetest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScrubAuthorization(t *testing.T) {
	s := newScrubber()
	for _, tc := range []struct{ in, want string }{
		{"PS-Auth key=K3y-1; runas=DOMAIN\\svc; pwd=[p;a]ss];", "PS-Auth key=recorded-api-key-1; runas=DOMAIN\\svc; pwd=[recorded-run-as-password-1];"},
		{"PS-Auth key=K3y-1;runas=svc", "PS-Auth key=recorded-api-key-1; runas=svc;"},
		{"ps-auth key=K3y-2; runas=svc; challenge=123456;", "PS-Auth key=recorded-api-key-2; runas=svc; challenge=recorded-authorization-1;"},
		{"Bearer tok-en", "Bearer recorded-token-1"},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("client:s%3Acret")), "Basic " + base64.StdEncoding.EncodeToString([]byte("client:recorded-client-secret-1"))},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("my%20client:an0ther")), "Basic " + base64.StdEncoding.EncodeToString([]byte("my%20client:recorded-client-secret-2"))}, // the ID as sent
		{"Negotiate abc", "recorded-authorization-2"},
		{"PS-Auth key=K3y-1; runas=svc; pwd=[];", "PS-Auth key=recorded-api-key-1; runas=svc; pwd=[];"},
		{"PS-Auth pwd=[no-end; runas=svc", "PS-Auth pwd=recorded-authorization-3; runas=svc;"},
	} {
		if got := s.authorization(tc.in); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
	// Every secret is known for net, in the form it is used.
	for _, v := range []string{"K3y-1", "p;a]ss", "tok-en", "s:cret", "123456"} {
		if _, ok := s.byValue[v]; !ok {
			t.Errorf("%q is not known as a secret", v)
		}
	}
	if _, ok := s.byValue["svc"]; ok {
		t.Error("the run-as user is taken for a secret")
	}
}

func TestScrubCookies(t *testing.T) {
	s := newScrubber()
	if got := s.cookies("ASP.NET_SessionId=abc; other=def"); got != "ASP.NET_SessionId=recorded-cookie-1; other=recorded-cookie-2" {
		t.Errorf("Cookie: %q", got)
	}
	if got := s.setCookie("ASP.NET_SessionId=abc; Domain=vault.corp.example; Path=/; Secure; HttpOnly"); got != "ASP.NET_SessionId=recorded-cookie-1; Path=/; HttpOnly; Secure" {
		t.Errorf("Set-Cookie: %q", got)
	}
	if got := s.setCookie("no-equals-sign"); got != "" {
		t.Errorf("an unreadable Set-Cookie is kept: %q", got)
	}
}

func TestScrubJSONKeepsOrderAndScrubsSecretFields(t *testing.T) {
	s := newScrubber()
	in := `{"Z":1.50,"password":"p1","A":[1e3,true,null],"Nested":{"PrivateKey":"-----BEGIN\nkey\u00e9","Keys":{"Passphrase":["pp1","pp2"]}},"Name":"<b>&\"q\"","access_token":"t"}`
	got := string(s.json([]byte(in), callRoute{}))
	want := `{"Z":1.50,"password":"recorded-password-1","A":[1e3,true,null],"Nested":{"PrivateKey":"` + jsonEscape(pemPlaceholder("recorded-private-key-1")) + `","Keys":{"Passphrase":["recorded-passphrase-1","recorded-passphrase-2"]}},"Name":"<b>&\"q\"","access_token":"recorded-token-1"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := string(s.json([]byte(` [ "a" , {"x" : "y"} ] `), callRoute{})); got != `["a",{"x":"y"}]` {
		t.Errorf("compacted: %s", got)
	}
}

func TestScrubAnswers(t *testing.T) {
	answer := func(s *scrubber, method, target string, status int, body string) recordedResponse {
		t.Helper()
		req, err := http.NewRequest(method, "https://vault.example.test"+BasePath+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{
			"Content-Type": {"application/json"}, "Date": {"today"}, "X-Request-Id": {"42"},
			"Set-Cookie": {"ASP.NET_SessionId=zzz; path=/"},
		}}
		return s.exchange(req, nil, resp, []byte(body)).Response
	}
	s := newScrubber()
	for _, tc := range []struct {
		method, target string
		status         int
		body, want     string
	}{
		{"GET", "Credentials/12", 200, `"pw1"`, `"recorded-password-1"`},
		{"GET", "credentials/12?TYPE=DSSKey", 200, `"key1"`, `"` + jsonEscape(pemPlaceholder("recorded-private-key-1")) + `"`},
		{"GET", "Credentials/12?type=passphrase", 200, `"pp1"`, `"recorded-passphrase-1"`},
		{"POST", "ISARequests?type=password", 201, `"pw2"`, `"recorded-password-2"`},
		{"POST", "ISARequests", 201, `{"Credentials":"pw3"}`, `{"Credentials":"recorded-password-3"}`},
		{"GET", "Credentials/12", 403, `"4034 - Request is not yet approved."`, `"4034 - Request is not yet approved."`},
		{"GET", "Aliases/1", 200, `{"AliasName":"web-root"}`, `{"AliasName":"web-root"}`},
		{"GET", "Sessions/7001", 200, `"not a credential"`, `"not a credential"`},
	} {
		got := answer(s, tc.method, tc.target, tc.status, tc.body)
		if string(got.Body) != tc.want {
			t.Errorf("%s %s %d: %s, want %s", tc.method, tc.target, tc.status, got.Body, tc.want)
		}
		if len(got.Header) != 2 || got.Header.Get("Set-Cookie") != "ASP.NET_SessionId=recorded-cookie-1; Path=/" {
			t.Errorf("headers kept: %v", got.Header)
		}
	}
	text := answer(s, "GET", "pbsm/replay/x?screen=1", 200, "root@web01:~# ")
	bin := answer(s, "GET", "pbsm/replay/x?png=1", 200, "\x89PNG\r\n\x1a\n\x00")
	if text.Text != "root@web01:~# " || bin.Base64 == nil || text.Body != nil || bin.Text != "" {
		t.Errorf("text %+v, binary %+v", text, bin)
	}
}

func TestScrubRequests(t *testing.T) {
	s := newScrubber()
	req, _ := http.NewRequest("POST", "https://vault.example.test"+BasePath+"Auth/connect/token?password=qp", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "kept-out")
	call := func(body string) recordedRequest {
		return s.exchange(req, []byte(body), &http.Response{StatusCode: http.StatusOK}, nil).Request
	}
	got := call("grant_type=client_credentials&client_id=id&client_secret=s%26cret")
	if got.Text != "grant_type=client_credentials&client_id=id&client_secret=recorded-client-secret-1" {
		t.Errorf("form: %s", got.Text)
	}
	if got.Query != "password=recorded-password-1" || got.Header.Get("User-Agent") != "" {
		t.Errorf("query %q, header %v", got.Query, got.Header)
	}
	if _, ok := s.byValue["s&cret"]; !ok {
		t.Error("the client secret is not known unescaped")
	}
	admin := call(`{"HostName":"h","UserName":"u","Password":"adm"}`)
	if string(admin.Body) != `{"HostName":"h","UserName":"u","Password":"recorded-password-2"}` {
		t.Errorf("admin session body: %s", admin.Body)
	}
	if plain := call("just text"); plain.Text != "just text" {
		t.Errorf("text body: %q", plain.Text)
	}
}

func TestScrubNet(t *testing.T) {
	s := newScrubber()
	long := `a"b\c<d>&e/f+g h`
	s.placeholder(kindPassword, long)
	s.placeholder(kindPassword, "short")
	s.placeholder(kindAPIKey, "abcdefgh")
	s.placeholder(kindToken, "abcdefghij") // holds the key: replaced whole first
	file := strings.Join([]string{
		long, htmlJSONEscape(long), jsonEscape(long), url.QueryEscape(long), url.PathEscape(long),
		"short", "key abcdefgh", "token abcdefghij",
	}, "|")
	got := string(s.text([]byte(file)))
	want := strings.Join([]string{
		"recorded-password-1", "recorded-password-1", "recorded-password-1", "recorded-password-1", "recorded-password-1",
		"recorded-password-2", "key recorded-api-key-1", "token recorded-token-1",
	}, "|")
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestCallKey(t *testing.T) {
	a := callKey("get", "/BeyondTrust/api/public/v3/Sessions/", "userID=7&status=1&status=2")
	b := callKey("GET", "/beyondtrust/API/public/v3/sessions", "status=1&status=2&USERID=7")
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
	if c := callKey("GET", "/x/Sessions", "status=2&status=1"); c == callKey("GET", "/x/Sessions", "status=1&status=2") {
		t.Errorf("the order of a parameter's values is ignored: %q", c)
	}
	if c := callKey("GET", "/x/Users", "Password=s3cr3t&name=a+b"); c != "GET /x/users?name=a+b&password=..." {
		t.Errorf("a secret parameter is shown: %q", c)
	}
}

// A secret that starts with a quote or a backslash: its JSON-escaped form
// holds the raw one plus the escape, and is replaced whole, leaving no
// stray backslash (this once failed one random password in fifty).
func TestScrubNetEscapedFormFirst(t *testing.T) {
	for _, pw := range []string{`"leading-quote`, `\leading-backslash`, `trailing-quote"`, `mid"dle\pw`} {
		s := newScrubber()
		s.placeholder(kindPassword, pw)
		file := `{"Password":"` + jsonEscape(pw) + `"}|` + pw
		if got, want := string(s.text([]byte(file))), `{"Password":"recorded-password-1"}|recorded-password-1`; got != want {
			t.Errorf("%q: got %s, want %s", pw, got, want)
		}
	}
}

// htmlJSONEscape is v between the quotes of a JSON string, with HTML
// escapes (\u003c), as encoding/json writes it by default.
func htmlJSONEscape(v string) string {
	b, _ := json.Marshal(v)
	return string(b[1 : len(b)-1])
}

func TestDecodeExchangeRefusesWhatNoRecorderWrites(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{`{"request":{"method":"GET","path":"/x"},"response":{"status":200}}`, ""},
		{`{"request":{"method":"GET","path":"/x"},"response":{"status":99}}`, "status 99 is not an HTTP status"},
		{`{"request":{"method":"GET","path":"/x"},"response":{"status":1000}}`, "status 1000 is not an HTTP status"},
		{`{"request":{"method":"","path":"/x"},"response":{"status":200}}`, "no method or path"},
		{`{"request":{"method":"GET","path":""},"response":{"status":200}}`, "no method or path"},
		{`{"request":{"method":"GET","path":"/x"},"response":{"status":200}} {}`, "data after the exchange"},
		{`{"request":{"method":"GET","path":"/x","extra":1},"response":{"status":200}}`, "unknown field"},
	} {
		_, err := decodeExchange([]byte(tc.file))
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.file, err, tc.want)
		}
	}
}

func TestCanonicalize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		plus bool
		want string
	}{
		{"plain text", false, "plain text"},
		{"a%2fb%2Fc%41", false, "a/b/cA"},
		{"%C3%a4%e4%", false, "ää%"},                    // UTF-8 in escapes, a Latin-1 escape, a lone %
		{"%zz%4", false, "%zz%4"},                       // not escapes
		{`\u0022\u002B\u003c\U00e4`, false, `"+<ä`},     // .NET and Go JSON escapes, either case
		{`\ud83d\ude00 \ud83d`, false, "😀 \ufffd"},      // a surrogate pair; a lone high surrogate
		{`\ud83d\u0041`, false, "\ufffdA"},              // a high surrogate, then no low one
		{`\u12 \uZZZZ \u00`, false, `\u12 \uZZZZ \u00`}, // not escapes
		{`\x41\X42\/\\\"\'\n\t\r\b\f\q\`, false, "AB/\\\"'\n\t\r\b\f\\q\\"},
		{"&amp;&LT;&#39;&#x26;&#X3c;&bogus;&;", false, "&<'&<&bogus;&;"},
		{"a+b%2B", false, "a+b+"},
		{"a+b%2B", true, "a b+"},
		{"caf\xe9 \xff", false, "café ÿ"}, // Latin-1
		{"x\x1b[1;31my\x1b[0mz\x1b]0;title\x07w\x1b]2;t\x1b\\v\x1b(Bu\x1b", false, "xyzwvu"},
		{"a\r\nb\rc&#13;&#10;d%0D%0Ae", false, "a\nb\rc\nd\ne"},
		{"\x1b[", false, ""}, // an escape cut short
		{"\x1b]x", false, ""},
	} {
		c := canonicalize([]byte(tc.in), tc.plus)
		if string(c.b) != tc.want {
			t.Errorf("%q (plus %v): %q, want %q", tc.in, tc.plus, c.b, tc.want)
		}
		if !c.same && (len(c.from) != len(c.b) || len(c.to) != len(c.b)) {
			t.Errorf("%q: %d bytes, %d and %d sources", tc.in, len(c.b), len(c.from), len(c.to))
		}
	}
}

// Each secret is replaced where it stands in the original, escapes and
// all, and nothing around it is touched.
func TestReplaceSecretsInPlace(t *testing.T) {
	s := newScrubber()
	s.placeholder(kindPassword, `pä"ss/wd`)
	s.placeholder(kindPassword, "line one of a key\nline two of a key")
	s.placeholder(kindPassword, "a b+c")
	for _, tc := range []struct{ in, want string }{
		{`<p%C3%A4\u0022ss%2fwd>`, "<recorded-password-1>"},
		{"[p\xe4&quot;ss\\/wd]", "[recorded-password-1]"},
		{"(line one of a key\r\nline two of a key)", "(recorded-password-2)"},
		{"tail: line two of a key.", "tail: recorded-password-2."},
		{"q=a+b%2Bc&r=a%20b+c", "q=recorded-password-3&r=recorded-password-3"},
		{"recorded-password-1 stays", "recorded-password-1 stays"},
		{base64.StdEncoding.EncodeToString([]byte(`x:pä"ss/wd`)), base64.StdEncoding.EncodeToString([]byte("x:recorded-password-1"))},
		{"=" + base64.RawURLEncoding.EncodeToString([]byte(`pä"ss/wd!`)), "=" + base64.RawURLEncoding.EncodeToString([]byte("recorded-password-1!"))},
		{base64.StdEncoding.EncodeToString([]byte(`{"p":"p\u00e4\"ss\/wd"}`)), base64.StdEncoding.EncodeToString([]byte(`{"p":"recorded-password-1"}`))},
	} {
		if got := s.str(tc.in); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
	// A secret that looks escaped is found written as it is, and escaped.
	s4 := newScrubber()
	s4.placeholder(kindPassword, "ab%41cd")
	if got := s4.str("ab%41cd ab%2541cd"); got != "recorded-password-1 recorded-password-1" {
		t.Errorf("a secret with %%41: %q", got)
	}
	// A "secret" of terminal codes only decodes to nothing, and is found
	// nowhere (a terminal shows nothing of it).
	s5 := newScrubber()
	s5.placeholder(kindPassword, "\x1b[31m\x1b[0m")
	if got := s5.str("plain \x1b[31m\x1b[0m text"); got != "plain \x1b[31m\x1b[0m text" {
		t.Errorf("a secret of terminal codes: %q", got)
	}
	// A '+' in a secret is a '+', and a space only where a form wrote it.
	s6 := newScrubber()
	s6.placeholder(kindPassword, "x+y-z9")
	if got := s6.str("x y-z9 | x+y-z9 | x%2By-z9"); got != "x y-z9 | recorded-password-1 | recorded-password-1" {
		t.Errorf("a secret with '+': %q", got)
	}
	// Base64 of binary bytes around a secret.
	bin := base64.StdEncoding.EncodeToString(append([]byte{0xff, 0xfe, 0x00}, "x+y-z9"...))
	if got := s6.str(bin); got != base64.RawStdEncoding.EncodeToString(append([]byte{0xff, 0xfe, 0x00}, "recorded-password-1"...)) {
		t.Errorf("base64 of binary bytes: %q", got)
	}
	// A secret that is part of a placeholder's text is left in it.
	s3 := newScrubber()
	s3.placeholder(kindPassword, "password-1")
	if got := s3.str("recorded-password-1 and password-1"); got != "recorded-password-1 and recorded-password-1" {
		t.Errorf("inside a placeholder: %q", got)
	}
	// Overlapping finds: the longer wins.
	s2 := newScrubber()
	s2.placeholder(kindPassword, "abcdefgh")
	s2.placeholder(kindToken, "efghijkl")
	if got := s2.str("abcdefghijkl"); got != "recorded-password-1ijkl" {
		t.Errorf("overlap: %q", got)
	}
}

// A secret keeps its placeholder when another one holds it with spaces
// around, and learning nothing new does not make the files look again.
func TestScrubberLearnsEachSecretOnce(t *testing.T) {
	s := newScrubber()
	p1 := s.placeholder(kindPassword, "pass-word-1")
	g := s.generation
	p2 := s.placeholder(kindPassword, " pass-word-1\n")
	if p1 != "recorded-password-1" || p2 != "recorded-password-2" || s.byValue["pass-word-1"] != p1 {
		t.Errorf("placeholders %s %s, the first now %s", p1, p2, s.byValue["pass-word-1"])
	}
	if s.generation != g+1 {
		t.Errorf("generation %d after one new secret, was %d", s.generation, g)
	}
	if s.placeholder(kindPassword, "pass-word-1"); s.generation != g+1 {
		t.Error("a known secret counts as new")
	}
	if s.placeholder(kindPassword, "abc"); s.generation != g+1 {
		t.Error("a secret too short for the net counts for it")
	}
	if _, ok := s.byValue[""]; ok {
		t.Error("the empty string is a secret")
	}
	if got := s.placeholder(kindPassword, "recorded-password-2"); got != "recorded-password-2" || s.counts[kindPassword] != 3 {
		t.Errorf("a placeholder learnt as a secret: %s, %d passwords", got, s.counts[kindPassword])
	}
}

func TestRewriteJSONRefusesWhatIsNotJSON(t *testing.T) {
	keep := func(v jsonValue) (string, bool) { return v.text, v.str }
	for _, doc := range []string{`{"a":`, `{"a" 1}`, `[1,,2]`} {
		if out, err := rewriteJSON([]byte(doc), nil, keep); err == nil {
			t.Errorf("%s: %s, no error", doc, out)
		}
	}
}

// What the Recorder keeps of its files (for the fixtures' recording)
// follows them when a late secret rewrites and renames one.
func TestRecorderKeepsWhatItWrote(t *testing.T) {
	dir := t.TempDir()
	answers := []string{`"no alias Late-S3cret!"`, `"Late-S3cret!"`}
	n := 0
	rec := NewRecorder(dir, roundTripFunc(func(req *http.Request) (*http.Response, error) {
		n++
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(answers[n-1]))}, nil
	}))
	hc := &http.Client{Transport: rec}
	for _, target := range []string{"Aliases/Late-S3cret%21", "Credentials/1001"} {
		resp, err := hc.Get("https://vault.example.test" + BasePath + target)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	for i, f := range rec.files {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil || string(b) != string(f.data) {
			t.Errorf("file %d: kept %s as %s, on disk %s (%v)", i+1, f.name, f.data, b, err)
		}
		if want, _ := decodeExchange(b); string(rec.written[i].Response.Body) != string(want.Response.Body) {
			t.Errorf("file %d: kept %s, on disk %s", i+1, rec.written[i].Response.Body, want.Response.Body)
		}
	}
	if rec.files[0].name != "0001-GET-Aliases_recorded-password-1.json" {
		t.Errorf("the first file is %s", rec.files[0].name)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func TestRecordedBodyFilesByKind(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`: "body", "a\tb\r\n": "text", "a\x7fb": "base64", "a\x01b": "base64", "\xff": "base64", "": "none",
	} {
		var b recordedBody
		b.set([]byte(in))
		got := "none"
		switch {
		case b.Body != nil:
			got = "body"
		case b.Text != "":
			got = "text"
		case b.Base64 != nil:
			got = "base64"
		}
		if got != want || string(b.body()) != in {
			t.Errorf("%q filed as %s, want %s; reads back %q", in, got, want, b.body())
		}
	}
}

func TestRecordedRunAs(t *testing.T) {
	for header, want := range map[string]string{
		"PS-Auth key=recorded-api-key-1; runas=DOMAIN\\svc; pwd=[recorded-run-as-password-1];": `DOMAIN\svc`,
		"PS-Auth runas=svc;":                       "svc",
		"PS-Auth key=recorded-api-key-1; runas= ;": replayDefaultRunAs,
		"PS-Auth key=recorded-api-key-1;":          replayDefaultRunAs,
		"Bearer recorded-token-1":                  replayDefaultRunAs,
		"":                                         replayDefaultRunAs,
	} {
		if got := recordedRunAs(header); got != want {
			t.Errorf("%q: %q, want %q", header, got, want)
		}
	}
}

// Recording files are for people to read in a diff: indented, with <, >
// and & as they are.
func TestRecordingFilesAreReadable(t *testing.T) {
	b, err := encodeExchange(exchange{Request: recordedRequest{Method: "GET", Path: "/x"},
		Response: recordedResponse{Status: 200, recordedBody: recordedBody{Text: "<p>a & b</p>"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"text": "<p>a & b</p>"`) || !strings.Contains(string(b), "\n    \"status\": 200,\n") {
		t.Errorf("%s", b)
	}
}
