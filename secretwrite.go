package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Creating, updating, sharing, moving and deleting secrets. The options
// carry the values as Secret, so they never print; the request bodies are
// built here, per API version (the owner fields changed in 3.1).

// CredentialSecretOptions is a Credential secret for CreateCredential and
// UpdateCredential. It prints with the password replaced by [REDACTED].
type CredentialSecretOptions struct {
	Title          string        // required, 1–256 characters
	Description    string        // ≤ 256 characters
	Username       string        // ≤ 256 characters
	Password       Secret        // ≤ 256 characters; or leave it empty and give PasswordRuleID
	PasswordRuleID int           // a password policy (1–32767) the server generates the password from
	Notes          string        // ≤ 4000 characters
	Urls           []SecretURL   // each ≤ 2048 characters
	Owners         []SecretOwner // see SecretOwner; the shape sent follows WithAPIVersion
}

// TextSecretOptions is a Text secret for CreateText and UpdateText. It
// prints with the text replaced by [REDACTED].
type TextSecretOptions struct {
	Title       string // required, 1–256 characters
	Description string // ≤ 256 characters
	Text        Secret // required, 1–4096 characters
	Notes       string // ≤ 4000 characters
	Urls        []SecretURL
	Owners      []SecretOwner
}

// FileSecretOptions describes a File secret for CreateFile and UpdateFile;
// the content is their io.Reader.
type FileSecretOptions struct {
	Title       string // required, 1–256 characters
	Description string // ≤ 256 characters
	FileName    string // required, 1–256 characters
	Notes       string // ≤ 4000 characters
	Urls        []SecretURL
	Owners      []SecretOwner
}

// secretBody is what the server reads for every secret type: the metadata
// of all, and the value of the one.
type secretBody struct {
	Title          string
	Description    string      `json:",omitempty"`
	Username       *string     `json:",omitempty"` // Credential secrets: always sent
	Password       string      `json:",omitempty"`
	PasswordRuleID int         `json:",omitempty"`
	Text           string      `json:",omitempty"`
	FileName       string      `json:",omitempty"`
	OwnerID        int         `json:"OwnerId,omitempty"` // API 3.0
	OwnerType      string      `json:",omitempty"`        // API 3.0
	Owners         any         `json:",omitempty"`
	Notes          string      `json:",omitempty"`
	Urls           []SecretURL `json:",omitempty"`
}

// ownerV30 is an owner in API 3.0's list of user owners.
type ownerV30 struct {
	OwnerID int `json:"OwnerId"`
}

// secretMeta are the fields every secret type has.
type secretMeta struct {
	title, description, notes string
	urls                      []SecretURL
	owners                    []SecretOwner
}

func (m secretMeta) validate(v30 bool) error {
	return firstError(
		checkRequired("Title", m.title),
		checkLen("Title", m.title, maxSecretTitle),
		checkLen("Description", m.description, maxSecretDesc),
		checkLen("Notes", m.notes, maxSecretNotes),
		checkURLs(m.urls),
		checkOwners(m.owners, v30),
	)
}

func checkURLs(urls []SecretURL) error {
	for i, u := range urls {
		if n := utf8.RuneCountInString(u.URL); n == 0 || n > maxSecretURL {
			return invalid("Url", "Urls[%d] must be 1 to %d characters, got %d", i, maxSecretURL, n)
		}
	}
	return nil
}

// checkOwners checks each owner, and that API 3.0 can say them: one group,
// or users only.
func checkOwners(owners []SecretOwner, v30 bool) error {
	for i, o := range owners {
		if o.GroupID < 0 || o.UserID < 0 || o.GroupID > math.MaxInt32 || o.UserID > math.MaxInt32 || o == (SecretOwner{}) {
			return invalid("Owners", "Owners[%d] needs a GroupID or a UserID from 1 to %d, got %+v", i, math.MaxInt32, o)
		}
	}
	if !v30 || len(owners) == 0 {
		return nil
	}
	for i, o := range owners {
		if o.GroupID != 0 && (len(owners) > 1 || o.UserID != 0) || o.GroupID == 0 && owners[0].GroupID != 0 {
			return invalid("Owners", "API 3.0 takes one group owner, or user owners only (Owners[%d] is %+v): "+
				"use WithAPIVersion(\"3.1\") or later for more", i, o)
		}
	}
	return nil
}

// body is the request body of m in the owner shape of the API version.
func (m secretMeta) body(v30 bool) secretBody {
	b := secretBody{Title: m.title, Description: m.description, Notes: m.notes, Urls: m.urls}
	switch {
	case len(m.owners) == 0:
	case !v30:
		b.Owners = m.owners
	case m.owners[0].GroupID != 0:
		b.OwnerID, b.OwnerType = m.owners[0].GroupID, "Group"
	default:
		users := make([]ownerV30, len(m.owners))
		for i, o := range m.owners {
			users[i] = ownerV30{o.UserID}
		}
		b.OwnerID, b.OwnerType, b.Owners = m.owners[0].UserID, "User", users
	}
	return b
}

func (o *CredentialSecretOptions) meta() secretMeta {
	return secretMeta{o.Title, o.Description, o.Notes, o.Urls, o.Owners}
}

func (o *CredentialSecretOptions) validate(v30 bool) error {
	if o == nil {
		return invalid("opts", "is required")
	}
	var pwErr error
	switch {
	case o.Password.IsZero() && o.PasswordRuleID == 0:
		pwErr = invalid("Password", "is required, unless a PasswordRuleID is given")
	case !o.Password.IsZero() && o.PasswordRuleID != 0:
		pwErr = invalid("Password", "and PasswordRuleID exclude each other: give one")
	}
	return firstError(
		o.meta().validate(v30),
		checkLen("Username", o.Username, maxSecretUser),
		pwErr,
		checkLen("Password", o.Password.Value(), maxSecretPass),
		checkRange("PasswordRuleID", o.PasswordRuleID, 0, maxPasswordRule),
	)
}

func (o *CredentialSecretOptions) value() string { return o.Password.Value() }

func (o *CredentialSecretOptions) body(v30 bool) secretBody {
	b := o.meta().body(v30)
	user := o.Username
	b.Username, b.Password, b.PasswordRuleID = &user, o.Password.Value(), o.PasswordRuleID
	return b
}

// String describes the options with the password replaced by [REDACTED].
func (o CredentialSecretOptions) String() string { return redactedString(o) }

// GoString is what %#v prints: Go syntax, the password replaced.
func (o CredentialSecretOptions) GoString() string { return redactedGoString(o) }

// Format prints GoString for %#v and String for every other verb.
func (o CredentialSecretOptions) Format(f fmt.State, verb rune) { formatRedacted(f, verb, o) }

// LogValue makes log/slog show the options with the password replaced.
func (o CredentialSecretOptions) LogValue() slog.Value { return redactedLogValue(o) }

func (o *TextSecretOptions) meta() secretMeta {
	return secretMeta{o.Title, o.Description, o.Notes, o.Urls, o.Owners}
}

func (o *TextSecretOptions) validate(v30 bool) error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		o.meta().validate(v30),
		checkRequired("Text", o.Text.Value()),
		checkLen("Text", o.Text.Value(), maxSecretText),
	)
}

func (o *TextSecretOptions) value() string { return o.Text.Value() }

func (o *TextSecretOptions) body(v30 bool) secretBody {
	b := o.meta().body(v30)
	b.Text = o.Text.Value()
	return b
}

// String describes the options with the text replaced by [REDACTED].
func (o TextSecretOptions) String() string { return redactedString(o) }

// GoString is what %#v prints: Go syntax, the text replaced.
func (o TextSecretOptions) GoString() string { return redactedGoString(o) }

// Format prints GoString for %#v and String for every other verb.
func (o TextSecretOptions) Format(f fmt.State, verb rune) { formatRedacted(f, verb, o) }

// LogValue makes log/slog show the options with the text replaced.
func (o TextSecretOptions) LogValue() slog.Value { return redactedLogValue(o) }

func (o *FileSecretOptions) validate(v30 bool) error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		secretMeta{o.Title, o.Description, o.Notes, o.Urls, o.Owners}.validate(v30),
		checkRequired("FileName", o.FileName),
		checkLen("FileName", o.FileName, maxFileName),
	)
}

func (o *FileSecretOptions) body(v30 bool) secretBody {
	b := secretMeta{o.Title, o.Description, o.Notes, o.Urls, o.Owners}.body(v30)
	b.FileName = o.FileName
	return b
}

// fileUpload is the multipart body of a file secret: the JSON part
// secretmetadata, then the part file with the content, read up to one
// byte past FileSecretMaxBytes so that empty and oversized content is
// refused before anything is sent.
func fileUpload(meta secretBody, content io.Reader) (*request, error) {
	if content == nil {
		return nil, invalid("file", "content is required: give an io.Reader of 1 to %d bytes", FileSecretMaxBytes)
	}
	js, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("secretmetadata", string(js)); err != nil {
		return nil, err
	}
	part, err := mw.CreateFormFile("file", meta.FileName)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(part, io.LimitReader(content, FileSecretMaxBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("passwordsafe: reading the file secret's content: %w", err)
	case n == 0:
		return nil, invalid("file", "is empty: a file secret holds 1 to %d bytes", FileSecretMaxBytes)
	case n > FileSecretMaxBytes:
		return nil, invalid("file", "holds more than %d bytes (FileSecretMaxBytes), the most a file secret holds", FileSecretMaxBytes)
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &request{payload: buf.Bytes(), contentType: mw.FormDataContentType()}, nil
}

// v30 reports whether the client speaks API 3.0 (no WithAPIVersion, or
// "3.0"), whose secrets name their owner in OwnerId and OwnerType.
func (c *Client) v30() bool {
	major, minor, _ := strings.Cut(c.cfg.apiVersion, ".")
	ma, _ := strconv.Atoi(major)
	mi, _ := strconv.Atoi(minor)
	return ma < 3 || ma == 3 && mi < 1
}

// CreateCredential creates a Credential secret in a folder and returns
// it. Give a Password, or a PasswordRuleID for the server to generate one.
//
// API: POST Secrets-Safe/Folders/{folderId}/secrets; reference: "Create
// credential secret",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-folders-folderid-secrets
// Needs: Secrets Safe (Read/Write) on the folder.
func (s *SecretsService) CreateCredential(ctx context.Context, folderID string, opts *CredentialSecretOptions) (*StoredSecret, *Response, error) {
	return s.create(ctx, folderID, "/secrets", opts)
}

// CreateText creates a Text secret in a folder and returns it.
//
// API: POST Secrets-Safe/Folders/{folderId}/secrets/text; reference:
// "Create text secret",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-folders-folderid-secrets-text
// Needs: Secrets Safe (Read/Write) on the folder.
func (s *SecretsService) CreateText(ctx context.Context, folderID string, opts *TextSecretOptions) (*StoredSecret, *Response, error) {
	return s.create(ctx, folderID, "/secrets/text", opts)
}

// jsonSecret is the options of a secret sent as JSON: a credential or a
// text.
type jsonSecret interface {
	validate(v30 bool) error
	body(v30 bool) secretBody
	value() string // what no error message may show
}

// create posts a secret to Secrets-Safe/Folders/{folderID}{suffix}.
func (s *SecretsService) create(ctx context.Context, folderID, suffix string, opts jsonSecret) (*StoredSecret, *Response, error) {
	v30 := s.client.v30()
	if err := firstError(checkGUID("folderID", folderID), opts.validate(v30)); err != nil {
		return nil, nil, err
	}
	r := &request{method: http.MethodPost, path: folderPathOf(folderID) + suffix, body: opts.body(v30), secrets: []string{opts.value()}}
	return callWith(ctx, s.client, r, decodeOne[StoredSecret])
}

// update puts a secret to Secrets-Safe/Secrets/{id}{suffix}.
func (s *SecretsService) update(ctx context.Context, id, suffix string, opts jsonSecret) (*Response, error) {
	v30 := s.client.v30()
	if err := firstError(checkGUID("secretID", id), opts.validate(v30)); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{method: http.MethodPut, path: secretPathOf(id) + suffix, body: opts.body(v30),
		secrets: []string{opts.value()}}, nil)
}

// CreateFile creates a File secret in a folder from content, and returns
// it. content is read before anything is sent: empty content, or more
// than FileSecretMaxBytes, is a *ValidationError. The upload is
// multipart/form-data: the metadata as the JSON part secretmetadata, the
// content as the part file.
//
// API: POST Secrets-Safe/Folders/{folderId}/secrets/file; reference:
// "Create file secret",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-folders-folderid-secrets-file
// Needs: Secrets Safe (Read/Write) on the folder.
func (s *SecretsService) CreateFile(ctx context.Context, folderID string, opts *FileSecretOptions, content io.Reader) (*StoredSecret, *Response, error) {
	v30 := s.client.v30()
	if err := firstError(checkGUID("folderID", folderID), opts.validate(v30)); err != nil {
		return nil, nil, err
	}
	r, err := fileUpload(opts.body(v30), content)
	if err != nil {
		return nil, nil, err
	}
	r.method, r.path = http.MethodPost, folderPathOf(folderID)+"/secrets/file"
	return callWith(ctx, s.client, r, decodeOne[StoredSecret])
}

// UpdateCredential replaces a Credential secret's fields with opts (a PUT:
// a field left empty is cleared), under the rules of CreateCredential.
//
// API: PUT Secrets-Safe/Secrets/{secretId}; reference: "Update credential
// secret",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-secrets-secretid
// Needs: Secrets Safe (Read/Write).
func (s *SecretsService) UpdateCredential(ctx context.Context, id string, opts *CredentialSecretOptions) (*Response, error) {
	return s.update(ctx, id, "", opts)
}

// UpdateText replaces a Text secret's fields with opts (a PUT), under the
// rules of CreateText.
//
// API: PUT Secrets-Safe/Secrets/{secretId}/text; reference: "Update text
// secret",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-secrets-secretid-text
// Needs: Secrets Safe (Read/Write).
func (s *SecretsService) UpdateText(ctx context.Context, id string, opts *TextSecretOptions) (*Response, error) {
	return s.update(ctx, id, "/text", opts)
}

// UpdateFile replaces a File secret's metadata and content (a multipart
// PUT, as CreateFile sends), under the rules of CreateFile.
//
// API: PUT Secrets-Safe/Secrets/{secretId}/file; reference: "Update file
// secret",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-secrets-secretid-file
// Needs: Secrets Safe (Read/Write).
func (s *SecretsService) UpdateFile(ctx context.Context, id string, opts *FileSecretOptions, content io.Reader) (*Response, error) {
	v30 := s.client.v30()
	if err := firstError(checkGUID("secretID", id), opts.validate(v30)); err != nil {
		return nil, err
	}
	r, err := fileUpload(opts.body(v30), content)
	if err != nil {
		return nil, err
	}
	r.method, r.path = http.MethodPut, secretPathOf(id)+"/file"
	return s.client.do(ctx, r, nil)
}

// Delete deletes a secret.
//
// API: DELETE Secrets-Safe/Secrets/{secretId}; reference: "Delete secret",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-secrets-secretid
// Needs: Secrets Safe (Read/Write).
func (s *SecretsService) Delete(ctx context.Context, id string) (*Response, error) {
	return deleteByID(ctx, s.client, "secretID", id, secretPathOf)
}

// deleteByID sends DELETE path(id) after checking the ID.
func deleteByID(ctx context.Context, c *Client, field, id string, path func(string) string) (*Response, error) {
	if err := checkGUID(field, id); err != nil {
		return nil, err
	}
	return c.do(ctx, &request{method: http.MethodDelete, path: path(id)}, nil)
}

// SecretShare is a shared reference to a secret in another folder. The
// reference documents no answer schema: these are the fields the fake
// answers (and the server is expected to).
type SecretShare struct {
	ID         string // the share's ID, for MoveSecretsOptions.ShareIDs
	SecretID   string
	FolderID   string
	FolderPath string
}

// Shares returns the shared references of a secret.
//
// API: GET Secrets-Safe/Secrets/{secretId}/shares; reference: "Get all
// shares of secret",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid-shares
// Needs: Secrets Safe (Read).
func (s *SecretsService) Shares(ctx context.Context, id string) ([]SecretShare, *Response, error) {
	if err := checkGUID("secretID", id); err != nil {
		return nil, nil, err
	}
	return callPage[SecretShare](ctx, s.client, get(secretPathOf(id)+"/shares", ""))
}

func sharePath(id, folderID string) string {
	return secretPathOf(id) + "/shares/" + url.PathEscape(folderID)
}

// Share puts a shared reference to a secret in another folder and returns
// it.
//
// API: POST Secrets-Safe/Secrets/{secretId}/shares/{folderId}; reference:
// "Share secret to folder by ID",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-secrets-secretid-shares-folderid
// Needs: Secrets Safe (Read/Write) on both folders.
func (s *SecretsService) Share(ctx context.Context, id, folderID string) (*SecretShare, *Response, error) {
	if err := firstError(checkGUID("secretID", id), checkGUID("folderID", folderID)); err != nil {
		return nil, nil, err
	}
	return callWith(ctx, s.client, &request{method: http.MethodPost, path: sharePath(id, folderID)}, decodeOne[SecretShare])
}

// Unshare removes a secret's shared reference from a folder.
//
// API: DELETE Secrets-Safe/Secrets/{secretId}/shares/{folderId};
// reference: "Delete share",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-secrets-secretid-shares-folderid
// Needs: Secrets Safe (Read/Write).
func (s *SecretsService) Unshare(ctx context.Context, id, folderID string) (*Response, error) {
	if err := firstError(checkGUID("secretID", id), checkGUID("folderID", folderID)); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{method: http.MethodDelete, path: sharePath(id, folderID)}, nil)
}

// UnshareAll removes every shared reference of a secret.
//
// API: DELETE Secrets-Safe/Secrets/{secretId}/shares; reference: "Delete
// all shares of secret",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-secrets-secretid-shares
// Needs: Secrets Safe (Read/Write).
func (s *SecretsService) UnshareAll(ctx context.Context, id string) (*Response, error) {
	return deleteByID(ctx, s.client, "secretID", id, func(id string) string { return secretPathOf(id) + "/shares" })
}

// DuplicateNameAction says what a move does when the destination already
// holds a secret, share or folder of the same name.
type DuplicateNameAction string

// Duplicate name actions.
const (
	DuplicateStop   DuplicateNameAction = "Stop"   // move nothing more (the default)
	DuplicateRename DuplicateNameAction = "Rename" // move it under a new name
	DuplicateSkip   DuplicateNameAction = "Skip"   // leave that one where it is
)

// MoveSecretsOptions says which secrets and shares SecretsService.Move
// moves, and where.
type MoveSecretsOptions struct {
	SecretIDs           []string            // up to 200
	ShareIDs            []string            // up to 200 (SecretShare.ID)
	DestinationFolderID string              // required
	DuplicateNameAction DuplicateNameAction // Stop (when empty), Rename or Skip
}

func (o *MoveSecretsOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	var none error
	if len(o.SecretIDs)+len(o.ShareIDs) == 0 {
		none = invalid("SecretIds", "and ShareIds are both empty: name at least one secret or share to move")
	}
	return firstError(
		checkGUID("DestinationFolderId", o.DestinationFolderID),
		none,
		checkGUIDs("SecretIds", o.SecretIDs),
		checkGUIDs("ShareIds", o.ShareIDs),
		checkEnum("DuplicateNameAction", o.DuplicateNameAction, DuplicateStop, DuplicateRename, DuplicateSkip),
	)
}

// checkGUIDs checks a batch of at most maxMoveBatch IDs.
func checkGUIDs(field string, ids []string) error {
	if len(ids) > maxMoveBatch {
		return invalid(field, "must hold at most %d IDs, got %d", maxMoveBatch, len(ids))
	}
	for _, id := range ids {
		if err := checkGUID(field, id); err != nil {
			return err
		}
	}
	return nil
}

// moveBody is what PUT Secrets-Safe/Secrets/move and
// Secrets-Safe/Folders/{id}/move read.
type moveBody struct {
	SecretIDs           []string `json:"SecretIds,omitempty"`
	ShareIDs            []string `json:"ShareIds,omitempty"`
	DestinationFolderID string   `json:"DestinationFolderId"`
	DuplicateNameAction DuplicateNameAction
}

func moveTo(folderID string, action DuplicateNameAction) moveBody {
	if action == "" {
		action = DuplicateStop
	}
	return moveBody{DestinationFolderID: folderID, DuplicateNameAction: action}
}

// Move moves secrets and shares to another folder in one call.
//
// API: PUT Secrets-Safe/Secrets/move; reference: "Move secrets and shares
// to folder",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-secrets-move
// Needs: Secrets Safe (Read/Write) on both folders.
func (s *SecretsService) Move(ctx context.Context, opts *MoveSecretsOptions) (*Response, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	body := moveTo(opts.DestinationFolderID, opts.DuplicateNameAction)
	body.SecretIDs, body.ShareIDs = opts.SecretIDs, opts.ShareIDs
	return s.client.do(ctx, &request{method: http.MethodPut, path: pathSecrets + "/move", body: body}, nil)
}
