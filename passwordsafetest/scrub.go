package passwordsafetest

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// scrubber replaces every secret the Recorder sees by a stable
// placeholder, "recorded-<kind>-<n>": the n-th distinct value of its kind
// in the recording, so one secret gets the same placeholder in every file
// and a replayed credential is never empty. It keeps the secrets it has
// seen in memory only, to replace them wherever else they turn up.
//
// It works in two steps. The rules (exchange) know where secrets sit by
// meaning: the Authorization header, cookies, fields named Password, the
// whole answer of a credential route whatever its content type. They
// learn each secret and put its placeholder in its place. The net
// (netExchange) then replaces every secret learnt so far wherever else it
// appears, in any form (see scrubfind.go): an echo in an error page, a
// terminal screen, a file name.
type scrubber struct {
	byValue    map[string]string // secret -> placeholder
	counts     map[string]int    // kind -> placeholders made
	needles    []needle          // what the net looks for; nil when a secret was added since
	generation int               // counts the secrets the net looks for
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
	kindSecret        = "secret" // a Secrets Safe text secret, or a field named Secret
	kindFile          = "file"   // a Secrets Safe file secret's content
)

// placeholderPrefix starts every placeholder.
const placeholderPrefix = "recorded-"

const (
	// netMinLen is the fewest characters of a secret the net replaces
	// wherever it appears; a shorter one is replaced only where the rules
	// find it, as replacing it everywhere would mangle ordinary text.
	netMinLen = 4
	// lineMinLen is the fewest characters of a line of a multi-line secret
	// (a private key) that the net replaces on its own, so that part of a
	// key (a terminal that scrolled) is never written either.
	lineMinLen = 16
)

// placeholder returns the placeholder for a secret value ("" stays "").
func (s *scrubber) placeholder(kind, value string) string {
	if value == "" || placeholderText.FindString(value) == value {
		return value
	}
	if p, ok := s.byValue[value]; ok {
		return p
	}
	s.counts[kind]++
	p := fmt.Sprintf("%s%s-%d", placeholderPrefix, kind, s.counts[kind])
	s.add(value, p)
	s.add(strings.TrimSpace(value), p)
	if strings.Contains(value, "\n") {
		for _, line := range strings.Split(value, "\n") {
			line = strings.TrimSpace(line)
			if utf8.RuneCountInString(line) >= lineMinLen && !strings.HasPrefix(line, "-----") {
				s.add(line, p)
			}
		}
	}
	return p
}

// add makes v known as a secret with placeholder p.
func (s *scrubber) add(v, p string) {
	if _, known := s.byValue[v]; known || v == "" {
		return
	}
	s.byValue[v] = p
	if utf8.RuneCountInString(v) >= netMinLen {
		s.generation++
		s.needles = nil
	}
}

// replacement is what takes a secret's place where the rules find it: its
// placeholder, or, for a private key, a throwaway key (see pemPlaceholder)
// so that code that parses the key runs on the replay.
func (s *scrubber) replacement(kind, value string) string {
	p := s.placeholder(kind, value)
	if kind == kindPrivateKey && p != value {
		return pemPlaceholder(p)
	}
	return p
}

// pemPlaceholder is a private key made from nothing but the placeholder's
// name (an Ed25519 key whose seed is the name's SHA-256), in PEM with the
// name in a Comment header: it parses as a key, and it is no secret.
func pemPlaceholder(p string) string {
	seed := sha256.Sum256([]byte(p))
	der, err := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil { // an Ed25519 key always marshals
		return p
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Headers: map[string]string{"Comment": p}, Bytes: der}))
}

// allNeedles is what the net looks for: every secret of netMinLen
// characters or more, longest first.
func (s *scrubber) allNeedles() []needle {
	if s.needles == nil {
		values := make([]string, 0, len(s.byValue))
		for v := range s.byValue {
			if utf8.RuneCountInString(v) >= netMinLen {
				values = append(values, v)
			}
		}
		sort.Slice(values, func(i, j int) bool {
			if len(values[i]) != len(values[j]) {
				return len(values[i]) > len(values[j])
			}
			return values[i] < values[j]
		})
		s.needles = []needle{}
		for _, v := range values {
			s.needles = append(s.needles, needlesOf(v, s.byValue[v])...)
		}
	}
	return s.needles
}

// text replaces every secret known in b, in any form.
func (s *scrubber) text(b []byte) []byte { return replaceSecrets(b, s.allNeedles()) }

func (s *scrubber) str(v string) string { return string(s.text([]byte(v))) }

// secretKeyKind is the kind of secret a JSON field, form parameter or
// multipart part of that name holds, or "" when it holds none. Names
// compare case-insensitively, as the server's model binding does. In
// Secrets Safe, Text is a text secret's value.
func secretKeyKind(name string, rt callRoute) string {
	n := strings.ToLower(name)
	switch {
	case n == "text" && rt.secretsSafe:
		return kindSecret
	case (n == "credentials" || n == "credential") && rt.credential != "":
		return rt.credential
	case n == "pwd" || n == "credentials" || n == "credential" || strings.HasSuffix(n, "password"):
		return kindPassword
	case strings.HasSuffix(n, "privatekey") || n == "private_key":
		return kindPrivateKey
	case strings.HasSuffix(n, "passphrase"):
		return kindPassphrase
	case n == "access_token" || n == "refresh_token" || n == "id_token" || n == "accesstoken" || n == "refreshtoken":
		return kindToken
	case n == "client_secret" || n == "clientsecret":
		return kindClientSecret
	case n == "apikey" || n == "api_key":
		return kindAPIKey
	case n == "secret" || strings.HasSuffix(n, "_secret"):
		return kindSecret
	}
	return ""
}

// callRoute is what the rules know of a call from its path.
type callRoute struct {
	// credential is the kind of credential a 2xx answer holds whole, when
	// it is not a JSON object: the answers of GET Credentials/{id}, GET
	// Aliases/{id}/Credentials/{id}, POST ISARequests, GET
	// ManagedAccounts/{id}/Credentials, whatever their content type; ""
	// elsewhere. ?type= says which credential it is.
	credential string
	// secretsSafe: the call is under Secrets-Safe/.
	secretsSafe bool
	// fileContent: a 2xx answer is a file secret's content (GET
	// Secrets-Safe/Secrets/{id}/file/download).
	fileContent bool
}

func routeOf(u *url.URL) callRoute {
	p := strings.ToLower(u.Path)
	if i := strings.LastIndex(p, apiAnchor); i >= 0 {
		p = p[i+len(apiAnchor):]
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	var rt callRoute
	for _, seg := range segs {
		switch seg {
		case "secrets-safe":
			rt.secretsSafe = true
		case "credentials", "isarequests":
			rt.credential = kindPassword
		}
	}
	rt.fileContent = rt.secretsSafe && len(segs) >= 2 && segs[len(segs)-2] == "file" && segs[len(segs)-1] == "download"
	if rt.credential != "" {
		for k, vs := range u.Query() {
			if strings.EqualFold(k, "type") && len(vs) > 0 {
				switch strings.ToLower(vs[0]) {
				case "dsskey":
					rt.credential = kindPrivateKey
				case "passphrase":
					rt.credential = kindPassphrase
				}
			}
		}
	}
	return rt
}

// The request headers a recording keeps; Authorization and Cookie only in
// scrubbed form.
var keptRequestHeaders = []string{"Authorization", "Cookie", "Content-Type", "Content-Encoding"}

// The answer headers a recording keeps; Set-Cookie only in scrubbed form.
// Others (Date, Server, tracing IDs) say nothing a client needs.
var keptResponseHeaders = []string{
	"Content-Type", "Content-Encoding", "Content-Disposition", "Retry-After", "Allow",
	"WWW-Authenticate", "WWW-Authenticate-2FA", "Set-Cookie",
}

// exchange scrubs a call and its answer for a recording: the rules first,
// on every part, then the net, so that a secret the answer teaches is
// gone from the call too.
func (s *scrubber) exchange(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) exchange {
	rt := routeOf(req.URL)
	ex := exchange{Request: s.request(req, reqBody, rt), Response: s.response(resp, respBody, rt)}
	return s.netExchange(ex)
}

// request applies the rules to a call.
func (s *scrubber) request(req *http.Request, body []byte, rt callRoute) recordedRequest {
	out := recordedRequest{Method: req.Method, Path: req.URL.EscapedPath(), Query: s.form(req.URL.RawQuery, rt)}
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
	plain, gz := gunzipped(body)
	out.Gzip = gz
	ct, params, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch {
	case len(plain) == 0:
	case strings.HasPrefix(ct, "multipart/") && params["boundary"] != "":
		out.set(s.multipart(plain, params["boundary"], rt))
	case json.Valid(plain):
		out.Body = s.json(plain, rt)
	case ct == "application/x-www-form-urlencoded" || isText(plain):
		out.Text = s.form(string(plain), rt)
	default:
		out.set(plain)
	}
	return out
}

// response applies the rules to an answer.
func (s *scrubber) response(resp *http.Response, body []byte, rt callRoute) recordedResponse {
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
	plain, gz := gunzipped(body)
	out.Gzip = gz
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	switch {
	case len(plain) == 0:
	case ok && rt.fileContent:
		out.Text = s.placeholder(kindFile, string(plain))
	case ok && rt.credential != "" && !isJSONContainer(plain):
		out.set(s.wholeCredential(plain, rt.credential))
	case json.Valid(plain):
		out.Body = s.json(plain, rt)
	default:
		out.set(plain)
	}
	return out
}

// isJSONContainer reports whether b is a JSON object or array.
func isJSONContainer(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t)
}

// wholeCredential is the answer of a credential route that is the
// credential itself: a JSON string, a JSON number (a password of digits)
// or the text of any other content type. It answers the placeholder in
// the same form: a JSON string, or text.
func (s *scrubber) wholeCredential(body []byte, kind string) []byte {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if json.Valid(body) && dec.Decode(&v) == nil {
		switch x := v.(type) {
		case string:
			b, _ := json.Marshal(s.replacement(kind, x))
			return b
		case json.Number:
			b, _ := json.Marshal(s.replacement(kind, x.String()))
			return b
		}
	}
	return []byte(s.replacement(kind, string(body)))
}

// gunzipped returns a body sent gzip-compressed decompressed, and whether
// it was: one that starts as gzip does (with or without Content-Encoding:
// gzip, as when a caller's transport asked for gzip itself and so left it
// compressed, or a proxy dropped the header) and reads as gzip.
func gunzipped(body []byte) ([]byte, bool) {
	if !bytes.HasPrefix(body, []byte{0x1f, 0x8b, 0x08}) {
		return body, false
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body, false
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return body, false
	}
	return plain, true
}

// multipart applies the rules to each part of a multipart body (a Secrets
// Safe file upload), keeping the boundary: as a secret whole, a file part
// (one with a file name, or Secrets Safe's part "file") whatever its
// content, JSON included (a key file, a token cache); JSON parts by their
// fields; and as a secret whole, a part with a secret's name, and in
// Secrets Safe every part that is not JSON (the file's content, whatever
// the part is called). A body that does not read as multipart is left to
// the net.
func (s *scrubber) multipart(body []byte, boundary string, rt callRoute) []byte {
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	var out bytes.Buffer
	w := multipart.NewWriter(&out)
	if w.SetBoundary(boundary) != nil {
		return body
	}
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return body
		}
		kind := secretKeyKind(p.FormName(), rt)
		switch {
		case p.FileName() != "" || (rt.secretsSafe && strings.EqualFold(p.FormName(), "file")):
			content = []byte(s.placeholder(kindFile, string(content)))
		case json.Valid(content):
			content = s.json(content, rt)
		case kind != "":
			content = []byte(s.replacement(kind, string(content)))
		case rt.secretsSafe:
			content = []byte(s.placeholder(kindFile, string(content)))
		}
		pw, err := w.CreatePart(textproto.MIMEHeader(p.Header))
		if err != nil {
			return body
		}
		_, _ = pw.Write(content) // a bytes.Buffer does not fail
	}
	if w.Close() != nil {
		return body
	}
	return out.Bytes()
}

// authorization scrubs an Authorization header: the PS-Auth key, run-as
// password and any other value but the run-as user; a Bearer token; Basic
// credentials; anything else whole.
func (s *scrubber) authorization(v string) string {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	switch strings.ToLower(scheme) {
	case "ps-auth":
		return "PS-Auth " + s.psAuth(rest)
	case "bearer":
		return "Bearer " + s.placeholder(kindToken, rest)
	case "basic":
		if raw, err := base64.StdEncoding.DecodeString(rest); err == nil {
			if id, secret, ok := strings.Cut(string(raw), ":"); ok {
				return "Basic " + base64.StdEncoding.EncodeToString(
					[]byte(id+":"+s.placeholder(kindClientSecret, unescapeForm(secret))))
			}
		}
	}
	return s.placeholder(kindAuthorization, v)
}

// unescapeForm undoes the form escaping OAuth clients apply to Basic
// credentials, so the secret is known in the form it is used.
func unescapeForm(v string) string {
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
	const open = "pwd=["
	if i := strings.Index(strings.ToLower(v), open); i >= 0 {
		if j := strings.LastIndex(v[i:], "]"); j >= len(open) {
			pwd, hasPwd = v[i+len(open):i+j], true
			v = v[:i] + v[i+j+1:]
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

// form scrubs a query or a form body (the OAuth token call): the values of
// parameters with a secret's name, in place, keeping the order and the
// escaping of the others.
func (s *scrubber) form(raw string, rt callRoute) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	for i, part := range parts {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		if kind := secretKeyKind(unescapeForm(k), rt); kind != "" {
			parts[i] = k + "=" + url.QueryEscape(s.placeholder(kind, unescapeForm(v)))
		}
	}
	return strings.Join(parts, "&")
}

// json applies the rules to a JSON document, keeping its order: every
// value under a field with a secret's name, at any depth (a number too).
func (s *scrubber) json(doc []byte, rt callRoute) json.RawMessage {
	out, err := rewriteJSON(doc, nil, func(v jsonValue) (string, bool) {
		kind := ""
		for _, k := range v.keys {
			if kk := secretKeyKind(k, rt); kk != "" {
				kind = kk
			}
		}
		if kind == "" {
			return v.text, v.str
		}
		return s.replacement(kind, v.text), true
	})
	if err != nil { // json.Valid said it was JSON: cannot happen
		return json.RawMessage(`"` + placeholderPrefix + "unreadable" + `"`)
	}
	return out
}

// netExchange replaces, in every part of a recorded exchange, every
// secret known so far, in any form: the path and query, the kept headers,
// and the bodies as decoded (a JSON document value by value, its keys and
// numbers too; text; the bytes of a binary body).
func (s *scrubber) netExchange(ex exchange) exchange {
	ex.Request.Path = s.str(ex.Request.Path)
	ex.Request.Query = s.str(ex.Request.Query)
	ex.Request.Header = s.header(ex.Request.Header)
	ex.Request.recordedBody = s.netBody(ex.Request.recordedBody)
	ex.Response.Header = s.header(ex.Response.Header)
	ex.Response.recordedBody = s.netBody(ex.Response.recordedBody)
	return ex
}

func (s *scrubber) header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out[k] = append(out[k], s.str(v))
		}
	}
	return out
}

func (s *scrubber) netBody(b recordedBody) recordedBody {
	if b.Body != nil {
		out, err := rewriteJSON(b.Body, s.str, func(v jsonValue) (string, bool) {
			t := s.str(v.text)
			return t, v.str || t != v.text
		})
		if err == nil {
			b.Body = out
		}
	}
	b.Text = s.str(b.Text)
	if b.Base64 != nil {
		b.Base64 = s.text(b.Base64)
	}
	return b
}
