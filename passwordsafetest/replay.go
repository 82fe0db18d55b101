package passwordsafetest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// replay is a viewer's replay of a session, live or recorded. Its cursor
// moves with the fake clock at speed percent.
type replay struct {
	id     string
	token  string
	ticket string
	sess   *psmSession
	speed  int
	pos    time.Duration // cursor at anchor
	anchor time.Time
}

// activityEvery is how often the fake's recordings have activity.
const activityEvery = time.Second

// position returns the cursor now, never past what has been recorded.
func (rp *replay) position(now time.Time) time.Duration {
	p := rp.pos + now.Sub(rp.anchor)*time.Duration(rp.speed)/100
	return min(max(p, 0), rp.sess.span(now))
}

// seek re-anchors the cursor at now.
func (rp *replay) seek(now time.Time, pos time.Duration) {
	rp.pos, rp.anchor = min(max(pos, 0), rp.sess.span(now)), now
}

// replayStateJSON is the state of a replay.
type replayStateJSON struct {
	Start    int64 `json:"tstamp"`
	End      int64 `json:"end"`
	Offset   int64 `json:"offset"`
	Next     int64 `json:"next"`
	Speed    int   `json:"speed"`
	EOF      bool  `json:"eof"`
	Duration int64 `json:"duration"`
}

func (rp *replay) state(now time.Time) replayStateJSON {
	span, pos := rp.sess.span(now), rp.position(now)
	end := rp.sess.ended
	if end.IsZero() {
		end = now
	}
	return replayStateJSON{
		Start: rp.sess.start.Unix(), End: end.Unix(),
		Offset: pos.Milliseconds(), Next: nextActivity(pos, span).Milliseconds(),
		Speed: rp.speed, EOF: !rp.sess.live() && pos >= span, Duration: span.Milliseconds(),
	}
}

// nextActivity is the position of the first activity after pos.
func nextActivity(pos, span time.Duration) time.Duration {
	return min((pos/activityEvery+1)*activityEvery, span)
}

// startReplayBody is the body of POST pbsm/replay.
type startReplayBody struct {
	ID        string `json:"id"`
	RecordKey string `json:"record_key"`
	Protocol  string `json:"protocol"`
	Headless  bool   `json:"headless"`
}

type replayJSON struct {
	ID     string `json:"id"`
	Token  string `json:"token"`
	Ticket string `json:"ticket"`
}

// startReplay starts a replay of the session with the given token and
// record key: administrators and auditors (the reference's session pages:
// "Administrators group, or ISA or auditor role") any session, Active
// Session Reviewers a live one. No reference page names the replay
// permission of that role; the fake follows its name and its Sessions
// pages (it may list, read, lock and terminate sessions), and leaves ended
// sessions to the Auditor role (newer servers have a Recorded Session
// Reviewer role for those, which the fake does not model): 4031.
//
// API: POST pbsm/replay
func (s *Server) startReplay(c *call) reply {
	if !c.user.admin && !c.user.auditor && !c.user.reviewer {
		return forbidden(4031, msgAdminOnly)
	}
	var b startReplayBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	proto := -1
	switch strings.ToUpper(b.Protocol) {
	case "RDP":
		proto = protocolRDP
	case "SSH":
		proto = protocolSSH
	}
	var found *psmSession
	for _, ps := range s.sessions {
		if b.ID != "" && ps.token == b.ID && ps.recordKey == b.RecordKey && ps.protocol == proto {
			found = ps
			break
		}
	}
	if found == nil {
		return badRequest("No session matches the given id, record_key and protocol.")
	}
	if !c.user.admin && !c.user.auditor && !found.live() {
		return forbidden(4031, "User does not have permission to replay a recorded session: the Active Session Reviewer role watches live sessions.")
	}
	rp := &replay{
		id: randomHex(32), token: randomHex(32), ticket: randomHex(32),
		sess: found, speed: 100, anchor: c.now,
	}
	s.replays[rp.id] = rp
	return jsonReply(http.StatusOK, replayJSON{ID: rp.id, Token: rp.token, Ticket: rp.ticket})
}

func (s *Server) replayFor(c *call) (*replay, reply, bool) {
	if !c.user.admin && !c.user.auditor && !c.user.reviewer {
		return nil, forbidden(4031, msgAdminOnly), false
	}
	rp, ok := s.replays[c.params[0]]
	if !ok {
		return nil, notFound("Replay session " + c.params[0] + " was not found."), false
	}
	return rp, reply{}, true
}

// replayStatus answers the replay's state, the screen text of an SSH
// session (?screen=1), or a snapshot of an RDP session (?png= or ?jpeg=
// with an integer divisor of 1024x768: 1 full size, 2 half, 3 a third).
//
// API: GET pbsm/replay/{id}
func (s *Server) replayStatus(c *call) reply {
	rp, rep, ok := s.replayFor(c)
	if !ok {
		return rep
	}
	if _, ok := c.query("screen"); ok {
		if rp.sess.protocol != protocolSSH {
			return badRequest("Screen text is only available for SSH sessions.")
		}
		rep := reply{status: http.StatusOK, body: []byte(screenText(rp, c.now))}
		rep.header().Set("Content-Type", "text/plain; charset=utf-8")
		return rep
	}
	for _, format := range []string{"png", "jpeg"} {
		v, ok := c.query(format)
		if !ok {
			continue
		}
		if rp.sess.protocol != protocolRDP {
			return badRequest("Snapshots are only available for RDP sessions.")
		}
		divisor, err := strconv.Atoi(v)
		if err != nil || divisor < 1 {
			return badRequest("The divisor must be a whole number, 1 or more.")
		}
		scale := 1 / float64(divisor)
		progress := 1.0
		if span := rp.sess.span(c.now); span > 0 {
			progress = float64(rp.position(c.now)) / float64(span)
		}
		rep := reply{status: http.StatusOK, render: func() ([]byte, error) {
			return snapshot(format, scale, progress)
		}}
		rep.header().Set("Content-Type", "image/"+format)
		return rep
	}
	return jsonReply(http.StatusOK, rp.state(c.now))
}

// controlBody is the body of PUT pbsm/replay/{id}.
type controlBody struct {
	Speed  *int `json:"speed"`
	Offset *int `json:"offset"`
	Next   *int `json:"next"`
}

// controlReplay changes the speed, moves the cursor to offset (ms), and,
// when next is given, on to the next changed frame.
//
// API: PUT pbsm/replay/{id}
func (s *Server) controlReplay(c *call) reply {
	rp, rep, ok := s.replayFor(c)
	if !ok {
		return rep
	}
	var b controlBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	switch {
	case b.Speed != nil && *b.Speed <= 0:
		return badRequest("speed must be greater than 0.")
	case b.Offset != nil && *b.Offset < 0:
		return badRequest("offset must be 0 or more.")
	case b.Next != nil && *b.Next < 0:
		return badRequest("next must be 0 or more.")
	}
	rp.seek(c.now, rp.position(c.now))
	if b.Speed != nil {
		rp.speed = *b.Speed
	}
	if b.Offset != nil {
		rp.seek(c.now, time.Duration(*b.Offset)*time.Millisecond)
	}
	if b.Next != nil {
		rp.seek(c.now, nextActivity(rp.pos, rp.sess.span(c.now)))
	}
	return jsonReply(http.StatusOK, rp.state(c.now))
}

// endReplay ends a replay.
//
// API: DELETE pbsm/replay/{id}
func (s *Server) endReplay(c *call) reply {
	rp, rep, ok := s.replayFor(c)
	if !ok {
		return rep
	}
	delete(s.replays, rp.id)
	return noContent()
}

// screenText is the terminal of an SSH session at the replay's cursor: the
// seeded Screen, the seeded frame the cursor has reached, or a transcript
// whose clock shows the cursor.
func screenText(rp *replay, now time.Time) string {
	ps := rp.sess
	if ps.screen != "" {
		return ps.screen
	}
	pos := rp.position(now)
	if len(ps.frames) > 0 {
		text := ""
		for _, f := range ps.frames {
			if time.Duration(f.AtSeconds)*time.Second > pos {
				break
			}
			text = f.Screen
		}
		return text
	}
	prompt := "$"
	if ps.account == "root" {
		prompt = "#"
	}
	at := ps.start.Add(pos)
	var b strings.Builder
	fmt.Fprintf(&b, "Last login: %s from 10.0.0.5\n", ps.start.Add(-time.Hour).Format("Mon Jan _2 15:04:05 2006"))
	fmt.Fprintf(&b, "%s@%s:~%s uptime\n", ps.account, ps.asset, prompt)
	fmt.Fprintf(&b, " %s up 42 days,  3:07,  1 user,  load average: 0.08, 0.03, 0.01\n", at.Format("15:04:05"))
	fmt.Fprintf(&b, "%s@%s:~%s ", ps.account, ps.asset, prompt)
	return b.String()
}

// snapshot draws a desktop of 1024x768 scaled by scale: a background, a
// window and a task bar, with a progress bar at the replay's position.
func snapshot(format string, scale, progress float64) ([]byte, error) {
	px := func(v float64) int { return max(1, int(math.Round(v*scale))) }
	w, h := px(1024), px(768)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(r image.Rectangle, c color.RGBA) {
		draw.Draw(img, r, &image.Uniform{C: c}, image.Point{}, draw.Src)
	}
	fill(img.Bounds(), color.RGBA{R: 0, G: 90, B: 158, A: 255})
	fill(image.Rect(0, h-px(40), w, h), color.RGBA{R: 32, G: 32, B: 32, A: 255})
	win := image.Rect(px(160), px(120), px(864), px(600))
	fill(win, color.RGBA{R: 240, G: 240, B: 240, A: 255})
	fill(image.Rect(win.Min.X, win.Min.Y, win.Max.X, win.Min.Y+px(30)), color.RGBA{R: 255, G: 255, B: 255, A: 255})
	bar := image.Rect(px(200), px(540), px(824), px(560))
	fill(bar, color.RGBA{R: 200, G: 200, B: 200, A: 255})
	done := bar.Min.X + int(float64(bar.Dx())*progress)
	fill(image.Rect(bar.Min.X, bar.Min.Y, done, bar.Max.Y), color.RGBA{R: 16, G: 124, B: 16, A: 255})

	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	}
	return buf.Bytes(), err
}
