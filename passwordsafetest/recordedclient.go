package passwordsafetest

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe"
)

// The environment RecordedClient reads.
const (
	envRecord            = "PS_RECORD" // set (to anything): record; unset or empty: replay
	envURL               = "PS_URL"
	envAPIKey            = "PS_API_KEY"
	envRunAs             = "PS_RUNAS"
	envRunAsPassword     = "PS_RUNAS_PASSWORD"
	envOAuthClientID     = "PS_OAUTH_CLIENT_ID"
	envOAuthClientSecret = "PS_OAUTH_CLIENT_SECRET"
)

// What a replaying client is built with: nothing of the recorded vault.
const (
	replayHost          = "https://vault.example.test"
	replayAPIKey        = placeholderPrefix + kindAPIKey
	replayOAuthClientID = placeholderPrefix + "client-id"
	replayOAuthSecret   = placeholderPrefix + kindClientSecret
	replayDefaultRunAs  = placeholderPrefix + "user"
	signInSuffix        = "auth/signappin"
	howToRecord         = "record it against your vault: PS_RECORD=1 PS_URL=https://vault.example.com PS_API_KEY=... PS_RUNAS=... go test -run "
)

// RecordedClient returns a *passwordsafe.Client for a test that runs
// against a recording of a real vault in dir (e.g. "testdata/backup").
//
// With PS_RECORD set, it records: the client calls the vault at PS_URL,
// signed in with PS_API_KEY as PS_RUNAS (and PS_RUNAS_PASSWORD when set),
// or with PS_OAUTH_CLIENT_ID and PS_OAUTH_CLIENT_SECRET, through a
// Recorder that writes the scrubbed calls to dir. Without PS_RECORD, it
// replays: the client is answered by a Replayer over dir, with no network
// and no credentials, and the test fails at its end if a recorded call was
// not made (the code under test changed: record anew). A missing
// recording fails the test with the command that makes one.
//
// opts come after the SDK options RecordedClient sets and must not set
// credentials or an HTTP client; give the same in both modes
// (WithAPIVersion, WithRetries...). A vault whose certificate comes from a
// private CA is trusted through SSL_CERT_FILE, as by any Go program.
func RecordedClient(tb testing.TB, dir string, opts ...passwordsafe.Option) *passwordsafe.Client {
	tb.Helper()
	if os.Getenv(envRecord) != "" {
		c, err := recordingClient(dir, opts)
		if err != nil {
			tb.Fatalf("passwordsafetest: RecordedClient: %v", err)
		}
		tb.Logf("passwordsafetest: recording the calls to %s in %s", c.BaseURL().Host, dir)
		return c
	}
	p, err := NewReplayer(dir)
	if err != nil {
		tb.Fatalf("%v; %s'^%s$'", err, howToRecord, tb.Name())
	}
	c, err := replayClient(p, opts)
	if err != nil {
		tb.Fatalf("passwordsafetest: RecordedClient: %v", err)
	}
	tb.Cleanup(func() {
		if u := p.Unplayed(); len(u) > 0 {
			tb.Errorf("passwordsafetest: %d calls recorded in %s were not made (the code under test changed? record anew):\n%s",
				len(u), dir, strings.Join(u, "\n"))
		}
	})
	return c
}

// recordingClient is a client of the vault the environment names, whose
// calls a Recorder writes to dir.
func recordingClient(dir string, opts []passwordsafe.Option) (*passwordsafe.Client, error) {
	base := os.Getenv(envURL)
	if base == "" {
		return nil, errors.New(envRecord + " is set but " + envURL + " is not: name the vault to record")
	}
	var all []passwordsafe.Option
	switch key, id := os.Getenv(envAPIKey), os.Getenv(envOAuthClientID); {
	case key != "":
		runAs := os.Getenv(envRunAs)
		if runAs == "" {
			return nil, errors.New(envAPIKey + " is set but " + envRunAs + " is not: name the user to act as")
		}
		all = append(all, passwordsafe.WithAPIKey(key, runAs))
		if pwd := os.Getenv(envRunAsPassword); pwd != "" {
			all = append(all, passwordsafe.WithRunAsPassword(pwd))
		}
	case id != "":
		all = append(all, passwordsafe.WithOAuthClientCredentials(id, os.Getenv(envOAuthClientSecret)))
	default:
		return nil, errors.New("no credentials: set " + envAPIKey + " and " + envRunAs + " (or " + envOAuthClientID + " and " + envOAuthClientSecret + ")")
	}
	all = append(all, passwordsafe.WithHTTPClient(&http.Client{Transport: NewRecorder(dir, nil)}))
	return passwordsafe.NewClient(base, append(all, opts...)...)
}

// replayClient is a client answered by p, at a base URL with the recorded
// base path and with placeholder credentials of the recorded kind.
func replayClient(p *Replayer, opts []passwordsafe.Option) (*passwordsafe.Client, error) {
	path, authorization, oauth := p.signIn()
	base := replayHost
	if n := len(path) - len(signInSuffix); n > 0 && strings.EqualFold(path[n:], signInSuffix) {
		base += path[:n]
	}
	all := []passwordsafe.Option{passwordsafe.WithHTTPClient(&http.Client{Transport: p})}
	if oauth {
		all = append(all, passwordsafe.WithOAuthClientCredentials(replayOAuthClientID, replayOAuthSecret))
	} else {
		all = append(all, passwordsafe.WithAPIKey(replayAPIKey, recordedRunAs(authorization)))
	}
	return passwordsafe.NewClient(base, append(all, opts...)...)
}

// recordedRunAs reads the run-as user of a recorded (scrubbed) PS-Auth
// header.
func recordedRunAs(authorization string) string {
	for _, part := range strings.Split(authorization, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(k), "PS-Auth "), "runas") && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return replayDefaultRunAs
}
