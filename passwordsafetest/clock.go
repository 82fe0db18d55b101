package passwordsafetest

import (
	"fmt"
	"sync"
	"time"
)

// clock is wall time (or a fixed instant, WithTime) plus the skew
// (WithClockSkew) and everything Advance added.
type clock struct {
	mu     sync.Mutex
	fixed  bool
	base   time.Time
	offset time.Duration
}

func (c *clock) init(fixed time.Time, skew time.Duration) {
	if !fixed.IsZero() {
		c.fixed, c.base = true, fixed.UTC()
	}
	c.offset = skew
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed {
		return c.base.Add(c.offset)
	}
	return time.Now().UTC().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// Now returns the fake clock's current time; every date the server writes
// comes from it.
func (s *Server) Now() time.Time { return s.clock.now() }

// Advance moves the fake clock forward by d (a negative d is ignored).
// What the clock passes ends as it would on the real server: signed-in
// sessions idle for the idle timeout (20 minutes) answer 401, OAuth tokens
// expire, requests expire at the end of their window (rotating a released
// password), and live replays move on by d × speed.
func (s *Server) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	s.clock.advance(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	s.notifyLocked()
}

// ExpireSessions ends every signed-in API session, as if each had been
// idle too long: the next call with any of their cookies answers 401, and
// the SDK signs in again.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.authSessions)
	s.notifyLocked()
}

// ExpireRequest ends a pending or active request now, as the end of its
// window would (a released password is rotated when the request says so;
// its sessions are logged off). The request's owner then gets 4031 for it.
func (s *Server) ExpireRequest(requestID int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.now()
	s.sweepLocked(now)
	rq, ok := s.requests[requestID]
	switch {
	case !ok:
		return fmt.Errorf("passwordsafetest: no request %d", requestID)
	case !rq.state.live():
		return fmt.Errorf("passwordsafetest: request %d has already ended (%s)", requestID, rq.state.describe())
	}
	s.endRequestLocked(rq, stateExpired, now)
	s.notifyLocked()
	return nil
}
