package passwordsafetest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// user is a Password Safe user the API can run as.
type user struct {
	id        int
	userName  string
	name      string
	password  string // run-as password; "" when none is required
	requestor bool
	approver  bool
	admin     bool
}

func (u *user) email() string { return u.userName + "@example.test" }
func (u *user) sid() string {
	return fmt.Sprintf("S-1-5-21-3623811015-3361044348-30300820-%d", 1100+u.id)
}

func (u *user) roles() []string {
	var r []string
	if u.admin {
		r = append(r, "Administrators")
	}
	if u.requestor {
		r = append(r, "Requestor")
	}
	if u.approver {
		r = append(r, "Approver")
	}
	return r
}

// system is a managed system (an asset).
type system struct {
	id         int
	name       string
	dnsName    string
	platform   string
	platformID int
}

// account is a managed account on a system, with its access policy.
type account struct {
	id          int
	sys         *system
	name        string
	domain      string
	accessTypes []string       // allowed AccessType values
	apps        map[int]string // ApplicationID -> name, for App access
	approvers   []string       // user names in the policy's approver group
	needed      int            // approvals needed; 0 = auto-approve
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

// alias is a managed account alias; mapped[0] is the account it resolves to.
type alias struct {
	id     int
	name   string
	state  int // 0 unmapped, 1 mapped, 2 highly available
	mapped []*account
}

func (a *alias) current() *account {
	if len(a.mapped) == 0 {
		return nil
	}
	return a.mapped[0]
}

// seed fills the server with the fixed users, systems, accounts and aliases.
func (s *Server) seed(now time.Time) {
	s.users = []*user{
		{id: 1, userName: "requestor", name: "Rita Requestor", requestor: true},
		{id: 2, userName: "approver", name: "Arno Approver", approver: true},
		{id: 3, userName: "admin", name: "Ada Admin", admin: true, requestor: true, approver: true},
		{id: 4, userName: "reqapprover", name: "Remy Reqapprover", requestor: true, approver: true},
		{id: 5, userName: "secured", name: "Sam Secured", requestor: true, password: "Secured-Pa55!"},
	}
	sys := func(id int, name, platform string, platformID int) *system {
		return &system{id: id, name: name, dnsName: name + ".example.test", platform: platform, platformID: platformID}
	}
	web01 := sys(1, "web01", "Linux", 2)
	db01 := sys(2, "db01", "Linux", 2)
	win01 := sys(3, "win01", "Windows", 1)
	app01 := sys(4, "app01", "Linux", 2)
	vault01 := sys(5, "vault01", "Linux", 2)
	db02 := sys(6, "db02", "Linux", 2)
	s.systems = []*system{web01, db01, win01, app01, vault01, db02}

	everyone := []string{"approver", "reqapprover", "admin"}
	linux := []string{"View", "SSH"}
	acct := func(id int, sys *system, name string, types []string, needed int, approvers []string) *account {
		a := &account{id: id, sys: sys, name: name, accessTypes: types, needed: needed, approvers: approvers}
		a.rotate(now)
		return a
	}
	root := acct(11, web01, "root", linux, 0, everyone)
	root.privateKey, root.passphrase = newPrivateKey(), newPassword()
	postgres := acct(21, db01, "postgres", linux, 1, everyone)
	administrator := acct(31, win01, "Administrator", []string{"View", "RDP", "App"}, 0, everyone)
	administrator.apps = map[int]string{1: "Server Manager"}
	deploy := acct(41, app01, "deploy", linux, 2, everyone)
	deploy.domain = "EXAMPLE"
	// Three approvals needed, but only two users are in the approver group.
	breakglass := acct(51, vault01, "breakglass", linux, 3, []string{"approver", "reqapprover"})
	postgres2 := acct(61, db02, "postgres", linux, 1, everyone)
	s.accounts = []*account{root, postgres, administrator, deploy, breakglass, postgres2}

	s.aliases = []*alias{
		{id: 1, name: "web-root", state: 1, mapped: []*account{root}},
		{id: 2, name: "db-ha", state: 2, mapped: []*account{postgres, postgres2}},
		{id: 3, name: "orphan", state: 0},
	}
}

// newPrivateKey returns a fresh PKCS#8 PEM private key for the SSH account.
func newPrivateKey() string {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic("fakeps: generating a key: " + err.Error())
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		panic("fakeps: encoding a key: " + err.Error())
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

// UserInfo describes a seeded user.
type UserInfo struct {
	UserID        int
	UserName      string
	Name          string
	EmailAddress  string
	SID           string
	Roles         []string // "Administrators", "Requestor", "Approver"
	RunAsPassword string   // the pwd=[...] the user needs at sign-in; "" when none
}

// AccountInfo describes a seeded managed account and its access policy.
type AccountInfo struct {
	SystemID        int
	SystemName      string
	Platform        string
	AccountID       int
	AccountName     string
	DomainName      string
	AccessTypes     []string       // View, SSH, RDP, App
	Applications    map[int]string // ApplicationID -> name (App access)
	ApproversNeeded int            // 0 = auto-approve
	Approvers       []string       // user names that may approve
	HasDSSKey       bool
}

// AccountRef names a managed account by system and account ID.
type AccountRef struct {
	SystemID  int
	AccountID int
}

// AliasInfo describes a seeded alias.
type AliasInfo struct {
	AliasID        int
	AliasName      string
	AliasState     int          // 0 unmapped, 1 mapped, 2 highly available
	MappedAccounts []AccountRef // the first is the one requests go to
}

// Users returns the seeded users, by ID.
func (s *Server) Users() []UserInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]UserInfo, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, UserInfo{
			UserID: u.id, UserName: u.userName, Name: u.name, EmailAddress: u.email(),
			SID: u.sid(), Roles: u.roles(), RunAsPassword: u.password,
		})
	}
	return out
}

// Accounts returns the seeded managed accounts, by ID.
func (s *Server) Accounts() []AccountInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AccountInfo, 0, len(s.accounts))
	for _, a := range s.accounts {
		info := AccountInfo{
			SystemID: a.sys.id, SystemName: a.sys.name, Platform: a.sys.platform,
			AccountID: a.id, AccountName: a.name, DomainName: a.domain,
			AccessTypes:     append([]string(nil), a.accessTypes...),
			ApproversNeeded: a.needed, Approvers: append([]string(nil), a.approvers...),
			HasDSSKey: a.privateKey != "",
		}
		if len(a.apps) > 0 {
			info.Applications = map[int]string{}
			for id, name := range a.apps {
				info.Applications[id] = name
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AccountID < out[j].AccountID })
	return out
}

// AliasList returns the seeded aliases, by ID.
func (s *Server) AliasList() []AliasInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AliasInfo, 0, len(s.aliases))
	for _, a := range s.aliases {
		info := AliasInfo{AliasID: a.id, AliasName: a.name, AliasState: a.state}
		for _, m := range a.mapped {
			info.MappedAccounts = append(info.MappedAccounts, AccountRef{SystemID: m.sys.id, AccountID: m.id})
		}
		out = append(out, info)
	}
	return out
}

// Password returns the current password of a managed account, or "" when
// there is no such account.
func (s *Server) Password(systemID, accountID int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.clock.now())
	if a := s.accountByID(systemID, accountID); a != nil {
		return a.password
	}
	return ""
}
