package passwordsafe

import (
	"context"
	"crypto/tls"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

// The signatures of ../shared/API.md, checked by the compiler: a change to
// any of them breaks this file before it breaks a user.
var (
	_ func(string, ...Option) (*Client, error)       = NewClient
	_ func(string, string) Option                    = WithAPIKey
	_ func(string) Option                            = WithRunAsPassword
	_ func(string, string) Option                    = WithOAuthClientCredentials
	_ func(*http.Client) Option                      = WithHTTPClient
	_ func(*tls.Config) Option                       = WithTLSConfig
	_ func(string) Option                            = WithUserAgent
	_ func(int, time.Duration, time.Duration) Option = WithRetries
	_ func() Option                                  = WithoutRetries
	_ func(*slog.Logger) Option                      = WithLogger
	_ func() Option                                  = WithAllowHTTP
	_ func(string) Option                            = WithAPIVersion

	_ func(*Client) *url.URL                                                      = (*Client).BaseURL
	_ func(*Client, context.Context) (*User, error)                               = (*Client).SignIn
	_ func(*Client, context.Context) error                                        = (*Client).SignOut
	_ func(*Client, context.Context, string, string, any, any) (*Response, error) = (*Client).Do

	_ func(*RequestsService, context.Context, *ListRequestsOptions) ([]Request, *Response, error)               = (*RequestsService).List
	_ func(*RequestsService, context.Context, *CreateRequestOptions) (*CreatedRequest, *Response, error)        = (*RequestsService).Create
	_ func(*RequestsService, context.Context, int, string) (*Response, error)                                   = (*RequestsService).Checkin
	_ func(*RequestsService, context.Context, int, string) (*Response, error)                                   = (*RequestsService).Approve
	_ func(*RequestsService, context.Context, int, string) (*Response, error)                                   = (*RequestsService).Deny
	_ func(*RequestsService, context.Context, int) (*Response, error)                                           = (*RequestsService).RotateOnCheckin
	_ func(*RequestsService, context.Context, int, *CredentialsOptions) (Secret, *Response, error)              = (*RequestsService).Credentials
	_ func(*RequestsService, context.Context, *CreateRequestOptions, func(context.Context, Secret) error) error = (*RequestsService).Checkout

	_ func(*AliasesService, context.Context, *ListAliasesOptions) ([]Alias, *Response, error)                                       = (*AliasesService).List
	_ func(*AliasesService, context.Context, int) (*Alias, *Response, error)                                                        = (*AliasesService).Get
	_ func(*AliasesService, context.Context, string) (*Alias, *Response, error)                                                     = (*AliasesService).GetByName
	_ func(*AliasesService, context.Context, int, *CreateAliasRequestOptions) (*CreatedRequest, *Response, error)                   = (*AliasesService).CreateRequest
	_ func(*AliasesService, context.Context, int, int, *CredentialsOptions) (*AliasCredentials, *Response, error)                   = (*AliasesService).Credentials
	_ func(*AliasesService, context.Context, int, *CreateAliasRequestOptions, func(context.Context, *AliasCredentials) error) error = (*AliasesService).Checkout

	_ func(*ManagedAccountsService, context.Context, *ListManagedAccountsOptions) ([]ManagedAccount, *Response, error)            = (*ManagedAccountsService).List
	_ func(*ManagedAccountsService, context.Context, string, string) (*ManagedAccount, *Response, error)                          = (*ManagedAccountsService).Get
	_ func(*ManagedAccountsService, context.Context, string, string, *CheckoutOptions, func(context.Context, *Lease) error) error = (*ManagedAccountsService).Checkout
	_ func(*ManagedAccountsService, context.Context, *ListManagedAccountsOptions) iter.Seq2[ManagedAccount, error]                = (*ManagedAccountsService).All

	_ func(*SessionsService, context.Context, *ListSessionsOptions) ([]Session, *Response, error)            = (*SessionsService).List
	_ func(*SessionsService, context.Context, int) (*Session, *Response, error)                              = (*SessionsService).Get
	_ func(*SessionsService, context.Context, int, *CreateSessionOptions) (*SessionTicket, *Response, error) = (*SessionsService).Create
	_ func(*SessionsService, context.Context, *CreateAdminSessionOptions) (*SessionTicket, *Response, error) = (*SessionsService).CreateAdmin
	_ func(*SessionsService, context.Context, int) (*Response, error)                                        = (*SessionsService).Lock
	_ func(*SessionsService, context.Context, int) (*Response, error)                                        = (*SessionsService).Terminate
	_ func(*SessionsService, context.Context, *Session) (*Replay, *Response, error)                          = (*SessionsService).StartReplay
	_ func(*SessionsService, context.Context, string) (*ReplayState, *Response, error)                       = (*SessionsService).ReplayStatus
	_ func(*SessionsService, context.Context, string) (string, *Response, error)                             = (*SessionsService).ReplayScreen
	_ func(*SessionsService, context.Context, string, ImageFormat, int) ([]byte, *Response, error)           = (*SessionsService).ReplaySnapshot
	_ func(*SessionsService, context.Context, string, *ReplayControl) (*ReplayState, *Response, error)       = (*SessionsService).ControlReplay
	_ func(*SessionsService, context.Context, string) (*Response, error)                                     = (*SessionsService).EndReplay

	// Inventory: the names API.md fixes.
	_ func(*UsersService, context.Context, string) (*UserAccount, *Response, error)            = (*UsersService).Find
	_ func(*ManagedSystemsService, context.Context, string) (*ManagedSystem, *Response, error) = (*ManagedSystemsService).Find

	_ func(string) Secret                = NewSecret
	_ func(Secret) string                = Secret.Value
	_ func(Secret) bool                  = Secret.IsZero
	_ func(int) *int                     = Ptr[int]
	_ func(*ErrorResponse) string        = (*ErrorResponse).Error
	_ func(*ErrorResponse, error) bool   = (*ErrorResponse).Is
	_ func(*ValidationError) string      = (*ValidationError).Error
	_ func(*ValidationError, error) bool = (*ValidationError).Is

	_ error = ErrValidation
	_ error = ErrUnauthorized
	_ error = ErrForbidden
	_ error = ErrNotFound
	_ error = ErrConflict
	_ error = ErrRateLimited
	_ error = ErrNoPermission
	_ error = ErrRequestorOnly
	_ error = ErrApproverOnly
	_ error = ErrNotApproved
	_ error = ErrNotEnoughApprovers
	_ error = ErrAlreadyApproved

	// Secrets Safe.
	_ func(*SecretsService, context.Context, string, *FindSecretOptions) (*StoredSecret, *Response, error)            = (*SecretsService).Find
	_ func(*SecretsService, context.Context, *ListSecretsOptions) ([]StoredSecret, *Response, error)                  = (*SecretsService).List
	_ func(*SecretsService, context.Context, *ListSecretsOptions) iter.Seq2[StoredSecret, error]                      = (*SecretsService).All
	_ func(*SecretsService, context.Context, string) (*StoredSecret, *Response, error)                                = (*SecretsService).Get
	_ func(*SecretsService, context.Context, string, io.Writer) (*Response, error)                                    = (*SecretsService).File
	_ func(*SecretsService, context.Context, string, *CredentialSecretOptions) (*StoredSecret, *Response, error)      = (*SecretsService).CreateCredential
	_ func(*SecretsService, context.Context, string, *TextSecretOptions) (*StoredSecret, *Response, error)            = (*SecretsService).CreateText
	_ func(*SecretsService, context.Context, string, *FileSecretOptions, io.Reader) (*StoredSecret, *Response, error) = (*SecretsService).CreateFile
	_ func(*SecretsService, context.Context, string, *CredentialSecretOptions) (*Response, error)                     = (*SecretsService).UpdateCredential
	_ func(*SecretsService, context.Context, string, *TextSecretOptions) (*Response, error)                           = (*SecretsService).UpdateText
	_ func(*SecretsService, context.Context, string, *FileSecretOptions, io.Reader) (*Response, error)                = (*SecretsService).UpdateFile
	_ func(*SecretsService, context.Context, string) (*Response, error)                                               = (*SecretsService).Delete
	_ func(*FoldersService, context.Context, string, *FindFolderOptions) (*Folder, *Response, error)                  = (*FoldersService).Find
	_ func(*SafesService, context.Context, string) (*Safe, *Response, error)                                          = (*SafesService).Get
	_ int64                                                                                                           = FileSecretMaxBytes
)

// TestContractValues checks the values API.md fixes: enum spellings and
// numbers, struct field names and tags, and the Client's service fields.
func TestContractValues(t *testing.T) {
	t.Parallel()
	strs := [][2]string{
		{string(RequestStatusAll), "all"}, {string(RequestStatusActive), "active"}, {string(RequestStatusPending), "pending"},
		{string(QueueRequestor), "req"}, {string(QueueApprover), "app"},
		{string(AccessView), "View"}, {string(AccessRDP), "RDP"}, {string(AccessSSH), "SSH"}, {string(AccessApp), "App"},
		{string(ConflictReuse), "reuse"}, {string(ConflictRenew), "renew"},
		{string(CredentialPassword), "password"}, {string(CredentialDSSKey), "dsskey"}, {string(CredentialPassphrase), "passphrase"},
		{string(SessionSSH), "SSH"}, {string(SessionSSHTicket), "sshticket"}, {string(SessionRDP), "RDP"},
		{string(SessionRDPTicket), "rdpticket"}, {string(SessionRDPFile), "rdpfile"}, {string(SessionApp), "app"}, {string(SessionAppFile), "appfile"},
		{string(ImagePNG), "png"}, {string(ImageJPEG), "jpeg"},
	}
	for _, p := range strs {
		if p[0] != p[1] {
			t.Errorf("constant %q, want %q", p[0], p[1])
		}
	}
	ints := map[int]int{
		int(AliasUnmapped): 0, int(AliasMapped): 1, int(AliasHighlyAvailable): 2,
	}
	for got, want := range ints {
		if got != want {
			t.Errorf("alias state %d, want %d", got, want)
		}
	}
	statuses := []SessionStatus{SessionNotStarted, SessionInProgress, SessionCompleted, SessionLocked, SessionTerminated, SessionLoggedOff, SessionDisconnected}
	for i, want := range []int{0, 1, 2, 5, 7, 8, 9} {
		if int(statuses[i]) != want {
			t.Errorf("session status %d is %d, want %d", i, statuses[i], want)
		}
	}
	var c Client
	_, _, _, _ = c.Requests, c.Sessions, c.Aliases, c.ManagedAccounts
	var _, _, _ = c.Secrets, c.Folders, c.Safes
	if FileSecretMaxBytes != 5_000_000 {
		t.Errorf("FileSecretMaxBytes %d", FileSecretMaxBytes)
	}
	for _, p := range [][2]SecretType{{SecretTypeCredential, "Credential"}, {SecretTypeText, "Text"}, {SecretTypeFile, "File"}} {
		if p[0] != p[1] {
			t.Errorf("secret type %q, want %q", p[0], p[1])
		}
	}
	_ = SecretOwner{GroupID: 0, UserID: 0}
	_ = FindSecretOptions{Separator: ""}
	_ = ListSecretsOptions{Path: "", Title: "", Separator: "", AfterDate: Time{}, Limit: 0, Offset: 0, Decrypt: false}
	_ = StoredSecret{ID: "", Title: "", Description: "", FolderID: "", FolderPath: "", SecretType: "", Username: "",
		Password: Secret{}, Text: Secret{}, FileName: "", Notes: "", Urls: []SecretURL{}, OwnerID: 0, OwnerType: "",
		Owners: []SecretOwner{}, PasswordRuleID: 0, CreatedOn: Time{}, ModifiedOn: Time{}, CreatedBy: "", ModifiedBy: "",
		SecretValueModifiedOn: Time{}}
	_, _, _, _, _ = c.ManagedSystems, c.Assets, c.Workgroups, c.Users, c.UserGroups
	for _, p := range [][2]ManagedAccountType{
		{ManagedAccountTypeSystem, "system"}, {ManagedAccountTypeRecent, "recent"}, {ManagedAccountTypeDomainLinked, "domainlinked"},
		{ManagedAccountTypeDatabase, "database"}, {ManagedAccountTypeCloud, "cloud"}, {ManagedAccountTypeApplication, "application"},
	} {
		if p[0] != p[1] {
			t.Errorf("managed account type %q, want %q", p[0], p[1])
		}
	}
	_ = ListManagedAccountsOptions{Type: "", SystemName: "", AccountName: "", SystemID: 0, WorkgroupName: "",
		ApplicationDisplayName: "", IPAddress: "", Limit: 0, Offset: 0}
	_ = ManagedAccount{PlatformID: 0, SystemID: 0, SystemName: "", DomainName: "", AccountID: 0, AccountName: "",
		InstanceName: "", UserPrincipalName: "", ApplicationID: 0, ApplicationDisplayName: "", DefaultReleaseDuration: 0,
		MaximumReleaseDuration: 0, LastChangeDate: Time{}, NextChangeDate: Time{}, IsChanging: false, ChangeState: 0,
		IsISAAccess: false, PreferredNodeID: "", AccountDescription: ""}
	_ = CheckoutOptions{AccessType: "", DurationMinutes: 0, Reason: "", ConflictOption: "", TicketSystemID: nil,
		TicketNumber: "", RotateOnCheckin: nil, CredentialType: ""}
	_ = Lease{RequestID: 0, SystemID: 0, SystemName: "", AccountID: 0, AccountName: "", DomainName: "", Credential: Secret{}}
	ty := reflect.TypeOf(ListManagedAccountsOptions{})
	want := map[string]string{"Type": "type,omitempty", "SystemName": "systemName,omitempty", "AccountName": "accountName,omitempty",
		"SystemID": "systemID,omitempty", "WorkgroupName": "workgroupName,omitempty",
		"ApplicationDisplayName": "applicationDisplayName,omitempty", "IPAddress": "ipAddress,omitempty",
		"Limit": "limit,omitempty", "Offset": "offset,omitempty"}
	for i := 0; i < ty.NumField(); i++ {
		f := ty.Field(i)
		if got := f.Tag.Get("url"); got != want[f.Name] {
			t.Errorf("ListManagedAccountsOptions.%s url tag %q, want %q", f.Name, got, want[f.Name])
		}
	}
	_ = User{UserID: 1, SID: "", EmailAddress: "", UserName: "", Name: ""}
	_ = Response{Response: &http.Response{}}
	_ = ErrorResponse{Response: nil, StatusCode: 0, Code: 0, Message: ""}
	_ = ValidationError{Field: "", Message: ""}
	_ = CreatedRequest{RequestID: 1, Reused: true}
	_ = Session{SessionID: 0, UserID: 0, NodeID: "", Status: SessionInProgress, ArchiveStatus: 0, Protocol: 0,
		StartTime: Time{}, EndTime: Time{}, Duration: 0, AssetName: "", ManagedSystemID: 0, ManagedAccountID: 0,
		ManagedAccountName: "", RecordKey: "", Token: "", RequestID: 0, ApplicationID: 0, SessionType: SessionSSH}
	_ = ReplayControl{Speed: nil, Offset: nil, Next: nil}
	_ = SessionTicket{ID: "", Ticket: "", Host: "", Port: "", TicketAtHost: "", Link: "", Command: "",
		SessionID: 0, NodeID: "", File: nil, FileName: ""}
	_ = Time{Time: time.Time{}}
}
