package passwordsafe_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// Recorded answers of the fake Password Safe live in testdata/recorded, so
// httpmock tests decode the same shapes the end-to-end tests see.
// TestRecordedShapesMatchFake fails when the fake's answers drift from the
// files; `go test -run TestRecordedShapesMatchFake -update-recorded .`
// records them anew.
var updateRecorded = flag.Bool("update-recorded", false, "re-record testdata/recorded from the fake")

const recordedDir = "testdata/recorded"

// recording is one call whose answer is kept.
type recording struct {
	name, user, method, path string
	body                     any
}

// recordAll drives the fake through a flow and returns each answer's body.
func recordAll(t *testing.T) map[string][]byte {
	t.Helper()
	e := newE2E(t)
	clients := map[string]*ps.Client{}
	client := func(user string) *ps.Client {
		if clients[user] == nil {
			clients[user] = e.as(user)
		}
		return clients[user]
	}
	out := map[string][]byte{}
	do := func(r recording) {
		var raw []byte
		_, err := client(r.user).Do(bg, r.method, r.path, r.body, &raw)
		require.NoError(t, err, r.name)
		out[r.name] = raw
	}
	do(recording{"request_create", "requestor", "POST", "Requests",
		map[string]any{"AccessType": "SSH", "SystemID": sysWeb01, "AccountID": acctRoot, "DurationMinutes": 30, "Reason": "recorded"}})
	// POST Requests answers a bare number, as the real server does.
	var created int
	require.NoError(t, json.Unmarshal(out["request_create"], &created))
	id := strconv.Itoa(created)
	do(recording{"requests_list", "requestor", "GET", "Requests", nil})
	do(recording{"credentials", "requestor", "GET", "Credentials/" + id, nil})
	do(recording{"aliases_list", "requestor", "GET", "Aliases", nil})
	do(recording{"alias_get", "requestor", "GET", fmt.Sprintf("Aliases/%d", aliasDBHA), nil})
	do(recording{"alias_request_create", "requestor", "POST", fmt.Sprintf("Aliases/%d/Requests", aliasWebRoot),
		map[string]any{"DurationMinutes": 5, "ConflictOption": "reuse"}})
	var aliasReq int
	require.NoError(t, json.Unmarshal(out["alias_request_create"], &aliasReq))
	do(recording{"alias_credentials", "requestor", "GET", fmt.Sprintf("Aliases/%d/Credentials/%d", aliasWebRoot, aliasReq), nil})
	do(recording{"session_ticket_ssh", "requestor", "POST", "Requests/" + id + "/Sessions", map[string]any{"SessionType": "sshticket"}})
	do(recording{"sessions_list", "admin", "GET", "Sessions?status=1", nil})
	var sessions []ps.Session
	require.NoError(t, json.Unmarshal(out["sessions_list"], &sessions))
	require.NotEmpty(t, sessions)
	do(recording{"session_get", "admin", "GET", "Sessions/" + strconv.Itoa(sessions[0].SessionID), nil})
	do(recording{"replay_start", "admin", "POST", "pbsm/replay",
		map[string]any{"id": sessions[0].Token, "record_key": sessions[0].RecordKey, "protocol": "SSH", "headless": true}})
	var rp ps.Replay
	require.NoError(t, json.Unmarshal(out["replay_start"], &rp))
	do(recording{"replay_status", "admin", "GET", "pbsm/replay/" + rp.ID, nil})
	do(recording{"access_levels", "admin", "GET", "AccessLevels", nil})

	// An error body, as the server writes it.
	var raw []byte
	pending, _, err := client("requestor").Requests.Create(bg, &ps.CreateRequestOptions{SystemID: sysDB01, AccountID: acctPostgres, DurationMinutes: 5})
	require.NoError(t, err)
	_, err = client("requestor").Do(bg, "GET", "Credentials/"+strconv.Itoa(pending.RequestID), nil, &raw)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	out["error_4034"] = []byte(strconv.Quote(strconv.Itoa(er.Code) + " - " + er.Message))
	return out
}

func TestRecordedShapesMatchFake(t *testing.T) {
	t.Parallel()
	fresh := recordAll(t)
	if *updateRecorded {
		require.NoError(t, os.MkdirAll(recordedDir, 0o755))
		for name, body := range fresh {
			require.NoError(t, os.WriteFile(filepath.Join(recordedDir, name+".json"), append(body, '\n'), 0o644))
		}
	}
	for name, body := range fresh {
		kept, err := os.ReadFile(filepath.Join(recordedDir, name+".json"))
		require.NoError(t, err, "%s is not recorded: run with -update-recorded", name)
		assert.Equal(t, shape(t, kept), shape(t, body), "%s: the fake's answer changed shape; re-record with -update-recorded", name)
	}
}

// shape lists a JSON document's paths with their kinds, ignoring values and
// array lengths: {"A":[{"B":1}]} is ["A[].B:number"].
func shape(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(doc, &v))
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(prefix+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(prefix+"[]", c)
			}
		case nil:
			set[prefix+":null"] = true
		default:
			set[fmt.Sprintf("%s:%T", prefix, x)] = true
		}
	}
	walk("", v)
	out := make([]string, 0, len(set))
	for k := range set {
		// null and a value are the same field in two states (EndTime, ApprovedDate).
		out = append(out, strings.TrimSuffix(strings.TrimSuffix(k, ":null"), ":string"))
	}
	sort.Strings(out)
	return compact(out)
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// recordedResponder serves a recorded file.
func recordedResponder(t *testing.T, status int, name string) httpmock.Responder {
	body, err := os.ReadFile(filepath.Join(recordedDir, name+".json"))
	require.NoError(t, err)
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		return resp, nil
	}
}

func TestRecordedAnswersDecode(t *testing.T) {
	t.Parallel()
	const base = "https://vault.example.test/BeyondTrust/api/public/v3/"
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", base+"Auth/SignAppin", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(200, `{"UserId":1,"UserName":"requestor"}`)
		r.Header.Set("Set-Cookie", "ASP.NET_SessionId=rec; path=/")
		return r, nil
	})
	mt.RegisterResponder("POST", base+"Requests", recordedResponder(t, 201, "request_create"))
	mt.RegisterResponder("GET", base+"Requests", recordedResponder(t, 200, "requests_list"))
	mt.RegisterResponder("GET", `=~^`+base+`Credentials/\d+`, recordedResponder(t, 200, "credentials"))
	mt.RegisterResponder("GET", base+"Aliases", recordedResponder(t, 200, "aliases_list"))
	mt.RegisterResponder("GET", base+"Aliases/2", recordedResponder(t, 200, "alias_get"))
	mt.RegisterResponder("GET", `=~^`+base+`Aliases/1/Credentials/\d+`, recordedResponder(t, 200, "alias_credentials"))
	mt.RegisterResponder("POST", `=~^`+base+`Requests/\d+/Sessions`, recordedResponder(t, 201, "session_ticket_ssh"))
	mt.RegisterResponder("GET", base+"Sessions", recordedResponder(t, 200, "sessions_list"))
	mt.RegisterResponder("GET", `=~^`+base+`Sessions/\d+`, recordedResponder(t, 200, "session_get"))
	mt.RegisterResponder("GET", `=~^`+base+`pbsm/replay/\w+`, recordedResponder(t, 200, "replay_status"))
	mt.RegisterResponder("PUT", `=~^`+base+`Requests/\d+/Checkin`, recordedResponder(t, 403, "error_4034"))

	c, err := ps.NewClient("https://vault.example.test", ps.WithAPIKey("k", "requestor"), ps.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)

	created, _, err := c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: 1, AccountID: 11, DurationMinutes: 30})
	require.NoError(t, err)
	assert.Positive(t, created.RequestID)

	reqs, _, err := c.Requests.List(bg, nil)
	require.NoError(t, err)
	require.NotEmpty(t, reqs)
	assert.Equal(t, created.RequestID, reqs[0].RequestID)
	assert.Equal(t, "web01", reqs[0].SystemName)
	assert.False(t, reqs[0].RequestReleaseDate.IsZero())
	assert.False(t, reqs[0].ExpiresDate.IsZero())

	pw, _, err := c.Requests.Credentials(bg, created.RequestID, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, pw.Value())

	aliases, _, err := c.Aliases.List(bg, nil)
	require.NoError(t, err)
	require.NotEmpty(t, aliases)
	ha, _, err := c.Aliases.Get(bg, 2)
	require.NoError(t, err)
	assert.Equal(t, ps.AliasHighlyAvailable, ha.AliasState)
	require.Len(t, ha.MappedAccounts, 2)
	assert.Positive(t, ha.MappedAccounts[0].ManagedAccountID)
	assert.Positive(t, ha.SystemID, "SystemId spelling decoded")

	cred, _, err := c.Aliases.Credentials(bg, 1, created.RequestID, nil)
	require.NoError(t, err)
	assert.Positive(t, cred.SystemID)
	assert.Positive(t, cred.AccountID)
	assert.NotEmpty(t, cred.Password.Value())

	ticket, _, err := c.Sessions.Create(bg, created.RequestID, &ps.CreateSessionOptions{SessionType: ps.SessionSSHTicket})
	require.NoError(t, err)
	assert.Positive(t, ticket.SessionID)
	assert.NotEmpty(t, ticket.Ticket)

	sessions, _, err := c.Sessions.List(bg, nil)
	require.NoError(t, err)
	require.NotEmpty(t, sessions)
	assert.False(t, sessions[0].StartTime.IsZero())
	assert.True(t, sessions[0].EndTime.IsZero())
	one, _, err := c.Sessions.Get(bg, sessions[0].SessionID)
	require.NoError(t, err)
	assert.Equal(t, sessions[0].SessionID, one.SessionID)

	st, _, err := c.Sessions.ReplayStatus(bg, "abc")
	require.NoError(t, err)
	assert.Positive(t, st.Start)

	_, err = c.Requests.Checkin(bg, created.RequestID, "")
	assert.ErrorIs(t, err, ps.ErrNotApproved)
}
