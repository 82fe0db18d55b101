package passwordsafe

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Watch defaults and bounds.
const (
	defaultWatchInterval = time.Second

	// sessionCheckPeriod is how often, while the replay of a live session
	// stands at the end of what has been recorded, Watch asks the server
	// whether the session has ended (GET Sessions/{id}).
	sessionCheckPeriod = 5 * time.Second

	// minLiveLag is the least lag behind the live edge that makes Watch
	// jump forward again; the bound is 2 polls when that is longer.
	minLiveLag = 5 * time.Second

	// endReplayTimeout bounds the DELETE that ends the replay, which runs on
	// a context detached from the caller's so that it happens even when the
	// caller's context has ended.
	endReplayTimeout = 10 * time.Second

	// startReplayTimeout bounds POST pbsm/replay, which runs on a context
	// detached from the caller's: when the caller's context ends while it
	// is in flight, its answer is still read, so that the replay it
	// started can be ended.
	startReplayTimeout = 30 * time.Second
)

// WatchOptions tunes SessionsService.Watch. The zero value (and nil) polls
// every second, joins a live session at its live edge, plays an ended
// session from its start at normal speed, and asks RDP snapshots as
// full-size PNG.
type WatchOptions struct {
	// Interval is the wait between two polls; 0 means 1 s. Each poll is
	// one GET of the replay's state and one of the screen or snapshot.
	Interval time.Duration

	// FromStart plays a live session from its beginning. Without it Watch
	// jumps to the live edge at once, shows the present, and jumps again
	// whenever the replay falls more than 5 s (or 2 intervals) behind the
	// recording. An ended session is always played from its start.
	FromStart bool

	// Speed is the replay speed in percent (100 real time, 200 twice as
	// fast); 0 leaves the server's, which is 100.
	Speed int

	// Format and Divisor choose RDP snapshots: png (the default) or jpeg,
	// shrunk by Divisor (0 or 1 full size, 2 half, 3 a third). They are
	// ignored for SSH sessions, so one WatchOptions can serve both.
	Format  ImageFormat
	Divisor int

	// after waits between polls; nil means a timer. Tests set it to drive
	// the loop from channels, without the wall clock.
	after func(time.Duration) <-chan time.Time
}

// watchConfig is WatchOptions checked, with defaults filled in.
type watchConfig struct {
	interval  time.Duration
	fromStart bool
	speed     int
	format    ImageFormat
	divisor   int
	after     func(time.Duration) <-chan time.Time
}

func (o *WatchOptions) config() (watchConfig, error) {
	cfg := watchConfig{interval: defaultWatchInterval, format: ImagePNG, divisor: 1}
	if o == nil {
		return cfg, nil
	}
	switch {
	case o.Interval < 0:
		return cfg, invalid("interval", "must be 0 (for 1s) or more, got %s", o.Interval)
	case o.Speed < 0:
		return cfg, invalid("speed", "must be 0 (for the server's speed) or more, got %d", o.Speed)
	case o.Divisor < 0:
		return cfg, invalid("divisor", "must be 0 or 1 (full size) or more, got %d", o.Divisor)
	}
	if err := checkEnum("format", o.Format, ImagePNG, ImageJPEG); err != nil {
		return cfg, err
	}
	if o.Interval > 0 {
		cfg.interval = o.Interval
	}
	if o.Format != "" {
		cfg.format = o.Format
	}
	if o.Divisor > 0 {
		cfg.divisor = o.Divisor
	}
	cfg.fromStart, cfg.speed, cfg.after = o.FromStart, o.Speed, o.after
	return cfg, nil
}

// ReplayFrame is one picture of a watched session: the terminal text of an
// SSH session or a snapshot of an RDP session, as it stood at Offset.
type ReplayFrame struct {
	Offset int         // position in the recording, ms (State.Offset)
	Time   time.Time   // the moment shown: the session's start plus Offset, UTC; zero when the server gave no start
	Text   string      // SSH: the terminal screen
	Image  []byte      // RDP: the snapshot, as the server sent it
	Format ImageFormat // RDP: the format of Image
	State  ReplayState // the replay's state read just before the screen or snapshot
}

// Watch follows a session, live or recorded, and yields a frame each time
// its picture changes: the terminal text of an SSH session (Protocol 1), a
// snapshot of an RDP session (Protocol 0). It does what watching by hand
// takes: StartReplay; for a live session a jump to the live edge (unless
// opts.FromStart) and more jumps when the replay falls behind; a poll of
// ReplayStatus and ReplayScreen or ReplaySnapshot every opts.Interval; and
// EndReplay.
//
// The sequence ends after the last frame when the session has ended and
// the replay has reached the end of the recording (ReplayState.EOF). The
// replay of a session that may still be live can report EOF at the live
// edge; there Watch asks the server (GET Sessions/{id}) whether the session
// has ended, at once and then every 5 s while EOF holds, and goes on until
// it has (EndTime set, or Status completed, terminated, logged off or
// disconnected). A session counts as live when its EndTime is zero and its
// Status says nothing of an end, so a live session needs its SessionID.
//
// The replay is always ended (DELETE pbsm/replay/{id}): at the end, when
// the loop breaks, on an error, when ctx ends and when the loop body
// panics. The DELETE runs on a context detached from ctx, bounded to 10 s.
// A failure is the last pair yielded, joined (errors.Join) with the
// DELETE's own failure if any; after a break the DELETE's failure is lost,
// as nothing more may be yielded. Each range over the sequence starts a
// replay of its own. POST pbsm/replay runs on a context detached from ctx,
// bounded to 30 s: when ctx ends while it is in flight, Watch yields ctx's
// error at once, and the Client reads the answer in the background and
// ends the replay it started (SignOut waits for that). If the answer is
// lost all the same (the connection broke), the replay the server may have
// started cannot be ended: its ID never arrived.
//
//	for f, err := range client.Sessions.Watch(ctx, &session, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(f.Time, f.Text)
//	}
//
// A recorded session plays in real time unless opts.Speed says otherwise.
// Watch compares the pictures itself (text, or a digest of the image) and
// never sends PUT's next: there next is a percent-change threshold to skip
// ahead by (in the state it is a position), and skipping could hide a frame.
//
// The name says what the caller does, whatever the session's state: it
// joins a live session at its present by default, so "Replay" would
// mislead, and it yields pictures, not changes of state.
//
// API: POST pbsm/replay, GET pbsm/replay/{id} (plain, ?screen=1, ?png= or
// ?jpeg=), PUT pbsm/replay/{id}, GET Sessions/{id} (live sessions only),
// DELETE pbsm/replay/{id}
//
// Needs: what GET Sessions needs (the Administrators group, or the
// auditor, ISA or a session reviewer role on the asset's Smart Rule); the
// replay endpoints' own permission is not documented.
func (s *SessionsService) Watch(ctx context.Context, session *Session, opts *WatchOptions) iter.Seq2[ReplayFrame, error] {
	if _, err := checkReplaySession(session); err != nil {
		return seqError[ReplayFrame](err)
	}
	cfg, err := opts.config()
	if err != nil {
		return seqError[ReplayFrame](err)
	}
	live := !sessionEnded(session)
	if live && session.SessionID <= 0 {
		return seqError[ReplayFrame](invalid("SessionID", "must be greater than 0 to follow a live session (EndTime is zero), got %d", session.SessionID))
	}
	sess := *session
	return func(yield func(ReplayFrame, error) bool) {
		w := &watcher{s: s, session: &sess, cfg: cfg, live: live}
		w.run(ctx, yield)
	}
}

// sessionEnded reports whether the session is known to have ended.
func sessionEnded(s *Session) bool {
	if !s.EndTime.IsZero() {
		return true
	}
	switch s.Status {
	case SessionCompleted, SessionTerminated, SessionLoggedOff, SessionDisconnected:
		return true
	}
	return false
}

// watcher is one run of Watch.
type watcher struct {
	s       *SessionsService
	session *Session
	cfg     watchConfig
	live    bool // the session has not been seen to end

	shown    bool // a frame has been yielded
	lastText string
	lastSum  [sha256.Size]byte
}

func (w *watcher) run(ctx context.Context, yield func(ReplayFrame, error) bool) {
	rp, err, gone := inFlight(ctx, w.s.client, startReplayTimeout, startReplayTimeout+endReplayTimeout,
		func(ctx context.Context) (*Replay, error) {
			rp, _, err := w.s.StartReplay(ctx, w.session)
			return rp, err
		},
		func(ctx context.Context, rp *Replay, err error) {
			if err != nil {
				return
			}
			if _, err := w.s.EndReplay(ctx, rp.ID); err != nil {
				w.s.client.bg.fail(fmt.Errorf("passwordsafe: the replay started as ctx ended may still be open: %w", err))
			}
		})
	if gone {
		err = fmt.Errorf("passwordsafe: POST %s: %w (a replay it starts is ended in the background)", replayBase, err)
	}
	if err != nil {
		yield(ReplayFrame{}, err)
		return
	}
	// stopped stays true unless follow returns: after a break or a panic
	// in the loop body nothing more may be yielded.
	stopped := true
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), endReplayTimeout)
		defer cancel()
		_, endErr := w.s.EndReplay(dctx, rp.ID)
		if stopped {
			return
		}
		if err := errors.Join(err, endErr); err != nil {
			yield(ReplayFrame{}, err)
		}
	}()
	stopped, err = w.follow(ctx, rp.ID, yield)
}

// follow polls the replay and yields its frames until the session has
// ended and the replay stands at the end of the recording. It reports
// whether the caller stopped the loop.
func (w *watcher) follow(ctx context.Context, id string, yield func(ReplayFrame, error) bool) (bool, error) {
	st, err := w.begin(ctx, id)
	if err != nil {
		return false, err
	}
	checkEvery := max(1, int((sessionCheckPeriod+w.cfg.interval-1)/w.cfg.interval))
	eofPolls := 0
	for {
		f, changed, err := w.frame(ctx, id, st)
		if err != nil {
			return false, err
		}
		if changed && !yield(f, nil) {
			return true, nil
		}
		wait := true
		switch {
		case !st.EOF:
			eofPolls = 0
		case !w.live:
			return false, nil
		default:
			// At the live edge, or at the end of a session that has ended
			// since it was last seen: ask now and then which one it is.
			if eofPolls%checkEvery == 0 {
				s, _, err := w.s.Get(ctx, w.session.SessionID)
				if err != nil {
					return false, err
				}
				if sessionEnded(s) {
					// Read the replay once more at once: what was recorded
					// since the last poll is the session's last picture.
					w.live, wait = false, false
				}
			}
			eofPolls++
		}
		if wait {
			if err := w.wait(ctx); err != nil {
				return false, err
			}
		}
		if st, err = w.poll(ctx, id); err != nil {
			return false, err
		}
	}
}

// begin reads the replay's state and sets its speed and position as asked:
// a live session is joined at its live edge unless FromStart.
func (w *watcher) begin(ctx context.Context, id string) (*ReplayState, error) {
	st, _, err := w.s.ReplayStatus(ctx, id)
	if err != nil {
		return nil, err
	}
	var ctl ReplayControl
	if w.cfg.speed > 0 {
		ctl.Speed = Ptr(w.cfg.speed)
	}
	if edge := liveEdge(st); w.live && !w.cfg.fromStart && edge > st.Offset {
		ctl.Offset = Ptr(edge)
	}
	if ctl.Speed == nil && ctl.Offset == nil {
		return st, nil
	}
	st, _, err = w.s.ControlReplay(ctx, id, &ctl)
	return st, err
}

// poll reads the replay's state; following a live session at its live
// edge, it jumps forward when the replay has fallen behind the recording
// (a server that pauses at the end of what was recorded when the replay
// started, or a slow speed).
func (w *watcher) poll(ctx context.Context, id string) (*ReplayState, error) {
	st, _, err := w.s.ReplayStatus(ctx, id)
	if err != nil || !w.live || w.cfg.fromStart {
		return st, err
	}
	maxLag := int(max(minLiveLag, 2*w.cfg.interval).Milliseconds())
	if edge := liveEdge(st); edge-st.Offset > maxLag {
		st, _, err = w.s.ControlReplay(ctx, id, &ReplayControl{Offset: Ptr(edge)})
	}
	return st, err
}

// liveEdge is the end of what has been recorded, ms: the replay's
// duration, or when the server gives none, its end less its start.
func liveEdge(st *ReplayState) int {
	if st.Duration > 0 {
		return st.Duration
	}
	if st.Start > 0 && st.End > st.Start {
		return int(st.End-st.Start) * 1000
	}
	return 0
}

// frame reads the picture at st and reports whether it differs from the
// last one yielded (the first always does).
func (w *watcher) frame(ctx context.Context, id string, st *ReplayState) (ReplayFrame, bool, error) {
	f := ReplayFrame{Offset: st.Offset, State: *st}
	if st.Start > 0 {
		f.Time = time.Unix(st.Start, 0).UTC().Add(time.Duration(st.Offset) * time.Millisecond)
	}
	var changed bool
	if w.session.Protocol == protocolSSH {
		text, _, err := w.s.ReplayScreen(ctx, id)
		if err != nil {
			return f, false, err
		}
		f.Text = text
		changed = !w.shown || text != w.lastText
		w.lastText = text
	} else {
		img, _, err := w.s.ReplaySnapshot(ctx, id, w.cfg.format, w.cfg.divisor)
		if err != nil {
			return f, false, err
		}
		f.Image, f.Format = img, w.cfg.format
		// A digest, not the bytes: the caller may change or keep the
		// slice it was given.
		sum := sha256.Sum256(img)
		changed = !w.shown || sum != w.lastSum
		w.lastSum = sum
	}
	w.shown = true
	return f, changed, nil
}

// wait waits one interval, or until ctx ends.
func (w *watcher) wait(ctx context.Context) error {
	var tick <-chan time.Time
	if w.cfg.after != nil {
		tick = w.cfg.after(w.cfg.interval)
	} else {
		t := time.NewTimer(w.cfg.interval)
		defer t.Stop()
		tick = t.C
	}
	select {
	case <-ctx.Done():
		return fmt.Errorf("passwordsafe: watching session %d: %w", w.session.SessionID, ctx.Err())
	case <-tick:
		return nil
	}
}
