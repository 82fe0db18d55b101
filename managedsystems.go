package passwordsafe

import (
	"context"
	"iter"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// ManagedSystemsService finds managed systems by name and ID (the ID that
// locking a system's sessions or ending its requests needs), lists them by
// asset, workgroup, database and functional account, and creates, updates
// and deletes them. The platforms and functional accounts systems are
// managed with are read here too (platforms.go).
//
// Each method's Reference: line names its page of the vendor's API
// reference, https://docs.beyondtrust.com/bips/v26.2/reference/<page>.
type ManagedSystemsService service

// EntityType is the kind of a managed system: what it was created on.
// GET EntityTypes lists the server's.
type EntityType int

// Entity types.
const (
	EntityAsset     EntityType = 1 // a system on an asset
	EntityDatabase  EntityType = 2 // a database instance
	EntityDirectory EntityType = 3 // Active Directory or LDAP
	EntityCloud     EntityType = 4 // a cloud platform
)

// String names the entity type, or gives its number.
func (t EntityType) String() string {
	switch t {
	case EntityAsset:
		return "Asset"
	case EntityDatabase:
		return "Database"
	case EntityDirectory:
		return "Directory"
	case EntityCloud:
		return "Cloud"
	}
	return "EntityType(" + strconv.Itoa(int(t)) + ")"
}

// EncodeValues writes the entity type as its number in a query
// (go-querystring would write its String).
func (t EntityType) EncodeValues(key string, v *url.Values) error {
	v.Set(key, strconv.Itoa(int(t)))
	return nil
}

// ManagedSystem is a system Password Safe manages: on an asset, a
// database, a directory or a cloud platform (EntityTypeID). Fields that do
// not apply to its kind are zero.
type ManagedSystem struct {
	ManagedSystemID                    int
	EntityTypeID                       EntityType
	AssetID                            int
	DatabaseID                         int
	DirectoryID                        int
	CloudID                            int
	WorkgroupID                        int
	SystemName                         string
	HostName                           string
	DNSName                            string `json:"DnsName"`
	IPAddress                          string
	InstanceName                       string
	IsDefaultInstance                  bool
	Template                           string
	ForestName                         string
	UseSSL                             bool
	OracleInternetDirectoryID          string
	OracleInternetDirectoryServiceName string
	PlatformID                         int
	NetBIOSName                        string `json:"NetBiosName"`
	Port                               int
	Timeout                            int // seconds
	Description                        string
	ContactEmail                       string
	PasswordRuleID                     int
	DSSKeyRuleID                       int
	ReleaseDuration                    int // minutes
	MaxReleaseDuration                 int // minutes
	ISAReleaseDuration                 int // minutes
	AutoManagementFlag                 bool
	FunctionalAccountID                int
	LoginAccountID                     int
	ElevationCommand                   string
	SSHKeyEnforcementMode              int `json:"SshKeyEnforcementMode"` // 0 none, 1 auto, 2 strict
	CheckPasswordFlag                  bool
	ChangePasswordAfterAnyReleaseFlag  bool
	ResetPasswordOnMismatchFlag        bool
	ChangeFrequencyType                ChangeFrequency
	ChangeFrequencyDays                int
	ChangeTime                         string // "HH:MM"
	AccountNameFormat                  int
	RemoteClientType                   string // None or EPM (API 3.1+)
	ApplicationHostID                  int    // API 3.2+
	IsApplicationHost                  bool   // API 3.2+
	AccessURL                          string
}

func managedSystemKey(s *ManagedSystem) int { return s.ManagedSystemID }

// ListManagedSystemsOptions filters ManagedSystemsService.List and All.
// Zero values are left out.
type ListManagedSystemsOptions struct {
	Type   EntityType `url:"type,omitempty"` // only systems of this entity type
	Name   string     `url:"name,omitempty"` // only the system of this name (use Find to get exactly it)
	Limit  int        `url:"limit,omitempty"`
	Offset int        `url:"offset,omitempty"`
}

func (o *ListManagedSystemsOptions) validate() error {
	return firstError(checkRange("type", int(o.Type), 0, math.MaxInt32), checkPage(o.Limit, o.Offset))
}

// query validates the filter and encodes it; nil is no filter.
func (o *ListManagedSystemsOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := o.validate(); err != nil {
		return "", err
	}
	return encodeQuery(o)
}

const pathManagedSystems = "ManagedSystems"

// List returns the managed systems, filtered by opts (nil: all the server
// answers at once). A bare array and a {TotalCount, Data} page both
// decode; use All to read every page.
//
// API: GET ManagedSystems
// Reference: get-api-public-v3-managedsystems
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) List(ctx context.Context, opts *ListManagedSystemsOptions) ([]ManagedSystem, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callPage[ManagedSystem](ctx, s.client, get(pathManagedSystems, q))
}

// All yields every managed system List would, reading page after page
// with limit and offset as the loop asks for more (opts.Limit is the page
// size, default 1000). A failure is the last pair yielded.
//
// API: GET ManagedSystems?limit=&offset=, repeated
// Reference: get-api-public-v3-managedsystems
// Needs: as List.
func (s *ManagedSystemsService) All(ctx context.Context, opts *ListManagedSystemsOptions) iter.Seq2[ManagedSystem, error] {
	base := deref(opts)
	if err := base.validate(); err != nil {
		return seqError[ManagedSystem](err)
	}
	return allPages(ctx, s.client, base.Limit, base.Offset, func(limit, offset int) *request {
		o := base
		o.Limit, o.Offset = 0, 0
		q, _ := encodeQuery(&o) // validated above
		return get(pathManagedSystems, pageQuery(q, limit, offset))
	}, managedSystemKey)
}

// Get returns the managed system with the ID.
//
// API: GET ManagedSystems/{id}
// Reference: get-api-public-v3-managedsystems-id
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) Get(ctx context.Context, systemID int) (*ManagedSystem, *Response, error) {
	return getByID[ManagedSystem](ctx, s.client, "systemID", systemID, pathManagedSystems)
}

// Find returns the managed system named name (SystemName, matched case
// aside): the name a user knows turned into the ID the other calls need.
// The name is sent as a query parameter, escaped, and the answer is
// checked against it. No such system is ErrNotFound; more than one is an
// error saying how many.
//
// API: GET ManagedSystems?name={name}
// Reference: get-api-public-v3-managedsystems
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) Find(ctx context.Context, name string) (*ManagedSystem, *Response, error) {
	return findByName(ctx, s.client, "name", name, pathManagedSystems, "name", "managed system",
		func(m *ManagedSystem) bool { return strings.EqualFold(m.SystemName, name) })
}

// GetByAsset returns the managed system of an asset.
//
// API: GET Assets/{assetId}/ManagedSystems
// Reference: get-api-public-v3-assets-assetid-managedsystems
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) GetByAsset(ctx context.Context, assetID int) (*ManagedSystem, *Response, error) {
	if err := checkID("assetID", assetID); err != nil {
		return nil, nil, err
	}
	return callOne[ManagedSystem](ctx, s.client, get(idPath(pathAssets, assetID, pathManagedSystems), ""))
}

// GetByDatabase returns the managed system of a database.
//
// API: GET Databases/{databaseID}/ManagedSystems
// Reference: get-api-public-v3-databases-databaseid-managedsystems
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) GetByDatabase(ctx context.Context, databaseID int) (*ManagedSystem, *Response, error) {
	if err := checkID("databaseID", databaseID); err != nil {
		return nil, nil, err
	}
	return callOne[ManagedSystem](ctx, s.client, get(idPath(pathDatabases, databaseID, pathManagedSystems), ""))
}

// ListByWorkgroup returns the managed systems in a workgroup, a page at a
// time (opts nil: the server's default page).
//
// API: GET Workgroups/{id}/ManagedSystems
// Reference: get-api-public-v3-workgroups-id-managedsystems
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) ListByWorkgroup(ctx context.Context, workgroupID int, opts *PageOptions) ([]ManagedSystem, *Response, error) {
	return listByID[ManagedSystem](ctx, s.client, "workgroupID", workgroupID, opts, pathWorkgroups, pathManagedSystems)
}

// AllByWorkgroup yields every managed system in a workgroup, page after
// page, as All does.
//
// API: GET Workgroups/{id}/ManagedSystems?limit=&offset=, repeated
// Reference: get-api-public-v3-workgroups-id-managedsystems
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) AllByWorkgroup(ctx context.Context, workgroupID int, opts *PageOptions) iter.Seq2[ManagedSystem, error] {
	return allByID(ctx, s.client, "workgroupID", workgroupID, opts, managedSystemKey, pathWorkgroups, pathManagedSystems)
}

// ListByFunctionalAccount returns the managed systems a functional account
// manages (auto-management), a page at a time.
//
// API: GET FunctionalAccounts/{accountID}/ManagedSystems
// Reference: get-api-public-v3-functionalaccounts-accountid-managedsystems
// Needs: Password Safe System Management (Read) or Password Safe Account
// Management (Read).
func (s *ManagedSystemsService) ListByFunctionalAccount(ctx context.Context, functionalAccountID int, opts *PageOptions) ([]ManagedSystem, *Response, error) {
	return listByID[ManagedSystem](ctx, s.client, "functionalAccountID", functionalAccountID, opts,
		pathFunctionalAccounts, pathManagedSystems)
}

// AllByFunctionalAccount yields every managed system a functional account
// manages, page after page, as All does.
//
// API: GET FunctionalAccounts/{accountID}/ManagedSystems?limit=&offset=, repeated
// Reference: get-api-public-v3-functionalaccounts-accountid-managedsystems
// Needs: as ListByFunctionalAccount.
func (s *ManagedSystemsService) AllByFunctionalAccount(ctx context.Context, functionalAccountID int, opts *PageOptions) iter.Seq2[ManagedSystem, error] {
	return allByID(ctx, s.client, "functionalAccountID", functionalAccountID, opts, managedSystemKey,
		pathFunctionalAccounts, pathManagedSystems)
}

// CreateOnAsset makes an asset a managed system and returns it.
//
// API: POST Assets/{assetId}/ManagedSystems
// Reference: post-api-public-v3-assets-assetid-managedsystems
// Needs: Password Safe System Management (Full control; Read/Write on
// older servers).
func (s *ManagedSystemsService) CreateOnAsset(ctx context.Context, assetID int, opts *CreateAssetSystemOptions) (*ManagedSystem, *Response, error) {
	if err := firstError(checkID("assetID", assetID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return callJSON[ManagedSystem](ctx, s.client, post(idPath(pathAssets, assetID, pathManagedSystems), opts))
}

// CreateOnDatabase makes a database a managed system and returns it.
//
// API: POST Databases/{databaseID}/ManagedSystems
// Reference: post-api-public-v3-databases-databaseid-managedsystems
// Needs: Password Safe System Management (Full control).
func (s *ManagedSystemsService) CreateOnDatabase(ctx context.Context, databaseID int, opts *CreateDatabaseSystemOptions) (*ManagedSystem, *Response, error) {
	if err := firstError(checkID("databaseID", databaseID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return callJSON[ManagedSystem](ctx, s.client, post(idPath(pathDatabases, databaseID, pathManagedSystems), opts))
}

// CreateOnWorkgroup creates a managed system (of any entity type) in a
// workgroup and returns it.
//
// API: POST Workgroups/{workgroupID}/ManagedSystems
// Reference: post-api-public-v3-workgroups-workgroupid-managedsystems
// Needs: Password Safe System Management (Full control).
func (s *ManagedSystemsService) CreateOnWorkgroup(ctx context.Context, workgroupID int, opts *CreateWorkgroupSystemOptions) (*ManagedSystem, *Response, error) {
	if err := firstError(checkID("workgroupID", workgroupID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return callJSON[ManagedSystem](ctx, s.client, post(idPath(pathWorkgroups, workgroupID, pathManagedSystems), opts))
}

// Update changes a managed system and returns it as the server now has it.
// Fields left zero in opts are not sent.
//
// API: PUT ManagedSystems/{id}
// Reference: put-api-public-v3-managedsystems-id
// Needs: Password Safe System Management (Full control).
func (s *ManagedSystemsService) Update(ctx context.Context, systemID int, opts *UpdateManagedSystemOptions) (*ManagedSystem, *Response, error) {
	if err := firstError(checkID("systemID", systemID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return callJSON[ManagedSystem](ctx, s.client, put(idPath(pathManagedSystems, systemID), opts))
}

// Delete deletes a managed system (the asset or database stays).
//
// API: DELETE ManagedSystems/{id}
// Reference: delete-api-public-v3-managedsystems-id
// Needs: Password Safe System Management (Full control).
func (s *ManagedSystemsService) Delete(ctx context.Context, systemID int) (*Response, error) {
	if err := checkID("systemID", systemID); err != nil {
		return nil, err
	}
	return s.client.do(ctx, del(idPath(pathManagedSystems, systemID)), nil)
}
