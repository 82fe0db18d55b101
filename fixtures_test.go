package passwordsafe_test

import (
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The recorded answers of passwordsafetest.Fixtures (recorded from the
// fake, kept from drifting by passwordsafetest's TestFixtures) decode
// through every typed method, registered as an httpmock user registers
// them: in one line.

// fixtureClient is a client whose calls the fixtures answer through mt.
func fixtureClient(t *testing.T, mt *httpmock.MockTransport) *ps.Client {
	t.Helper()
	mt.RegisterNoResponder(passwordsafetest.Fixtures().Respond)
	c, err := ps.NewClient("https://vault.example.test",
		ps.WithAPIKey("key", "requestor"), ps.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	return c
}

func TestFixturesDecodeRequestsAndAliases(t *testing.T) {
	t.Parallel()
	c := fixtureClient(t, httpmock.NewMockTransport())

	user, err := c.SignIn(bg)
	require.NoError(t, err)
	assert.Equal(t, ps.User{UserID: 1, SID: user.SID, EmailAddress: "requestor@example.test", UserName: "requestor", Name: "Rita Requestor"}, *user)
	assert.NotEmpty(t, user.SID)

	created, _, err := c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: 1, AccountID: 11, DurationMinutes: 30})
	require.NoError(t, err)
	assert.Equal(t, ps.CreatedRequest{RequestID: 1001}, *created, "the bare-number answer, 201")

	reqs, _, err := c.Requests.List(bg, nil)
	require.NoError(t, err)
	require.Len(t, reqs, 1)
	assert.Equal(t, created.RequestID, reqs[0].RequestID)
	assert.Equal(t, "web01", reqs[0].SystemName)
	assert.Equal(t, ps.AccessSSH, reqs[0].AccessType)
	assert.False(t, reqs[0].RequestReleaseDate.IsZero())
	assert.Equal(t, 30*60.0, reqs[0].ExpiresDate.Sub(reqs[0].ApprovedDate.Time).Seconds())

	pw, _, err := c.Requests.Credentials(bg, created.RequestID, nil)
	require.NoError(t, err)
	assert.Equal(t, "recorded-password-1", pw.Value())

	for _, call := range []func() (*ps.Response, error){
		func() (*ps.Response, error) { return c.Requests.RotateOnCheckin(bg, created.RequestID) },
		func() (*ps.Response, error) { return c.Requests.Approve(bg, created.RequestID, "ok") },
		func() (*ps.Response, error) { return c.Requests.Deny(bg, created.RequestID, "no") },
		func() (*ps.Response, error) { return c.Requests.Checkin(bg, created.RequestID, "done") },
	} {
		resp, err := call()
		require.NoError(t, err)
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	}

	aliases, _, err := c.Aliases.List(bg, nil)
	require.NoError(t, err)
	require.Len(t, aliases, 2)
	ha, _, err := c.Aliases.Get(bg, 2)
	require.NoError(t, err)
	assert.Equal(t, ps.AliasHighlyAvailable, ha.AliasState)
	require.Len(t, ha.MappedAccounts, 2)
	assert.Equal(t, 61, ha.MappedAccounts[1].ManagedAccountID)
	assert.Equal(t, 2, ha.SystemID, "the SystemId spelling decoded")
	byName, _, err := c.Aliases.GetByName(bg, "db-ha")
	require.NoError(t, err)
	assert.Equal(t, ha.AliasName, byName.AliasName)
	aliasReq, _, err := c.Aliases.CreateRequest(bg, 1, &ps.CreateAliasRequestOptions{DurationMinutes: 5})
	require.NoError(t, err)
	assert.Equal(t, 1005, aliasReq.RequestID)
	cred, _, err := c.Aliases.Credentials(bg, 1, aliasReq.RequestID, nil)
	require.NoError(t, err)
	assert.Equal(t, 11, cred.AccountID)
	assert.NotEmpty(t, cred.Password.Value())
	assert.True(t, cred.PrivateKey.IsZero())

	var levels []struct {
		AccessLevelID int
		Name          string
	}
	_, err = c.Do(bg, "GET", "AccessLevels", nil, &levels)
	require.NoError(t, err)
	assert.Len(t, levels, 3)
	var acct struct {
		SystemID  int `json:"SystemId"`
		AccountID int `json:"AccountId"`
	}
	_, err = c.Do(bg, "GET", "ManagedAccounts?systemName=web01&accountName=root", nil, &acct)
	require.NoError(t, err)
	assert.Equal(t, 11, acct.AccountID)
	require.NoError(t, c.SignOut(bg))
}

func TestFixturesDecodeSessionsAndReplays(t *testing.T) {
	t.Parallel()
	c := fixtureClient(t, httpmock.NewMockTransport())

	ticket, _, err := c.Sessions.Create(bg, 1001, &ps.CreateSessionOptions{SessionType: ps.SessionSSHTicket})
	require.NoError(t, err)
	assert.Equal(t, 7001, ticket.SessionID)
	assert.Equal(t, "4422", ticket.Port)
	assert.Contains(t, ticket.Command, "ssh -p 4422 "+ticket.Ticket+"@")
	admin, _, err := c.Sessions.CreateAdmin(bg, &ps.CreateAdminSessionOptions{
		SessionType: ps.SessionSSHTicket, HostName: "10.20.0.9", UserName: "root", Password: "x"})
	require.NoError(t, err)
	assert.Positive(t, admin.SessionID)

	listed, _, err := c.Sessions.List(bg, nil)
	require.NoError(t, err)
	require.Len(t, listed, 2) // the default seed's live session, then the one opened
	assert.Equal(t, passwordsafetest.LiveSessionID, listed[0].SessionID)
	sessions := listed[1:]
	assert.Equal(t, ps.SessionInProgress, sessions[0].Status)
	assert.False(t, sessions[0].StartTime.IsZero())
	assert.True(t, sessions[0].EndTime.IsZero())
	assert.Equal(t, ps.SessionSSHTicket, sessions[0].SessionType)
	one, _, err := c.Sessions.Get(bg, 7001)
	require.NoError(t, err)
	assert.Equal(t, sessions[0], *one)
	_, err = c.Sessions.Lock(bg, 7001)
	require.NoError(t, err)
	_, err = c.Sessions.Terminate(bg, 7001)
	require.NoError(t, err)

	rp, _, err := c.Sessions.StartReplay(bg, one)
	require.NoError(t, err)
	assert.NotEmpty(t, rp.ID)
	st, _, err := c.Sessions.ReplayStatus(bg, rp.ID)
	require.NoError(t, err)
	assert.Equal(t, 100, st.Speed)
	assert.Positive(t, st.Start)
	screen, _, err := c.Sessions.ReplayScreen(bg, rp.ID)
	require.NoError(t, err)
	assert.Contains(t, screen, "root@web01")
	png, _, err := c.Sessions.ReplaySnapshot(bg, rp.ID, ps.ImagePNG, 16)
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG", string(png[:4]))
	jpeg, _, err := c.Sessions.ReplaySnapshot(bg, rp.ID, ps.ImageJPEG, 16)
	require.NoError(t, err)
	assert.Equal(t, "\xff\xd8", string(jpeg[:2]))
	st, _, err = c.Sessions.ControlReplay(bg, rp.ID, &ps.ReplayControl{Speed: ps.Ptr(200)})
	require.NoError(t, err)
	assert.Equal(t, 200, st.Speed)
	_, err = c.Sessions.EndReplay(bg, rp.ID)
	require.NoError(t, err)
}

// The fixtures reached by name answer what a test registers them for.
func TestFixturesByName(t *testing.T) {
	t.Parallel()
	const base = "https://vault.example.test/BeyondTrust/api/public/v3/"
	fx := passwordsafetest.Fixtures()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("GET", `=~^`+base+`Credentials/\d+\z`, fx.Responder("error_4034"))
	mt.RegisterResponder("POST", `=~^`+base+`Requests/\d+/Sessions\z`, fx.Responder("sessions_create_rdpfile"))
	mt.RegisterResponder("POST", base+"Requests", fx.Responder("requests_create_reused"))
	c := fixtureClient(t, mt)

	_, _, err := c.Requests.Credentials(bg, 1001, nil)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.ErrorIs(t, err, ps.ErrNotApproved)
	assert.Equal(t, 4034, er.Code)
	assert.Equal(t, "Request is not yet approved.", er.Message)

	file, _, err := c.Sessions.Create(bg, 1002, &ps.CreateSessionOptions{SessionType: ps.SessionRDPFile})
	require.NoError(t, err)
	assert.Equal(t, "win01.rdp", file.FileName)
	assert.Contains(t, string(file.File), "full address:s:")

	reused, _, err := c.Requests.Create(bg, &ps.CreateRequestOptions{SystemID: 1, AccountID: 11, DurationMinutes: 30, ConflictOption: ps.ConflictReuse})
	require.NoError(t, err)
	assert.Equal(t, ps.CreatedRequest{RequestID: 1001, Reused: true}, *reused, "200: reused")
}

// Without httpmock the fixtures are a RoundTripper; an OAuth client gets
// its token from them too.
func TestFixturesAsRoundTripper(t *testing.T) {
	t.Parallel()
	c, err := ps.NewClient("https://vault.example.test",
		ps.WithOAuthClientCredentials("id", "secret"),
		ps.WithHTTPClient(&http.Client{Transport: passwordsafetest.Fixtures()}))
	require.NoError(t, err)
	user, err := c.SignIn(bg)
	require.NoError(t, err)
	assert.Equal(t, "requestor", user.UserName)
	pw, _, err := c.Requests.Credentials(bg, 1001, nil)
	require.NoError(t, err)
	assert.Equal(t, "recorded-password-1", pw.Value())
}

// The newer endpoints' fixtures decode through their typed methods.
func TestFixturesDecodeNewerEndpoints(t *testing.T) {
	t.Parallel()
	c := fixtureClient(t, httpmock.NewMockTransport())

	cred, _, err := c.Requests.ISARequest(bg, &ps.ISARequestOptions{SystemID: 1, AccountID: 11, CredentialType: ps.CredentialPassword})
	require.NoError(t, err)
	assert.Equal(t, "recorded-password-3", cred.Value())

	tk, _, err := c.Sessions.CreateISA(bg, &ps.CreateISASessionOptions{SessionType: ps.SessionSSHTicket, SystemID: 1, AccountID: 11})
	require.NoError(t, err)
	assert.Positive(t, tk.SessionID)
	assert.NotEmpty(t, tk.Command)

	set, _, err := c.Requests.CreateSet(bg, &ps.CreateRequestSetOptions{
		AccessTypes: []ps.AccessType{ps.AccessView, ps.AccessSSH}, SystemID: 4, AccountID: 41, DurationMinutes: 10})
	require.NoError(t, err)
	require.Len(t, set.Requests, 2)
	assert.NotEmpty(t, set.RequestSetID)
	sets, _, err := c.Requests.ListSets(bg, nil)
	require.NoError(t, err)
	require.NotEmpty(t, sets)
	assert.Equal(t, "requestor", sets[0].Requests[0].RequestorName)

	policies, _, err := c.Requests.TestAccessPolicies(bg, &ps.TestAccessPoliciesOptions{SystemID: 2, AccountID: 21, DurationMinutes: 10})
	require.NoError(t, err)
	require.Len(t, policies, 1)
	require.NotEmpty(t, policies[0].Schedules)

	nodes, _, err := c.Sessions.Nodes(bg, nil)
	require.NoError(t, err)
	require.NotEmpty(t, nodes)
	assert.True(t, nodes[0].IsActive)

	v, _, err := c.ServerVersion(bg)
	require.NoError(t, err)
	assert.NotEmpty(t, v.Version)

	_, resp, err := c.Requests.TerminateAccountRequests(bg, 11, &ps.TerminateRequestsOptions{Reason: "leaked"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, resp, err = c.Sessions.LockSystemSessions(bg, 1, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
}
