package passwordsafetest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// send makes one call to a replayer and returns the answer's status or
// the error.
func send(t *testing.T, rp *passwordsafetest.Replayer, method, target, contentType string, body []byte) (int, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, "https://elsewhere.example.test"+passwordsafetest.BasePath+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := rp.RoundTrip(req)
	if err != nil {
		return 0, nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, nil
}

func newReplayer(t *testing.T, dir string, opts ...passwordsafetest.ReplayOption) *passwordsafetest.Replayer {
	t.Helper()
	rp, err := passwordsafetest.NewReplayer(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rp
}

// recordRequests records two request creations and a check-in, with the
// bodies the SDK sends.
func recordRequests(t *testing.T) string {
	t.Helper()
	post := func(body string, id string) leakStep {
		return leakStep{method: "POST", target: "Requests", header: jsonHeader, body: []byte(body), status: http.StatusCreated,
			respHeader: jsonHeader, respBody: []byte(id)}
	}
	return recordSteps(t,
		post(`{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30,"Reason":"round trip"}`, "1001"),
		post(`{"AccessType":"SSH","SystemID":2,"AccountID":21,"DurationMinutes":30,"Reason":"round trip"}`, "1002"),
		leakStep{method: "PUT", target: "Requests/1001/Checkin", header: jsonHeader, body: []byte(`{"Reason":""}`), status: http.StatusNoContent},
	)
}

func TestReplayerNoticesAChangedBody(t *testing.T) {
	t.Parallel()
	dir := recordRequests(t)
	const first = `{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30,"Reason":"round trip"}`
	for _, tc := range []struct {
		name, body string
		want       []string // in the error, in order
	}{
		{"another reason", strings.Replace(first, "round trip", "changed", 1),
			[]string{`Reason: recorded "round trip", sent "changed"`}},
		{"a longer duration and another account", `{"AccessType":"SSH","SystemID":1,"AccountID":12,"DurationMinutes":60,"Reason":"round trip"}`,
			[]string{`AccountID: recorded 11, sent 12`, `DurationMinutes: recorded 30, sent 60`}},
		{"a field more", strings.Replace(first, `"Reason"`, `"ConflictOption":"reuse","Reason"`, 1),
			[]string{`ConflictOption: recorded nothing, sent "reuse"`}},
		{"a field less", `{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30}`,
			[]string{`Reason: recorded "round trip", sent nothing`}},
		{"not JSON", `SystemID=1`, []string{`the body: recorded JSON, sent a body that is not JSON`}},
		{"no body", ``, []string{`the body: recorded JSON, sent a body that is not JSON`}},
		{"two documents", first + ` {}`, []string{`the body: recorded JSON, sent a body that is not JSON`}},
	} {
		rp := newReplayer(t, dir)
		_, _, err := send(t, rp, "POST", "Requests", "application/json", []byte(tc.body))
		if err == nil {
			t.Errorf("%s: replayed", tc.name)
			continue
		}
		msg := err.Error()
		at := 0
		for _, w := range tc.want {
			i := strings.Index(msg[at:], w)
			if i < 0 {
				t.Errorf("%s: %q is not in\n%s", tc.name, w, msg)
				break
			}
			at += i + len(w)
		}
		if !strings.Contains(msg, "0001-POST-Requests.json") || !strings.Contains(msg, "IgnoreFields") {
			t.Errorf("%s: the error names no file or remedy:\n%s", tc.name, msg)
		}
	}
}

func TestReplayerMatchesBodiesByWhatTheySay(t *testing.T) {
	t.Parallel()
	dir := recordRequests(t)
	rp := newReplayer(t, dir)
	// The second recorded body first: each gets its own answer.
	for _, tc := range []struct{ body, want string }{
		{"{\n  \"Reason\": \"round trip\", \"DurationMinutes\": 30.0,\n \"AccountID\": 21, \"SystemID\": 2, \"AccessType\": \"SSH\"}", "1002"},
		{`{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30,"Reason":"round trip","TicketNumber":null}`, "1001"},
	} {
		if _, b, err := send(t, rp, "POST", "Requests", "application/json", []byte(tc.body)); err != nil || string(b) != tc.want {
			t.Errorf("%s: %s %v, want %s", tc.body, b, err, tc.want)
		}
	}
	// A field sent as "" and a field left out say the same.
	if status, _, err := send(t, rp, "PUT", "Requests/1001/Checkin", "application/json", []byte(`{}`)); err != nil || status != http.StatusNoContent {
		t.Errorf("check-in: %d %v", status, err)
	}
	if u := rp.Unplayed(); len(u) != 0 {
		t.Errorf("unplayed: %v", u)
	}
}

func TestReplayerOptionsRelaxTheMatch(t *testing.T) {
	t.Parallel()
	dir := recordRequests(t)
	changed := `{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30,"Reason":"backup of 2026-01-16"}`
	if _, b, err := send(t, newReplayer(t, dir, passwordsafetest.IgnoreFields("reason")), "POST", "Requests", "application/json", []byte(changed)); err != nil || string(b) != "1001" {
		t.Errorf("IgnoreFields: %s %v", b, err)
	}
	if _, _, err := send(t, newReplayer(t, dir, passwordsafetest.IgnoreFields("Reason")), "POST", "Requests", "application/json",
		[]byte(strings.Replace(changed, "30", "60", 1))); err == nil || !strings.Contains(err.Error(), "DurationMinutes") || strings.Contains(err.Error(), "Reason") {
		t.Errorf("IgnoreFields ignores only the fields named: %v", err)
	}
	if _, b, err := send(t, newReplayer(t, dir, passwordsafetest.IgnoreBodies()), "POST", "Requests", "text/plain", []byte("anything")); err != nil || string(b) != "1001" {
		t.Errorf("IgnoreBodies: %s %v", b, err)
	}
}

// A secret in a body is a placeholder in the recording: any value
// matches it, and a mismatch never shows the value sent.
func TestReplayerNeverShowsASecretSent(t *testing.T) {
	t.Parallel()
	const recorded, sent = "Adm1n-rec0rded!", "Adm1n-s3nt-n0w!"
	admin := func(pw, host string) []byte {
		return []byte(`{"SessionType":"sshticket","HostName":"` + host + `","UserName":"root","Password":"` + pw + `"}`)
	}
	dir := recordSteps(t, leakStep{method: "POST", target: "Sessions/Admin", header: jsonHeader, body: admin(recorded, "10.0.0.9"),
		status: http.StatusCreated, respHeader: jsonHeader, respBody: []byte(`{"SessionID":7001}`)})
	_, _, err := send(t, newReplayer(t, dir), "POST", "Sessions/Admin", "application/json", admin(sent, "10.0.0.10"))
	if err == nil || !strings.Contains(err.Error(), `HostName: recorded "10.0.0.9", sent "10.0.0.10"`) || strings.Contains(err.Error(), sent) || strings.Contains(err.Error(), "Password") {
		t.Errorf("another host: %v", err)
	}
	if _, b, err := send(t, newReplayer(t, dir), "POST", "Sessions/Admin", "application/json", admin(sent, "10.0.0.9")); err != nil || string(b) != `{"SessionID":7001}` {
		t.Errorf("another password: %s %v", b, err)
	}
}

// Where the recording holds a placeholder (a secret in a path or a
// query) or one of the fake's random values, any value matches.
func TestReplayerWildcards(t *testing.T) {
	t.Parallel()
	const pw = "Pa th/Secret:7"
	token := strings.Repeat("0123456789abcdef", 2)
	h, b := jsonAnswer([]string{})
	dir := recordSteps(t, teach(pw),
		answer("Users/Pa%20th%2FSecret:7/UserGroups?password=Pa%20th%2FSecret:7", h, b),
		leakStep{method: "POST", target: "pbsm/replay", header: jsonHeader, body: []byte(`{"id":"` + token + `","record_key":"k","protocol":"SSH"}`),
			respHeader: h, respBody: []byte(`{"id":"x"}`)},
		answer("pbsm/replay/"+token, h, b),
	)
	rp := newReplayer(t, dir)
	other := strings.Repeat("fedcba9876543210", 3)
	for _, c := range []struct{ method, target, body string }{
		{"GET", "Credentials/1001", ""},
		{"GET", "Users/someone-else/UserGroups?password=whatever", ""},
		{"POST", "pbsm/replay", `{"id":"` + other + `","record_key":"k","protocol":"SSH"}`},
		{"GET", "pbsm/replay/" + other, ""},
	} {
		var body []byte
		if c.body != "" {
			body = []byte(c.body)
		}
		if _, _, err := send(t, rp, c.method, c.target, "application/json", body); err != nil {
			t.Errorf("%s %s: %v", c.method, c.target, err)
		}
	}
	// A value that is not random stays compared.
	if _, _, err := send(t, newReplayer(t, dir), "POST", "pbsm/replay", "application/json", []byte(`{"id":"short","record_key":"k","protocol":"SSH"}`)); err == nil {
		t.Error("a value unlike the fake's random ones matched one")
	}
}

func TestReplayerComparesMultipartUploadsPartByPart(t *testing.T) {
	t.Parallel()
	upload := func(title, content string) (string, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf) // a new random boundary each time
		meta, _ := mw.CreateFormField("secretmetadata")
		_, _ = meta.Write([]byte(`{"Title":"` + title + `","FileName":"cert.pem"}`))
		fw, _ := mw.CreateFormFile("file", "cert.pem")
		_, _ = fw.Write([]byte(content))
		_ = mw.Close()
		return mw.FormDataContentType(), buf.Bytes()
	}
	ct, body := upload("cert", "Upl0ad-Secret-Content")
	dir := recordSteps(t, leakStep{method: "POST", target: "Secrets-Safe/Folders/f1/secrets/file", header: http.Header{"Content-Type": {ct}},
		body: body, status: http.StatusCreated, respHeader: jsonHeader, respBody: []byte(`{"Id":"a5"}`)})
	ct, body = upload("cert", "another content")
	if _, b, err := send(t, newReplayer(t, dir), "POST", "Secrets-Safe/Folders/f1/secrets/file", ct, body); err != nil || string(b) != `{"Id":"a5"}` {
		t.Errorf("the same upload: %s %v", b, err)
	}
	ct, body = upload("key", "Upl0ad-Secret-Content")
	if _, _, err := send(t, newReplayer(t, dir), "POST", "Secrets-Safe/Folders/f1/secrets/file", ct, body); err == nil ||
		!strings.Contains(err.Error(), `part "secretmetadata".Title: recorded "cert", sent "key"`) {
		t.Errorf("another title: %v", err)
	}
}

// Through the SDK, as a user's test meets it: a flow recorded from the
// fake, replayed with a changed Reason, fails with the difference.
func TestReplayerFailsAFlowWhoseRequestChanged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch))
	c := srv.Client(t, "requestor", passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(dir, nil)}))
	create := func(c *passwordsafe.Client, reason string) error {
		_, _, err := c.Requests.Create(bg, &passwordsafe.CreateRequestOptions{
			AccessType: passwordsafe.AccessSSH, SystemID: 1, AccountID: 11, DurationMinutes: 30, Reason: reason})
		return err
	}
	if err := create(c, "nightly backup"); err != nil {
		t.Fatal(err)
	}
	replay, err := passwordsafe.NewClient("https://vault.example.test", passwordsafe.WithAPIKey("k", "requestor"),
		passwordsafe.WithHTTPClient(&http.Client{Transport: newReplayer(t, dir)}), passwordsafe.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	err = create(replay, "weekly backup")
	if err == nil || !strings.Contains(err.Error(), `Reason: recorded "nightly backup", sent "weekly backup"`) {
		t.Errorf("a changed reason replayed: %v", err)
	}
	var er *passwordsafe.ErrorResponse
	if errors.As(err, &er) {
		t.Errorf("a replay mismatch looks like a server's answer: %v", er)
	}
}

// Bodies that are not JSON: text whole, forms by parameter, multipart
// uploads by part, binary bytes; and a body where none was recorded.
func TestReplayerComparesOtherBodies(t *testing.T) {
	t.Parallel()
	const form = "application/x-www-form-urlencoded"
	multi := func(boundary string, parts ...string) (string, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.SetBoundary(boundary)
		for i := 0; i+1 < len(parts); i += 2 {
			w, _ := mw.CreateFormField(parts[i])
			_, _ = w.Write([]byte(parts[i+1]))
		}
		_ = mw.Close()
		return mw.FormDataContentType(), buf.Bytes()
	}
	mct, mbody := multi("recorded-boundary", "meta", "plain", "file", "content")
	step := func(target, ct string, body []byte) leakStep {
		var h http.Header
		if ct != "" {
			h = http.Header{"Content-Type": {ct}}
		}
		return leakStep{method: "POST", target: target, header: h, body: body, status: http.StatusNoContent}
	}
	dir := recordSteps(t,
		step("Text", "text/plain", []byte("hello there")),
		step("Form", form, []byte("note=a&client_secret=s3cr3t-f0rm&n=1")),
		step("Multi", mct, mbody),
		step("Binary", "application/octet-stream", []byte{0, 1, 2, 0xff}),
		step("Nothing", "", nil),
		step("One", "text/plain", []byte("x")),
	)
	for _, tc := range []struct {
		target, ct, body, want string
	}{
		{"Text", "text/plain", "hello there", ""},
		{"Text", "text/plain", "bye", "the body: recorded 11 bytes, sent 3 bytes that differ"},
		{"Form", form, "n=1&client_secret=another&note=a", ""},
		{"Form", form, "note=b&client_secret=x&n=1", `note: recorded "a", sent "b"`},
		{"Binary", "application/octet-stream", "\x00\x01\x02\xff", ""},
		{"Binary", "application/octet-stream", "\x00\x01", "the body: recorded 4 bytes, sent 2 bytes that differ"},
		{"Nothing", "", "", ""},
		{"Nothing", "text/plain", "surprise", "the body: recorded nothing, sent a body of 8 bytes"},
		{"Nothing", "text/plain", "!", "the body: recorded nothing, sent a body of 1 bytes"},
		{"One", "text/plain", "y", "the body: recorded 1 bytes, sent 1 bytes that differ"},
	} {
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		_, _, err := send(t, newReplayer(t, dir), "POST", tc.target, tc.ct, body)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s %q: %v, want %q", tc.target, tc.body, err, tc.want)
		}
	}
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{"meta", "plain", "file", "content"}, ""},
		{[]string{"meta", "plain", "blob", "content"}, `part 2: recorded "file", sent "blob"`},
		{[]string{"meta", "changed", "file", "content"}, `part "meta": recorded 5 bytes, sent 7 bytes that differ`},
		{[]string{"meta", "plain", "file", "content", "more", "x"}, "the body: recorded 2 parts, sent 3"},
	} {
		ct, body := multi("live-boundary", tc.parts...)
		_, _, err := send(t, newReplayer(t, dir), "POST", "Multi", ct, body)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("multipart %q: %v, want %q", tc.parts, err, tc.want)
		}
	}
	for _, broken := range []string{"--live\r\nbroken", "--live\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\nplain, and no end"} {
		if _, _, err := send(t, newReplayer(t, dir), "POST", "Multi", "multipart/form-data; boundary=live", []byte(broken)); err == nil ||
			!strings.Contains(err.Error(), "the body: recorded a multipart body, sent one that does not read") {
			t.Errorf("a broken upload %q: %v", broken, err)
		}
	}
}

func TestReplayerComparesQueryValues(t *testing.T) {
	t.Parallel()
	h, b := jsonAnswer([]string{})
	dir := recordSteps(t, answer("Sessions?status=1&status=2&userID=7", h, b))
	for target, ok := range map[string]bool{
		"Sessions?userID=7&status=1&status=2":          true,
		"Sessions?status=1&userID=7":                   false,
		"Sessions?status=1&status=2&status=3&userID=7": false,
		"Sessions?status=2&status=1&userID=7":          false,
		"Sessions?status=1&status=2&userid=8":          false,
		"Sessions?status=1&status=2&user=7":            false,
	} {
		if _, _, err := send(t, newReplayer(t, dir), "GET", target, "", nil); (err == nil) != ok {
			t.Errorf("%s: %v", target, err)
		}
	}
}

// A mismatch lists eight differences, then how many more there are.
func TestReplayerListsEightDifferences(t *testing.T) {
	t.Parallel()
	body := func(v int) []byte {
		var fields []string
		for i := range 10 {
			fields = append(fields, fmt.Sprintf(`"F%d":%d`, i, v))
		}
		return []byte("{" + strings.Join(fields, ",") + "}")
	}
	dir := recordSteps(t, leakStep{method: "POST", target: "Things", header: jsonHeader, body: body(1), status: http.StatusNoContent})
	_, _, err := send(t, newReplayer(t, dir), "POST", "Things", "application/json", body(2))
	if err == nil || strings.Count(err.Error(), "recorded 1, sent 2") != 8 || !strings.Contains(err.Error(), "F7: recorded 1, sent 2\n\tand 2 more\n") {
		t.Errorf("%v", err)
	}
}

func TestReplayerComparesLists(t *testing.T) {
	t.Parallel()
	dir := recordSteps(t, leakStep{method: "POST", target: "RequestSets", header: jsonHeader,
		body: []byte(`{"AccessTypes":["View","SSH"],"Reason":"x"}`), status: http.StatusCreated, respHeader: jsonHeader, respBody: []byte(`{}`)})
	for body, want := range map[string]string{
		`{"AccessTypes":["View","SSH"],"Reason":"x"}`:       "",
		`{"AccessTypes":["RDP","SSH"],"Reason":"x"}`:        `AccessTypes[0]: recorded "View", sent "RDP"`,
		`{"AccessTypes":["View","SSH","App"],"Reason":"x"}`: "AccessTypes: recorded 2 elements, sent 3",
		`{"AccessTypes":"View","Reason":"x"}`:               `AccessTypes: recorded a list, sent "View"`,
		`["View"]`:                                          "the body: recorded an object, sent a list",
	} {
		_, _, err := send(t, newReplayer(t, dir), "POST", "RequestSets", "application/json", []byte(body))
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}

type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, errors.New("the body broke off") }
func (failingBody) Close() error             { return nil }

func TestReplayerReturnsABodyThatDoesNotRead(t *testing.T) {
	t.Parallel()
	dir := recordRequests(t)
	req, _ := http.NewRequest("POST", "https://vault.example.test"+passwordsafetest.BasePath+"Requests", failingBody{})
	if _, err := newReplayer(t, dir).RoundTrip(req); err == nil || err.Error() != "the body broke off" {
		t.Errorf("%v", err)
	}
}
