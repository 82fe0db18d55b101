package passwordsafe

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// AliasesService works with managed account aliases: stable names that map
// to one managed account, or to several in a highly available pair.
type AliasesService service

// ListAliasesOptions filters AliasesService.List by state; empty lists all.
type ListAliasesOptions struct {
	State []AliasState `url:"state,omitempty,comma"`
}

func (o *ListAliasesOptions) query() (string, error) {
	if o == nil || len(o.State) == 0 {
		return "", nil
	}
	for _, st := range o.State {
		if st < AliasUnmapped || st > AliasHighlyAvailable {
			return "", invalid("state", "%d is not one of 0, 1, 2", int(st))
		}
	}
	// Digits and commas need no escaping: send "state=1,2" as documented.
	return "state=" + joinInts(o.State), nil
}

// CreateAliasRequestOptions is the body of a request made through an alias:
// CreateRequestOptions without SystemID, AccountID and ApplicationID.
type CreateAliasRequestOptions struct {
	AccessType             AccessType     `json:"AccessType,omitempty"` // View, RDP or SSH
	DurationMinutes        int            `json:"DurationMinutes"`      // 1–525600
	Reason                 string         `json:"Reason,omitempty"`     // ≤ 1000 characters
	AccessPolicyScheduleID *int           `json:"AccessPolicyScheduleID,omitempty"`
	ConflictOption         ConflictOption `json:"ConflictOption,omitempty"`
	TicketSystemID         *int           `json:"TicketSystemID,omitempty"`
	TicketNumber           string         `json:"TicketNumber,omitempty"` // ≤ 20 characters
	RotateOnCheckin        *bool          `json:"RotateOnCheckin,omitempty"`

	// CheckinReason is the reason AliasesService.Checkout sends with the
	// check-in (PUT Requests/{id}/Checkin {"Reason"}), ≤ 1000 characters.
	// It is never sent with the request itself; CreateRequest ignores it.
	CheckinReason string `json:"-"`
}

func (o *CreateAliasRequestOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkEnum("AccessType", o.AccessType, AccessView, AccessRDP, AccessSSH),
		checkRequestTerms(o.DurationMinutes, o.Reason, o.ConflictOption, o.TicketNumber),
		checkLen("CheckinReason", o.CheckinReason, maxReason),
	)
}

// Alias is a managed account alias.
type Alias struct {
	AliasID                int
	AliasName              string
	AliasState             AliasState
	SystemID               int
	SystemName             string
	AccountID              int
	AccountName            string
	DomainName             string
	InstanceName           string
	DefaultReleaseDuration int
	MaximumReleaseDuration int
	LastChangeDate         Time
	NextChangeDate         Time
	IsChanging             bool
	ChangeState            int
	MappedAccounts         []MappedAccount
}

// MappedAccount is one managed account behind an alias.
type MappedAccount struct {
	AliasID          int
	ManagedSystemID  int
	ManagedAccountID int
	Status           int
}

// AliasCredentials is the credential released through an alias, with the
// account it belongs to. The server spells some fields SystemId/AccountId;
// both spellings decode.
type AliasCredentials struct {
	AliasID     int
	AliasName   string
	SystemID    int
	SystemName  string
	AccountID   int
	AccountName string
	DomainName  string
	Password    Secret
	PrivateKey  Secret
	Passphrase  Secret
}

func aliasPath(id int) string { return "Aliases/" + strconv.Itoa(id) }

// List returns the aliases the user may request, filtered by state (nil: all).
//
// API: GET Aliases
//
// Needs: the Requestor or Requestor/Approver role on the aliases' accounts.
func (s *AliasesService) List(ctx context.Context, opts *ListAliasesOptions) ([]Alias, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callList[Alias](ctx, s.client, get("Aliases", q))
}

// Get returns one alias.
//
// API: GET Aliases/{id}
//
// Needs: the Requestor or Requestor/Approver role on the alias's account.
func (s *AliasesService) Get(ctx context.Context, aliasID int) (*Alias, *Response, error) {
	if err := checkID("aliasID", aliasID); err != nil {
		return nil, nil, err
	}
	return callJSON[Alias](ctx, s.client, get(aliasPath(aliasID), ""))
}

// GetByName returns the alias with the given name.
//
// API: GET Aliases?name={name}
//
// Needs: the Requestor or Requestor/Approver role on the alias's account.
func (s *AliasesService) GetByName(ctx context.Context, name string) (*Alias, *Response, error) {
	if err := checkRequired("name", name); err != nil {
		return nil, nil, err
	}
	return callJSON[Alias](ctx, s.client, get("Aliases", "name="+url.QueryEscape(name)))
}

// CreateRequest asks for access to the account an alias maps to. Reused is
// set when the server answered 200 with an existing request.
//
// API: POST Aliases/{aliasId}/Requests
//
// Needs: the Requestor or Requestor/Approver role on the alias's account;
// the alias must be mapped (state 1 or 2).
func (s *AliasesService) CreateRequest(ctx context.Context, aliasID int, opts *CreateAliasRequestOptions) (*CreatedRequest, *Response, error) {
	if err := firstError(checkID("aliasID", aliasID), opts.validate()); err != nil {
		return nil, nil, err
	}
	return s.client.createRequest(ctx, aliasPath(aliasID)+"/Requests", opts)
}

// Credentials reads the credential released by a request made through the
// alias. Before approval the server answers 4034 (ErrNotApproved).
//
// API: GET Aliases/{aliasId}/Credentials/{requestId}
//
// Needs: to own the request, approved and not expired.
func (s *AliasesService) Credentials(ctx context.Context, aliasID, requestID int, opts *CredentialsOptions) (*AliasCredentials, *Response, error) {
	if err := firstError(checkID("aliasID", aliasID), checkID("requestID", requestID)); err != nil {
		return nil, nil, err
	}
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	r := get(aliasPath(aliasID)+"/Credentials/"+strconv.Itoa(requestID), q)
	return callWith(ctx, s.client, r, decodeAliasCredentials)
}

// decodeAliasCredentials decodes the answer, then wipes the buffer it came in.
func decodeAliasCredentials(_ http.Header, body []byte) (*AliasCredentials, error) {
	defer clear(body)
	var out AliasCredentials
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
