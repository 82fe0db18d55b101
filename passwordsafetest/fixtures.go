package passwordsafetest

import (
	"embed"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// fixtureSpec is one recorded answer: the call that records it from the
// fake, and the calls it answers.
type fixtureSpec struct {
	name string // the file fixtures/<name>.json, and the name users give Responder and Body
	as   string // the seeded user who makes the call; "" for a call without a session
	// call is "METHOD path?query" below the base URL. {var} is a value an
	// earlier entry saved; in a route it matches any one path segment.
	call string
	body string // JSON, or a form for Auth/connect/token; {var} as in call
	// when lists the query parameters (comma-separated) a call must carry
	// to get this answer rather than another entry's for the same path;
	// "name=a|b" also asks for one of the values (case-insensitive), which
	// wins over a parameter with any value.
	when string
	// save keeps values of the answer for later entries: "var" the whole
	// answer (a bare number), "var=Field" a field of it; comma-separated.
	save string
	// status is the status the call must answer; 0 for any 2xx. Entries
	// with an error status are not routed (tests name them), unless
	// routed says so: the answer to calls no other entry fits (an unknown
	// name).
	status int
	routed bool
}

// fixtureTable lists the recorded answers, in the order they are recorded
// from the fake (go test ./passwordsafetest -run TestFixtures -update).
// The first entry for a method, path and set of when parameters answers
// those calls; later ones (another session type, a reused request, an
// error) are only reached by name.
//
// Calls by name get the answer for that name: each seeded managed account
// has its entry, and a name no entry knows gets the server's 404.
//
// To cover a new endpoint the fake serves, add one entry here, run the
// command above, and list the new name in the package documentation
// ("Recorded answers"). Tests fail until all three are done, and while
// the fake serves an endpoint no entry covers.
var fixtureTable = []fixtureSpec{
	// Signing in and out.
	{name: "auth_signappin", as: "requestor", call: "POST Auth/SignAppin"},
	{name: "auth_token", call: "POST Auth/connect/token",
		body: "grant_type=client_credentials&client_id={oauthClientID}&client_secret={oauthClientSecret}"},

	// Finding an account.
	{name: "managed_accounts_list", as: "requestor", call: "GET ManagedAccounts"},
	{name: "managed_accounts_get", as: "requestor", call: "GET ManagedAccounts?systemName=web01&accountName=root",
		when: "systemName=web01,accountName=root"},
	{name: "managed_accounts_get_db01", as: "requestor", call: "GET ManagedAccounts?systemName=db01&accountName=postgres",
		when: "systemName=db01,accountName=postgres"},
	{name: "managed_accounts_get_win01", as: "requestor", call: "GET ManagedAccounts?systemName=win01&accountName=Administrator",
		when: "systemName=win01,accountName=Administrator"},
	{name: "managed_accounts_get_app01", as: "requestor", call: `GET ManagedAccounts?systemName=app01&accountName=EXAMPLE\deploy`,
		when: `systemName=app01,accountName=deploy|EXAMPLE\deploy|deploy@example.test`},
	{name: "managed_accounts_get_vault01", as: "requestor", call: "GET ManagedAccounts?systemName=vault01&accountName=breakglass",
		when: "systemName=vault01,accountName=breakglass"},
	{name: "managed_accounts_get_db02", as: "requestor", call: "GET ManagedAccounts?systemName=db02&accountName=postgres",
		when: "systemName=db02,accountName=postgres"},
	{name: "error_404_managed_account", as: "requestor", call: "GET ManagedAccounts?systemName=web01&accountName=nobody",
		when: "systemName,accountName", status: http.StatusNotFound, routed: true},
	{name: "access_levels", as: "admin", call: "GET AccessLevels"},

	// A request, its credential and a session, through to check-in.
	{name: "requests_create", as: "requestor", call: "POST Requests",
		body: `{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30,"Reason":"fixture"}`, save: "request"},
	{name: "requests_create_reused", as: "requestor", call: "POST Requests",
		body: `{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30,"ConflictOption":"reuse"}`},
	{name: "error_409", as: "requestor", call: "POST Requests",
		body: `{"AccessType":"SSH","SystemID":1,"AccountID":11,"DurationMinutes":30}`, status: http.StatusConflict},
	{name: "requests_list", as: "requestor", call: "GET Requests"},
	{name: "credentials", as: "requestor", call: "GET Credentials/{request}"},
	{name: "credentials_dsskey", as: "requestor", call: "GET Credentials/{request}?type=dsskey", when: "type=dsskey"},
	{name: "credentials_passphrase", as: "requestor", call: "GET Credentials/{request}?type=passphrase", when: "type=passphrase"},
	{name: "requests_rotate", as: "requestor", call: "PUT Requests/{request}/RotateOnCheckin"},
	{name: "sessions_create", as: "requestor", call: "POST Requests/{request}/Sessions",
		body: `{"SessionType":"sshticket"}`, save: "session=SessionID"},
	{name: "sessions_list", as: "admin", call: "GET Sessions"},
	{name: "sessions_get", as: "admin", call: "GET Sessions/{session}", save: "token=Token,recordKey=RecordKey"},
	{name: "replay_start", as: "admin", call: "POST pbsm/replay",
		body: `{"id":"{token}","record_key":"{recordKey}","protocol":"SSH","headless":true}`, save: "replay=id"},
	{name: "replay_status", as: "admin", call: "GET pbsm/replay/{replay}"},
	{name: "replay_screen", as: "admin", call: "GET pbsm/replay/{replay}?screen=1", when: "screen"},
	{name: "replay_control", as: "admin", call: "PUT pbsm/replay/{replay}", body: `{"speed":200,"offset":0}`},
	{name: "replay_end", as: "admin", call: "DELETE pbsm/replay/{replay}"},
	{name: "sessions_lock", as: "admin", call: "POST Sessions/{session}/Lock"},
	{name: "sessions_terminate", as: "admin", call: "POST Sessions/{session}/Terminate"},
	{name: "requests_checkin", as: "requestor", call: "PUT Requests/{request}/Checkin", body: `{"Reason":"fixture done"}`},

	// RDP: other ticket shapes, a file, and a snapshot of the replay.
	{name: "requests_create_rdp", as: "requestor", call: "POST Requests",
		body: `{"AccessType":"RDP","SystemID":3,"AccountID":31,"DurationMinutes":30}`, save: "rdpRequest"},
	{name: "sessions_create_rdpticket", as: "requestor", call: "POST Requests/{rdpRequest}/Sessions",
		body: `{"SessionType":"rdpticket"}`, save: "rdpSession=SessionID"},
	{name: "sessions_create_rdpfile", as: "requestor", call: "POST Requests/{rdpRequest}/Sessions",
		body: `{"SessionType":"rdpfile"}`},
	{name: "sessions_get_rdp", as: "admin", call: "GET Sessions/{rdpSession}", save: "rdpToken=Token,rdpRecordKey=RecordKey"},
	{name: "replay_start_rdp", as: "admin", call: "POST pbsm/replay",
		body: `{"id":"{rdpToken}","record_key":"{rdpRecordKey}","protocol":"RDP","headless":true}`, save: "rdpReplay=id"},
	{name: "replay_snapshot_png", as: "admin", call: "GET pbsm/replay/{rdpReplay}?png=16", when: "png"},
	{name: "replay_snapshot_jpeg", as: "admin", call: "GET pbsm/replay/{rdpReplay}?jpeg=16", when: "jpeg"},
	{name: "requests_release", as: "requestor", call: "PUT Requests/Release/{rdpRequest}", body: `{"Reason":"the old spelling of Checkin"}`},
	{name: "sessions_admin", as: "admin", call: "POST Sessions/Admin",
		body: `{"SessionType":"sshticket","HostName":"10.20.0.9","UserName":"root","Password":"Adm1n-fixture-Pa55"}`},

	// Approvals.
	{name: "requests_create_pending", as: "requestor", call: "POST Requests",
		body: `{"AccessType":"View","SystemID":2,"AccountID":21,"DurationMinutes":10,"Reason":"needs approval"}`, save: "pending"},
	{name: "error_4034", as: "requestor", call: "GET Credentials/{pending}", status: http.StatusForbidden},
	{name: "requests_list_approver", as: "approver", call: "GET Requests?queue=app"},
	{name: "requests_approve", as: "approver", call: "PUT Requests/{pending}/Approve", body: `{"Reason":"approved"}`},
	{name: "requests_create_denied", as: "requestor", call: "POST Requests",
		body: `{"AccessType":"View","SystemID":6,"AccountID":61,"DurationMinutes":10}`, save: "denied"},
	{name: "requests_deny", as: "approver", call: "PUT Requests/{denied}/Deny", body: `{"Reason":"not now"}`},

	// Aliases.
	{name: "aliases_list", as: "requestor", call: "GET Aliases"},
	{name: "aliases_get_by_name", as: "requestor", call: "GET Aliases?name=db-ha", when: "name"},
	{name: "aliases_get", as: "requestor", call: "GET Aliases/2"},
	{name: "aliases_request_create", as: "requestor", call: "POST Aliases/1/Requests",
		body: `{"AccessType":"SSH","DurationMinutes":5}`, save: "aliasRequest"},
	{name: "aliases_credentials", as: "requestor", call: "GET Aliases/1/Credentials/{aliasRequest}"},
	{name: "aliases_credentials_dsskey", as: "requestor", call: "GET Aliases/1/Credentials/{aliasRequest}?type=dsskey", when: "type=dsskey"},

	// The ISA role, request sets, policies, nodes and the server's version.
	{name: "isa_requests", as: "isa", call: "POST ISARequests?type=password",
		body: `{"SystemID":1,"AccountID":11,"DurationMinutes":5,"Reason":"fixture"}`},
	{name: "isa_sessions", as: "isa", call: "POST ISASessions",
		body: `{"SessionType":"sshticket","SystemID":1,"AccountID":11,"DurationMinutes":5}`},
	{name: "request_sets_create", as: "requestor", call: "POST RequestSets",
		body: `{"AccessTypes":["View","SSH"],"SystemID":4,"AccountID":41,"DurationMinutes":10,"Reason":"fixture"}`},
	{name: "request_sets_list", as: "requestor", call: "GET RequestSets"},
	{name: "access_policies_test", as: "requestor", call: "POST AccessPolicies/Test",
		body: `{"SystemId":2,"AccountId":21,"DurationMinutes":10}`},
	{name: "nodes_list", as: "admin", call: "GET Nodes"},
	{name: "configuration_version", as: "requestor", call: "GET Configuration/Version"},

	// Incident response: every session, then every request, of an account,
	// a system or a user.
	{name: "sessions_lock_account", as: "quarantine", call: "POST ManagedAccounts/11/Sessions/Lock"},
	{name: "sessions_terminate_account", as: "quarantine", call: "POST ManagedAccounts/11/Sessions/Terminate"},
	{name: "sessions_lock_system", as: "quarantine", call: "POST ManagedSystems/1/Sessions/Lock"},
	{name: "sessions_terminate_system", as: "quarantine", call: "POST ManagedSystems/1/Sessions/Terminate"},
	{name: "requests_terminate_account", as: "quarantine", call: "POST ManagedAccounts/11/Requests/Terminate",
		body: `{"Reason":"fixture"}`},
	{name: "requests_terminate_system", as: "quarantine", call: "POST ManagedSystems/4/Requests/Terminate",
		body: `{"Reason":"fixture"}`},
	{name: "requests_terminate_user", as: "quarantine", call: "POST Users/1/Requests/Terminate",
		body: `{"Reason":"fixture"}`},

	// Secrets Safe: read a secret by its path, and manage secrets, folders
	// and safes (requestor has Secrets Safe Read/Write, admin Full control).
	{name: "secrets_find", as: "requestor", call: "GET Secrets-Safe/Secrets?path=prod/db&title=url&decrypt=true",
		when: "path,title"},
	{name: "secrets_find_none", as: "requestor", call: "GET Secrets-Safe/Secrets?path=prod/db&title=nothing-here&decrypt=true",
		when: "path,title"},
	{name: "secrets_list", as: "requestor", call: "GET Secrets-Safe/Secrets"},
	{name: "secrets_list_paged", as: "requestor", call: "GET Secrets-Safe/Secrets?version=3.2&limit=2", when: "version"},
	{name: "folders_create", as: "requestor", call: "POST Secrets-Safe/Folders",
		body: `{"Name":"fixtures","Description":"recorded","ParentId":"` + SafeProdID + `"}`, save: "folder=Id"},
	{name: "secrets_create_credential", as: "requestor", call: "POST Secrets-Safe/Folders/{folder}/secrets",
		body: `{"Title":"api","Username":"svc-api","Password":"Fixture-Cred-Pa55","Notes":"recorded",` +
			`"Urls":[{"Url":"https://api.example.test"}],"OwnerId":1,"OwnerType":"User","Owners":[{"OwnerId":1}]}`,
		save: "credential=Id"},
	{name: "secrets_create_text", as: "requestor", call: "POST Secrets-Safe/Folders/{folder}/secrets/text",
		body: `{"Title":"motd","Text":"fixture text secret"}`, save: "text=Id"},
	{name: "secrets_create_file", as: "requestor", call: "POST Secrets-Safe/Folders/{folder}/secrets/file",
		body: fixtureUpload(`{"Title":"notes","FileName":"notes.txt"}`, "notes.txt", "fixture file secret\n"), save: "file=Id"},
	{name: "secrets_get", as: "requestor", call: "GET Secrets-Safe/Secrets/{credential}"},
	{name: "secrets_get_text", as: "requestor", call: "GET Secrets-Safe/Secrets/{text}/text"},
	{name: "secrets_get_file", as: "requestor", call: "GET Secrets-Safe/Secrets/{file}/file"},
	{name: "secrets_file_download", as: "requestor", call: "GET Secrets-Safe/Secrets/{file}/file/download"},
	{name: "secrets_update_credential", as: "requestor", call: "PUT Secrets-Safe/Secrets/{credential}",
		body: `{"Title":"api","Username":"svc-api","Password":"Fixture-Cred-Pa55-2"}`},
	{name: "secrets_update_text", as: "requestor", call: "PUT Secrets-Safe/Secrets/{text}/text",
		body: `{"Title":"motd","Text":"fixture text secret, changed"}`},
	{name: "secrets_update_file", as: "requestor", call: "PUT Secrets-Safe/Secrets/{file}/file",
		body: fixtureUpload(`{"Title":"notes","FileName":"notes.txt"}`, "notes.txt", "fixture file secret, changed\n")},
	{name: "folders_secrets", as: "requestor", call: "GET Secrets-Safe/Folders/{folder}/secrets"},
	{name: "folders_list", as: "requestor", call: "GET Secrets-Safe/Folders"},
	{name: "folders_find", as: "requestor", call: "GET Secrets-Safe/Folders?folderPath=prod/db&includeSubfolders=false",
		when: "folderPath"},
	{name: "folders_get", as: "requestor", call: "GET Secrets-Safe/Folders/{folder}"},
	{name: "folders_update", as: "requestor", call: "PUT Secrets-Safe/Folders/{folder}",
		body: `{"Name":"fixtures","Description":"recorded, changed"}`},
	{name: "folders_create_shared", as: "requestor", call: "POST Secrets-Safe/Folders",
		body: `{"Name":"fixtures-shared","ParentId":"` + SafeProdID + `"}`, save: "shared=Id"},
	{name: "secrets_share", as: "requestor", call: "POST Secrets-Safe/Secrets/{credential}/shares/{shared}"},
	{name: "secrets_shares", as: "requestor", call: "GET Secrets-Safe/Secrets/{credential}/shares"},
	{name: "secrets_unshare", as: "requestor", call: "DELETE Secrets-Safe/Secrets/{credential}/shares/{shared}"},
	{name: "secrets_unshare_all", as: "requestor", call: "DELETE Secrets-Safe/Secrets/{credential}/shares"},
	{name: "secrets_move", as: "requestor", call: "PUT Secrets-Safe/Secrets/move",
		body: `{"SecretIds":["{text}"],"DestinationFolderId":"{shared}","DuplicateNameAction":"Stop"}`},
	{name: "folders_move", as: "requestor", call: "PUT Secrets-Safe/Folders/{shared}/move",
		body: `{"DestinationFolderId":"{folder}","DuplicateNameAction":"Rename"}`},
	{name: "secrets_delete", as: "requestor", call: "DELETE Secrets-Safe/Secrets/{file}"},
	{name: "folders_delete", as: "requestor", call: "DELETE Secrets-Safe/Folders/{folder}"},
	{name: "safes_list", as: "admin", call: "GET Secrets-Safe/Safes"},
	{name: "safes_create", as: "admin", call: "POST Secrets-Safe/Safes",
		body: `{"Name":"fixtures","Description":"recorded"}`, save: "safe=Id"},
	{name: "safes_get", as: "admin", call: "GET Secrets-Safe/Safes/{safe}"},
	{name: "safes_update", as: "admin", call: "PUT Secrets-Safe/Safes/{safe}",
		body: `{"Name":"fixtures","Description":"recorded, changed"}`},
	{name: "safes_delete", as: "admin", call: "DELETE Secrets-Safe/Safes/{safe}"},
	{name: "error_403_secrets", as: "approver", call: "GET Secrets-Safe/Secrets", status: http.StatusForbidden},
	// Inventory: every name a user knows resolves to its ID; then
	// onboarding a system and its account, and taking them away.
	{name: "managed_systems_list", as: "admin", call: "GET ManagedSystems"},
	{name: "managed_systems_find", as: "quarantine", call: "GET ManagedSystems?name=db01", when: "name"},
	{name: "managed_systems_get", as: "admin", call: "GET ManagedSystems/1"},
	{name: "managed_systems_by_asset", as: "admin", call: "GET Assets/1/ManagedSystems"},
	{name: "managed_systems_by_workgroup", as: "admin", call: "GET Workgroups/1/ManagedSystems"},
	{name: "managed_systems_by_functional_account", as: "admin", call: "GET FunctionalAccounts/1/ManagedSystems"},
	{name: "platforms_list", as: "admin", call: "GET Platforms"},
	{name: "platforms_get", as: "admin", call: "GET Platforms/2"},
	{name: "functional_accounts_list", as: "admin", call: "GET FunctionalAccounts"},
	{name: "functional_accounts_get", as: "admin", call: "GET FunctionalAccounts/1"},
	{name: "workgroups_list", as: "admin", call: "GET Workgroups"},
	{name: "workgroups_find", as: "admin", call: "GET Workgroups?name=Lab", when: "name"},
	{name: "workgroups_get", as: "admin", call: "GET Workgroups/2", save: "workgroupName=Name"},
	{name: "assets_by_workgroup", as: "admin", call: "GET Workgroups/1/Assets"},
	{name: "assets_find", as: "admin", call: "GET Workgroups/{workgroupName}/Assets?name=lab-printer", when: "name"},
	{name: "assets_get", as: "admin", call: "GET Assets/7"},
	{name: "assets_search", as: "admin", call: "POST Assets/Search", body: `{"IPAddress":"10.30.0.0/24"}`},
	{name: "databases_list", as: "admin", call: "GET Databases"},
	{name: "databases_get", as: "admin", call: "GET Databases/1"},
	{name: "databases_by_asset", as: "admin", call: "GET Assets/2/Databases"},
	{name: "users_list", as: "auditor", call: "GET Users"},
	{name: "users_find", as: "quarantine", call: "GET Users?username=requestor", when: "username"},
	{name: "users_get", as: "auditor", call: "GET Users/1"},
	{name: "users_groups", as: "auditor", call: "GET Users/4/UserGroups"},
	{name: "user_groups_list", as: "auditor", call: "GET UserGroups"},
	{name: "user_groups_find", as: "auditor", call: "GET UserGroups?name=Auditors", when: "name"},
	{name: "user_groups_get", as: "auditor", call: "GET UserGroups/2"},
	{name: "user_groups_members", as: "auditor", call: "GET UserGroups/3/Users"},
	{name: "user_groups_smart_rules", as: "auditor", call: "GET UserGroups/3/SmartRules"},
	{name: "smart_rules_list", as: "auditor", call: "GET SmartRules"},
	{name: "smart_rules_find", as: "auditor", call: "GET SmartRules?title=Linux%20Accounts", when: "title"},
	{name: "smart_rules_get", as: "auditor", call: "GET SmartRules/2"},
	{name: "roles_list", as: "auditor", call: "GET Roles"},
	{name: "managed_accounts_by_system", as: "auditor", call: "GET ManagedSystems/2/ManagedAccounts"},
	{name: "managed_accounts_get_by_id", as: "auditor", call: "GET ManagedAccounts/21"},
	{name: "managed_accounts_totp", as: "admin", call: "GET ManagedAccounts/11/Credentials?type=totp"},
	{name: "workgroups_create", as: "admin", call: "POST Workgroups", body: `{"Name":"DMZ"}`, save: "workgroup=ID"},
	{name: "assets_create", as: "admin", call: "POST Workgroups/{workgroup}/Assets",
		body: `{"WorkgroupID":{workgroup},"IPAddress":"10.40.0.5","AssetName":"gw01"}`, save: "asset=AssetID"},
	{name: "assets_update", as: "admin", call: "PUT Assets/{asset}", body: `{"IPAddress":"10.40.0.6","AssetName":"gw01"}`},
	{name: "managed_systems_create_on_asset", as: "admin", call: "POST Assets/{asset}/ManagedSystems", body: `{"PlatformID":2}`,
		save: "system=ManagedSystemID"},
	{name: "managed_systems_update", as: "admin", call: "PUT ManagedSystems/{system}", body: `{"Description":"gateway"}`},
	{name: "managed_systems_create_on_workgroup", as: "admin", call: "POST Workgroups/{workgroup}/ManagedSystems",
		body: `{"EntityTypeID":1,"PlatformID":2,"HostName":"gw02","IPAddress":"10.40.0.7"}`, save: "other=ManagedSystemID"},
	{name: "managed_systems_create_on_database", as: "admin", call: "POST Databases/1/ManagedSystems", body: `{}`},
	{name: "managed_systems_by_database", as: "admin", call: "GET Databases/1/ManagedSystems"},
	{name: "managed_accounts_create", as: "admin", call: "POST ManagedSystems/{system}/ManagedAccounts",
		body: `{"AccountName":"svc","Password":"Fixture-Pa55!"}`, save: "account=ManagedAccountID"},
	{name: "managed_accounts_update", as: "admin", call: "PUT ManagedAccounts/{account}", body: `{"AccountName":"svc","Description":"fixture"}`},
	{name: "managed_accounts_set_credentials", as: "admin", call: "PUT ManagedAccounts/{account}/Credentials",
		body: `{"Password":"Fixture-Pa55-2!"}`},
	{name: "managed_accounts_change_credentials", as: "admin", call: "POST ManagedAccounts/{account}/Credentials/Change",
		body: `{"Queue":false}`},
	{name: "managed_accounts_delete", as: "admin", call: "DELETE ManagedAccounts/{account}"},
	{name: "managed_systems_delete", as: "admin", call: "DELETE ManagedSystems/{other}"},
	{name: "assets_delete", as: "admin", call: "DELETE Assets/{asset}"},

	// Errors of every call.
	{name: "error_4031", as: "requestor", call: "GET ManagedSystems", status: http.StatusForbidden},
	{name: "error_401", call: "GET Requests", status: http.StatusUnauthorized},
	{name: "error_404", as: "requestor", call: "GET Aliases/999", status: http.StatusNotFound},
	{name: "auth_signout", as: "requestor", call: "POST Auth/Signout"},
}

// fixtureUpload is a multipart body of a file secret (the JSON part
// secretmetadata, the part file), with the boundary "fixture".
func fixtureUpload(meta, fileName, content string) string {
	return "--fixture\r\nContent-Disposition: form-data; name=\"secretmetadata\"\r\n\r\n" + meta +
		"\r\n--fixture\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName +
		"\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--fixture--\r\n"
}

// method and path of the entry's call; the path keeps its {vars} and has
// no query.
func (f fixtureSpec) method() string { m, _, _ := strings.Cut(f.call, " "); return m }

func (f fixtureSpec) path() string {
	_, rest, _ := strings.Cut(f.call, " ")
	p, _, _ := strings.Cut(rest, "?")
	return p
}

// pattern is the entry's path as a route: {var} and numeric segments (the
// IDs) match any one segment ("*").
func (f fixtureSpec) pattern() []string {
	segs := strings.Split(f.path(), "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") || isDigits(s) {
			segs[i] = "*"
		}
	}
	return segs
}

// whenParam is a query parameter a call must carry to get an entry's
// answer, and the values it must have (any, when none are listed).
type whenParam struct {
	name   string
	values []string
}

func (f fixtureSpec) whenParams() []whenParam {
	if f.when == "" {
		return nil
	}
	var out []whenParam
	for _, w := range strings.Split(f.when, ",") {
		name, values, hasValues := strings.Cut(w, "=")
		p := whenParam{name: name}
		if hasValues {
			p.values = strings.Split(values, "|")
		}
		out = append(out, p)
	}
	return out
}

// routeKey names the calls the entry may answer: its method, path pattern
// and when parameters.
func (f fixtureSpec) routeKey() string {
	return f.method() + " " + strings.ToLower(strings.Join(f.pattern(), "/")) + "?" + strings.ToLower(f.when)
}

// answers reports whether the entry answers the calls of its route key:
// a success, or an error marked routed.
func (f fixtureSpec) answers() bool { return f.status == 0 || f.routed }

//go:embed fixtures/*.json
var fixtureFiles embed.FS

// FixtureSet is the set of recorded answers Fixtures returns: an answer
// for every call the SDK makes, recorded from this package's fake.
// Its methods are safe for concurrent use; every answer is a fresh
// *http.Response.
type FixtureSet struct {
	byName map[string]*fixture
	routes []*fixture // the routed entries, in table order
	names  []string
}

type fixture struct {
	spec    fixtureSpec
	pattern []string
	when    []whenParam
	ex      exchange
}

var loadFixtures = sync.OnceValues(func() (*FixtureSet, error) {
	return newFixtureSet(fixtureTable, func(name string) ([]byte, error) {
		return fixtureFiles.ReadFile("fixtures/" + name + ".json")
	})
})

// newFixtureSet reads each table entry's file and builds the routes.
func newFixtureSet(table []fixtureSpec, read func(name string) ([]byte, error)) (*FixtureSet, error) {
	fs := &FixtureSet{byName: map[string]*fixture{}}
	routed := map[string]bool{}
	for _, spec := range table {
		b, err := read(spec.name)
		if err != nil {
			return nil, fmt.Errorf("passwordsafetest: fixture %s: %w", spec.name, err)
		}
		ex, err := decodeExchange(b)
		if err != nil {
			return nil, fmt.Errorf("passwordsafetest: fixture %s: %w", spec.name, err)
		}
		if _, dup := fs.byName[spec.name]; dup {
			return nil, fmt.Errorf("passwordsafetest: fixture %s is listed twice", spec.name)
		}
		fx := &fixture{spec: spec, pattern: spec.pattern(), when: spec.whenParams(), ex: ex}
		fs.byName[spec.name] = fx
		fs.names = append(fs.names, spec.name)
		if key := spec.routeKey(); spec.answers() && !routed[key] {
			routed[key] = true
			fs.routes = append(fs.routes, fx)
		}
	}
	sort.Strings(fs.names)
	return fs, nil
}

// Fixtures returns the recorded answers of every endpoint the SDK calls,
// for tests that run the SDK against canned answers rather than a server.
// With httpmock, registering them all takes one line:
//
//	mt := httpmock.NewMockTransport()
//	mt.RegisterNoResponder(passwordsafetest.Fixtures().Respond)
//	client, err := passwordsafe.NewClient("https://vault.example.test",
//		passwordsafe.WithAPIKey("key", "requestor"), passwordsafe.WithHTTPClient(&http.Client{Transport: mt}))
//
// Responders registered on mt for particular calls (an error, a value a
// test needs) answer before the fixtures. Without httpmock, a FixtureSet
// is an http.RoundTripper itself:
//
//	passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.Fixtures()})
//
// The answers are static: every call gets the same answer, whatever IDs
// it names; a lookup by name gets the answer for that name (each seeded
// account, or the server's 404). For counting calls route by route, see
// RegisterFixtures. The package documentation ("Recorded answers") lists
// the answers, their shapes and the values they hold.
func Fixtures() *FixtureSet {
	fs, err := loadFixtures()
	if err != nil {
		panic(err) // the embedded files are checked by this package's tests
	}
	return fs
}

// RegisterFixtures registers on an httpmock transport one responder per
// call the fixtures answer (a method and a path, such as GET
// Credentials/{id}), each answering as Fixtures().Respond does, so that
// mt.GetCallCountInfo() counts the calls route by route, under the key
// CallCountKey names:
//
//	mt := httpmock.NewMockTransport()
//	passwordsafetest.RegisterFixtures(mt)
//	// ... the code under test ...
//	calls := mt.GetCallCountInfo()[passwordsafetest.Fixtures().CallCountKey("credentials")]
//
// mt is an *httpmock.MockTransport, or anything with its RegisterResponder
// method (this package does not import httpmock). Each responder is a
// regular expression on the path, as "=~" responders are: case-insensitive,
// at any base URL, with any query. httpmock tries responders for exact URLs
// first, then regular expressions in the order they were registered, so a
// test's own regular expression answers before the fixtures only when it is
// registered first, or when it is the same route string (CallCountKey
// without its method), which replaces the fixture's responder in place.
func RegisterFixtures[R ~func(*http.Request) (*http.Response, error)](mt interface {
	RegisterResponder(method, url string, responder R)
}) {
	fs := Fixtures()
	for _, fx := range fs.byRoute() {
		mt.RegisterResponder(fx.spec.method(), routeRegexp(fx.pattern), fs.Respond)
	}
}

// CallCountKey is the key under which httpmock's GetCallCountInfo counts
// the calls to the named fixture's route, once RegisterFixtures registered
// it: "GET =~(?i)/Credentials/[^/]+\z". Calls of one route share a key,
// whatever fixture answered them (credentials and credentials_dsskey). An
// unknown name panics, listing the names.
func (s *FixtureSet) CallCountKey(name string) string {
	fx := s.must(name)
	return fx.spec.method() + " " + routeRegexp(fx.pattern)
}

// byRoute lists one routed fixture per method and path pattern, longest
// patterns first, so that a pattern that is the tail of another
// (Credentials/* of Aliases/*/Credentials/*) is tried after it, and among
// patterns of one length those with fewer wildcards first, so that a named
// segment (Secrets/move) is tried before an ID (Secrets/*).
func (s *FixtureSet) byRoute() []*fixture {
	seen := map[string]bool{}
	var out []*fixture
	for _, fx := range s.routes {
		key := fx.spec.method() + " " + routeRegexp(fx.pattern)
		if !seen[key] {
			seen[key] = true
			out = append(out, fx)
		}
	}
	wildcards := func(p []string) int { return strings.Count(strings.Join(p, "/"), "*") }
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := len(out[i].pattern), len(out[j].pattern); a != b {
			return a > b
		}
		return wildcards(out[i].pattern) < wildcards(out[j].pattern)
	})
	return out
}

// routeRegexp is a path pattern as an httpmock regular expression: it
// matches the end of a URL's path, segment by segment, IDs ("*") being any
// one segment.
func routeRegexp(pattern []string) string {
	segs := make([]string, len(pattern))
	for i, p := range pattern {
		if p == "*" {
			segs[i] = "[^/]+"
		} else {
			segs[i] = regexp.QuoteMeta(p)
		}
	}
	return "=~(?i)/" + strings.Join(segs, "/") + `\z`
}

// Respond answers a call with its recorded answer: it has the type of an
// httpmock.Responder, for mt.RegisterNoResponder or mt.RegisterResponder.
// The call is found by method, by the path below the API base
// (".../api/public/v3/", case-insensitive, IDs in the path matching any
// ID) and by the query parameters listed in the package documentation
// (GET Aliases?name=, GET ManagedAccounts?systemName=&accountName= by the
// names given, the credentials' ?type=, the replay's ?screen=, ?png= and
// ?jpeg=, and the inventory's ?name=, ?username= and ?title=). A call no
// fixture answers is an error naming it.
func (s *FixtureSet) Respond(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	fx := s.route(req)
	if fx == nil {
		return nil, fmt.Errorf("passwordsafetest: no fixture answers %s %s (see Fixtures)", req.Method, req.URL.Path)
	}
	return fx.ex.Response.response(req), nil
}

// RoundTrip is Respond: a FixtureSet is an http.RoundTripper.
func (s *FixtureSet) RoundTrip(req *http.Request) (*http.Response, error) { return s.Respond(req) }

// Responder returns an httpmock.Responder that answers every call with
// the named fixture, for one endpoint or to answer with an error:
//
//	mt.RegisterResponder("GET", `=~/Credentials/\d+\z`, passwordsafetest.Fixtures().Responder("error_4034"))
//
// An unknown name panics, listing the names.
func (s *FixtureSet) Responder(name string) func(*http.Request) (*http.Response, error) {
	fx := s.must(name)
	return func(req *http.Request) (*http.Response, error) {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return fx.ex.Response.response(req), nil
	}
}

// Body returns a copy of the named fixture's answer body, as the server
// sent it: for a test that decodes it itself, or builds an answer of its
// own from it. An unknown name panics, listing the names.
func (s *FixtureSet) Body(name string) []byte {
	return append([]byte(nil), s.must(name).ex.Response.body()...)
}

// Status returns the named fixture's answer status. An unknown name
// panics, listing the names.
func (s *FixtureSet) Status(name string) int { return s.must(name).ex.Response.Status }

// Names lists the fixtures, sorted.
func (s *FixtureSet) Names() []string { return append([]string(nil), s.names...) }

func (s *FixtureSet) must(name string) *fixture {
	fx, ok := s.byName[name]
	if !ok {
		panic(fmt.Sprintf("passwordsafetest: no fixture %q; the fixtures are %s", name, strings.Join(s.names, ", ")))
	}
	return fx
}

// route finds the fixture that answers req: among the routed entries of
// its method whose pattern matches the path below the API base, the one
// with the most when parameters the call carries, then the most literal
// segments. Below a base path without "/api/public/v3/", the pattern
// matches the end of the path.
func (s *FixtureSet) route(req *http.Request) *fixture {
	p := req.URL.Path
	anchored := false
	if i := strings.LastIndex(strings.ToLower(p), apiAnchor); i >= 0 {
		p, anchored = p[i+len(apiAnchor):], true
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	query := req.URL.Query()
	param := func(w whenParam) (valued, ok bool) {
		for k, vs := range query {
			if !strings.EqualFold(k, w.name) {
				continue
			}
			if w.values == nil {
				return false, true
			}
			for _, want := range w.values {
				if len(vs) > 0 && strings.EqualFold(strings.TrimSpace(vs[0]), want) {
					return true, true
				}
			}
		}
		return false, false
	}
	var best *fixture
	bestScore := -1
	for _, fx := range s.routes {
		if !strings.EqualFold(fx.spec.method(), req.Method) {
			continue
		}
		if len(fx.pattern) > len(segs) || anchored && len(fx.pattern) != len(segs) {
			continue
		}
		tail := segs[len(segs)-len(fx.pattern):]
		score, ok := 0, true
		for i, pat := range fx.pattern {
			switch {
			case pat == "*":
			case strings.EqualFold(pat, tail[i]):
				score++
			default:
				ok = false
			}
		}
		// when parameters with values first, then any when parameters,
		// then path length, then literal segments.
		for _, w := range fx.when {
			valued, has := param(w)
			ok = ok && has
			if valued {
				score += 1000000
			}
		}
		score += len(fx.when)*10000 + len(fx.pattern)*100
		if ok && score > bestScore {
			best, bestScore = fx, score
		}
	}
	return best
}
