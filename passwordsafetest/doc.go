// Package passwordsafetest is a fake BeyondTrust Password Safe (public API
// v3) for tests of code that uses package passwordsafe, as
// net/http/httptest is for net/http. The SDK's own end-to-end tests, its
// quickstart and examples/fakeserver use this same fake.
//
// It offers three ways to test such code: the fake itself, started in the
// test (NewServer); answers recorded from it for every call the SDK makes,
// for httpmock or as a RoundTripper (Fixtures, under "Recorded answers");
// and a recording of your own vault, made once and replayed offline
// (RecordedClient, Recorder and Replayer, under "Recording your own
// vault").
//
// A test starts one in a line, gets a client signed in as a seeded user,
// runs the code under test and asserts on what the fake saw:
//
//	func TestBackupBorrowsAndReturnsThePassword(t *testing.T) {
//		srv := passwordsafetest.NewServer(t, passwordsafetest.WithManagedAccount("db01", "postgres", "pw"))
//		client := srv.Client(t, "requestor")
//
//		if err := backup(ctx, client); err != nil { // the code under test
//			t.Fatal(err)
//		}
//
//		if open := srv.OpenRequests(); len(open) != 0 {
//			t.Errorf("left open: %+v", open)
//		}
//		if c := srv.Checkins(); len(c) != 1 || c[0].Reason != "backup done" {
//			t.Errorf("check-ins: %+v", c)
//		}
//	}
//
// The fake speaks the real server's wire: PS-Auth (key, runas, pwd=[...])
// or OAuth sign-in answering an ASP.NET_SessionId cookie, paths matched
// case-insensitively below the base path, ?version= accepted on every call,
// error bodies that are JSON strings such as "4034 - Request is not yet
// approved.", POST Requests answering the bare request ID, release
// requests with approvals, conflicts, expiry and rotation, credentials,
// aliases, requestable managed accounts, privileged sessions and their
// replay; ISA requests and sessions, request sets, access policy tests,
// incident response (ending requests, locking and terminating sessions by
// system and account), session nodes and the server version; multi-factor
// sign-in and bearer tokens (see "Newer endpoints" and "Sign-in extras").
// Its server side uses the standard library only; Client is the one place
// it uses package passwordsafe, and only its public API.
//
// # The default seed
//
// Users (sign in with runas=<UserName>; only secured needs pwd=[...]):
//
//	ID  UserName     Roles                                  Run-as password
//	1   requestor    Requestor                              -
//	2   approver     Approver                               -
//	3   admin        Administrators, Requestor, Approver    -
//	4   reqapprover  Requestor, Approver                    -
//	5   secured      Requestor                              Secured-Pa55!
//	6   auditor      Auditor                                -
//	7   isa          ISA                                    -
//	8   quarantine   Quarantine                             -
//
// The OAuth client (DefaultOAuthClientID, DefaultOAuthClientSecret) acts
// as requestor. The API key is DefaultAPIKey.
//
// Managed accounts (random passwords, rotated when a released request that
// has RotateOnCheckin ends; the approvers listed are the only ones who may
// approve):
//
//	System      Account              Access          Approvals
//	1 web01     11 root              View, SSH       auto (has an SSH key + passphrase)
//	2 db01      21 postgres          View, SSH       1 of approver, reqapprover, admin
//	3 win01     31 Administrator     View, RDP, App  auto (ApplicationID 1 "Server Manager")
//	4 app01     41 EXAMPLE\deploy    View, SSH       2 of approver, reqapprover, admin (UPN deploy@example.test)
//	5 vault01   51 breakglass        View, SSH       3 of approver, reqapprover: always 4035
//	6 db02      61 postgres          View, SSH       1 of approver, reqapprover, admin
//
// Systems are Linux (PlatformID 2) but win01 (Windows, 1), all of type
// "system", in workgroup "BeyondTrust Workgroup", at 10.20.0.<ID+1>.
//
// Aliases: 1 web-root (state 1, web01/root), 2 db-ha (state 2, db01/postgres
// then db02/postgres; requests go to the first), 3 orphan (state 0,
// unmapped: requests answer 4031).
//
// Session nodes: the fake's own, NodeID ("Local node", active), and
// RetiredNodeID ("Retired node", inactive).
//
// Request IDs count from 1001, session IDs from 7001. The session proxy
// answers on ports 4422 (SSH) and 4489 (RDP) at the host the client called.
//
// # How a seed combines with the default seed
//
// Seed options (WithSeed, WithSeedFile, WithUser, WithSystem, WithAccount,
// WithManagedAccount, WithAlias, WithRecordedSession, WithNode) add up,
// in order. Then:
//
//   - The default users are always there, unless a seeded user has the
//     same name (it replaces the default one).
//   - The default systems, accounts and aliases are there only when the
//     test seeds no system and no account of its own; a test that seeds
//     accounts sees exactly its accounts. Seeded aliases and sessions are
//     added either way (aliases may map default accounts).
//   - The fake's own node (NodeID) is always there, even WithoutDefaults;
//     the default inactive node only when the test seeds no node.
//   - WithoutDefaults (or "noDefaults": true in a seed file) starts from
//     nothing: only what the seed says.
//   - IDs left 0 are given the next free number; passwords left empty are
//     random; systems that accounts name but the seed does not list are
//     created as Linux systems.
//
// A seed that contradicts itself (a user or account seeded twice, an alias
// or session naming an unknown account, an approver who is not a user, an
// unknown role or access type) fails NewServer, or is Start's error.
//
// # The seed file
//
// A JSON seed file holds a Seed; the names are those of the json tags of
// Seed, User, System, Account, Policy, Alias, AccountRef,
// RecordedSession and Node ("nodes" joined version 1 later, as an
// optional field: older files still read). "version" is required and must
// be 1; unknown fields and trailing data are errors.
// testdata/seed.example.json in this package is a complete example:
//
//	{
//	  "version": 1,
//	  "noDefaults": false,
//	  "users":    [{"userName": "ci-bot", "roles": ["Requestor"], "runAsPassword": "optional"}],
//	  "systems":  [{"name": "pg-prod", "platform": "PostgreSQL", "type": "database", "ipAddress": "10.1.0.5"}],
//	  "accounts": [{"system": "pg-prod", "name": "postgres", "password": "pw",
//	                "access": ["View", "SSH"], "generateSshKey": true,
//	                "policy": {"approvals": 1, "approvers": ["approver"], "requireReason": true, "requireTicket": false}}],
//	  "aliases":  [{"name": "db-primary", "accounts": [{"system": "pg-prod", "account": "postgres"}]}],
//	  "sessions": [{"user": "ci-bot", "system": "pg-prod", "account": "postgres", "protocol": "SSH",
//	                "durationSeconds": 120, "screen": "text a replay shows"}],
//	  "nodes":    [{"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "hostName": "ps-eu", "displayName": "EU proxy"},
//	               {"hostName": "ps-old", "inactive": true, "lastHeartbeat": "2026-01-02T03:04:05Z"}]
//	}
//
// Roles are Requestor, Approver, Administrators (or admin), Auditor, ISA
// and Quarantine (the "Password Safe API Global Quarantine" permission),
// case-insensitive. Access types are View, SSH, RDP and App. System types
// are system, database, domainlinked, cloud and application (what GET
// ManagedAccounts?type= filters on).
//
// # Acting as an approver
//
// Approve and Deny act as a seeded approver, with the same rules as the
// API. When the code under test creates the request and then waits (as
// Checkout does), wait for it on the fake's own signal:
//
//	go func() {
//		rq, err := srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
//		if err == nil {
//			err = srv.Approve(rq.RequestID, "approver")
//		}
//		approved <- err
//	}()
//
// # Faults
//
// Next picks the next call(s) to a method and path. Fail, Drop and the
// waits act before the fake looks at the call; LoseAnswer and ActThenFail
// let it act, then take its answer away:
//
//	srv.Next("GET", "Requests").Times(2).Fail(http.StatusServiceUnavailable) // answered, not acted on
//	srv.Next("POST", "Requests").FailWith(429, "slow down", http.Header{"Retry-After": {"1"}})
//	srv.Next("POST", "Requests").Drop()       // connection closed before the server acts
//	srv.Next("POST", "Requests").LoseAnswer() // the server acts, the answer is lost
//	srv.Next("POST", "Requests").ActThenFail(http.StatusBadGateway) // the server acts, the client gets 502
//	srv.Next("GET", "Aliases").Delay(time.Second)
//	hold := srv.Next("PUT", "Requests/*/Checkin").Hold() // in flight until hold.Release()
//
// Calls, CallLog and WaitForCalls show what arrived (faulted calls too),
// without credentials.
//
// # The clock
//
// Every date comes from the fake's clock: the wall clock plus what Advance
// added, or, with WithTime, a stopped clock that only Advance moves. What
// the clock passes expires as on the real server: signed-in sessions after
// 20 idle minutes (WithIdleTimeout), OAuth tokens, requests at the end of
// their window. ExpireSessions and ExpireRequest end them at once.
//
//	srv.Advance(21 * time.Minute) // the next call answers 401; the SDK signs in again
//	srv.ExpireRequest(1001)       // the credential is no longer released (4031)
//
// # API versions
//
// Every call may carry ?version=; the call log keeps it. The fake answers
// as version 3.0 unless told otherwise: WithAPIVersions limits the versions
// served (others answer 410 Gone, as the real server does at sign-in), and
// WithPagedManagedAccounts wraps GET ManagedAccounts lists as
// {"TotalCount": N, "Data": [...]} for newer versions. The reference does
// not document that wrapper for ManagedAccounts (GET ManagedSystems and
// newer secrets-safe lists have it; the vendor's Go and Python clients read
// ManagedAccounts as a bare list, its .NET client declares a wrapper type
// it never uses), so it is off by default.
//
// # Dates
//
// Requests write dates like 2026-11-23T04:39:10.53 (no zone), sessions
// like 2026-11-23T04:39:10.53Z, aliases and managed accounts like
// 2026-11-23T04:39:10; dates not set are null.
//
// # Newer endpoints
//
// Where the reference leaves a shape open, the handler's doc comment says
// what the fake chose. In short:
//
//   - POST ISARequests (ISA role): an active View request (RequestInfo.ISA)
//     and 201 {"Credentials": "..."}, the reference's shape;
//     WithISACredentialsAsString answers the bare JSON string the vendor's
//     .NET client reads instead.
//   - POST ISASessions (ISA role or Administrators): an active ISA request
//     of the session's access type and a session of it, answered as POST
//     Requests/{id}/Sessions answers.
//   - GET and POST RequestSets: one ordinary request per access type, all
//     with one RequestSetID (RequestInfo.RequestSetID); POST answers 201
//     with the set.
//   - POST AccessPolicies/Test (Requestor): the account's seeded Policy as
//     one policy with one schedule (RequireReason, RequireTicketSystem from
//     RequireReason and RequireTicket), [] past the maximum release.
//   - POST ManagedAccounts|ManagedSystems|Users/{id}/Requests/Terminate and
//     POST ManagedSystems|ManagedAccounts/{id}/Sessions/Lock|Terminate
//     (the Quarantine role or Administrators, else 403 4031; unknown IDs
//     404): 204, or with ?feedback=true 200 and a JSON report of what was
//     ended, of the fake's own shape (no reference shows one). Ended
//     requests are StatusTerminated, with TerminatedBy and TerminateReason;
//     Terminations lists every such call. POST Sessions/{id}/Lock and
//     Terminate take ?feedback=true too.
//   - GET Nodes (?includeInactive=true) and GET Configuration/Version
//     ({"Version": "..."}, WithServerVersion): any signed-in user.
//   - Session create calls take the newer Resolution, RDPAdminSwitch and
//     Record (refusing the RDP fields on SSH types, 400) and a NodeID: a
//     seeded node is used, an inactive one refused (400), an unknown one
//     served by the fake's own node. SessionInfo shows what was asked.
//
// A test of incident response, for instance:
//
//	quinn := srv.Client(t, "quarantine")
//	quinn.Requests.TerminateAccountRequests(ctx, 11, &passwordsafe.TerminateRequestsOptions{Reason: "leaked"})
//	srv.Terminations()[0].Reason // "leaked"
//
// # Sign-in extras
//
// WithMFA(code) makes the API registration enforce multi-factor
// authentication for API-key sign-ins: the first POST Auth/SignAppin
// answers 401 with WWW-Authenticate-2FA and a session cookie, and the
// repeat on that cookie with " challenge=<code>;" in the PS-Auth header
// signs in. A client made by Server.Client then needs the SDK's WithMFA:
//
//	srv := passwordsafetest.NewServer(t, passwordsafetest.WithMFA("246810"))
//	client := srv.Client(t, "requestor", passwordsafe.WithMFA(
//		func(context.Context, string) (string, error) { return "246810", nil }))
//
// IssueToken hands out a bearer token that signs in as a seeded user, for
// the SDK's WithBearerToken (a token from an identity broker):
//
//	client, _ := passwordsafe.NewClient(srv.URL(), passwordsafe.WithBearerToken(
//		func(context.Context) (string, error) { return srv.IssueToken("isa") }))
//
// # Recorded answers
//
// A test that runs the SDK against canned answers, with httpmock or a
// RoundTripper of its own, needs no server: Fixtures holds an answer for
// every call the SDK makes, recorded from this fake. One line registers
// them all:
//
//	mt.RegisterNoResponder(passwordsafetest.Fixtures().Respond)
//
// httpmock then counts every call under NO_RESPONDER. To count calls route
// by route, register a responder per route instead; CallCountKey names a
// route's key in httpmock's counts:
//
//	passwordsafetest.RegisterFixtures(mt)
//	// ... the code under test ...
//	mt.GetCallCountInfo()[passwordsafetest.Fixtures().CallCountKey("credentials")] // GET Credentials/{id}
//
// The wire, as the real server writes it (and a hand-written answer must
// too):
//
//   - Sign-in is POST Auth/SignAppin with the header
//     "Authorization: PS-Auth key=<key>; runas=<user>;" (and
//     " pwd=[<password>];" when the user has a run-as password). It answers
//     200 with a User object and the session cookie,
//     "Set-Cookie: ASP.NET_SessionId=<id>; Path=/; HttpOnly", which every
//     later call carries instead of the key. Without it a call answers 401.
//     OAuth clients first POST Auth/connect/token, a form
//     (grant_type=client_credentials&client_id=...&client_secret=...), and
//     sign in with "Authorization: Bearer <access_token>". Sign-out is POST
//     Auth/Signout: 200, no body.
//   - Errors are JSON strings, the reason code first when there is one:
//     403 "4034 - Request is not yet approved.". 4031 no permission, 4032
//     requestors only, 4033 approvers only, 4034 not yet approved, 4035 not
//     enough approvers, 4036 already approved.
//   - POST Requests and POST Aliases/{id}/Requests answer the bare request
//     ID, 1001: 201 when created, 200 when an open request was reused.
//   - GET Credentials/{id} answers the credential as a JSON string.
//   - PUT Requests/{id}/Checkin, Approve, Deny and RotateOnCheckin, POST
//     Sessions/{id}/Lock and Terminate, and DELETE pbsm/replay/{id} answer
//     204 with no body.
//   - JSON answers have "Content-Type: application/json; charset=utf-8";
//     missing values are null; the dates are as under "Dates".
//
// The fixtures tell one story, at 2026-01-15T09:30:00Z: requestor (UserId
// 1) requests SSH access to root on web01 (SystemID 1, AccountID 11) as
// request 1001, reads its password "recorded-password-1", opens session
// 7001 (a ticket at 127.0.0.1:4422), which admin lists, replays, locks and
// terminates, and checks the request in. Every call gets the same answer,
// whatever IDs it names. Each fixture is one file, fixtures/<name>.json,
// in the format of a recording (see "Recording your own vault").
//
// The first fixture of each call answers it; the others, and the errors,
// are reached by name, with Responder or Body. Calls are matched by method
// and path below the API base, with any ID in place of the IDs shown,
// and for some by the query parameters shown. Calls by name get the answer
// for that name: GET ManagedAccounts?systemName=&accountName= answers the
// seeded account named (names compared case-insensitively; app01's account
// as deploy, EXAMPLE\deploy or deploy@example.test), and any other name the
// server's 404 for a missing account. ?type=dsskey and ?type=passphrase get
// the credential of that type: a private key is a throwaway Ed25519 key
// (made from its placeholder's name) that parses, as every private key a
// Recorder replaces.
//
//	auth_signappin             POST Auth/SignAppin                     200 User
//	auth_token                 POST Auth/connect/token                 200 Token
//	auth_signout               POST Auth/Signout                       200 empty
//	managed_accounts_list      GET ManagedAccounts                     200 [ManagedAccount]
//	managed_accounts_get       GET ManagedAccounts?systemName=web01&accountName=root 200 ManagedAccount
//	managed_accounts_get_db01  GET ManagedAccounts?systemName=db01&accountName=postgres 200 ManagedAccount
//	managed_accounts_get_win01 GET ManagedAccounts?systemName=win01&accountName=Administrator 200 ManagedAccount
//	managed_accounts_get_app01 GET ManagedAccounts?systemName=app01&accountName=EXAMPLE\deploy 200 ManagedAccount
//	managed_accounts_get_vault01 GET ManagedAccounts?systemName=vault01&accountName=breakglass 200 ManagedAccount
//	managed_accounts_get_db02  GET ManagedAccounts?systemName=db02&accountName=postgres 200 ManagedAccount
//	error_404_managed_account  GET ManagedAccounts?systemName=&accountName= 404 "Managed Account not found"
//	access_levels              GET AccessLevels                        200 [AccessLevel]
//	requests_create            POST Requests                           201 1001
//	requests_create_reused     POST Requests                           200 1001
//	requests_create_rdp        POST Requests                           201 1002
//	requests_create_pending    POST Requests                           201 1003
//	requests_create_denied     POST Requests                           201 1004
//	requests_list              GET Requests                            200 [Request]
//	requests_list_approver     GET Requests?queue=app                  200 [Request]
//	credentials                GET Credentials/1001                    200 "recorded-password-1"
//	credentials_dsskey         GET Credentials/1001?type=dsskey        200 PEM key
//	credentials_passphrase     GET Credentials/1001?type=passphrase    200 "recorded-passphrase-1"
//	requests_rotate            PUT Requests/1001/RotateOnCheckin       204 empty
//	requests_approve           PUT Requests/1003/Approve               204 empty
//	requests_deny              PUT Requests/1004/Deny                  204 empty
//	requests_checkin           PUT Requests/1001/Checkin               204 empty
//	requests_release           PUT Requests/Release/1002               204 empty
//	sessions_create            POST Requests/1001/Sessions             201 SSHTicket
//	sessions_create_rdpticket  POST Requests/1002/Sessions             201 RDPTicket
//	sessions_create_rdpfile    POST Requests/1002/Sessions             201 text (application/x-rdp)
//	sessions_admin             POST Sessions/Admin                     201 SSHTicket
//	sessions_list              GET Sessions                            200 [Session]
//	sessions_get               GET Sessions/7001                       200 Session
//	sessions_get_rdp           GET Sessions/7002                       200 Session
//	sessions_lock              POST Sessions/7001/Lock                 204 empty
//	sessions_terminate         POST Sessions/7001/Terminate            204 empty
//	replay_start               POST pbsm/replay                        200 Replay
//	replay_start_rdp           POST pbsm/replay                        200 Replay
//	replay_status              GET pbsm/replay/{id}                    200 ReplayState
//	replay_screen              GET pbsm/replay/{id}?screen=1           200 text (text/plain; charset=utf-8)
//	replay_snapshot_png        GET pbsm/replay/{id}?png=16             200 binary (image/png)
//	replay_snapshot_jpeg       GET pbsm/replay/{id}?jpeg=16            200 binary (image/jpeg)
//	replay_control             PUT pbsm/replay/{id}                    200 ReplayState
//	replay_end                 DELETE pbsm/replay/{id}                 204 empty
//	aliases_list               GET Aliases                             200 [Alias]
//	aliases_get_by_name        GET Aliases?name=                       200 Alias
//	aliases_get                GET Aliases/2                           200 Alias
//	aliases_request_create     POST Aliases/1/Requests                 201 1005
//	aliases_credentials        GET Aliases/1/Credentials/1005          200 AliasCredentials
//	aliases_credentials_dsskey GET Aliases/1/Credentials/1005?type=dsskey 200 AliasCredentials
//	isa_requests               POST ISARequests?type=password          201 ISACredential
//	isa_sessions               POST ISASessions                        201 SSHTicket
//	request_sets_create        POST RequestSets                        201 RequestSet
//	request_sets_list          GET RequestSets                         200 [RequestSet]
//	access_policies_test       POST AccessPolicies/Test                200 [AccessPolicy]
//	nodes_list                 GET Nodes                               200 [Node]
//	configuration_version      GET Configuration/Version               200 Version
//	sessions_lock_account      POST ManagedAccounts/11/Sessions/Lock   204 empty
//	sessions_terminate_account POST ManagedAccounts/11/Sessions/Terminate 204 empty
//	sessions_lock_system       POST ManagedSystems/1/Sessions/Lock     204 empty
//	sessions_terminate_system  POST ManagedSystems/1/Sessions/Terminate 204 empty
//	requests_terminate_account POST ManagedAccounts/11/Requests/Terminate 204 empty
//	requests_terminate_system  POST ManagedSystems/4/Requests/Terminate 204 empty
//	requests_terminate_user    POST Users/1/Requests/Terminate         204 empty
//	error_401                  GET Requests                            401 "User is not signed in or the session has expired. Sign in with POST Auth/SignAppin."
//	error_404                  GET Aliases/999                         404 "Alias 999 was not found."
//	error_409                  POST Requests                           409 "Conflicting request exists. This user already has request 1001 for the account."
//	error_4034                 GET Credentials/1003                    403 "4034 - Request is not yet approved."
//
// The objects, with their fields in the order the server writes them:
//
//	User              UserId, SID, EmailAddress, UserName, Name
//	Token             access_token, expires_in, token_type, scope
//	ManagedAccount    PlatformID, SystemId, SystemName, DomainName, AccountId, AccountName,
//	                  InstanceName, UserPrincipalName, ApplicationID, ApplicationDisplayName,
//	                  DefaultReleaseDuration, MaximumReleaseDuration, LastChangeDate,
//	                  NextChangeDate, IsChanging, ChangeState, IsISAAccess, PreferredNodeID,
//	                  AccountDescription
//	AccessLevel       AccessLevelID, Name
//	Request           RequestID, SystemID, SystemName, AccountID, AccountName, DomainName,
//	                  AliasID, ApplicationID, RequestReleaseDate, ApprovedDate, ExpiresDate,
//	                  Status, AccessType, Reason
//	SSHTicket         ID, Ticket, Host, Port, TicketAtHost, Link, Command, SessionID, NodeID
//	RDPTicket         ID, Ticket, Host, Port, SessionID, NodeID
//	Session           SessionID, UserID, NodeID, Status, ArchiveStatus, Protocol, StartTime,
//	                  EndTime, Duration, AssetName, ManagedSystemID, ManagedAccountID,
//	                  ManagedAccountName, RecordKey, Token, RequestID, ApplicationID, SessionType
//	Replay            id, token, ticket
//	ReplayState       tstamp, end, offset, next, speed, eof, duration
//	Alias             AliasID, AliasName, AliasState, SystemId, SystemName, AccountId,
//	                  AccountName, DomainName, InstanceName, DefaultReleaseDuration,
//	                  MaximumReleaseDuration, LastChangeDate, NextChangeDate, IsChanging,
//	                  ChangeState, MappedAccounts [MappedAccount]
//	MappedAccount     AliasID, ManagedSystemID, ManagedAccountID, Status
//	AliasCredentials  AliasID, AliasName, SystemId, SystemName, AccountId, AccountName,
//	                  DomainName, Password, PrivateKey, Passphrase
//	ISACredential     Credentials
//	RequestSet        RequestSetID, Requests [SetRequest]
//	SetRequest        RequestID, SystemID, SystemName, AccountID, AccountName, DomainName,
//	                  AliasID, ApplicationID, RequestReleaseDate, ApprovedDate, ExpiresDate,
//	                  Status, AccessType, Reason, RequestorName, CanceledDate
//	AccessPolicy      AccessPolicyID, Name, Description, Schedules [Schedule]
//	Schedule          ScheduleID, RequireReason, RequireTicketSystem, TicketSystemID,
//	                  AccessTypes [ScheduleAccess]
//	ScheduleAccess    AccessType, IsSession, RecordSession, MinApprovers, MaxConcurrent
//	Node              NodeID, HostName, DisplayName, LastHeartbeat, IsActive
//	Version           Version
//
// # Recording your own vault
//
// The third way to test: record your code's calls to your own Password
// Safe once, then replay them offline for good. RecordedClient does both:
//
//	func TestBackup(t *testing.T) {
//		client := passwordsafetest.RecordedClient(t, "testdata/backup")
//		if err := backup(context.Background(), client); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// Record once (and again whenever the code's calls change), against the
// vault, acting as a user its policies auto-approve:
//
//	PS_RECORD=1 PS_URL=https://vault.example.com PS_API_KEY=... PS_RUNAS=svc-backup \
//		PS_RUNAS_PASSWORD=... go test -run '^TestBackup$' .
//
// (PS_RUNAS_PASSWORD only when the API registration asks for it;
// PS_OAUTH_CLIENT_ID and PS_OAUTH_CLIENT_SECRET instead of PS_API_KEY and
// PS_RUNAS to sign in with OAuth.) Commit testdata/backup. From then on,
// go test replays it: no vault, no network, no credentials. The test fails
// if the code makes a call that was not recorded, or more often, or with
// another body (a changed Reason), or leaves a recorded call unmade:
// record anew. To record anew, run the command
// again; the Recorder replaces the old files.
//
// Underneath are two RoundTrippers, for flows RecordedClient does not
// cover (several users, a client built your own way, a match relaxed with
// IgnoreFields): NewRecorder(dir, next) sends calls on through next and
// writes each to dir; NewReplayer(dir, opts...) answers them from there.
// Share one between the clients of a flow (a requestor and an approver),
// and give the replaying clients any base URL with the recorded base path.
//
// Nothing secret is ever written, in any form, whatever the content type.
// The Recorder replaces each secret by a stable placeholder,
// "recorded-<kind>-<n>" (the n-th distinct value of its kind, the same in
// every file, so a replayed credential is never empty). It finds secrets by
// meaning:
//
//   - Authorization headers: the PS-Auth key, pwd=[...] and challenge= (the
//     run-as user is kept), Bearer tokens, Basic credentials;
//   - every Cookie value and Set-Cookie value (Set-Cookie loses its
//     Domain, so a replay works at any host);
//   - the whole of any 2xx answer of a credential route (a path with a
//     Credentials or ISARequests segment: GET Credentials/{id}, POST
//     ISARequests, GET Aliases/{id}/Credentials/{id}) that is not a JSON
//     object or list, whatever its content type: a JSON string, a JSON
//     number (a password of digits), text/plain;
//   - the content of a Secrets Safe file (GET
//     Secrets-Safe/Secrets/{id}/file/download), and every part of a
//     multipart upload under Secrets-Safe/ that is not JSON;
//   - in JSON bodies sent and answered, in forms and in queries, every
//     value (a number too) at any depth under a field named Password (or
//     ending in it: NewPassword), Pwd, Credential(s), PrivateKey,
//     Passphrase, Secret, ClientSecret or client_secret, ApiKey,
//     access_token, refresh_token or id_token, and under Secrets-Safe/,
//     Text.
//
// Bodies are read decoded: one sent gzip-compressed is kept decompressed
// (and compressed again on replay). Then every secret it knows, of four
// characters or more (and each line of 16 or more of a private key), is
// replaced wherever else it turns up in a file: the path (so in no file
// name either), the query, the headers kept, every value of a JSON body,
// text, the bytes of a binary body; raw or in any escaped form (JSON, .NET
// escapes such as \u0022, \/, percent escapes in either case, form
// escapes, HTML entities, base64 in either alphabet), as Latin-1, across
// terminal colour codes and CRLF line ends. A secret learnt late (a
// password fetched after an error page echoed it) is scrubbed, by the call
// that teaches it, from the files written before, which are renamed when
// their names change.
//
// Of the answer's headers, only Content-Type, Content-Encoding,
// Content-Disposition, Retry-After, Allow, WWW-Authenticate,
// WWW-Authenticate-2FA and Set-Cookie are kept; the host is never written.
// Session tickets, replay tokens and record keys are kept: they are
// one-use handles, not credentials.
//
// A recording is a directory of files NNNN-METHOD-path.json, one call
// each, in order. Each holds an object: "request" with "method", "path"
// (without the host), "query", "header" (Authorization, Cookie,
// Content-Type and Content-Encoding, scrubbed) and the body sent;
// "response" with "status", "header" and the answer. A body is "body"
// (JSON), "text" (other UTF-8 text) or "base64" (anything else: images, a
// Latin-1 page, a terminal with colours), with "gzip": true when it was
// sent gzip-compressed. The fixtures are files of the same form.
//
// A Replayer answers a call with the recorded answer for the same method,
// path (case-insensitive, as the server's paths are), query (in any order)
// and body: JSON bodies compare as JSON (order and spacing aside; null, ""
// and a missing field alike), forms by parameter, multipart uploads part
// by part; a placeholder, or one of this fake's random values (32 or more
// lower-case letters and digits), matches any value. A call whose body
// differs fails with the differences ("Reason: recorded "nightly backup",
// sent "weekly backup""), never showing a secret field's value; the
// bodies of sign-in calls are not compared. IgnoreFields("Reason") leaves
// fields out, IgnoreBodies() compares no body. A call made several times
// gets its answers in the recorded order, so a wait that saw 4034 twice
// before the password sees the same.
//
// # Adding an endpoint
//
// Write a handler, func (s *Server) x(c *call) reply, with an "API:" line
// in its doc comment naming the call, and add it to routeTable. Handlers
// run under the server's lock, find the caller in c.user and the time in
// c.now, and answer with jsonReply, errorReply, codeReply or noContent.
// Then give it a fixture: one entry in fixtureTable (fixtures.go), a line
// under "Recorded answers" above, and
// go test ./passwordsafetest -run TestFixtures -update to record it.
package passwordsafetest
