package passwordsafe_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
)

// watchDemo stands in for a Password Safe with one live SSH session, 105,
// recorded as it goes. Its clock is the replay itself: each look at the
// replay's state is one more second of the session, which ends 46 s in.
type watchDemo struct {
	*httptest.Server

	mu          sync.Mutex
	now         int // seconds since the session started
	pos         int // the replay's position, ms
	looks       int
	replayEnded bool
}

const watchDemoEnd = 46 // s

func newWatchDemo() *watchDemo {
	const api = "/BeyondTrust/api/public/v3/"
	d := &watchDemo{now: 42}
	writeJSON := func(w http.ResponseWriter, v string) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(v))
	}
	// state answers the replay's state; the caller holds d.mu.
	state := func() string {
		ended := d.now >= watchDemoEnd
		return fmt.Sprintf(`{"tstamp":1714557600,"end":%d,"offset":%d,"next":%d,"speed":100,"eof":%t,"duration":%d}`,
			1714557600+d.now, d.pos, d.pos, ended && d.pos >= d.now*1000, d.now*1000)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+api+"Auth/SignAppin", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: "demo", Path: "/"})
		writeJSON(w, `{"UserId":3,"UserName":"auditor"}`)
	})
	mux.HandleFunc("GET "+api+"Sessions/105", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		status, end := 1, "null"
		if d.now >= watchDemoEnd {
			status, end = 2, `"2024-05-01T10:00:46Z"`
		}
		writeJSON(w, fmt.Sprintf(`{"SessionID":105,"UserID":7,"Status":%d,"Protocol":1,`+
			`"StartTime":"2024-05-01T10:00:00Z","EndTime":%s,"AssetName":"db-01","ManagedAccountName":"root",`+
			`"RecordKey":"e5f60718293a4b5c","Token":"4b5a69788796a5b4"}`, status, end))
	})
	mux.HandleFunc("POST "+api+"pbsm/replay", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, `{"id":"rp-1","token":"rp-1","ticket":"k"}`)
	})
	mux.HandleFunc("GET "+api+"pbsm/replay/rp-1", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		if r.URL.Query().Has("screen") {
			screen := "root@db-01:~# "
			if d.pos >= 43000 {
				screen += "uptime\n 10:00:43 up 42 days,  1 user\nroot@db-01:~# "
			}
			if d.pos >= 45000 {
				screen += "exit\nlogout\n"
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(screen))
			return
		}
		if d.looks > 0 { // a second passes; the replay plays it
			d.now = min(d.now+1, watchDemoEnd)
			d.pos = min(d.pos+1000, d.now*1000)
		}
		d.looks++
		writeJSON(w, state())
	})
	mux.HandleFunc("PUT "+api+"pbsm/replay/rp-1", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Offset *int `json:"offset"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		d.mu.Lock()
		defer d.mu.Unlock()
		if body.Offset != nil {
			d.pos = min(*body.Offset, d.now*1000)
		}
		writeJSON(w, state())
	})
	mux.HandleFunc("DELETE "+api+"pbsm/replay/rp-1", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.replayEnded = true
		d.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	d.Server = httptest.NewServer(mux)
	return d
}

// ended reports whether the replay was ended (DELETE pbsm/replay/rp-1).
func (d *watchDemo) ended() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.replayEnded
}

// Watch a live SSH session from its present to its end: one frame each
// time the terminal changes. The replay is ended however the loop ends.
func ExampleSessionsService_Watch() {
	srv := newWatchDemo()
	defer srv.Close()
	ctx := context.Background()

	client, err := passwordsafe.NewClient(srv.URL, passwordsafe.WithAPIKey("api-key", "auditor"))
	if err != nil {
		log.Fatal(err)
	}
	session, _, err := client.Sessions.Get(ctx, 105) // or one of Sessions.List
	if err != nil {
		log.Fatal(err)
	}
	// A short interval keeps the example quick; against a real server
	// keep the default of one second (nil options).
	opts := &passwordsafe.WatchOptions{Interval: time.Millisecond}
	for frame, err := range client.Sessions.Watch(ctx, session, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(frame.Time.Format("15:04:05"))
		for _, line := range strings.Split(strings.TrimRight(frame.Text, "\n "), "\n") {
			fmt.Println("  |", strings.TrimRight(line, " "))
		}
	}
	fmt.Println("replay ended:", srv.ended())
	// Output:
	// 10:00:42
	//   | root@db-01:~#
	// 10:00:43
	//   | root@db-01:~# uptime
	//   |  10:00:43 up 42 days,  1 user
	//   | root@db-01:~#
	// 10:00:45
	//   | root@db-01:~# uptime
	//   |  10:00:43 up 42 days,  1 user
	//   | root@db-01:~# exit
	//   | logout
	// replay ended: true
}
