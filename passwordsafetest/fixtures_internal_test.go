package passwordsafetest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// The fixtures are recorded from the fake, through a Recorder, by
// recordFixtures. TestFixtures fails when the fake's answers drift from
// the files (a status, a header, a field or its kind);
// `go test ./passwordsafetest -run TestFixtures -update` records them anew.
var update = flag.Bool("update", false, "record fixtures/*.json anew from the fake")

const fixturesDir = "fixtures"

// fixtureEpoch stops the fake's clock, so the fixtures' dates do not move
// when they are recorded anew.
var fixtureEpoch = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

// recordFixtures drives a fake through fixtureTable and returns each
// entry's recorded exchange, by name.
func recordFixtures(t *testing.T) map[string]exchange {
	t.Helper()
	srv := NewServer(t, WithTime(fixtureEpoch))
	rec := NewRecorder(t.TempDir(), srv.HTTPClient().Transport)
	vars := map[string]string{"oauthClientID": srv.OAuthClientID(), "oauthClientSecret": srv.OAuthClientSecret()}
	clients := map[string]*http.Client{}
	signedIn := map[string]bool{}
	client := func(user string) *http.Client {
		if clients[user] == nil {
			jar, _ := cookiejar.New(nil)
			clients[user] = &http.Client{Transport: rec, Jar: jar}
		}
		return clients[user]
	}
	do := func(user, call, body string, header http.Header) (int, []byte) {
		t.Helper()
		method, target, _ := strings.Cut(call, " ")
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, srv.URL()+target, rd)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case body == "":
		case strings.HasPrefix(body, "{"):
			req.Header.Set("Content-Type", "application/json")
		case strings.HasPrefix(body, "--"): // multipart; the first line is the boundary
			boundary, _, _ := strings.Cut(body[2:], "\r\n")
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		default:
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, vs := range header {
			req.Header[k] = vs
		}
		resp, err := client(user).Do(req)
		if err != nil {
			t.Fatalf("%s: %v", call, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s: %v", call, err)
		}
		return resp.StatusCode, b
	}
	signIn := func(user string) {
		t.Helper()
		u, ok := srv.User(user)
		if !ok {
			t.Fatalf("no user %q", user)
		}
		h := "PS-Auth key=" + srv.APIKey() + "; runas=" + user + ";"
		if u.RunAsPassword != "" {
			h += " pwd=[" + u.RunAsPassword + "];"
		}
		if status, b := do(user, "POST Auth/SignAppin", "", http.Header{"Authorization": {h}}); status != http.StatusOK {
			t.Fatalf("signing in as %s: %d %s", user, status, b)
		}
		signedIn[user] = true
	}

	at := map[string]int{} // the entry's file; read at the end, as a secret learnt late changes earlier files
	for _, spec := range fixtureTable {
		call, body := expandVars(t, spec.call, vars), expandVars(t, spec.body, vars)
		var status int
		var answer []byte
		if spec.method() == http.MethodPost && strings.EqualFold(spec.path(), "Auth/SignAppin") {
			signIn(spec.as)
		} else {
			if spec.as != "" && !signedIn[spec.as] {
				signIn(spec.as)
			}
			status, answer = do(spec.as, call, body, nil)
			if spec.status == 0 && (status < 200 || status > 299) || spec.status != 0 && status != spec.status {
				t.Fatalf("fixture %s: %s answered %d %s", spec.name, call, status, answer)
			}
		}
		at[spec.name] = len(rec.written) - 1
		saveVars(t, spec, answer, vars)
	}
	out := map[string]exchange{}
	for name, i := range at {
		out[name] = rec.written[i]
	}
	return out
}

var varRef = regexp.MustCompile(`\{[A-Za-z]+\}`)

// expandVars replaces each {var} by the value an earlier entry saved.
func expandVars(t *testing.T, s string, vars map[string]string) string {
	t.Helper()
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		v, ok := vars[ref[1:len(ref)-1]]
		if !ok {
			t.Fatalf("%s: no earlier fixture saves %s", s, ref)
		}
		return v
	})
}

// saveVars keeps what the entry's save asks for from its answer.
func saveVars(t *testing.T, spec fixtureSpec, answer []byte, vars map[string]string) {
	t.Helper()
	if spec.save == "" {
		return
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(string(answer)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("fixture %s: the answer %q is not JSON: %v", spec.name, answer, err)
	}
	for _, s := range strings.Split(spec.save, ",") {
		name, field, hasField := strings.Cut(s, "=")
		v := doc
		if hasField {
			obj, _ := doc.(map[string]any)
			v = obj[field]
		}
		if v == nil {
			t.Fatalf("fixture %s: nothing to save as %s in %s", spec.name, s, answer)
		}
		vars[name] = fmt.Sprint(v)
	}
}

func TestFixtures(t *testing.T) {
	fresh := recordFixtures(t)
	if *update {
		if err := os.MkdirAll(fixturesDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, ex := range fresh {
			b, err := encodeExchange(ex)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(fixturesDir, name+".json")
			if kept, err := os.ReadFile(file); err == nil && maskRandom(kept) == maskRandom(b) {
				continue // only the fake's random values differ: keep the file, and the diff small
			}
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(fixturesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if _, ok := fresh[name]; ok {
			continue
		}
		if *update {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is in no entry of fixtureTable: remove it, or run with -update", f)
	}
	for _, spec := range fixtureTable {
		b, err := os.ReadFile(filepath.Join(fixturesDir, spec.name+".json"))
		if err != nil {
			t.Errorf("fixture %s is not recorded: run go test ./passwordsafetest -run TestFixtures -update", spec.name)
			continue
		}
		kept, err := decodeExchange(b)
		if err != nil {
			t.Errorf("fixture %s: %v", spec.name, err)
			continue
		}
		if got, want := answerShape(t, kept.Response), answerShape(t, fresh[spec.name].Response); got != want {
			t.Errorf("fixture %s: the fake's answer changed shape; record anew with -update\nkept:  %s\nfresh: %s", spec.name, got, want)
		}
	}
}

// randomValue matches the values the fake draws at random on every
// recording: session tokens, record keys, tickets, replay IDs (runs of 32
// or more lower-case letters and digits), request set IDs (GUIDs).
var randomValue = regexp.MustCompile(`[0-9a-z]{32,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// maskRandom is a fixture file without its random values.
func maskRandom(file []byte) string { return randomValue.ReplaceAllString(string(file), "<random>") }

// answerShape describes an answer without its values: the status, the
// headers' names (and the content type), and the body's shape.
func answerShape(t *testing.T, r recordedResponse) string {
	t.Helper()
	var headers []string
	for k := range r.Header {
		headers = append(headers, k)
	}
	sort.Strings(headers)
	body := "none"
	switch {
	case r.Body != nil:
		body = strings.Join(jsonShape(t, r.Body), " ")
	case r.Text != "":
		body = "text"
	case r.Base64 != nil:
		body = "binary"
	}
	return fmt.Sprintf("%d %v %q %s", r.Status, headers, r.Header.Get("Content-Type"), body)
}

// jsonShape lists a JSON document's paths with their kinds, ignoring
// values and array lengths: {"A":[{"B":1}]} is [".A[].B:float64"]. A
// field that is null in one recording and set in another is the same
// field (EndTime, ApprovedDate), so null and string read alike.
func jsonShape(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(prefix+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(prefix+"[]", c)
			}
		case nil, string:
			set[prefix+":string|null"] = true
		default:
			set[fmt.Sprintf("%s:%T", prefix, x)] = true
		}
	}
	walk("", v)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFixturesEmbedded checks that the files compiled into the package
// read, and that each entry's call routes to the answer the table says.
func TestFixturesEmbedded(t *testing.T) {
	fs := Fixtures()
	if len(fs.Names()) != len(fixtureTable) {
		t.Fatalf("%d fixtures embedded, %d in the table", len(fs.Names()), len(fixtureTable))
	}
	routedBy := map[string]string{}
	for _, spec := range fixtureTable {
		if _, ok := routedBy[spec.routeKey()]; !ok && spec.answers() {
			routedBy[spec.routeKey()] = spec.name
		}
	}
	sample := map[string]string{}
	for _, spec := range fixtureTable {
		for _, ref := range varRef.FindAllString(spec.call+spec.body, -1) {
			sample[ref[1:len(ref)-1]] = "4242"
		}
	}
	for _, spec := range fixtureTable {
		want, ok := routedBy[spec.routeKey()]
		if !ok {
			continue // an error of a call no success answers; not routed
		}
		method, target, _ := strings.Cut(expandVars(t, spec.call, sample), " ")
		for _, base := range []string{"https://vault.example.test" + BasePath, "https://VAULT.example.test/beyondtrust/API/public/v3/", "https://proxy.example.test/ps/"} {
			req, err := http.NewRequest(method, base+target, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := fs.Respond(req)
			if err != nil {
				t.Errorf("%s %s: %v", method, base+target, err)
				continue
			}
			_ = resp.Body.Close()
			if got := fs.route(req).spec.name; got != want {
				t.Errorf("%s %s answered by %s, want %s", method, base+target, got, want)
			}
			if resp.StatusCode != fs.Status(want) || resp.Request != req {
				t.Errorf("%s: status %d, request %p", spec.name, resp.StatusCode, resp.Request)
			}
		}
	}
}

// TestRegisterFixturesRoutesEveryCall checks that with the per-route
// responders, each entry's call is answered as Respond answers it and
// counted under its own route, at any base URL: no route's expression
// catches another route's calls.
func TestRegisterFixturesRoutesEveryCall(t *testing.T) {
	fs := Fixtures()
	sample := map[string]string{}
	for _, spec := range fixtureTable {
		for _, ref := range varRef.FindAllString(spec.call+spec.body, -1) {
			sample[ref[1:len(ref)-1]] = "4242"
		}
	}
	reg := &registry{}
	RegisterFixtures(reg)
	seen := map[string]bool{}
	for _, r := range reg.routes {
		if seen[r] {
			t.Errorf("%s is registered twice", r)
		}
		seen[r] = true
	}
	for _, base := range []string{"https://vault.example.test" + BasePath, "https://proxy.example.test/ps/"} {
		mt := httpmock.NewMockTransport()
		RegisterFixtures(mt)
		for _, spec := range fixtureTable {
			method, target, _ := strings.Cut(expandVars(t, spec.call, sample), " ")
			req, err := http.NewRequest(method, base+target, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := mt.GetCallCountInfo()[fs.CallCountKey(spec.name)]
			resp, err := mt.RoundTrip(req)
			if err != nil {
				t.Errorf("%s %s: %v", method, base+target, err)
				continue
			}
			_ = resp.Body.Close()
			if want := fs.route(req); resp.StatusCode != want.ex.Response.Status {
				t.Errorf("%s %s: %d, want %s's %d", method, base+target, resp.StatusCode, want.spec.name, want.ex.Response.Status)
			}
			if after := mt.GetCallCountInfo()[fs.CallCountKey(spec.name)]; after != before+1 {
				t.Errorf("%s %s is not counted under %s", method, base+target, fs.CallCountKey(spec.name))
			}
		}
		if n := mt.GetCallCountInfo()["NO_RESPONDER"]; n != 0 {
			t.Errorf("%d calls without a responder", n)
		}
	}
}

// TestFixturesDocumented checks the package documentation's list of
// fixtures ("Recorded answers") against the files: every fixture is
// listed, with its call, status and answer, and each object with its
// fields in order.
func TestFixturesDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "// # Recorded answers\n")
	if !ok {
		t.Fatal(`doc.go has no "# Recorded answers" section`)
	}
	section, _, _ = strings.Cut(section, "\n// # ")
	rows, objects, ok := strings.Cut(section, "// The objects")
	if !ok {
		t.Fatal(`"# Recorded answers" does not list the objects`)
	}
	fields := map[string][]string{}
	last := ""
	for _, line := range strings.Split(objects, "\n") {
		if m := regexp.MustCompile(`^//\t([A-Z][A-Za-z]+) +(.+)$`).FindStringSubmatch(line); m != nil {
			last = m[1]
			fields[last] = strings.Split(strings.TrimSuffix(m[2], ","), ", ")
		} else if m := regexp.MustCompile(`^//\t {10,}(.+)$`).FindStringSubmatch(line); m != nil && last != "" {
			fields[last] = append(fields[last], strings.Split(strings.TrimSuffix(m[1], ","), ", ")...)
		}
	}
	fs := Fixtures()
	row := regexp.MustCompile(`^//\t([a-z0-9_]+) +(GET|POST|PUT|DELETE) (\S+) +(\d{3}) (.+)$`)
	listed := map[string]bool{}
	for _, line := range strings.Split(rows, "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, method, call, answer := m[1], m[2], m[3], m[5]
		listed[name] = true
		fx, ok := fs.byName[name]
		if !ok {
			t.Errorf("doc.go lists %s, which is no fixture", name)
			continue
		}
		ex := fx.ex
		gotPath := ex.Request.Path[strings.LastIndex(strings.ToLower(ex.Request.Path), apiAnchor)+len(apiAnchor):]
		wantPath, wantQuery, _ := strings.Cut(call, "?")
		if method != ex.Request.Method || !samePath(wantPath, gotPath) || !sameParams(wantQuery, ex.Request.Query) {
			t.Errorf("doc.go: %s is %s %s, recorded %s %s?%s", name, method, call, ex.Request.Method, gotPath, ex.Request.Query)
		}
		if status, _ := strconv.Atoi(m[4]); status != ex.Response.Status {
			t.Errorf("doc.go: %s answers %d, recorded %d", name, status, ex.Response.Status)
		}
		if err := checkAnswer(ex.Response, answer, fields); err != nil {
			t.Errorf("doc.go: %s: %v", name, err)
		}
	}
	for _, spec := range fixtureTable {
		if !listed[spec.name] {
			t.Errorf("doc.go does not list the fixture %s", spec.name)
		}
	}
}

// samePath compares a documented path with a recorded one; {id} in the
// documented one stands for any segment.
func samePath(doc, rec string) bool {
	d, r := strings.Split(doc, "/"), strings.Split(rec, "/")
	if len(d) != len(r) {
		return false
	}
	for i := range d {
		if d[i] != "{id}" && d[i] != r[i] {
			return false
		}
	}
	return true
}

// sameParams compares the names of the documented and recorded query
// parameters.
func sameParams(doc, rec string) bool {
	names := func(q string) string {
		v, _ := url.ParseQuery(q)
		var out []string
		for k := range v {
			out = append(out, k)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	return names(doc) == names(rec)
}

// checkAnswer compares a documented answer with a recorded one: empty,
// text (type), binary (type), a JSON literal, Object or [Object].
func checkAnswer(r recordedResponse, answer string, fields map[string][]string) error {
	typed := regexp.MustCompile(`^(text|binary) \((.+)\)$`).FindStringSubmatch(answer)
	switch {
	case answer == "PEM key":
		var key string
		if err := json.Unmarshal(r.Body, &key); err != nil {
			return fmt.Errorf("is not a JSON string: %s", r.Body)
		}
		block, _ := pem.Decode([]byte(key))
		if block == nil {
			return fmt.Errorf("is not PEM: %s", key)
		}
		if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
			return fmt.Errorf("is not a private key: %v", err)
		}
	case answer == "empty":
		if len(r.body()) != 0 {
			return fmt.Errorf("has a body: %s", r.body())
		}
	case typed != nil:
		if typed[1] == "text" && r.Text == "" || typed[1] == "binary" && r.Base64 == nil || r.Header.Get("Content-Type") != typed[2] {
			return fmt.Errorf("is not %s", answer)
		}
	case strings.HasPrefix(answer, "[") && strings.HasSuffix(answer, "]") && answer != "[]":
		var list []json.RawMessage
		if err := json.Unmarshal(r.Body, &list); err != nil || len(list) == 0 {
			return fmt.Errorf("is not a list with an element: %s", r.Body)
		}
		return checkObject(list[0], answer[1:len(answer)-1], fields)
	case answer[0] >= 'A' && answer[0] <= 'Z':
		return checkObject(r.Body, answer, fields)
	default:
		if string(r.body()) != answer {
			return fmt.Errorf("answers %s", r.body())
		}
	}
	return nil
}

// checkObject compares a JSON object's fields, in order, with a documented
// object; a field documented as "Name [Object]" is checked as a list too.
func checkObject(doc json.RawMessage, name string, fields map[string][]string) error {
	want, ok := fields[name]
	if !ok {
		return fmt.Errorf("the object %s is not documented", name)
	}
	got, err := objectKeys(doc)
	if err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(doc, &obj)
	var names []string
	for _, f := range want {
		field, inner, nested := strings.Cut(f, " ")
		names = append(names, field)
		if nested {
			var list []json.RawMessage
			if err := json.Unmarshal(obj[field], &list); err != nil || len(list) == 0 {
				return fmt.Errorf("%s.%s is not a list with an element", name, field)
			}
			if err := checkObject(list[0], strings.Trim(inner, "[]"), fields); err != nil {
				return err
			}
		}
	}
	if strings.Join(got, ", ") != strings.Join(names, ", ") {
		return fmt.Errorf("%s has the fields %s; documented %s", name, strings.Join(got, ", "), strings.Join(names, ", "))
	}
	return nil
}

// objectKeys lists a JSON object's keys in their order.
func objectKeys(doc []byte) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(string(doc)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object: %s", doc)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// registry records what RegisterFixtures registers.
type registry struct{ routes []string }

func (r *registry) RegisterResponder(method, url string, _ func(*http.Request) (*http.Response, error)) {
	r.routes = append(r.routes, method+" "+url)
}

// TestFixtureRouting checks the routing rules on a table of its own: an
// error is routed only when marked so, the first entry of a route answers
// it, a parameter asked with its value wins over one asked with any value,
// and a longer pattern over a shorter one with as many literal segments.
func TestFixtureRouting(t *testing.T) {
	table := []fixtureSpec{
		{name: "conflict", call: "POST Things", status: http.StatusConflict},
		{name: "things", call: "GET Things"},
		{name: "things_again", call: "GET Things"},
		{name: "thing_missing", call: "GET Things?name=z", when: "name", status: http.StatusNotFound, routed: true},
		{name: "thing_by_name", call: "GET Things?name=a", when: "name=a|b"},
		{name: "thing", call: "GET Things/{id}"},
		{name: "thing_special", call: "GET Things/special"},
		{name: "item", call: "GET Items/{id}"},
		{name: "nested_item", call: "GET {x}/Items/{id}"},
	}
	read := func(name string) ([]byte, error) {
		return encodeExchange(exchange{Request: recordedRequest{Method: "GET", Path: "/x"}, Response: recordedResponse{Status: 200 + len(name)}})
	}
	fs, err := newFixtureSet(table, read)
	if err != nil {
		t.Fatal(err)
	}
	var routed []string
	for _, fx := range fs.routes {
		routed = append(routed, fx.spec.name)
	}
	if got := strings.Join(routed, " "); got != "things thing_missing thing_by_name thing thing_special item nested_item" {
		t.Errorf("routed: %s", got)
	}
	for _, tc := range []struct{ method, target, want string }{
		{"POST", "Things", ""},
		{"GET", "Things", "things"},
		{"GET", "Things?NAME=B", "thing_by_name"},
		{"GET", "Things?name=c", "thing_missing"},
		{"GET", "Items/7", "item"},
		{"GET", "Things/7", "thing"},
		{"GET", "Things/special", "thing_special"},
		{"GET", "Group/Items/7", "nested_item"},
	} {
		req, _ := http.NewRequest(tc.method, "https://proxy.example.test/"+tc.target, nil)
		got := ""
		if fx := fs.route(req); fx != nil {
			got = fx.spec.name
		}
		if got != tc.want {
			t.Errorf("%s %s: routed to %q, want %q", tc.method, tc.target, got, tc.want)
		}
	}
	req, _ := http.NewRequest("DELETE", "https://proxy.example.test/Things", nil)
	if resp, err := fs.Respond(req); err == nil || resp != nil || err.Error() != "passwordsafetest: no fixture answers DELETE /Things (see Fixtures)" {
		t.Errorf("a call no fixture answers: %v %v", resp, err)
	}
	failing := func(name string) ([]byte, error) {
		if name == "item" {
			return nil, os.ErrNotExist
		}
		return read(name)
	}
	if _, err := newFixtureSet(table, failing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "fixture item") {
		t.Errorf("a file that does not read: %v", err)
	}
	garbled := func(name string) ([]byte, error) { return []byte(`{"request":{}}`), nil }
	if _, err := newFixtureSet(table, garbled); err == nil || !strings.Contains(err.Error(), "fixture conflict: the request has no method") {
		t.Errorf("a file that does not decode: %v", err)
	}
	if _, err := newFixtureSet(append(table, table[1]), read); err == nil || !strings.Contains(err.Error(), "things is listed twice") {
		t.Errorf("a name listed twice: %v", err)
	}
}

// TestFixturesCoverTheFake checks that every endpoint the fake serves has
// a fixture: an endpoint added to routeTable needs its entry in
// fixtureTable.
func TestFixturesCoverTheFake(t *testing.T) {
	covered := map[string]bool{}
	for _, spec := range fixtureTable {
		covered[spec.method()+" "+strings.ToLower(strings.Join(spec.pattern(), "/"))] = true
	}
	for _, rt := range (&Server{}).routeTable() {
		pattern := strings.ReplaceAll(strings.ToLower(strings.Join(rt.pattern, "/")), "#", "*")
		if !covered[rt.method+" "+pattern] {
			t.Errorf("the fake serves %s %s, which no fixture answers: add an entry to fixtureTable", rt.method, strings.Join(rt.pattern, "/"))
		}
	}
}

// TestCommittedRecordingsHoldNoSecret scans the files this package ships
// and commits for the fake's own secrets.
func TestCommittedRecordingsHoldNoSecret(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixturesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	backup, err := filepath.Glob(filepath.Join("testdata", "backup", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, backup...)
	secrets := map[string]string{
		"API key": DefaultAPIKey, "OAuth client secret": DefaultOAuthClientSecret,
		"admin session password": "Adm1n-fixture-Pa55",
		"credential secret":      "Fixture-Cred-Pa55", "text secret": "fixture text secret",
		"file secret": "fixture file secret", "seeded text secret": DefaultSecretURL,
	}
	for _, u := range DefaultSeed().Users {
		if u.RunAsPassword != "" {
			secrets["run-as password of "+u.UserName] = u.RunAsPassword
		}
	}
	if len(files) < len(fixtureTable)+5 {
		t.Fatalf("only %d files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for what, v := range secrets {
			if v == "" || strings.Contains(string(b), v) {
				t.Errorf("%s holds the %s (or it is unknown)", f, what)
			}
		}
	}
}
