package passwordsafetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Secrets Safe secrets. The reference pages ("Get all secrets", "Create
// credential secret", ... under
// https://docs.beyondtrust.com/bips/reference/) give the routes, the
// limits, the 3.0/3.1/3.2 owner and list shapes and the permissions; where
// they are silent, each handler says what the fake chose.

const (
	secretCredential = "Credential"
	secretText       = "Text"
	secretFile       = "File"

	maxFileSecret = 5_000_000 // bytes; the reference's "Max file size is 5 MB"
)

// urlJSON is a URL of a secret.
type urlJSON struct {
	ID           string `json:"Id"`
	CredentialID string `json:"CredentialId"`
	URL          string `json:"Url"`
}

// secretJSON is a secret as the server writes it. The 3.0 owner fields
// (OwnerId, OwnerType, Owner) are left out from 3.1, SecretValueModifiedOn
// before 3.2.
type secretJSON struct {
	ID                    string `json:"Id"`
	Title                 string
	Description           *string
	FolderID              string `json:"FolderId"`
	FolderPath            string
	SecretType            string
	Username              *string
	Password              *string
	Text                  *string
	FileName              *string
	Notes                 *string
	Urls                  []urlJSON
	OwnerID               *int    `json:"OwnerId,omitempty"`
	OwnerType             *string `json:",omitempty"`
	Owner                 *string `json:",omitempty"`
	Owners                any
	PasswordRuleID        *int
	CreatedOn             *string
	CreatedBy             string
	ModifiedOn            *string
	ModifiedBy            string
	SecretValueModifiedOn *string `json:",omitempty"`
}

// owner30JSON is an owner in API 3.0.
type owner30JSON struct {
	OwnerID int `json:"OwnerId"`
	Owner   string
	Email   *string
}

// owner31JSON is an owner from API 3.1.
type owner31JSON struct {
	GroupID *int `json:"GroupId"`
	UserID  *int `json:"UserId"`
	Name    *string
	Email   *string
}

// The value a secret's JSON carries.
const (
	valueNone     = iota
	valueInPass   // Password holds the credential's password or the text (GET Secrets, GET Secrets/{id})
	valueTextOnly // Text holds the text (GET Secrets/{id}/text)
)

func (s *Server) secretJSON(c *call, sec *ssSecret, value int) secretJSON {
	out := secretJSON{
		ID: sec.id, Title: sec.title, Description: nullString(sec.description), FolderID: sec.folder.id,
		FolderPath: sec.folder.path(), SecretType: sec.typ, Notes: nullString(sec.notes), Urls: sec.urls,
		PasswordRuleID: nullInt(sec.passwordRuleID), CreatedOn: date(sec.created, dateLayoutSessions),
		CreatedBy: sec.createdBy, ModifiedOn: date(sec.modified, dateLayoutSessions), ModifiedBy: sec.modifiedBy,
	}
	switch sec.typ {
	case secretCredential:
		out.Username = &sec.username
		if value == valueInPass {
			out.Password = &sec.password
		}
	case secretText:
		switch value {
		case valueInPass:
			out.Password = &sec.text
		case valueTextOnly:
			out.Text = &sec.text
		}
	case secretFile:
		out.FileName = &sec.fileName
	}
	if c.atLeast("3.2") {
		out.SecretValueModifiedOn = date(sec.valueModified, dateLayoutSessions)
	}
	if c.atLeast("3.1") {
		owners := make([]owner31JSON, 0, len(sec.owners))
		for _, o := range sec.owners {
			oj := owner31JSON{GroupID: nullInt(o.groupID), UserID: nullInt(o.userID)}
			if u := s.userByID(o.userID); u != nil {
				oj.Name, oj.Email = &u.name, &u.email
			}
			owners = append(owners, oj)
		}
		out.Owners = owners
		return out
	}
	owners := []owner30JSON{}
	typ := "User"
	for _, o := range sec.owners {
		if o.userID == 0 {
			typ = "Group"
			continue
		}
		oj := owner30JSON{OwnerID: o.userID}
		if u := s.userByID(o.userID); u != nil {
			oj.Owner, oj.Email = u.userName, &u.email
		}
		owners = append(owners, oj)
	}
	out.Owners = owners
	if len(sec.owners) > 0 {
		first := sec.owners[0]
		id, name := first.userID, ""
		if typ == "Group" {
			id = first.groupID
		} else if len(owners) > 0 {
			name = owners[0].Owner
		}
		out.OwnerID, out.OwnerType, out.Owner = &id, &typ, nullString(name)
	}
	return out
}

// Permission and visibility.

var secretsLevelWords = []string{"", "Read", "Read/Write", "Manage", "Full control"}

// needSecrets answers 403 unless the caller holds the Secrets Safe level.
func needSecrets(c *call, level int) (reply, bool) {
	if c.user.mayUseSecrets(level) {
		return reply{}, true
	}
	return errorReply(http.StatusForbidden, "User does not have permission to do this: it needs Secrets Safe ("+
		secretsLevelWords[level]+")."), false
}

// sees reports whether u may use what is in f: an administrator, or a user
// with a Secrets Safe permission who is a member of its safe (every such
// user when the safe names none).
func sees(u *user, f *ssFolder) bool {
	if u.admin {
		return true
	}
	if u.secrets == secretsNone {
		return false
	}
	members := f.root().members
	return members == nil || containsUser(members, u)
}

func containsUser(us []*user, u *user) bool {
	for _, m := range us {
		if m == u {
			return true
		}
	}
	return false
}

// secretParam finds the secret the path names (parameter i), as the
// caller may see it: 404 otherwise, as for a secret that does not exist.
func (s *Server) secretParam(c *call, i int) (*ssSecret, reply, bool) {
	return s.secretByID(c, c.params[i])
}

func (s *Server) secretByID(c *call, id string) (*ssSecret, reply, bool) {
	for _, sec := range s.ss.secrets {
		if strings.EqualFold(sec.id, id) && sees(c.user, sec.folder) {
			return sec, reply{}, true
		}
	}
	return nil, notFound("Secret " + id + " was not found."), false
}

// folderParam finds the folder (or safe) the path names, as secretParam.
func (s *Server) folderParam(c *call, i int) (*ssFolder, reply, bool) {
	if f := s.visibleFolder(c, c.params[i]); f != nil {
		return f, reply{}, true
	}
	return nil, notFound("Folder " + c.params[i] + " was not found."), false
}

// Reading secrets.

// listSecrets answers the secrets the caller may see, filtered: path is a
// folder path (joined by separator, "/" by default) and matches that folder
// and those below it; title matches titles that contain it; both without
// regard to case. The reference does not say how either matches: the fake
// reads them loosely, so a client that must have one secret checks what it
// gets (SecretsService.Find does). afterdate keeps the secrets changed
// after it. decrypt=false leaves the values out; without it they are in
// (servers before the parameter always sent them). A Text secret's value is
// in Password here, where the vendor's clients read it. 200 [] when nothing
// matches; from API 3.2 the list is wrapped as {"TotalCount", "Data"}.
//
// API: GET Secrets-Safe/Secrets?path=&title=&separator=&afterdate=&limit=&offset=&decrypt=
// Reference: "Get all secrets",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets
func (s *Server) listSecrets(c *call) reply {
	if rep, ok := needSecrets(c, secretsRead); !ok {
		return rep
	}
	sep, _ := c.query("separator")
	if sep == "" {
		sep = "/"
	}
	if utf8.RuneCountInString(sep) != 1 {
		return badRequest("separator must be one character.")
	}
	path, _ := c.query("path")
	path = strings.Trim(strings.ReplaceAll(path, sep, "/"), "/")
	title, _ := c.query("title")
	if utf8.RuneCountInString(path) > 1798 || utf8.RuneCountInString(title) > 256 {
		return badRequest("path must be at most 1798 characters and title at most 256.")
	}
	var after time.Time
	if v, ok := c.query("afterdate"); ok && v != "" {
		t, err := parseQueryTime(v)
		if err != nil {
			return badRequest("afterdate must be a date and time.")
		}
		after = t
	}
	value := valueInPass
	if v, ok := c.query("decrypt"); ok {
		switch strings.ToLower(v) {
		case "true":
		case "false":
			value = valueNone
		default:
			return badRequest("decrypt must be true or false.")
		}
	}
	limit, offset, rep, ok := pageParams(c)
	if !ok {
		return rep
	}
	var found []*ssSecret
	for _, sec := range s.ss.secrets {
		fp := sec.folder.path()
		switch {
		case !sees(c.user, sec.folder),
			path != "" && !strings.EqualFold(fp, path) && !hasPrefixFold(fp, path+"/"),
			title != "" && !strings.Contains(strings.ToLower(sec.title), strings.ToLower(title)),
			!after.IsZero() && !sec.modified.After(after):
			continue
		}
		found = append(found, sec)
	}
	return s.secretList(c, found, limit, offset, value)
}

// secretList answers a page of secrets: a bare list, or from API 3.2 the
// {TotalCount, Data} wrapper.
func (s *Server) secretList(c *call, found []*ssSecret, limit, offset, value int) reply {
	total := len(found)
	found = found[min(offset, total):min(offset+limit, total)]
	out := make([]secretJSON, 0, len(found))
	for _, sec := range found {
		out = append(out, s.secretJSON(c, sec, value))
	}
	if c.atLeast("3.2") {
		return jsonReply(http.StatusOK, pagedJSON{TotalCount: total, Data: out})
	}
	return jsonReply(http.StatusOK, out)
}

// pageParams reads limit (default 1000) and offset.
func pageParams(c *call) (limit, offset int, rep reply, ok bool) {
	limit, msg := intParam(c, "limit", 1)
	if msg == "" {
		offset, msg = intParam(c, "offset", 0)
	}
	if msg != "" {
		return 0, 0, badRequest(msg), false
	}
	if limit == 0 {
		limit = 1000
	}
	return limit, offset, reply{}, true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseQueryTime reads a date and time as clients send one.
func parseQueryTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", v)
}

// showSecret answers a secret by ID: GET Secrets/{id} any type, its
// value in Password (a Text secret's too, as GET Secrets writes it); GET
// Secrets/{id}/text a Text secret, its text in Text; GET Secrets/{id}/file
// a File secret's metadata (FileName, no content). Another type answers
// 400 on the typed routes.
//
// API: GET Secrets-Safe/Secrets/{secretId}, .../text, .../file
// Reference: "Get credential secret by ID", "Get text secret by ID", "Get
// file secret by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid
func (s *Server) showSecret(typ string, value int) func(*call) reply {
	return func(c *call) reply {
		sec, rep, ok := s.typedSecret(c, secretsRead, typ)
		if !ok {
			return rep
		}
		return jsonReply(http.StatusOK, s.secretJSON(c, sec, value))
	}
}

// downloadFileSecret answers a File secret's content, byte for byte, as
// an attachment (application/octet-stream, Content-Disposition with the
// file name); another type answers 400.
//
// API: GET Secrets-Safe/Secrets/{secretId}/file/download
// Reference: "Get secret file content by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid-file-download
func (s *Server) downloadFileSecret(c *call) reply {
	sec, rep, ok := s.typedSecret(c, secretsRead, secretFile)
	if !ok {
		return rep
	}
	out := reply{status: http.StatusOK, body: bytes.Clone(sec.content)}
	out.header().Set("Content-Type", "application/octet-stream")
	out.header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": sec.fileName}))
	return out
}

// typedSecret finds the secret of the path, of the type the route serves
// ("" any).
func (s *Server) typedSecret(c *call, level int, typ string) (*ssSecret, reply, bool) {
	if rep, ok := needSecrets(c, level); !ok {
		return nil, rep, false
	}
	sec, rep, ok := s.secretParam(c, 0)
	if !ok {
		return nil, rep, false
	}
	if typ != "" && sec.typ != typ {
		return nil, badRequest("Secret " + sec.id + " is a " + sec.typ + " secret, not a " + typ + " secret."), false
	}
	return sec, reply{}, true
}

// folderSecrets answers the secrets in a folder, as GET Secrets writes
// them (3.2: wrapped).
//
// API: GET Secrets-Safe/Folders/{folderId}/secrets
// Reference: "Get all secrets by folder ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-folders-folderid-secrets
func (s *Server) folderSecrets(c *call) reply {
	if rep, ok := needSecrets(c, secretsRead); !ok {
		return rep
	}
	f, rep, ok := s.folderParam(c, 0)
	if !ok {
		return rep
	}
	var found []*ssSecret
	for _, sec := range s.ss.secrets {
		if sec.folder == f {
			found = append(found, sec)
		}
	}
	return s.secretList(c, found, math.MaxInt32, 0, valueInPass)
}

// Writing secrets.

// secretIn is a secret as a create or update call sends it.
type secretIn struct {
	Title          *string
	Description    *string
	Username       *string
	Password       *string
	PasswordRuleID *int
	Text           *string
	FileName       *string
	OwnerID        *int    `json:"OwnerId"`
	OwnerType      *string `json:"OwnerType"`
	Owners         []struct {
		OwnerID *int `json:"OwnerId"`
		GroupID *int `json:"GroupId"`
		UserID  *int `json:"UserId"`
	}
	Notes *string
	Urls  []urlJSON
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// check applies the reference's limits to the fields every type has, and
// reads the owners in the shape of the call's API version.
func (s *Server) checkSecretIn(c *call, in *secretIn) ([]ssOwner, string) {
	runes := utf8.RuneCountInString
	switch {
	case runes(str(in.Title)) < 1 || runes(str(in.Title)) > 256:
		return nil, "Title is required and must be 1 to 256 characters."
	case runes(str(in.Description)) > 256:
		return nil, "Description must be at most 256 characters."
	case runes(str(in.Notes)) > 4000:
		return nil, "Notes must be at most 4000 characters."
	}
	for _, u := range in.Urls {
		if runes(u.URL) > 2048 {
			return nil, "A URL must be at most 2048 characters."
		}
	}
	return s.readOwners(c, in)
}

// readOwners reads the owners: from API 3.1 Owners of GroupId and/or
// UserId; in 3.0 OwnerType "Group" with OwnerId (the group), or "User" with
// Owners of OwnerId. The shape of the other version is refused (400), so a
// client sending the wrong one finds out. None means the caller.
func (s *Server) readOwners(c *call, in *secretIn) ([]ssOwner, string) {
	inRange := func(p *int) bool { return p == nil || *p >= 1 && *p <= math.MaxInt32 }
	var out []ssOwner
	if c.atLeast("3.1") {
		if in.OwnerID != nil || in.OwnerType != nil {
			return nil, "OwnerId and OwnerType are API 3.0: from version 3.1 send Owners with GroupId or UserId."
		}
		for _, o := range in.Owners {
			if o.OwnerID != nil || o.GroupID == nil && o.UserID == nil || !inRange(o.GroupID) || !inRange(o.UserID) {
				return nil, "Each owner needs a GroupId or a UserId from 1 to 2147483647."
			}
			owner := ssOwner{}
			if o.GroupID != nil {
				owner.groupID = *o.GroupID
			}
			if o.UserID != nil {
				owner.userID = *o.UserID
			}
			out = append(out, owner)
		}
	} else {
		switch t := strings.ToLower(str(in.OwnerType)); {
		case in.OwnerType == nil && in.OwnerID == nil && len(in.Owners) == 0:
		case t == "group" && in.OwnerID != nil && inRange(in.OwnerID) && len(in.Owners) == 0:
			out = append(out, ssOwner{groupID: *in.OwnerID})
		case t == "user" && len(in.Owners) > 0:
			for _, o := range in.Owners {
				if o.GroupID != nil || o.UserID != nil || o.OwnerID == nil || !inRange(o.OwnerID) {
					return nil, "API 3.0 owners are OwnerId (a user ID); GroupId and UserId are version 3.1."
				}
				out = append(out, ssOwner{userID: *o.OwnerID})
			}
		default:
			return nil, `When OwnerType is "User", a list of Owners is required; when "Group", the OwnerId (the group's ID).`
		}
	}
	for _, o := range out {
		if o.userID != 0 && s.userByID(o.userID) == nil {
			return nil, "Owner user " + strconv.Itoa(o.userID) + " does not exist."
		}
	}
	if len(out) == 0 {
		out = []ssOwner{{userID: c.user.id}}
	}
	return out, ""
}

// titleTaken reports another secret (or share) of the title in f.
func (s *Server) titleTaken(f *ssFolder, title string, except *ssSecret) bool {
	for _, sec := range s.ss.secrets {
		if sec.folder == f && sec != except && strings.EqualFold(sec.title, title) {
			return true
		}
	}
	for _, sh := range s.ss.shares {
		if sh.folder == f && sh.secret != except && strings.EqualFold(sh.secret.title, title) {
			return true
		}
	}
	return false
}

// fillSecret checks a create or update of the type and sets sec's fields;
// self is the secret in the fake (sec may be a copy of it). It answers the
// 400 or 409 message, or "".
func (s *Server) fillSecret(c *call, sec, self *ssSecret, in *secretIn, typ string, content []byte) (int, string) {
	owners, msg := s.checkSecretIn(c, in)
	if msg != "" {
		return http.StatusBadRequest, msg
	}
	runes := utf8.RuneCountInString
	switch typ {
	case secretCredential:
		rule := 0
		if in.PasswordRuleID != nil {
			rule = *in.PasswordRuleID
		}
		switch {
		case in.Username == nil || runes(*in.Username) > 256:
			return http.StatusBadRequest, "Username is required and must be at most 256 characters."
		case str(in.Password) == "" && rule == 0:
			return http.StatusBadRequest, "Either a Password or a PasswordRuleID is required."
		case runes(str(in.Password)) > 256:
			return http.StatusBadRequest, "Password must be at most 256 characters."
		case rule < 0 || rule > 32767:
			return http.StatusBadRequest, "PasswordRuleID must be 0 to 32767."
		}
	case secretText:
		if n := runes(str(in.Text)); n < 1 || n > 4096 {
			return http.StatusBadRequest, "Text is required and must be 1 to 4096 characters."
		}
	case secretFile:
		switch {
		case runes(str(in.FileName)) < 1 || runes(str(in.FileName)) > 256:
			return http.StatusBadRequest, "FileName is required and must be 1 to 256 characters."
		case len(content) == 0:
			return http.StatusBadRequest, "The file is empty: its size must be greater than 0."
		case len(content) > maxFileSecret:
			return http.StatusBadRequest, "Max file size is 5 MB."
		}
	}
	if s.titleTaken(sec.folder, *in.Title, self) {
		return http.StatusConflict, "A secret titled " + strconv.Quote(*in.Title) + " already exists in " + sec.folder.path() + "."
	}
	oldValue := sec.password + sec.text + string(sec.content)
	sec.typ, sec.title, sec.description, sec.notes, sec.urls, sec.owners = typ, *in.Title, str(in.Description), str(in.Notes), in.Urls, owners
	for i := range sec.urls {
		if sec.urls[i].ID == "" {
			sec.urls[i].ID = s.ss.newID(prefixURL)
		}
		sec.urls[i].CredentialID = sec.id
	}
	switch typ {
	case secretCredential:
		sec.username, sec.password, sec.passwordRuleID = *in.Username, str(in.Password), 0
		if sec.password == "" {
			sec.password, sec.passwordRuleID = newPassword(), *in.PasswordRuleID
		}
	case secretText:
		sec.text = *in.Text
	case secretFile:
		sec.fileName, sec.content = *in.FileName, content
	}
	if sec.created.IsZero() {
		sec.created, sec.createdBy = c.now, c.user.userName
	}
	if oldValue != sec.password+sec.text+string(sec.content) {
		sec.valueModified = c.now
	}
	sec.modified, sec.modifiedBy = c.now, c.user.userName
	return 0, ""
}

// createSecret creates a secret of the route's type in a folder or a
// safe: 201 with the secret, its value in Password (a password drawn from
// a PasswordRuleID included); 409 when the folder already holds the title
// (the reference's move calls handle duplicate names, so titles are unique
// in a folder; the fake compares them without regard to case). A File
// secret is multipart/form-data: the JSON part secretmetadata and the part
// file (a missing part answers the reference's 400).
//
// API: POST Secrets-Safe/Folders/{folderId}/secrets, .../secrets/text, .../secrets/file
// Reference: "Create credential secret", "Create text secret", "Create
// file secret",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-folders-folderid-secrets
func (s *Server) createSecret(typ string) func(*call) reply {
	return func(c *call) reply {
		if rep, ok := needSecrets(c, secretsWrite); !ok {
			return rep
		}
		f, rep, ok := s.folderParam(c, 0)
		if !ok {
			return rep
		}
		in, content, rep, ok := readSecretIn(c, typ)
		if !ok {
			return rep
		}
		sec := &ssSecret{id: s.ss.newID(prefixSecret), folder: f}
		if status, msg := s.fillSecret(c, sec, sec, in, typ, content); status != 0 {
			return errorReply(status, msg)
		}
		s.ss.secrets = append(s.ss.secrets, sec)
		return jsonReply(http.StatusCreated, s.secretJSON(c, sec, valueInPass))
	}
}

// updateSecret replaces a secret's fields (the route's type only: another
// answers 400): 204. The owners stay when none are sent.
//
// API: PUT Secrets-Safe/Secrets/{secretId}, .../text, .../file
// Reference: "Update credential secret", "Update text secret", "Update
// file secret",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-secrets-secretid
func (s *Server) updateSecret(typ string) func(*call) reply {
	return func(c *call) reply {
		sec, rep, ok := s.typedSecret(c, secretsWrite, typ)
		if !ok {
			return rep
		}
		in, content, rep, ok := readSecretIn(c, typ)
		if !ok {
			return rep
		}
		owners := sec.owners
		kept := *sec
		if status, msg := s.fillSecret(c, &kept, sec, in, typ, content); status != 0 {
			return errorReply(status, msg)
		}
		if len(in.Owners) == 0 && in.OwnerID == nil {
			kept.owners = owners
		}
		*sec = kept
		return noContent()
	}
}

// readSecretIn reads a create or update body: JSON, or for a File secret
// the multipart parts secretmetadata and file.
func readSecretIn(c *call, typ string) (*secretIn, []byte, reply, bool) {
	in := &secretIn{}
	if typ != secretFile {
		if rep, ok := decodeBody(c, in, false); !ok {
			return nil, nil, rep, false
		}
		return in, nil, reply{}, true
	}
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, errorReply(http.StatusUnsupportedMediaType, "Expects multipart/form-data with the parts secretmetadata and file."), false
	}
	var meta, content []byte
	var hasMeta, hasFile bool
	var partName string
	mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, badRequest("The multipart body does not read: " + err.Error()), false
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFileSecret+1))
		if err != nil {
			return nil, nil, badRequest("The multipart body does not read: " + err.Error()), false
		}
		switch p.FormName() {
		case "secretmetadata":
			meta, hasMeta = b, true
		case "file":
			content, hasFile, partName = b, true, p.FileName()
		}
	}
	if !hasMeta || !hasFile {
		return nil, nil, badRequest(fmt.Sprintf("The multipart Request is missing parts: key:'form-data'=%s, key:'secretmetadata'=%s",
			pyBool(hasFile), pyBool(hasMeta))), false
	}
	if err := json.Unmarshal(meta, in); err != nil {
		return nil, nil, badRequest(msgBodyNotJSON + " " + err.Error()), false
	}
	if in.FileName == nil && partName != "" {
		in.FileName = &partName
	}
	return in, content, reply{}, true
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// deleteSecret deletes a secret and its shares: 204.
//
// API: DELETE Secrets-Safe/Secrets/{secretId}
// Reference: "Delete secret",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-secrets-secretid
func (s *Server) deleteSecret(c *call) reply {
	if rep, ok := needSecrets(c, secretsWrite); !ok {
		return rep
	}
	sec, rep, ok := s.secretParam(c, 0)
	if !ok {
		return rep
	}
	s.removeSecrets(func(x *ssSecret) bool { return x == sec })
	return noContent()
}

// removeSecrets deletes the secrets gone says, with their shares.
func (s *Server) removeSecrets(gone func(*ssSecret) bool) {
	s.ss.secrets = slices.DeleteFunc(s.ss.secrets, gone)
	s.removeShares(func(sh *ssShare) bool { return gone(sh.secret) })
}

func (s *Server) removeShares(gone func(*ssShare) bool) {
	s.ss.shares = slices.DeleteFunc(s.ss.shares, gone)
}

// Shares and moves.

// shareJSON is a shared reference as the fake writes it: the reference
// shows no schema for shares.
type shareJSON struct {
	ID         string `json:"Id"`
	SecretID   string `json:"SecretId"`
	FolderID   string `json:"FolderId"`
	FolderPath string
}

func shareOut(sh *ssShare) shareJSON {
	return shareJSON{ID: sh.id, SecretID: sh.secret.id, FolderID: sh.folder.id, FolderPath: sh.folder.path()}
}

// listShares answers a secret's shared references.
//
// API: GET Secrets-Safe/Secrets/{secretId}/shares
// Reference: "Get all shares of secret",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-secrets-secretid-shares
func (s *Server) listShares(c *call) reply {
	if rep, ok := needSecrets(c, secretsRead); !ok {
		return rep
	}
	sec, rep, ok := s.secretParam(c, 0)
	if !ok {
		return rep
	}
	out := []shareJSON{}
	for _, sh := range s.ss.shares {
		if sh.secret == sec {
			out = append(out, shareOut(sh))
		}
	}
	return jsonReply(http.StatusOK, out)
}

// shareSecret puts a shared reference to a secret in a folder: 201 with
// the share; 409 when the folder holds the secret or its title already.
//
// API: POST Secrets-Safe/Secrets/{secretId}/shares/{folderId}
// Reference: "Share secret to folder by ID",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-secrets-secretid-shares-folderid
func (s *Server) shareSecret(c *call) reply {
	if rep, ok := needSecrets(c, secretsWrite); !ok {
		return rep
	}
	sec, rep, ok := s.secretParam(c, 0)
	if !ok {
		return rep
	}
	f, rep, ok := s.folderParam(c, 1)
	if !ok {
		return rep
	}
	if f == sec.folder || s.titleTaken(f, sec.title, nil) {
		return errorReply(http.StatusConflict, "The folder "+f.path()+" already holds a secret titled "+strconv.Quote(sec.title)+".")
	}
	sh := &ssShare{id: s.ss.newID(prefixShare), secret: sec, folder: f}
	s.ss.shares = append(s.ss.shares, sh)
	return jsonReply(http.StatusCreated, shareOut(sh))
}

// unshareSecret removes a secret's shared reference from a folder: 204;
// 404 when there is none.
//
// API: DELETE Secrets-Safe/Secrets/{secretId}/shares/{folderId}
// Reference: "Delete share",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-secrets-secretid-shares-folderid
func (s *Server) unshareSecret(c *call) reply {
	if rep, ok := needSecrets(c, secretsWrite); !ok {
		return rep
	}
	sec, rep, ok := s.secretParam(c, 0)
	if !ok {
		return rep
	}
	n := len(s.ss.shares)
	s.removeShares(func(sh *ssShare) bool { return sh.secret == sec && strings.EqualFold(sh.folder.id, c.params[1]) })
	if len(s.ss.shares) == n {
		return notFound("Secret " + sec.id + " is not shared to folder " + c.params[1] + ".")
	}
	return noContent()
}

// unshareAll removes every shared reference of a secret: 204.
//
// API: DELETE Secrets-Safe/Secrets/{secretId}/shares
// Reference: "Delete all shares of secret",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-secrets-secretid-shares
func (s *Server) unshareAll(c *call) reply {
	if rep, ok := needSecrets(c, secretsWrite); !ok {
		return rep
	}
	sec, rep, ok := s.secretParam(c, 0)
	if !ok {
		return rep
	}
	s.removeShares(func(sh *ssShare) bool { return sh.secret == sec })
	return noContent()
}

// moveIn is the body of the move calls.
type moveIn struct {
	SecretIDs           []string `json:"SecretIds"`
	ShareIDs            []string `json:"ShareIds"`
	DestinationFolderID string   `json:"DestinationFolderId"`
	DuplicateNameAction string
}

// moveOut is what the fake answers a secrets move: the reference shows no
// schema, so these are the fake's own: what moved, what was renamed
// (IDs), what was skipped.
type moveOut struct {
	Moved   []string
	Renamed []string
	Skipped []string
}

// readMove reads a move body, its destination and its duplicate action.
func (s *Server) readMove(c *call) (*moveIn, *ssFolder, string, reply, bool) {
	in := &moveIn{}
	if rep, ok := decodeBody(c, in, false); !ok {
		return nil, nil, "", rep, false
	}
	action := strings.ToLower(in.DuplicateNameAction)
	if action != "stop" && action != "rename" && action != "skip" {
		return nil, nil, "", badRequest("DuplicateNameAction must be Stop, Rename or Skip."), false
	}
	if !isGUID(in.DestinationFolderID) {
		return nil, nil, "", badRequest("DestinationFolderId must be a GUID."), false
	}
	dest := s.visibleFolder(c, in.DestinationFolderID)
	if dest == nil {
		return nil, nil, "", notFound("Folder " + in.DestinationFolderID + " was not found."), false
	}
	return in, dest, action, reply{}, true
}

func (s *Server) visibleFolder(c *call, id string) *ssFolder {
	for _, f := range s.ss.folders {
		if strings.EqualFold(f.id, id) && sees(c.user, f) {
			return f
		}
	}
	return nil
}

// freeTitle is title, or title (n) for the first n free in f.
func (s *Server) freeTitle(f *ssFolder, title string, sec *ssSecret) string {
	name := title
	for n := 1; s.titleTaken(f, name, sec); n++ {
		name = title + " (" + strconv.Itoa(n) + ")"
	}
	return name
}

// moveSecrets moves secrets and shares to a folder, in the order given:
// a duplicate title there stops the move (Stop: 409, what moved before it
// stays moved), takes the next free "title (n)" (Rename) or is left where
// it is (Skip). 200 with the fake's own report (moveOut); unknown IDs 404,
// more than 200 of either 400.
//
// API: PUT Secrets-Safe/Secrets/move
// Reference: "Move secrets and shares to folder",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-secrets-move
func (s *Server) moveSecrets(c *call) reply {
	if rep, ok := needSecrets(c, secretsWrite); !ok {
		return rep
	}
	in, dest, action, rep, ok := s.readMove(c)
	if !ok {
		return rep
	}
	if len(in.SecretIDs) > 200 || len(in.ShareIDs) > 200 || len(in.SecretIDs)+len(in.ShareIDs) == 0 {
		return badRequest("SecretIds and ShareIds hold 0 to 200 IDs each, and at least one in all.")
	}
	out := moveOut{Moved: []string{}, Renamed: []string{}, Skipped: []string{}}
	for _, id := range in.SecretIDs {
		sec, rep, ok := s.secretByID(c, id)
		if !ok {
			return rep
		}
		if sec.folder == dest {
			continue
		}
		if s.titleTaken(dest, sec.title, sec) {
			switch action {
			case "stop":
				return errorReply(http.StatusConflict, "The folder "+dest.path()+" already holds a secret titled "+strconv.Quote(sec.title)+".")
			case "skip":
				out.Skipped = append(out.Skipped, sec.id)
				continue
			}
			sec.title = s.freeTitle(dest, sec.title, sec)
			out.Renamed = append(out.Renamed, sec.id)
		}
		sec.folder, sec.modified, sec.modifiedBy = dest, c.now, c.user.userName
		out.Moved = append(out.Moved, sec.id)
	}
	for _, id := range in.ShareIDs {
		var sh *ssShare
		for _, x := range s.ss.shares {
			if strings.EqualFold(x.id, id) && sees(c.user, x.folder) {
				sh = x
			}
		}
		if sh == nil {
			return notFound("Share " + id + " was not found.")
		}
		if s.titleTaken(dest, sh.secret.title, sh.secret) || dest == sh.secret.folder {
			if action == "stop" {
				return errorReply(http.StatusConflict, "The folder "+dest.path()+" already holds a secret titled "+strconv.Quote(sh.secret.title)+".")
			}
			out.Skipped = append(out.Skipped, sh.id)
			continue
		}
		sh.folder = dest
		out.Moved = append(out.Moved, sh.id)
	}
	return jsonReply(http.StatusOK, out)
}
