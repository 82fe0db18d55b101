package passwordsafetest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// One test per way a secret reached a recording before (issue 16): each
// plants a secret the way a server did, and the attacker's finder
// (recorder_leak_test.go) must find it in no file.

// teach is a credential answer that makes the secret known to the
// Recorder, as a JSON string.
func teach(secret string) leakStep {
	h, b := jsonAnswer(secret)
	return answer("Credentials/1001", h, b)
}

// replayed answers one call from a recording.
func replayed(t *testing.T, dir, method, target string) (*http.Response, []byte) {
	t.Helper()
	rp, err := passwordsafetest.NewReplayer(dir, passwordsafetest.IgnoreBodies())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, "https://elsewhere.example.test"+passwordsafetest.BasePath+target, nil)
	resp, err := rp.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestRecorderScrubsTextPlainCredentials(t *testing.T) {
	t.Parallel()
	const pw, isa, jsonish = "Tx7!pl-ain9Q", "Isa#T3xt-plain", "8]<CKWx"
	dir := recordSteps(t,
		answer("Credentials/1001", http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, []byte(pw+"\n")),
		typedAnswer("Credentials/1002", "text/plain", []byte(jsonish)), // starts as a JSON number would
		leakStep{method: "POST", target: "ISARequests?type=password", body: []byte(`{"SystemID":1,"AccountID":11}`),
			header: http.Header{"Content-Type": {"application/json"}}, status: http.StatusCreated,
			respHeader: http.Header{"Content-Type": {"text/plain"}}, respBody: []byte(isa)},
	)
	assertNoLeak(t, dir, pw, isa, jsonish)
	resp, b := replayed(t, dir, "GET", "Credentials/1001")
	if string(b) != "recorded-password-1" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || resp.Proto != "HTTP/1.1" || !resp.ProtoAtLeast(1, 1) {
		t.Errorf("replayed %q as %q, %s", b, resp.Header.Get("Content-Type"), resp.Proto)
	}
	// The files are indented, for a reader of the diff.
	if f, err := os.ReadFile(filepath.Join(dir, "0001-GET-Credentials_1001.json")); err != nil || !strings.HasPrefix(string(f), "{\n  \"request\": {\n    \"method\": \"GET\",\n") {
		t.Errorf("file %s (%v)", f, err)
	}
}

func TestRecorderScrubsDigitsOnlyPassword(t *testing.T) {
	t.Parallel()
	const pw = "48213377"
	h, echo := jsonAnswer(map[string]any{"Message": "rotated", "Previous": 48213377})
	dir := recordSteps(t,
		answer("Credentials/1001", http.Header{"Content-Type": {"application/json"}}, []byte(pw)),
		answer("Requests", h, echo),
	)
	assertNoLeak(t, dir, pw)
	if _, b := replayed(t, dir, "GET", "Credentials/1001"); string(b) != `"recorded-password-1"` {
		t.Errorf("replayed %s", b)
	}
}

// ansiColour matches the colour codes of a terminal.
var ansiColour = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestRecorderScrubsColouredTerminal(t *testing.T) {
	t.Parallel()
	const pw = "C0l0ur!ed-pw"
	screen := "\x1b[1;32mroot@web01\x1b[0m:~# echo \x1b[31m" + pw + "\x1b[0m\r\n" +
		"and split by colours: C0l0\x1b[33mur!ed\x1b[0m-pw\r\n"
	dir := recordSteps(t, teach(pw), typedAnswer("pbsm/replay/abc?screen=1", "text/plain", []byte(screen)))
	assertNoLeak(t, dir, pw)
	_, b := replayed(t, dir, "GET", "pbsm/replay/abc?screen=1")
	if plain := ansiColour.ReplaceAllString(string(b), ""); strings.Contains(plain, pw) || !strings.Contains(string(b), "\x1b[1;32mroot@web01") {
		t.Errorf("replayed screen %q", b)
	}
}

func TestRecorderScrubsLatin1Page(t *testing.T) {
	t.Parallel()
	const pw = "Pässwört-42x"
	l1, _ := latin1("<html><body>Wrong password: " + pw + "</body></html>")
	dir := recordSteps(t, teach(pw),
		leakStep{method: "GET", target: "Requests", status: http.StatusInternalServerError,
			respHeader: http.Header{"Content-Type": {"text/html; charset=iso-8859-1"}}, respBody: []byte(l1)})
	assertNoLeak(t, dir, pw)
}

func TestRecorderScrubsGzipBody(t *testing.T) {
	t.Parallel()
	const pw = "Gz1pped-Pa55"
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(`{"Message":"password ` + pw + ` was used"}`))
	_ = zw.Close()
	dir := recordSteps(t, teach(pw), leakStep{method: "GET", target: "Sessions", status: http.StatusBadRequest,
		respHeader: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}, respBody: buf.Bytes()},
		// gzip a proxy passed on without its Content-Encoding
		typedAnswer("Requests", "application/octet-stream", buf.Bytes()),
		// bytes that start as gzip does and are not
		typedAnswer("Nodes", "application/octet-stream", []byte("\x1f\x8b\x08 not gzip")),
		typedAnswer("Nodes/1", "application/octet-stream", []byte("\x1f\x8b\x08")))
	assertNoLeak(t, dir, pw)
	if _, b := replayed(t, dir, "GET", "Nodes"); string(b) != "\x1f\x8b\x08 not gzip" {
		t.Errorf("bytes that are not gzip replay as %q", b)
	}
	if _, b := replayed(t, dir, "GET", "Nodes/1"); string(b) != "\x1f\x8b\x08" {
		t.Errorf("a gzip header cut short replays as %q", b)
	}
	// The replay answers gzip, as the server did, with the placeholder.
	resp, b := replayed(t, dir, "GET", "Sessions")
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the replay is not gzip: %v", err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != `{"Message":"password recorded-password-1 was used"}` || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("replayed %s (%v)", plain, resp.Header)
	}
}

func TestRecorderScrubsDotNetEscapes(t *testing.T) {
	t.Parallel()
	const pw = `Qu"o+te<9z`
	page := `<script>var msg = "bad password \u0022Qu\u0022o\u002Bte\u003C9z\u0022, or \u0022Qu\u0022o\u002bte\u003c9z\u0022";</script>`
	dir := recordSteps(t, teach(pw), typedAnswer("Aliases", "text/html", []byte(page)))
	assertNoLeak(t, dir, pw)
}

func TestRecorderScrubsEscapedSlash(t *testing.T) {
	t.Parallel()
	const pw = "sl/ash/Pw9x"
	dir := recordSteps(t, teach(pw), typedAnswer("Aliases", "text/plain", []byte(`{"Message": "sl\/ash\/Pw9x"} (a PHP proxy)`)))
	assertNoLeak(t, dir, pw)
}

func TestRecorderScrubsLowerCasePercent(t *testing.T) {
	t.Parallel()
	const pw = "lo/w%er+Pw"
	page := `<a href="/login?next=%2f&amp;p=lo%2fw%25er%2bPw">again</a>`
	dir := recordSteps(t, teach(pw), typedAnswer("Aliases", "text/html", []byte(page)))
	assertNoLeak(t, dir, pw)
}

func TestRecorderScrubsFiveCharacterPassword(t *testing.T) {
	t.Parallel()
	const pw = "Xq7#z"
	h, echo := jsonAnswer("4031 - Xq7#z may not be used here.")
	dir := recordSteps(t, teach(pw), leakStep{method: "GET", target: "Aliases", status: http.StatusForbidden, respHeader: h, respBody: echo})
	assertNoLeak(t, dir, pw)
}

func TestRecorderScrubsBase64Echo(t *testing.T) {
	t.Parallel()
	const pw = "B64-echo!Pw"
	page := "Basic " + base64.StdEncoding.EncodeToString([]byte("svc:"+pw)) +
		"\nurl-safe " + base64.RawURLEncoding.EncodeToString([]byte("x"+pw)) +
		"\nwrapped " + base64.StdEncoding.EncodeToString([]byte("ab" + pw))[:8] + "\n" + base64.StdEncoding.EncodeToString([]byte("ab" + pw))[8:]
	dir := recordSteps(t, teach(pw), typedAnswer("Aliases", "text/plain", []byte(page)))
	assertNoLeak(t, dir, pw)
}

func TestRecorderScrubsHTMLEntityEcho(t *testing.T) {
	t.Parallel()
	const pw = `am&p<er"s9`
	page := "<p>" + html.EscapeString(pw) + "</p><p>" + numericEntities(pw) + "</p><p>am&#x26;p&lt;er&quot;s9</p>"
	dir := recordSteps(t, teach(pw), typedAnswer("Aliases", "text/html", []byte(page)))
	assertNoLeak(t, dir, pw)
}

// A password echoed (in an answer, in a path) before the call that
// taught it: the file written first is scrubbed again, and renamed.
func TestRecorderScrubsASecretEchoedBeforeItIsLearnt(t *testing.T) {
	t.Parallel()
	const pw, later = "Ear1y-Ech0!", "L4ter-Ech0?"
	h, echo := jsonAnswer("No alias named " + pw + " for " + later + ".")
	second := teach(later)
	second.target = "Credentials/1002"
	dir := recordSteps(t,
		leakStep{method: "GET", target: "Aliases/" + url.PathEscape(pw), status: http.StatusNotFound, respHeader: h, respBody: echo},
		teach(pw),
		second, // the first file is scrubbed again, under its new name
	)
	assertNoLeak(t, dir, pw, later)
	if names := dirNames(t, dir); names != "0001-GET-Aliases_recorded-password-1.json 0002-GET-Credentials_1001.json 0003-GET-Credentials_1002.json" {
		t.Errorf("files %s", names)
	}
	if f, _ := os.ReadFile(filepath.Join(dir, "0001-GET-Aliases_recorded-password-1.json")); !strings.Contains(string(f), `"No alias named recorded-password-1 for recorded-password-2."`) {
		t.Errorf("the first file: %s", f)
	}
}

func TestRecorderScrubsNestedPassword(t *testing.T) {
	t.Parallel()
	const pw = "N3sted-Pw!"
	h, b := jsonAnswer(map[string]any{"Data": []any{map[string]any{"AccountName": "root", "Credential": map[string]any{"Value": pw}}}})
	dir := recordSteps(t, answer("ManagedAccounts", h, b))
	assertNoLeak(t, dir, pw)
}

func TestRecorderScrubsPasswordQueryParameter(t *testing.T) {
	t.Parallel()
	const pw, other, short = "se;mi-pw9", "Mixed%Case", "Pwd-0f-psrun"
	h, b := jsonAnswer([]string{})
	dir := recordSteps(t, answer("Users?password=se;mi-pw9&name=x", h, b), answer("Users?PassWord="+url.QueryEscape(other), h, b),
		answer("Users?pwd="+url.QueryEscape(short), h, b))
	assertNoLeak(t, dir, pw, other, short)
}

func TestRecorderScrubsSecretInPath(t *testing.T) {
	t.Parallel()
	const pw = "Pa th/Secret:7"
	h, b := jsonAnswer([]string{})
	dir := recordSteps(t, teach(pw), answer("Users/"+url.PathEscape(pw)+"/UserGroups", h, b))
	assertNoLeak(t, dir, pw)
	if names := dirNames(t, dir); !strings.Contains(names, "0002-GET-Users_recorded-password-1_UserGroups.json") {
		t.Errorf("files %s", names)
	}
}

func TestRecorderScrubsSecretsSafeValues(t *testing.T) {
	t.Parallel()
	const (
		password = "SsPw!cred-1"
		text     = "Ss-Text-Value-9"
		file     = "FileSecret\x00Body-77"
		created  = "Create-Text-Secret-5"
		uploaded = "Upload-File-Secret-8"
		updated  = "Upd4ted-Cred-Pw"
	)
	h, list := jsonAnswer([]map[string]any{
		{"Id": "a1", "Title": "db", "SecretType": "Credential", "Username": "svc", "Password": password},
		{"Id": "a2", "Title": "note", "SecretType": "Text", "Text": text},
	})
	var upload bytes.Buffer
	mw := multipart.NewWriter(&upload)
	meta, _ := mw.CreateFormField("secretmetadata")
	_, _ = meta.Write([]byte(`{"Title":"cert","FileName":"cert.pem"}`))
	fw, _ := mw.CreateFormFile("file", "cert.pem")
	_, _ = fw.Write([]byte(uploaded))
	_ = mw.Close()
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	dir := recordSteps(t,
		answer("Secrets-Safe/Secrets?path=prod&decrypt=true", h, list),
		typedAnswer("Secrets-Safe/Secrets/a3/file/download", "application/octet-stream", []byte(file)),
		leakStep{method: "POST", target: "Secrets-Safe/Folders/f1/secrets/text", header: jsonHeader,
			body: []byte(`{"Title":"api","Text":"` + created + `"}`), status: http.StatusCreated, respHeader: h, respBody: []byte(`{"Id":"a4"}`)},
		leakStep{method: "POST", target: "Secrets-Safe/Folders/f1/secrets/file", header: http.Header{"Content-Type": {mw.FormDataContentType()}},
			body: upload.Bytes(), status: http.StatusCreated, respHeader: h, respBody: []byte(`{"Id":"a5"}`)},
		leakStep{method: "PUT", target: "Secrets-Safe/Secrets/a1/credential", header: jsonHeader,
			body: []byte(`{"Title":"db","Username":"svc","Password":"` + updated + `"}`), status: http.StatusNoContent},
	)
	assertNoLeak(t, dir, password, text, file, created, uploaded, updated)
	if _, b := replayed(t, dir, "GET", "Secrets-Safe/Secrets/a3/file/download"); string(b) != "recorded-file-1" {
		t.Errorf("the file replays as %q", b)
	}
}

func TestRecorderScrubsSSHKeyOnATerminalWithCRLF(t *testing.T) {
	t.Parallel()
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\n" +
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" +
		"QyNTUxOQAAACBxY2V4cGxlLWtleS1mb3ItdGhlLXRlcm1pbmFsLXRlc3QAAAAAAAAAAAAA\n" +
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB0ZXJtaW5hbC10ZXN0LWtleS1zZWNvbmQtbGluZQ\n" +
		"-----END OPENSSH PRIVATE KEY-----\n"
	lines := strings.Split(strings.TrimSpace(key), "\n")
	screen := "root@web01:~# cat .ssh/id_ed25519\r\n" + strings.ReplaceAll(key, "\n", "\r\n") +
		"root@web01:~# clear; tail -2 .ssh/id_ed25519\r\n" + strings.Join(lines[3:], "\r\n") + "\r\n"
	h, b := jsonAnswer(key)
	dir := recordSteps(t, answer("Credentials/1001?type=dsskey", h, b), typedAnswer("pbsm/replay/abc?screen=1", "text/plain", []byte(screen)))
	assertNoLeak(t, dir, key)
	for _, line := range lines[1:4] {
		assertNoLeak(t, dir, line)
	}
	// The replay answers a key, made from the placeholder's name.
	_, replayedKey := replayed(t, dir, "GET", "Credentials/1001?type=dsskey")
	var pemKey string
	if err := json.Unmarshal(replayedKey, &pemKey); err != nil || !strings.HasPrefix(pemKey, "-----BEGIN PRIVATE KEY-----\nComment: recorded-private-key-1\n") {
		t.Errorf("replayed key %s (%v)", replayedKey, err)
	}
}

// One Recorder serves several clients at once: every call gets its file,
// numbered in turn, and the key they share is in none.
func TestRecorderServesClientsConcurrently(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch))
	through := passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(dir, nil)})
	const clients, calls = 6, 4
	errs := make(chan error, clients)
	for i := range clients {
		c := srv.Client(t, []string{"requestor", "admin", "reqapprover"}[i%3], through)
		go func() {
			var err error
			for range calls {
				if _, _, e := c.Requests.List(bg, nil); e != nil {
					err = e
				}
			}
			errs <- err
		}()
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	names := strings.Fields(dirNames(t, dir))
	if len(names) != clients*(calls+1) { // each signs in first
		t.Fatalf("%d files: %v", len(names), names)
	}
	for i, n := range names {
		if !strings.HasPrefix(n, fmt.Sprintf("%04d-", i+1)) {
			t.Errorf("file %d is %s", i+1, n)
		}
	}
	assertNoLeak(t, dir, srv.APIKey())
}

// A file uploaded anywhere (a part with a file name) is a secret whole.
func TestRecorderScrubsFileUploadsAnywhere(t *testing.T) {
	t.Parallel()
	const content = "id_ed25519 c0ntent-0f-a-file"
	var upload bytes.Buffer
	mw := multipart.NewWriter(&upload)
	fw, _ := mw.CreateFormFile("upload", "notes.txt")
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	dir := recordSteps(t, leakStep{method: "POST", target: "Attachments", header: http.Header{"Content-Type": {mw.FormDataContentType()}},
		body: upload.Bytes(), status: http.StatusNoContent})
	assertNoLeak(t, dir, content)
}

// A file secret whose content happens to be JSON (a service account's key
// file, a token cache) or a bare number is a secret whole all the same:
// its fields are not judged by their names.
func TestRecorderScrubsJSONFileUploads(t *testing.T) {
	t.Parallel()
	for i, content := range []string{`{"type":"service_account","token":"J50n-f1le-c0ntent"}`, `48151623420815`, `{"token":"J50n-f1le-c0ntent"}`} {
		var upload bytes.Buffer
		mw := multipart.NewWriter(&upload)
		meta, _ := mw.CreateFormField("secretmetadata")
		_, _ = meta.Write([]byte(`{"Title":"sa","FileName":"sa.json"}`))
		var fw io.Writer
		if i < 2 {
			fw, _ = mw.CreateFormFile("file", "sa.json")
		} else {
			fw, _ = mw.CreateFormField("file") // Secrets Safe's part "file", without a file name
		}
		_, _ = fw.Write([]byte(content))
		_ = mw.Close()
		dir := recordSteps(t, leakStep{method: "POST", target: "Secrets-Safe/Folders/f1/secrets/file",
			header: http.Header{"Content-Type": {mw.FormDataContentType()}}, body: upload.Bytes(),
			status: http.StatusCreated, respHeader: http.Header{"Content-Type": {"application/json"}}, respBody: []byte(`{"Id":"a5"}`)})
		assertNoLeak(t, dir, "J50n-f1le-c0ntent", "48151623420815")
	}
}

// A file that cannot be written fails its call, and the recording goes on
// from there once it can: the numbers stay in turn.
func TestRecorderRecoversFromAFailedWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h, b := jsonAnswer([]string{})
	steps := []leakStep{answer("Requests", h, b), answer("Aliases", h, b), answer("Aliases", h, b), teach("Af7er-a-fa1lure")}
	hc := &http.Client{Transport: passwordsafetest.NewRecorder(dir, &answers{steps: steps})}
	get := func(target string) error {
		resp, err := hc.Get("https://vault.example.test" + passwordsafetest.BasePath + target)
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}
	if err := get("Requests"); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(dir, "0002-GET-Aliases.json")
	if err := os.Mkdir(blocker, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := get("Aliases"); err == nil || !strings.Contains(err.Error(), "passwordsafetest: recording GET") {
		t.Errorf("a file that cannot be written: %v", err)
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"Aliases", "Credentials/1001"} {
		if err := get(target); err != nil {
			t.Fatal(err)
		}
	}
	if names := dirNames(t, dir); names != "0001-GET-Requests.json 0002-GET-Aliases.json 0003-GET-Credentials_1001.json" {
		t.Errorf("files %s", names)
	}
}

// A base path without the API's usual one names files from the whole
// path; the Replayer reads only recording files, not a directory that
// looks like one.
func TestRecorderAtAnotherBasePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h, b := jsonAnswer([]string{})
	hc := &http.Client{Transport: passwordsafetest.NewRecorder(dir, &answers{steps: []leakStep{answer("", h, b)}})}
	resp, err := hc.Get("https://proxy.example.test/ps/Requests/")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if names := dirNames(t, dir); names != "0001-GET-ps_Requests.json" {
		t.Errorf("files %s", names)
	}
	if err := os.Mkdir(filepath.Join(dir, "0002-GET-Aliases.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	rp, err := passwordsafetest.NewReplayer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if u := rp.Unplayed(); len(u) != 1 || u[0] != "0001-GET-ps_Requests.json: GET /ps/Requests/" {
		t.Errorf("unplayed %q", u)
	}
}
