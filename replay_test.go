package passwordsafe

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	replayURL = testBase + "pbsm/replay"
	replayID  = "5a0c9e8d7f6b4a3c2e1d0f9a8b7c6d5e"
)

func replaySession(protocol int) *Session {
	return &Session{SessionID: 105, Protocol: protocol, Token: "tok-4b5a6978", RecordKey: "rk-e5f60718"}
}

func TestStartReplayChoosesProtocol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		protocol int
		want     string
	}{
		{"RDP", 0, "RDP"},
		{"SSH", 1, "SSH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPost, replayURL, got.wrap(reply(http.StatusOK, []byte(fixture(t, "sessions/replay.json")), "Content-Type", jsonCT)))
			rp, resp, err := c.Sessions.StartReplay(context.Background(), replaySession(tt.protocol))
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			g := got.last(t)
			assert.Equal(t, http.MethodPost, g.Method)
			assert.Equal(t, replayURL, g.URL.String())
			assert.JSONEq(t, `{"id":"tok-4b5a6978","record_key":"rk-e5f60718","protocol":"`+tt.want+`","headless":true}`, string(g.Body))
			assert.Equal(t, &Replay{
				ID:     "5a0c9e8d7f6b4a3c2e1d0f9a8b7c6d5e",
				Token:  "6b1d0f9e8a7c5b4d3f2e1a0b9c8d7e6f",
				Ticket: "7c2e1a0f9b8d6c5e4a3f2b1c0d9e8f7a",
			}, rp)
		})
	}
}

func TestStartReplayNeedsAnID(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, ``, `{"id":""}`} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, replayURL, httpmock.NewStringResponder(http.StatusOK, body))
		rp, resp, err := c.Sessions.StartReplay(context.Background(), replaySession(1))
		assert.Nil(t, rp)
		require.NotNil(t, resp)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), "passwordsafe: POST pbsm/replay")
	}
}

func TestStartReplayScrubsTokenFromErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, replayURL,
		httpmock.NewStringResponder(http.StatusBadRequest, `"No session matches id tok-4b5a6978 and key rk-e5f60718."`))
	_, resp, err := c.Sessions.StartReplay(context.Background(), replaySession(0))
	require.Error(t, err)
	require.NotNil(t, resp)
	assert.NotContains(t, err.Error(), "tok-4b5a6978")
	assert.NotContains(t, err.Error(), "rk-e5f60718")
}

func TestReplayStatus(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterResponder(http.MethodGet, replayURL+"/"+replayID, got.wrap(reply(http.StatusOK, []byte(fixture(t, "sessions/replay_state.json")), "Content-Type", jsonCT)))
	st, resp, err := c.Sessions.ReplayStatus(context.Background(), replayID)
	require.NoError(t, err)
	require.NotNil(t, resp)
	g := got.last(t)
	assert.Equal(t, http.MethodGet, g.Method)
	assert.Equal(t, replayURL+"/"+replayID, g.URL.String())
	assert.Equal(t, &ReplayState{Start: 1714557600, End: 1714559400, Offset: 65000, Next: 66000, Speed: 200, EOF: false, Duration: 1800000}, st)
}

// The replay ID is one escaped path segment.
func TestReplayIDIsPathEscaped(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterNoResponder(got.wrap(reply(http.StatusOK, []byte(`{"eof":true}`))))
	st, _, err := c.Sessions.ReplayStatus(context.Background(), "a/b c?d#e")
	require.NoError(t, err)
	assert.True(t, st.EOF)
	assert.Equal(t, replayURL+"/a%2Fb%20c%3Fd%23e", got.last(t).URL.String())

	_, err = c.Sessions.EndReplay(context.Background(), "../x")
	require.NoError(t, err)
	assert.Equal(t, replayURL+"/..%2Fx", got.last(t).URL.String())
}

func TestReplayScreen(t *testing.T) {
	t.Parallel()
	const screen = "Last login: Wed May  1 09:00:00 2024\nroot@db-01:~# uptime\n"
	tests := []struct {
		name    string
		body    string
		headers []string
		want    string
	}{
		{"plain text", screen, []string{"Content-Type", "text/plain; charset=utf-8"}, screen},
		{"plain text starting with a quote", `"quoted" line` + "\n", []string{"Content-Type", "text/plain"}, `"quoted" line` + "\n"},
		{"plain text starting with a brace", "{ echo hi; }\n", []string{"Content-Type", "text/plain"}, "{ echo hi; }\n"},
		{"JSON string", `"Last login: Wed May  1 09:00:00 2024\nroot@db-01:~# uptime\n"`, []string{"Content-Type", "application/json"}, screen},
		{"JSON string, no content type", ` "a\tb" `, nil, "a\tb"},
		{"JSON object", `{"screen":"Last login: Wed May  1 09:00:00 2024\nroot@db-01:~# uptime\n","rows":24}`, []string{"Content-Type", "application/json"}, screen},
		{"JSON object, no content type", `{"screen":"x"}`, nil, "x"},
		{"JSON null screen", `{"screen":null}`, []string{"Content-Type", "application/json"}, ""},
		{"no content type, plain text", screen, nil, screen},
		{"no content type, broken JSON string kept", `"unterminated`, nil, `"unterminated`},
		{"octet-stream text", "$ ", []string{"Content-Type", "application/octet-stream"}, "$ "},
		{"empty JSON", ``, []string{"Content-Type", "application/json"}, ""},
		{"JSON null", `null`, []string{"Content-Type", "application/json"}, ""},
		{"empty", ``, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodGet, replayURL+"/"+replayID, got.wrap(reply(http.StatusOK, []byte(tt.body), tt.headers...)))
			s, resp, err := c.Sessions.ReplayScreen(context.Background(), replayID)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, tt.want, s)
			g := got.last(t)
			assert.Equal(t, http.MethodGet, g.Method)
			assert.Equal(t, "screen=1", g.URL.RawQuery)
			assert.Equal(t, replayURL+"/"+replayID+"?screen=1", g.URL.String())
			assert.Equal(t, "application/json, text/plain", g.Header.Get("Accept"), "a screen may come as text")
		})
	}
}

func TestReplayScreenBadAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		headers []string
	}{
		{"object without screen", `{"error":"not SSH"}`, []string{"Content-Type", "application/json"}},
		{"object without screen, no content type", `{"rows":24}`, nil},
		{"JSON number", `42`, []string{"Content-Type", "application/json"}},
		{"broken JSON", `{"screen":`, []string{"Content-Type", "application/json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, replayURL+"/"+replayID, reply(http.StatusOK, []byte(tt.body), tt.headers...))
			s, resp, err := c.Sessions.ReplayScreen(context.Background(), replayID)
			require.Error(t, err)
			require.NotNil(t, resp)
			assert.Empty(t, s)
			assert.Contains(t, err.Error(), "passwordsafe: GET pbsm/replay/"+replayID)
		})
	}
}

func TestReplayScreenError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, replayURL+"/"+replayID, httpmock.NewStringResponder(http.StatusNotFound, `"Replay session was not found."`))
	s, resp, err := c.Sessions.ReplayScreen(context.Background(), replayID)
	assert.Empty(t, s)
	require.NotNil(t, resp)
	assert.ErrorIs(t, err, ErrNotFound)
}

func testImage(t *testing.T, format ImageFormat) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y * 5), B: 158, A: 255})
		}
	}
	var buf bytes.Buffer
	if format == ImagePNG {
		require.NoError(t, png.Encode(&buf, img))
	} else {
		require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}))
	}
	return buf.Bytes()
}

func TestReplaySnapshot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format ImageFormat
		scale  int
		query  string
	}{
		{ImagePNG, 2, "png=2"},
		{ImagePNG, 1, "png=1"},
		{ImageJPEG, 4, "jpeg=4"},
		{ImageJPEG, 1000, "jpeg=1000"},
		{ImagePNG, 3, "png=3"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			img := testImage(t, tt.format)
			got := &recorder{}
			mt.RegisterResponder(http.MethodGet, replayURL+"/"+replayID,
				got.wrap(reply(http.StatusOK, img, "Content-Type", "image/"+string(tt.format))))
			b, resp, err := c.Sessions.ReplaySnapshot(context.Background(), replayID, tt.format, tt.scale)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, img, b, "the image bytes, whole")
			g := got.last(t)
			assert.Equal(t, http.MethodGet, g.Method)
			assert.Equal(t, tt.query, g.URL.RawQuery)
			assert.Equal(t, "image/"+string(tt.format), g.Header.Get("Accept"))
			decoded, name, err := image.Decode(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, string(tt.format), name)
			assert.Equal(t, image.Rect(0, 0, 64, 48), decoded.Bounds())
		})
	}
}

func TestReplaySnapshotError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, replayURL+"/"+replayID,
		httpmock.NewStringResponder(http.StatusBadRequest, `"Snapshots are only available for RDP sessions."`))
	b, resp, err := c.Sessions.ReplaySnapshot(context.Background(), replayID, ImagePNG, 2)
	assert.Nil(t, b)
	require.NotNil(t, resp)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, "Snapshots are only available for RDP sessions.", er.Message)
}

func TestControlReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *ReplayControl
		body string
	}{
		{"speed", &ReplayControl{Speed: Ptr(200)}, `{"speed":200}`},
		{"offset zero is sent", &ReplayControl{Offset: Ptr(0)}, `{"offset":0}`},
		{"next", &ReplayControl{Next: Ptr(0)}, `{"next":0}`},
		{"all", &ReplayControl{Speed: Ptr(50), Offset: Ptr(65000), Next: Ptr(1)}, `{"speed":50,"offset":65000,"next":1}`},
		{"nothing", &ReplayControl{}, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			got := &recorder{}
			mt.RegisterResponder(http.MethodPut, replayURL+"/"+replayID, got.wrap(reply(http.StatusOK, []byte(fixture(t, "sessions/replay_state.json")), "Content-Type", jsonCT)))
			st, resp, err := c.Sessions.ControlReplay(context.Background(), replayID, tt.opts)
			require.NoError(t, err)
			require.NotNil(t, resp)
			g := got.last(t)
			assert.Equal(t, http.MethodPut, g.Method)
			assert.Equal(t, replayURL+"/"+replayID, g.URL.String())
			assert.JSONEq(t, tt.body, string(g.Body))
			assert.Equal(t, 200, st.Speed)
			assert.Equal(t, 65000, st.Offset)
		})
	}
}

func TestControlReplayError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPut, replayURL+"/"+replayID, httpmock.NewStringResponder(http.StatusNotFound, `"gone"`))
	st, resp, err := c.Sessions.ControlReplay(context.Background(), replayID, &ReplayControl{Speed: Ptr(100)})
	assert.Nil(t, st)
	require.NotNil(t, resp)
	assert.ErrorIs(t, err, ErrNotFound)

	mt.RegisterResponder(http.MethodGet, replayURL+"/"+replayID, httpmock.NewStringResponder(http.StatusNotFound, `"gone"`))
	st, resp, err = c.Sessions.ReplayStatus(context.Background(), replayID)
	assert.Nil(t, st)
	require.NotNil(t, resp)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestEndReplay(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	got := &recorder{}
	mt.RegisterResponder(http.MethodDelete, replayURL+"/"+replayID, got.wrap(reply(http.StatusNoContent, nil)))
	resp, err := c.Sessions.EndReplay(context.Background(), replayID)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	g := got.last(t)
	assert.Equal(t, http.MethodDelete, g.Method)
	assert.Equal(t, replayURL+"/"+replayID, g.URL.String())
	assert.Empty(t, g.Body)
}

func TestReplayValidation(t *testing.T) {
	t.Parallel()
	start := func(s *Session) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, ss *SessionsService) error { _, _, err := ss.StartReplay(ctx, s); return err }
	}
	with := func(change func(*Session)) *Session {
		s := replaySession(1)
		change(s)
		return s
	}
	snapshot := func(id string, f ImageFormat, scale int) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, ss *SessionsService) error {
			_, _, err := ss.ReplaySnapshot(ctx, id, f, scale)
			return err
		}
	}
	control := func(id string, o *ReplayControl) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, ss *SessionsService) error {
			_, _, err := ss.ControlReplay(ctx, id, o)
			return err
		}
	}
	status := func(id string) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, ss *SessionsService) error {
			_, _, err := ss.ReplayStatus(ctx, id)
			return err
		}
	}
	screen := func(id string) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, ss *SessionsService) error {
			_, _, err := ss.ReplayScreen(ctx, id)
			return err
		}
	}
	end := func(id string) func(context.Context, *SessionsService) error {
		return func(ctx context.Context, ss *SessionsService) error { _, err := ss.EndReplay(ctx, id); return err }
	}
	runValidationCases(t, []sessValidationCase{
		{"StartReplay nil session", "session", start(nil)},
		{"StartReplay no token", "Token", start(with(func(s *Session) { s.Token = "" }))},
		{"StartReplay no record key", "RecordKey", start(with(func(s *Session) { s.RecordKey = "" }))},
		{"StartReplay protocol 2", "Protocol", start(with(func(s *Session) { s.Protocol = 2 }))},
		{"StartReplay protocol -1", "Protocol", start(with(func(s *Session) { s.Protocol = -1 }))},

		{"ReplayStatus empty ID", "replayID", status("")},
		{"ReplayStatus dot dot", "replayID", status("..")},
		{"ReplayScreen empty ID", "replayID", screen("")},
		{"ReplayScreen dot", "replayID", screen(".")},
		{"EndReplay empty ID", "replayID", end("")},
		{"ControlReplay empty ID", "replayID", control("", &ReplayControl{Speed: Ptr(100)})},

		{"ReplaySnapshot empty ID", "replayID", snapshot("", ImagePNG, 2)},
		{"ReplaySnapshot no format", "format", snapshot(replayID, "", 2)},
		{"ReplaySnapshot gif", "format", snapshot(replayID, "gif", 2)},
		{"ReplaySnapshot PNG upper case", "format", snapshot(replayID, "PNG", 2)},
		{"ReplaySnapshot divisor 0", "divisor", snapshot(replayID, ImagePNG, 0)},
		{"ReplaySnapshot negative divisor", "divisor", snapshot(replayID, ImageJPEG, -2)},

		{"ControlReplay nil opts", "opts", control(replayID, nil)},
		{"ControlReplay speed 0", "speed", control(replayID, &ReplayControl{Speed: Ptr(0)})},
		{"ControlReplay speed -100", "speed", control(replayID, &ReplayControl{Speed: Ptr(-100)})},
		{"ControlReplay offset -1", "offset", control(replayID, &ReplayControl{Offset: Ptr(-1)})},
		{"ControlReplay next -1", "next", control(replayID, &ReplayControl{Next: Ptr(-1)})},
	})
}
