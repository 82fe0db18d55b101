package passwordsafetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// scrubber replaces every secret the Recorder sees by a stable
// placeholder, "recorded-<kind>-<n>": the n-th distinct value of its kind
// in the recording, so one secret gets the same placeholder in every file
// and a replayed credential is never empty. It keeps the secrets it has
// seen in memory only, to replace them wherever else they turn up.
type scrubber struct {
	byValue map[string]string // secret -> placeholder
	counts  map[string]int    // kind -> placeholders made
}

func newScrubber() *scrubber {
	return &scrubber{byValue: map[string]string{}, counts: map[string]int{}}
}

// The kinds of secret, as their placeholders name them.
const (
	kindAPIKey        = "api-key"
	kindRunAsPassword = "run-as-password"
	kindToken         = "token"
	kindClientSecret  = "client-secret"
	kindCookie        = "cookie"
	kindPassword      = "password"
	kindPrivateKey    = "private-key"
	kindPassphrase    = "passphrase"
	kindAuthorization = "authorization"
	kindText          = "text" // a Secrets Safe Text secret
	kindFile          = "file" // a Secrets Safe File secret's content
)

// placeholderPrefix starts every placeholder.
const placeholderPrefix = "recorded-"

// placeholder returns the placeholder for a secret value ("" stays "").
func (s *scrubber) placeholder(kind, value string) string {
	if value == "" {
		return ""
	}
	if p, ok := s.byValue[value]; ok {
		return p
	}
	s.counts[kind]++
	p := fmt.Sprintf("%s%s-%d", placeholderPrefix, kind, s.counts[kind])
	s.byValue[value] = p
	return p
}

// secretKeyKind is the kind of secret a JSON field or form parameter of
// that name holds, or "" when it holds none. Names compare
// case-insensitively, as the server's model binding does.
func secretKeyKind(name string) string {
	switch strings.ToLower(name) {
	case "password", "pwd", "credentials", "credential":
		return kindPassword
	case "privatekey":
		return kindPrivateKey
	case "passphrase":
		return kindPassphrase
	case "text":
		return kindText
	case "access_token", "refresh_token", "id_token":
		return kindToken
	case "client_secret":
		return kindClientSecret
	}
	return ""
}

// credentialKind is the kind of credential a 2xx answer that is a bare
// JSON string holds on this path (GET Credentials/{id}, POST ISARequests,
// GET Aliases/{id}/Credentials/{id}), or "": any path with a Credentials or
// ISARequests segment. ?type= says which credential it is.
func credentialKind(path string, query url.Values) string {
	found := false
	for _, seg := range strings.Split(path, "/") {
		if strings.EqualFold(seg, "Credentials") || strings.EqualFold(seg, "ISARequests") {
			found = true
		}
	}
	if !found {
		return ""
	}
	for k, vs := range query {
		if strings.EqualFold(k, "type") && len(vs) > 0 {
			switch strings.ToLower(vs[0]) {
			case "dsskey":
				return kindPrivateKey
			case "passphrase":
				return kindPassphrase
			}
		}
	}
	return kindPassword
}

// The request headers a recording keeps; Authorization and Cookie only in
// scrubbed form.
var keptRequestHeaders = []string{"Authorization", "Cookie", "Content-Type"}

// The answer headers a recording keeps; Set-Cookie only in scrubbed form.
// Others (Date, Server, tracing IDs) say nothing a client needs.
var keptResponseHeaders = []string{
	"Content-Type", "Content-Disposition", "Retry-After", "Allow",
	"WWW-Authenticate", "WWW-Authenticate-2FA", "Set-Cookie",
}

// request scrubs a call for its recording.
func (s *scrubber) request(req *http.Request, body []byte) recordedRequest {
	out := recordedRequest{Method: req.Method, Path: req.URL.EscapedPath(), Query: s.form([]byte(req.URL.RawQuery))}
	for _, name := range keptRequestHeaders {
		for _, v := range req.Header.Values(name) {
			switch name {
			case "Authorization":
				v = s.authorization(v)
			case "Cookie":
				v = s.cookies(v)
			}
			if out.Header == nil {
				out.Header = http.Header{}
			}
			out.Header.Add(name, v)
		}
	}
	switch {
	case len(body) == 0:
	case isMultipart(req.Header.Get("Content-Type")):
		out.Text = s.multipart(body, req.Header.Get("Content-Type"))
	case json.Valid(body):
		out.Body = s.json(body, "")
	default:
		out.Text = s.form(body)
	}
	return out
}

// response scrubs an answer for its recording.
func (s *scrubber) response(req *http.Request, resp *http.Response, body []byte) recordedResponse {
	out := recordedResponse{Status: resp.StatusCode}
	for _, name := range keptResponseHeaders {
		for _, v := range resp.Header.Values(name) {
			if name == "Set-Cookie" {
				if v = s.setCookie(v); v == "" {
					continue
				}
			}
			if out.Header == nil {
				out.Header = http.Header{}
			}
			out.Header.Add(name, v)
		}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 && isFileDownload(req.URL.Path) && len(body) > 0 {
		out.Text = s.placeholder(kindFile, string(body))
		return out
	}
	if json.Valid(body) {
		bare := ""
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			bare = credentialKind(req.URL.Path, req.URL.Query())
		}
		out.Body = s.json(body, bare)
		return out
	}
	out.setBody(body)
	return out
}

// authorization scrubs an Authorization header: the PS-Auth key, run-as
// password and any other value but the run-as user; a Bearer token; Basic
// credentials; anything else whole.
func (s *scrubber) authorization(v string) string {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "ps-auth":
		return "PS-Auth " + s.psAuth(rest)
	case "bearer":
		return "Bearer " + s.placeholder(kindToken, rest)
	case "basic":
		if raw, err := base64.StdEncoding.DecodeString(rest); err == nil {
			if id, secret, ok := strings.Cut(string(raw), ":"); ok {
				id = s.unescapeForm(id)
				return "Basic " + base64.StdEncoding.EncodeToString(
					[]byte(id+":"+s.placeholder(kindClientSecret, s.unescapeForm(secret))))
			}
		}
	}
	return s.placeholder(kindAuthorization, v)
}

// unescapeForm undoes the form escaping OAuth clients apply to Basic
// credentials, so the secret is known in the form it is used.
func (s *scrubber) unescapeForm(v string) string {
	if u, err := url.QueryUnescape(v); err == nil {
		return u
	}
	return v
}

// psAuth scrubs "key=<k>; runas=<user>; pwd=[<password>];". The password
// sits between brackets and may itself hold ';' or ']': it runs to the last
// ']' (as the server reads it).
func (s *scrubber) psAuth(v string) string {
	var pwd string
	hasPwd := false
	if i := strings.Index(strings.ToLower(v), "pwd=["); i >= 0 {
		if j := strings.LastIndex(v, "]"); j > i+4 {
			pwd, hasPwd = v[i+5:j], true
			v = v[:i] + v[j+1:]
		}
	}
	var parts []string
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		switch lk := strings.ToLower(k); {
		case !ok:
			parts = append(parts, s.placeholder(kindAuthorization, part))
		case lk == "runas":
			parts = append(parts, k+"="+strings.TrimSpace(val))
		case lk == "key":
			parts = append(parts, k+"="+s.placeholder(kindAPIKey, strings.TrimSpace(val)))
		default: // challenge= (a one-time code) and whatever comes next
			parts = append(parts, k+"="+s.placeholder(kindAuthorization, strings.TrimSpace(val)))
		}
	}
	if hasPwd {
		parts = append(parts, "pwd=["+s.placeholder(kindRunAsPassword, pwd)+"]")
	}
	return strings.Join(parts, "; ") + ";"
}

// cookies scrubs a Cookie header: every value.
func (s *scrubber) cookies(v string) string {
	var parts []string
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, _ := strings.Cut(part, "=")
		parts = append(parts, name+"="+s.placeholder(kindCookie, val))
	}
	return strings.Join(parts, "; ")
}

// setCookie scrubs a Set-Cookie header: its value is replaced and its
// Domain dropped, so a replay works at any host. A header that does not
// parse is dropped ("").
func (s *scrubber) setCookie(v string) string {
	c, err := http.ParseSetCookie(v)
	if err != nil {
		return ""
	}
	c.Value = s.placeholder(kindCookie, c.Value)
	c.Domain = ""
	return c.String()
}

// form scrubs a form body (the OAuth token call) or a query: the values of
// secret parameters. A body that is not a form is kept, for net to scrub.
func (s *scrubber) form(body []byte) string {
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return string(body)
	}
	changed := false
	for k, vs := range q {
		if kind := secretKeyKind(k); kind != "" {
			for i := range vs {
				vs[i] = s.placeholder(kind, vs[i])
			}
			changed = true
		}
	}
	if !changed {
		return string(body)
	}
	return q.Encode()
}

// json scrubs a JSON document, keeping its order: every string under a
// secret field name, and, when bare names a kind, a document that is a
// bare string (a credential answer).
func (s *scrubber) json(doc []byte, bare string) json.RawMessage {
	out, err := rewriteJSONStrings(doc, func(key string, top bool, v string) string {
		if kind := secretKeyKind(key); kind != "" {
			return s.placeholder(kind, v)
		}
		if top && bare != "" {
			return s.placeholder(bare, v)
		}
		return v
	})
	if err != nil { // json.Valid said it was JSON: cannot happen
		return json.RawMessage(`"` + placeholderPrefix + "unreadable" + `"`)
	}
	return out
}

// netMinLen is the shortest secret net replaces: shorter ones would
// mangle ordinary text, and the rules above scrub them where they belong.
const netMinLen = 6

// net replaces, in a whole file, every known secret that is still there,
// in each form it may take: raw, JSON-escaped (with or without HTML
// escaping) and form-escaped. It is the last step before a file is
// written: a secret the server echoes somewhere the rules do not look
// (an error message, a text answer) is still never written.
func (s *scrubber) net(file []byte) []byte {
	secrets := make([]string, 0, len(s.byValue))
	for v := range s.byValue {
		if len(v) >= netMinLen {
			secrets = append(secrets, v)
		}
	}
	// Every written form of every secret, longest first: a secret that holds
	// another, and a form that holds the raw secret (its JSON escape of a
	// leading quote or backslash, say), are replaced whole, never leaving a
	// stray escape character behind.
	type form struct{ text, placeholder string }
	var forms []form
	for _, v := range secrets {
		for _, f := range secretForms(v) {
			forms = append(forms, form{f, s.byValue[v]})
		}
	}
	sort.Slice(forms, func(i, j int) bool {
		if len(forms[i].text) != len(forms[j].text) {
			return len(forms[i].text) > len(forms[j].text)
		}
		return forms[i].text < forms[j].text
	})
	for _, f := range forms {
		file = bytes.ReplaceAll(file, []byte(f.text), []byte(f.placeholder))
	}
	return file
}

// secretForms is how a secret may be written in a file: as is, inside a
// JSON string (escaped with and without HTML escaping), and form-escaped.
func secretForms(v string) []string {
	forms := []string{v, jsonEscape(v, false), jsonEscape(v, true), url.QueryEscape(v), url.PathEscape(v)}
	out := forms[:0]
	for _, f := range forms {
		dup := false
		for _, o := range out {
			dup = dup || o == f
		}
		if !dup {
			out = append(out, f)
		}
	}
	return out
}

// jsonEscape is v as it appears between the quotes of a JSON string.
func jsonEscape(v string, html bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(v) // a string always encodes
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return string(b[1 : len(b)-1])
}

// rewriteJSONStrings rewrites a JSON document's string values with fn and
// returns it compact, in its own order. fn gets the name of the field the
// string belongs to (an array's elements belong to the array's field; ""
// at the top) and whether the string is the whole document. Object keys,
// numbers (as written), booleans and nulls are kept.
func rewriteJSONStrings(doc []byte, fn func(key string, top bool, v string) string) (json.RawMessage, error) {
	type frame struct {
		obj, first, wantKey bool
		key                 string
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out bytes.Buffer
	var stack []frame
	top := func() *frame {
		if len(stack) == 0 {
			return nil
		}
		return &stack[len(stack)-1]
	}
	key := func() string {
		if f := top(); f != nil {
			return f.key
		}
		return ""
	}
	beforeValue := func() {
		if f := top(); f != nil && !f.obj {
			if !f.first {
				out.WriteByte(',')
			}
			f.first = false
		}
	}
	afterValue := func() {
		if f := top(); f != nil && f.obj {
			f.wantKey = true
		}
	}
	writeString := func(v string) {
		out.WriteByte('"')
		out.WriteString(jsonEscape(v, false))
		out.WriteByte('"')
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				beforeValue()
				inherited := ""
				if t == '[' {
					inherited = key()
				}
				out.WriteByte(byte(t))
				stack = append(stack, frame{obj: t == '{', first: true, wantKey: t == '{', key: inherited})
			default:
				out.WriteByte(byte(t))
				stack = stack[:len(stack)-1]
				afterValue()
			}
		case string:
			if f := top(); f != nil && f.obj && f.wantKey {
				if !f.first {
					out.WriteByte(',')
				}
				f.first, f.wantKey, f.key = false, false, t
				writeString(t)
				out.WriteByte(':')
				continue
			}
			beforeValue()
			writeString(fn(key(), len(stack) == 0, t))
			afterValue()
		case json.Number:
			beforeValue()
			out.WriteString(t.String())
			afterValue()
		case bool:
			beforeValue()
			if t {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
			afterValue()
		case nil:
			beforeValue()
			out.WriteString("null")
			afterValue()
		}
	}
	return json.RawMessage(out.Bytes()), nil
}
