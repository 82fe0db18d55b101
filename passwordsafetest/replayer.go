package passwordsafetest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Replayer is an http.RoundTripper that answers calls from a recording
// that a Recorder made, with no network. Its Respond method is also an
// httpmock.Responder. It is safe for concurrent use.
//
// A call gets the answer recorded for the same call: the same method; the
// same path, compared case-insensitively (as the server does) and without
// the host, so any base URL with the recorded base path will do; the same
// query parameters, in any order; and the same body (see below). Where the
// recording holds a placeholder (a scrubbed secret) or one of the fake's
// random values (32 or more lower-case letters and digits: a session
// token, a replay ID), any value is the same. A call made several times
// gets the recorded answers in the order they were recorded (a credential
// that answered 4034, then the password). A call with nothing recorded
// for it, or whose recorded answers are used up, fails with an error that
// says so.
//
// Bodies are compared by what they say: JSON documents as JSON (field
// order and spacing aside; a field sent as null or "" and a field left
// out alike), forms by their parameters, multipart uploads part by part.
// A call whose body differs from every recorded one fails with an error
// that lists the differences (a changed Reason, a longer duration), so
// that a replay never passes on a request the recording did not see; the
// values of secret fields are never shown. The bodies of sign-in calls
// (Auth/...) are not compared: they carry only credentials. IgnoreFields
// and IgnoreBodies relax the comparison.
//
// Calls that differ only in who makes them (two users listing their
// requests at the same moment) are answered in the order they were
// recorded, so a flow that makes them concurrently may get them swapped:
// make them in turn, or record their users apart.
type Replayer struct {
	mu       sync.Mutex
	items    []replayItem
	dir      string
	cfg      replayConfig
	patterns map[string]*regexp.Regexp // recorded value -> what it matches; nil for none but itself
}

type replayItem struct {
	file   string
	ex     exchange
	played bool
}

// A ReplayOption changes how a Replayer matches calls with the
// recording.
type ReplayOption func(*replayConfig)

type replayConfig struct {
	ignoreBodies bool
	ignoreFields map[string]bool // lower-case names
}

// IgnoreBodies matches calls by method, path and query alone, whatever
// their bodies say.
func IgnoreBodies() ReplayOption {
	return func(c *replayConfig) { c.ignoreBodies = true }
}

// IgnoreFields leaves the named JSON fields (at any depth) and form
// parameters out of the comparison of bodies, names compared
// case-insensitively: for a value that changes on every run, such as a
// Reason that holds a date.
func IgnoreFields(names ...string) ReplayOption {
	return func(c *replayConfig) {
		if c.ignoreFields == nil {
			c.ignoreFields = map[string]bool{}
		}
		for _, n := range names {
			c.ignoreFields[strings.ToLower(n)] = true
		}
	}
}

// NewReplayer reads the recording in dir. A directory without recording
// files, or a file that does not read, is an error naming it.
func NewReplayer(dir string, opts ...ReplayOption) (*Replayer, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("passwordsafetest: reading the recording: %w", err)
	}
	type numbered struct {
		n    int
		name string
	}
	var files []numbered
	for _, e := range entries {
		m := recordingFile.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		files = append(files, numbered{n, e.Name()})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("passwordsafetest: %s holds no recording (NNNN-*.json files)", dir)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].n < files[j].n })
	p := &Replayer{dir: dir, patterns: map[string]*regexp.Regexp{}}
	for _, o := range opts {
		o(&p.cfg)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			return nil, fmt.Errorf("passwordsafetest: reading the recording: %w", err)
		}
		ex, err := decodeExchange(b)
		if err != nil {
			return nil, fmt.Errorf("passwordsafetest: %s: %w", filepath.Join(dir, f.name), err)
		}
		p.items = append(p.items, replayItem{file: f.name, ex: ex})
	}
	return p, nil
}

// RoundTrip answers the call from the recording.
func (p *Replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	recorded, first := 0, -1
	var diffs []string
	for i := range p.items {
		it := &p.items[i]
		if !p.sameCall(it.ex.Request, req) {
			continue
		}
		recorded++
		if it.played {
			continue
		}
		d := p.bodyDiff(it.ex.Request, req, body)
		if len(d) == 0 {
			it.played = true
			return it.ex.Response.response(req), nil
		}
		if first < 0 {
			first, diffs = i, d
		}
	}
	key := callKey(req.Method, req.URL.EscapedPath(), req.URL.RawQuery)
	switch {
	case first >= 0:
		if len(diffs) > maxDiffs {
			diffs = append(diffs[:maxDiffs], fmt.Sprintf("and %d more", len(diffs)-maxDiffs))
		}
		return nil, fmt.Errorf("passwordsafetest: replay: %s: the body sent differs from the one recorded in %s:\n\t%s\nthe code under test sends another request than when it was recorded: record anew, or relax the match (IgnoreFields, IgnoreBodies)",
			key, filepath.Join(p.dir, p.items[first].file), strings.Join(diffs, "\n\t"))
	case recorded > 0:
		return nil, fmt.Errorf("passwordsafetest: replay: %s was recorded %d times in %s and has been answered as often: the code under test calls it more than when it was recorded; record anew", key, recorded, p.dir)
	}
	return nil, fmt.Errorf("passwordsafetest: replay: %s was not recorded in %s: the code under test makes a call it did not make when it was recorded; record anew", key, p.dir)
}

// callKey names a call in the replayer's errors: the method, the path (in
// lower case, without a trailing slash) and the query ordered by name,
// the values of secret parameters masked.
func callKey(method, escapedPath, rawQuery string) string {
	key := strings.ToUpper(method) + " " + strings.ToLower(strings.TrimSuffix(escapedPath, "/"))
	q := lowerQuery(rawQuery)
	var params []string
	for _, k := range sortedKeys(q, nil) {
		for _, v := range q[k] {
			if secretKeyKind(k, callRoute{}) != "" {
				v = "..."
			}
			params = append(params, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	if len(params) > 0 {
		key += "?" + strings.Join(params, "&")
	}
	return key
}

// maxDiffs is how many differences a mismatch lists.
const maxDiffs = 8

// Respond is RoundTrip as an httpmock.Responder:
//
//	mt.RegisterNoResponder(replayer.Respond)
func (p *Replayer) Respond(req *http.Request) (*http.Response, error) { return p.RoundTrip(req) }

// sameCall reports whether req is the recorded call, bodies aside: the
// method, the path segment by segment and the query parameters.
func (p *Replayer) sameCall(rec recordedRequest, req *http.Request) bool {
	if !strings.EqualFold(rec.Method, req.Method) {
		return false
	}
	rs := strings.Split(strings.ToLower(strings.TrimSuffix(rec.Path, "/")), "/")
	ls := strings.Split(strings.ToLower(strings.TrimSuffix(req.URL.EscapedPath(), "/")), "/")
	if len(rs) != len(ls) {
		return false
	}
	for i := range rs {
		if !p.match(rs[i], ls[i]) {
			return false
		}
	}
	rq, lq := lowerQuery(rec.Query), lowerQuery(req.URL.RawQuery)
	if len(rq) != len(lq) {
		return false
	}
	for k, rvs := range rq {
		lvs, ok := lq[k]
		if !ok || len(lvs) != len(rvs) {
			return false
		}
		for i := range rvs { // a secret parameter's value is a placeholder: it matches any
			if !p.match(rvs[i], lvs[i]) {
				return false
			}
		}
	}
	return true
}

// wildcards are what a recorded value holds in place of a value that
// differs from run to run: a private key's placeholder, a placeholder, a
// random value of the fake.
var wildcards = regexp.MustCompile(`(?s)-----BEGIN [A-Z ]+-----\r?\nComment: ` + placeholderPrefix + `[a-z-]+-[0-9]+\r?\n.*?-----END [A-Z ]+-----\n?|` +
	placeholderText.String() + `|[0-9a-z]{32,}`)

// match reports whether a value sent matches a recorded one: the same, or
// the same but for the recorded value's wildcards.
func (p *Replayer) match(rec, live string) bool {
	if rec == live {
		return true
	}
	re, ok := p.patterns[rec]
	if !ok {
		locs := wildcards.FindAllStringIndex(rec, -1)
		if locs != nil {
			var b strings.Builder
			b.WriteString(`(?s)\A`)
			at := 0
			for _, l := range locs {
				b.WriteString(regexp.QuoteMeta(rec[at:l[0]]))
				if w := rec[l[0]:l[1]]; !strings.HasPrefix(w, placeholderPrefix) && !strings.HasPrefix(w, "-----") {
					b.WriteString(`[0-9a-z]{32,}`)
				} else {
					b.WriteString(`.*`)
				}
				at = l[1]
			}
			b.WriteString(regexp.QuoteMeta(rec[at:]) + `\z`)
			re = regexp.MustCompile(b.String())
		}
		p.patterns[rec] = re
	}
	return re != nil && re.MatchString(live)
}

// Unplayed lists the recorded calls that have not been answered yet, as
// "0007-GET-Credentials_1001.json: GET /BeyondTrust/api/public/v3/Credentials/1001", in recorded
// order. After a test it is empty when the code under test made every
// call it made when recorded.
func (p *Replayer) Unplayed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, it := range p.items {
		if !it.played {
			q := ""
			if it.ex.Request.Query != "" {
				q = "?" + it.ex.Request.Query
			}
			out = append(out, it.file+": "+it.ex.Request.Method+" "+it.ex.Request.Path+q)
		}
	}
	return out
}

// signIn returns the recorded sign-in's path and Authorization header,
// and whether the recording signed in with OAuth.
func (p *Replayer) signIn() (path, authorization string, oauth bool) {
	for _, it := range p.items {
		rq := it.ex.Request
		switch {
		case strings.HasSuffix(strings.ToLower(rq.Path), "/auth/connect/token"):
			oauth = true
		case strings.HasSuffix(strings.ToLower(rq.Path), "/auth/signappin") && path == "":
			path, authorization = rq.Path, rq.Header.Get("Authorization")
		}
	}
	return path, authorization, oauth
}

// bodyBytes is the body a call sent, decompressed when it was sent
// gzip-compressed.
func bodyBytes(body []byte) []byte {
	plain, _ := gunzipped(body)
	return bytes.TrimSpace(plain)
}
