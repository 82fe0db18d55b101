package passwordsafetest

import (
	"net/http"
	"slices"
	"strings"
)

// Users, user groups and Smart Rules: the IDs that ending a user's
// requests needs, and who may reach what. Each handler names its route;
// the shapes are the vendor's reference pages' (get-api-public-v3-users,
// -usergroups, -smartrules) and its Python client's field lists. Reading
// users and groups needs User Accounts Management (Read): the
// Administrators group, the Auditor and the Quarantine roles in the fake.
// Smart Rules answer those the caller's groups may read (all of them for
// Administrators and Auditor).

// userAccountJSON is a user as GET Users answers it. ClientSecret is
// always null, as the reference says: it is only ever answered when an
// application user is created or its secret recycled.
type userAccountJSON struct {
	UserID                      int
	UserName                    string
	DomainName                  *string
	DistinguishedName           *string
	FirstName                   string
	LastName                    *string
	EmailAddress                string
	LastLoginDate               *string
	LastLoginAuthenticationType *string
	LastLoginConfigurationName  *string
	LastLoginSAMLIDPURL         *string
	LastLoginSSOURL             *string
	IsQuarantined               bool
	IsActive                    bool
	ClientID                    *string
	ClientSecret                *string
	AccessPolicyID              *int
	UserType                    string
}

func (u *user) accountJSON() userAccountJSON {
	first, last, _ := strings.Cut(u.name, " ")
	return userAccountJSON{UserID: u.id, UserName: u.userName, FirstName: first, LastName: nullString(last),
		EmailAddress: u.email, IsActive: true, UserType: "BeyondInsight"}
}

func usersJSON(users []*user) []userAccountJSON {
	out := make([]userAccountJSON, 0, len(users))
	for _, u := range users {
		out = append(out, u.accountJSON())
	}
	return out
}

// listUsers answers the users; ?username= keeps the one of that name (case
// aside), still as a list (empty when none). Every seeded user is active,
// so ?includeInactive= changes nothing.
//
// API: GET Users?username=&includeInactive=
// Reference: get-api-public-v3-users
func (s *Server) listUsers(c *call) reply {
	if !c.user.readsUsers() {
		return needs(permUsersRead)
	}
	users := s.users
	if name, ok := c.query("username"); ok {
		users = slices.DeleteFunc(slices.Clone(users), func(u *user) bool { return !strings.EqualFold(u.userName, name) })
	}
	return jsonReply(http.StatusOK, usersJSON(users))
}

// getUser answers one user.
//
// API: GET Users/{id}
// Reference: get-api-public-v3-users-id
func (s *Server) getUser(c *call) reply {
	if !c.user.readsUsers() {
		return needs(permUsersRead)
	}
	u := s.userByID(c.id(0))
	if u == nil {
		return notFound("User not found.")
	}
	return jsonReply(http.StatusOK, u.accountJSON())
}

// groupsOfUser answers the groups a user belongs to.
//
// API: GET Users/{userID}/UserGroups
// Reference: get-api-public-v3-users-userid-usergroups
func (s *Server) groupsOfUser(c *call) reply {
	if !c.user.readsUsers() {
		return needs(permUsersRead)
	}
	u := s.userByID(c.id(0))
	if u == nil {
		return notFound("User not found.")
	}
	out := []userGroupJSON{}
	for _, g := range s.inv.groups {
		if slices.Contains(g.members, u) {
			out = append(out, g.json())
		}
	}
	return jsonReply(http.StatusOK, out)
}

// userGroupJSON is a user group as GET UserGroups answers it.
type userGroupJSON struct {
	GroupID                    int
	Name                       string
	Description                *string
	DistinguishedName          *string
	GroupType                  string
	AccountAttribute           *string
	MembershipAttribute        *string
	IsActive                   bool
	ApplicationRegistrationIDs []int
}

func (g *userGroup) json() userGroupJSON {
	return userGroupJSON{GroupID: g.id, Name: g.name, Description: nullString(g.description), GroupType: "BeyondInsight",
		IsActive: true, ApplicationRegistrationIDs: []int{}}
}

// listUserGroups answers the user groups; with ?name= the one group of
// that name (case aside) as an object, 404 when there is none.
//
// API: GET UserGroups?name=
// Reference: get-api-public-v3-usergroups
func (s *Server) listUserGroups(c *call) reply {
	if !c.user.readsUsers() {
		return needs(permUsersRead)
	}
	if name, ok := c.query("name"); ok {
		g := s.groupByName(name)
		if g == nil {
			return notFound("User Group not found.")
		}
		return jsonReply(http.StatusOK, g.json())
	}
	out := make([]userGroupJSON, 0, len(s.inv.groups))
	for _, g := range s.inv.groups {
		out = append(out, g.json())
	}
	return jsonReply(http.StatusOK, out)
}

// groupOfPath finds the group the path names.
func (s *Server) groupOfPath(c *call) *userGroup {
	return first(s.inv.groups, func(g *userGroup) bool { return g.id == c.id(0) })
}

// getUserGroup answers one user group.
//
// API: GET UserGroups/{id}
// Reference: get-api-public-v3-usergroups-id
func (s *Server) getUserGroup(c *call) reply {
	if !c.user.readsUsers() {
		return needs(permUsersRead)
	}
	g := s.groupOfPath(c)
	if g == nil {
		return notFound("User Group not found.")
	}
	return jsonReply(http.StatusOK, g.json())
}

// groupMembers answers the users of a group.
//
// API: GET UserGroups/{userGroupId}/Users
// Reference: get-api-public-v3-usergroups-usergroupid-users
func (s *Server) groupMembers(c *call) reply {
	if !c.user.readsUsers() {
		return needs(permUsersRead)
	}
	g := s.groupOfPath(c)
	if g == nil {
		return notFound("User Group not found.")
	}
	return jsonReply(http.StatusOK, usersJSON(g.members))
}

// smartRuleJSON is a Smart Rule as GET SmartRules answers it.
type smartRuleJSON struct {
	SmartRuleID       int
	OrganizationID    string
	Title             string
	Description       *string
	Category          *string
	Status            int
	LastProcessedDate *string
	IsReadOnly        bool
	RuleType          string
}

func (r *smartRule) json() smartRuleJSON {
	return smartRuleJSON{SmartRuleID: r.ID, OrganizationID: DefaultOrganizationID, Title: r.Title,
		Description: nullString(r.Description), Category: nullString(r.Category), Status: 1,
		LastProcessedDate: date(r.processed, dateLayoutAccounts), RuleType: r.Type}
}

// readableRules are the Smart Rules u may read: all for Administrators
// and Auditor, else those of u's groups.
func (s *Server) readableRules(u *user) []*smartRule {
	if u.admin || u.auditor {
		return s.inv.rules
	}
	var out []*smartRule
	for _, r := range s.inv.rules {
		for _, g := range s.inv.groups {
			if slices.Contains(g.members, u) && slices.Contains(g.rules, r) && !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// listSmartRules answers the Smart Rules the caller may read, filtered by
// ?type= (All, ManagedAccount, ManagedSystem, Asset; else 400); with
// ?title= the one rule of that title (case aside) as an object, 404 when
// the caller may read none. No readable rule at all is 403 (but for
// Administrators and Auditor, who may read every rule there is).
//
// API: GET SmartRules?type=&title=
// Reference: get-api-public-v3-smartrules
func (s *Server) listSmartRules(c *call) reply {
	rules := s.readableRules(c.user)
	if len(rules) == 0 && !c.user.admin && !c.user.auditor {
		return needs("Read access to one or more Smart Rules")
	}
	typ, _ := c.query("type")
	if typ != "" && !slices.Contains([]string{"All", "ManagedAccount", "ManagedSystem", "Asset"}, typ) {
		return badRequest("type must be All, ManagedAccount, ManagedSystem or Asset.")
	}
	if title, ok := c.query("title"); ok {
		for _, r := range rules {
			if strings.EqualFold(r.Title, title) {
				return jsonReply(http.StatusOK, r.json())
			}
		}
		return notFound("Smart Rule not found.")
	}
	out := []smartRuleJSON{}
	for _, r := range rules {
		if typ == "" || typ == "All" || r.Type == typ {
			out = append(out, r.json())
		}
	}
	return jsonReply(http.StatusOK, out)
}

// getSmartRule answers one Smart Rule the caller may read (404 otherwise).
//
// API: GET SmartRules/{id}
// Reference: get-api-public-v3-smartrules-id
func (s *Server) getSmartRule(c *call) reply {
	for _, r := range s.readableRules(c.user) {
		if r.ID == c.id(0) {
			return jsonReply(http.StatusOK, r.json())
		}
	}
	return notFound("Smart Rule not found.")
}

// groupSmartRules answers the Smart Rules a group may read and write.
//
// API: GET UserGroups/{userGroupId}/SmartRules
// Reference: get-api-public-v3-usergroups-usergroupid-smartrules
func (s *Server) groupSmartRules(c *call) reply {
	if !c.user.readsUsers() {
		return needs(permUsersRead)
	}
	g := s.groupOfPath(c)
	if g == nil {
		return notFound("User Group not found.")
	}
	out := make([]smartRuleJSON, 0, len(g.rules))
	for _, r := range g.rules {
		out = append(out, r.json())
	}
	return jsonReply(http.StatusOK, out)
}

// roleJSON is one entry of GET Roles.
type roleJSON struct {
	RoleID int
	Name   string
}

// permRolesRead is what GET Roles needs.
const permRolesRead = "Password Safe Role Management (Read)"

// listRoles answers the Password Safe roles, a fixed list like GET
// AccessLevels: the roles a user group holds on a Smart Rule. Reading them
// needs Password Safe Role Management (Read): the Administrators group and
// the Auditor role in the fake.
//
// The reference page names the route and the permission only; the fields
// (RoleID, Name) and the list are the older API guide's "Roles" topic, not
// confirmed against a server.
//
// API: GET Roles
// Reference: get-api-public-v3-roles
func (s *Server) listRoles(c *call) reply {
	if !c.user.admin && !c.user.auditor {
		return needs(permRolesRead)
	}
	return jsonReply(http.StatusOK, []roleJSON{
		{RoleID: 1, Name: "Requestor"},
		{RoleID: 2, Name: "Approver"},
		{RoleID: 3, Name: "Requestor/Approver"},
		{RoleID: 4, Name: "Credentials Manager"},
		{RoleID: 5, Name: "Recorded Session Reviewer"},
		{RoleID: 6, Name: "Active Session Reviewer"},
	})
}
