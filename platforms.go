package passwordsafe

import (
	"context"
)

// Platforms and functional accounts are read through ManagedSystems, the
// service they serve: a platform is what a managed system runs (its
// PlatformID), a functional account is what manages its passwords (its
// FunctionalAccountID). Both are read-only here.

// Platform is a kind of system Password Safe can manage (Windows, Linux,
// a database, a directory, a cloud), with what it supports.
type Platform struct {
	PlatformID              int
	Name                    string
	ShortName               string
	PortFlag                bool // takes a port
	DefaultPort             int
	SupportsElevationFlag   bool
	DomainNameFlag          bool
	AutoManagementFlag      bool
	DSSAutoManagementFlag   bool
	ManageableFlag          bool
	DSSFlag                 bool // SSH (DSS) keys
	LoginAccountFlag        bool
	DefaultSessionType      string
	ApplicationHostFlag     bool
	RequiresApplicationHost bool
	RequiresTenantID        bool
	RequiresObjectID        bool
	RequiresSecret          bool
}

// FunctionalAccount is an account Password Safe uses to change the
// passwords of the systems it auto-manages. Its credentials are never
// answered.
type FunctionalAccount struct {
	FunctionalAccountID  int
	PlatformID           int
	DomainName           string
	AccountName          string
	DisplayName          string
	Description          string
	ElevationCommand     string
	SystemReferenceCount int    // how many managed systems use it
	TenantID             string // cloud platforms
	ObjectID             string // cloud platforms
	AzureInstance        string // AzurePublic or AzureUsGovernment
}

const (
	pathPlatforms          = "Platforms"
	pathFunctionalAccounts = "FunctionalAccounts"
)

// ListPlatforms returns the platforms managed systems can run.
//
// API: GET Platforms
// Reference: get-api-public-v3-platforms
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) ListPlatforms(ctx context.Context) ([]Platform, *Response, error) {
	return callPage[Platform](ctx, s.client, get(pathPlatforms, ""))
}

// GetPlatform returns the platform with the ID.
//
// API: GET Platforms/{id}
// Reference: get-api-public-v3-platforms-id
// Needs: Password Safe System Management (Read).
func (s *ManagedSystemsService) GetPlatform(ctx context.Context, platformID int) (*Platform, *Response, error) {
	return getByID[Platform](ctx, s.client, "platformID", platformID, pathPlatforms)
}

// ListFunctionalAccounts returns the functional accounts.
//
// API: GET FunctionalAccounts
// Reference: get-api-public-v3-functionalaccounts
// Needs: Password Safe Account Management (Read) or Password Safe
// Configuration Management (Read).
func (s *ManagedSystemsService) ListFunctionalAccounts(ctx context.Context) ([]FunctionalAccount, *Response, error) {
	return callPage[FunctionalAccount](ctx, s.client, get(pathFunctionalAccounts, ""))
}

// GetFunctionalAccount returns the functional account with the ID.
//
// API: GET FunctionalAccounts/{id}
// Reference: get-api-public-v3-functionalaccounts-id
// Needs: as ListFunctionalAccounts.
func (s *ManagedSystemsService) GetFunctionalAccount(ctx context.Context, functionalAccountID int) (*FunctionalAccount, *Response, error) {
	return getByID[FunctionalAccount](ctx, s.client, "functionalAccountID", functionalAccountID, pathFunctionalAccounts)
}
