package passwordsafe_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

const (
	connsWorkers = 64
	connsCalls   = 100 // per worker
	// maxConns: a pool that keeps what it opened needs one connection per
	// worker, plus some that the server's side had not yet handed back when
	// a call wanted one. Go's default transport keeps 2 idle connections per
	// host and opens thousands here.
	maxConns = 128
)

// hammer makes connsWorkers × connsCalls calls of get at once and returns
// the first error.
func hammer(get func() error) error {
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range connsWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range connsCalls {
				if err := get(); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// TestConcurrentCallsReuseConnections: 64 goroutines × 100 calls on one
// client open at most 128 TCP connections, counted by the server.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	t.Parallel()
	s := newBenchServer(t)
	c := newBenchClient(t, s)
	ctx := context.Background()
	err := hammer(func() error {
		_, _, err := c.Sessions.Get(ctx, benchSessionID)
		return err
	})
	require.NoError(t, err)
	opened := s.conns.Load()
	t.Logf("%d×%d calls opened %d connections", connsWorkers, connsCalls, opened)
	assert.LessOrEqual(t, opened, int64(maxConns))
	assert.Positive(t, opened)
}

// BenchmarkConcurrentConnections reports the connections opened by
// 64 goroutines × 100 calls: through the SDK, through net/http with a pool
// sized as the SDK's, and through a client on Go's default pool size (2
// idle connections per host). The numbers are in BENCHMARKS.md.
func BenchmarkConcurrentConnections(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, get func(s *benchServer) func() error) {
		var total int64
		for b.Loop() {
			s := newBenchServer(b)
			if err := hammer(get(s)); err != nil {
				b.Fatal(err)
			}
			total += s.conns.Load()
			s.ts.Close()
		}
		b.ReportMetric(float64(total)/float64(b.N), "conns/op")
	}
	b.Run("impl=std", func(b *testing.B) {
		run(b, func(s *benchServer) func() error {
			hc, base := newRawClient(b), s.base()
			return func() error {
				var got ps.Session
				return rawGetSession(ctx, hc, base, benchSessionID, &got)
			}
		})
	})
	b.Run("impl=sdk", func(b *testing.B) {
		run(b, func(s *benchServer) func() error {
			c := newBenchClient(b, s)
			return func() error {
				_, _, err := c.Sessions.Get(ctx, benchSessionID)
				return err
			}
		})
	})
	b.Run("impl=std-default-pool", func(b *testing.B) {
		run(b, func(s *benchServer) func() error {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			b.Cleanup(tr.CloseIdleConnections)
			hc, base := &http.Client{Transport: tr}, s.base()
			return func() error {
				var got ps.Session
				return rawGetSession(ctx, hc, base, benchSessionID, &got)
			}
		})
	})
}
