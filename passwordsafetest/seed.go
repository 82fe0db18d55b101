package passwordsafetest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// SeedVersion is the version of the seed schema this package reads.
const SeedVersion = 1

// Seed is what a fake holds when it starts: users, systems, managed
// accounts with their access policies, aliases and recorded sessions. A
// test builds one in Go (WithSeed, or the smaller WithUser, WithAccount...
// options) or keeps it in a JSON seed file (WithSeedFile); both have the
// same schema, described in the package documentation.
//
// A Seed combines with the default seed: see the package documentation,
// "How a seed combines with the default seed".
type Seed struct {
	// Version is the schema version. A seed file must say 1; in Go, 0
	// means the current version.
	Version int `json:"version"`
	// NoDefaults starts the fake with this seed alone: no default users,
	// systems, accounts or aliases.
	NoDefaults bool              `json:"noDefaults,omitempty"`
	Users      []User            `json:"users,omitempty"`    // who may sign in
	Systems    []System          `json:"systems,omitempty"`  // managed systems (optional: accounts create theirs)
	Accounts   []Account         `json:"accounts,omitempty"` // managed accounts with their policies
	Aliases    []Alias           `json:"aliases,omitempty"`  // managed account aliases
	Sessions   []RecordedSession `json:"sessions,omitempty"` // sessions that replays can show
	Nodes      []Node            `json:"nodes,omitempty"`    // session nodes (GET Nodes) beside the fake's own

	// Secrets Safe: safes, their folders and the secrets in them (see
	// Safe, Folder and SafeSecret).
	Safes   []Safe       `json:"safes,omitempty"`
	Folders []Folder     `json:"folders,omitempty"`
	Secrets []SafeSecret `json:"secrets,omitempty"`
	// The inventory beside systems and accounts (inventory_seed.go).
	Workgroups         []Workgroup         `json:"workgroups,omitempty"`
	Assets             []Asset             `json:"assets,omitempty"`
	Databases          []Database          `json:"databases,omitempty"`
	Platforms          []Platform          `json:"platforms,omitempty"`
	FunctionalAccounts []FunctionalAccount `json:"functionalAccounts,omitempty"`
	SmartRules         []SmartRule         `json:"smartRules,omitempty"`
	UserGroups         []UserGroup         `json:"userGroups,omitempty"`
	TOTP               []AccountTOTP       `json:"totp,omitempty"` // TOTP secrets of managed accounts
}

// Role is a role a user holds. Roles are independent: an administrator
// who should also request and approve needs all three.
type Role string

// The roles the fake knows. Role names in a seed file are matched
// case-insensitively; "admin" is accepted for RoleAdmin.
const (
	RoleRequestor Role = "Requestor"      // creates release requests, lists aliases and managed accounts
	RoleApprover  Role = "Approver"       // approves and denies other users' requests
	RoleAdmin     Role = "Administrators" // sessions (list, lock, terminate, admin sessions), replays, AccessLevels, requestable accounts, ISA requests and sessions, what RoleQuarantine may
	RoleAuditor   Role = "Auditor"        // reads sessions and replays them
	RoleISA       Role = "ISA"            // Information Systems Administrator: sees requestable accounts (IsISAAccess), ISA requests and sessions
	// RoleQuarantine stands for the "Password Safe API Global Quarantine"
	// permission (Full control): ending every request of an account, a
	// system or a user, and locking or terminating every session of a system
	// or an account. The Administrators group holds it too, as it holds
	// every feature permission on the real server.
	RoleQuarantine Role = "Quarantine"
	// RoleActiveSessionReviewer watches live sessions: it lists and reads
	// sessions (GET Sessions, GET Sessions/{id}), locks and terminates one
	// (POST Sessions/{id}/Lock and Terminate), and replays a session while
	// it is live, as the references' Sessions pages allow it. In a seed
	// file it may be spelled "ActiveSessionReviewer" too.
	RoleActiveSessionReviewer Role = "Active Session Reviewer"
)

// User is a Password Safe user the API can run as (PS-Auth runas=<UserName>).
type User struct {
	ID       int    `json:"id,omitempty"`    // 0: the next free ID
	UserName string `json:"userName"`        // required; matched case-insensitively
	Name     string `json:"name,omitempty"`  // display name; default UserName
	Email    string `json:"email,omitempty"` // default <userName>@example.test
	Roles    []Role `json:"roles,omitempty"` // see Role
	// RunAsPassword, when set, must be sent at sign-in (pwd=[...]).
	RunAsPassword string `json:"runAsPassword,omitempty"`
	// SecretsSafe is the user's Secrets Safe permission: "" (none), "Read",
	// "ReadWrite", "Manage" or "FullControl", each holding the ones before
	// it. Administrators have FullControl whatever it says.
	SecretsSafe string `json:"secretsSafe,omitempty"`
}

// System is a managed system (an asset). Systems that accounts name but
// the seed does not list are created as Linux systems of type "system".
type System struct {
	ID         int    `json:"id,omitempty"`         // 0: the next free ID
	Name       string `json:"name"`                 // required, unique (case-insensitive)
	Platform   string `json:"platform,omitempty"`   // default "Linux"; "Windows" makes RDP the default access
	PlatformID int    `json:"platformId,omitempty"` // default 2 (Linux), 1 (Windows), 10 for any other platform
	// Type is what GET ManagedAccounts?type= filters on: "system" (default,
	// local accounts), "database", "domainlinked", "cloud" or "application".
	Type      string `json:"type,omitempty"`
	Workgroup string `json:"workgroup,omitempty"` // default "BeyondTrust Workgroup"
	IPAddress string `json:"ipAddress,omitempty"` // default 10.20.0.<ID>
}

// Account is a managed account on a system, with its access policy and
// credentials.
type Account struct {
	ID                int    `json:"id,omitempty"` // 0: the next free ID
	System            string `json:"system"`       // the system's name; required
	Name              string `json:"name"`         // required, unique on its system (case-insensitive)
	Domain            string `json:"domain,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	Instance          string `json:"instance,omitempty"` // database instance name
	Description       string `json:"description,omitempty"`
	// Password is the current password; "" draws a random one (20
	// characters with quotes and backslashes, to catch JSON mistakes).
	Password string `json:"password,omitempty"`
	// PrivateKey and Passphrase are the SSH (DSS) credentials, released as
	// ?type=dsskey and ?type=passphrase. GenerateSSHKey draws a fresh
	// key (and a passphrase, unless one is given).
	PrivateKey     string `json:"privateKey,omitempty"`
	Passphrase     string `json:"passphrase,omitempty"`
	GenerateSSHKey bool   `json:"generateSshKey,omitempty"`
	// Access lists the allowed access types: View, SSH, RDP, App. The
	// default is View and SSH, or View and RDP on a Windows system, plus
	// App when Applications are given.
	Access []string `json:"access,omitempty"`
	// Applications are the applications (ApplicationID -> name) an App
	// request may name. On a system of type "application" the first (lowest
	// ID) is the account's ApplicationID/ApplicationDisplayName.
	Applications map[int]string `json:"applications,omitempty"`
	// DefaultReleaseMinutes and MaximumReleaseMinutes default to 120 (or
	// the maximum, when lower) and 525600; a request for longer than the
	// maximum is refused (400).
	DefaultReleaseMinutes int    `json:"defaultReleaseMinutes,omitempty"`
	MaximumReleaseMinutes int    `json:"maximumReleaseMinutes,omitempty"`
	Policy                Policy `json:"policy,omitempty"`
}

// Policy is an account's access policy. POST AccessPolicies/Test answers
// it as one access policy with one schedule that is always open.
type Policy struct {
	// Approvals is how many approvals release the credential; 0 means
	// auto-approve. More approvals than there are approvers (other than
	// the requestor) answers 4035 at request time.
	Approvals int `json:"approvals,omitempty"`
	// Approvers are the user names that may approve; empty means every
	// user with RoleApprover.
	Approvers []string `json:"approvers,omitempty"`
	// RequireReason refuses a request without a Reason (400).
	RequireReason bool `json:"requireReason,omitempty"`
	// RequireTicket refuses a request without TicketSystemID and
	// TicketNumber (400).
	RequireTicket bool `json:"requireTicket,omitempty"`
}

// AccountRef names a managed account by system and account name.
type AccountRef struct {
	System  string `json:"system"`
	Account string `json:"account"`
}

// Alias is a managed account alias. Its state follows from its accounts:
// none is 0 (unmapped, requests answer 4031), one is 1 (mapped), more is 2
// (highly available; requests go to the first).
type Alias struct {
	ID       int          `json:"id,omitempty"` // 0: the next free ID
	Name     string       `json:"name"`         // required, unique (case-insensitive)
	Accounts []AccountRef `json:"accounts,omitempty"`
}

// Node is a session node, as GET Nodes lists it. The fake's own node
// (NodeID) is always there and active; these are added beside it. A seeded
// node with the ID NodeID renames the fake's own node instead.
type Node struct {
	ID          string `json:"id,omitempty"`          // a GUID; "" draws one
	HostName    string `json:"hostName,omitempty"`    // default node-<n>.example.test
	DisplayName string `json:"displayName,omitempty"` // default HostName
	// Inactive nodes are listed only with ?includeInactive=true, and a
	// session asked for through one answers 400.
	Inactive bool `json:"inactive,omitempty"`
	// LastHeartbeat is when an inactive node last reported; zero means a
	// week before the fake started. Active nodes report the fake's clock.
	LastHeartbeat time.Time `json:"lastHeartbeat,omitempty"`
}

// RetiredNodeID is the ID of the default seed's inactive node.
const RetiredNodeID = "0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f"

// RecordedSession is a privileged session that happened before the fake
// started (or is still going on), so that GET Sessions lists it and a
// replay has something to show.
type RecordedSession struct {
	// ID is the session's ID; 0 takes the next free one (from 7001).
	ID      int    `json:"id,omitempty"`
	User    string `json:"user"`    // who held the session; required
	System  string `json:"system"`  // required
	Account string `json:"account"` // required
	// Protocol is "SSH" (default) or "RDP".
	Protocol string `json:"protocol,omitempty"`
	// Start defaults to the fake's start time less the duration.
	Start           time.Time `json:"start,omitempty"`
	DurationSeconds int       `json:"durationSeconds,omitempty"` // default 300
	// Live leaves the session in progress (Status 1) instead of completed (2).
	Live bool `json:"live,omitempty"`
	// Screen is the terminal text a replay shows for an SSH session,
	// whatever its position; the default is a short shell transcript whose
	// clock shows the replay's position, so it changes every second.
	Screen string `json:"screen,omitempty"`
	// Frames make the screen of an SSH session change over time instead:
	// a replay shows the last frame whose AtSeconds (since the session's
	// start) its position has reached, and nothing before the first. A live
	// session's position moves with the fake's clock (Advance). Give Screen
	// or Frames, not both.
	Frames []ScreenFrame `json:"frames,omitempty"`
}

// ScreenFrame is the terminal of an SSH session from a moment on.
type ScreenFrame struct {
	AtSeconds int    `json:"atSeconds"` // since the session's start; ascending
	Screen    string `json:"screen"`
}

// LiveSessionID is the ID of the default seed's live session:
// reqapprover's SSH session as postgres on db02, in progress since 90
// seconds before the fake started, whose screen moves with the fake's
// clock.
const LiveSessionID = 7000

// DefaultSeed returns the seed a fake starts with when no option changes
// it (see the package documentation). Passwords are empty here: each
// server draws its own.
func DefaultSeed() Seed {
	everyone := []string{"approver", "reqapprover", "admin"}
	linux := []string{"View", "SSH"}
	inv := defaultInventory()
	return Seed{
		Version: SeedVersion,
		Users: []User{
			{ID: 1, UserName: "requestor", Name: "Rita Requestor", Roles: []Role{RoleRequestor}, SecretsSafe: SecretsReadWrite},
			{ID: 2, UserName: "approver", Name: "Arno Approver", Roles: []Role{RoleApprover}},
			{ID: 3, UserName: "admin", Name: "Ada Admin", Roles: []Role{RoleAdmin, RoleRequestor, RoleApprover}},
			{ID: 4, UserName: "reqapprover", Name: "Remy Reqapprover", Roles: []Role{RoleRequestor, RoleApprover}},
			{ID: 5, UserName: "secured", Name: "Sam Secured", Roles: []Role{RoleRequestor}, RunAsPassword: "Secured-Pa55!"},
			{ID: 6, UserName: "auditor", Name: "Aude Auditor", Roles: []Role{RoleAuditor}, SecretsSafe: SecretsRead},
			{ID: 7, UserName: "isa", Name: "Ivo ISA", Roles: []Role{RoleISA}},
			{ID: 8, UserName: "quarantine", Name: "Quinn Quarantine", Roles: []Role{RoleQuarantine}},
			{ID: 9, UserName: "reviewer", Name: "Rhea Reviewer", Roles: []Role{RoleActiveSessionReviewer}},
		},
		Systems: []System{
			{ID: 1, Name: "web01"},
			{ID: 2, Name: "db01"},
			{ID: 3, Name: "win01", Platform: "Windows"},
			{ID: 4, Name: "app01"},
			{ID: 5, Name: "vault01"},
			{ID: 6, Name: "db02"},
		},
		Accounts: []Account{
			{ID: 11, System: "web01", Name: "root", Access: linux, GenerateSSHKey: true,
				Policy: Policy{Approvers: everyone}},
			{ID: 21, System: "db01", Name: "postgres", Access: linux,
				Policy: Policy{Approvals: 1, Approvers: everyone}},
			{ID: 31, System: "win01", Name: "Administrator", Access: []string{"View", "RDP", "App"},
				Applications: map[int]string{1: "Server Manager"}, Policy: Policy{Approvers: everyone}},
			{ID: 41, System: "app01", Name: "deploy", Domain: "EXAMPLE", UserPrincipalName: "deploy@example.test",
				Access: linux, Policy: Policy{Approvals: 2, Approvers: everyone}},
			// Three approvals needed, but only two users are in the approver group.
			{ID: 51, System: "vault01", Name: "breakglass", Access: linux,
				Policy: Policy{Approvals: 3, Approvers: []string{"approver", "reqapprover"}}},
			{ID: 61, System: "db02", Name: "postgres", Access: linux,
				Policy: Policy{Approvals: 1, Approvers: everyone}},
		},
		Aliases: []Alias{
			{ID: 1, Name: "web-root", Accounts: []AccountRef{{"web01", "root"}}},
			{ID: 2, Name: "db-ha", Accounts: []AccountRef{{"db01", "postgres"}, {"db02", "postgres"}}},
			{ID: 3, Name: "orphan"},
		},
		Sessions: []RecordedSession{
			{ID: LiveSessionID, User: "reqapprover", System: "db02", Account: "postgres", Live: true, DurationSeconds: 90},
		},
		Workgroups: inv.Workgroups, Assets: inv.Assets, Databases: inv.Databases, FunctionalAccounts: inv.FunctionalAccounts,
		SmartRules: inv.SmartRules, UserGroups: inv.UserGroups, TOTP: inv.TOTP,
		Nodes: []Node{
			{ID: NodeID, HostName: "localhost", DisplayName: "Local node"},
			{ID: RetiredNodeID, HostName: "ps-node-old.example.test", DisplayName: "Retired node", Inactive: true},
		},
		Safes:   defaultSafes(),
		Folders: defaultFolders(),
		Secrets: defaultSecrets(),
	}
}

// ReadSeed reads a JSON seed (see the package documentation for the
// schema). Unknown fields, trailing data and a version other than 1 are
// errors.
func ReadSeed(r io.Reader) (Seed, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var s Seed
	// Check the version first, so a file of another version is named as
	// such rather than by its first unknown field.
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
	}
	if dec.More() {
		return Seed{}, errors.New("seed: unexpected data after the seed object")
	}
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
	}
	switch {
	case head.Version == nil:
		return Seed{}, fmt.Errorf(`seed: "version" is required (this package reads version %d)`, SeedVersion)
	case *head.Version != SeedVersion:
		return Seed{}, fmt.Errorf("seed: version %d is not supported (this package reads version %d)", *head.Version, SeedVersion)
	}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&s); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
	}
	return s, nil
}

// ReadSeedFile reads a JSON seed file; errors name the file.
func ReadSeedFile(path string) (Seed, error) {
	f, err := os.Open(path)
	if err != nil {
		return Seed{}, err
	}
	defer f.Close()
	s, err := ReadSeed(f)
	if err != nil {
		return Seed{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// merge adds o's entries to s.
func (s *Seed) merge(o Seed) {
	s.NoDefaults = s.NoDefaults || o.NoDefaults
	s.Users = append(s.Users, o.Users...)
	s.Systems = append(s.Systems, o.Systems...)
	s.Accounts = append(s.Accounts, o.Accounts...)
	s.Aliases = append(s.Aliases, o.Aliases...)
	s.Sessions = append(s.Sessions, o.Sessions...)
	s.Nodes = append(s.Nodes, o.Nodes...)
	s.Safes = append(s.Safes, o.Safes...)
	s.Folders = append(s.Folders, o.Folders...)
	s.Secrets = append(s.Secrets, o.Secrets...)
	s.mergeInventory(o)
}

// withDefaults combines the test's seed with the default seed: default
// users are kept unless the test seeds a user of the same name; the
// default inventory (systems, accounts, aliases) is kept only when the
// test seeds no system and no account of its own, and its live session
// only when the test seeds no session either; the default nodes only when
// it seeds no node.
func (s Seed) withDefaults() Seed {
	if s.NoDefaults {
		return s
	}
	d := DefaultSeed()
	out := Seed{Version: SeedVersion}
	for _, u := range d.Users {
		if !slices.ContainsFunc(s.Users, func(o User) bool { return strings.EqualFold(o.UserName, u.UserName) }) {
			// A test user may take a default user's ID: the default then moves.
			if slices.ContainsFunc(s.Users, func(o User) bool { return o.ID == u.ID }) {
				u.ID = 0
			}
			out.Users = append(out.Users, u)
		}
	}
	out.Users = append(out.Users, s.Users...)
	if len(s.Systems) == 0 && len(s.Accounts) == 0 {
		out.Systems, out.Accounts, out.Aliases = d.Systems, d.Accounts, d.Aliases
		if len(s.Sessions) == 0 {
			out.Sessions = d.Sessions
		}
	}
	out.Systems = append(out.Systems, s.Systems...)
	out.Accounts = append(out.Accounts, s.Accounts...)
	out.Aliases = append(out.Aliases, s.Aliases...)
	out.Sessions = append(out.Sessions, s.Sessions...)
	if len(s.Nodes) == 0 {
		out.Nodes = d.Nodes
	}
	out.Nodes = append(out.Nodes, s.Nodes...)
	if len(s.Safes) == 0 && len(s.Folders) == 0 && len(s.Secrets) == 0 {
		out.Safes, out.Folders, out.Secrets = d.Safes, d.Folders, d.Secrets
	}
	out.Safes = append(out.Safes, s.Safes...)
	out.Folders = append(out.Folders, s.Folders...)
	out.Secrets = append(out.Secrets, s.Secrets...)
	out.inventoryDefaults(s, d)
	return out
}

// The internal model the handlers work on.

// user is a Password Safe user the API can run as.
type user struct {
	id        int
	userName  string
	name      string
	email     string
	password  string // run-as password; "" when none is required
	requestor bool
	approver  bool
	admin     bool
	auditor   bool
	isa       bool
	// quarantine: the Password Safe API Global Quarantine permission.
	quarantine bool
	reviewer   bool // the Active Session Reviewer role
	secrets    int  // the Secrets Safe permission level (secretsNone...secretsFull)
}

func (u *user) sid() string {
	return fmt.Sprintf("S-1-5-21-3623811015-3361044348-30300820-%d", 1100+u.id)
}

func (u *user) roles() []Role {
	var r []Role
	for _, x := range []struct {
		has  bool
		role Role
	}{{u.admin, RoleAdmin}, {u.requestor, RoleRequestor}, {u.approver, RoleApprover}, {u.auditor, RoleAuditor}, {u.isa, RoleISA}, {u.quarantine, RoleQuarantine},
		{u.reviewer, RoleActiveSessionReviewer}} {
		if x.has {
			r = append(r, x.role)
		}
	}
	return r
}

// mayQuarantine reports whether u holds the Password Safe API Global
// Quarantine permission: the Quarantine role, or the Administrators group.
func (u *user) mayQuarantine() bool { return u.quarantine || u.admin }

// maySeeSessions reports whether u may list and read sessions (GET
// Sessions, GET Sessions/{id}).
func (u *user) maySeeSessions() bool { return u.admin || u.auditor || u.isa || u.reviewer }

// mayRequestAccounts reports whether GET ManagedAccounts shows u anything.
func (u *user) mayRequestAccounts() bool { return u.requestor || u.admin || u.isa }

// system is a managed system (an asset).
type system struct {
	id         int
	name       string
	dnsName    string
	platform   string
	platformID int
	typ        string
	workgroup  string
	ip         string
}

// account is a managed account on a system, with its access policy.
type account struct {
	id          int
	sys         *system
	name        string
	domain      string
	upn         string
	instance    string
	description string
	accessTypes []string       // allowed AccessType values
	apps        map[int]string // ApplicationID -> name, for App access
	approvers   []string       // user names that may approve; nil: every approver
	needed      int            // approvals needed; 0 = auto-approve
	needReason  bool
	needTicket  bool
	defRelease  int
	maxRelease  int
	password    string
	privateKey  string // "" when the account has no SSH (DSS) key
	passphrase  string
	lastChange  time.Time
}

func (a *account) allows(accessType string) bool { return slices.Contains(a.accessTypes, accessType) }

// rotate gives the account a new random password.
func (a *account) rotate(now time.Time) {
	a.password = newPassword()
	a.lastChange = now
}

// qualifiedName is DOMAIN\name for domain accounts.
func (a *account) qualifiedName() string {
	if a.domain != "" {
		return a.domain + `\` + a.name
	}
	return a.name
}

// named reports whether n names the account: its name, DOMAIN\name or its
// user principal name, case-insensitively.
func (a *account) named(n string) bool {
	return strings.EqualFold(n, a.name) || strings.EqualFold(n, a.qualifiedName()) ||
		a.upn != "" && strings.EqualFold(n, a.upn)
}

// alias is a managed account alias; mapped[0] is the account it resolves to.
type alias struct {
	id     int
	name   string
	mapped []*account
}

func (al *alias) state() int { return min(len(al.mapped), 2) }

func (al *alias) current() *account {
	if len(al.mapped) == 0 {
		return nil
	}
	return al.mapped[0]
}

var accessTypes = map[string]string{"view": "View", "rdp": "RDP", "ssh": "SSH", "app": "App"}

var systemTypes = []string{"system", "database", "domainlinked", "cloud", "application"}

// nextID hands out IDs: explicit ones are kept, 0 gets one more than the
// highest seen.
type nextID struct {
	used map[int]bool
	max  int
}

func (n *nextID) claim(id int) error {
	if n.used == nil {
		n.used = map[int]bool{}
	}
	if id < 0 {
		return fmt.Errorf("ID %d is negative", id)
	}
	if n.used[id] {
		return fmt.Errorf("ID %d is used twice", id)
	}
	n.used[id], n.max = true, max(n.max, id)
	return nil
}

func (n *nextID) next() int {
	if n.used == nil {
		n.used = map[int]bool{}
	}
	n.max++
	n.used[n.max] = true
	return n.max
}

// load builds the server's state from a seed; errors say what is wrong
// with the seed.
func (s *Server) load(seed Seed, now time.Time) error {
	if seed.Version != 0 && seed.Version != SeedVersion {
		return fmt.Errorf("seed: version %d is not supported (this package reads version %d)", seed.Version, SeedVersion)
	}
	seed = seed.withDefaults()
	if err := s.loadUsers(seed.Users); err != nil {
		return err
	}
	if err := s.loadInventory(seed, now); err != nil {
		return err
	}
	if err := s.loadNodes(seed.Nodes, now); err != nil {
		return err
	}
	if err := s.loadSecretsSafe(seed, now); err != nil {
		return err
	}
	if err := s.loadInventoryExtras(seed, now); err != nil {
		return err
	}
	return s.loadSessions(seed.Sessions, now)
}

func (s *Server) loadUsers(users []User) error {
	var ids nextID
	for _, u := range users {
		if u.ID != 0 {
			if err := ids.claim(u.ID); err != nil {
				return fmt.Errorf("seed: user %q: %w", u.UserName, err)
			}
		}
	}
	for _, u := range users {
		if strings.TrimSpace(u.UserName) == "" || strings.ContainsAny(u.UserName, ";=[]") {
			return fmt.Errorf("seed: user name %q must be non-empty and hold no ';', '=', '[' or ']'", u.UserName)
		}
		if s.userByName(u.UserName) != nil {
			return fmt.Errorf("seed: user %q is seeded twice", u.UserName)
		}
		if strings.Contains(u.RunAsPassword, "]") {
			return fmt.Errorf("seed: user %q: a run-as password cannot hold ']' (PS-Auth sends it as pwd=[...])", u.UserName)
		}
		nu := &user{id: u.ID, userName: u.UserName, name: u.Name, email: u.Email, password: u.RunAsPassword}
		if nu.secrets = secretsLevel(u.SecretsSafe); nu.secrets < 0 {
			return fmt.Errorf("seed: user %q: Secrets Safe permission %q is not Read, ReadWrite, Manage or FullControl", u.UserName, u.SecretsSafe)
		}
		if nu.id == 0 {
			nu.id = ids.next()
		}
		if nu.name == "" {
			nu.name = u.UserName
		}
		if nu.email == "" {
			nu.email = strings.ToLower(u.UserName) + "@example.test"
		}
		for _, r := range u.Roles {
			switch strings.ToLower(string(r)) {
			case "requestor":
				nu.requestor = true
			case "approver":
				nu.approver = true
			case "administrators", "administrator", "admin":
				nu.admin = true
			case "auditor", "auditors":
				nu.auditor = true
			case "isa":
				nu.isa = true
			case "quarantine", "globalquarantine":
				nu.quarantine = true
			case "active session reviewer", "activesessionreviewer":
				nu.reviewer = true
			default:
				return fmt.Errorf("seed: user %q: unknown role %q (Requestor, Approver, Administrators, Auditor, ISA, Quarantine or Active Session Reviewer)", u.UserName, r)
			}
		}
		s.users = append(s.users, nu)
	}
	slices.SortFunc(s.users, func(a, b *user) int { return a.id - b.id })
	return nil
}

func (s *Server) loadInventory(seed Seed, now time.Time) error {
	var sysIDs, acctIDs, aliasIDs nextID
	for _, sy := range seed.Systems {
		if sy.ID != 0 {
			if err := sysIDs.claim(sy.ID); err != nil {
				return fmt.Errorf("seed: system %q: %w", sy.Name, err)
			}
		}
	}
	for _, a := range seed.Accounts {
		if a.ID != 0 {
			if err := acctIDs.claim(a.ID); err != nil {
				return fmt.Errorf("seed: account %s/%s: %w", a.System, a.Name, err)
			}
		}
	}
	for _, al := range seed.Aliases {
		if al.ID != 0 {
			if err := aliasIDs.claim(al.ID); err != nil {
				return fmt.Errorf("seed: alias %q: %w", al.Name, err)
			}
		}
	}
	addSystem := func(sy System) (*system, error) {
		if strings.TrimSpace(sy.Name) == "" {
			return nil, errors.New("seed: a system needs a name")
		}
		if s.systemByName(sy.Name) != nil {
			return nil, fmt.Errorf("seed: system %q is seeded twice", sy.Name)
		}
		ns := &system{id: sy.ID, name: sy.Name, platform: sy.Platform, platformID: sy.PlatformID,
			typ: strings.ToLower(sy.Type), workgroup: sy.Workgroup, ip: sy.IPAddress}
		if ns.id == 0 {
			ns.id = sysIDs.next()
		}
		if ns.platform == "" {
			ns.platform = "Linux"
		}
		if ns.platformID == 0 {
			switch strings.ToLower(ns.platform) {
			case "linux":
				ns.platformID = 2
			case "windows":
				ns.platformID = 1
			default:
				ns.platformID = 10
			}
		}
		if ns.typ == "" {
			ns.typ = "system"
		}
		if !slices.Contains(systemTypes, ns.typ) {
			return nil, fmt.Errorf("seed: system %q: type %q is not one of %s", sy.Name, sy.Type, strings.Join(systemTypes, ", "))
		}
		if ns.workgroup == "" {
			ns.workgroup = "BeyondTrust Workgroup"
		}
		if ns.ip == "" {
			ns.ip = fmt.Sprintf("10.20.%d.%d", ns.id/250, ns.id%250+1)
		}
		ns.dnsName = strings.ToLower(ns.name) + ".example.test"
		s.systems = append(s.systems, ns)
		return ns, nil
	}
	for _, sy := range seed.Systems {
		if _, err := addSystem(sy); err != nil {
			return err
		}
	}
	for _, a := range seed.Accounts {
		where := a.System + "/" + a.Name
		if strings.TrimSpace(a.Name) == "" || strings.TrimSpace(a.System) == "" {
			return fmt.Errorf("seed: account %q needs a system and a name", where)
		}
		sy := s.systemByName(a.System)
		if sy == nil {
			var err error
			if sy, err = addSystem(System{Name: a.System}); err != nil {
				return err
			}
		}
		if s.accountByName(sy, a.Name) != nil {
			return fmt.Errorf("seed: account %s is seeded twice", where)
		}
		na := &account{
			id: a.ID, sys: sy, name: a.Name, domain: a.Domain, upn: a.UserPrincipalName,
			instance: a.Instance, description: a.Description,
			apps: map[int]string{}, needed: a.Policy.Approvals,
			needReason: a.Policy.RequireReason, needTicket: a.Policy.RequireTicket,
			defRelease: a.DefaultReleaseMinutes, maxRelease: a.MaximumReleaseMinutes,
			password: a.Password, privateKey: a.PrivateKey, passphrase: a.Passphrase, lastChange: now,
		}
		if na.id == 0 {
			na.id = acctIDs.next()
		}
		for id, name := range a.Applications {
			if id <= 0 {
				return fmt.Errorf("seed: account %s: ApplicationID %d must be positive", where, id)
			}
			na.apps[id] = name
		}
		access := a.Access
		if len(access) == 0 {
			access = []string{"View", "SSH"}
			if strings.EqualFold(sy.platform, "windows") {
				access = []string{"View", "RDP"}
			}
			if len(na.apps) > 0 {
				access = append(access, "App")
			}
		}
		for _, t := range access {
			at, ok := accessTypes[strings.ToLower(t)]
			if !ok {
				return fmt.Errorf("seed: account %s: access type %q is not View, SSH, RDP or App", where, t)
			}
			if !slices.Contains(na.accessTypes, at) {
				na.accessTypes = append(na.accessTypes, at)
			}
		}
		if na.allows("App") && len(na.apps) == 0 {
			return fmt.Errorf("seed: account %s: App access needs applications", where)
		}
		if na.needed < 0 {
			return fmt.Errorf("seed: account %s: approvals must be 0 (auto-approve) or more", where)
		}
		if a.Policy.Approvers != nil {
			na.approvers = []string{}
			for _, name := range a.Policy.Approvers {
				u := s.userByName(name)
				if u == nil {
					return fmt.Errorf("seed: account %s: approver %q is not a seeded user", where, name)
				}
				na.approvers = append(na.approvers, u.userName)
			}
		}
		if na.maxRelease == 0 {
			na.maxRelease = 525600
		}
		if na.defRelease == 0 {
			na.defRelease = min(120, na.maxRelease)
		}
		if na.defRelease < 1 || na.maxRelease < na.defRelease || na.maxRelease > 525600 {
			return fmt.Errorf("seed: account %s: release minutes need 1 <= default <= maximum <= 525600", where)
		}
		if na.password == "" {
			na.password = newPassword()
		}
		if a.GenerateSSHKey {
			if na.privateKey == "" {
				na.privateKey = newPrivateKey()
			}
			if na.passphrase == "" {
				na.passphrase = newPassword()
			}
		}
		s.accounts = append(s.accounts, na)
	}
	for _, al := range seed.Aliases {
		if strings.TrimSpace(al.Name) == "" {
			return errors.New("seed: an alias needs a name")
		}
		if slices.ContainsFunc(s.aliases, func(o *alias) bool { return strings.EqualFold(o.name, al.Name) }) {
			return fmt.Errorf("seed: alias %q is seeded twice", al.Name)
		}
		na := &alias{id: al.ID, name: al.Name}
		if na.id == 0 {
			na.id = aliasIDs.next()
		}
		for _, ref := range al.Accounts {
			a := s.findAccount(ref.System, ref.Account)
			if a == nil {
				return fmt.Errorf("seed: alias %q: no seeded account %s/%s", al.Name, ref.System, ref.Account)
			}
			na.mapped = append(na.mapped, a)
		}
		s.aliases = append(s.aliases, na)
	}
	slices.SortFunc(s.systems, func(a, b *system) int { return a.id - b.id })
	slices.SortFunc(s.accounts, func(a, b *account) int { return a.id - b.id })
	slices.SortFunc(s.aliases, func(a, b *alias) int { return a.id - b.id })
	return nil
}

func (s *Server) loadSessions(sessions []RecordedSession, now time.Time) error {
	// Explicit IDs are kept; the others take the free ones from 7001 on.
	// Sessions made later count on above every seeded ID.
	var ids nextID
	for i, rs := range sessions {
		if rs.ID != 0 {
			if err := ids.claim(rs.ID); err != nil {
				return fmt.Errorf("seed: session %d: %w", i+1, err)
			}
		}
	}
	free := s.nextSession
	for i, rs := range sessions {
		where := fmt.Sprintf("seed: session %d (%s on %s/%s)", i+1, rs.User, rs.System, rs.Account)
		u := s.userByName(rs.User)
		if u == nil {
			return fmt.Errorf("%s: no seeded user %q", where, rs.User)
		}
		a := s.findAccount(rs.System, rs.Account)
		if a == nil {
			return fmt.Errorf("%s: no seeded account", where)
		}
		proto := protocolSSH
		switch strings.ToUpper(rs.Protocol) {
		case "", "SSH":
		case "RDP":
			proto = protocolRDP
		default:
			return fmt.Errorf("%s: protocol %q is not SSH or RDP", where, rs.Protocol)
		}
		if rs.DurationSeconds < 0 {
			return fmt.Errorf("%s: durationSeconds is negative", where)
		}
		if err := checkFrames(rs); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		d := time.Duration(rs.DurationSeconds) * time.Second
		if rs.DurationSeconds == 0 {
			d = 5 * time.Minute
		}
		start := rs.Start.UTC()
		if rs.Start.IsZero() {
			start = now.Add(-d)
		}
		ps := &psmSession{
			id: rs.ID, user: u, status: sessionCompleted, protocol: proto,
			start: start, ended: start.Add(d), asset: a.sys.name, systemID: a.sys.id, accountID: a.id,
			account: a.qualifiedName(), recordKey: randomHex(64), token: randomHex(32), screen: rs.Screen,
			frames: slices.Clone(rs.Frames), sessionType: "SSH",
		}
		if ps.id == 0 {
			for ids.used[free] {
				free++
			}
			ps.id = free
			_ = ids.claim(free)
		}
		if proto == protocolRDP {
			ps.sessionType = "RDP"
		}
		if rs.Live {
			ps.status, ps.ended = sessionInProgress, time.Time{}
		}
		s.sessions[ps.id] = ps
	}
	s.nextSession = max(s.nextSession, ids.max+1)
	return nil
}

// checkFrames refuses frames out of order, before the start, or beside a
// Screen.
func checkFrames(rs RecordedSession) error {
	if rs.Screen != "" && len(rs.Frames) > 0 {
		return errors.New("give screen or frames, not both")
	}
	for i, f := range rs.Frames {
		if f.AtSeconds < 0 || i > 0 && f.AtSeconds <= rs.Frames[i-1].AtSeconds {
			return fmt.Errorf("frame %d: atSeconds must be 0 or more and ascending", i+1)
		}
	}
	return nil
}

// loadNodes builds the session nodes: the fake's own first, then the
// seeded ones.
func (s *Server) loadNodes(nodes []Node, now time.Time) error {
	s.nodes = []*node{{id: NodeID, hostName: "localhost", displayName: "Local node", active: true}}
	for i, n := range nodes {
		if strings.EqualFold(n.ID, NodeID) {
			if n.Inactive {
				return fmt.Errorf("seed: node %s is the fake's own node: it cannot be inactive", NodeID)
			}
			if n.HostName != "" {
				s.nodes[0].hostName = n.HostName
			}
			if n.DisplayName != "" {
				s.nodes[0].displayName = n.DisplayName
			}
			continue
		}
		nn := &node{id: n.ID, hostName: n.HostName, displayName: n.DisplayName, active: !n.Inactive, heartbeat: n.LastHeartbeat.UTC()}
		if nn.id == "" {
			nn.id = newGUID()
		}
		if s.nodeByID(nn.id) != nil {
			return fmt.Errorf("seed: node %s is seeded twice", nn.id)
		}
		if nn.hostName == "" {
			nn.hostName = fmt.Sprintf("node-%d.example.test", i+1)
		}
		if nn.displayName == "" {
			nn.displayName = nn.hostName
		}
		if n.LastHeartbeat.IsZero() {
			nn.heartbeat = now.Add(-7 * 24 * time.Hour)
		}
		s.nodes = append(s.nodes, nn)
	}
	return nil
}

// newPrivateKey returns a fresh PKCS#8 PEM private key.
func newPrivateKey() string {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic("passwordsafetest: generating a key: " + err.Error())
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		panic("passwordsafetest: encoding a key: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func (s *Server) userByName(name string) *user {
	for _, u := range s.users {
		if strings.EqualFold(u.userName, name) {
			return u
		}
	}
	return nil
}

func (s *Server) systemByName(name string) *system {
	for _, sy := range s.systems {
		if strings.EqualFold(sy.name, name) {
			return sy
		}
	}
	return nil
}

// accountByName finds an account on sy by name, DOMAIN\name or UPN.
func (s *Server) accountByName(sy *system, name string) *account {
	for _, a := range s.accounts {
		if a.sys == sy && a.named(name) {
			return a
		}
	}
	return nil
}

// findAccount finds an account by system and account name.
func (s *Server) findAccount(systemName, accountName string) *account {
	sy := s.systemByName(systemName)
	if sy == nil {
		return nil
	}
	return s.accountByName(sy, accountName)
}

func (s *Server) accountByID(systemID, accountID int) *account {
	for _, a := range s.accounts {
		if a.id == accountID && a.sys.id == systemID {
			return a
		}
	}
	return nil
}

func (s *Server) aliasByID(id int) *alias {
	for _, a := range s.aliases {
		if a.id == id {
			return a
		}
	}
	return nil
}
