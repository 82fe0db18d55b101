package passwordsafe_test

// A hostile server: 1,000 mixed calls against answers that break off,
// lie about their length, hide behind proxy pages, flood the client with a
// 50 MiB error page, never answer, or push back with bursts of 429 and 503.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// What the hostile server does with one arrival.
type faultMode int

const (
	modeOK        faultMode = iota
	modeReset               // headers and half the body, then a TCP reset
	modeShortBody           // Content-Length says more than is sent, then FIN
	modeTruncated           // honest Content-Length, JSON cut in half
	modeHTML502             // a proxy's HTML error page
	modeHugeError           // 500 with a 50 MiB body
	mode429                 // 429 with Retry-After: 0, and the next arrivals too
	mode503                 // 503 with Retry-After: 0, and the next arrivals too
	mode429Long             // 429 with a Retry-After past the client's limit
	modeHang                // the headers never come
	numModes
)

var faultModeNames = [...]string{"ok", "reset", "short-body", "truncated", "html-502",
	"huge-error", "429-burst", "503-burst", "429-long", "hang"}

func (m faultMode) String() string { return faultModeNames[m] }

// faultSchedule is the order in which the server picks a mode for arrivals
// that are not in a burst: mostly good answers, every fault several times
// per hundred arrivals.
var faultSchedule = []faultMode{
	modeOK, modeReset, modeOK, modeTruncated, modeOK, modeHTML502, modeOK, modeShortBody,
	modeOK, mode429, modeOK, modeHugeError, modeOK, mode503, modeOK, modeReset,
	modeOK, mode429Long, modeOK, modeTruncated, modeOK, modeHTML502, modeOK, modeShortBody,
}

const (
	hugeErrorSize   = 50 << 20
	faultBurst      = 3                // arrivals answered 429/503 after the first of a burst
	faultHangPath   = "Sessions/666"   // this session's answer never comes
	faultHangLimit  = 10 * time.Second // a hung handler gives up by itself after this
	faultCalls      = 1000
	faultWorkers    = 16
	faultCallLimit  = 5 * time.Second // per call; the hang calls get hangDeadline
	hangDeadline    = 100 * time.Millisecond
	faultMaxHeapInc = 40 << 20 // less than one uncapped error body
)

type hostileServer struct {
	ts       *httptest.Server
	arrivals atomic.Int64
	burst    atomic.Int64 // arrivals still to answer with burstMode
	burstSt  atomic.Int64 // status of the burst under way
	modes    [numModes]atomic.Int64
	hugeSent atomic.Int64 // bytes of 50 MiB bodies written

	mu    sync.Mutex
	posts map[string][]faultMode // POST Requests by Reason: the modes each arrival got

	list, one []byte
}

func newHostileServer(t *testing.T) *hostileServer {
	t.Helper()
	var one bytes.Buffer
	benchSession(&one, 0)
	h := &hostileServer{posts: map[string][]faultMode{}, list: benchSessions(20), one: one.Bytes()}
	h.ts = httptest.NewServer(http.HandlerFunc(h.serve))
	return h
}

func (h *hostileServer) base() string { return h.ts.URL + benchAPIPath }

// pick chooses the mode of one arrival.
func (h *hostileServer) pick() faultMode {
	for {
		n := h.burst.Load()
		if n <= 0 {
			break
		}
		if h.burst.CompareAndSwap(n, n-1) {
			if h.burstSt.Load() == http.StatusTooManyRequests {
				return mode429
			}
			return mode503
		}
	}
	m := faultSchedule[int(h.arrivals.Add(1))%len(faultSchedule)]
	if m == mode429 || m == mode503 {
		st := int64(http.StatusTooManyRequests)
		if m == mode503 {
			st = http.StatusServiceUnavailable
		}
		h.burstSt.Store(st)
		h.burst.Store(faultBurst)
	}
	return m
}

func (h *hostileServer) serve(w http.ResponseWriter, r *http.Request) {
	reqBody, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	path := strings.TrimPrefix(r.URL.Path, benchAPIPath)
	if r.Method == http.MethodPost && path == "Auth/SignAppin" {
		w.Header()["Set-Cookie"] = []string{benchCookie + "; path=/; HttpOnly"}
		_, _ = io.WriteString(w, `{"UserId":3,"UserName":"admin"}`)
		return
	}
	if r.Header.Get("Cookie") != benchCookie {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if path == faultHangPath {
		h.modes[modeHang].Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(faultHangLimit):
		}
		return
	}
	m := h.pick()
	h.modes[m].Add(1)
	if r.Method == http.MethodPost {
		var body struct{ Reason string }
		_ = json.Unmarshal(reqBody, &body)
		h.mu.Lock()
		h.posts[body.Reason] = append(h.posts[body.Reason], m)
		h.mu.Unlock()
	}

	ok := h.answer(r.Method, path)
	switch m {
	case modeOK:
		w.Header().Set("Content-Type", "application/json")
		if len(ok) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		_, _ = w.Write(ok)
	case modeReset, modeShortBody:
		if len(ok) < 2 {
			ok = []byte(`{"SessionID":7001}`) // something to break off
		}
		conn := hijack(w)
		if conn == nil {
			return
		}
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(ok))
		_, _ = conn.Write(ok[:len(ok)/2])
		if tc, isTCP := conn.(*net.TCPConn); isTCP && m == modeReset {
			_ = tc.SetLinger(0) // close with RST
		}
		_ = conn.Close()
	case modeTruncated:
		if len(ok) < 2 {
			ok = []byte(`{"SessionID":7001}`)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(ok[:len(ok)/2])
	case modeHTML502:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
	case modeHugeError:
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(hugeErrorSize))
		w.WriteHeader(http.StatusInternalServerError)
		chunk := bytes.Repeat([]byte("4031 - the same error again and again. "), 1<<10)
		for sent := 0; sent < hugeErrorSize; {
			n, err := w.Write(chunk[:min(len(chunk), hugeErrorSize-sent)])
			sent += n
			h.hugeSent.Add(int64(n))
			if err != nil {
				return // the client has had enough
			}
		}
	case mode429, mode503:
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(int(h.burstSt.Load()))
		_, _ = io.WriteString(w, `"Too busy, try again."`)
	case mode429Long:
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `"Come back in an hour."`)
	}
}

// answer is the good answer to a call.
func (h *hostileServer) answer(method, path string) []byte {
	switch {
	case method == http.MethodGet && path == "Sessions":
		return h.list
	case method == http.MethodGet && strings.HasPrefix(path, "Sessions/"):
		return h.one
	case method == http.MethodPost && path == "Requests":
		return []byte(`{"RequestID":1234}`)
	case method == http.MethodGet && strings.HasPrefix(path, "Credentials/"):
		return []byte(`"Pa55w0rd-hostile"`)
	}
	return nil // PUT Requests/{id}/Checkin: 204
}

func hijack(w http.ResponseWriter) net.Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return nil
	}
	return conn
}

// errorClass names the kind of a call's error, or "" when it has none the
// caller can match: every error must be an *ErrorResponse, a
// *ValidationError, a context error, a transport error (*url.Error, as
// net/http reports them), or a *DecodeError (a 2xx answer that is not
// what the call expects).
func errorClass(err error) string {
	var (
		er *ps.ErrorResponse
		ve *ps.ValidationError
		ue *url.Error
		de *ps.DecodeError
	)
	switch {
	case err == nil:
		return "none"
	case errors.As(err, &er):
		return "error-response " + strconv.Itoa(er.StatusCode)
	case errors.As(err, &ve):
		return "validation"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "context"
	case errors.As(err, &ue):
		return "transport"
	case errors.As(err, &de):
		return "decode"
	}
	return ""
}

// heapWatch samples the heap's live objects until stopped and keeps the
// largest value.
type heapWatch struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
}

func watchHeap() *heapWatch {
	w := &heapWatch{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > w.peak.Load() {
				w.peak.Store(v)
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *heapWatch) Stop() uint64 {
	close(w.stop)
	<-w.done
	return w.peak.Load()
}

// TestHostileServer makes 1,000 mixed calls against the hostile server:
// no panic, every error typed, no POST that reached the server sent again,
// error bodies capped, and no goroutine left behind. It does not run in
// parallel: it counts the process's goroutines and watches its heap.
func TestHostileServer(t *testing.T) {
	// A low GOGC keeps garbage out of the heap samples, so they follow what
	// is live.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	baseGoroutines := runtime.NumGoroutine()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	baseHeap := sample[0].Value.Uint64()

	h := newHostileServer(t)
	c, err := ps.NewClient(h.base(), ps.WithAPIKey("hostile-api-key", "admin"),
		ps.WithRetries(3, time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)

	// The outcomes keep each error's text, not the error: an *ErrorResponse
	// may hold a 1 MiB message, and holding 50 of them would look like
	// the uncapped body this test watches for.
	type outcome struct {
		kind, class, err string
	}
	var (
		next     atomic.Int64
		mu       sync.Mutex
		outcomes []outcome
		panics   []any
		wg       sync.WaitGroup
	)
	heap := watchHeap()
	for range faultWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= faultCalls {
					return
				}
				kind, err := faultCall(c, i, &panics, &mu)
				mu.Lock()
				msg := ""
				if err != nil {
					msg = fmt.Sprintf("%T: %.300s", err, err)
				}
				outcomes = append(outcomes, outcome{kind, errorClass(err), msg})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	peak := heap.Stop()

	require.Empty(t, panics, "calls panicked")
	require.Len(t, outcomes, faultCalls)

	// Every error typed.
	counts := map[string]int{}
	for _, o := range outcomes {
		counts[o.kind+": "+o.class]++
		if o.class == "" {
			t.Errorf("%s: untyped error %s", o.kind, o.err)
		}
		if o.kind == "hang" {
			assert.Equal(t, "context", o.class, "a call whose answer never comes ends at its deadline: %s", o.err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		t.Logf("%-40s %4d", k, counts[k])
	}
	for m := range numModes {
		t.Logf("server: %-10s %4d arrivals", m, h.modes[m].Load())
		assert.Positive(t, h.modes[m].Load(), "mode %s never ran", m)
	}

	// No POST that may have reached the handler was sent again: only a
	// 429 (refused, not processed) may be followed by another arrival.
	h.mu.Lock()
	posts := len(h.posts)
	for reason, arrivals := range h.posts {
		processed := 0
		for _, m := range arrivals {
			if m != mode429 && m != mode429Long {
				processed++
			}
		}
		assert.LessOrEqual(t, processed, 1, "POST %q processed more than once: %v", reason, arrivals)
	}
	h.mu.Unlock()
	assert.Equal(t, faultCalls/5, posts, "every POST arrived at least once")

	// Error bodies are capped: the heap never grew by one 50 MiB body, and
	// the server could write only a small part of those it began.
	grew := int64(peak) - int64(baseHeap)
	t.Logf("heap peak %d MiB above the start; 50 MiB bodies begun %d, bytes written %d MiB",
		grew>>20, h.modes[modeHugeError].Load(), h.hugeSent.Load()>>20)
	assert.Less(t, grew, int64(faultMaxHeapInc))
	if n := h.modes[modeHugeError].Load(); n > 0 {
		assert.Less(t, h.hugeSent.Load(), n*hugeErrorSize/2, "the client read the huge error bodies whole")
	}

	// Nothing left behind once the client lets its connections go.
	c.CloseIdleConnections()
	h.ts.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseGoroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseGoroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines, %d before:\n%s", n, baseGoroutines, buf[:runtime.Stack(buf, true)])
	}
}

// faultCall makes call i: the kinds take turns, and every 50th call asks
// for the session whose answer never comes, with a short deadline.
func faultCall(c *ps.Client, i int, panics *[]any, mu *sync.Mutex) (kind string, err error) {
	defer func() {
		if p := recover(); p != nil {
			mu.Lock()
			*panics = append(*panics, p)
			mu.Unlock()
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	if i%50 == 49 {
		ctx, cancel := context.WithTimeout(context.Background(), hangDeadline)
		defer cancel()
		_, _, err = c.Sessions.Get(ctx, 666)
		return "hang", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), faultCallLimit)
	defer cancel()
	switch i % 5 {
	case 0:
		_, _, err = c.Sessions.Get(ctx, benchSessionID)
		return "get", err
	case 1:
		_, _, err = c.Sessions.List(ctx, nil)
		return "list", err
	case 2:
		_, _, err = c.Requests.Create(ctx, &ps.CreateRequestOptions{
			SystemID: 1, AccountID: 11, DurationMinutes: 5, Reason: "call-" + strconv.Itoa(i),
		})
		return "create", err
	case 3:
		_, err = c.Requests.Checkin(ctx, 1234, "")
		return "checkin", err
	default:
		_, _, err = c.Requests.Credentials(ctx, 1234, nil)
		return "credentials", err
	}
}
