package passwordsafe

import (
	"context"
	"iter"
	"strings"
)

// AssetsService finds assets (the hosts that managed systems live on) by
// workgroup, by name and by search, and creates, updates and deletes them.
// The databases on assets are read here too (databases.go).
//
// Each method's Reference: line names its page of the vendor's API
// reference, https://docs.beyondtrust.com/bips/v26.2/reference/<page>.
type AssetsService service

// Asset is a host in a workgroup.
type Asset struct {
	WorkgroupID     int
	AssetID         int
	AssetName       string
	AssetType       string
	DNSName         string `json:"DnsName"`
	DomainName      string
	IPAddress       string
	MacAddress      string
	OperatingSystem string
	CreateDate      Time
	LastUpdateDate  Time
	Description     string // API 3.1+
}

func assetKey(a *Asset) int { return a.AssetID }

// Limits of asset bodies.
const (
	maxAssetName        = 128
	maxAssetDNSName     = 255
	maxAssetDomainName  = 64
	maxMacAddress       = 128
	maxAssetType        = 64
	maxAssetDescription = 255
	maxOperatingSystem  = 255
)

// AssetOptions is the body of AssetsService.Create.
type AssetOptions struct {
	IPAddress       string `json:"IPAddress"`                 // required, ≤ 46 characters
	AssetName       string `json:"AssetName,omitempty"`       // ≤ 128; default: the padded IP address
	DNSName         string `json:"DnsName,omitempty"`         // ≤ 255
	DomainName      string `json:"DomainName,omitempty"`      // ≤ 64
	MacAddress      string `json:"MacAddress,omitempty"`      // ≤ 128
	AssetType       string `json:"AssetType,omitempty"`       // ≤ 64
	OperatingSystem string `json:"OperatingSystem,omitempty"` // ≤ 255
	Description     string `json:"Description,omitempty"`     // ≤ 255; API 3.1+
}

func (o *AssetOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkRequired("IPAddress", o.IPAddress),
		checkLen("IPAddress", o.IPAddress, maxIPAddress),
		checkLen("AssetName", o.AssetName, maxAssetName),
		checkLen("DnsName", o.DNSName, maxAssetDNSName),
		checkLen("DomainName", o.DomainName, maxAssetDomainName),
		checkLen("MacAddress", o.MacAddress, maxMacAddress),
		checkLen("AssetType", o.AssetType, maxAssetType),
		checkLen("OperatingSystem", o.OperatingSystem, maxOperatingSystem),
		checkLen("Description", o.Description, maxAssetDescription),
	)
}

// UpdateAssetOptions is the body of AssetsService.Update: the asset as it
// should be (IPAddress is required), and the workgroup to move it to.
type UpdateAssetOptions struct {
	WorkgroupID int `json:"WorkgroupID,omitempty"` // 0: stays where it is
	AssetOptions
}

func (o *UpdateAssetOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(checkRange("WorkgroupID", o.WorkgroupID, 0, maxID), o.AssetOptions.validate())
}

// assetBody is what AssetsService.Create posts: the options, with the
// workgroup of the path (newer servers read it from the body too).
type assetBody struct {
	WorkgroupID int `json:"WorkgroupID"`
	*AssetOptions
}

// AssetSearch is what POST Assets/Search matches: each field given must
// equal (case aside) the asset's, except IPAddress, which may be one
// address, a comma-separated list, a range (10.0.0.1-10.0.0.25) or a CIDR
// block (10.0.0.0/24). At least one field is required.
type AssetSearch struct {
	AssetName  string `json:"AssetName,omitempty"`
	DNSName    string `json:"DnsName,omitempty"`
	DomainName string `json:"DomainName,omitempty"`
	IPAddress  string `json:"IPAddress,omitempty"`
	MacAddress string `json:"MacAddress,omitempty"`
	AssetType  string `json:"AssetType,omitempty"`
}

// SearchAssetsOptions are the criteria of AssetsService.Search (the body)
// and the page to answer (the query).
type SearchAssetsOptions struct {
	Criteria AssetSearch `url:"-"`
	Limit    int         `url:"limit,omitempty"` // server default 100000
	Offset   int         `url:"offset,omitempty"`
}

func (o *SearchAssetsOptions) validate() error {
	if o == nil || o.Criteria == (AssetSearch{}) {
		return invalid("Criteria", "needs at least one of AssetName, DnsName, DomainName, IPAddress, MacAddress, AssetType")
	}
	return checkPage(o.Limit, o.Offset)
}

const (
	pathAssets     = "Assets"
	pathWorkgroups = "Workgroups"
)

// ListByWorkgroup returns the assets of a workgroup, a page at a time
// (opts nil: the server's default, up to 100000).
//
// API: GET Workgroups/{workgroupID}/Assets
// Reference: get-api-public-v3-workgroups-workgroupid-assets
// Needs: Asset Management (Read).
func (s *AssetsService) ListByWorkgroup(ctx context.Context, workgroupID int, opts *PageOptions) ([]Asset, *Response, error) {
	return listByID[Asset](ctx, s.client, "workgroupID", workgroupID, opts, pathWorkgroups, pathAssets)
}

// ListByWorkgroupName returns the assets of the workgroup named
// workgroupName, a page at a time. The name travels in the path, escaped.
//
// API: GET Workgroups/{workgroupName}/Assets
// Reference: get-api-public-v3-workgroups-workgroupname-assets
// Needs: Asset Management (Read).
func (s *AssetsService) ListByWorkgroupName(ctx context.Context, workgroupName string, opts *PageOptions) ([]Asset, *Response, error) {
	if err := checkSegment("workgroupName", workgroupName); err != nil {
		return nil, nil, err
	}
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callPage[Asset](ctx, s.client, get(namePath(pathWorkgroups, workgroupName, pathAssets), q))
}

// AllByWorkgroup yields every asset of a workgroup, reading page after
// page as the loop asks for more (opts.Limit is the page size, default
// 1000). A failure is the last pair yielded.
//
// API: GET Workgroups/{workgroupID}/Assets?limit=&offset=, repeated
// Reference: get-api-public-v3-workgroups-workgroupid-assets
// Needs: Asset Management (Read).
func (s *AssetsService) AllByWorkgroup(ctx context.Context, workgroupID int, opts *PageOptions) iter.Seq2[Asset, error] {
	return allByID(ctx, s.client, "workgroupID", workgroupID, opts, assetKey, pathWorkgroups, pathAssets)
}

// Get returns the asset with the ID.
//
// API: GET Assets/{id}
// Reference: get-api-public-v3-assets-id
// Needs: Asset Management (Read).
func (s *AssetsService) Get(ctx context.Context, assetID int) (*Asset, *Response, error) {
	return getByID[Asset](ctx, s.client, "assetID", assetID, pathAssets)
}

// Find returns the asset named assetName in the workgroup named
// workgroupName (names matched case aside). The workgroup name travels in
// the path and the asset name in the query, both escaped, and the answer
// is checked against the name asked. No such asset is ErrNotFound.
//
// API: GET Workgroups/{workgroupName}/Assets?name={assetName}
// Reference: get-api-public-v3-workgroups-workgroupname-assets
// Needs: Asset Management (Read).
func (s *AssetsService) Find(ctx context.Context, workgroupName, assetName string) (*Asset, *Response, error) {
	if err := firstError(checkSegment("workgroupName", workgroupName), checkRequired("name", assetName)); err != nil {
		return nil, nil, err
	}
	r := get(namePath(pathWorkgroups, workgroupName, pathAssets), nameQuery("name", assetName))
	return findNamed(ctx, s.client, r, "asset", assetName, func(a *Asset) bool { return strings.EqualFold(a.AssetName, assetName) })
}

// Search returns the assets that match opts.Criteria, a page at a time.
//
// API: POST Assets/Search
// Reference: post-api-public-v3-assets-search
// Needs: Asset Management (Read).
func (s *AssetsService) Search(ctx context.Context, opts *SearchAssetsOptions) ([]Asset, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	q, _ := encodeQuery(opts) // limit and offset, validated: it cannot fail
	r := post(pathAssets+"/Search", &opts.Criteria)
	r.query = q
	return callPage[Asset](ctx, s.client, r)
}

// SearchAll yields every asset that matches opts.Criteria, searching page
// after page as the loop asks for more (opts.Limit is the page size,
// default 1000).
//
// API: POST Assets/Search?limit=&offset=, repeated
// Reference: post-api-public-v3-assets-search
// Needs: Asset Management (Read).
func (s *AssetsService) SearchAll(ctx context.Context, opts *SearchAssetsOptions) iter.Seq2[Asset, error] {
	if err := opts.validate(); err != nil {
		return seqError[Asset](err)
	}
	criteria := opts.Criteria
	return allPages(ctx, s.client, opts.Limit, opts.Offset, func(limit, offset int) *request {
		r := post(pathAssets+"/Search", &criteria)
		r.query = pageQuery("", limit, offset)
		return r
	}, assetKey)
}

// Create creates an asset in a workgroup and returns it.
//
// API: POST Workgroups/{workgroupID}/Assets
// Reference: post-api-public-v3-workgroups-workgroupid-assets
// Needs: Asset Management (Full control; Read/Write on older servers).
func (s *AssetsService) Create(ctx context.Context, workgroupID int, opts *AssetOptions) (*Asset, *Response, error) {
	if err := firstError(checkID("workgroupID", workgroupID), opts.validate()); err != nil {
		return nil, nil, err
	}
	body := &assetBody{WorkgroupID: workgroupID, AssetOptions: opts}
	return callJSON[Asset](ctx, s.client, post(idPath(pathWorkgroups, workgroupID, pathAssets), body))
}

// Update changes an asset and returns it as the server now has it.
//
// API: PUT Assets/{id}
// Reference: put-api-public-v3-assets-id
// Needs: Asset Management (Full control).
func (s *AssetsService) Update(ctx context.Context, assetID int, opts *UpdateAssetOptions) (*Asset, *Response, error) {
	if err := firstError(checkID("assetID", assetID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return callJSON[Asset](ctx, s.client, put(idPath(pathAssets, assetID), opts))
}

// Delete deletes an asset.
//
// API: DELETE Assets/{id}
// Reference: delete-api-public-v3-assets-id
// Needs: Asset Management (Full control).
func (s *AssetsService) Delete(ctx context.Context, assetID int) (*Response, error) {
	if err := checkID("assetID", assetID); err != nil {
		return nil, err
	}
	return s.client.do(ctx, del(idPath(pathAssets, assetID)), nil)
}
