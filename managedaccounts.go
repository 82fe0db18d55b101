package passwordsafe

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strings"
)

// ManagedAccountsService finds the managed accounts the user may request,
// by name, and borrows their credentials by name: a requester knows db01
// and postgres, not their IDs.
type ManagedAccountsService service

// ManagedAccountType selects a kind of managed account in
// ListManagedAccountsOptions.
type ManagedAccountType string

// Managed account types.
const (
	ManagedAccountTypeSystem       ManagedAccountType = "system"       // local accounts of managed systems
	ManagedAccountTypeRecent       ManagedAccountType = "recent"       // accounts the user requested recently (newer servers)
	ManagedAccountTypeDomainLinked ManagedAccountType = "domainlinked" // directory accounts linked to systems
	ManagedAccountTypeDatabase     ManagedAccountType = "database"     // database accounts
	ManagedAccountTypeCloud        ManagedAccountType = "cloud"        // cloud platform accounts
	ManagedAccountTypeApplication  ManagedAccountType = "application"  // application accounts
)

// ListManagedAccountsOptions filters ManagedAccountsService.List and All.
// Zero values are left out. Directory accounts are named DOMAIN\name or by
// their UPN in AccountName, even with type domainlinked.
type ListManagedAccountsOptions struct {
	Type                   ManagedAccountType `url:"type,omitempty"`
	SystemName             string             `url:"systemName,omitempty"`
	AccountName            string             `url:"accountName,omitempty"`
	SystemID               int                `url:"systemID,omitempty"`               // newer servers
	WorkgroupName          string             `url:"workgroupName,omitempty"`          //
	ApplicationDisplayName string             `url:"applicationDisplayName,omitempty"` // with type application
	IPAddress              string             `url:"ipAddress,omitempty"`              // with type system, domainlinked or database
	Limit                  int                `url:"limit,omitempty"`                  // server default 1000
	Offset                 int                `url:"offset,omitempty"`
}

func (o *ListManagedAccountsOptions) validate() error {
	return firstError(
		checkEnum("type", o.Type, ManagedAccountTypeSystem, ManagedAccountTypeRecent, ManagedAccountTypeDomainLinked,
			ManagedAccountTypeDatabase, ManagedAccountTypeCloud, ManagedAccountTypeApplication),
		checkRange("systemID", o.SystemID, 0, math.MaxInt32),
		checkRange("limit", o.Limit, 0, math.MaxInt32),
		checkRange("offset", o.Offset, 0, math.MaxInt32),
	)
}

// query validates the filter and encodes it; nil is no filter.
func (o *ListManagedAccountsOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := o.validate(); err != nil {
		return "", err
	}
	return encodeQuery(o)
}

// ManagedAccount is a managed account the user may request. The server
// spells SystemId and AccountId; SystemID and AccountID decode too.
type ManagedAccount struct {
	PlatformID             int
	SystemID               int // the server spells it SystemId
	SystemName             string
	DomainName             string
	AccountID              int // the server spells it AccountId
	AccountName            string
	InstanceName           string
	UserPrincipalName      string
	ApplicationID          int // 0 when the account is not an application's
	ApplicationDisplayName string
	DefaultReleaseDuration int // minutes
	MaximumReleaseDuration int // minutes
	LastChangeDate         Time
	NextChangeDate         Time
	IsChanging             bool
	ChangeState            int
	IsISAAccess            bool
	PreferredNodeID        string
	AccountDescription     string
	TotpEnabled            bool // newer servers; false when absent
}

const (
	pathManagedAccounts = "ManagedAccounts"

	// defaultPageSize is All's page size without a Limit: the server's
	// own default.
	defaultPageSize = 1000
)

// List returns the managed accounts the user may request, filtered by opts
// (nil: all, up to the server's default limit of 1000). The answer is read
// as it arrives; a bare array, a {TotalCount, Data} page (newer servers)
// and a single object (what the server answers when the filters name one
// account) are all accepted. Use All to read every page.
//
// API: GET ManagedAccounts
// Needs: the Requestor, Requestor/Approver or ISA role on the accounts (or
// the Administrators group); accounts must have API access enabled.
func (s *ManagedAccountsService) List(ctx context.Context, opts *ListManagedAccountsOptions) ([]ManagedAccount, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callPage[ManagedAccount](ctx, s.client, get(pathManagedAccounts, q))
}

// All yields every managed account the user may request, filtered by opts,
// reading page after page with limit and offset as the loop asks for more:
// opts.Limit is the page size (default 1000) and opts.Offset where to
// start. It stops after a page shorter than the page size, or at the
// TotalCount a paged answer gives. A failure is the last pair yielded.
// A server that ignores offset (the next page begins with the previous
// one's first account) ends the loop with an error rather than looping.
//
// API: GET ManagedAccounts?limit=&offset=, repeated
// Needs: as List.
func (s *ManagedAccountsService) All(ctx context.Context, opts *ListManagedAccountsOptions) iter.Seq2[ManagedAccount, error] {
	return allOf(ctx, s.client, pathManagedAccounts, opts, func(a ManagedAccount) [2]int { return [2]int{a.SystemID, a.AccountID} })
}

func (o *ListManagedAccountsOptions) page() (limit, offset *int) { return &o.Limit, &o.Offset }

// Get returns the managed account accountName on the system systemName. A
// directory account is named DOMAIN\name or by its UPN. The names are sent
// as query parameters, escaped, and always both: the server answers one
// object only to both names (docs.beyondtrust.com/bips/reference/
// get-api-public-v3-managedaccounts; an accountName alone, even a
// DOMAIN\name or UPN, answers a list, which List reads). The answer is
// checked against the names asked, case aside: an answer for another
// account is an *AccountMismatchError.
//
// API: GET ManagedAccounts?systemName={systemName}&accountName={accountName}
// Needs: as List. A missing account, or one the user may not request,
// answers 404 (ErrNotFound).
func (s *ManagedAccountsService) Get(ctx context.Context, systemName, accountName string) (*ManagedAccount, *Response, error) {
	if err := firstError(checkRequired("systemName", systemName), checkRequired("accountName", accountName)); err != nil {
		return nil, nil, err
	}
	acct, resp, err := callWith(ctx, s.client, get(pathManagedAccounts, accountQuery(systemName, accountName)), decodeOneAccount)
	if err == nil && !acct.named(systemName, accountName) {
		return nil, resp, &AccountMismatchError{SystemName: systemName, AccountName: accountName, Got: acct}
	}
	return acct, resp, err
}

// named reports whether the account is the one named: the system by its
// name, the account by its name, as DOMAIN\name, or by its UPN (or
// name@domain), case aside.
func (a *ManagedAccount) named(systemName, accountName string) bool {
	if !strings.EqualFold(a.SystemName, systemName) || a.AccountName == "" {
		return false
	}
	forms := []string{a.AccountName, a.UserPrincipalName}
	if a.DomainName != "" {
		forms = append(forms, a.DomainName+`\`+a.AccountName, a.AccountName+"@"+a.DomainName)
	}
	for _, f := range forms {
		if f != "" && strings.EqualFold(f, accountName) {
			return true
		}
	}
	return false
}

func accountQuery(systemName, accountName string) string {
	return "systemName=" + url.QueryEscape(systemName) + "&accountName=" + url.QueryEscape(accountName)
}

// decodeOneAccount reads the one account the server answers, as decodeOne
// does (an array of exactly one, which some deployments send, too); but an
// empty answer is not an account.
func decodeOneAccount(h http.Header, body []byte) (*ManagedAccount, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errEmptyAccount
	}
	return decodeOne[ManagedAccount](h, body)
}

var errEmptyAccount = errors.New("unexpected end of JSON input: an empty answer holds no account")

// CheckoutOptions are the terms of a request made by
// ManagedAccountsService.Checkout; SystemID and AccountID come from the
// lookup.
type CheckoutOptions struct {
	AccessType      AccessType     // View (default), RDP or SSH; App is refused (it needs an ApplicationID: use Requests.Checkout)
	DurationMinutes int            // required, 1–525600
	Reason          string         // ≤ 1000 characters
	ConflictOption  ConflictOption // reuse or renew; empty: a conflicting request answers 409
	TicketSystemID  *int
	TicketNumber    string // ≤ 20 characters
	RotateOnCheckin *bool
	CredentialType  CredentialType // password (default), dsskey or passphrase
	CheckinReason   string         // sent with the check-in (PUT Requests/{id}/Checkin {"Reason"}), ≤ 1000 characters

	// ReleaseReused checks in, after fn, a request the server reused
	// (ConflictOption reuse answered with a request open before the call),
	// as WithCheckoutReleaseReused does for every Checkout of a client.
	// Set it when such a request can only be a leftover of an earlier run
	// of the same service; by default it is left open.
	ReleaseReused bool
}

func (o *CheckoutOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	if o.AccessType == AccessApp {
		return invalid("AccessType", "App needs an ApplicationID: use Requests.Checkout")
	}
	return firstError(
		checkEnum("AccessType", o.AccessType, AccessView, AccessRDP, AccessSSH),
		checkRequestTerms(o.DurationMinutes, o.Reason, o.ConflictOption, o.TicketNumber),
		checkEnum("CredentialType", o.CredentialType, CredentialPassword, CredentialDSSKey, CredentialPassphrase),
		checkLen("CheckinReason", o.CheckinReason, maxReason),
	)
}

// Lease is what ManagedAccountsService.Checkout hands fn: the account and
// its released credential. The credential never prints.
type Lease struct {
	RequestID   int
	SystemID    int
	SystemName  string
	AccountID   int
	AccountName string // as the server spells it in the lookup's answer
	DomainName  string
	Credential  Secret // of CheckoutOptions.CredentialType
	// Reused: the server reused a request of the user's that was open
	// before the Checkout (ConflictReuse); it is left open afterwards
	// unless CheckoutOptions.ReleaseReused or WithCheckoutReleaseReused.
	Reused bool
}

// Checkout borrows the credential of the account accountName on the system
// systemName, and always gives it back: it looks the account up (Get) and
// checks that the answer is the account asked for (another account is an
// *AccountMismatchError, and nothing is requested), then does what
// RequestsService.Checkout does, with the same guarantees (the request is
// checked in whatever fn does, with opts.CheckinReason; a lost answer to
// the POST never leaves a request open, creates a second one or takes over
// another process's; ctx ending while the POST is in flight leaves the
// check-in to the Client; a wait that ends first returns a *CheckoutError
// with the request ID). fn gets a Lease with the credential of
// opts.CredentialType.
//
// API: GET ManagedAccounts?systemName=&accountName=, GET Requests,
// POST Requests, GET Credentials/{id}, PUT Requests/{id}/Checkin;
// GET Requests again when the POST's answer is lost or a check-in fails.
// Needs: the Requestor or Requestor/Approver role on the account.
func (s *ManagedAccountsService) Checkout(ctx context.Context, systemName, accountName string, opts *CheckoutOptions,
	fn func(ctx context.Context, lease *Lease) error) error {
	if fn == nil {
		return invalid("fn", "is required")
	}
	if err := firstError(checkRequired("systemName", systemName), checkRequired("accountName", accountName),
		opts.validate()); err != nil {
		return err
	}
	acct, _, err := s.Get(ctx, systemName, accountName)
	if err != nil {
		return err
	}
	if acct.SystemID <= 0 || acct.AccountID <= 0 {
		return &DecodeError{Method: http.MethodGet, Path: pathManagedAccounts,
			Err: errors.New("the account found has no SystemId or AccountId")}
	}
	create := &CreateRequestOptions{
		AccessType:      opts.AccessType,
		SystemID:        acct.SystemID,
		AccountID:       acct.AccountID,
		DurationMinutes: opts.DurationMinutes,
		Reason:          opts.Reason,
		ConflictOption:  opts.ConflictOption,
		TicketSystemID:  opts.TicketSystemID,
		TicketNumber:    opts.TicketNumber,
		RotateOnCheckin: opts.RotateOnCheckin,
		CheckinReason:   opts.CheckinReason,
	}
	var credOpts *CredentialsOptions
	if opts.CredentialType != "" {
		credOpts = &CredentialsOptions{Type: opts.CredentialType}
	}
	reqs := s.client.Requests
	return checkout(ctx, s.client, reqs.spec(create, opts.ReleaseReused),
		func(ctx context.Context, id int, reused bool) (*Lease, error) {
			cred, _, err := reqs.Credentials(ctx, id, credOpts)
			if err != nil {
				return nil, err
			}
			return &Lease{
				RequestID: id, SystemID: acct.SystemID, SystemName: acct.SystemName,
				AccountID: acct.AccountID, AccountName: acct.AccountName, DomainName: acct.DomainName,
				Credential: cred, Reused: reused,
			}, nil
		}, fn)
}
