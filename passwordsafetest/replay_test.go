package passwordsafetest_test

import (
	"bytes"
	"image"
	_ "image/jpeg" // registers JPEG for image.Decode
	_ "image/png"  // registers PNG for image.Decode
	"net/http"
	"strings"
	"testing"
	"time"
)

type replayStateOut struct {
	Start    int64 `json:"tstamp"`
	End      int64 `json:"end"`
	Offset   int   `json:"offset"`
	Next     int   `json:"next"`
	Speed    int   `json:"speed"`
	EOF      bool  `json:"eof"`
	Duration int   `json:"duration"`
}

// openSession starts a session of the given access type as admin and
// returns it as GET Sessions shows it.
func openSession(t *testing.T, f *fixture, ada *client, systemID, accountID int, access, sessionType string) sessionOut {
	t.Helper()
	id := ada.createRequest(req(systemID, accountID, 600, "AccessType", access))
	var tk ticketOut
	r := ada.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": sessionType}).
		wantStatus(http.StatusCreated)
	if sessionType == "rdpfile" {
		var ss []sessionOut
		ada.do(http.MethodGet, "Sessions", nil).decode(&ss)
		return ss[len(ss)-1]
	}
	r.decode(&tk)
	return ada.session(tk.SessionID)
}

func startReplay(t *testing.T, ada *client, s sessionOut) string {
	t.Helper()
	proto := map[int]string{0: "RDP", 1: "SSH"}[s.Protocol]
	var rp struct{ ID, Token, Ticket string }
	ada.do(http.MethodPost, "pbsm/replay", map[string]any{
		"id": s.Token, "record_key": s.RecordKey, "protocol": proto, "headless": true,
	}).wantStatus(http.StatusOK).decode(&rp)
	if rp.ID == "" || rp.Token == "" || rp.Ticket == "" {
		t.Fatalf("replay %+v", rp)
	}
	return rp.ID
}

func TestReplaySSH(t *testing.T) {
	f := newFixture(t)
	ada := f.as("admin")
	s := openSession(t, f, ada, 1, 11, "SSH", "SSH")
	f.srv.Advance(time.Minute)
	id := startReplay(t, ada, s)

	state := func() replayStateOut {
		var st replayStateOut
		ada.do(http.MethodGet, "pbsm/replay/"+id, nil).wantStatus(http.StatusOK).decode(&st)
		return st
	}
	st := state()
	if st.Start != epoch.Unix() || st.Offset != 0 || st.Next != 1000 || st.Speed != 100 || st.EOF || st.Duration != 60000 {
		t.Errorf("initial state %+v", st)
	}
	f.srv.Advance(10 * time.Second)
	if st = state(); st.Offset != 10000 || st.Duration != 70000 || st.End != epoch.Add(70*time.Second).Unix() {
		t.Errorf("after 10s %+v", st)
	}

	var ctl replayStateOut
	ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"speed": 200}).wantStatus(http.StatusOK).decode(&ctl)
	if ctl.Speed != 200 || ctl.Offset != 10000 {
		t.Errorf("after speed change %+v", ctl)
	}
	f.srv.Advance(5 * time.Second)
	if st = state(); st.Offset != 20000 {
		t.Errorf("at double speed %+v", st)
	}
	ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"offset": 2500}).decode(&ctl)
	if ctl.Offset != 2500 || ctl.Next != 3000 {
		t.Errorf("after seek %+v", ctl)
	}
	ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"next": 1}).decode(&ctl)
	if ctl.Offset != 3000 || ctl.Next != 4000 {
		t.Errorf("after next %+v", ctl)
	}
	for _, bad := range []map[string]int{{"speed": 0}, {"offset": -1}, {"next": -5}} {
		ada.do(http.MethodPut, "pbsm/replay/"+id, bad).wantStatus(http.StatusBadRequest)
	}

	r := ada.do(http.MethodGet, "pbsm/replay/"+id+"?screen=1", nil).wantStatus(http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("screen Content-Type %q", ct)
	}
	if screen := string(r.body); !strings.Contains(screen, "root@web01:~# ") || strings.Count(screen, "\n") < 3 {
		t.Errorf("screen:\n%s", screen)
	}
	ada.do(http.MethodGet, "pbsm/replay/"+id+"?png=0.5", nil).wantStatus(http.StatusBadRequest)

	// A terminated session is a finite recording: seeking past the end is EOF.
	ada.do(http.MethodPost, path("Sessions/{id}/Terminate", s.SessionID), nil).wantStatus(http.StatusNoContent)
	ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"offset": 10_000_000}).decode(&ctl)
	if !ctl.EOF || ctl.Offset != ctl.Duration || ctl.Duration != 75000 {
		t.Errorf("at the end %+v", ctl)
	}

	ada.do(http.MethodDelete, "pbsm/replay/"+id, nil).wantStatus(http.StatusNoContent)
	ada.do(http.MethodGet, "pbsm/replay/"+id, nil).wantStatus(http.StatusNotFound)
	ada.do(http.MethodDelete, "pbsm/replay/"+id, nil).wantStatus(http.StatusNotFound)
	ada.do(http.MethodPut, "pbsm/replay/"+id, map[string]int{"speed": 100}).wantStatus(http.StatusNotFound)
}

func TestReplaySnapshots(t *testing.T) {
	f := newFixture(t)
	ada := f.as("admin")
	s := openSession(t, f, ada, 3, 31, "RDP", "rdpfile")
	if s.Protocol != 0 {
		t.Fatalf("session %+v", s)
	}
	f.srv.Advance(30 * time.Second)
	id := startReplay(t, ada, s)

	for _, tc := range []struct {
		query, format string
		w, h          int
	}{
		{"?png=1", "png", 1024, 768},
		{"?png=2", "png", 512, 384},
		{"?jpeg=4", "jpeg", 256, 192},
		{"?png=3", "png", 341, 256},
		{"?jpeg=5000", "jpeg", 1, 1},
	} {
		r := ada.do(http.MethodGet, "pbsm/replay/"+id+tc.query, nil).wantStatus(http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "image/"+tc.format {
			t.Errorf("%s: Content-Type %q", tc.query, ct)
		}
		img, format, err := image.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if b := img.Bounds(); format != tc.format || b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("%s: %s %dx%d, want %s %dx%d", tc.query, format, b.Dx(), b.Dy(), tc.format, tc.w, tc.h)
		}
	}
	for _, q := range []string{"?png=0", "?png=1.5", "?png=0.5", "?jpeg=x", "?png=-1", "?png=NaN", "?screen=1"} {
		ada.do(http.MethodGet, "pbsm/replay/"+id+q, nil).wantStatus(http.StatusBadRequest)
	}
}

func TestReplayStartRules(t *testing.T) {
	f := newFixture(t)
	ada := f.as("admin")
	s := openSession(t, f, ada, 1, 11, "SSH", "sshticket")
	for _, body := range []map[string]any{
		{"id": s.Token, "record_key": s.RecordKey, "protocol": "RDP"},
		{"id": s.Token, "record_key": "wrong", "protocol": "SSH"},
		{"id": "wrong", "record_key": s.RecordKey, "protocol": "SSH"},
		{"record_key": s.RecordKey, "protocol": "SSH"},
	} {
		ada.do(http.MethodPost, "pbsm/replay", body).
			wantError(http.StatusBadRequest, "No session matches the given id, record_key and protocol.")
	}
	rita := f.as("requestor")
	rita.do(http.MethodPost, "pbsm/replay", map[string]any{"id": s.Token, "record_key": s.RecordKey, "protocol": "SSH"}).
		wantCode(http.StatusForbidden, 4031)
	id := startReplay(t, ada, s)
	rita.do(http.MethodGet, "pbsm/replay/"+id, nil).wantCode(http.StatusForbidden, 4031)
	f.anon().do(http.MethodGet, "pbsm/replay/"+id, nil).wantStatus(http.StatusUnauthorized)
	ada.do(http.MethodPost, "pbsm/replay/"+id, nil).wantStatus(http.StatusMethodNotAllowed)
}
