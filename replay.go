package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Replay is a replay of a session, live or recorded, started by
// SessionsService.StartReplay. Pass its ID to the other replay methods.
type Replay struct {
	ID     string `json:"id"`
	Token  string `json:"token"`
	Ticket string `json:"ticket"`
}

// ReplayState is where a replay stands.
type ReplayState struct {
	Start    int64 `json:"tstamp"`   // session start, seconds since the epoch
	End      int64 `json:"end"`      // session end, seconds since the epoch
	Offset   int   `json:"offset"`   // current position, ms
	Next     int   `json:"next"`     // position of the next activity, ms
	Speed    int   `json:"speed"`    // percent
	EOF      bool  `json:"eof"`      // the end of the recording has been reached
	Duration int   `json:"duration"` // ms
}

// ReplayControl moves a replay: nil fields are left as they are. Next set
// (to any value ≥ 0) skips to the next activity.
type ReplayControl struct {
	Speed  *int `json:"speed,omitempty"`  // percent, > 0: 100 is real time, 200 twice as fast
	Offset *int `json:"offset,omitempty"` // position to jump to, ms, ≥ 0
	Next   *int `json:"next,omitempty"`   // ≥ 0
}

func (o *ReplayControl) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	if o.Speed != nil && *o.Speed <= 0 {
		return invalid("speed", "must be greater than 0, got %d", *o.Speed)
	}
	if o.Offset != nil && *o.Offset < 0 {
		return invalid("offset", "must be 0 or more, got %d", *o.Offset)
	}
	if o.Next != nil && *o.Next < 0 {
		return invalid("next", "must be 0 or more, got %d", *o.Next)
	}
	return nil
}

// ImageFormat is the format of a replay snapshot.
type ImageFormat string

// Snapshot formats.
const (
	ImagePNG  ImageFormat = "png"
	ImageJPEG ImageFormat = "jpeg"
)

// Session protocols, as Session.Protocol holds them.
const (
	protocolRDP = 0
	protocolSSH = 1
)

type startReplayBody struct {
	ID        string `json:"id"`
	RecordKey string `json:"record_key"`
	Protocol  string `json:"protocol"`
	Headless  bool   `json:"headless"`
}

const replayBase = "pbsm/replay"

// checkReplayID refuses an empty ID, and "." and "..", which path escaping
// leaves as they are and a server or proxy would resolve to another path.
func checkReplayID(id string) error {
	switch id {
	case "":
		return invalid("replayID", "is required")
	case ".", "..":
		return invalid("replayID", "%q is not a replay ID", id)
	}
	return nil
}

func replayPath(id string) string { return replayBase + "/" + url.PathEscape(id) }

var errNoReplayID = errors.New("the answer holds no replay ID")

// checkReplaySession checks what StartReplay needs of a session and
// returns the protocol's name as the server expects it.
func checkReplaySession(session *Session) (string, error) {
	if session == nil {
		return "", invalid("session", "is required")
	}
	err := firstError(
		checkRequired("Token", session.Token),
		checkRequired("RecordKey", session.RecordKey),
	)
	if err != nil {
		return "", err
	}
	switch session.Protocol {
	case protocolRDP:
		return "RDP", nil
	case protocolSSH:
		return "SSH", nil
	}
	return "", invalid("Protocol", "must be 0 (RDP) or 1 (SSH), got %d", session.Protocol)
}

// StartReplay starts a replay of a session, live or recorded, as found by
// List or Get: it needs the session's Token, RecordKey and Protocol (0 RDP,
// 1 SSH). The replay starts at the beginning, at normal speed; watch it
// with ReplayScreen (SSH) or ReplaySnapshot (RDP), move it with
// ControlReplay, and end it with EndReplay. Watch does all of this in one
// loop.
//
// API: POST pbsm/replay
//
// Needs: a session's Token and RecordKey, which only GET Sessions gives
// (the Administrators group, or the ISA or auditor role); the reference
// names no permission of its own for the replay calls.
func (s *SessionsService) StartReplay(ctx context.Context, session *Session) (*Replay, *Response, error) {
	protocol, err := checkReplaySession(session)
	if err != nil {
		return nil, nil, err
	}
	body := startReplayBody{ID: session.Token, RecordKey: session.RecordKey, Protocol: protocol, Headless: true}
	r := &request{method: http.MethodPost, path: replayBase, body: body, secrets: []string{session.Token, session.RecordKey}}
	out, resp, err := callJSON[Replay](ctx, s.client, r)
	if err == nil && out.ID == "" {
		return nil, resp, &DecodeError{Method: r.method, Path: r.path, Err: errNoReplayID}
	}
	return out, resp, err
}

// ReplayStatus returns where a replay stands.
//
// API: GET pbsm/replay/{id}
func (s *SessionsService) ReplayStatus(ctx context.Context, replayID string) (*ReplayState, *Response, error) {
	if err := checkReplayID(replayID); err != nil {
		return nil, nil, err
	}
	return callJSON[ReplayState](ctx, s.client, get(replayPath(replayID), ""))
}

// ReplayScreen returns the terminal text of an SSH session's replay at its
// current position.
//
// API: GET pbsm/replay/{id}?screen=1
func (s *SessionsService) ReplayScreen(ctx context.Context, replayID string) (string, *Response, error) {
	if err := checkReplayID(replayID); err != nil {
		return "", nil, err
	}
	r := get(replayPath(replayID), "screen=1")
	r.accept = "application/json, text/plain"
	return callWith(ctx, s.client, r, decodeScreen)
}

var errNoScreen = errors.New("the answer holds no screen")

// decodeScreen reads the screen answer: text as is, a JSON string unquoted,
// or a JSON object's "screen" field. A text/* content type is taken at its
// word, since a terminal may well show a line starting with '"' or '{'.
func decodeScreen(h http.Header, body []byte) (string, error) {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	isJSON := isJSONMedia(mt)
	if strings.HasPrefix(mt, "text/") && !isJSON {
		return string(body), nil
	}
	b := bytes.TrimSpace(body)
	if len(b) > 0 {
		switch b[0] {
		case '"':
			var s string
			if json.Unmarshal(b, &s) == nil {
				return s, nil
			}
		case '{':
			var obj struct {
				Screen json.RawMessage `json:"screen"`
			}
			if json.Unmarshal(b, &obj) == nil {
				var s string
				if obj.Screen == nil || json.Unmarshal(obj.Screen, &s) != nil {
					return "", errNoScreen
				}
				return s, nil
			}
		}
	}
	if isJSON {
		if len(b) == 0 || string(b) == "null" {
			return "", nil
		}
		return "", errNoScreen
	}
	return string(body), nil
}

// ReplaySnapshot returns an image of an RDP session's replay at its current
// position, in the given format, shrunk by divisor: 1 is full size, 2 half
// the width and half the height, 3 a third, as the vendor's own clients ask
// for it. The bytes are the image as the server sent it.
//
// API: GET pbsm/replay/{id}?png={divisor} (or ?jpeg={divisor})
func (s *SessionsService) ReplaySnapshot(ctx context.Context, replayID string, format ImageFormat, divisor int) ([]byte, *Response, error) {
	err := checkReplayID(replayID)
	if err == nil && format != ImagePNG && format != ImageJPEG {
		err = invalid("format", "%q is not one of png, jpeg", string(format))
	}
	if err == nil && divisor < 1 {
		err = invalid("divisor", "must be 1 (full size) or more, got %d", divisor)
	}
	if err != nil {
		return nil, nil, err
	}
	q := string(format) + "=" + strconv.Itoa(divisor)
	r := get(replayPath(replayID), q)
	r.accept, r.limit = "image/"+string(format), capFile
	return callWith(ctx, s.client, r, func(_ http.Header, b []byte) ([]byte, error) { return b, nil })
}

// ControlReplay changes a replay's speed or position and returns where it
// then stands.
//
// API: PUT pbsm/replay/{id}
func (s *SessionsService) ControlReplay(ctx context.Context, replayID string, opts *ReplayControl) (*ReplayState, *Response, error) {
	if err := firstError(checkReplayID(replayID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return callJSON[ReplayState](ctx, s.client, &request{method: http.MethodPut, path: replayPath(replayID), body: opts})
}

// EndReplay ends a replay. The session itself is not affected.
//
// API: DELETE pbsm/replay/{id}
func (s *SessionsService) EndReplay(ctx context.Context, replayID string) (*Response, error) {
	if err := checkReplayID(replayID); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{method: http.MethodDelete, path: replayPath(replayID)}, nil)
}
