package passwordsafe_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// Users, user groups, Smart Rules, access levels and workgroups.

const fullUser = `{"UserID":8,"UserName":"alice","DomainName":"CORP","DistinguishedName":"CN=alice,DC=corp",` +
	`"FirstName":"Alice","LastName":"Liddell","EmailAddress":"alice@corp.example","LastLoginDate":"2025-02-01T10:20:30",` +
	`"LastLoginAuthenticationType":"Forms","LastLoginConfigurationName":"cfg","LastLoginSAMLIDPURL":"https://idp",` +
	`"LastLoginSSOURL":"https://sso","IsQuarantined":true,"IsActive":true,"ClientID":"cid","ClientSecret":"",` +
	`"AccessPolicyID":3,"UserType":"ActiveDirectory"}`

func wantFullUser() *ps.UserAccount {
	return &ps.UserAccount{UserID: 8, UserName: "alice", DomainName: "CORP", DistinguishedName: "CN=alice,DC=corp",
		FirstName: "Alice", LastName: "Liddell", EmailAddress: "alice@corp.example",
		LastLoginDate:               ps.Time{Time: time.Date(2025, 2, 1, 10, 20, 30, 0, time.UTC)},
		LastLoginAuthenticationType: "Forms", LastLoginConfigurationName: "cfg", LastLoginSAMLIDPURL: "https://idp",
		LastLoginSSOURL: "https://sso", IsQuarantined: true, IsActive: true, ClientID: "cid", AccessPolicyID: 3,
		UserType: "ActiveDirectory"}
}

const fullGroup = `{"GroupID":4,"Name":"Incident Response","Description":"on call","DistinguishedName":"CN=ir",` +
	`"GroupType":"ActiveDirectory","AccountAttribute":"sAMAccountName","MembershipAttribute":"member","IsActive":true,` +
	`"ApplicationRegistrationIDs":[1,2]}`

func wantFullGroup() *ps.UserGroup {
	return &ps.UserGroup{GroupID: 4, Name: "Incident Response", Description: "on call", DistinguishedName: "CN=ir",
		GroupType: "ActiveDirectory", AccountAttribute: "sAMAccountName", MembershipAttribute: "member", IsActive: true,
		ApplicationRegistrationIDs: []int{1, 2}}
}

const fullRule = `{"SmartRuleID":2,"OrganizationID":"0a1b","Title":"Linux accounts","Description":"all linux",` +
	`"Category":"Managed Accounts","Status":1,"LastProcessedDate":"2025-02-01T10:20:30","IsReadOnly":true,"RuleType":"ManagedAccount"}`

func wantFullRule() *ps.SmartRule {
	return &ps.SmartRule{SmartRuleID: 2, OrganizationID: "0a1b", Title: "Linux accounts", Description: "all linux",
		Category: "Managed Accounts", Status: 1, LastProcessedDate: ps.Time{Time: time.Date(2025, 2, 1, 10, 20, 30, 0, time.UTC)},
		IsReadOnly: true, RuleType: ps.SmartRuleManagedAccount}
}

func TestUsersDecode(t *testing.T) {
	t.Parallel()
	ps.AssertDecodes(t, fullUser, wantFullUser())
	ps.AssertDecodes(t, fullGroup, wantFullGroup())
	ps.AssertDecodes(t, fullRule, wantFullRule())
}

func TestUsersRoutes(t *testing.T) {
	t.Parallel()
	users := []ps.UserAccount{*wantFullUser()}
	groups := []ps.UserGroup{*wantFullGroup()}
	rules := []ps.SmartRule{*wantFullRule()}
	ps.CheckRoutes(t, []ps.RouteCase{
		{Name: "Users.List", Method: "GET", Path: "Users", Query: "includeInactive=true", Answer: `[` + fullUser + `]`, Want: users,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Users.List(bg, &ps.ListUsersOptions{IncludeInactive: true})
			}},
		{Name: "Users.List active", Method: "GET", Path: "Users", Answer: `[` + fullUser + `]`, Want: users,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Users.List(bg, &ps.ListUsersOptions{}) }},
		{Name: "Users.List nil", Method: "GET", Path: "Users", Answer: `[]`,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Users.List(bg, nil) }},
		{Name: "Users.Get", Method: "GET", Path: "Users/8", Answer: fullUser, Want: wantFullUser(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Users.Get(bg, 8) }},
		{Name: "Users.Find", Method: "GET", Path: "Users", Query: "username=alice", Answer: `[` + fullUser + `]`, Want: wantFullUser(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Users.Find(bg, "alice") }},
		{Name: "Users.Find DOMAIN\\name", Method: "GET", Path: "Users", Query: "username=corp%5CALICE", Answer: fullUser, Want: wantFullUser(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Users.Find(bg, `corp\ALICE`) }},
		{Name: "Users.ListGroups", Method: "GET", Path: "Users/8/UserGroups", Answer: `[` + fullGroup + `]`, Want: groups,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Users.ListGroups(bg, 8) }},

		{Name: "UserGroups.List", Method: "GET", Path: "UserGroups", Answer: `[` + fullGroup + `]`, Want: groups,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.List(bg) }},
		{Name: "UserGroups.Get", Method: "GET", Path: "UserGroups/4", Answer: fullGroup, Want: wantFullGroup(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.Get(bg, 4) }},
		{Name: "UserGroups.Find", Method: "GET", Path: "UserGroups", Query: "name=incident+response", Answer: fullGroup, Want: wantFullGroup(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.Find(bg, "incident response") }},
		{Name: "UserGroups.Members", Method: "GET", Path: "UserGroups/4/Users", Answer: `[` + fullUser + `]`, Want: users,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.Members(bg, 4) }},
		{Name: "UserGroups.ListSmartRules", Method: "GET", Path: "SmartRules", Query: "type=ManagedAccount", Answer: `[` + fullRule + `]`, Want: rules,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.UserGroups.ListSmartRules(bg, &ps.ListSmartRulesOptions{Type: ps.SmartRuleManagedAccount})
			}},
		{Name: "UserGroups.ListSmartRules nil", Method: "GET", Path: "SmartRules", Answer: `[]`,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.ListSmartRules(bg, nil) }},
		{Name: "UserGroups.GetSmartRule", Method: "GET", Path: "SmartRules/2", Answer: fullRule, Want: wantFullRule(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.GetSmartRule(bg, 2) }},
		{Name: "UserGroups.FindSmartRule", Method: "GET", Path: "SmartRules", Query: "title=linux+accounts", Answer: `[` + fullRule + `]`,
			Want: wantFullRule(),
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.FindSmartRule(bg, "linux accounts") }},
		{Name: "UserGroups.ListGroupSmartRules", Method: "GET", Path: "UserGroups/4/SmartRules", Answer: `[` + fullRule + `]`, Want: rules,
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.ListGroupSmartRules(bg, 4) }},
		{Name: "UserGroups.ListAccessLevels", Method: "GET", Path: "AccessLevels",
			Answer: `[{"AccessLevelID":1,"Name":"None"},{"AccessLevelID":3,"Name":"Read/Write"}]`,
			Want:   []ps.AccessLevel{{AccessLevelID: 1, Name: "None"}, {AccessLevelID: 3, Name: "Read/Write"}},
			Call:   func(c *ps.Client) (any, *ps.Response, error) { return c.UserGroups.ListAccessLevels(bg) }},

		{Name: "Workgroups.List", Method: "GET", Path: "Workgroups", Answer: `[{"ID":1,"OrganizationID":"o","Name":"BeyondTrust Workgroup"}]`,
			Want: []ps.Workgroup{{ID: 1, OrganizationID: "o", Name: "BeyondTrust Workgroup"}},
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Workgroups.List(bg) }},
		{Name: "Workgroups.Get", Method: "GET", Path: "Workgroups/2", Answer: `{"ID":2,"Name":"Lab"}`, Want: &ps.Workgroup{ID: 2, Name: "Lab"},
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Workgroups.Get(bg, 2) }},
		{Name: "Workgroups.Find", Method: "GET", Path: "Workgroups", Query: "name=lab+%26+test", Answer: `{"ID":2,"Name":"Lab & Test"}`,
			Want: &ps.Workgroup{ID: 2, Name: "Lab & Test"},
			Call: func(c *ps.Client) (any, *ps.Response, error) { return c.Workgroups.Find(bg, "lab & test") }},
		{Name: "Workgroups.Create", Method: "POST", Path: "Workgroups", Body: `{"Name":"Lab","OrganizationID":"o"}`,
			Answer: `{"ID":2,"OrganizationID":"o","Name":"Lab"}`, Want: &ps.Workgroup{ID: 2, OrganizationID: "o", Name: "Lab"},
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Workgroups.Create(bg, &ps.CreateWorkgroupOptions{Name: "Lab", OrganizationID: "o"})
			}},
		{Name: "Workgroups.Create at the limit", Method: "POST", Path: "Workgroups", Body: `{"Name":"` + strings.Repeat("é", 256) + `"}`,
			Answer: `{"ID":3}`,
			Call: func(c *ps.Client) (any, *ps.Response, error) {
				return c.Workgroups.Create(bg, &ps.CreateWorkgroupOptions{Name: strings.Repeat("é", 256)})
			}},
	})
}

func TestUsersValidation(t *testing.T) {
	t.Parallel()
	ps.CheckValidation(t, []ps.ValidationCase{
		{"Users.Get", "userID", func(c *ps.Client) error { _, _, err := c.Users.Get(bg, 0); return err }},
		{"Users.Find", "username", func(c *ps.Client) error { _, _, err := c.Users.Find(bg, ""); return err }},
		{"Users.ListGroups", "userID", func(c *ps.Client) error { _, _, err := c.Users.ListGroups(bg, -1); return err }},
		{"UserGroups.Get", "groupID", func(c *ps.Client) error { _, _, err := c.UserGroups.Get(bg, 0); return err }},
		{"UserGroups.Find", "name", func(c *ps.Client) error { _, _, err := c.UserGroups.Find(bg, ""); return err }},
		{"UserGroups.Members", "groupID", func(c *ps.Client) error { _, _, err := c.UserGroups.Members(bg, 0); return err }},
		{"UserGroups.ListSmartRules", "type", func(c *ps.Client) error {
			_, _, err := c.UserGroups.ListSmartRules(bg, &ps.ListSmartRulesOptions{Type: "Secrets"})
			return err
		}},
		{"UserGroups.GetSmartRule", "smartRuleID", func(c *ps.Client) error { _, _, err := c.UserGroups.GetSmartRule(bg, 0); return err }},
		{"UserGroups.FindSmartRule", "title", func(c *ps.Client) error { _, _, err := c.UserGroups.FindSmartRule(bg, ""); return err }},
		{"UserGroups.ListGroupSmartRules", "groupID", func(c *ps.Client) error {
			_, _, err := c.UserGroups.ListGroupSmartRules(bg, 0)
			return err
		}},
		{"Workgroups.Get", "workgroupID", func(c *ps.Client) error { _, _, err := c.Workgroups.Get(bg, 0); return err }},
		{"Workgroups.Find", "name", func(c *ps.Client) error { _, _, err := c.Workgroups.Find(bg, ""); return err }},
		{"Workgroups.Create nil", "opts", func(c *ps.Client) error { _, _, err := c.Workgroups.Create(bg, nil); return err }},
		{"Workgroups.Create name", "Name", func(c *ps.Client) error {
			_, _, err := c.Workgroups.Create(bg, &ps.CreateWorkgroupOptions{OrganizationID: "o"})
			return err
		}},
		{"Workgroups.Create long name", "Name", func(c *ps.Client) error {
			_, _, err := c.Workgroups.Create(bg, &ps.CreateWorkgroupOptions{Name: strings.Repeat("x", 257)})
			return err
		}},
	})
}

// Every Smart Rule type reaches the query as documented.
func TestSmartRuleTypes(t *testing.T) {
	t.Parallel()
	c, mt := ps.NewMockClient(t)
	rec := &ps.Recorder{}
	mt.RegisterResponder("GET", ps.TestBase+"SmartRules", rec.Wrap(ps.Respond(http.StatusOK, `[]`)))
	for _, typ := range []string{"All", "ManagedAccount", "ManagedSystem", "Asset"} {
		_, _, err := c.UserGroups.ListSmartRules(bg, &ps.ListSmartRulesOptions{Type: ps.SmartRuleType(typ)})
		require.NoError(t, err)
		assert.Equal(t, "type="+typ, rec.Last(t).URL.RawQuery)
	}
}

// Users.Find matches the name asked as UserName or DOMAIN\UserName, and
// nothing else.
func TestUsersFindMatches(t *testing.T) {
	t.Parallel()
	c, mt := ps.NewMockClient(t)
	mt.RegisterResponder("GET", ps.TestBase+"Users", ps.Respond(http.StatusOK,
		`[{"UserID":1,"UserName":"alice","DomainName":"CORP"},{"UserID":2,"UserName":"bob","EmailAddress":"bob@example.test"},`+
			`{"UserID":3,"UserName":"carol@corp.example"},{"UserID":4,"UserName":"dave","DomainName":"corp.example","EmailAddress":"d@x.test"}]`))
	for name, want := range map[string]int{"alice": 1, `CORP\Alice`: 1, "BOB": 2, "carol@corp.example": 3, "Dave@Corp.Example": 4,
		"BOB@example.test": 2, "d@x.test": 4, "alice@corp": 1} {
		u, _, err := c.Users.Find(bg, name)
		require.NoError(t, err, name)
		assert.Equal(t, want, u.UserID, name)
	}
	for _, name := range []string{`\bob`, `CORP\bob`, `OTHER\alice`, "CORP", "carol", "bob@", "@", "alice@other", `CORP\alice@corp`} {
		_, _, err := c.Users.Find(bg, name)
		assert.True(t, errors.Is(err, ps.ErrNotFound), name)
	}
}
