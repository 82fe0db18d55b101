package passwordsafe

import (
	"context"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strings"
)

// FoldersService lists, finds (by path), creates, updates, moves and
// deletes Secrets Safe folders. A folder lives in a safe or in another
// folder; paths name them from the safe down, joined by "/".
type FoldersService service

// Folder is a Secrets Safe folder. The server writes Id and ParentId; the
// fields read either spelling.
type Folder struct {
	ID          string
	Name        string
	Description string
	ParentID    string // the folder or safe it is in
	UserGroupID int    // deprecated since 24.3
}

// folderPathOf is Secrets-Safe/Folders/{id}, escaped.
func folderPathOf(id string) string { return pathFolders + "/" + url.PathEscape(id) }

// ListFoldersOptions filters FoldersService.List and All. Zero values are
// left out.
type ListFoldersOptions struct {
	FolderName string `url:"folderName,omitempty"` // part of the name (≤ 256 characters)
	// FolderPath is the folder at this path, joined by "/" (≤ 1798
	// characters), and the folders below it unless IncludeSubfolders is
	// false.
	FolderPath        string `url:"folderPath,omitempty"`
	IncludeSubfolders *bool  `url:"includeSubfolders,omitempty"` // server default true
	RootOnly          bool   `url:"rootOnly,omitempty"`          // only the folders at the root
	FolderOwnerID     int    `url:"folderOwnerId,omitempty"`     // only the folders this user owns
	Limit             int    `url:"limit,omitempty"`             // server default 1000
	Offset            int    `url:"offset,omitempty"`
}

func (o *ListFoldersOptions) validate() error {
	return firstError(
		checkLen("folderName", o.FolderName, maxFolderName),
		checkLen("folderPath", o.FolderPath, maxFolderPath),
		checkRange("folderOwnerId", o.FolderOwnerID, 0, math.MaxInt32),
		checkRange("limit", o.Limit, 0, math.MaxInt32),
		checkRange("offset", o.Offset, 0, math.MaxInt32),
	)
}

// query validates the filter and encodes it; nil is no filter.
func (o *ListFoldersOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := o.validate(); err != nil {
		return "", err
	}
	return encodeQuery(o)
}

// List returns the folders the user may see, filtered by opts (nil: all,
// up to the server's default limit of 1000). A bare array and a
// {TotalCount, Data} page both read.
//
// API: GET Secrets-Safe/Folders; the query names are the guide's
// ("Secrets Safe APIs", GET Secrets-Safe/Folders/,
// https://docs.beyondtrust.com/bips/docs/secrets-safe-apis) and the
// vendor's Python library's.
// Needs: Secrets Safe (Read).
func (s *FoldersService) List(ctx context.Context, opts *ListFoldersOptions) ([]Folder, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callPage[Folder](ctx, s.client, get(pathFolders, q))
}

// All yields every folder List would, page after page (opts.Limit is the
// page size, default 1000). A failure is the last pair yielded.
//
// API: GET Secrets-Safe/Folders?limit=&offset=, repeated
// Needs: as List.
func (s *FoldersService) All(ctx context.Context, opts *ListFoldersOptions) iter.Seq2[Folder, error] {
	return allOf(ctx, s.client, pathFolders, opts, func(f Folder) string { return f.ID })
}

func (o *ListFoldersOptions) page() (limit, offset *int) { return &o.Limit, &o.Offset }

// Get returns a folder by ID.
//
// API: GET Secrets-Safe/Folders/{folderId}; reference: "Get folder by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-folders-folderid
// Needs: Secrets Safe (Read).
func (s *FoldersService) Get(ctx context.Context, id string) (*Folder, *Response, error) {
	if err := checkGUID("folderID", id); err != nil {
		return nil, nil, err
	}
	return callJSON[Folder](ctx, s.client, get(folderPathOf(id), ""))
}

// FindFolderOptions tunes FoldersService.Find.
type FindFolderOptions struct {
	// Separator joins the path's folders: one character, "/" when empty.
	// The server reads paths joined by "/": another separator is turned
	// into "/" before the path is sent.
	Separator string
}

// Find returns the folder at path, e.g. "prod/db": the folders from the
// safe down, joined by the separator. It asks for the folder at that path
// without its subfolders and checks that the answer is named as the last
// part of the path (without regard to case, as the server compares): none
// is a *FindError that matches ErrNotFound, more than one a *FindError
// with their number.
//
// API: GET Secrets-Safe/Folders?folderPath={path}&includeSubfolders=false
// (guide: "Secrets Safe APIs", https://docs.beyondtrust.com/bips/docs/secrets-safe-apis)
// Needs: Secrets Safe (Read).
func (s *FoldersService) Find(ctx context.Context, path string, opts *FindFolderOptions) (*Folder, *Response, error) {
	sep := defaultSeparator
	if opts != nil && opts.Separator != "" {
		sep = opts.Separator
	}
	if err := firstError(checkSeparator("separator", sep), checkFolderPath("folderPath", path, sep)); err != nil {
		return nil, nil, err
	}
	name := path[strings.LastIndex(path, sep)+len(sep):]
	q := "folderPath=" + queryEscapeKeepSlash(strings.ReplaceAll(path, sep, "/")) + "&includeSubfolders=false"
	folders, resp, err := callPage[Folder](ctx, s.client, get(pathFolders, q))
	if err != nil {
		return nil, resp, err
	}
	var found []Folder
	for _, f := range folders {
		if strings.EqualFold(f.Name, name) {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		return nil, resp, &FindError{Kind: "folder", Path: path, Matches: len(found), Answered: len(folders), endpoint: pathFolders}
	}
	return &found[0], resp, nil
}

// CreateFolderOptions is a new folder for FoldersService.Create.
type CreateFolderOptions struct {
	Name        string // required, 1–256 characters
	Description string // ≤ 256 characters
	ParentID    string // the safe or folder to create it in
	UserGroupID int    // deprecated since 24.3: leave it 0 on newer servers
}

// folderBody is what POST and PUT Secrets-Safe/Folders read.
type folderBody struct {
	Name        string
	Description string `json:",omitempty"`
	ParentID    string `json:"ParentId,omitempty"`
	UserGroupID int    `json:"UserGroupId,omitempty"`
}

func (o *CreateFolderOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	var parentErr error
	if o.ParentID != "" {
		parentErr = checkGUID("ParentId", o.ParentID)
	}
	return firstError(
		checkName(o.Name),
		checkLen("Description", o.Description, maxSecretDesc),
		parentErr,
		checkRange("UserGroupId", o.UserGroupID, 0, math.MaxInt32),
	)
}

// checkName checks the Name of a folder or a safe: 1 to 256 characters.
func checkName(name string) error {
	return firstError(checkRequired("Name", name), checkLen("Name", name, maxFolderName))
}

// Create creates a folder and returns it.
//
// API: POST Secrets-Safe/Folders; reference: "Create folder",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-folders
// Needs: Secrets Safe (Read/Write) in the parent.
func (s *FoldersService) Create(ctx context.Context, opts *CreateFolderOptions) (*Folder, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	body := folderBody{Name: opts.Name, Description: opts.Description, ParentID: opts.ParentID, UserGroupID: opts.UserGroupID}
	return callWith(ctx, s.client, &request{method: http.MethodPost, path: pathFolders, body: body}, decodeOne[Folder])
}

// UpdateFolderOptions is what FoldersService.Update sets.
type UpdateFolderOptions struct {
	Name        string // required, 1–256 characters
	Description string // ≤ 256 characters; empty clears it
}

func (o *UpdateFolderOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(checkName(o.Name), checkLen("Description", o.Description, maxSecretDesc))
}

// Update renames a folder and sets its description (a PUT: an empty
// description clears it, as the reference says). Move it with Move.
//
// API: PUT Secrets-Safe/Folders/{folderId}; reference: "Update folder",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-folders-folderid
// Needs: Secrets Safe (Read/Write).
func (s *FoldersService) Update(ctx context.Context, id string, opts *UpdateFolderOptions) (*Response, error) {
	if err := firstError(checkGUID("folderID", id), opts.validate()); err != nil {
		return nil, err
	}
	body := folderBody{Name: opts.Name, Description: opts.Description}
	return s.client.do(ctx, &request{method: http.MethodPut, path: folderPathOf(id), body: body}, nil)
}

// MoveFolderOptions says where FoldersService.Move moves a folder.
type MoveFolderOptions struct {
	DestinationFolderID string              // required: the safe or folder to move it into
	DuplicateNameAction DuplicateNameAction // Stop (when empty), Rename or Skip
}

func (o *MoveFolderOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkGUID("DestinationFolderId", o.DestinationFolderID),
		checkEnum("DuplicateNameAction", o.DuplicateNameAction, DuplicateStop, DuplicateRename, DuplicateSkip),
	)
}

// Move moves a folder, with what it holds, into another folder or safe,
// and returns it.
//
// API: PUT Secrets-Safe/Folders/{folderId}/move; reference: "Move folder",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-folders-folderid-move
// Needs: Secrets Safe (Read/Write) on both.
func (s *FoldersService) Move(ctx context.Context, id string, opts *MoveFolderOptions) (*Folder, *Response, error) {
	if err := firstError(checkGUID("folderID", id), opts.validate()); err != nil {
		return nil, nil, err
	}
	r := &request{method: http.MethodPut, path: folderPathOf(id) + "/move", body: moveTo(opts.DestinationFolderID, opts.DuplicateNameAction)}
	return callWith(ctx, s.client, r, decodeOne[Folder])
}

// Delete deletes a folder.
//
// API: DELETE Secrets-Safe/Folders/{folderId}; reference: "Delete folder
// by ID",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-folders-folderid
// Needs: Secrets Safe (Read/Write).
func (s *FoldersService) Delete(ctx context.Context, id string) (*Response, error) {
	return deleteByID(ctx, s.client, "folderID", id, folderPathOf)
}
