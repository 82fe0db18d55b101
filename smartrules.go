package passwordsafe

import (
	"context"
	"strings"
)

// Smart Rules and access levels are read through UserGroups: a group is
// granted an access level on a Smart Rule, and the rule selects the
// accounts, systems or assets the group's members reach. Read-only here.

// SmartRule selects managed accounts, managed systems or assets.
type SmartRule struct {
	SmartRuleID       int
	OrganizationID    string // a GUID
	Title             string
	Description       string
	Category          string
	Status            int // processing state, as the server reports it
	LastProcessedDate Time
	IsReadOnly        bool
	RuleType          SmartRuleType
}

// SmartRuleType is what a Smart Rule selects.
type SmartRuleType string

// Smart Rule types.
const (
	SmartRuleAll            SmartRuleType = "All" // as a filter: every type (the default)
	SmartRuleManagedAccount SmartRuleType = "ManagedAccount"
	SmartRuleManagedSystem  SmartRuleType = "ManagedSystem"
	SmartRuleAsset          SmartRuleType = "Asset"
)

// ListSmartRulesOptions filters UserGroupsService.ListSmartRules.
type ListSmartRulesOptions struct {
	Type SmartRuleType `url:"type,omitempty"`
}

func (o *ListSmartRulesOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := checkEnum("type", o.Type, SmartRuleAll, SmartRuleManagedAccount, SmartRuleManagedSystem, SmartRuleAsset); err != nil {
		return "", err
	}
	return encodeQuery(o)
}

// AccessLevel is a level of access a user group holds on a Smart Rule
// (None, Read, Read/Write).
type AccessLevel struct {
	AccessLevelID int
	Name          string
}

const pathSmartRules = "SmartRules"

// ListSmartRules returns the Smart Rules the user may read, filtered by
// type (nil: all).
//
// API: GET SmartRules
// Reference: get-api-public-v3-smartrules
// Needs: Read access to one or more Smart Rules.
func (s *UserGroupsService) ListSmartRules(ctx context.Context, opts *ListSmartRulesOptions) ([]SmartRule, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callPage[SmartRule](ctx, s.client, get(pathSmartRules, q))
}

// GetSmartRule returns the Smart Rule with the ID.
//
// API: GET SmartRules/{id}
// Reference: get-api-public-v3-smartrules-id
// Needs: Read access to the Smart Rule.
func (s *UserGroupsService) GetSmartRule(ctx context.Context, smartRuleID int) (*SmartRule, *Response, error) {
	return getByID[SmartRule](ctx, s.client, "smartRuleID", smartRuleID, pathSmartRules)
}

// FindSmartRule returns the Smart Rule titled title (matched case aside).
// The title is sent as a query parameter, escaped, and the answer is
// checked against it. No such rule is ErrNotFound.
//
// API: GET SmartRules?title={title}
// Reference: get-api-public-v3-smartrules
// Needs: Read access to the Smart Rule.
func (s *UserGroupsService) FindSmartRule(ctx context.Context, title string) (*SmartRule, *Response, error) {
	return findByName(ctx, s.client, "title", title, pathSmartRules, "title", "Smart Rule",
		func(r *SmartRule) bool { return strings.EqualFold(r.Title, title) })
}

// ListGroupSmartRules returns the Smart Rules a user group may read or
// read and write (the server's default filter).
//
// API: GET UserGroups/{userGroupId}/SmartRules
// Reference: get-api-public-v3-usergroups-usergroupid-smartrules
// Needs: User Accounts Management (Read).
func (s *UserGroupsService) ListGroupSmartRules(ctx context.Context, groupID int) ([]SmartRule, *Response, error) {
	return listByID[SmartRule](ctx, s.client, "groupID", groupID, nil, pathUserGroups, pathSmartRules)
}

// ListAccessLevels returns the access levels a group can hold on a Smart
// Rule.
//
// API: GET AccessLevels
// Reference: get-api-public-v3-accesslevels
// Needs: User Accounts Management (Read).
func (s *UserGroupsService) ListAccessLevels(ctx context.Context) ([]AccessLevel, *Response, error) {
	return callPage[AccessLevel](ctx, s.client, get("AccessLevels", ""))
}
