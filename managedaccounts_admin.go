package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strings"
	"time"
)

// The administrator's calls on managed accounts: every account of a
// system (what an auditor reads), one by ID, create, update and delete,
// and the credential: set it, change it now, and read the current TOTP
// code. Credential values travel as Secret both ways: they never print,
// and an error or a log line that would echo one has it replaced.
//
// Each method's Reference: line names its page of the vendor's API
// reference, https://docs.beyondtrust.com/bips/v26.2/reference/<page>.

// ManagedAccountDetails is a managed account as its administrator sees it:
// its settings, not only what a requester needs (ManagedAccount).
type ManagedAccountDetails struct {
	ManagedAccountID                  int
	ManagedSystemID                   int
	DomainName                        string
	AccountName                       string
	DistinguishedName                 string
	PasswordFallbackFlag              bool
	UserPrincipalName                 string
	SAMAccountName                    string
	LoginAccountFlag                  bool
	Description                       string
	PasswordRuleID                    int
	APIEnabled                        bool `json:"ApiEnabled"`
	ReleaseNotificationEmail          string
	ChangeServicesFlag                bool
	RestartServicesFlag               bool
	ChangeTasksFlag                   bool
	ReleaseDuration                   int // minutes
	MaxReleaseDuration                int // minutes
	ISAReleaseDuration                int // minutes
	MaxConcurrentRequests             int
	AutoManagementFlag                bool
	DSSAutoManagementFlag             bool
	CheckPasswordFlag                 bool
	ResetPasswordOnMismatchFlag       bool
	ChangePasswordAfterAnyReleaseFlag bool
	ChangeFrequencyType               ChangeFrequency
	ChangeFrequencyDays               int
	ChangeTime                        string // "HH:MM"
	ParentAccountID                   int
	IsSubscribedAccount               bool
	LastChangeDate                    Time
	NextChangeDate                    Time
	IsChanging                        bool
	ChangeState                       int
	UseOwnCredentials                 bool // API 3.1+
	WorkgroupID                       int  // API 3.3+
	ChangeIISAppPoolFlag              bool // API 3.2+
	RestartIISAppPoolFlag             bool // API 3.2+
	ChangeWindowsAutoLogonFlag        bool // API 3.4+
	ChangeComPlusFlag                 bool // API 3.4+
	ChangeDComFlag                    bool // API 3.4+
	ChangeSComFlag                    bool // API 3.4+
	ObjectID                          string
}

func accountDetailsKey(a *ManagedAccountDetails) int { return a.ManagedAccountID }

// Limits of managed account bodies.
const (
	maxAccountName        = 245
	maxAccountDomainName  = 50
	maxUserPrincipalName  = 500
	maxSAMAccountName     = 20
	maxDistinguishedName  = 1000
	maxAccountDescription = 1024
	maxNotificationEmail  = 255
	maxConcurrentRequests = 999
	maxObjectID           = 36
	dateLayoutNextChange  = "2006-01-02"
)

// ManagedAccountOptions is the body of ManagedAccountsService.Create and
// Update. Optional fields are pointers or empty strings, left out when
// unset. The credential fields are Secrets: the options never print them.
type ManagedAccountOptions struct {
	AccountName string `json:"AccountName"` // required, ≤ 245 characters
	// Password is required on Create unless AutoManagementFlag is true
	// (the server then draws one).
	Password                          Secret          `json:"-"`
	PrivateKey                        Secret          `json:"-"`                           // an SSH (DSS) key
	Passphrase                        Secret          `json:"-"`                           // for an encrypted PrivateKey
	DomainName                        string          `json:"DomainName,omitempty"`        // ≤ 50
	UserPrincipalName                 string          `json:"UserPrincipalName,omitempty"` // ≤ 500; Active Directory
	SAMAccountName                    string          `json:"SAMAccountName,omitempty"`    // ≤ 20; Active Directory
	DistinguishedName                 string          `json:"DistinguishedName,omitempty"` // ≤ 1000; LDAP
	PasswordFallbackFlag              *bool           `json:"PasswordFallbackFlag,omitempty"`
	LoginAccountFlag                  *bool           `json:"LoginAccountFlag,omitempty"`
	Description                       string          `json:"Description,omitempty"` // ≤ 1024
	PasswordRuleID                    *int            `json:"PasswordRuleID,omitempty"`
	APIEnabled                        *bool           `json:"ApiEnabled,omitempty"`
	ReleaseNotificationEmail          string          `json:"ReleaseNotificationEmail,omitempty"` // ≤ 255
	ChangeServicesFlag                *bool           `json:"ChangeServicesFlag,omitempty"`
	RestartServicesFlag               *bool           `json:"RestartServicesFlag,omitempty"`
	ChangeTasksFlag                   *bool           `json:"ChangeTasksFlag,omitempty"`
	ReleaseDuration                   *int            `json:"ReleaseDuration,omitempty"`       // minutes, 1–525600, ≤ MaxReleaseDuration
	MaxReleaseDuration                *int            `json:"MaxReleaseDuration,omitempty"`    // minutes, 1–525600
	ISAReleaseDuration                *int            `json:"ISAReleaseDuration,omitempty"`    // minutes, 1–525600
	MaxConcurrentRequests             *int            `json:"MaxConcurrentRequests,omitempty"` // 0–999
	AutoManagementFlag                *bool           `json:"AutoManagementFlag,omitempty"`
	DSSAutoManagementFlag             *bool           `json:"DSSAutoManagementFlag,omitempty"`
	CheckPasswordFlag                 *bool           `json:"CheckPasswordFlag,omitempty"`
	ResetPasswordOnMismatchFlag       *bool           `json:"ResetPasswordOnMismatchFlag,omitempty"`
	ChangePasswordAfterAnyReleaseFlag *bool           `json:"ChangePasswordAfterAnyReleaseFlag,omitempty"`
	ChangeFrequencyType               ChangeFrequency `json:"ChangeFrequencyType,omitempty"`
	ChangeFrequencyDays               *int            `json:"ChangeFrequencyDays,omitempty"`        // 1–999; required with ChangeXDays
	ChangeTime                        string          `json:"ChangeTime,omitempty"`                 // "HH:MM", 24-hour
	NextChangeDate                    string          `json:"NextChangeDate,omitempty"`             // "YYYY-MM-DD"
	UseOwnCredentials                 *bool           `json:"UseOwnCredentials,omitempty"`          // API 3.1+
	ChangeIISAppPoolFlag              *bool           `json:"ChangeIISAppPoolFlag,omitempty"`       // API 3.2+
	RestartIISAppPoolFlag             *bool           `json:"RestartIISAppPoolFlag,omitempty"`      // API 3.2+
	WorkgroupID                       *int            `json:"WorkgroupID,omitempty"`                // API 3.3+
	ChangeWindowsAutoLogonFlag        *bool           `json:"ChangeWindowsAutoLogonFlag,omitempty"` // API 3.4+
	ChangeComPlusFlag                 *bool           `json:"ChangeComPlusFlag,omitempty"`          // API 3.4+
	ChangeDComFlag                    *bool           `json:"ChangeDComFlag,omitempty"`             // API 3.4+
	ChangeSComFlag                    *bool           `json:"ChangeSComFlag,omitempty"`             // API 3.4+
	ObjectID                          string          `json:"ObjectID,omitempty"`                   // ≤ 36; API 3.5+
}

func (o *ManagedAccountOptions) validate(create bool) error {
	if o == nil {
		return invalid("opts", "is required")
	}
	var pwErr, dateErr error
	if create && o.Password.IsZero() && (o.AutoManagementFlag == nil || !*o.AutoManagementFlag) {
		pwErr = invalid("Password", "is required unless AutoManagementFlag is true")
	}
	if _, err := time.Parse(dateLayoutNextChange, o.NextChangeDate); o.NextChangeDate != "" && err != nil {
		dateErr = invalid("NextChangeDate", "must be a date YYYY-MM-DD, got %q", o.NextChangeDate)
	}
	return firstError(
		checkRequired("AccountName", o.AccountName),
		checkLen("AccountName", o.AccountName, maxAccountName),
		pwErr,
		checkPassphrase(o.PrivateKey, o.Passphrase),
		checkLen("DomainName", o.DomainName, maxAccountDomainName),
		checkLen("UserPrincipalName", o.UserPrincipalName, maxUserPrincipalName),
		checkLen("SAMAccountName", o.SAMAccountName, maxSAMAccountName),
		checkLen("DistinguishedName", o.DistinguishedName, maxDistinguishedName),
		checkLen("Description", o.Description, maxAccountDescription),
		checkLen("ReleaseNotificationEmail", o.ReleaseNotificationEmail, maxNotificationEmail),
		checkReleaseDurations(o.ReleaseDuration, o.MaxReleaseDuration, o.ISAReleaseDuration),
		checkOptRange("MaxConcurrentRequests", o.MaxConcurrentRequests, 0, maxConcurrentRequests),
		checkChangeSchedule(o.ChangeFrequencyType, o.ChangeFrequencyDays, o.ChangeTime),
		dateErr,
		checkOptRange("WorkgroupID", o.WorkgroupID, 1, maxID),
		checkLen("ObjectID", o.ObjectID, maxObjectID),
	)
}

// checkPassphrase refuses a passphrase without the key it unlocks.
func checkPassphrase(privateKey, passphrase Secret) error {
	if !passphrase.IsZero() && privateKey.IsZero() {
		return invalid("Passphrase", "applies to a PrivateKey, and none is given")
	}
	return nil
}

// credentialFields are the credential values a body carries, as the wire
// has them.
type credentialFields struct {
	Password   string `json:"Password,omitempty"`
	PrivateKey string `json:"PrivateKey,omitempty"`
	Passphrase string `json:"Passphrase,omitempty"`
}

func newCredentialFields(password, privateKey, passphrase Secret) credentialFields {
	return credentialFields{Password: password.Value(), PrivateKey: privateKey.Value(), Passphrase: passphrase.Value()}
}

// secrets lists the values set, for the request path to keep out of
// errors and logs.
func (f credentialFields) secrets() []string {
	var out []string
	for _, v := range []string{f.Password, f.PrivateKey, f.Passphrase} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// managedAccountBody is what Create and Update send: the options with the
// credential values written out.
type managedAccountBody struct {
	*ManagedAccountOptions
	credentialFields
}

// withCredentials sends body with the credential values of f, kept out of
// errors and logs.
func withCredentials(r *request, f credentialFields) *request {
	r.secrets = f.secrets()
	return r
}

func accountPath(accountID int, rest ...string) string {
	return idPath(pathManagedAccounts, accountID, rest...)
}

// ListBySystem returns every managed account of a system, requestable or
// not, a page at a time: the auditor's view (requesters use List).
//
// API: GET ManagedSystems/{systemID}/ManagedAccounts
// Reference: get-api-public-v3-managedsystems-systemid-managedaccounts
// Needs: Password Safe Account Management (Read).
func (s *ManagedAccountsService) ListBySystem(ctx context.Context, systemID int, opts *PageOptions) ([]ManagedAccountDetails, *Response, error) {
	return listByID[ManagedAccountDetails](ctx, s.client, "systemID", systemID, opts, pathManagedSystems, pathManagedAccounts)
}

// AllBySystem yields every managed account of a system, reading page
// after page as the loop asks for more (opts.Limit is the page size,
// default 1000). A failure is the last pair yielded.
//
// API: GET ManagedSystems/{systemID}/ManagedAccounts?limit=&offset=, repeated
// Reference: get-api-public-v3-managedsystems-systemid-managedaccounts
// Needs: as ListBySystem.
func (s *ManagedAccountsService) AllBySystem(ctx context.Context, systemID int, opts *PageOptions) iter.Seq2[ManagedAccountDetails, error] {
	return allByID(ctx, s.client, "systemID", systemID, opts, accountDetailsKey, pathManagedSystems, pathManagedAccounts)
}

// GetByID returns the managed account with the ID, as its administrator
// sees it.
//
// API: GET ManagedAccounts/{id}
// Reference: get-api-public-v3-managedaccounts-id
// Needs: Password Safe Account Management (Read).
func (s *ManagedAccountsService) GetByID(ctx context.Context, accountID int) (*ManagedAccountDetails, *Response, error) {
	return getByID[ManagedAccountDetails](ctx, s.client, "accountID", accountID, pathManagedAccounts)
}

// Create creates a managed account on a managed system and returns it.
// The credentials in opts never appear in an error or a log.
//
// API: POST ManagedSystems/{systemID}/ManagedAccounts
// Reference: post-api-public-v3-managedsystems-systemid-managedaccounts
// Needs: Password Safe Account Management (Full control; Read/Write on
// older servers).
func (s *ManagedAccountsService) Create(ctx context.Context, systemID int, opts *ManagedAccountOptions) (*ManagedAccountDetails, *Response, error) {
	if err := firstError(checkID("systemID", systemID), opts.validate(true)); err != nil {
		return nil, nil, err
	}
	f := newCredentialFields(opts.Password, opts.PrivateKey, opts.Passphrase)
	r := post(idPath(pathManagedSystems, systemID, pathManagedAccounts), &managedAccountBody{opts, f})
	return callJSON[ManagedAccountDetails](ctx, s.client, withCredentials(r, f))
}

// Update changes a managed account and returns it as the server now has
// it. Unset fields are not sent; a Password given here is stored as the
// account's (use SetCredentials to change it on the system too).
//
// API: PUT ManagedAccounts/{id}
// Reference: put-api-public-v3-managedaccounts-id
// Needs: Password Safe Account Management (Full control).
func (s *ManagedAccountsService) Update(ctx context.Context, accountID int, opts *ManagedAccountOptions) (*ManagedAccountDetails, *Response, error) {
	if err := firstError(checkID("accountID", accountID), opts.validate(false)); err != nil {
		return nil, nil, err
	}
	f := newCredentialFields(opts.Password, opts.PrivateKey, opts.Passphrase)
	return callJSON[ManagedAccountDetails](ctx, s.client, withCredentials(put(accountPath(accountID), &managedAccountBody{opts, f}), f))
}

// Delete deletes a managed account.
//
// API: DELETE ManagedAccounts/{id}
// Reference: delete-api-public-v3-managedaccounts-id
// Needs: Password Safe Account Management (Full control).
func (s *ManagedAccountsService) Delete(ctx context.Context, accountID int) (*Response, error) {
	if err := checkID("accountID", accountID); err != nil {
		return nil, err
	}
	return s.client.do(ctx, del(accountPath(accountID)), nil)
}

// SetCredentialsOptions is the body of ManagedAccountsService.SetCredentials.
// nil (or the zero value) has the server draw a new random password and
// set it on the system.
type SetCredentialsOptions struct {
	Password   Secret // the new password; empty: the server draws one
	PublicKey  string // required with PrivateKey when the system is updated
	PrivateKey Secret // a new SSH (DSS) key
	Passphrase Secret // for an encrypted PrivateKey
	// UpdateSystem false stores the credential in Password Safe only;
	// nil or true changes it on the managed system too.
	UpdateSystem *bool
}

func (o *SetCredentialsOptions) validate() error {
	if o == nil {
		return nil
	}
	if !o.PrivateKey.IsZero() && o.PublicKey == "" && (o.UpdateSystem == nil || *o.UpdateSystem) {
		return invalid("PublicKey", "is required with a PrivateKey when UpdateSystem is true (the default)")
	}
	return checkPassphrase(o.PrivateKey, o.Passphrase)
}

// credentialsBody is what SetCredentials sends.
type credentialsBody struct {
	credentialFields
	PublicKey    string `json:"PublicKey,omitempty"`
	UpdateSystem *bool  `json:"UpdateSystem,omitempty"`
}

// SetCredentials sets a managed account's credential: the password (or a
// random one the server draws), or an SSH key, in Password Safe and, unless
// UpdateSystem is false, on the system. The values never appear in an
// error or a log.
//
// API: PUT ManagedAccounts/{managedAccountID}/Credentials
// Reference: put-api-public-v3-managedaccounts-managedaccountid-credentials
// Needs: the ISA role, the Credentials Manager role, or Password Safe
// Account Management (Full control).
func (s *ManagedAccountsService) SetCredentials(ctx context.Context, accountID int, opts *SetCredentialsOptions) (*Response, error) {
	if err := firstError(checkID("accountID", accountID), opts.validate()); err != nil {
		return nil, err
	}
	o := deref(opts)
	f := newCredentialFields(o.Password, o.PrivateKey, o.Passphrase)
	body := &credentialsBody{credentialFields: f, PublicKey: o.PublicKey, UpdateSystem: o.UpdateSystem}
	return s.client.do(ctx, withCredentials(put(accountPath(accountID, "Credentials"), body), f), nil)
}

// ChangeCredentialsOptions is the body of ManagedAccountsService.ChangeCredentials.
type ChangeCredentialsOptions struct {
	// Queue has the server queue the change when the system cannot be
	// reached now, rather than fail.
	Queue bool `json:"Queue"`
}

// ChangeCredentials changes a managed account's credential now, to a new
// one the server draws, on the system and in Password Safe: a rotation on
// demand, after a credential was exposed. The call is not repeated on a
// 5xx answer or a broken connection, since the server may have changed it.
//
// API: POST ManagedAccounts/{managedAccountID}/Credentials/Change
// Reference: post-api-public-v3-managedaccounts-managedaccountid-credentials-change
// Needs: Password Safe Account Management (Full control).
func (s *ManagedAccountsService) ChangeCredentials(ctx context.Context, accountID int, opts *ChangeCredentialsOptions) (*Response, error) {
	if err := checkID("accountID", accountID); err != nil {
		return nil, err
	}
	body := deref(opts)
	return s.client.do(ctx, post(accountPath(accountID, "Credentials", "Change"), &body), nil)
}

// TOTP returns the current one-time code (TOTP) of a managed account that
// has one configured. The code is a Secret: it never prints.
//
// API: GET ManagedAccounts/{managedAccountID}/Credentials?type=totp
// Reference: get-api-public-v3-managedaccounts-managedaccountid-credentials
// Needs: the Administrators role, the ISA role, or the Requestor role with
// an active request for the account.
func (s *ManagedAccountsService) TOTP(ctx context.Context, accountID int) (Secret, *Response, error) {
	if err := checkID("accountID", accountID); err != nil {
		return Secret{}, nil, err
	}
	return callWith(ctx, s.client, get(accountPath(accountID, "Credentials"), "type=totp"), decodeTOTP)
}

var errNoTOTPCode = errors.New("expected the code as a JSON string, or an object with a Code")

// decodeTOTP reads the code: a JSON string (as the credential calls
// answer), or an object whose Code (or TotpCode) field holds it. Neither
// the code nor the body is ever quoted in an error.
func decodeTOTP(_ http.Header, body []byte) (Secret, error) {
	b := bytes.TrimSpace(body)
	if bytes.HasPrefix(b, []byte("{")) {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return Secret{}, errNoTOTPCode
		}
		b = nil
		for k, v := range fields {
			if strings.EqualFold(k, "Code") || strings.EqualFold(k, "TotpCode") {
				b = v
			}
		}
	}
	var code Secret
	if json.Unmarshal(b, &code) != nil || code.IsZero() {
		return Secret{}, errNoTOTPCode
	}
	return code, nil
}
