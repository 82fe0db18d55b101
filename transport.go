package passwordsafe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// defaultIdleReadTimeout bounds how long the SDK's own transport waits for
// the next bytes from the server, see WithIdleReadTimeout.
const defaultIdleReadTimeout = 2 * time.Minute

// ownTransport is the SDK's own pooled transport: sized so many goroutines
// reuse connections, proxy from the environment, TLS 1.2 at least, HTTP/2
// when the server offers it, and timeouts on dial and handshake.
//
// No call hangs forever even without a context deadline: a call gives up
// once the server has sent nothing for it for idle (0: never). Over
// HTTP/1.1 a connection carries one call at a time, so a read deadline on
// the connection bounds both the wait for the headers and a body that stops
// arriving, without a timer per request (idleConn). Over HTTP/2 the
// connection's traffic says nothing of one call (the server may send PING
// frames, or answer other streams, while this one waits forever), so each
// call gets a timer of its own, pushed back as its own answer arrives
// (watchdog). Until the first answer says which protocol the server speaks,
// calls get the timer too.
type ownTransport struct {
	*http.Transport
	idle time.Duration
	h1   atomic.Bool // the last answer came over HTTP/1.x
}

// newTransport builds the SDK's own transport. With a client certificate
// (tc.Certificates or tc.GetClientCertificate) it speaks HTTP/1.1 only and
// allows the one renegotiation with which IIS asks for the certificate after
// the handshake: HTTP/2 forbids renegotiation, and Go refuses it by default.
func newTransport(tc *tls.Config, idle time.Duration) *ownTransport {
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
	t := &http.Transport{
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
	if hasClientCertificate(tc) {
		tc.Renegotiation = tls.RenegotiateOnceAsClient
		tc.NextProtos = slices.DeleteFunc(slices.Clone(tc.NextProtos), func(p string) bool { return p == "h2" })
		t.Protocols = new(http.Protocols) // decides over ForceAttemptHTTP2
		t.Protocols.SetHTTP1(true)
	}
	return &ownTransport{Transport: t, idle: idle}
}

func hasClientCertificate(tc *tls.Config) bool {
	return len(tc.Certificates) > 0 || tc.GetClientCertificate != nil
}

// RoundTrip sends one attempt. Over HTTP/1.x it is the transport's own; over
// HTTP/2, or before the protocol is known, the attempt gets a watchdog. A
// plain http:// URL is always HTTP/1.1: the transport does not speak
// unencrypted HTTP/2.
func (t *ownTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.idle <= 0 || t.h1.Load() || req.URL.Scheme == "http" {
		resp, err := t.Transport.RoundTrip(req)
		if err == nil && resp.ProtoMajor != 1 {
			t.h1.Store(false) // the next attempts are watched
		}
		return resp, err
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &watchdog{cancel: cancel, idle: t.idle}
	w.timer = time.AfterFunc(t.idle, w.expire)
	resp, err := t.Transport.RoundTrip(req.WithContext(ctx))
	if err != nil {
		w.stop()
		return nil, w.explain(ctx, err)
	}
	t.h1.Store(resp.ProtoMajor == 1)
	resp.Body = &watchedBody{body: resp.Body, w: w, ctx: ctx}
	return resp, nil
}

// watchdog ends one attempt once the server has sent nothing for it for
// idle: the wait for the headers, then between reads of the body.
type watchdog struct {
	cancel context.CancelCauseFunc
	idle   time.Duration
	timer  interface { // a *time.Timer; tests give a fake
		Reset(time.Duration) bool
		Stop() bool
	}
	once sync.Once
}

func (w *watchdog) expire() { w.cancel(errIdle) }

// touch pushes the bound back: bytes of this answer arrived.
func (w *watchdog) touch() { w.timer.Reset(w.idle) }

func (w *watchdog) stop() {
	w.once.Do(func() {
		w.timer.Stop()
		w.cancel(nil)
	})
}

// explain names an attempt the watchdog ended as the timeout it is, rather
// than as the cancellation it was carried by.
func (w *watchdog) explain(ctx context.Context, err error) error {
	if context.Cause(ctx) == errIdle {
		return idleTimeoutError{}
	}
	return err
}

// errIdle is the cause with which a watchdog ends an attempt.
var errIdle = errors.New("passwordsafe: the server sent nothing for this call within the idle read timeout")

// idleTimeoutError reports an attempt the watchdog ended: a net.Error whose
// Timeout is true, as a connection's read deadline reports it over HTTP/1.1.
type idleTimeoutError struct{}

func (idleTimeoutError) Error() string   { return errIdle.Error() + " (see WithIdleReadTimeout)" }
func (idleTimeoutError) Timeout() bool   { return true }
func (idleTimeoutError) Temporary() bool { return true }

var _ net.Error = idleTimeoutError{}

// watchedBody is an answer's body under its watchdog: every read pushes the
// bound back, and Close ends the watch.
type watchedBody struct {
	body io.ReadCloser
	w    *watchdog
	ctx  context.Context
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if n > 0 {
		b.w.touch()
	}
	if err != nil && err != io.EOF {
		err = b.w.explain(b.ctx, err)
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.w.stop()
	return b.body.Close()
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
// client itself is never called: its redirect policy and cookie jar play no
// part, and its Timeout bounds each attempt (client.go).
func (c *Client) roundTripper() http.RoundTripper {
	if c.own != nil {
		return c.own
	}
	if rt := c.cfg.httpClient.Transport; rt != nil {
		return rt
	}
	return http.DefaultTransport
}

// sendVia is the Transport of the http.Client go-retryablehttp drives: it
// hands each attempt to the client's roundTripper. It has no
// CloseIdleConnections: go-retryablehttp closes the idle connections after
// every failed call, and the pool is shared by every goroutine of the
// Client (the transport drops a broken connection by itself).
type sendVia struct{ c *Client }

func (s sendVia) RoundTrip(req *http.Request) (*http.Response, error) {
	return s.c.roundTripper().RoundTrip(req)
}

// CloseIdleConnections closes the connections the client keeps open for
// reuse, as http.Client.CloseIdleConnections does. Calls after it open new
// ones. Use it when you drop a client but the process goes on.
func (c *Client) CloseIdleConnections() {
	if ci, ok := c.roundTripper().(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}
