package passwordsafe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// SecretsService reads the secrets stored in Secrets Safe, by their path
// (prod/db/url) or ID, and creates, updates, shares, moves and deletes
// them. Secrets Safe IDs are GUIDs.
type SecretsService service

// SecretType is the kind of a secret in Secrets Safe.
type SecretType string

// Secret types.
const (
	SecretTypeCredential SecretType = "Credential" // a username and a password
	SecretTypeText       SecretType = "Text"       // up to 4096 characters of text
	SecretTypeFile       SecretType = "File"       // a file of up to FileSecretMaxBytes, read with SecretsService.File
)

// FileSecretMaxBytes is the largest file secret the server stores (5 MB).
// SecretsService.File stops past it; CreateFile and UpdateFile refuse more.
const FileSecretMaxBytes = 5_000_000

// Limits of Secrets Safe fields, in characters, as the reference gives them.
const (
	maxSecretTitle   = 256
	maxSecretDesc    = 256
	maxSecretUser    = 256
	maxSecretPass    = 256
	maxSecretNotes   = 4000
	maxSecretText    = 4096
	maxSecretURL     = 2048
	maxFolderPath    = 1798
	maxFolderName    = 256
	maxFileName      = 256
	maxPasswordRule  = 32767 // PasswordRuleID is an int32 of 0 to 32767
	maxMoveBatch     = 200   // SecretIds and ShareIds of one move
	defaultSeparator = "/"
)

const (
	pathSecrets = "Secrets-Safe/Secrets"
	pathFolders = "Secrets-Safe/Folders"
	pathSafes   = "Secrets-Safe/Safes"
)

// StoredSecret is a secret in Secrets Safe (not to be confused with
// Secret, the string that prints as [REDACTED]). Password (Credential
// secrets) and Text (Text secrets) hold the value when the call decrypts
// it; they never print. A File secret's content is read with
// SecretsService.File.
//
// The server writes Id, FolderId and OwnerId; the fields read either
// spelling. API 3.0 names one owner (OwnerID and OwnerType, and for user
// owners a list of them); from 3.1 Owners lists them all. Both read into
// Owners: a 3.0 owner of OwnerType Group as its GroupID, any other as its
// UserID.
type StoredSecret struct {
	ID                    string
	Title                 string
	Description           string
	FolderID              string
	FolderPath            string
	SecretType            SecretType
	Username              string
	Password              Secret // Credential secrets, when decrypted
	Text                  Secret // Text secrets, when decrypted
	FileName              string // File secrets; the content is read with File
	Notes                 string
	Urls                  []SecretURL
	OwnerID               int
	OwnerType             string // "User" or "Group" (API 3.0)
	Owners                []SecretOwner
	PasswordRuleID        int
	CreatedOn, ModifiedOn Time
	CreatedBy, ModifiedBy string
	SecretValueModifiedOn Time // API 3.2 and later
}

// UnmarshalJSON reads a secret as any API version writes it. The value of
// a Text secret arrives in Password on some calls (GET Secrets, which the
// vendor's own clients read it from); it is moved to Text.
func (s *StoredSecret) UnmarshalJSON(b []byte) error {
	type plain StoredSecret
	var v struct {
		plain
		Owners []struct {
			GroupID int `json:"GroupId"`
			UserID  int `json:"UserId"`
			OwnerID int `json:"OwnerId"` // API 3.0
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = StoredSecret(v.plain)
	s.Owners = nil
	for _, o := range v.Owners {
		owner := SecretOwner{GroupID: o.GroupID, UserID: o.UserID}
		if owner == (SecretOwner{}) && strings.EqualFold(s.OwnerType, "Group") {
			owner.GroupID = o.OwnerID
		} else if owner == (SecretOwner{}) {
			owner.UserID = o.OwnerID
		}
		s.Owners = append(s.Owners, owner)
	}
	if strings.EqualFold(string(s.SecretType), string(SecretTypeText)) && s.Text.IsZero() {
		s.Text, s.Password = s.Password, Secret{}
	}
	return nil
}

// SecretURL is a URL kept with a secret. ID and CredentialID are the
// server's; a new URL has neither.
type SecretURL struct {
	ID           string `json:"Id,omitempty"`
	CredentialID string `json:"CredentialId,omitempty"`
	URL          string `json:"Url"` // ≤ 2048 characters
}

// SecretOwner is an owner of a secret: a group, a user, or a user of a
// group. IDs are Password Safe user and group IDs, 1 to 2147483647.
type SecretOwner struct {
	GroupID int `json:"GroupId,omitempty"`
	UserID  int `json:"UserId,omitempty"`
}

// FindSecretOptions tunes SecretsService.Find.
type FindSecretOptions struct {
	// Separator joins the folders of the path and the title: one
	// character, "/" when empty. Another is sent as ?separator=.
	Separator string
}

// secretPath is a path asked for in Find: the folder path and the title.
type secretPath struct {
	asked, folder, title, sep string
}

func parseSecretPath(p string, opts *FindSecretOptions) (secretPath, error) {
	sep := defaultSeparator
	if opts != nil && opts.Separator != "" {
		sep = opts.Separator
	}
	if err := checkSeparator("separator", sep); err != nil {
		return secretPath{}, err
	}
	i := strings.LastIndex(p, sep)
	if i < 0 {
		return secretPath{}, invalid("path", "must be a folder path and a title joined by %q, such as prod%sdb%surl", sep, sep, sep)
	}
	sp := secretPath{asked: p, folder: p[:i], title: p[i+len(sep):], sep: sep}
	return sp, firstError(
		checkFolderPath("path", sp.folder, sep),
		checkRequired("title", sp.title),
		checkLen("title", sp.title, maxSecretTitle),
	)
}

// query asks for the secrets with the title in the folder, decrypted.
// Slashes stay as they are: they need no escape in a query.
func (p secretPath) query() string {
	q := "path=" + queryEscapeKeepSlash(p.folder) + "&title=" + queryEscapeKeepSlash(p.title) + "&decrypt=true"
	if p.sep != defaultSeparator {
		q += "&separator=" + url.QueryEscape(p.sep)
	}
	return q
}

func queryEscapeKeepSlash(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}

// matches reports whether a secret of the answer is the one asked for. The
// server compares titles and paths without regard to case (as its SQL
// collation does, and as the fake does), so this does too; a folder path
// written with another separator is compared in the server's "/" form
// too.
func (p secretPath) matches(s *StoredSecret) bool {
	if !strings.EqualFold(s.Title, p.title) {
		return false
	}
	got := strings.Trim(s.FolderPath, "/") // a server may write /prod/db
	return strings.EqualFold(got, p.folder) || strings.EqualFold(got, strings.ReplaceAll(p.folder, p.sep, "/"))
}

// FindError reports a Find by path (SecretsService.Find,
// FoldersService.Find) that did not find exactly one match. With none,
// errors.Is(err, ErrNotFound) holds.
type FindError struct {
	Kind     string // what was looked for: "secret" or "folder"
	Path     string // the path given to Find
	Matches  int    // how many are at Path: 0, or more than 1
	Answered int    // how many the server answered, those elsewhere included

	endpoint string
}

// Error says what was asked and how many were found there.
func (e *FindError) Error() string {
	prefix := "passwordsafe: GET " + e.endpoint + ": "
	switch {
	case e.Matches == 0 && e.Answered == 0:
		return prefix + "no " + e.Kind + " at " + strconv.Quote(e.Path)
	case e.Matches == 0:
		return prefix + "no " + e.Kind + " at " + strconv.Quote(e.Path) + " (the server answered " +
			strconv.Itoa(e.Answered) + " at another path)"
	}
	return prefix + strconv.Itoa(e.Matches) + " " + e.Kind + "s at " + strconv.Quote(e.Path) +
		": Find returns exactly one; list them and pick one by ID"
}

// Is reports whether target is ErrNotFound and nothing matched.
func (e *FindError) Is(target error) bool { return target == ErrNotFound && e.Matches == 0 }

// secretMatch reads Find's answer, keeping the one secret at the path.
// Rows are read into found until one matches (so the usual answer of one
// secret costs no copy), the rest into row.
type secretMatch struct {
	want     secretPath
	found    StoredSecret
	row      *StoredSecret
	matches  int
	answered int
}

func (m *secretMatch) read(_ http.Header, body *answer) error {
	m.found, m.matches, m.answered = StoredSecret{}, 0, 0 // a repeated attempt starts afresh
	_, err := decodePage(body, func(dec *json.Decoder) error {
		target := &m.found
		if m.matches > 0 {
			if m.row == nil {
				m.row = new(StoredSecret)
			}
			target = m.row
		}
		*target = StoredSecret{}
		if err := dec.Decode(target); err != nil {
			return err
		}
		m.answered++
		switch {
		case m.want.matches(target):
			m.matches++
		case target == &m.found:
			m.found = StoredSecret{} // keep no value of a secret not asked for
		}
		return nil
	})
	m.row = nil
	return err
}

// Find returns the secret stored at path: its folder path and its title,
// joined by the separator (default "/"), e.g. "prod/db/url". The last
// separator splits the folder path from the title. It makes one call and
// returns the value decrypted: Password for a Credential secret, Text for
// a Text secret; read a File secret's content with File.
//
// The answer is checked against what was asked (folder path and title,
// compared without regard to case, as the server compares them): no secret
// there is a *FindError that matches ErrNotFound (the server answers 200
// and an empty list), and more than one is a *FindError with their
// number, never a silent first pick.
//
// API: GET Secrets-Safe/Secrets?path={folder}&title={title}&decrypt=true
// (&separator= for another separator); reference: "Get all secrets",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets
// Needs: Secrets Safe (Read), and access to the folder's safe.
func (s *SecretsService) Find(ctx context.Context, path string, opts *FindSecretOptions) (*StoredSecret, *Response, error) {
	want, err := parseSecretPath(path, opts)
	if err != nil {
		return nil, nil, err
	}
	m := &secretMatch{want: want}
	r := get(pathSecrets, want.query())
	r.limit = capList
	resp, err := s.client.do(ctx, r, m.read)
	switch {
	case err != nil:
		return nil, resp, err
	case m.matches != 1:
		return nil, resp, &FindError{Kind: "secret", Path: path, Matches: m.matches, Answered: m.answered, endpoint: pathSecrets}
	}
	return &m.found, resp, nil
}

// ListSecretsOptions filters SecretsService.List and All. Zero values are
// left out.
type ListSecretsOptions struct {
	Path      string `url:"path,omitempty"`      // the folder path (≤ 1798 characters)
	Title     string `url:"title,omitempty"`     // ≤ 256 characters
	Separator string `url:"separator,omitempty"` // of Path: one character; the server's default is "/"
	AfterDate Time   `url:"-"`                   // secrets created or changed after this time, sent as afterdate (RFC 3339, UTC)
	Limit     int    `url:"limit,omitempty"`     // server default 1000
	Offset    int    `url:"offset,omitempty"`
	// Decrypt asks for the values (decrypt=true). Without it the
	// parameter is left out and the server decides: servers that predate
	// it always send the values.
	Decrypt bool `url:"decrypt,omitempty"`
}

func (o *ListSecretsOptions) validate() error {
	return firstError(
		checkLen("path", o.Path, maxFolderPath),
		checkLen("title", o.Title, maxSecretTitle),
		checkSeparator("separator", o.Separator),
		checkRange("limit", o.Limit, 0, math.MaxInt32),
		checkRange("offset", o.Offset, 0, math.MaxInt32),
	)
}

// query validates the filter and encodes it; nil is no filter.
func (o *ListSecretsOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := o.validate(); err != nil {
		return "", err
	}
	v, err := query.Values(o)
	if err != nil {
		return "", err
	}
	if !o.AfterDate.IsZero() {
		v.Set("afterdate", o.AfterDate.UTC().Format(time.RFC3339))
	}
	return v.Encode(), nil
}

// List returns the secrets the user may read, filtered by opts (nil: all,
// up to the server's default limit of 1000). A bare array and the
// {TotalCount, Data} page of API 3.2 both read. Use All for every page.
//
// API: GET Secrets-Safe/Secrets; reference: "Get all secrets",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets
// Needs: Secrets Safe (Read).
func (s *SecretsService) List(ctx context.Context, opts *ListSecretsOptions) ([]StoredSecret, *Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callPage[StoredSecret](ctx, s.client, get(pathSecrets, q))
}

// All yields every secret List would, page after page (opts.Limit is the
// page size, default 1000; opts.Offset where to start), reading each page
// as it arrives and holding one secret at a time. It stops after a short
// page or at the TotalCount of a 3.2 answer; a server that ignores offset
// ends it with an error. A failure is the last pair yielded.
//
// API: GET Secrets-Safe/Secrets?limit=&offset=, repeated
// Needs: as List.
func (s *SecretsService) All(ctx context.Context, opts *ListSecretsOptions) iter.Seq2[StoredSecret, error] {
	return allOf(ctx, s.client, pathSecrets, opts, func(v StoredSecret) string { return v.ID })
}

func (o *ListSecretsOptions) page() (limit, offset *int) { return &o.Limit, &o.Offset }

// secretPathOf is Secrets-Safe/Secrets/{id}, escaped.
func secretPathOf(id string) string { return pathSecrets + "/" + url.PathEscape(id) }

// Get returns a secret by ID, with its value (a Credential secret's
// password).
//
// API: GET Secrets-Safe/Secrets/{secretId}; reference: "Get credential
// secret by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid
// Needs: Secrets Safe (Read).
func (s *SecretsService) Get(ctx context.Context, id string) (*StoredSecret, *Response, error) {
	if err := checkGUID("secretID", id); err != nil {
		return nil, nil, err
	}
	return callJSON[StoredSecret](ctx, s.client, get(secretPathOf(id), ""))
}

// GetText returns a Text secret by ID, with its text.
//
// API: GET Secrets-Safe/Secrets/{secretId}/text; reference: "Get text
// secret by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid-text
// Needs: Secrets Safe (Read).
func (s *SecretsService) GetText(ctx context.Context, id string) (*StoredSecret, *Response, error) {
	if err := checkGUID("secretID", id); err != nil {
		return nil, nil, err
	}
	return callJSON[StoredSecret](ctx, s.client, get(secretPathOf(id)+"/text", ""))
}

// GetFileInfo returns a File secret by ID: its file name and the rest of
// its metadata, not its content (read that with File).
//
// API: GET Secrets-Safe/Secrets/{secretId}/file; reference: "Get file
// secret by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid-file
// Needs: Secrets Safe (Read).
func (s *SecretsService) GetFileInfo(ctx context.Context, id string) (*StoredSecret, *Response, error) {
	if err := checkGUID("secretID", id); err != nil {
		return nil, nil, err
	}
	return callJSON[StoredSecret](ctx, s.client, get(secretPathOf(id)+"/file", ""))
}

// ListByFolder returns the secrets in a folder.
//
// API: GET Secrets-Safe/Folders/{folderId}/secrets; reference: "Get all
// secrets by folder ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-folders-folderid-secrets
// Needs: Secrets Safe (Read).
func (s *SecretsService) ListByFolder(ctx context.Context, folderID string) ([]StoredSecret, *Response, error) {
	if err := checkGUID("folderID", folderID); err != nil {
		return nil, nil, err
	}
	return callPage[StoredSecret](ctx, s.client, get(folderPathOf(folderID)+"/secrets", ""))
}

// File writes a File secret's content to w as it arrives, byte for byte,
// holding no more than a 32 KiB buffer. A file larger than
// FileSecretMaxBytes is cut off there with an error that says how much was
// read (errors.As finds a *BodyTooLargeError); so is one the server
// announces as larger, before anything is written. Once bytes have reached
// w the call is not repeated: an answer that breaks off after that is an
// error, and w holds what arrived.
//
// API: GET Secrets-Safe/Secrets/{secretId}/file/download; reference: "Get
// secret file content by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid-file-download
// Needs: Secrets Safe (Read).
func (s *SecretsService) File(ctx context.Context, id string, w io.Writer) (*Response, error) {
	if err := checkGUID("secretID", id); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, invalid("w", "is required")
	}
	r := get(secretPathOf(id)+"/file/download", "")
	r.accept, r.limit = "application/octet-stream, application/json;q=0.5", FileSecretMaxBytes
	return s.client.do(ctx, r, copyFile(w))
}

// fileReadError is how a file answer's read failed: past the limit, with
// how much was read and written, or as the body broke off.
func fileReadError(err error, read, written int64) error {
	var tooLarge *BodyTooLargeError
	if errors.As(err, &tooLarge) {
		return fmt.Errorf("the file secret is larger than %d bytes (FileSecretMaxBytes): stopped after reading "+
			"%d bytes, of which %d were written: %w", FileSecretMaxBytes, read, written, err)
	}
	return err
}

// fileBufSize is File's copy buffer.
const fileBufSize = 32 << 10

// copyFile reads a file answer into w, stopping past FileSecretMaxBytes.
func copyFile(w io.Writer) reader {
	return func(_ http.Header, body *answer) error {
		if body.length > FileSecretMaxBytes {
			return fmt.Errorf("the file secret is larger than %d bytes (FileSecretMaxBytes): the server announced %d; "+
				"nothing was read: %w", FileSecretMaxBytes, body.length, &BodyTooLargeError{Limit: FileSecretMaxBytes})
		}
		buf := make([]byte, fileBufSize)
		var written int64
		for {
			n, err := body.Read(buf)
			if over := body.n - FileSecretMaxBytes; over > 0 {
				n -= int(over) // the byte past the limit is not written
			}
			if n > 0 {
				body.handedOut = true
				m, werr := w.Write(buf[:n])
				written += int64(m)
				if werr == nil && m < n {
					werr = io.ErrShortWrite
				}
				if werr != nil {
					return fmt.Errorf("writing the file after %d bytes: %w", written, werr)
				}
			}
			switch {
			case err == io.EOF:
				return nil
			case err != nil:
				return fileReadError(err, body.n, written)
			}
		}
	}
}
