package passwordsafetest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Recorder is an http.RoundTripper that passes every call on to a real
// Password Safe and writes a scrubbed copy of the call and its answer to
// a file in its directory, for a Replayer to answer offline later. Give
// it to the SDK with passwordsafe.WithHTTPClient; one Recorder may serve
// several clients (a requestor and an approver) at once.
//
// Nothing secret is written: see "Recording your own vault" in the package
// documentation for what is scrubbed and how. The caller gets the
// server's answer untouched.
//
// A Recorder owns the recording files in its directory (NNNN-*.json):
// before it writes the first one, it removes those of an earlier
// recording. Calls that fail without an answer (a dropped connection) are
// not recorded.
type Recorder struct {
	dir  string
	next http.RoundTripper

	mu      sync.Mutex
	scrub   *scrubber
	started bool
	n       int
	written []exchange // what the files hold, for this package's tests
}

// NewRecorder returns a Recorder that sends calls through next
// (http.DefaultTransport when nil) and records them in dir, which it
// creates when needed.
func NewRecorder(dir string, next http.RoundTripper) *Recorder {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Recorder{dir: dir, next: next, scrub: newScrubber()}
}

// RoundTrip sends the call on and records it with its answer. An error
// writing the recording is returned as the call's error, so that a test
// never passes on a recording that was not made.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(b))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	resp, err := r.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.Request = req
	if err := r.record(req, reqBody, resp, body); err != nil {
		return nil, fmt.Errorf("passwordsafetest: recording %s %s: %w", req.Method, req.URL.Path, err)
	}
	return resp, nil
}

// recordingFile matches the names of recording files: 0001-GET-Requests.json.
var recordingFile = regexp.MustCompile(`^([0-9]{4,})-[A-Za-z]+-[A-Za-z0-9_.-]*\.json$`)

// record scrubs one exchange and writes it to the next file.
func (r *Recorder) record(req *http.Request, reqBody []byte, resp *http.Response, body []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started {
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			return err
		}
		old, err := os.ReadDir(r.dir)
		if err != nil {
			return err
		}
		for _, e := range old {
			if !e.IsDir() && recordingFile.MatchString(e.Name()) {
				if err := os.Remove(filepath.Join(r.dir, e.Name())); err != nil {
					return err
				}
			}
		}
		r.started = true
	}
	ex := exchange{Request: r.scrub.request(req, reqBody), Response: r.scrub.response(req, resp, body)}
	b, err := encodeExchange(ex)
	if err != nil {
		return err
	}
	b = r.scrub.net(b)
	if ex, err = decodeExchange(b); err != nil {
		return err
	}
	r.n++
	name := fmt.Sprintf("%04d-%s-%s.json", r.n, req.Method, fileStem(req.URL.Path))
	if err := os.WriteFile(filepath.Join(r.dir, name), b, 0o644); err != nil {
		return err
	}
	r.written = append(r.written, ex)
	return nil
}

// fileStem names a file after the path below the API base:
// "Requests_1001_Checkin".
func fileStem(p string) string {
	if i := strings.LastIndex(strings.ToLower(p), apiAnchor); i >= 0 {
		p = p[i+len(apiAnchor):]
	}
	p = strings.Trim(p, "/")
	stem := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		}
		return '_'
	}, p)
	if len(stem) > 60 {
		stem = stem[:60]
	}
	return stem
}

// apiAnchor ends the API's base path on every Password Safe.
const apiAnchor = "/api/public/v3/"

// Replayer is an http.RoundTripper that answers calls from a recording
// that a Recorder made, with no network. Its Respond method is also an
// httpmock.Responder. It is safe for concurrent use.
//
// A call gets the answer recorded for the same method, path and query:
// the path compared case-insensitively (as the server does) and without
// the host, so any base URL with the recorded base path will do; query
// parameters in any order. A call made several times gets the recorded
// answers in the order they were recorded (a credential that answered
// 4034, then the password). A call with nothing recorded for it, or whose
// recorded answers are used up, fails with an error that says so. Calls
// that differ only in who makes them (two users listing their requests
// at the same moment) are answered in the order they were recorded, so a
// flow that makes them concurrently may get them swapped: make them in
// turn, or record their users apart.
type Replayer struct {
	mu     sync.Mutex
	queues map[string][]int // call key -> indexes into items, in order
	items  []replayItem
	dir    string
}

type replayItem struct {
	file   string
	ex     exchange
	played bool
}

// NewReplayer reads the recording in dir. A directory without recording
// files, or a file that does not read, is an error naming it.
func NewReplayer(dir string) (*Replayer, error) {
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
	p := &Replayer{queues: map[string][]int{}, dir: dir}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			return nil, fmt.Errorf("passwordsafetest: reading the recording: %w", err)
		}
		ex, err := decodeExchange(b)
		if err != nil {
			return nil, fmt.Errorf("passwordsafetest: %s: %w", filepath.Join(dir, f.name), err)
		}
		key := callKey(ex.Request.Method, ex.Request.Path, ex.Request.Query)
		p.queues[key] = append(p.queues[key], len(p.items))
		p.items = append(p.items, replayItem{file: f.name, ex: ex})
	}
	return p, nil
}

// RoundTrip answers the call from the recording.
func (p *Replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	key := callKey(req.Method, req.URL.EscapedPath(), req.URL.RawQuery)
	p.mu.Lock()
	defer p.mu.Unlock()
	queue := p.queues[key]
	for _, i := range queue {
		if !p.items[i].played {
			p.items[i].played = true
			return p.items[i].ex.Response.response(req), nil
		}
	}
	if len(queue) > 0 {
		return nil, fmt.Errorf("passwordsafetest: replay: %s was recorded %d times in %s and has been answered as often: the code under test calls it more than when it was recorded; record anew", key, len(queue), p.dir)
	}
	return nil, fmt.Errorf("passwordsafetest: replay: %s was not recorded in %s: the code under test makes a call it did not make when it was recorded; record anew", key, p.dir)
}

// Respond is RoundTrip as an httpmock.Responder:
//
//	mt.RegisterNoResponder(replayer.Respond)
func (p *Replayer) Respond(req *http.Request) (*http.Response, error) { return p.RoundTrip(req) }

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
