package passwordsafe_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// fullSystem is a managed system with every field, as the server spells
// them (DnsName, NetBiosName, SshKeyEnforcementMode).
const fullSystem = `{"ManagedSystemID":12,"EntityTypeID":1,"AssetID":34,"DatabaseID":null,"DirectoryID":0,"CloudID":0,` +
	`"WorkgroupID":1,"SystemName":"db01","HostName":"db01","DnsName":"db01.corp.example","IPAddress":"10.0.0.12",` +
	`"InstanceName":"","IsDefaultInstance":false,"Template":"","ForestName":"","UseSSL":true,` +
	`"OracleInternetDirectoryID":"","OracleInternetDirectoryServiceName":"","PlatformID":2,"NetBiosName":"DB01",` +
	`"Port":22,"Timeout":30,"Description":"primary","ContactEmail":"ops@corp.example","PasswordRuleID":4,"DSSKeyRuleID":5,` +
	`"ReleaseDuration":120,"MaxReleaseDuration":525600,"ISAReleaseDuration":60,"AutoManagementFlag":true,` +
	`"FunctionalAccountID":7,"LoginAccountID":8,"ElevationCommand":"sudo","SshKeyEnforcementMode":2,` +
	`"CheckPasswordFlag":true,"ChangePasswordAfterAnyReleaseFlag":true,"ResetPasswordOnMismatchFlag":true,` +
	`"ChangeFrequencyType":"xdays","ChangeFrequencyDays":30,"ChangeTime":"23:30","AccountNameFormat":1,` +
	`"RemoteClientType":"EPM","ApplicationHostID":9,"IsApplicationHost":true,"AccessURL":"https://cloud.example"}`

func wantFullSystem() *ps.ManagedSystem {
	return &ps.ManagedSystem{ManagedSystemID: 12, EntityTypeID: ps.EntityAsset, AssetID: 34, WorkgroupID: 1,
		SystemName: "db01", HostName: "db01", DNSName: "db01.corp.example", IPAddress: "10.0.0.12", UseSSL: true,
		PlatformID: 2, NetBIOSName: "DB01", Port: 22, Timeout: 30, Description: "primary", ContactEmail: "ops@corp.example",
		PasswordRuleID: 4, DSSKeyRuleID: 5, ReleaseDuration: 120, MaxReleaseDuration: 525600, ISAReleaseDuration: 60,
		AutoManagementFlag: true, FunctionalAccountID: 7, LoginAccountID: 8, ElevationCommand: "sudo", SSHKeyEnforcementMode: 2,
		CheckPasswordFlag: true, ChangePasswordAfterAnyReleaseFlag: true, ResetPasswordOnMismatchFlag: true,
		ChangeFrequencyType: ps.ChangeXDays, ChangeFrequencyDays: 30, ChangeTime: "23:30", AccountNameFormat: 1,
		RemoteClientType: "EPM", ApplicationHostID: 9, IsApplicationHost: true, AccessURL: "https://cloud.example"}
}

func TestManagedSystemDecodes(t *testing.T) {
	t.Parallel()
	ps.AssertDecodes(t, fullSystem, wantFullSystem())
}

func TestEntityType(t *testing.T) {
	t.Parallel()
	for typ, want := range map[ps.EntityType]string{1: "Asset", 2: "Database", 3: "Directory", 4: "Cloud", 9: "EntityType(9)"} {
		assert.Equal(t, want, typ.String())
	}
}

func TestManagedSystemsRoutes(t *testing.T) {
	t.Parallel()
	one, list := wantFullSystem(), []ps.ManagedSystem{*wantFullSystem()}
	page := &ps.PageOptions{Limit: 5, Offset: 10}
	ps.CheckRoutes(t, []ps.RouteCase{
		{Name: "List", Method: "GET", Path: "ManagedSystems", Query: "limit=2&name=db+01&offset=4&type=2",
			Answer: `{"TotalCount":1,"Data":[` + fullSystem + `]}`, Want: list,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedSystems.List(bg, &ps.ListManagedSystemsOptions{Type: ps.EntityDatabase, Name: "db 01", Limit: 2, Offset: 4})
			}},
		{Name: "List nil", Method: "GET", Path: "ManagedSystems", Answer: `[` + fullSystem + `]`, Want: list,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.List(bg, nil) }},
		{Name: "Get", Method: "GET", Path: "ManagedSystems/12", Answer: fullSystem, Want: one,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.Get(bg, 12) }},
		{Name: "GetByAsset", Method: "GET", Path: "Assets/34/ManagedSystems", Answer: fullSystem, Want: one,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.GetByAsset(bg, 34) }},
		{Name: "GetByAsset, a list of one", Method: "GET", Path: "Assets/34/ManagedSystems", Answer: `[` + fullSystem + `]`, Want: one,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.GetByAsset(bg, 34) }},
		{Name: "GetByDatabase", Method: "GET", Path: "Databases/3/ManagedSystems", Answer: fullSystem, Want: one,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.GetByDatabase(bg, 3) }},
		{Name: "ListByWorkgroup", Method: "GET", Path: "Workgroups/1/ManagedSystems", Query: "limit=5&offset=10",
			Answer: `[` + fullSystem + `]`, Want: list,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.ListByWorkgroup(bg, 1, page) }},
		{Name: "ListByFunctionalAccount", Method: "GET", Path: "FunctionalAccounts/7/ManagedSystems",
			Answer: `{"TotalCount":1,"Data":[` + fullSystem + `]}`, Want: list,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedSystems.ListByFunctionalAccount(bg, 7, nil)
			}},
		{Name: "CreateOnAsset", Method: "POST", Path: "Assets/34/ManagedSystems", Answer: fullSystem, Want: one,
			Body: `{"PlatformID":2,"Port":22,"SshKeyEnforcementMode":0,"ElevationCommand":"sudo","RemoteClientType":"None",
				"ContactEmail":"ops@corp.example","ReleaseDuration":60,"MaxReleaseDuration":120,"AutoManagementFlag":true,
				"FunctionalAccountID":7,"CheckPasswordFlag":false,"ChangeFrequencyType":"xdays","ChangeFrequencyDays":30,"ChangeTime":"23:30"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedSystems.CreateOnAsset(bg, 34, &ps.CreateAssetSystemOptions{PlatformID: 2,
					ManagedSystemAccess: ps.ManagedSystemAccess{Port: ps.Ptr(22), SSHKeyEnforcementMode: ps.Ptr(0),
						ElevationCommand: "sudo", RemoteClientType: "None"},
					ManagedSystemSettings: ps.ManagedSystemSettings{ContactEmail: "ops@corp.example", ReleaseDuration: ps.Ptr(60),
						MaxReleaseDuration: ps.Ptr(120), AutoManagementFlag: ps.Ptr(true), FunctionalAccountID: ps.Ptr(7),
						CheckPasswordFlag: ps.Ptr(false), ChangeFrequencyType: ps.ChangeXDays, ChangeFrequencyDays: ps.Ptr(30), ChangeTime: "23:30"}})
			}},
		{Name: "CreateOnDatabase", Method: "POST", Path: "Databases/3/ManagedSystems", Answer: fullSystem, Want: one,
			Body: `{"Description":"orders","ChangeFrequencyType":"first"}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedSystems.CreateOnDatabase(bg, 3, &ps.CreateDatabaseSystemOptions{ManagedSystemSettings: ps.ManagedSystemSettings{
					Description: "orders", ChangeFrequencyType: ps.ChangeFirstDay}})
			}},
		{Name: "CreateOnDatabase, defaults", Method: "POST", Path: "Databases/3/ManagedSystems", Answer: fullSystem, Body: `{}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedSystems.CreateOnDatabase(bg, 3, &ps.CreateDatabaseSystemOptions{})
			}},
		{Name: "CreateOnWorkgroup", Method: "POST", Path: "Workgroups/1/ManagedSystems", Answer: fullSystem, Want: one,
			Body: `{"EntityTypeID":1,"PlatformID":2,"HostName":"db01","IPAddress":"10.0.0.12","DnsName":"db01.corp.example",
				"NetBiosName":"DB01","AccountNameFormat":2,"UseSSL":true,"Port":2222}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedSystems.CreateOnWorkgroup(bg, 1, &ps.CreateWorkgroupSystemOptions{EntityTypeID: ps.EntityAsset, PlatformID: 2,
					ManagedSystemHost: ps.ManagedSystemHost{HostName: "db01", IPAddress: "10.0.0.12", DNSName: "db01.corp.example",
						NetBIOSName: "DB01", AccountNameFormat: ps.Ptr(2), UseSSL: ps.Ptr(true)},
					ManagedSystemAccess: ps.ManagedSystemAccess{Port: ps.Ptr(2222)}})
			}},
		{Name: "Update", Method: "PUT", Path: "ManagedSystems/12", Answer: fullSystem, Want: one,
			Body: `{"WorkgroupID":3,"PlatformID":2,"Description":"moved","ISAReleaseDuration":5}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.ManagedSystems.Update(bg, 12, &ps.UpdateManagedSystemOptions{WorkgroupID: ps.Ptr(3), PlatformID: ps.Ptr(2),
					ManagedSystemSettings: ps.ManagedSystemSettings{Description: "moved", ISAReleaseDuration: ps.Ptr(5)}})
			}},
		{Name: "Delete", Method: "DELETE", Path: "ManagedSystems/12", Status: 200,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				resp, err := c.ManagedSystems.Delete(bg, 12)
				return nil, resp, err
			}},
	})
}

// The limits of every managed system body, each refused before I/O; and
// each at its limit accepted.
func TestManagedSystemsValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	settings := func(s ps.ManagedSystemSettings) func(*ps.Client) error {
		return func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.CreateOnDatabase(bg, 3, &ps.CreateDatabaseSystemOptions{ManagedSystemSettings: s})
			return err
		}
	}
	host := func(h ps.ManagedSystemHost) func(*ps.Client) error {
		return func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.Update(bg, 1, &ps.UpdateManagedSystemOptions{ManagedSystemHost: h})
			return err
		}
	}
	access := func(a ps.ManagedSystemAccess) func(*ps.Client) error {
		return func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.CreateOnAsset(bg, 1, &ps.CreateAssetSystemOptions{PlatformID: 1, ManagedSystemAccess: a})
			return err
		}
	}
	workgroup := func(o *ps.CreateWorkgroupSystemOptions) func(*ps.Client) error {
		return func(c *ps.Client) error { _, _, err := c.ManagedSystems.CreateOnWorkgroup(bg, 1, o); return err }
	}
	okHost := ps.ManagedSystemHost{HostName: "h", IPAddress: "10.0.0.1"}
	list := func(o *ps.ListManagedSystemsOptions) func(*ps.Client) error {
		return func(c *ps.Client) error { _, _, err := c.ManagedSystems.List(bg, o); return err }
	}
	ps.CheckValidation(t, []ps.ValidationCase{
		{"List negative limit", "limit", list(&ps.ListManagedSystemsOptions{Limit: -1})},
		{"List negative offset", "offset", list(&ps.ListManagedSystemsOptions{Offset: -1})},
		{"List negative type", "type", list(&ps.ListManagedSystemsOptions{Type: -1})},
		{"All negative limit", "limit", func(c *ps.Client) error {
			for _, err := range c.ManagedSystems.All(bg, &ps.ListManagedSystemsOptions{Limit: -1}) {
				return err
			}
			return nil
		}},
		{"Get", "systemID", func(c *ps.Client) error { _, _, err := c.ManagedSystems.Get(bg, 0); return err }},
		{"Find", "name", func(c *ps.Client) error { _, _, err := c.ManagedSystems.Find(bg, ""); return err }},
		{"GetByAsset", "assetID", func(c *ps.Client) error { _, _, err := c.ManagedSystems.GetByAsset(bg, 0); return err }},
		{"GetByDatabase", "databaseID", func(c *ps.Client) error { _, _, err := c.ManagedSystems.GetByDatabase(bg, -1); return err }},
		{"ListByWorkgroup", "workgroupID", func(c *ps.Client) error { _, _, err := c.ManagedSystems.ListByWorkgroup(bg, 0, nil); return err }},
		{"ListByWorkgroup page", "limit", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.ListByWorkgroup(bg, 1, &ps.PageOptions{Limit: -1})
			return err
		}},
		{"ListByFunctionalAccount", "functionalAccountID", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.ListByFunctionalAccount(bg, 0, nil)
			return err
		}},
		{"AllByWorkgroup", "workgroupID", func(c *ps.Client) error {
			for _, err := range c.ManagedSystems.AllByWorkgroup(bg, 0, nil) {
				return err
			}
			return nil
		}},
		{"AllByFunctionalAccount page", "offset", func(c *ps.Client) error {
			for _, err := range c.ManagedSystems.AllByFunctionalAccount(bg, 1, &ps.PageOptions{Offset: -1}) {
				return err
			}
			return nil
		}},
		{"CreateOnAsset ID", "assetID", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.CreateOnAsset(bg, 0, &ps.CreateAssetSystemOptions{PlatformID: 1})
			return err
		}},
		{"CreateOnAsset nil", "opts", func(c *ps.Client) error { _, _, err := c.ManagedSystems.CreateOnAsset(bg, 1, nil); return err }},
		{"CreateOnAsset platform", "PlatformID", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.CreateOnAsset(bg, 1, &ps.CreateAssetSystemOptions{})
			return err
		}},
		{"CreateOnDatabase ID", "databaseID", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.CreateOnDatabase(bg, 0, &ps.CreateDatabaseSystemOptions{})
			return err
		}},
		{"CreateOnDatabase nil", "opts", func(c *ps.Client) error { _, _, err := c.ManagedSystems.CreateOnDatabase(bg, 1, nil); return err }},
		{"CreateOnWorkgroup ID", "workgroupID", workgroupID0},
		{"CreateOnWorkgroup nil", "opts", workgroup(nil)},
		{"CreateOnWorkgroup entity type", "EntityTypeID", workgroup(&ps.CreateWorkgroupSystemOptions{PlatformID: 1, ManagedSystemHost: okHost})},
		{"CreateOnWorkgroup platform", "PlatformID", workgroup(&ps.CreateWorkgroupSystemOptions{EntityTypeID: 1, ManagedSystemHost: okHost})},
		{"CreateOnWorkgroup host", "HostName", workgroup(&ps.CreateWorkgroupSystemOptions{EntityTypeID: 1, PlatformID: 1,
			ManagedSystemHost: ps.ManagedSystemHost{IPAddress: "10.0.0.1"}})},
		{"CreateOnWorkgroup IP", "IPAddress", workgroup(&ps.CreateWorkgroupSystemOptions{EntityTypeID: 1, PlatformID: 1,
			ManagedSystemHost: ps.ManagedSystemHost{HostName: "h"}})},
		{"CreateOnWorkgroup host limit", "HostName", workgroup(&ps.CreateWorkgroupSystemOptions{EntityTypeID: 1, PlatformID: 1,
			ManagedSystemHost: ps.ManagedSystemHost{HostName: long(129), IPAddress: "10.0.0.1"}})},
		{"CreateOnWorkgroup access", "Port", workgroup(&ps.CreateWorkgroupSystemOptions{EntityTypeID: 1, PlatformID: 1,
			ManagedSystemHost: okHost, ManagedSystemAccess: ps.ManagedSystemAccess{Port: ps.Ptr(0)}})},
		{"CreateOnWorkgroup settings", "Description", workgroup(&ps.CreateWorkgroupSystemOptions{EntityTypeID: 1, PlatformID: 1,
			ManagedSystemHost: okHost, ManagedSystemSettings: ps.ManagedSystemSettings{Description: long(256)}})},
		{"Update ID", "systemID", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.Update(bg, 0, &ps.UpdateManagedSystemOptions{})
			return err
		}},
		{"Update nil", "opts", func(c *ps.Client) error { _, _, err := c.ManagedSystems.Update(bg, 1, nil); return err }},
		{"Update workgroup", "WorkgroupID", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.Update(bg, 1, &ps.UpdateManagedSystemOptions{WorkgroupID: ps.Ptr(0)})
			return err
		}},
		{"Update platform", "PlatformID", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.Update(bg, 1, &ps.UpdateManagedSystemOptions{PlatformID: ps.Ptr(-2)})
			return err
		}},
		{"Update access", "SshKeyEnforcementMode", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.Update(bg, 1, &ps.UpdateManagedSystemOptions{
				ManagedSystemAccess: ps.ManagedSystemAccess{SSHKeyEnforcementMode: ps.Ptr(3)}})
			return err
		}},
		{"Update settings", "Timeout", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.Update(bg, 1, &ps.UpdateManagedSystemOptions{
				ManagedSystemSettings: ps.ManagedSystemSettings{Timeout: ps.Ptr(0)}})
			return err
		}},
		{"Delete", "systemID", func(c *ps.Client) error { _, err := c.ManagedSystems.Delete(bg, 0); return err }},

		{"ContactEmail", "ContactEmail", settings(ps.ManagedSystemSettings{ContactEmail: long(1001)})},
		{"Description", "Description", settings(ps.ManagedSystemSettings{Description: long(256)})},
		{"Timeout", "Timeout", settings(ps.ManagedSystemSettings{Timeout: ps.Ptr(0)})},
		{"ReleaseDuration low", "ReleaseDuration", settings(ps.ManagedSystemSettings{ReleaseDuration: ps.Ptr(0)})},
		{"ReleaseDuration high", "ReleaseDuration", settings(ps.ManagedSystemSettings{ReleaseDuration: ps.Ptr(525601)})},
		{"MaxReleaseDuration", "MaxReleaseDuration", settings(ps.ManagedSystemSettings{MaxReleaseDuration: ps.Ptr(525601)})},
		{"ISAReleaseDuration", "ISAReleaseDuration", settings(ps.ManagedSystemSettings{ISAReleaseDuration: ps.Ptr(0)})},
		{"ReleaseDuration over the maximum", "ReleaseDuration", settings(ps.ManagedSystemSettings{
			ReleaseDuration: ps.Ptr(121), MaxReleaseDuration: ps.Ptr(120)})},
		{"AutoManagement without account", "FunctionalAccountID", settings(ps.ManagedSystemSettings{AutoManagementFlag: ps.Ptr(true)})},
		{"FunctionalAccountID", "FunctionalAccountID", settings(ps.ManagedSystemSettings{FunctionalAccountID: ps.Ptr(0)})},
		{"ChangeFrequencyType", "ChangeFrequencyType", settings(ps.ManagedSystemSettings{ChangeFrequencyType: "weekly"})},
		{"xdays without days", "ChangeFrequencyDays", settings(ps.ManagedSystemSettings{ChangeFrequencyType: ps.ChangeXDays})},
		{"ChangeFrequencyDays low", "ChangeFrequencyDays", settings(ps.ManagedSystemSettings{ChangeFrequencyDays: ps.Ptr(0)})},
		{"ChangeFrequencyDays high", "ChangeFrequencyDays", settings(ps.ManagedSystemSettings{ChangeFrequencyDays: ps.Ptr(1000)})},
		{"ChangeTime", "ChangeTime", settings(ps.ManagedSystemSettings{ChangeTime: "24:00"})},
		{"ChangeTime 12-hour", "ChangeTime", settings(ps.ManagedSystemSettings{ChangeTime: "11:30 PM"})},

		{"Port low", "Port", access(ps.ManagedSystemAccess{Port: ps.Ptr(0)})},
		{"Port high", "Port", access(ps.ManagedSystemAccess{Port: ps.Ptr(65536)})},
		{"SshKeyEnforcementMode", "SshKeyEnforcementMode", access(ps.ManagedSystemAccess{SSHKeyEnforcementMode: ps.Ptr(-1)})},
		{"RemoteClientType", "RemoteClientType", access(ps.ManagedSystemAccess{RemoteClientType: "Agent"})},
		{"Asset settings", "ContactEmail", func(c *ps.Client) error {
			_, _, err := c.ManagedSystems.CreateOnAsset(bg, 1, &ps.CreateAssetSystemOptions{PlatformID: 1,
				ManagedSystemSettings: ps.ManagedSystemSettings{ContactEmail: long(1001)}})
			return err
		}},

		{"HostName", "HostName", host(ps.ManagedSystemHost{HostName: long(129)})},
		{"IPAddress", "IPAddress", host(ps.ManagedSystemHost{IPAddress: long(47)})},
		{"DnsName", "DnsName", host(ps.ManagedSystemHost{DNSName: long(226)})},
		{"InstanceName", "InstanceName", host(ps.ManagedSystemHost{InstanceName: long(101)})},
		{"ForestName", "ForestName", host(ps.ManagedSystemHost{ForestName: long(65)})},
		{"NetBiosName", "NetBiosName", host(ps.ManagedSystemHost{NetBIOSName: long(16)})},
		{"AccountNameFormat", "AccountNameFormat", host(ps.ManagedSystemHost{AccountNameFormat: ps.Ptr(3)})},
		{"AccountNameFormat negative", "AccountNameFormat", host(ps.ManagedSystemHost{AccountNameFormat: ps.Ptr(-1)})},
		{"OracleInternetDirectoryServiceName", "OracleInternetDirectoryServiceName",
			host(ps.ManagedSystemHost{OracleInternetDirectoryServiceName: long(201)})},
	})
}

func workgroupID0(c *ps.Client) error {
	_, _, err := c.ManagedSystems.CreateOnWorkgroup(bg, 0, &ps.CreateWorkgroupSystemOptions{})
	return err
}

// Every field at its limit is sent.
func TestManagedSystemsLimitsAccepted(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	opts := &ps.CreateWorkgroupSystemOptions{EntityTypeID: ps.EntityDatabase, PlatformID: 1,
		ManagedSystemHost: ps.ManagedSystemHost{HostName: long(128), IPAddress: long(46), DNSName: long(225),
			InstanceName: long(100), ForestName: long(64), NetBIOSName: long(15), AccountNameFormat: ps.Ptr(0),
			OracleInternetDirectoryServiceName: long(200)},
		ManagedSystemAccess: ps.ManagedSystemAccess{Port: ps.Ptr(65535), SSHKeyEnforcementMode: ps.Ptr(2), RemoteClientType: "EPM"},
		ManagedSystemSettings: ps.ManagedSystemSettings{ContactEmail: long(1000), Description: long(255), Timeout: ps.Ptr(1),
			ReleaseDuration: ps.Ptr(525600), MaxReleaseDuration: ps.Ptr(525600), ISAReleaseDuration: ps.Ptr(525600),
			AutoManagementFlag: ps.Ptr(true), FunctionalAccountID: ps.Ptr(1), ChangeFrequencyType: ps.ChangeXDays,
			ChangeFrequencyDays: ps.Ptr(999), ChangeTime: "00:00"}}
	low := &ps.UpdateManagedSystemOptions{WorkgroupID: ps.Ptr(1), PlatformID: ps.Ptr(1),
		ManagedSystemHost:   ps.ManagedSystemHost{AccountNameFormat: ps.Ptr(2)},
		ManagedSystemAccess: ps.ManagedSystemAccess{Port: ps.Ptr(1), SSHKeyEnforcementMode: ps.Ptr(0), RemoteClientType: "None"},
		ManagedSystemSettings: ps.ManagedSystemSettings{ReleaseDuration: ps.Ptr(1), MaxReleaseDuration: ps.Ptr(1), ISAReleaseDuration: ps.Ptr(1),
			ChangeFrequencyDays: ps.Ptr(1), ChangeTime: "23:59", AutoManagementFlag: ps.Ptr(false)}}
	ps.CheckRoutes(t, []ps.RouteCase{
		{Name: "upper limits", Method: "POST", Path: "Workgroups/1/ManagedSystems", Answer: fullSystem, Body: mustJSON(t, opts),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.CreateOnWorkgroup(bg, 1, opts) }},
		{Name: "lower limits", Method: "PUT", Path: "ManagedSystems/1", Answer: fullSystem, Body: mustJSON(t, low),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.ManagedSystems.Update(bg, 1, low) }},
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
