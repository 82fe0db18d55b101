package passwordsafe

import (
	"context"
	"strings"
)

// WorkgroupsService finds workgroups by name and ID, and creates them. A
// workgroup holds assets and managed systems; its ID or name is what the
// Assets calls and ManagedSystemsService.ListByWorkgroup take.
//
// Each method's Reference: line names its page of the vendor's API
// reference, https://docs.beyondtrust.com/bips/v26.2/reference/<page>.
type WorkgroupsService service

// Workgroup is a group of assets.
type Workgroup struct {
	ID             int
	OrganizationID string // a GUID
	Name           string
}

// maxWorkgroupName is the longest workgroup name the server takes.
const maxWorkgroupName = 256

// CreateWorkgroupOptions is the body of WorkgroupsService.Create.
type CreateWorkgroupOptions struct {
	Name           string `json:"Name"`                     // required, ≤ 256 characters
	OrganizationID string `json:"OrganizationID,omitempty"` // a GUID; empty: the default organization
}

func (o *CreateWorkgroupOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(checkRequired("Name", o.Name), checkLen("Name", o.Name, maxWorkgroupName))
}

// List returns the workgroups.
//
// API: GET Workgroups
// Reference: get-api-public-v3-workgroups
// Needs: Asset Management (Read), Scan Management (Full control), or Read
// access to a Smart Group of the workgroup's organization.
func (s *WorkgroupsService) List(ctx context.Context) ([]Workgroup, *Response, error) {
	return callPage[Workgroup](ctx, s.client, get(pathWorkgroups, ""))
}

// Get returns the workgroup with the ID.
//
// API: GET Workgroups/{id}
// Reference: get-api-public-v3-workgroups-id
// Needs: as List.
func (s *WorkgroupsService) Get(ctx context.Context, workgroupID int) (*Workgroup, *Response, error) {
	return getByID[Workgroup](ctx, s.client, "workgroupID", workgroupID, pathWorkgroups)
}

// Find returns the workgroup named name (matched case aside). The name is
// sent as a query parameter, escaped, and the answer is checked against
// it. No such workgroup is ErrNotFound.
//
// API: GET Workgroups?name={name}
// Reference: get-api-public-v3-workgroups
// Needs: as List.
func (s *WorkgroupsService) Find(ctx context.Context, name string) (*Workgroup, *Response, error) {
	return findByName(ctx, s.client, "name", name, pathWorkgroups, "name", "workgroup",
		func(w *Workgroup) bool { return strings.EqualFold(w.Name, name) })
}

// Create creates a workgroup and returns it.
//
// API: POST Workgroups
// Reference: post-api-public-v3-workgroups
// Needs: Asset Management (Full control).
func (s *WorkgroupsService) Create(ctx context.Context, opts *CreateWorkgroupOptions) (*Workgroup, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	return callJSON[Workgroup](ctx, s.client, post(pathWorkgroups, opts))
}
