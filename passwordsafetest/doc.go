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
// sign-in and bearer tokens (see "Newer endpoints" and "Sign-in extras");
// and Secrets Safe: safes, folders and credential, text and file secrets
// (see "Secrets Safe").
// and the inventory: managed systems, assets, workgroups, databases,
// platforms, functional accounts, users, user groups, Smart Rules, and the
// administrator's managed account calls (see "Inventory").
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
//	9   reviewer     Active Session Reviewer                -
//
// The OAuth client (DefaultOAuthClientID, DefaultOAuthClientSecret) acts
// as requestor. The API key is DefaultAPIKey. Each has the shape of a real
// one (a 128-character key, a GUID client ID, a 50-character secret), as
// clients that check them before calling expect; WithOAuthClient refuses a
// client that has not. In Secrets Safe, requestor may read and write
// (SecretsReadWrite), auditor only read (SecretsRead), admin do anything
// (Administrators hold Full control); the others have no Secrets Safe
// permission (403).
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
// One live session, LiveSessionID (7000): reqapprover's SSH session as
// postgres on db02, in progress since 90 seconds before the fake started.
// Its replay shows a shell whose clock is the replay's position, so at the
// live edge the screen changes with every second of the fake's clock: a
// Watch of it yields a new frame after each Advance. Administrators,
// auditors, ISAs and reviewer see it; reviewer may watch, lock and
// terminate it.
//
// Secrets Safe (IDs are the SafeProdID... constants; new ones are numbered
// after them, so recordings do not change from run to run):
//
//	Safe "prod"            everyone with a Secrets Safe permission
//	  prod/db              url (Text: DefaultSecretURL), postgres (Credential,
//	                       user postgres, random password), client-cert
//	                       (File client.p12: DefaultSecretFile, every byte value)
//	  prod/web             (empty)
//	Safe "dev"             members: admin
//	  dev/sandbox          token (Text)
//
// Inventory (see "Inventory"):
//
//	Workgroups          1 BeyondTrust Workgroup (every system), 2 Lab
//	Assets              1-6: one per system, same ID and name; 7 lab-printer (Lab, 10.30.0.7, no system)
//	Databases           1 orders on db01 (PostgreSQL, PlatformID 20, port 5432), not managed
//	Platforms           1 Windows, 2 Linux, 10 Generic Platform, 20 PostgreSQL, 25 Active Directory
//	Functional account  1 svc-rotate (Linux), auto-manages web01 and db01
//	Smart Rules         1 All Managed Systems, 2 Linux Accounts, 3 Lab Assets
//	User groups         1 Administrators (admin), 2 Auditors (auditor), 3 Requestors (requestor,
//	                    reqapprover, secured), 4 Approvers, 5 ISA, 6 Incident Response (quarantine)
//	TOTP                web01/root, secret DefaultTOTPSecret
//
// Request IDs count from 1001, session IDs from 7001. The session proxy
// answers on ports 4422 (SSH) and 4489 (RDP) at the host the client called.
//
// # How a seed combines with the default seed
//
// Seed options (WithSeed, WithSeedFile, WithUser, WithSystem, WithAccount,
// WithManagedAccount, WithAlias, WithRecordedSession, WithNode,
// WithSafeSecret) add up,
// in order. Then:
//
//   - The default users are always there, unless a seeded user has the
//     same name (it replaces the default one).
//   - The default systems, accounts and aliases are there only when the
//     test seeds no system and no account of its own; a test that seeds
//     accounts sees exactly its accounts. Seeded aliases and sessions are
//     added either way (aliases may map default accounts).
//   - The default live session is there only with the default inventory,
//     and only when the test seeds no session of its own.
//   - The fake's own node (NodeID) is always there, even WithoutDefaults;
//     the default inactive node only when the test seeds no node.
//   - The default safes, folders and secrets are there only when the test
//     seeds none of its own. A folder or a safe that a seeded folder or
//     secret names, but the seed does not list, is created.
//   - The default workgroups, assets, databases, functional account and
//     TOTP secret come with the default systems; the default Smart Rules
//     and user groups come together, unless the test seeds either; the
//     default platforms are always there (a seeded platform of the same ID
//     replaces one).
//   - WithoutDefaults (or "noDefaults": true in a seed file) starts from
//     nothing: only what the seed says.
//   - IDs left 0 are given the next free number (sessions: from 7001);
//     passwords left empty are random; systems that accounts name but the
//     seed does not list are created as Linux systems.
//
// A seed that contradicts itself (a user or account seeded twice, an alias
// or session naming an unknown account, an approver who is not a user, an
// unknown role or access type) fails NewServer, or is Start's error.
//
// # The seed file
//
// A JSON seed file holds a Seed; the names are those of the json tags of
// Seed, User, System, Account, Policy, Alias, AccountRef,
// RecordedSession, ScreenFrame, Node, Safe, Folder, SafeSecret and the
// inventory's Workgroup, Asset, Database, Platform, FunctionalAccount,
// SmartRule, UserGroup and AccountTOTP ("nodes", a session's "id" and
// "frames", "safes", "folders", "secrets", a user's "secretsSafe" and the
// inventory joined version 1 later, as optional fields: older files still
// read; a File secret's "content" is base64). "version" is required and must
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
//	                "durationSeconds": 120, "screen": "text a replay shows"},
//	               {"id": 7100, "user": "ci-bot", "system": "pg-prod", "account": "postgres", "live": true,
//	                "frames": [{"atSeconds": 0, "screen": "$ "}, {"atSeconds": 5, "screen": "$ psql\n"}]}],
//	  "nodes":    [{"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "hostName": "ps-eu", "displayName": "EU proxy"},
//	               {"hostName": "ps-old", "inactive": true, "lastHeartbeat": "2026-01-02T03:04:05Z"}],
//	  "safes":    [{"name": "payments", "members": ["ci-bot"]}],
//	  "folders":  [{"path": "payments/db", "description": "optional"}],
//	  "secrets":  [{"path": "payments/db/dsn", "type": "Text", "text": "postgres://..."},
//	               {"path": "payments/db/admin", "username": "dba", "password": "optional"},
//	               {"path": "payments/db/ca.pem", "type": "File", "content": "LS0tLS1CRUdJTi..."}]
//	  "workgroups": [{"name": "Databases", "organizationId": "0f1e2d3c-..."}],
//	  "assets":     [{"name": "pg-host", "workgroup": "Databases", "ipAddress": "10.1.0.5"}],
//	  "databases":  [{"asset": "pg-host", "platformId": 20, "instance": "main", "port": 5432, "system": "pg-prod"}],
//	  "platforms":  [{"id": 20, "name": "PostgreSQL", "entityTypeId": 2, "defaultPort": 5432}],
//	  "functionalAccounts": [{"platformId": 2, "accountName": "svc-rotate", "systems": ["bastion"]}],
//	  "smartRules": [{"title": "Production databases", "type": "ManagedAccount"}],
//	  "userGroups": [{"name": "DBAs", "members": ["oncall"], "smartRules": ["Production databases"]}],
//	  "totp":       [{"system": "bastion", "account": "deploy", "secret": "JBSWY3DPEHPK3PXP"}]
//	}
//
// Roles are Requestor, Approver, Administrators (or admin), Auditor, ISA,
// Quarantine (the "Password Safe API Global Quarantine" permission) and
// Active Session Reviewer (or ActiveSessionReviewer), case-insensitive. A
// user's "secretsSafe" is Read, ReadWrite, Manage or FullControl. Access types are View, SSH, RDP and App. System types
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
//	queued := srv.Next("POST", "Requests").Queue()       // processed at queued.Release(), client or no client
//
// Hold drops a call whose client went away meanwhile; Queue processes it
// all the same, as a busy server does after the client's deadline: the way
// to test that code copes with a request it never heard of.
//
// Calls, CallLog and WaitForCalls show what arrived (faulted calls too),
// without credentials.
//
// # The clock
//
// Every date comes from the fake's clock: the wall clock plus what Advance
// added, or, with WithTime, a stopped clock that only Advance moves;
// WithClockSkew sets it ahead or behind the wall clock, as a server whose
// clock is off. What
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
// and Secrets Safe like 2026-11-23T04:39:10.53Z, aliases and managed accounts like
// 2026-11-23T04:39:10; dates not set are null.
//
// # Newer endpoints
//
// Where the reference leaves a shape open, the handler's doc comment says
// what the fake chose. In short:
//
//   - POST ISARequests (ISA role or Administrators): an active View
//     request (RequestInfo.ISA) and 201 {"Credentials": "..."}, the
//     reference's shape; WithISACredentialsAsString answers the bare JSON
//     string the vendor's .NET client reads instead.
//   - POST ISASessions (ISA role or Administrators): an active ISA request
//     of the session's access type and a session of it, answered as POST
//     Requests/{id}/Sessions answers.
//   - GET RequestSets (Requestor, Approver, Administrators or ISA) and POST
//     RequestSets (Requestor or ISA): one ordinary request per access type, all
//     with one RequestSetID (RequestInfo.RequestSetID); POST answers 201
//     with the set.
//   - POST AccessPolicies/Test (Requestor): the account's seeded Policy as
//     one policy with one schedule (RequireReason, RequireTicketSystem from
//     RequireReason and RequireTicket), [] past the maximum release.
//   - POST ManagedAccounts|ManagedSystems|Users/{id}/Requests/Terminate and
//     POST ManagedSystems|ManagedAccounts/{id}/Sessions/Lock|Terminate
//     (the Quarantine role or Administrators, else 403 4031; unknown IDs
//     404): 204, or with ?feedback=true 200 and a JSON report of what was
//     ended, of the fake's own shape (no reference shows one). They end
//     active requests only, as the reference says (pending ones stay);
//     ended requests are StatusTerminated, with TerminatedBy and TerminateReason;
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
// # Secrets Safe
//
// The Secrets Safe routes under Secrets-Safe/ (Secrets, Folders, Safes),
// with the reference's limits (titles 1–256 characters, text 1–4096, files
// 1 byte to 5 MB, ...) and permissions: Secrets Safe Read to read,
// Read/Write to create, change, share, move and delete secrets and folders,
// Manage to change a safe, Full control to create and delete one (403
// without). A user sees the safes that name it a member (or name none) and
// what is in them; the rest answers 404, as unknown IDs do. What the
// reference leaves open, the handlers' doc comments say; in short:
//
//   - GET Secrets reads path as the folder and those below it, and title
//     as a part of the title, both without regard to case, so a client
//     checks what it gets; 200 [] when nothing matches. The values are in
//     unless decrypt=false; a Text secret's text is in Password there (and
//     in GET Secrets/{id}), where the vendor's clients read it, and in Text
//     in GET Secrets/{id}/text. From ?version=3.2 lists are wrapped as
//     {"TotalCount", "Data"} and secrets have SecretValueModifiedOn.
//   - Owners follow the version: 3.0 writes and reads OwnerId, OwnerType
//     ("User" with a list of Owners of OwnerId, or "Group" with the group's
//     OwnerId); 3.1 and later Owners of GroupId and UserId. The other
//     version's shape is refused (400), so a client that sends the wrong
//     one finds out. No owner means the caller.
//   - File secrets are multipart/form-data (the parts secretmetadata and
//     file, as the reference says) and download byte for byte as
//     application/octet-stream.
//   - Titles are unique in a folder, names among a folder's folders and
//     among safes (409); a seed may break the rule, to test a client's
//     handling of two secrets at one path. The move calls apply
//     DuplicateNameAction: Stop (409), Rename ("title (1)") or Skip.
//   - Deleting a folder or a safe deletes what is in it.
//
// Safes, Folders, Secrets and StoredSecret show what a test did:
//
//	client := srv.Client(t, "requestor")
//	err := deploy(ctx, client) // the code under test stores a secret
//	if s, ok := srv.StoredSecret("prod/web/api-key"); !ok || s.Text != "..." {
//		t.Errorf("stored %+v", s)
//	}
//
// # Inventory
//
// What turns the names a user knows into IDs, and what an administrator
// onboards systems with: GET ManagedSystems (?type=, ?name=), by ID, by
// asset, database, workgroup or functional account, created on an asset,
// a database or in a workgroup, updated and deleted; Platforms and
// FunctionalAccounts; Workgroups (?name=) and their Assets (by workgroup
// ID or name, ?name=), POST Assets/Search, assets created, updated and
// deleted, Databases; Users (?username=), their groups, UserGroups
// (?name=), their members and Smart Rules, SmartRules (?type=, ?title=),
// Roles (the fixed list of Password Safe roles); and on managed accounts: every account of a system, one by ID, create,
// update, delete, PUT .../Credentials, POST .../Credentials/Change and
// GET .../Credentials?type=totp.
//
// The roles stand for the feature permissions the calls need:
//
//	Password Safe System Management (Read)   Administrators, Auditor, Quarantine
//	Password Safe Account Management (Read)  Administrators, Auditor, Quarantine
//	User Accounts Management (Read)          Administrators, Auditor, Quarantine
//	Asset Management (Read)                  Administrators, Auditor
//	Smart Rules                              Administrators and Auditor all; others those of their groups
//	Password Safe Role Management (Read)     Administrators, Auditor (GET Roles)
//	every create, update and delete          Administrators (setting a credential: the ISA role too)
//	the TOTP code                            Administrators, ISA, or an active request for the account
//
// so the auditor lists a system's accounts and the incident responder
// finds the system and the user to act on, where requestable accounts
// (GET ManagedAccounts) show them nothing. Anyone else gets 403 "4031 -
// ...", naming the permission.
//
// Where the reference leaves the wire open the fake chose, and the
// handler's doc comment says so: lists answer a bare array, or with
// ?limit= the {"TotalCount": N, "Data": [...]} page; GET Workgroups?name=,
// UserGroups?name=, SmartRules?title= and Workgroups/{name}/Assets?name=
// answer one object (404 when there is none), GET Users?username= and
// ManagedSystems?name= a list; create calls answer 201 and the object,
// deletes 200 with no body; bodies with an unknown field are refused
// (400), so a misspelt field shows. The TOTP code is a JSON string,
// computed (RFC 6238) from the account's seeded secret by the fake's clock:
// TOTPCode tells a test what it is. State accessors: Workgroups, Assets,
// SystemLinks (where a system lives), CredentialChanges (who set or
// changed which account's credential, never the value), Password.
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
//     Auth/Signout: 200, no body, also without a session.
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
// terminates, and checks the request in. Then the auditor and the incident
// responder find systems, assets, workgroups and users by name, and admin
// creates workgroup 3 DMZ, asset 8 gw01 in it, makes it managed system 7
// with managed account 62 svc, sets and changes its credential, and
// deletes them. Every call gets the same answer,
// whatever IDs it names. Each fixture is one file, fixtures/<name>.json,
// in the format of a recording (see "Recording your own vault").
//
// The Secrets Safe fixtures tell another: requestor finds prod/db/url
// ("recorded-password-4": a Text secret's value comes in Password there),
// lists, creates the folder prod/fixtures and a secret of each type in it,
// reads, downloads, updates, shares, moves and deletes them; admin
// creates, updates and deletes a safe.
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
//	secrets_find               GET Secrets-Safe/Secrets?path=&title=&decrypt= 200 [Secret]
//	secrets_find_none          GET Secrets-Safe/Secrets?path=&title=&decrypt= 200 []
//	secrets_list               GET Secrets-Safe/Secrets                200 [Secret]
//	secrets_list_paged         GET Secrets-Safe/Secrets?version=&limit= 200 SecretsPage
//	secrets_get                GET Secrets-Safe/Secrets/{id}           200 Secret
//	secrets_get_text           GET Secrets-Safe/Secrets/{id}/text      200 Secret
//	secrets_get_file           GET Secrets-Safe/Secrets/{id}/file      200 Secret
//	secrets_file_download      GET Secrets-Safe/Secrets/{id}/file/download 200 text (application/octet-stream)
//	secrets_create_credential  POST Secrets-Safe/Folders/{id}/secrets  201 Secret
//	secrets_create_text        POST Secrets-Safe/Folders/{id}/secrets/text 201 Secret
//	secrets_create_file        POST Secrets-Safe/Folders/{id}/secrets/file 201 Secret
//	secrets_update_credential  PUT Secrets-Safe/Secrets/{id}           204 empty
//	secrets_update_text        PUT Secrets-Safe/Secrets/{id}/text      204 empty
//	secrets_update_file        PUT Secrets-Safe/Secrets/{id}/file      204 empty
//	secrets_delete             DELETE Secrets-Safe/Secrets/{id}        204 empty
//	secrets_share              POST Secrets-Safe/Secrets/{id}/shares/{id} 201 SecretShare
//	secrets_shares             GET Secrets-Safe/Secrets/{id}/shares    200 [SecretShare]
//	secrets_unshare            DELETE Secrets-Safe/Secrets/{id}/shares/{id} 204 empty
//	secrets_unshare_all        DELETE Secrets-Safe/Secrets/{id}/shares 204 empty
//	secrets_move               PUT Secrets-Safe/Secrets/move           200 SecretsMoved
//	folders_list               GET Secrets-Safe/Folders                200 [Folder]
//	folders_find               GET Secrets-Safe/Folders?folderPath=&includeSubfolders= 200 [Folder]
//	folders_get                GET Secrets-Safe/Folders/{id}           200 Folder
//	folders_create             POST Secrets-Safe/Folders               201 Folder
//	folders_create_shared      POST Secrets-Safe/Folders               201 Folder
//	folders_update             PUT Secrets-Safe/Folders/{id}           200 Folder
//	folders_move               PUT Secrets-Safe/Folders/{id}/move      200 Folder
//	folders_delete             DELETE Secrets-Safe/Folders/{id}        204 empty
//	folders_secrets            GET Secrets-Safe/Folders/{id}/secrets   200 [Secret]
//	safes_list                 GET Secrets-Safe/Safes                  200 [Safe]
//	safes_get                  GET Secrets-Safe/Safes/{id}             200 Safe
//	safes_create               POST Secrets-Safe/Safes                 201 Safe
//	safes_update               PUT Secrets-Safe/Safes/{id}             204 empty
//	safes_delete               DELETE Secrets-Safe/Safes/{id}          204 empty
//	error_403_secrets          GET Secrets-Safe/Secrets                403 "User does not have permission to do this: it needs Secrets Safe (Read)."
//	managed_systems_list       GET ManagedSystems                      200 [ManagedSystem]
//	managed_systems_find       GET ManagedSystems?name=                200 [ManagedSystem]
//	managed_systems_get        GET ManagedSystems/1                    200 ManagedSystem
//	managed_systems_by_asset   GET Assets/1/ManagedSystems             200 ManagedSystem
//	managed_systems_by_workgroup GET Workgroups/1/ManagedSystems         200 [ManagedSystem]
//	managed_systems_by_functional_account GET FunctionalAccounts/1/ManagedSystems 200 [ManagedSystem]
//	platforms_list             GET Platforms                           200 [Platform]
//	platforms_get              GET Platforms/2                         200 Platform
//	functional_accounts_list   GET FunctionalAccounts                  200 [FunctionalAccount]
//	functional_accounts_get    GET FunctionalAccounts/1                200 FunctionalAccount
//	workgroups_list            GET Workgroups                          200 [Workgroup]
//	workgroups_find            GET Workgroups?name=                    200 Workgroup
//	workgroups_get             GET Workgroups/2                        200 Workgroup
//	assets_by_workgroup        GET Workgroups/1/Assets                 200 [Asset]
//	assets_find                GET Workgroups/Lab/Assets?name=         200 Asset
//	assets_get                 GET Assets/7                            200 Asset
//	assets_search              POST Assets/Search                      200 [Asset]
//	databases_list             GET Databases                           200 [Database]
//	databases_get              GET Databases/1                         200 Database
//	databases_by_asset         GET Assets/2/Databases                  200 [Database]
//	users_list                 GET Users                               200 [UserAccount]
//	users_find                 GET Users?username=                     200 [UserAccount]
//	users_get                  GET Users/1                             200 UserAccount
//	users_groups               GET Users/4/UserGroups                  200 [UserGroup]
//	user_groups_list           GET UserGroups                          200 [UserGroup]
//	user_groups_find           GET UserGroups?name=                    200 UserGroup
//	user_groups_get            GET UserGroups/2                        200 UserGroup
//	user_groups_members        GET UserGroups/3/Users                  200 [UserAccount]
//	user_groups_smart_rules    GET UserGroups/3/SmartRules             200 [SmartRule]
//	smart_rules_list           GET SmartRules                          200 [SmartRule]
//	smart_rules_find           GET SmartRules?title=                   200 SmartRule
//	smart_rules_get            GET SmartRules/2                        200 SmartRule
//	roles_list                 GET Roles                               200 [Role]
//	managed_accounts_by_system GET ManagedSystems/2/ManagedAccounts    200 [ManagedAccountDetails]
//	managed_accounts_get_by_id GET ManagedAccounts/21                  200 ManagedAccountDetails
//	managed_accounts_totp      GET ManagedAccounts/11/Credentials?type= 200 "recorded-password-8"
//	workgroups_create          POST Workgroups                         201 Workgroup
//	assets_create              POST Workgroups/3/Assets                201 Asset
//	assets_update              PUT Assets/8                            200 Asset
//	managed_systems_create_on_asset POST Assets/8/ManagedSystems            201 ManagedSystem
//	managed_systems_update     PUT ManagedSystems/7                    200 ManagedSystem
//	managed_systems_create_on_workgroup POST Workgroups/3/ManagedSystems        201 ManagedSystem
//	managed_systems_create_on_database POST Databases/1/ManagedSystems         201 ManagedSystem
//	managed_systems_by_database GET Databases/1/ManagedSystems          200 ManagedSystem
//	managed_accounts_create    POST ManagedSystems/7/ManagedAccounts   201 ManagedAccountDetails
//	managed_accounts_update    PUT ManagedAccounts/62                  200 ManagedAccountDetails
//	managed_accounts_set_credentials PUT ManagedAccounts/62/Credentials      204 empty
//	managed_accounts_change_credentials POST ManagedAccounts/62/Credentials/Change 204 empty
//	managed_accounts_delete    DELETE ManagedAccounts/62               200 empty
//	managed_systems_delete     DELETE ManagedSystems/8                 200 empty
//	assets_delete              DELETE Assets/8                         200 empty
//	error_4031                 GET ManagedSystems                      403 "4031 - User does not have permission to use this API. It needs Password Safe System Management (Read)."
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
//	Secret            Id, Title, Description, FolderId, FolderPath, SecretType, Username,
//	                  Password, Text, FileName, Notes, Urls, OwnerId, OwnerType, Owner,
//	                  Owners [SecretOwner], PasswordRuleID, CreatedOn, CreatedBy,
//	                  ModifiedOn, ModifiedBy
//	SecretOwner       OwnerId, Owner, Email
//	SecretsPage       TotalCount, Data [SecretLatest]
//	SecretLatest      Id, Title, Description, FolderId, FolderPath, SecretType, Username,
//	                  Password, Text, FileName, Notes, Urls, Owners [OwnerLatest],
//	                  PasswordRuleID, CreatedOn, CreatedBy, ModifiedOn, ModifiedBy,
//	                  SecretValueModifiedOn
//	OwnerLatest       GroupId, UserId, Name, Email
//	SecretShare       Id, SecretId, FolderId, FolderPath
//	SecretsMoved      Moved, Renamed, Skipped
//	Folder            Id, Name, Description, ParentId, UserGroupId
//	Safe              Id, Name, Description
//	ManagedSystem     ManagedSystemID, EntityTypeID, AssetID, DatabaseID, DirectoryID, CloudID, WorkgroupID,
//	                  HostName, DnsName, IPAddress, InstanceName, IsDefaultInstance, Template, ForestName,
//	                  UseSSL, OracleInternetDirectoryID, OracleInternetDirectoryServiceName, SystemName,
//	                  PlatformID, NetBiosName, Port, Timeout, Description, ContactEmail, PasswordRuleID,
//	                  DSSKeyRuleID, ReleaseDuration, MaxReleaseDuration, ISAReleaseDuration,
//	                  AutoManagementFlag, FunctionalAccountID, LoginAccountID, ElevationCommand,
//	                  SshKeyEnforcementMode, CheckPasswordFlag, ChangePasswordAfterAnyReleaseFlag,
//	                  ResetPasswordOnMismatchFlag, ChangeFrequencyType, ChangeFrequencyDays, ChangeTime,
//	                  AccountNameFormat, RemoteClientType, ApplicationHostID, IsApplicationHost, AccessURL
//	Platform          PlatformID, Name, ShortName, PortFlag, DefaultPort, SupportsElevationFlag,
//	                  DomainNameFlag, AutoManagementFlag, DSSAutoManagementFlag, ManageableFlag, DSSFlag,
//	                  LoginAccountFlag, DefaultSessionType, ApplicationHostFlag, RequiresApplicationHost,
//	                  RequiresTenantID, RequiresObjectID, RequiresSecret
//	FunctionalAccount FunctionalAccountID, PlatformID, DomainName, AccountName, DisplayName, Description,
//	                  ElevationCommand, SystemReferenceCount, TenantID, ObjectID, AzureInstance
//	Workgroup         ID, OrganizationID, Name
//	Asset             WorkgroupID, AssetID, AssetName, AssetType, DnsName, DomainName, IPAddress, MacAddress,
//	                  OperatingSystem, CreateDate, LastUpdateDate, Description
//	Database          AssetID, DatabaseID, PlatformID, InstanceName, IsDefaultInstance, Port, Version,
//	                  Template
//	UserAccount       UserID, UserName, DomainName, DistinguishedName, FirstName, LastName, EmailAddress,
//	                  LastLoginDate, LastLoginAuthenticationType, LastLoginConfigurationName,
//	                  LastLoginSAMLIDPURL, LastLoginSSOURL, IsQuarantined, IsActive, ClientID, ClientSecret,
//	                  AccessPolicyID, UserType
//	UserGroup         GroupID, Name, Description, DistinguishedName, GroupType, AccountAttribute,
//	                  MembershipAttribute, IsActive, ApplicationRegistrationIDs
//	SmartRule         SmartRuleID, OrganizationID, Title, Description, Category, Status, LastProcessedDate,
//	                  IsReadOnly, RuleType
//	Role              RoleID, Name
//	ManagedAccountDetails ManagedAccountID, ManagedSystemID, DomainName, AccountName, DistinguishedName,
//	                      PasswordFallbackFlag, UserPrincipalName, SAMAccountName, LoginAccountFlag, Description,
//	                      PasswordRuleID, ApiEnabled, ReleaseNotificationEmail, ChangeServicesFlag,
//	                      RestartServicesFlag, ChangeTasksFlag, ReleaseDuration, MaxReleaseDuration,
//	                      ISAReleaseDuration, MaxConcurrentRequests, AutoManagementFlag, DSSAutoManagementFlag,
//	                      CheckPasswordFlag, ResetPasswordOnMismatchFlag, ChangePasswordAfterAnyReleaseFlag,
//	                      ChangeFrequencyType, ChangeFrequencyDays, ChangeTime, ParentAccountID,
//	                      IsSubscribedAccount, LastChangeDate, NextChangeDate, IsChanging, ChangeState,
//	                      UseOwnCredentials, WorkgroupID, ChangeIISAppPoolFlag, RestartIISAppPoolFlag,
//	                      ChangeWindowsAutoLogonFlag, ChangeComPlusFlag, ChangeDComFlag, ChangeSComFlag, ObjectID
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
// # Serving other programs
//
// Start serves a fake for a program rather than a test (examples/fakeserver
// is one: a command that adds a control API for tests in other languages).
// WithTLS serves HTTPS with a certificate made for 127.0.0.1, ::1,
// localhost, the address the fake listens on and the WithAllowedHosts
// names; Certificate returns it, to write where other clients can trust
// it. WithAllowedHosts refuses calls whose Host header names another host
// (421), so that a web page cannot reach a fake on this machine through
// DNS rebinding; IP addresses and localhost are always served.
//
// # Vendor-compatibility notes
//
// What a real Password Safe does that the fake, as of this version, does
// not, or does its own way (each handler's doc comment names the reference
// page or vendor client that settled what it does):
//
//   - Roles are global: a seeded user holds each role for every account,
//     where the server grants them per Smart Rule (and Enable for API
//     Access, dedicated accounts and API-registration rules such as source
//     addresses do not exist).
//   - An access policy is one schedule that is always open; there are no
//     time windows, MaxConcurrent limits or several policies per account.
//     Two users may hold the same account at once: a 409 conflict is only
//     a user's own open request for the account (the reference says "this
//     user or another user").
//   - Password changes happen at once, where a server queues them (a
//     rotation after check-in takes a while, IsChanging and ChangeState
//     stay false).
//   - Sessions go through no proxy: a ticket names ports 4422 and 4489 but
//     nothing listens there. Replays show a generated transcript or seeded
//     frames, and RDP snapshots are drawings.
//   - Only the Active Session Reviewer of the newer session roles is
//     modelled; which replays it may start (live sessions only) is the
//     fake's choice, since no reference page names a replay permission.
//     The Recorded Session Reviewer and Password Safe Admin Session
//     Reviewer roles are not.
//   - A second approval of a pending request by the same approver answers
//     4036 in the fake's own words; the ?feedback=true reports of the
//     terminate and lock calls have the fake's own shape; the POST
//     RequestSets answer is the shape the vendor's .NET client reads.
//   - Messages other than the reference's reason-code texts are the fake's
//     wording, and every call answers as API version 3.0 except where
//     "API versions" and "Newer endpoints" say otherwise.
//   - Rate limits (429) and server errors happen only when a test asks for
//     them (Next).
package passwordsafetest
