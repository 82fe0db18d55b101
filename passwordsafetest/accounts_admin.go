package passwordsafetest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The administrator's calls on managed accounts: every account of a
// system, one by ID, create, update, delete, and the credential (set it,
// change it now, the current TOTP code). Shapes and permissions are the
// reference pages' (get-api-public-v3-managedsystems-systemid-managedaccounts,
// put-api-public-v3-managedaccounts-managedaccountid-credentials,
// post-...-credentials-change, get-...-credentials?type=totp) and the
// vendor's Python client's field lists. Reading needs Password Safe Account
// Management (Read): Administrators, Auditor, Quarantine in the fake; the
// changes need it with Full control: Administrators; setting a credential
// is open to the ISA role too.

// accountDetailsJSON is a managed account as GET ManagedAccounts/{id}
// answers it. The create and update bodies are decoded into it too.
type accountDetailsJSON struct {
	ManagedAccountID                  int
	ManagedSystemID                   int
	DomainName                        *string
	AccountName                       string
	DistinguishedName                 *string
	PasswordFallbackFlag              bool
	UserPrincipalName                 *string
	SAMAccountName                    *string
	LoginAccountFlag                  bool
	Description                       *string
	PasswordRuleID                    int
	ApiEnabled                        bool
	ReleaseNotificationEmail          *string
	ChangeServicesFlag                bool
	RestartServicesFlag               bool
	ChangeTasksFlag                   bool
	ReleaseDuration                   int
	MaxReleaseDuration                int
	ISAReleaseDuration                int
	MaxConcurrentRequests             int
	AutoManagementFlag                bool
	DSSAutoManagementFlag             bool
	CheckPasswordFlag                 bool
	ResetPasswordOnMismatchFlag       bool
	ChangePasswordAfterAnyReleaseFlag bool
	ChangeFrequencyType               string
	ChangeFrequencyDays               int
	ChangeTime                        string
	ParentAccountID                   *int
	IsSubscribedAccount               bool
	LastChangeDate                    *string
	NextChangeDate                    *string
	IsChanging                        bool
	ChangeState                       int
	UseOwnCredentials                 bool
	WorkgroupID                       *int
	ChangeIISAppPoolFlag              bool
	RestartIISAppPoolFlag             bool
	ChangeWindowsAutoLogonFlag        bool
	ChangeComPlusFlag                 bool
	ChangeDComFlag                    bool
	ChangeSComFlag                    bool
	ObjectID                          *string
}

// accountBodyJSON is the body of the create and update calls: the fields,
// and the credential.
type accountBodyJSON struct {
	accountDetailsJSON
	Password   string
	PrivateKey string
	Passphrase string
}

func newAccountExtra(a *account) *accountExtra {
	return &accountExtra{settings: accountDetailsJSON{ApiEnabled: true, ISAReleaseDuration: 120, ChangeFrequencyType: "first",
		ChangeFrequencyDays: 30, ChangeTime: "23:30"}}
}

func (s *Server) accountDetails(a *account) accountDetailsJSON {
	out := s.inv.acct[a].settings
	out.ManagedAccountID, out.ManagedSystemID, out.AccountName = a.id, a.sys.id, a.name
	out.DomainName, out.UserPrincipalName, out.Description = nullString(a.domain), nullString(a.upn), nullString(a.description)
	out.ReleaseDuration, out.MaxReleaseDuration = a.defRelease, a.maxRelease
	out.LastChangeDate = date(a.lastChange, dateLayoutAccounts)
	return out
}

// accountsOfSystem answers every managed account of a system, paged.
//
// API: GET ManagedSystems/{systemID}/ManagedAccounts?limit=&offset=
// Reference: get-api-public-v3-managedsystems-systemid-managedaccounts
func (s *Server) accountsOfSystem(c *call) reply {
	if !c.user.readsAccounts() {
		return needs(permAccountsRead)
	}
	sy := s.systemByID(c.id(0))
	if sy == nil {
		return notFound("Managed System not found.")
	}
	out := []accountDetailsJSON{}
	for _, a := range s.accounts {
		if a.sys == sy {
			out = append(out, s.accountDetails(a))
		}
	}
	return pageOf(c, out)
}

// getAccount answers one managed account, as its administrator sees it.
//
// API: GET ManagedAccounts/{id}
// Reference: get-api-public-v3-managedaccounts-id
func (s *Server) getAccount(c *call) reply {
	if !c.user.readsAccounts() {
		return needs(permAccountsRead)
	}
	a := s.accountByAccountID(c.id(0))
	if a == nil {
		return notFound("Managed Account not found.")
	}
	return jsonReply(http.StatusOK, s.accountDetails(a))
}

// checkAccountBody checks a create or update body as the server does.
func checkAccountBody(b *accountBodyJSON, create bool) string {
	switch {
	case strings.TrimSpace(b.AccountName) == "" || len([]rune(b.AccountName)) > 245:
		return "AccountName is required, at most 245 characters."
	case create && b.Password == "" && !b.AutoManagementFlag:
		return "Password is required unless AutoManagementFlag is true."
	case b.ReleaseDuration < 1 || b.MaxReleaseDuration > 525600 || b.ReleaseDuration > b.MaxReleaseDuration:
		return "ReleaseDuration and MaxReleaseDuration must be 1 to 525600 minutes, ReleaseDuration the smaller."
	case b.MaxConcurrentRequests < 0 || b.MaxConcurrentRequests > 999:
		return "MaxConcurrentRequests must be 0 to 999."
	case !slices.Contains([]string{"first", "last", "xdays"}, b.ChangeFrequencyType):
		return "ChangeFrequencyType must be first, last or xdays."
	case b.Passphrase != "" && b.PrivateKey == "":
		return "Passphrase needs a PrivateKey."
	}
	return ""
}

// createAccount creates a managed account on a system, auto-approved for
// every requestor, with View and the platform's session access. An
// auto-managed account without a password gets a random one. A name taken
// on the system is 409. It answers 201 and the account.
//
// API: POST ManagedSystems/{systemID}/ManagedAccounts
// Reference: post-api-public-v3-managedsystems-systemid-managedaccounts
func (s *Server) createAccount(c *call) reply {
	if !c.user.admin {
		return needs(permAccountsFull)
	}
	sy := s.systemByID(c.id(0))
	if sy == nil {
		return notFound("Managed System not found.")
	}
	x := newAccountExtra(nil)
	b := accountBodyJSON{accountDetailsJSON: x.settings}
	b.ReleaseDuration, b.MaxReleaseDuration = 120, 525600
	if rep, ok := decodeStrict(c, &b); !ok {
		return rep
	}
	if msg := checkAccountBody(&b, true); msg != "" {
		return badRequest(msg)
	}
	if s.accountByName(sy, b.AccountName) != nil {
		return errorReply(http.StatusConflict, "A managed account named "+b.AccountName+" already exists on "+sy.name+".")
	}
	id := 1
	for _, a := range s.accounts {
		id = max(id, a.id+1)
	}
	access := []string{"View", "SSH"}
	if strings.EqualFold(sy.platform, "windows") {
		access = []string{"View", "RDP"}
	}
	a := &account{id: id, sys: sy, accessTypes: access, apps: map[int]string{}, lastChange: c.now}
	s.setAccount(a, &b, c.now)
	if a.password == "" {
		a.password = newPassword()
	}
	x.settings = b.accountDetailsJSON
	s.accounts = append(s.accounts, a)
	s.inv.acct[a] = x
	return jsonReply(http.StatusCreated, s.accountDetails(a))
}

// setAccount applies a body's fields to the account.
func (s *Server) setAccount(a *account, b *accountBodyJSON, now time.Time) {
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	a.name, a.domain, a.upn, a.description = b.AccountName, deref(b.DomainName), deref(b.UserPrincipalName), deref(b.Description)
	a.defRelease, a.maxRelease = b.ReleaseDuration, b.MaxReleaseDuration
	if b.Password != "" {
		a.password, a.lastChange = b.Password, now
	}
	if b.PrivateKey != "" {
		a.privateKey, a.passphrase = b.PrivateKey, b.Passphrase
	}
}

// updateAccount changes the fields the body gives; a Password is stored
// as the account's.
//
// API: PUT ManagedAccounts/{id}
// Reference: put-api-public-v3-managedaccounts-id
func (s *Server) updateAccount(c *call) reply {
	if !c.user.admin {
		return needs(permAccountsFull)
	}
	a := s.accountByAccountID(c.id(0))
	if a == nil {
		return notFound("Managed Account not found.")
	}
	b := accountBodyJSON{accountDetailsJSON: s.accountDetails(a)}
	if rep, ok := decodeStrict(c, &b); !ok {
		return rep
	}
	if msg := checkAccountBody(&b, false); msg != "" {
		return badRequest(msg)
	}
	if other := s.accountByName(a.sys, b.AccountName); other != nil && other != a {
		return errorReply(http.StatusConflict, "A managed account named "+b.AccountName+" already exists on "+a.sys.name+".")
	}
	s.setAccount(a, &b, c.now)
	s.inv.acct[a].settings = b.accountDetailsJSON
	return jsonReply(http.StatusOK, s.accountDetails(a))
}

// deleteAccount deletes a managed account: its open requests end (as
// terminated) and its aliases no longer map it.
//
// API: DELETE ManagedAccounts/{id}
// Reference: delete-api-public-v3-managedaccounts-id
func (s *Server) deleteAccount(c *call) reply {
	if !c.user.admin {
		return needs(permAccountsFull)
	}
	a := s.accountByAccountID(c.id(0))
	if a == nil {
		return notFound("Managed Account not found.")
	}
	s.removeAccountLocked(c, a)
	return reply{status: http.StatusOK}
}

func (s *Server) removeAccountLocked(c *call, a *account) {
	for _, rq := range s.sortedLive() {
		if rq.acct == a {
			s.endRequestLocked(rq, stateTerm, c.now)
		}
	}
	for _, al := range s.aliases {
		al.mapped = slices.DeleteFunc(al.mapped, func(o *account) bool { return o == a })
	}
	s.accounts = slices.DeleteFunc(s.accounts, func(o *account) bool { return o == a })
	delete(s.inv.acct, a)
}

// CredentialChange is one change of a managed account's credential the
// fake made through the API (never the values).
type CredentialChange struct {
	AccountID    int
	User         string    // who called
	Kind         string    // "set" (PUT .../Credentials) or "change" (POST .../Credentials/Change)
	Password     bool      // a password was given (set), rather than drawn
	PrivateKey   bool      // an SSH key was set
	UpdateSystem bool      // the change was made on the system too
	Queued       bool      // Queue was asked for (change)
	Time         time.Time // the fake clock
}

// CredentialChanges returns the credential changes made through the API,
// in order.
func (s *Server) CredentialChanges() []CredentialChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.inv.changes)
}

// setCredentials sets an account's credential: the Password given (or a
// random one), or a PrivateKey (with Passphrase; PublicKey is required
// when UpdateSystem, the default, is true). The ISA role may, as the
// reference says (it names the Credentials Manager role too, which the
// fake does not model). 204.
//
// API: PUT ManagedAccounts/{managedAccountID}/Credentials
// Reference: put-api-public-v3-managedaccounts-managedaccountid-credentials
func (s *Server) setCredentials(c *call) reply {
	if !c.user.admin && !c.user.isa {
		return needs("the ISA role, the Credentials Manager role or " + permAccountsFull)
	}
	a := s.accountByAccountID(c.id(0))
	if a == nil {
		return notFound("Managed Account not found.")
	}
	b := struct {
		Password, PublicKey, PrivateKey, Passphrase, Credentials string
		UpdateSystem                                             *bool
	}{}
	if rep, ok := decodeStrict(c, &b); !ok {
		return rep
	}
	update := b.UpdateSystem == nil || *b.UpdateSystem
	switch {
	case b.PrivateKey != "" && update && b.PublicKey == "":
		return badRequest("PublicKey is required with a PrivateKey when UpdateSystem is true.")
	case b.Passphrase != "" && b.PrivateKey == "":
		return badRequest("Passphrase needs a PrivateKey.")
	}
	switch {
	case b.PrivateKey != "":
		a.privateKey, a.passphrase = b.PrivateKey, b.Passphrase
	case b.Password != "":
		a.password = b.Password
	default:
		a.password = newPassword()
	}
	a.lastChange = c.now
	s.inv.changes = append(s.inv.changes, CredentialChange{AccountID: a.id, User: c.user.userName, Kind: "set",
		Password: b.Password != "", PrivateKey: b.PrivateKey != "", UpdateSystem: update, Time: c.now})
	return noContent()
}

// changeCredentials changes an account's password now, to a random one
// (Queue is recorded; the fake's systems are always reachable). 204.
//
// API: POST ManagedAccounts/{managedAccountID}/Credentials/Change
// Reference: post-api-public-v3-managedaccounts-managedaccountid-credentials-change
func (s *Server) changeCredentials(c *call) reply {
	if !c.user.admin {
		return needs(permAccountsFull)
	}
	a := s.accountByAccountID(c.id(0))
	if a == nil {
		return notFound("Managed Account not found.")
	}
	var b struct{ Queue bool }
	if rep, ok := decodeBody(c, &b, true); !ok {
		return rep
	}
	a.rotate(c.now)
	s.inv.changes = append(s.inv.changes, CredentialChange{AccountID: a.id, User: c.user.userName, Kind: "change",
		UpdateSystem: true, Queued: b.Queue, Time: c.now})
	return noContent()
}

// accountTOTP answers the account's current TOTP code as a JSON string,
// as the credential calls answer credentials (the reference does not show
// the shape). Only ?type=totp is served (400 otherwise); an account
// without a TOTP secret is 404. Administrators, the ISA role, or the
// requestor of an active request for the account may read it.
//
// API: GET ManagedAccounts/{managedAccountID}/Credentials?type=totp
// Reference: get-api-public-v3-managedaccounts-managedaccountid-credentials
func (s *Server) accountTOTP(c *call) reply {
	if typ, _ := c.query("type"); !strings.EqualFold(typ, "totp") {
		return badRequest("type must be totp.")
	}
	a := s.accountByAccountID(c.id(0))
	if a == nil {
		return notFound("Managed Account not found.")
	}
	if !c.user.admin && !c.user.isa && !s.hasActiveRequest(c.user, a) {
		return needs("the Administrators role, the ISA role, or an active request for the account")
	}
	secret := s.inv.acct[a].totpSecret
	if secret == "" {
		return notFound("The managed account has no TOTP configured.")
	}
	code, err := totpCode(secret, c.now)
	if err != nil {
		return errorReply(http.StatusInternalServerError, "The TOTP secret cannot be read.")
	}
	return jsonReply(http.StatusOK, code)
}

func (s *Server) hasActiveRequest(u *user, a *account) bool {
	for _, rq := range s.live {
		if rq.owner == u && rq.acct == a && rq.state == stateActive {
			return true
		}
	}
	return false
}

// totpCode is the RFC 6238 code of a base32 secret at t: SHA-1, 30-second
// steps, 6 digits.
func totpCode(secret string, t time.Time) (string, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil || len(key) == 0 {
		return "", errors.New("the secret is not base32")
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1000000), nil
}

// TOTPCode returns the current TOTP code of a managed account (by the
// fake's clock), or "" when it has none: what a test compares
// ManagedAccounts.TOTP's answer with.
func (s *Server) TOTPCode(system, account string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.findAccount(system, account)
	if a == nil || s.inv.acct[a].totpSecret == "" {
		return ""
	}
	code, _ := totpCode(s.inv.acct[a].totpSecret, s.clock.now())
	return code
}
