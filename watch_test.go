package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Replay calls as the call log spells them (relative to testBase).
const (
	wPost    = "POST pbsm/replay"
	wState   = "GET pbsm/replay/" + replayID
	wScreen  = "GET pbsm/replay/" + replayID + "?screen=1"
	wPut     = "PUT pbsm/replay/" + replayID
	wSession = "GET Sessions/105"
	wDelete  = "DELETE pbsm/replay/" + replayID
)

const replayStart = 1714557600 // 2024-05-01T10:00:00Z

// wstate is a replay state answer at offset of a recording of duration ms.
func wstate(offset, duration int, eof bool) string {
	return fmt.Sprintf(`{"tstamp":%d,"end":%d,"offset":%d,"next":%d,"speed":100,"eof":%t,"duration":%d}`,
		replayStart, replayStart+duration/1000, offset, offset, eof, duration)
}

const (
	sessLiveJSON  = `{"SessionID":105,"Status":1,"Protocol":1,"EndTime":null}`
	sessEndedJSON = `{"SessionID":105,"Status":2,"Protocol":1,"EndTime":"2024-05-01T10:00:46Z"}`
)

// watchScript scripts the server Watch talks to: each GET of the state,
// the screen or a snapshot, each PUT and each GET Sessions/105 answers the
// next entry of its list, then keeps answering the last. One recorder
// keeps every call, in order.
type watchScript struct {
	states   []string
	puts     []string
	screens  []string
	images   [][]byte
	imageQ   string // the snapshot's query, e.g. "png=1"
	sessions []string
	fail     map[string]httpmock.Responder // by call, e.g. wState: answers instead of the script from the given call on
	failAt   map[string]int                // the 1-based call of that kind that fails first (default 1)
	delete   httpmock.Responder
}

func (ws watchScript) install(t *testing.T, mt *httpmock.MockTransport) *recorder {
	t.Helper()
	rec := &recorder{}
	u := replayURL + "/" + replayID
	reg := func(key, method, url string, script httpmock.Responder) {
		if f, ok := ws.fail[key]; ok {
			at := max(1, ws.failAt[key])
			rs := make([]httpmock.Responder, 0, at)
			for range at - 1 {
				rs = append(rs, script)
			}
			script = sequence(append(rs, f)...)
		}
		mt.RegisterResponder(method, url, rec.wrap(script))
	}
	jsonSeq := func(bodies []string) httpmock.Responder {
		rs := make([]httpmock.Responder, len(bodies))
		for i, b := range bodies {
			rs[i] = respond(http.StatusOK, b)
		}
		if len(rs) == 0 {
			return respond(http.StatusTeapot, `"not scripted"`)
		}
		return sequence(rs...)
	}
	reg(wPost, http.MethodPost, replayURL, respond(http.StatusOK, `{"id":"`+replayID+`","token":"`+replayID+`","ticket":"k"}`))
	reg(wState, http.MethodGet, u, jsonSeq(ws.states))
	reg(wPut, http.MethodPut, u, jsonSeq(ws.puts))
	reg(wSession, http.MethodGet, testBase+"Sessions/105", jsonSeq(ws.sessions))
	screens := []httpmock.Responder{respond(http.StatusTeapot, `"not scripted"`)}
	for i, s := range ws.screens {
		screens = append(screens[:i], reply(http.StatusOK, []byte(s), "Content-Type", "text/plain; charset=utf-8"))
	}
	reg(wScreen, http.MethodGet, u+"?screen=1", sequence(screens...))
	if len(ws.images) > 0 {
		rs := make([]httpmock.Responder, len(ws.images))
		for i, img := range ws.images {
			rs[i] = reply(http.StatusOK, img, "Content-Type", "image/"+strings.SplitN(ws.imageQ, "=", 2)[0])
		}
		reg("GET pbsm/replay/"+replayID+"?"+ws.imageQ, http.MethodGet, u+"?"+ws.imageQ, sequence(rs...))
	}
	del := ws.delete
	if del == nil {
		del = reply(http.StatusOK, nil)
	}
	reg(wDelete, http.MethodDelete, u, del)
	return rec
}

// callLog is every recorded call as "METHOD path?query", relative to testBase.
func callLog(rec *recorder) []string {
	var out []string
	for _, s := range rec.all() {
		out = append(out, s.Method+" "+strings.TrimPrefix(s.URL.String(), testBase))
	}
	return out
}

// bodiesOf returns the bodies of the recorded calls spelled call.
func bodiesOf(rec *recorder, call string) []string {
	var out []string
	for _, s := range rec.all() {
		if s.Method+" "+strings.TrimPrefix(s.URL.String(), testBase) == call {
			out = append(out, string(s.Body))
		}
	}
	return out
}

// instantClock fires every wait at once and remembers what was asked.
type instantClock struct{ waits []time.Duration }

func (c *instantClock) after(d time.Duration) <-chan time.Time {
	c.waits = append(c.waits, d)
	if len(c.waits) > 10000 {
		// The scripts here end in a few polls: one that polls for ever
		// is a bug, stopped here rather than by the global timeout.
		panic("instantClock: the watch polls for ever")
	}
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

// drain ranges over seq to its end and returns the frames and the error,
// checking that an error is only ever the last pair.
func drain(t *testing.T, seq func(func(ReplayFrame, error) bool)) ([]ReplayFrame, error) {
	t.Helper()
	var frames []ReplayFrame
	var last error
	pairs := 0
	for f, err := range seq {
		// The scripts here end in a few frames: a watch that goes on is
		// a bug, and breaking out ends it rather than hanging the test.
		if pairs++; pairs > 1000 {
			t.Error("the watch never ended")
			break
		}
		require.NoError(t, last, "a pair came after an error")
		if err != nil {
			assert.Zero(t, f, "an error comes with a zero frame")
			last = err
			continue
		}
		frames = append(frames, f)
	}
	return frames, last
}

func liveSSH() *Session {
	s := replaySession(protocolSSH)
	s.Status = SessionInProgress
	return s
}

func endedSession(protocol int) *Session {
	s := replaySession(protocol)
	s.SessionID = 0 // not needed: nothing is asked of an ended session
	s.Status = SessionCompleted
	s.EndTime = Time{time.Unix(replayStart+3, 0)}
	return s
}

func at(ms int) time.Time {
	return time.Unix(replayStart, 0).UTC().Add(time.Duration(ms) * time.Millisecond)
}

const (
	screenA = "root@db-01:~# "
	screenB = "root@db-01:~# uptime\n 10:00:44 up 42 days,  1 user\nroot@db-01:~# "
	screenC = screenB + "exit\nlogout\n"
)

// A live SSH session: Watch starts the replay, jumps to the live edge,
// yields a frame only when the screen changes, asks at EOF whether the
// session has ended, reads the replay once more when it has, and ends it.
func TestWatchFollowsLiveSSHSessionToItsEnd(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := watchScript{
		states: []string{
			wstate(0, 42000, false),
			wstate(43000, 43000, false),
			wstate(44000, 44000, false),
			wstate(45000, 45000, true),
			wstate(45000, 45000, true),
		},
		puts:     []string{wstate(42000, 42000, true)},
		screens:  []string{screenA, screenA, screenB, screenB, screenC},
		sessions: []string{sessLiveJSON, sessEndedJSON},
	}.install(t, mt)
	clock := &instantClock{}

	frames, err := drain(t, c.Sessions.Watch(context.Background(), liveSSH(), &WatchOptions{after: clock.after}))
	require.NoError(t, err)

	assert.Equal(t, []string{
		wPost, wState, wPut, wScreen, wSession, // joined at the live edge, which reports EOF: still live?
		wState, wScreen, // unchanged: no frame
		wState, wScreen,
		wState, wScreen, wSession, // EOF again: the session has ended
		wState, wScreen, // one more look, at once
		wDelete,
	}, callLog(rec))
	assert.Equal(t, []time.Duration{time.Second, time.Second, time.Second}, clock.waits, "no wait once the session has ended")
	assert.JSONEq(t, `{"id":"tok-4b5a6978","record_key":"rk-e5f60718","protocol":"SSH","headless":true}`, bodiesOf(rec, wPost)[0])
	assert.JSONEq(t, `{"offset":42000}`, bodiesOf(rec, wPut)[0])
	assert.Equal(t, []string{""}, bodiesOf(rec, wDelete))

	require.Len(t, frames, 3)
	want := []struct {
		offset int
		text   string
		eof    bool
	}{{42000, screenA, true}, {44000, screenB, false}, {45000, screenC, true}}
	for i, w := range want {
		f := frames[i]
		assert.Equal(t, w.offset, f.Offset, "frame %d", i)
		assert.Equal(t, at(w.offset), f.Time, "frame %d", i)
		assert.Equal(t, w.text, f.Text, "frame %d", i)
		assert.Nil(t, f.Image, "frame %d", i)
		assert.Empty(t, f.Format, "frame %d", i)
		assert.Equal(t, w.offset, f.State.Offset, "frame %d", i)
		assert.Equal(t, w.eof, f.State.EOF, "frame %d", i)
		assert.Equal(t, int64(replayStart), f.State.Start, "frame %d", i)
	}
	assert.Equal(t, "2024-05-01T10:00:42Z", frames[0].Time.Format(time.RFC3339))
}

// While a live session's replay stands at EOF, the session is asked after
// at once and then every 5 s of polls (at least every poll).
func TestWatchAsksAfterTheSessionEvery5sAtEOF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		interval time.Duration
		every    int // polls between two questions
	}{
		{0, 5}, // 1 s
		{2 * time.Second, 3},
		{300 * time.Millisecond, 17},
		{5 * time.Second, 1},
		{7 * time.Second, 1},
	}
	for _, tt := range tests {
		t.Run(tt.interval.String(), func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := watchScript{
				states:   []string{wstate(42000, 42000, true)},
				screens:  []string{screenA},
				sessions: []string{sessLiveJSON, sessLiveJSON, sessEndedJSON},
			}.install(t, mt)
			clock := &instantClock{}
			frames, err := drain(t, c.Sessions.Watch(context.Background(), liveSSH(), &WatchOptions{Interval: tt.interval, after: clock.after}))
			require.NoError(t, err)
			require.Len(t, frames, 1, "the screen never changes")

			// Asked at polls 1, 1+every and 1+2*every; the last says ended,
			// and one more poll follows at once.
			want := []string{wPost}
			polls := 2 + 2*tt.every
			for p := 1; p <= polls; p++ {
				want = append(want, wState, wScreen)
				if p <= 1+2*tt.every && (p-1)%tt.every == 0 {
					want = append(want, wSession)
				}
			}
			want = append(want, wDelete)
			assert.Equal(t, want, callLog(rec))
			interval := tt.interval
			if interval == 0 {
				interval = time.Second
			}
			assert.Len(t, clock.waits, polls-2)
			for _, d := range clock.waits {
				assert.Equal(t, interval, d)
			}
		})
	}
}

// An RDP session: snapshots at the format and divisor asked for, a frame
// only when the image bytes change (also when the caller has written over
// the bytes it was given), no question about an ended session.
func TestWatchRDPSnapshots(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	img1, img2 := testImage(t, ImageJPEG), testImage(t, ImagePNG)
	rec := watchScript{
		states: []string{
			wstate(0, 3000, false),
			wstate(1000, 3000, false),
			wstate(2000, 3000, false),
			wstate(3000, 3000, true),
		},
		puts:   []string{wstate(0, 3000, false)},
		images: [][]byte{img1, append([]byte(nil), img1...), img2, append([]byte(nil), img2...)},
		imageQ: "jpeg=2",
	}.install(t, mt)
	clock := &instantClock{}
	snap := "GET pbsm/replay/" + replayID + "?jpeg=2"

	var frames []ReplayFrame
	for f, err := range c.Sessions.Watch(context.Background(), endedSession(protocolRDP),
		&WatchOptions{Format: ImageJPEG, Divisor: 2, Speed: 200, Interval: 250 * time.Millisecond, after: clock.after}) {
		require.NoError(t, err)
		kept := f
		kept.Image = append([]byte(nil), f.Image...)
		frames = append(frames, kept)
		clear(f.Image) // the caller's to change
	}

	assert.Equal(t, []string{
		wPost, wState, wPut, snap,
		wState, snap,
		wState, snap,
		wState, snap,
		wDelete,
	}, callLog(rec))
	assert.JSONEq(t, `{"id":"tok-4b5a6978","record_key":"rk-e5f60718","protocol":"RDP","headless":true}`, bodiesOf(rec, wPost)[0])
	assert.JSONEq(t, `{"speed":200}`, bodiesOf(rec, wPut)[0], "an ended session plays from its start")
	assert.Equal(t, []time.Duration{250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond}, clock.waits)
	require.Len(t, frames, 2)
	assert.Equal(t, 0, frames[0].Offset)
	assert.Equal(t, 2000, frames[1].Offset)
	assert.Equal(t, at(2000), frames[1].Time)
	for i, want := range [][]byte{img1, img2} {
		assert.Equal(t, want, frames[i].Image, "frame %d", i)
		assert.Equal(t, ImageJPEG, frames[i].Format, "frame %d", i)
		assert.Empty(t, frames[i].Text, "frame %d", i)
	}
}

// With nil options an RDP session is shown as full-size PNG; an ended
// session already at EOF is one frame and no wait at all.
func TestWatchDefaults(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	img := testImage(t, ImagePNG)
	rec := watchScript{
		states: []string{wstate(3000, 3000, true)},
		images: [][]byte{img},
		imageQ: "png=1",
	}.install(t, mt)
	frames, err := drain(t, c.Sessions.Watch(context.Background(), endedSession(protocolRDP), nil))
	require.NoError(t, err)
	assert.Equal(t, []string{wPost, wState, "GET pbsm/replay/" + replayID + "?png=1", wDelete}, callLog(rec))
	require.Len(t, frames, 1)
	assert.Equal(t, img, frames[0].Image)
	assert.Equal(t, ImagePNG, frames[0].Format)
}

// The first frame is yielded even when the screen is empty.
func TestWatchYieldsTheFirstScreenEvenEmpty(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	watchScript{states: []string{wstate(0, 0, true)}, screens: []string{""}}.install(t, mt)
	frames, err := drain(t, c.Sessions.Watch(context.Background(), endedSession(protocolSSH), nil))
	require.NoError(t, err)
	require.Len(t, frames, 1)
	assert.Empty(t, frames[0].Text)
	assert.True(t, frames[0].Time.Equal(at(0)))
}

// Following a live session at its live edge, Watch jumps forward when the
// replay lags the recording by more than max(5 s, 2 intervals); from the
// start it never does.
func TestWatchKeepsUpWithTheLiveEdge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      WatchOptions
		lag       int
		wantJumps []string
	}{
		{"lag over 5s", WatchOptions{}, 6000, []string{`{"offset":42000}`, `{"offset":49000}`}},
		{"lag of 5s", WatchOptions{}, 5000, []string{`{"offset":42000}`}},
		{"lag under 2 intervals", WatchOptions{Interval: 4 * time.Second}, 6000, []string{`{"offset":42000}`}},
		{"lag over 2 intervals", WatchOptions{Interval: 4 * time.Second}, 8001, []string{`{"offset":42000}`, `{"offset":51001}`}},
		{"from the start", WatchOptions{FromStart: true}, 100000, nil},
		{"from the start, with a speed", WatchOptions{FromStart: true, Speed: 400}, 100000, []string{`{"speed":400}`}},
		{"speed and jump in one call", WatchOptions{Speed: 150}, 0, []string{`{"speed":150,"offset":42000}`}},
		{"ended session: played whole", WatchOptions{}, 100000, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := watchScript{
				states: []string{
					wstate(0, 42000, false),
					wstate(43000, 43000+tt.lag, false),
					wstate(50000, 50000, true),
				},
				puts:     []string{wstate(42000, 42000, false), wstate(50000, 50000, true)},
				screens:  []string{screenA},
				sessions: []string{sessEndedJSON},
			}.install(t, mt)
			clock := &instantClock{}
			opts := tt.opts
			opts.after = clock.after
			session := liveSSH()
			if tt.wantJumps == nil && !opts.FromStart {
				session = endedSession(protocolSSH)
			}
			_, err := drain(t, c.Sessions.Watch(context.Background(), session, &opts))
			require.NoError(t, err)
			assert.Equal(t, tt.wantJumps, bodiesOf(rec, wPut))
			log := callLog(rec)
			assert.Equal(t, wDelete, log[len(log)-1])
		})
	}
}

// Breaking out of the loop ends the replay at once; nothing follows the DELETE.
func TestWatchEndsTheReplayOnBreak(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := watchScript{
		states:  []string{wstate(0, 42000, false)},
		puts:    []string{wstate(42000, 42000, false)},
		screens: []string{screenA, screenB},
	}.install(t, mt)
	clock := &instantClock{}
	n := 0
	for f, err := range c.Sessions.Watch(context.Background(), liveSSH(), &WatchOptions{after: clock.after}) {
		require.NoError(t, err)
		assert.Equal(t, screenA, f.Text)
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, []string{wPost, wState, wPut, wScreen, wDelete}, callLog(rec))
	assert.Empty(t, clock.waits)
}

// A panic in the loop body still ends the replay, and goes on as it was,
// also when the DELETE fails (its error has nowhere to go).
func TestWatchEndsTheReplayOnPanic(t *testing.T) {
	t.Parallel()
	for name, del := range map[string]httpmock.Responder{
		"DELETE succeeds": nil,
		"DELETE fails":    respond(http.StatusForbidden, `"4031"`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := watchScript{states: []string{wstate(0, 0, true)}, screens: []string{screenA}, delete: del}.install(t, mt)
			assert.PanicsWithValue(t, "boom", func() {
				for range c.Sessions.Watch(context.Background(), endedSession(protocolSSH), nil) {
					panic("boom")
				}
			})
			assert.Equal(t, []string{wPost, wState, wScreen, wDelete}, callLog(rec))
		})
	}
}

// A failure mid-way is the last pair, and the replay is still ended.
func TestWatchErrorEndsTheReplay(t *testing.T) {
	t.Parallel()
	notFound := respond(http.StatusNotFound, `"Replay session was not found."`)
	forbidden := respond(http.StatusForbidden, `"4031"`)
	tests := []struct {
		name     string
		fail     string
		failAt   int
		answer   httpmock.Responder
		sentinel error
		frames   int
		wantLog  []string
	}{
		{"state", wState, 2, notFound, ErrNotFound, 1,
			[]string{wPost, wState, wPut, wScreen, wSession, wState, wDelete}},
		{"screen", wScreen, 2, respond(http.StatusInternalServerError, `"boom"`), nil, 1,
			[]string{wPost, wState, wPut, wScreen, wSession, wState, wScreen, wDelete}},
		{"first state", wState, 1, notFound, ErrNotFound, 0,
			[]string{wPost, wState, wDelete}},
		{"jump", wPut, 1, notFound, ErrNotFound, 0,
			[]string{wPost, wState, wPut, wDelete}},
		{"session check", wSession, 1, forbidden, ErrForbidden, 1,
			[]string{wPost, wState, wPut, wScreen, wSession, wDelete}},
		{"start: nothing to end", wPost, 1, forbidden, ErrNoPermission, 0,
			[]string{wPost}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := watchScript{
				states:   []string{wstate(0, 42000, false), wstate(43000, 43000, false)},
				puts:     []string{wstate(42000, 42000, true)},
				screens:  []string{screenA, screenB},
				sessions: []string{sessLiveJSON},
				fail:     map[string]httpmock.Responder{tt.fail: tt.answer},
				failAt:   map[string]int{tt.fail: tt.failAt},
			}.install(t, mt)
			clock := &instantClock{}
			frames, err := drain(t, c.Sessions.Watch(context.Background(), liveSSH(), &WatchOptions{after: clock.after}))
			require.Error(t, err)
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			assert.Len(t, frames, tt.frames)
			assert.Equal(t, tt.wantLog, callLog(rec))
			assert.NotContains(t, err.Error(), "tok-4b5a6978")
			assert.NotContains(t, err.Error(), "rk-e5f60718")
		})
	}
}

// A snapshot that fails ends an RDP watch with that error, after the
// frames before it, and the replay is ended.
func TestWatchSnapshotErrorEndsTheReplay(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	img := testImage(t, ImagePNG)
	snap := "GET pbsm/replay/" + replayID + "?png=1"
	rec := watchScript{
		states: []string{wstate(0, 3000, false), wstate(1000, 3000, false)},
		images: [][]byte{img},
		imageQ: "png=1",
		fail:   map[string]httpmock.Responder{snap: respond(http.StatusNotFound, `"Replay session was not found."`)},
		failAt: map[string]int{snap: 2},
	}.install(t, mt)
	clock := &instantClock{}
	frames, err := drain(t, c.Sessions.Watch(context.Background(), endedSession(protocolRDP), &WatchOptions{after: clock.after}))
	assert.ErrorIs(t, err, ErrNotFound)
	require.Len(t, frames, 1)
	assert.Equal(t, img, frames[0].Image)
	assert.Equal(t, []string{wPost, wState, snap, wState, snap, wDelete}, callLog(rec))
}

// When ending the replay fails too, both failures are in the last pair;
// after a normal end the DELETE's failure alone is.
func TestWatchReportsAFailedEnd(t *testing.T) {
	t.Parallel()
	deleteFails := respond(http.StatusForbidden, `"4031"`)

	t.Run("after an error", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		rec := watchScript{
			states: []string{wstate(0, 3000, false)},
			fail:   map[string]httpmock.Responder{wScreen: respond(http.StatusNotFound, `"gone"`)},
			delete: deleteFails,
		}.install(t, mt)
		_, err := drain(t, c.Sessions.Watch(context.Background(), endedSession(protocolSSH), nil))
		assert.ErrorIs(t, err, ErrNotFound)
		assert.ErrorIs(t, err, ErrNoPermission)
		assert.Contains(t, err.Error(), "DELETE pbsm/replay/"+replayID)
		assert.Equal(t, []string{wPost, wState, wScreen, wDelete}, callLog(rec))
	})
	t.Run("after the end", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		rec := watchScript{
			states:  []string{wstate(3000, 3000, true)},
			screens: []string{screenA},
			delete:  deleteFails,
		}.install(t, mt)
		frames, err := drain(t, c.Sessions.Watch(context.Background(), endedSession(protocolSSH), nil))
		assert.Len(t, frames, 1)
		assert.ErrorIs(t, err, ErrNoPermission)
		assert.Equal(t, []string{wPost, wState, wScreen, wDelete}, callLog(rec))
	})
	t.Run("after a break it is lost", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t)
		rec := watchScript{states: []string{wstate(0, 3000, false)}, screens: []string{screenA}, delete: deleteFails}.install(t, mt)
		pairs := 0
		for range c.Sessions.Watch(context.Background(), endedSession(protocolSSH), nil) {
			pairs++
			break
		}
		assert.Equal(t, 1, pairs)
		assert.Equal(t, []string{wPost, wState, wScreen, wDelete}, callLog(rec))
	})
}

// When ctx ends during a wait, the context's error is the last pair and the
// replay is ended on a context of its own.
func TestWatchContextEndsWhileWaiting(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := watchScript{
		states:  []string{wstate(0, 42000, false)},
		puts:    []string{wstate(42000, 42000, false)},
		screens: []string{screenA},
	}.install(t, mt)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	asked := 0
	after := func(time.Duration) <-chan time.Time {
		asked++
		cancel()
		return nil // never fires: only ctx can end the wait
	}
	frames, err := drain(t, c.Sessions.Watch(ctx, liveSSH(), &WatchOptions{after: after}))
	assert.Len(t, frames, 1)
	assert.Equal(t, 1, asked)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.As(err, new(*ErrorResponse)), "the DELETE succeeded: %v", err)
	assert.Equal(t, "passwordsafe: watching session 105: context canceled", err.Error())
	assert.Equal(t, []string{wPost, wState, wPut, wScreen, wDelete}, callLog(rec))
}

// The context ends while POST pbsm/replay is in flight: Watch yields the
// context's error at once, and the client reads the start's answer in the
// background and ends the replay it started; SignOut waits for that. A
// start that fails leaves nothing to end.
func TestWatchContextEndsWhileStarting(t *testing.T) {
	t.Parallel()
	started := respond(http.StatusOK, `{"id":"`+replayID+`","token":"t","ticket":"k"}`)
	for _, tc := range []struct {
		name    string
		answer  httpmock.Responder
		ended   int
		endFail httpmock.Responder
		left    string // what SignOut reports
	}{
		{"started", started, 1, nil, ""},
		{"refused", respond(http.StatusBadRequest, `"No session matches."`), 0, nil, ""},
		{"started, and the end fails", started, 1, respond(http.StatusInternalServerError, `"down"`),
			"passwordsafe: the replay started as ctx ended may still be open: passwordsafe: DELETE pbsm/replay/" + replayID +
				": 500 Internal Server Error: down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := watchScript{states: []string{wstate(0, 0, true)}, screens: []string{screenA}, delete: tc.endFail}.install(t, mt)
			post := newHeldPost(tc.answer)
			mt.RegisterResponder(http.MethodPost, testBase+"Auth/Signout", respond(http.StatusOK, ""))
			var startDeadline time.Time
			mt.RegisterResponder(http.MethodPost, replayURL, rec.wrap(func(req *http.Request) (*http.Response, error) {
				startDeadline, _ = req.Context().Deadline()
				return post.respond(req)
			}))
			ctx := post.callerCtx()
			start := time.Now()
			var frames []ReplayFrame
			var err error
			within(t, 10*time.Second, "Watch after its ctx ended", func() {
				frames, err = drain(t, c.Sessions.Watch(ctx, liveSSH(), nil))
			})
			assert.Empty(t, frames)
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, "passwordsafe: POST pbsm/replay: context canceled (a replay it starts is ended in the background)", err.Error())
			assert.Equal(t, []string{wPost}, callLog(rec), "returned while the start was in flight")

			close(post.release)
			sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer scancel()
			if err := c.SignOut(sctx); tc.left == "" {
				require.NoError(t, err)
			} else {
				require.EqualError(t, err, tc.left)
			}
			assert.Zero(t, c.bg.n)
			want := []string{wPost}
			if tc.ended > 0 {
				want = append(want, wDelete)
			}
			assert.Equal(t, want, callLog(rec))
			require.False(t, startDeadline.IsZero(), "the start is bounded")
			assert.False(t, startDeadline.After(time.Now().Add(startReplayTimeout)))
			assert.False(t, startDeadline.Before(start.Add(startReplayTimeout)))
		})
	}
}

// A context that has ended before the loop starts sends no replay call.
func TestWatchContextEndedBeforeStart(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := watchScript{states: []string{wstate(0, 0, true)}, screens: []string{screenA}}.install(t, mt)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	frames, err := drain(t, c.Sessions.Watch(ctx, liveSSH(), nil))
	assert.Empty(t, frames)
	assert.ErrorIs(t, err, context.Canceled)
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer scancel()
	require.NoError(t, c.SignOut(sctx), "nothing to wait for, nothing to sign out")
	assert.Empty(t, callLog(rec), "not even in the background")
}

// stepClock hands each wait to the test, which fires it.
type stepClock struct {
	asked chan time.Duration
	ticks chan time.Time
}

func (c *stepClock) after(d time.Duration) <-chan time.Time {
	c.asked <- d
	return c.ticks
}

// Nothing is polled until the clock fires: the loop is driven by channels.
func TestWatchPollsOnlyWhenTheClockFires(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := watchScript{
		states: []string{
			wstate(0, 42000, false),
			wstate(43000, 43000, false),
			wstate(44000, 44000, true),
		},
		puts:     []string{wstate(42000, 42000, false)},
		screens:  []string{screenA, screenB, screenC},
		sessions: []string{sessEndedJSON},
	}.install(t, mt)
	clock := &stepClock{asked: make(chan time.Duration), ticks: make(chan time.Time)}
	type pair struct {
		f   ReplayFrame
		err error
	}
	pairs := make(chan pair)
	go func() {
		defer close(pairs)
		for f, err := range c.Sessions.Watch(context.Background(), liveSSH(), &WatchOptions{Interval: 3 * time.Second, after: clock.after}) {
			pairs <- pair{f, err}
		}
	}()
	deadline := time.After(10 * time.Second) // fails a hung loop fast; no timing is measured
	next := func() pair {
		t.Helper()
		select {
		case p := <-pairs:
			return p
		case <-deadline:
			t.Fatal("no frame")
		}
		return pair{}
	}
	waitAsked := func() {
		t.Helper()
		select {
		case d := <-clock.asked:
			assert.Equal(t, 3*time.Second, d)
		case <-deadline:
			t.Fatal("the loop did not wait")
		}
	}

	assert.Equal(t, screenA, next().f.Text)
	waitAsked()
	assert.Equal(t, []string{wPost, wState, wPut, wScreen}, callLog(rec), "nothing more before the clock fires")
	clock.ticks <- time.Time{}

	assert.Equal(t, screenB, next().f.Text)
	waitAsked()
	assert.Equal(t, 6, rec.count())
	clock.ticks <- time.Time{}

	assert.Equal(t, screenC, next().f.Text)
	select {
	case p, ok := <-pairs:
		assert.False(t, ok, "the sequence ends: %+v", p)
	case <-clock.asked:
		t.Fatal("the loop waits once the session has ended")
	case <-deadline:
		t.Fatal("the sequence does not end")
	}
	assert.Equal(t, []string{
		wPost, wState, wPut, wScreen,
		wState, wScreen,
		wState, wScreen, wSession,
		wState, wScreen,
		wDelete,
	}, callLog(rec))
}

func TestWatchValidation(t *testing.T) {
	t.Parallel()
	watch := func(s *Session, o *WatchOptions) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, ss *SessionsService) error {
			var errs []error
			for f, err := range ss.Watch(ctx, s, o) {
				assert.Zero(t, f)
				errs = append(errs, err)
			}
			if len(errs) != 1 {
				return fmt.Errorf("want one pair, got %d", len(errs))
			}
			return errs[0]
		}
	}
	with := func(change func(*Session)) *Session {
		s := liveSSH()
		change(s)
		return s
	}
	runValidationCases(t, []sessValidationCase{
		{"nil session", "session", watch(nil, nil)},
		{"no token", "Token", watch(with(func(s *Session) { s.Token = "" }), nil)},
		{"no record key", "RecordKey", watch(with(func(s *Session) { s.RecordKey = "" }), nil)},
		{"protocol 2", "Protocol", watch(with(func(s *Session) { s.Protocol = 2 }), nil)},
		{"live without an ID", "SessionID", watch(with(func(s *Session) { s.SessionID = 0 }), nil)},
		{"live with a negative ID", "SessionID", watch(with(func(s *Session) { s.SessionID = -5 }), nil)},
		{"negative interval", "interval", watch(liveSSH(), &WatchOptions{Interval: -time.Second})},
		{"negative speed", "speed", watch(liveSSH(), &WatchOptions{Speed: -100})},
		{"gif", "format", watch(liveSSH(), &WatchOptions{Format: "gif"})},
		{"PNG upper case", "format", watch(liveSSH(), &WatchOptions{Format: "PNG"})},
		{"negative divisor", "divisor", watch(liveSSH(), &WatchOptions{Divisor: -2})},
		{"bad format on SSH too", "format", watch(liveSSH(), &WatchOptions{Format: "bmp"})},
	})
}

func TestSessionEnded(t *testing.T) {
	t.Parallel()
	for st, want := range map[SessionStatus]bool{
		SessionNotStarted: false, SessionInProgress: false, SessionLocked: false,
		SessionCompleted: true, SessionTerminated: true, SessionLoggedOff: true, SessionDisconnected: true,
	} {
		assert.Equal(t, want, sessionEnded(&Session{Status: st}), st.String())
		assert.True(t, sessionEnded(&Session{Status: st, EndTime: Time{time.Unix(replayStart, 0)}}), st.String())
	}
}

func TestLiveEdge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		st   ReplayState
		want int
	}{
		{ReplayState{Duration: 42000, Start: replayStart, End: replayStart + 50}, 42000},
		{ReplayState{Start: replayStart, End: replayStart + 50}, 50000},
		{ReplayState{Start: replayStart}, 0},
		{ReplayState{End: replayStart}, 0},
		{ReplayState{}, 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, liveEdge(&tt.st), "%+v", tt.st)
	}
}
