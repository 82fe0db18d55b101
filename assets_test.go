package passwordsafe_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

const fullAsset = `{"WorkgroupID":1,"AssetID":34,"AssetName":"db01","AssetType":"Server","DnsName":"db01.corp.example",` +
	`"DomainName":"corp.example","IPAddress":"10.0.0.12","MacAddress":"00:11:22:33:44:55","OperatingSystem":"Ubuntu 24.04",` +
	`"CreateDate":"2025-02-01T10:20:30","LastUpdateDate":"2025-03-01T00:00:00Z","Description":"primary"}`

func wantFullAsset() *ps.Asset {
	return &ps.Asset{WorkgroupID: 1, AssetID: 34, AssetName: "db01", AssetType: "Server", DNSName: "db01.corp.example",
		DomainName: "corp.example", IPAddress: "10.0.0.12", MacAddress: "00:11:22:33:44:55", OperatingSystem: "Ubuntu 24.04",
		CreateDate:     ps.Time{Time: time.Date(2025, 2, 1, 10, 20, 30, 0, time.UTC)},
		LastUpdateDate: ps.Time{Time: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}, Description: "primary"}
}

const fullDatabase = `{"AssetID":34,"DatabaseID":3,"PlatformID":20,"InstanceName":"orders","IsDefaultInstance":true,` +
	`"Port":5432,"Version":"16","Template":"postgres"}`

func wantFullDatabase() *ps.Database {
	return &ps.Database{AssetID: 34, DatabaseID: 3, PlatformID: 20, InstanceName: "orders", IsDefaultInstance: true,
		Port: 5432, Version: "16", Template: "postgres"}
}

func TestAssetDecodes(t *testing.T) {
	t.Parallel()
	ps.AssertDecodes(t, fullAsset, wantFullAsset())
	ps.AssertDecodes(t, fullDatabase, wantFullDatabase())
}

func TestAssetsRoutes(t *testing.T) {
	t.Parallel()
	one, list := wantFullAsset(), []ps.Asset{*wantFullAsset()}
	ps.CheckRoutes(t, []ps.RouteCase{
		{Name: "ListByWorkgroup", Method: "GET", Path: "Workgroups/1/Assets", Query: "limit=10&offset=20",
			Answer: `{"TotalCount":1,"Data":[` + fullAsset + `]}`, Want: list,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.ListByWorkgroup(bg, 1, &ps.PageOptions{Limit: 10, Offset: 20})
			}},
		{Name: "ListByWorkgroupName", Method: "GET", Path: "Workgroups/BeyondTrust%20Workgroup%2Fwest/Assets",
			Answer: `[` + fullAsset + `]`, Want: list,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.ListByWorkgroupName(bg, "BeyondTrust Workgroup/west", nil)
			}},
		{Name: "Get", Method: "GET", Path: "Assets/34", Answer: fullAsset, Want: one,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Assets.Get(bg, 34) }},
		{Name: "Find", Method: "GET", Path: "Workgroups/Lab%20%231/Assets", Query: "name=db01%3F", Answer: strings.Replace(fullAsset, `"db01"`, `"DB01?"`, 1),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Assets.Find(bg, "Lab #1", "db01?") }},
		{Name: "Search", Method: "POST", Path: "Assets/Search", Query: "limit=5&offset=5",
			Body: `{"IPAddress":"10.0.0.0/24","AssetType":"Server"}`, Answer: `{"TotalCount":1,"Data":[` + fullAsset + `]}`, Want: list,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.Search(bg, &ps.SearchAssetsOptions{Criteria: ps.AssetSearch{IPAddress: "10.0.0.0/24", AssetType: "Server"},
					Limit: 5, Offset: 5})
			}},
		{Name: "Search, every criterion", Method: "POST", Path: "Assets/Search",
			Body:   `{"AssetName":"a","DnsName":"b","DomainName":"c","IPAddress":"d","MacAddress":"e","AssetType":"f"}`,
			Answer: `[]`, Want: []ps.Asset(nil),
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.Search(bg, &ps.SearchAssetsOptions{Criteria: ps.AssetSearch{AssetName: "a", DNSName: "b",
					DomainName: "c", IPAddress: "d", MacAddress: "e", AssetType: "f"}})
			}},
		{Name: "Create", Method: "POST", Path: "Workgroups/1/Assets", Answer: fullAsset, Want: one,
			Body: `{"WorkgroupID":1,"IPAddress":"10.0.0.12","AssetName":"db01","DnsName":"db01.corp.example","DomainName":"corp.example",
				"MacAddress":"00:11:22:33:44:55","AssetType":"Server","OperatingSystem":"Ubuntu 24.04","Description":"primary"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.Create(bg, 1, &ps.AssetOptions{IPAddress: "10.0.0.12", AssetName: "db01", DNSName: "db01.corp.example",
					DomainName: "corp.example", MacAddress: "00:11:22:33:44:55", AssetType: "Server", OperatingSystem: "Ubuntu 24.04",
					Description: "primary"})
			}},
		{Name: "Update", Method: "PUT", Path: "Assets/34", Answer: fullAsset, Want: one,
			Body: `{"WorkgroupID":2,"IPAddress":"10.0.0.13","AssetName":"db01"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.Update(bg, 34, &ps.UpdateAssetOptions{WorkgroupID: 2, AssetOptions: ps.AssetOptions{IPAddress: "10.0.0.13", AssetName: "db01"}})
			}},
		{Name: "Update in place", Method: "PUT", Path: "Assets/34", Answer: fullAsset, Body: `{"IPAddress":"10.0.0.13"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.Update(bg, 34, &ps.UpdateAssetOptions{AssetOptions: ps.AssetOptions{IPAddress: "10.0.0.13"}})
			}},
		{Name: "Delete", Method: "DELETE", Path: "Assets/34",
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.Assets.Delete(bg, 34)
				return nil, resp, err
			}},
		{Name: "ListDatabases", Method: "GET", Path: "Databases", Answer: `[` + fullDatabase + `]`, Want: []ps.Database{*wantFullDatabase()},
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Assets.ListDatabases(bg) }},
		{Name: "GetDatabase", Method: "GET", Path: "Databases/3", Answer: fullDatabase, Want: wantFullDatabase(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Assets.GetDatabase(bg, 3) }},
		{Name: "ListAssetDatabases", Method: "GET", Path: "Assets/34/Databases", Answer: `[` + fullDatabase + `]`,
			Want: []ps.Database{*wantFullDatabase()},
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Assets.ListAssetDatabases(bg, 34) }},
	})
}

// Paging through a workgroup's assets and a search: each page is a call
// with limit and offset (a search posts its criteria every time).
func TestAssetsAll(t *testing.T) {
	t.Parallel()
	c, mt := ps.NewMockClient(t)
	wg := &ps.Recorder{}
	mt.RegisterResponder("GET", ps.TestBase+"Workgroups/2/Assets", wg.Wrap(ps.Respond(http.StatusOK,
		`[{"AssetID":1},{"AssetID":2}]`)))
	var ids []int
	for a, err := range c.Assets.AllByWorkgroup(bg, 2, &ps.PageOptions{Limit: 3, Offset: 6}) {
		require.NoError(t, err)
		ids = append(ids, a.AssetID)
	}
	assert.Equal(t, []int{1, 2}, ids)
	assert.Equal(t, "limit=3&offset=6", wg.Last(t).URL.RawQuery)

	search := &ps.Recorder{}
	mt.RegisterResponder("POST", ps.TestBase+"Assets/Search", search.Wrap(ps.Sequence(
		ps.Respond(http.StatusOK, `{"TotalCount":3,"Data":[{"AssetID":7},{"AssetID":8}]}`),
		ps.Respond(http.StatusOK, `{"TotalCount":3,"Data":[{"AssetID":9}]}`))))
	ids = nil
	for a, err := range c.Assets.SearchAll(bg, &ps.SearchAssetsOptions{Criteria: ps.AssetSearch{AssetName: "db"}, Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, a.AssetID)
	}
	assert.Equal(t, []int{7, 8, 9}, ids)
	assert.Equal(t, 2, search.Count())
	seen := search.Last(t)
	assert.Equal(t, "limit=2&offset=2", seen.URL.RawQuery)
	assert.JSONEq(t, `{"AssetName":"db"}`, string(seen.Body))
}

func TestAssetsValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	create := func(o *ps.AssetOptions) func(*ps.Client) error {
		return func(c *ps.Client) error { _, _, err := c.Assets.Create(bg, 1, o); return err }
	}
	ps.CheckValidation(t, []ps.ValidationCase{
		{"ListByWorkgroup", "workgroupID", func(c *ps.Client) error { _, _, err := c.Assets.ListByWorkgroup(bg, 0, nil); return err }},
		{"ListByWorkgroup page", "limit", func(c *ps.Client) error {
			_, _, err := c.Assets.ListByWorkgroup(bg, 1, &ps.PageOptions{Limit: -1})
			return err
		}},
		{"ListByWorkgroupName empty", "workgroupName", func(c *ps.Client) error {
			_, _, err := c.Assets.ListByWorkgroupName(bg, "", nil)
			return err
		}},
		{"ListByWorkgroupName dot", "workgroupName", func(c *ps.Client) error {
			_, _, err := c.Assets.ListByWorkgroupName(bg, ".", nil)
			return err
		}},
		{"ListByWorkgroupName dots", "workgroupName", func(c *ps.Client) error {
			_, _, err := c.Assets.ListByWorkgroupName(bg, "..", nil)
			return err
		}},
		{"ListByWorkgroupName page", "offset", func(c *ps.Client) error {
			_, _, err := c.Assets.ListByWorkgroupName(bg, "Lab", &ps.PageOptions{Offset: -1})
			return err
		}},
		{"AllByWorkgroup", "workgroupID", func(c *ps.Client) error {
			for _, err := range c.Assets.AllByWorkgroup(bg, 0, nil) {
				return err
			}
			return nil
		}},
		{"Get", "assetID", func(c *ps.Client) error { _, _, err := c.Assets.Get(bg, 0); return err }},
		{"Find workgroup", "workgroupName", func(c *ps.Client) error { _, _, err := c.Assets.Find(bg, "..", "db01"); return err }},
		{"Find asset", "name", func(c *ps.Client) error { _, _, err := c.Assets.Find(bg, "Lab", ""); return err }},
		{"Search nil", "Criteria", func(c *ps.Client) error { _, _, err := c.Assets.Search(bg, nil); return err }},
		{"Search nothing", "Criteria", func(c *ps.Client) error {
			_, _, err := c.Assets.Search(bg, &ps.SearchAssetsOptions{Limit: 5})
			return err
		}},
		{"Search page", "limit", func(c *ps.Client) error {
			_, _, err := c.Assets.Search(bg, &ps.SearchAssetsOptions{Criteria: ps.AssetSearch{AssetName: "x"}, Limit: -1})
			return err
		}},
		{"SearchAll", "Criteria", func(c *ps.Client) error {
			for _, err := range c.Assets.SearchAll(bg, &ps.SearchAssetsOptions{}) {
				return err
			}
			return nil
		}},
		{"Create ID", "workgroupID", func(c *ps.Client) error {
			_, _, err := c.Assets.Create(bg, 0, &ps.AssetOptions{IPAddress: "10.0.0.1"})
			return err
		}},
		{"Create nil", "opts", create(nil)},
		{"IPAddress required", "IPAddress", create(&ps.AssetOptions{AssetName: "x"})},
		{"IPAddress", "IPAddress", create(&ps.AssetOptions{IPAddress: long(47)})},
		{"AssetName", "AssetName", create(&ps.AssetOptions{IPAddress: "1", AssetName: long(129)})},
		{"DnsName", "DnsName", create(&ps.AssetOptions{IPAddress: "1", DNSName: long(256)})},
		{"DomainName", "DomainName", create(&ps.AssetOptions{IPAddress: "1", DomainName: long(65)})},
		{"MacAddress", "MacAddress", create(&ps.AssetOptions{IPAddress: "1", MacAddress: long(129)})},
		{"AssetType", "AssetType", create(&ps.AssetOptions{IPAddress: "1", AssetType: long(65)})},
		{"OperatingSystem", "OperatingSystem", create(&ps.AssetOptions{IPAddress: "1", OperatingSystem: long(256)})},
		{"Description", "Description", create(&ps.AssetOptions{IPAddress: "1", Description: long(256)})},
		{"Update ID", "assetID", func(c *ps.Client) error {
			_, _, err := c.Assets.Update(bg, 0, &ps.UpdateAssetOptions{AssetOptions: ps.AssetOptions{IPAddress: "1"}})
			return err
		}},
		{"Update nil", "opts", func(c *ps.Client) error { _, _, err := c.Assets.Update(bg, 1, nil); return err }},
		{"Update workgroup", "WorkgroupID", func(c *ps.Client) error {
			_, _, err := c.Assets.Update(bg, 1, &ps.UpdateAssetOptions{WorkgroupID: -1, AssetOptions: ps.AssetOptions{IPAddress: "1"}})
			return err
		}},
		{"Update body", "IPAddress", func(c *ps.Client) error {
			_, _, err := c.Assets.Update(bg, 1, &ps.UpdateAssetOptions{WorkgroupID: 1})
			return err
		}},
		{"Delete", "assetID", func(c *ps.Client) error { _, err := c.Assets.Delete(bg, 0); return err }},
		{"GetDatabase", "databaseID", func(c *ps.Client) error { _, _, err := c.Assets.GetDatabase(bg, 0); return err }},
		{"ListAssetDatabases", "assetID", func(c *ps.Client) error { _, _, err := c.Assets.ListAssetDatabases(bg, 0); return err }},
	})
}

func TestAssetsLimitsAccepted(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	opts := &ps.AssetOptions{IPAddress: long(46), AssetName: long(128), DNSName: long(255), DomainName: long(64),
		MacAddress: long(128), AssetType: long(64), OperatingSystem: long(255), Description: long(255)}
	body, err := json.Marshal(struct {
		WorkgroupID int
		*ps.AssetOptions
	}{2147483647, opts})
	require.NoError(t, err)
	ps.CheckRoutes(t, []ps.RouteCase{
		{Name: "Create", Method: "POST", Path: "Workgroups/2147483647/Assets", Answer: fullAsset, Body: string(body),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Assets.Create(bg, 2147483647, opts) }},
		{Name: "Update", Method: "PUT", Path: "Assets/1", Answer: fullAsset, Body: `{"WorkgroupID":2147483647,"IPAddress":"1"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.Update(bg, 1, &ps.UpdateAssetOptions{WorkgroupID: 2147483647, AssetOptions: ps.AssetOptions{IPAddress: "1"}})
			}},
		{Name: "ListByWorkgroupName", Method: "GET", Path: "Workgroups/...%2F/Assets", Query: "limit=2147483647&offset=2147483647",
			Answer: `[]`, Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Assets.ListByWorkgroupName(bg, ".../", &ps.PageOptions{Limit: 2147483647, Offset: 2147483647})
			}},
	})
}

// Find checks the asset's name; a server that answers another asset is
// not believed.
func TestAssetsFindChecksTheName(t *testing.T) {
	t.Parallel()
	c, mt := ps.NewMockClient(t)
	mt.RegisterResponder("GET", ps.TestBase+"Workgroups/Lab/Assets", ps.Respond(http.StatusOK, fullAsset))
	a, _, err := c.Assets.Find(bg, "Lab", "DB01")
	require.NoError(t, err)
	assert.Equal(t, 34, a.AssetID)
	_, _, err = c.Assets.Find(bg, "Lab", "db02")
	assert.True(t, errors.Is(err, ps.ErrNotFound))
	assert.EqualError(t, err, `passwordsafe: GET Workgroups/Lab/Assets: no asset named "db02"`)
}
