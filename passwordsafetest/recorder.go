package passwordsafetest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Recorder is an http.RoundTripper that passes every call on to a real
// Password Safe and writes a scrubbed copy of the call and its answer to
// a file in its directory, for a Replayer to answer offline later. Give
// it to the SDK with passwordsafe.WithHTTPClient; one Recorder may serve
// several clients (a requestor and an approver) at once.
//
// No secret it has seen is written, in any form, whatever the content
// type: see "Recording your own vault" in the package documentation for
// what is scrubbed and how. A secret learnt late (a password fetched after
// an error page echoed it) is scrubbed from the files already written
// before the call that taught it returns. The caller gets the server's
// answer untouched.
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
	files   []recordingFileState // what the directory holds, in order
	checked int                  // the scrubber's generation the files were last scrubbed at
	written []exchange           // what the files hold, for this package's tests
}

// recordingFileState is one file as written.
type recordingFileState struct {
	n    int
	name string
	data []byte
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
		r.mu.Lock()
		path := r.scrub.str(req.URL.Path)
		r.mu.Unlock()
		return nil, fmt.Errorf("passwordsafetest: recording %s %s: %w", req.Method, path, err)
	}
	return resp, nil
}

// recordingFile matches the names of recording files: 0001-GET-Requests.json.
var recordingFile = regexp.MustCompile(`^([0-9]{4,})-[A-Za-z]+-[A-Za-z0-9_.-]*\.json$`)

// record scrubs one exchange and writes it to the next file; when the
// exchange taught a secret, the files written before are scrubbed again.
func (r *Recorder) record(req *http.Request, reqBody []byte, resp *http.Response, body []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.start(); err != nil {
		return err
	}
	ex := r.scrub.exchange(req, reqBody, resp, body)
	r.files = append(r.files, recordingFileState{n: len(r.files) + 1})
	r.written = append(r.written, exchange{})
	if err := r.write(len(r.files)-1, ex); err != nil {
		r.files, r.written = r.files[:len(r.files)-1], r.written[:len(r.written)-1]
		return err
	}
	if r.checked == r.scrub.generation {
		return nil
	}
	for i := range r.files { // the file just written is as it stays: write skips it
		ex, err := decodeExchange(r.files[i].data)
		if err != nil {
			return err
		}
		if err := r.write(i, r.scrub.netExchange(ex)); err != nil {
			return err
		}
	}
	r.checked = r.scrub.generation
	return nil
}

// start removes the files of an earlier recording, once.
func (r *Recorder) start() error {
	if r.started {
		return nil
	}
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
	return nil
}

// write writes the i-th file when what it holds or its name changed; the
// name comes from the scrubbed path, so a secret in a path is in no name.
// The whole file goes through the net once more, as written.
func (r *Recorder) write(i int, ex exchange) error {
	b, err := encodeExchange(ex)
	if err != nil {
		return err
	}
	b = r.scrub.text(b)
	if ex, err = decodeExchange(b); err != nil {
		return fmt.Errorf("a secret could not be scrubbed from the file: %w", err)
	}
	f := &r.files[i]
	name := fmt.Sprintf("%04d-%s-%s.json", f.n, ex.Request.Method, fileStem(ex.Request.Path))
	if name == f.name && bytes.Equal(b, f.data) {
		return nil
	}
	if err := os.WriteFile(filepath.Join(r.dir, name), b, 0o644); err != nil {
		return err
	}
	if f.name != "" && f.name != name {
		if err := os.Remove(filepath.Join(r.dir, f.name)); err != nil {
			return err
		}
	}
	f.name, f.data = name, b
	r.written[i] = ex
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
