package passwordsafe_test

// Speed against the floor: each SDK call is measured beside the same work
// done with nothing but net/http and encoding/json, on one loopback server.
// BENCHMARKS.md has the commands and the numbers.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

const (
	benchSessionID = 7001
	benchCookie    = "ASP.NET_SessionId=bench-5e55i0n"
	benchAPIPath   = "/BeyondTrust/api/public/v3/"
)

// benchSession writes session i as the server does: RFC 3339 dates with
// seven fraction digits and a Z, EndTime null while live, ManagedSystemID
// null for admin sessions.
func benchSession(b *bytes.Buffer, i int) {
	start := time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC).Add(time.Duration(i) * 1234567 * time.Microsecond)
	end := "null"
	status, duration := 1, 0
	if i%3 != 0 {
		status, duration = 2, 60+i%3600
		end = `"` + start.Add(time.Duration(duration)*time.Second).Format("2006-01-02T15:04:05.0000000Z") + `"`
	}
	system, account := strconv.Itoa(1+i%6), strconv.Itoa(11+i%60)
	if i%10 == 9 {
		system, account = "null", "null"
	}
	fmt.Fprintf(b, `{"SessionID":%d,"UserID":%d,"NodeID":"5f0c8f8e-6a3b-4c2d-9e1f-7a8b9c0d1e2f","Status":%d,`+
		`"ArchiveStatus":0,"Protocol":%d,"StartTime":"%s","EndTime":%s,"Duration":%d,"AssetName":"web%02d",`+
		`"ManagedSystemID":%s,"ManagedAccountID":%s,"ManagedAccountName":"root","RecordKey":"%064x","Token":"%032x"}`,
		benchSessionID+i, 1+i%5, status, i%2, start.Format("2006-01-02T15:04:05.0000000Z"), end, duration,
		i%100, system, account, uint64(i)*0x9e3779b97f4a7c15, uint64(i)*0x2545f4914f6cdd1d)
}

// benchSessions is the JSON array of n sessions.
func benchSessions(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 460)
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		benchSession(&b, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// benchServer answers sign-in, GET Sessions/{id} (one session) and GET
// Sessions (list), and what a Checkout calls (GET Requests, POST Requests
// creating request 42, GET Credentials/42, PUT Requests/42/Checkin),
// checks the session cookie, and counts the TCP connections it accepts.
type benchServer struct {
	ts      *httptest.Server
	one     []byte
	list    atomic.Pointer[[]byte]
	chunked atomic.Bool // answer the list without a Content-Length
	conns   atomic.Int64

	secret  []byte                 // GET Secrets-Safe/Secrets?path=&title=: one secret, as a list
	secrets atomic.Pointer[[]byte] // GET Secrets-Safe/Secrets without a title: the 3.2 page of many
	file    atomic.Pointer[[]byte] // GET Secrets-Safe/Secrets/{id}/file/download
}

func newBenchServer(tb testing.TB) *benchServer {
	return startBenchServer(tb, false)
}

// newBenchServerHTTP2 is the same server over TLS, speaking HTTP/2.
func newBenchServerHTTP2(tb testing.TB) *benchServer {
	return startBenchServer(tb, true)
}

func startBenchServer(tb testing.TB, h2 bool) *benchServer {
	tb.Helper()
	var one bytes.Buffer
	benchSession(&one, 0)
	s := &benchServer{one: one.Bytes(), secret: []byte("[" + benchSecret(0) + "]")}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	if h2 {
		s.ts.EnableHTTP2 = true
		s.ts.StartTLS()
	} else {
		s.ts.Start()
	}
	tb.Cleanup(s.ts.Close)
	return s
}

// tlsConfig trusts the server's certificate (nil for plain HTTP).
func (s *benchServer) tlsConfig() *tls.Config {
	if s.ts.TLS == nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.ts.Certificate())
	return &tls.Config{RootCAs: pool}
}

func (s *benchServer) base() string { return s.ts.URL + benchAPIPath }

func (s *benchServer) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	switch path := strings.TrimPrefix(r.URL.Path, benchAPIPath); {
	case r.Method == http.MethodPost && path == "Auth/SignAppin":
		h["Set-Cookie"] = []string{benchCookie + "; path=/; HttpOnly"}
		_, _ = io.WriteString(w, `{"UserId":3,"SID":"S-1-5-21-3","EmailAddress":"admin@example.test","UserName":"admin","Name":"Admin"}`)
	case r.Header.Get("Cookie") != benchCookie:
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `"Not signed in."`)
	case r.Method == http.MethodGet && path == "Sessions/"+strconv.Itoa(benchSessionID):
		h["Content-Length"] = []string{strconv.Itoa(len(s.one))}
		_, _ = w.Write(s.one)
	case r.Method == http.MethodGet && path == "Sessions":
		body := *s.list.Load()
		if !s.chunked.Load() {
			h["Content-Length"] = []string{strconv.Itoa(len(body))}
		}
		_, _ = w.Write(body)
	case r.Method == http.MethodGet && path == "Secrets-Safe/Secrets" && r.URL.Query().Has("title"):
		h["Content-Length"] = []string{strconv.Itoa(len(s.secret))}
		_, _ = w.Write(s.secret)
	case r.Method == http.MethodGet && path == "Secrets-Safe/Secrets":
		body := *s.secrets.Load()
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		_, _ = w.Write(body)
	case r.Method == http.MethodGet && path == "Secrets-Safe/Secrets/"+benchSecretID+"/file/download":
		body := *s.file.Load()
		h["Content-Type"] = []string{"application/octet-stream"}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		_, _ = w.Write(body)
	case r.Method == http.MethodGet && path == "Requests":
		_, _ = io.WriteString(w, benchOpenRequests)
	case r.Method == http.MethodPost && path == "Requests":
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `42`)
	case r.Method == http.MethodGet && path == "Credentials/42":
		_, _ = io.WriteString(w, `"s3cr3t-pw"`)
	case r.Method == http.MethodPut && path == "Requests/42/Checkin":
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `"No such resource."`)
	}
}

func newBenchClient(tb testing.TB, s *benchServer) *ps.Client {
	tb.Helper()
	opts := []ps.Option{ps.WithAPIKey("bench-api-key", "admin")}
	if tc := s.tlsConfig(); tc != nil {
		opts = append(opts, ps.WithTLSConfig(tc))
	}
	c, err := ps.NewClient(s.base(), opts...)
	require.NoError(tb, err)
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

// newRawClient is what a careful hand-written client uses: the default
// transport's settings with a pool sized for concurrency.
func newRawClient(tb testing.TB) *http.Client {
	tb.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 128
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// rawGetSession is the floor: one GET with the session cookie set by hand,
// the answer decoded into the same type the SDK returns.
func rawGetSession(ctx context.Context, hc *http.Client, base string, id int, out *ps.Session) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"Sessions/"+strconv.Itoa(id), nil)
	if err != nil {
		return err
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["Cookie"] = []string{benchCookie}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func BenchmarkSessionsGet(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	b.Run("impl=std", func(b *testing.B) {
		hc := newRawClient(b)
		base := s.base()
		b.ReportAllocs()
		for b.Loop() {
			var got ps.Session
			if err := rawGetSession(ctx, hc, base, benchSessionID, &got); err != nil || got.SessionID != benchSessionID {
				b.Fatal(got, err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		c := newBenchClient(b, s)
		if _, err := c.SignIn(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			got, _, err := c.Sessions.Get(ctx, benchSessionID)
			if err != nil || got.SessionID != benchSessionID {
				b.Fatal(got, err)
			}
		}
	})
}

// BenchmarkSessionsGetHTTP2 is BenchmarkSessionsGetPaired over TLS and
// HTTP/2, where each SDK call carries a timer of its own (the idle bound
// of one stream): the SDK beside a raw http.Client with the same TLS
// settings, in alternating pairs.
func BenchmarkSessionsGetHTTP2(b *testing.B) {
	s := newBenchServerHTTP2(b)
	ctx := context.Background()
	c := newBenchClient(b, s)
	if _, err := c.SignIn(ctx); err != nil {
		b.Fatal(err)
	}
	hc := newRawClient(b)
	tr := hc.Transport.(*http.Transport)
	tr.TLSClientConfig, tr.ForceAttemptHTTP2 = s.tlsConfig(), true
	base := s.base()
	var sdkAllocs, stdAllocs uint64
	sdk := func() {
		got, resp, err := c.Sessions.Get(ctx, benchSessionID)
		if err != nil || got.SessionID != benchSessionID || resp.ProtoMajor != 2 {
			b.Fatal(got, err)
		}
	}
	std := func() {
		var got ps.Session
		if err := rawGetSession(ctx, hc, base, benchSessionID, &got); err != nil || got.SessionID != benchSessionID {
			b.Fatal(got, err)
		}
	}
	sdk()
	std()
	n := reportPaired(b, countMallocs(sdk, &sdkAllocs), countMallocs(std, &stdAllocs))
	b.ReportMetric(float64(sdkAllocs)/float64(n), "sdk-allocs/call")
	b.ReportMetric(float64(stdAllocs)/float64(n), "std-allocs/call")
}

// countMallocs wraps f to add the heap allocations each call makes to *n:
// the process's, so those of the in-process server too, the same on both
// sides of a pair.
func countMallocs(f func(), n *uint64) func() {
	var ms runtime.MemStats
	return func() {
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		f()
		runtime.ReadMemStats(&ms)
		*n += ms.Mallocs - before
	}
}

// BenchmarkSessionsGetPaired makes one SDK call and one net/http call per
// iteration, in alternating order, and reports the time of each and their
// ratio. On a shared machine the load drifts while a benchmark runs; a
// pair sees the same load, so the ratio holds still where two separate
// benchmarks (run one after the other) do not.
func BenchmarkSessionsGetPaired(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	c := newBenchClient(b, s)
	if _, err := c.SignIn(ctx); err != nil {
		b.Fatal(err)
	}
	hc, base := newRawClient(b), s.base()
	sdk := func() {
		got, _, err := c.Sessions.Get(ctx, benchSessionID)
		if err != nil || got.SessionID != benchSessionID {
			b.Fatal(got, err)
		}
	}
	std := func() {
		var got ps.Session
		if err := rawGetSession(ctx, hc, base, benchSessionID, &got); err != nil || got.SessionID != benchSessionID {
			b.Fatal(got, err)
		}
	}
	reportPaired(b, sdk, std)
}

// paired runs x and y once per iteration, in alternating order, and
// returns the time each took in all and the number of iterations: a pair
// sees the same load, so their ratio holds still on a busy machine.
func paired(b *testing.B, x, y func()) (tx, ty time.Duration, n int) {
	timed := func(f func(), total *time.Duration) {
		start := time.Now()
		f()
		*total += time.Since(start)
	}
	for b.Loop() {
		if n%2 == 0 {
			timed(x, &tx)
			timed(y, &ty)
		} else {
			timed(y, &ty)
			timed(x, &tx)
		}
		n++
	}
	return tx, ty, n
}

const benchListSize = 100_000 // the API's largest answer

// rawListSessions is the floor for a list: one GET, io.ReadAll, then
// json.Unmarshal into the same type the SDK returns.
func rawListSessions(ctx context.Context, hc *http.Client, base string) ([]ps.Session, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"Sessions", nil)
	if err != nil {
		return nil, err
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["Cookie"] = []string{benchCookie}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out []ps.Session
	return out, json.Unmarshal(body, &out)
}

// BenchmarkSessionsList100k: GET Sessions answering 100,000 sessions, with
// and without a Content-Length: io.ReadAll + json.Unmarshal (impl=std),
// Sessions.List (impl=sdk), and ranging over Sessions.All (impl=all).
func BenchmarkSessionsList100k(b *testing.B) {
	s := newBenchServer(b)
	body := benchSessions(benchListSize)
	s.list.Store(&body)
	ctx := context.Background()
	for _, chunked := range []bool{false, true} {
		length := "known"
		if chunked {
			length = "chunked"
		}
		impls := []struct {
			name string
			list func(c *ps.Client, hc *http.Client) (int, error)
		}{
			{"std", func(_ *ps.Client, hc *http.Client) (int, error) {
				got, err := rawListSessions(ctx, hc, s.base())
				return len(got), err
			}},
			{"sdk", func(c *ps.Client, _ *http.Client) (int, error) {
				got, _, err := c.Sessions.List(ctx, nil)
				return len(got), err
			}},
			{"all", func(c *ps.Client, _ *http.Client) (int, error) {
				n := 0
				for _, err := range c.Sessions.All(ctx, nil) {
					if err != nil {
						return n, err
					}
					n++
				}
				return n, nil
			}},
		}
		for _, impl := range impls {
			b.Run("length="+length+"/impl="+impl.name, func(b *testing.B) {
				s.chunked.Store(chunked)
				c, hc := newBenchClient(b, s), newRawClient(b)
				run := func() {
					if n, err := impl.list(c, hc); err != nil || n != benchListSize {
						b.Fatal(n, err)
					}
				}
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					run()
				}
				b.StopTimer()
				reportPeakHeap(b, len(body), run)
			})
		}
	}
}

// BenchmarkThroughput: many goroutines calling Sessions.Get on one client,
// beside the same calls by hand on one pooled net/http client. ns/op is
// wall time per call, so the ratio of the two is the throughput ratio.
func BenchmarkThroughput(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	for _, workers := range []int{1, 8, 64, 256} {
		for _, impl := range []string{"std", "sdk"} {
			b.Run(fmt.Sprintf("goroutines=%d/impl=%s", workers, impl), func(b *testing.B) {
				var call func() error
				if impl == "sdk" {
					c := newBenchClient(b, s)
					if _, err := c.SignIn(ctx); err != nil {
						b.Fatal(err)
					}
					call = func() error {
						_, _, err := c.Sessions.Get(ctx, benchSessionID)
						return err
					}
				} else {
					hc, base := newRawClient(b), s.base()
					call = func() error {
						var got ps.Session
						return rawGetSession(ctx, hc, base, benchSessionID, &got)
					}
				}
				b.ReportAllocs()
				var left atomic.Int64
				left.Store(int64(b.N))
				var wg sync.WaitGroup
				b.ResetTimer()
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for left.Add(-1) >= 0 {
							if err := call(); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
			})
		}
	}
}

// BenchmarkFirstCall: a new client's first call, which signs in first,
// beside the same two requests made by hand (POST Auth/SignAppin with the
// PS-Auth header, then the GET with the cookie it set). Both sides share
// one pooled transport, so neither pays for a new connection.
func BenchmarkFirstCall(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	hc, base := newRawClient(b), s.base()
	b.Run("impl=std", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"Auth/SignAppin", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header["Authorization"] = []string{"PS-Auth key=bench-api-key; runas=admin;"}
			req.Header["Accept"] = []string{"application/json"}
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var u ps.User
			err = json.NewDecoder(resp.Body).Decode(&u)
			resp.Body.Close()
			if err != nil || len(resp.Cookies()) != 1 {
				b.Fatal(err)
			}
			var got ps.Session
			if err := rawGetSession(ctx, hc, base, benchSessionID, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := ps.NewClient(base, ps.WithAPIKey("bench-api-key", "admin"), ps.WithHTTPClient(hc))
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.Sessions.Get(ctx, benchSessionID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportPeakHeap runs f once more and reports the most heap it held at
// once, in bytes and as a multiple of the body size.
func reportPeakHeap(b *testing.B, bodyLen int, f func()) {
	peak := peakHeap(f)
	b.ReportMetric(float64(peak), "peak-heap-B")
	b.ReportMetric(float64(peak)/float64(bodyLen), "peak-heap/body")
}

// peakHeap returns the largest growth of the heap's live objects while f
// runs. It samples runtime/metrics (no stop-the-world) while the collector
// runs with GOGC=5, so garbage not yet collected adds at most ~5% to what
// was live: the result is a close upper bound of the live peak.
func peakHeap(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// BenchmarkTimeUnmarshalJSON: the SDK's Time beside time.Time (impl=std) on
// the layouts the server writes. The fast path allocates nothing.
func BenchmarkTimeUnmarshalJSON(b *testing.B) {
	for _, layout := range []struct{ name, value string }{
		{"sessions", `"2026-11-23T04:54:25.0137236Z"`},
		{"requests", `"2026-11-23T04:39:10.53"`},
		{"aliases", `"2026-11-23T04:39:10"`},
		{"null", `null`},
	} {
		data := []byte(layout.value)
		if layout.name == "sessions" || layout.name == "null" { // time.Time takes RFC 3339 only
			b.Run("layout="+layout.name+"/impl=std", func(b *testing.B) {
				b.ReportAllocs()
				var t time.Time
				for b.Loop() {
					if err := t.UnmarshalJSON(data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run("layout="+layout.name+"/impl=sdk", func(b *testing.B) {
			b.ReportAllocs()
			var t ps.Time
			for b.Loop() {
				if err := t.UnmarshalJSON(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkThroughputPaired runs, per iteration, one batch of calls on each
// side with the given number of goroutines, in alternating order, and
// reports sdk-calls/s over std-calls/s: both batches of a pair see the same
// load, so the ratio holds still on a busy machine where two separate
// benchmarks drift apart.
func BenchmarkThroughputPaired(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	c := newBenchClient(b, s)
	if _, err := c.SignIn(ctx); err != nil {
		b.Fatal(err)
	}
	hc, base := newRawClient(b), s.base()
	sdk := func() error {
		_, _, err := c.Sessions.Get(ctx, benchSessionID)
		return err
	}
	std := func() error {
		var got ps.Session
		return rawGetSession(ctx, hc, base, benchSessionID, &got)
	}
	const batch = 512 // calls per side per iteration
	for _, workers := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", workers), func(b *testing.B) {
			timed := func(call func() error) time.Duration {
				var left atomic.Int64
				left.Store(batch)
				var wg sync.WaitGroup
				start := time.Now()
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for left.Add(-1) >= 0 {
							if err := call(); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				return time.Since(start)
			}
			var sdkTime, stdTime time.Duration
			n := 0
			for b.Loop() {
				if n%2 == 0 {
					sdkTime += timed(sdk)
					stdTime += timed(std)
				} else {
					stdTime += timed(std)
					sdkTime += timed(sdk)
				}
				n++
			}
			b.ReportMetric(float64(stdTime)/float64(sdkTime), "sdk/std-throughput")
		})
	}
}

const (
	benchSecretID   = "5ec7e700-0000-4000-8000-000000000001"
	benchSecretPath = "prod/db/postgres"
	benchSecretURL  = "Secrets-Safe/Secrets?path=prod/db&title=postgres&decrypt=true"
)

// benchSecret is secret i as API 3.2 writes it: a credential with its
// password, a user owner and every date.
func benchSecret(i int) string {
	title := "postgres"
	if i > 0 {
		title = fmt.Sprintf("svc-%06d", i)
	}
	return fmt.Sprintf(`{"Id":"5ec7e700-0000-4000-8000-%012d","Title":"%s","Description":"Database owner",`+
		`"FolderId":"f01de700-0000-4000-8000-000000000001","FolderPath":"prod/db","SecretType":"Credential",`+
		`"Username":"postgres","Password":"p%019x","Text":null,"FileName":null,"Notes":null,"Urls":null,`+
		`"Owners":[{"GroupId":null,"UserId":3,"Name":"Ada Admin","Email":"admin@example.test"}],"PasswordRuleID":null,`+
		`"CreatedOn":"2026-01-15T09:30:00.1234567Z","CreatedBy":"admin","ModifiedOn":"2026-01-15T09:30:00.1234567Z",`+
		`"ModifiedBy":"admin","SecretValueModifiedOn":"2026-01-15T09:30:00.1234567Z"}`,
		i+1, title, uint64(i)*0x9e3779b97f4a7c15)
}

// benchSecretsPage is the 3.2 page of n secrets.
func benchSecretsPage(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 620)
	fmt.Fprintf(&b, `{"TotalCount":%d,"Data":[`, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(benchSecret(i))
	}
	b.WriteString("]}")
	return b.Bytes()
}

// rawFindSecret is the floor for Find: the same GET by hand, the answer
// decoded with encoding/json into the type the SDK returns.
func rawFindSecret(ctx context.Context, hc *http.Client, base string) (*ps.StoredSecret, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+benchSecretURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["Cookie"] = []string{benchCookie}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var list []ps.StoredSecret
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	if len(list) != 1 {
		return nil, fmt.Errorf("%d secrets", len(list))
	}
	return &list[0], nil
}

// BenchmarkSecretsFind: Secrets.Find beside the same GET by hand (impl=std),
// a 3.2 answer of one secret with a Content-Length.
func BenchmarkSecretsFind(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	b.Run("impl=std", func(b *testing.B) {
		hc, base := newRawClient(b), s.base()
		b.ReportAllocs()
		for b.Loop() {
			if got, err := rawFindSecret(ctx, hc, base); err != nil || got.Password.IsZero() {
				b.Fatal(got, err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		c := newBenchClient(b, s)
		if _, err := c.SignIn(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if got, _, err := c.Secrets.Find(ctx, benchSecretPath, nil); err != nil || got.Password.IsZero() {
				b.Fatal(got, err)
			}
		}
	})
}

// BenchmarkSecretsFindPaired times one Find and one GET by hand per
// iteration, in alternating order, and reports their ratio (sdk/std).
func BenchmarkSecretsFindPaired(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	c := newBenchClient(b, s)
	if _, err := c.SignIn(ctx); err != nil {
		b.Fatal(err)
	}
	hc, base := newRawClient(b), s.base()
	reportPaired(b, func() {
		if got, _, err := c.Secrets.Find(ctx, benchSecretPath, nil); err != nil || got.Password.IsZero() {
			b.Fatal(got, err)
		}
	}, func() {
		if got, err := rawFindSecret(ctx, hc, base); err != nil || got.Password.IsZero() {
			b.Fatal(got, err)
		}
	})
}

// reportPaired runs sdk and std once each per iteration, in alternating
// order (paired), reports the time of each and their ratio, and returns
// the number of pairs.
func reportPaired(b *testing.B, sdk, std func()) int {
	sdkTime, stdTime, n := paired(b, sdk, std)
	b.ReportMetric(float64(sdkTime.Nanoseconds())/float64(n), "sdk-ns/call")
	b.ReportMetric(float64(stdTime.Nanoseconds())/float64(n), "std-ns/call")
	b.ReportMetric(float64(sdkTime)/float64(stdTime), "sdk/std")
	return n
}

// rawDownload is the floor for File: one GET by hand, io.Copy of its body.
func rawDownload(ctx context.Context, hc *http.Client, base string, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"Secrets-Safe/Secrets/"+benchSecretID+"/file/download", nil)
	if err != nil {
		return 0, err
	}
	req.Header["Cookie"] = []string{benchCookie}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}

// BenchmarkSecretsFile: Secrets.File of a 5 MB file secret into io.Discard
// beside io.Copy of a raw GET's body (impl=std), with the peak heap each
// holds; BenchmarkSecretsFilePaired reports the throughput ratio.
func BenchmarkSecretsFile(b *testing.B) {
	s := newBenchServer(b)
	file := bytes.Repeat([]byte("0123456789abcdef"), ps.FileSecretMaxBytes/16)
	s.file.Store(&file)
	ctx := context.Background()
	c := newBenchClient(b, s)
	if _, err := c.SignIn(ctx); err != nil {
		b.Fatal(err)
	}
	hc, base := newRawClient(b), s.base()
	impls := map[string]func(){
		"std": func() {
			if n, err := rawDownload(ctx, hc, base, io.Discard); err != nil || n != int64(len(file)) {
				b.Fatal(n, err)
			}
		},
		"sdk": func() {
			var w countingWriter
			if _, err := c.Secrets.File(ctx, benchSecretID, &w); err != nil || w.n != int64(len(file)) {
				b.Fatal(w.n, err)
			}
		},
	}
	for _, name := range []string{"std", "sdk"} {
		b.Run("impl="+name, func(b *testing.B) {
			run := impls[name]
			run() // a connection and its buffers, before the peak is measured
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
			b.StopTimer()
			peak := peakHeap(run)
			b.ReportMetric(float64(peak), "peak-heap-B")
		})
	}
}

// countingWriter counts and discards.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func BenchmarkSecretsFilePaired(b *testing.B) {
	s := newBenchServer(b)
	file := bytes.Repeat([]byte("0123456789abcdef"), ps.FileSecretMaxBytes/16)
	s.file.Store(&file)
	ctx := context.Background()
	c := newBenchClient(b, s)
	if _, err := c.SignIn(ctx); err != nil {
		b.Fatal(err)
	}
	hc, base := newRawClient(b), s.base()
	b.SetBytes(int64(len(file)))
	reportPaired(b, func() {
		var w countingWriter
		if _, err := c.Secrets.File(ctx, benchSecretID, &w); err != nil || w.n != int64(len(file)) {
			b.Fatal(w.n, err)
		}
	}, func() {
		if n, err := rawDownload(ctx, hc, base, io.Discard); err != nil || n != int64(len(file)) {
			b.Fatal(n, err)
		}
	})
}

// BenchmarkSecretsAll100k: GET Secrets answering 100,000 secrets (the 3.2
// page, about 60 MB): Secrets.All holding one at a time (impl=all),
// Secrets.List (impl=sdk), and io.ReadAll + json.Unmarshal (impl=std),
// with the peak heap each holds over the body size.
func BenchmarkSecretsAll100k(b *testing.B) {
	s := newBenchServer(b)
	body := benchSecretsPage(benchListSize)
	s.secrets.Store(&body)
	ctx := context.Background()
	opts := &ps.ListSecretsOptions{Limit: benchListSize}
	impls := map[string]func(c *ps.Client, hc *http.Client) (int, error){
		"std": func(_ *ps.Client, hc *http.Client) (int, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base()+"Secrets-Safe/Secrets?limit=100000", nil)
			if err != nil {
				return 0, err
			}
			req.Header["Cookie"] = []string{benchCookie}
			resp, err := hc.Do(req)
			if err != nil {
				return 0, err
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				return 0, err
			}
			var page struct{ Data []ps.StoredSecret }
			err = json.Unmarshal(raw, &page)
			return len(page.Data), err
		},
		"sdk": func(c *ps.Client, _ *http.Client) (int, error) {
			got, _, err := c.Secrets.List(ctx, opts)
			return len(got), err
		},
		"all": func(c *ps.Client, _ *http.Client) (int, error) {
			n := 0
			for _, err := range c.Secrets.All(ctx, opts) {
				if err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		},
	}
	for _, name := range []string{"std", "sdk", "all"} {
		b.Run("impl="+name, func(b *testing.B) {
			c, hc := newBenchClient(b, s), newRawClient(b)
			run := func() {
				if n, err := impls[name](c, hc); err != nil || n != benchListSize {
					b.Fatal(n, err)
				}
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
			b.StopTimer()
			reportPeakHeap(b, len(body), run)
		})
	}
}
