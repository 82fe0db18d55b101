package passwordsafe

import (
	"context"
	"strings"
)

// UsersService finds BeyondInsight users by name and ID: the ID that
// ending a user's requests (RequestsService.TerminateUserRequests) needs.
// Their groups are read here too.
//
// Each method's Reference: line names its page of the vendor's API
// reference, https://docs.beyondtrust.com/bips/v26.2/reference/<page>.
type UsersService service

// UserAccount is a BeyondInsight user: a local user, or one from Active
// Directory, LDAP or Entra ID. An application user's client secret is
// never decoded (the server answers it empty anyway).
type UserAccount struct {
	UserID                      int
	UserName                    string
	DomainName                  string
	DistinguishedName           string
	FirstName                   string
	LastName                    string
	EmailAddress                string
	LastLoginDate               Time
	LastLoginAuthenticationType string
	LastLoginConfigurationName  string
	LastLoginSAMLIDPURL         string
	LastLoginSSOURL             string
	IsQuarantined               bool
	IsActive                    bool
	ClientID                    string // application users
	AccessPolicyID              int    // application users
	UserType                    string // e.g. BeyondInsight, ActiveDirectory, LdapDirectory, Application
}

// named reports whether the user is the one named name, case aside: by
// UserName, as DOMAIN\UserName, or, for a user principal name
// (name@domain), as UserName@DomainName or by EmailAddress.
func (u *UserAccount) named(name string) bool {
	if strings.EqualFold(u.UserName, name) {
		return true
	}
	if u.DomainName != "" && strings.EqualFold(u.DomainName+`\`+u.UserName, name) {
		return true
	}
	return strings.Contains(name, "@") && (u.DomainName != "" && strings.EqualFold(u.UserName+"@"+u.DomainName, name) ||
		strings.EqualFold(u.EmailAddress, name))
}

// ListUsersOptions filters UsersService.List.
type ListUsersOptions struct {
	IncludeInactive bool `url:"includeInactive,omitempty"` // also the users who are not active
}

func (o *ListUsersOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	return encodeQuery(o)
}

const pathUsers = "Users"

// List returns the users (the active ones unless opts.IncludeInactive).
//
// API: GET Users
// Reference: get-api-public-v3-users
// Needs: User Accounts Management (Read).
func (s *UsersService) List(ctx context.Context, opts *ListUsersOptions) ([]UserAccount, *Response, error) {
	q, _ := opts.query() // one bool: it cannot fail
	return callPage[UserAccount](ctx, s.client, get(pathUsers, q))
}

// Get returns the user with the ID.
//
// API: GET Users/{id}
// Reference: get-api-public-v3-users-id
// Needs: User Accounts Management (Read).
func (s *UsersService) Get(ctx context.Context, userID int) (*UserAccount, *Response, error) {
	return getByID[UserAccount](ctx, s.client, "userID", userID, pathUsers)
}

// Find returns the active user named userName: a BeyondInsight user name,
// or DOMAIN\name or a user principal name for a directory user. The name
// is sent as a query parameter, escaped, and the answer is checked against
// it (UserName, DomainName\UserName, or for a UPN UserName@DomainName or
// EmailAddress; case aside). No such user is ErrNotFound.
//
// API: GET Users?username={userName}
// Reference: get-api-public-v3-users
// Needs: User Accounts Management (Read).
func (s *UsersService) Find(ctx context.Context, userName string) (*UserAccount, *Response, error) {
	return findByName(ctx, s.client, "username", userName, pathUsers, "username", "user",
		func(u *UserAccount) bool { return u.named(userName) })
}

// ListGroups returns the user groups a user belongs to.
//
// API: GET Users/{userID}/UserGroups
// Reference: get-api-public-v3-users-userid-usergroups
// Needs: User Accounts Management (Read).
func (s *UsersService) ListGroups(ctx context.Context, userID int) ([]UserGroup, *Response, error) {
	return listByID[UserGroup](ctx, s.client, "userID", userID, nil, pathUsers, pathUserGroups)
}
