package passwordsafe_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// Watch a live SSH session: each frame is the terminal as it changes, and
// the replay is ended when the session ends or the loop stops. Here the
// session is the live one of the test kit's default seed, watched by its
// Active Session Reviewer; the loop moves the fake's clock a second per
// frame, where a real session moves on its own.
func ExampleSessionsService_Watch() {
	srv, err := passwordsafetest.Start("127.0.0.1:0",
		passwordsafetest.WithTime(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // bound the watch
	defer cancel()
	client, err := srv.NewClient("reviewer")
	if err != nil {
		log.Fatal(err)
	}

	live, _, err := client.Sessions.List(ctx, &passwordsafe.ListSessionsOptions{
		Status: []passwordsafe.SessionStatus{passwordsafe.SessionInProgress}})
	if err != nil {
		log.Fatal(err)
	}
	// A short interval keeps the example quick; against a real server
	// keep the default of one second (nil options).
	opts := &passwordsafe.WatchOptions{Interval: time.Millisecond}
	frames := 0
	for frame, err := range client.Sessions.Watch(ctx, &live[0], opts) {
		if err != nil {
			log.Fatal(err)
		}
		lines := strings.Split(frame.Text, "\n")
		fmt.Printf("%s  |%s\n", frame.Time.Format("15:04:05"), lines[2])
		if frames++; frames == 3 {
			break // stop watching: the replay is ended for us
		}
		srv.Advance(time.Second)
	}
	fmt.Println("replays left open:", len(srv.Replays()))
	// Output:
	// 09:00:00  | 09:00:00 up 42 days,  3:07,  1 user,  load average: 0.08, 0.03, 0.01
	// 09:00:01  | 09:00:01 up 42 days,  3:07,  1 user,  load average: 0.08, 0.03, 0.01
	// 09:00:02  | 09:00:02 up 42 days,  3:07,  1 user,  load average: 0.08, 0.03, 0.01
	// replays left open: 0
}
