package passwordsafe

import "context"

// Databases are read through Assets, where they live: a database is an
// instance on an asset (GET Assets/{id}/Databases). Read-only here; a
// database becomes a managed system with ManagedSystemsService.CreateOnDatabase.

// Database is a database instance on an asset.
type Database struct {
	DatabaseID        int
	AssetID           int
	PlatformID        int
	InstanceName      string
	IsDefaultInstance bool
	Port              int
	Version           string
	Template          string
}

const pathDatabases = "Databases"

// ListDatabases returns every database.
//
// API: GET Databases
// Reference: get-api-public-v3-databases
// Needs: Asset Management (Read).
func (s *AssetsService) ListDatabases(ctx context.Context) ([]Database, *Response, error) {
	return callPage[Database](ctx, s.client, get(pathDatabases, ""))
}

// GetDatabase returns the database with the ID.
//
// API: GET Databases/{id}
// Reference: get-api-public-v3-databases-id
// Needs: Asset Management (Read).
func (s *AssetsService) GetDatabase(ctx context.Context, databaseID int) (*Database, *Response, error) {
	return getByID[Database](ctx, s.client, "databaseID", databaseID, pathDatabases)
}

// ListAssetDatabases returns the databases on an asset.
//
// API: GET Assets/{assetID}/Databases
// Reference: get-api-public-v3-assets-assetid-databases
// Needs: Asset Management (Read).
func (s *AssetsService) ListAssetDatabases(ctx context.Context, assetID int) ([]Database, *Response, error) {
	return listByID[Database](ctx, s.client, "assetID", assetID, nil, pathAssets, pathDatabases)
}
