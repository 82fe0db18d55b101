package passwordsafe

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// defaultIdleReadTimeout bounds how long the SDK's own transport waits for
// the next bytes from the server, see WithIdleReadTimeout.
const defaultIdleReadTimeout = 2 * time.Minute

// newTransport is the SDK's own pooled transport: sized so many goroutines
// reuse connections, proxy from the environment, TLS 1.2 at least, HTTP/2
// when the server offers it, and timeouts on dial and handshake. No call
// hangs forever even without a context deadline: every connection it dials
// gives up a read once the server has sent nothing for idle (0: never),
// which bounds both the wait for the headers and a body that stops
// arriving, without a timer per request.
func newTransport(tc *tls.Config, idle time.Duration) *http.Transport {
	if tc == nil {
		tc = &tls.Config{}
	}
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	dial := dialer.DialContext
	if idle > 0 {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return newIdleConn(conn, idle), nil
		}
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dial,
		TLSClientConfig:       tc,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// idleConn is a connection whose reads fail once nothing has arrived for
// idle. The read deadline is pushed forward on every read and write (a
// request written to a pooled connection starts a new wait), but only when
// it has moved by a sixteenth of idle since it was last set, so most reads
// cost one clock reading and no timer update.
type idleConn struct {
	net.Conn
	idle  time.Duration
	born  time.Time    // for monotonic offsets
	setAt atomic.Int64 // offset from born when the deadline was last set, ns

	clock func() time.Duration // tests: the offset from born; nil means time.Since(born)
}

func newIdleConn(conn net.Conn, idle time.Duration) *idleConn {
	c := &idleConn{Conn: conn, idle: idle, born: time.Now()}
	c.setAt.Store(-int64(idle)) // the first read or write sets it
	return c
}

func (c *idleConn) touch() {
	var now time.Duration
	if c.clock != nil {
		now = c.clock()
	} else {
		now = time.Since(c.born)
	}
	last := c.setAt.Load()
	if int64(now)-last < int64(c.idle/16) {
		return
	}
	if c.setAt.CompareAndSwap(last, int64(now)) {
		_ = c.Conn.SetReadDeadline(c.born.Add(now + c.idle))
	}
}

func (c *idleConn) Read(p []byte) (int, error) {
	c.touch()
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	c.touch()
	return c.Conn.Write(p)
}

// roundTripper is what sends each attempt: the SDK's own transport, or with
// WithHTTPClient the caller's client's Transport as it is at this moment
// (read, never changed), so a mock installed after NewClient is used, and
// a nil one means http.DefaultTransport at that moment. The caller's
// client itself is never called: its redirect policy, cookie jar and
// Timeout play no part (Timeout bounds each attempt, see attempt).
func (c *Client) roundTripper() http.RoundTripper {
	if c.own != nil {
		return c.own
	}
	if rt := c.cfg.httpClient.Transport; rt != nil {
		return rt
	}
	return http.DefaultTransport
}

// CloseIdleConnections closes the connections the client keeps open for
// reuse, as http.Client.CloseIdleConnections does. Calls after it open new
// ones. Use it when you drop a client but the process goes on.
func (c *Client) CloseIdleConnections() {
	if ci, ok := c.roundTripper().(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}
