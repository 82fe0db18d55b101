package passwordsafe

import (
	"context"
	"net/http"
	"net/url"
)

// SafesService lists, creates, updates and deletes Secrets Safe safes: the
// top of the folder tree, each with its own permissions.
type SafesService service

// Safe is a Secrets Safe safe. The server writes Id; the field reads either
// spelling.
type Safe struct {
	ID          string
	Name        string
	Description string
}

// SafeOptions is a safe's name and description, for SafesService.Create
// and Update.
type SafeOptions struct {
	Name        string // required, 1–256 characters
	Description string // ≤ 256 characters
}

func (o *SafeOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(checkName(o.Name), checkLen("Description", o.Description, maxSecretDesc))
}

// safeBody is what POST and PUT Secrets-Safe/Safes read.
type safeBody struct {
	Name        string
	Description string `json:",omitempty"`
}

// safePathOf is Secrets-Safe/Safes/{id}, escaped.
func safePathOf(id string) string { return pathSafes + "/" + url.PathEscape(id) }

// List returns the safes the user may see.
//
// API: GET Secrets-Safe/Safes; reference: "Get all safes accessible to
// current user",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-safes
// Needs: Secrets Safe (Read).
func (s *SafesService) List(ctx context.Context) ([]Safe, *Response, error) {
	return callPage[Safe](ctx, s.client, get(pathSafes, ""))
}

// Get returns a safe by ID.
//
// API: GET Secrets-Safe/Safes/{id}; reference: the Safes pages,
// https://docs.beyondtrust.com/bips/reference/secrets-safe-safes (and the
// vendor's Python library, which calls it)
// Needs: Secrets Safe (Read), and access to the safe.
func (s *SafesService) Get(ctx context.Context, id string) (*Safe, *Response, error) {
	if err := checkGUID("safeID", id); err != nil {
		return nil, nil, err
	}
	return callJSON[Safe](ctx, s.client, get(safePathOf(id), ""))
}

// Create creates a safe and returns it.
//
// API: POST Secrets-Safe/Safes; reference: "Create safe",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-safes
// Needs: Secrets Safe (Full control).
func (s *SafesService) Create(ctx context.Context, opts *SafeOptions) (*Safe, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	r := &request{method: http.MethodPost, path: pathSafes, body: safeBody{opts.Name, opts.Description}}
	return callWith(ctx, s.client, r, decodeOne[Safe])
}

// Update renames a safe and sets its description (a PUT: an empty
// description clears it).
//
// API: PUT Secrets-Safe/Safes/{id}; reference: "Update safe by ID",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-safes-id
// Needs: Secrets Safe (Manage) on the safe.
func (s *SafesService) Update(ctx context.Context, id string, opts *SafeOptions) (*Response, error) {
	if err := firstError(checkGUID("safeID", id), opts.validate()); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{method: http.MethodPut, path: safePathOf(id), body: safeBody{opts.Name, opts.Description}}, nil)
}

// Delete deletes a safe.
//
// API: DELETE Secrets-Safe/Safes/{id}; reference: "Delete safe by ID",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-safes-id
// Needs: Secrets Safe (Full control).
func (s *SafesService) Delete(ctx context.Context, id string) (*Response, error) {
	return deleteByID(ctx, s.client, "safeID", id, safePathOf)
}
