// Package passwordsafetest is a fake BeyondTrust Password Safe (public API
// v3) for tests of code that uses package passwordsafe, as
// net/http/httptest is for net/http. The SDK's own end-to-end tests, its
// quickstart and examples/fakeserver use this same fake.
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
// Next picks the next call(s) to a method and path; the fault acts before
// the fake looks at the call:
//
//	srv.Next("GET", "Requests").Times(2).Fail(http.StatusServiceUnavailable) // answered, not acted on
//	srv.Next("POST", "Requests").FailWith(429, "slow down", http.Header{"Retry-After": {"1"}})
//	srv.Next("POST", "Requests").Drop()       // connection closed before the server acts
//	srv.Next("POST", "Requests").LoseAnswer() // the server acts, the answer is lost
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
// # Adding an endpoint
//
// Write a handler, func (s *Server) x(c *call) reply, with an "API:" line
// in its doc comment naming the call, and add it to routeTable. Handlers
// run under the server's lock, find the caller in c.user and the time in
// c.now, and answer with jsonReply, errorReply, codeReply or noContent.
package passwordsafetest
