package passwordsafe

import (
	"context"
	"strings"
)

// UserGroupsService finds user groups by name and ID and lists their
// members. Smart Rules and access levels, which are what a group is
// granted, are read here too (smartrules.go).
//
// Each method's Reference: line names its page of the vendor's API
// reference, https://docs.beyondtrust.com/bips/v26.2/reference/<page>.
type UserGroupsService service

// UserGroup is a group of users, local or from a directory.
type UserGroup struct {
	GroupID                    int
	Name                       string
	Description                string
	DistinguishedName          string
	GroupType                  string // e.g. BeyondInsight, ActiveDirectory, LdapDirectory, EntraId
	AccountAttribute           string
	MembershipAttribute        string
	IsActive                   bool
	ApplicationRegistrationIDs []int
}

const pathUserGroups = "UserGroups"

// List returns the user groups, active or not.
//
// API: GET UserGroups
// Reference: get-api-public-v3-usergroups
// Needs: User Accounts Management (Read).
func (s *UserGroupsService) List(ctx context.Context) ([]UserGroup, *Response, error) {
	return callPage[UserGroup](ctx, s.client, get(pathUserGroups, ""))
}

// Get returns the user group with the ID.
//
// API: GET UserGroups/{id}
// Reference: get-api-public-v3-usergroups-id
// Needs: User Accounts Management (Read).
func (s *UserGroupsService) Get(ctx context.Context, groupID int) (*UserGroup, *Response, error) {
	return getByID[UserGroup](ctx, s.client, "groupID", groupID, pathUserGroups)
}

// Find returns the user group named name (matched case aside). The name is
// sent as a query parameter, escaped, and the answer is checked against
// it. No such group is ErrNotFound.
//
// API: GET UserGroups?name={name}
// Reference: get-api-public-v3-usergroups
// Needs: User Accounts Management (Read).
func (s *UserGroupsService) Find(ctx context.Context, name string) (*UserGroup, *Response, error) {
	return findByName(ctx, s.client, "name", name, pathUserGroups, "name", "user group",
		func(g *UserGroup) bool { return strings.EqualFold(g.Name, name) })
}

// Members returns the users of a group. For a directory group the server
// first synchronizes the group's membership from the directory.
//
// API: GET UserGroups/{userGroupId}/Users
// Reference: get-api-public-v3-usergroups-usergroupid-users
// Needs: User Accounts Management (Read).
func (s *UserGroupsService) Members(ctx context.Context, groupID int) ([]UserAccount, *Response, error) {
	return listByID[UserAccount](ctx, s.client, "groupID", groupID, nil, pathUserGroups, pathUsers)
}
