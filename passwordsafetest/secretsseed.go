package passwordsafetest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Secrets Safe in a seed: safes, folders, and the secrets in them.

// The Secrets Safe permission levels of User.SecretsSafe; each holds the
// ones before it.
const (
	SecretsRead        = "Read"        // list and read secrets, folders and safes
	SecretsReadWrite   = "ReadWrite"   // create, update, share, move and delete secrets and folders
	SecretsManage      = "Manage"      // update safes
	SecretsFullControl = "FullControl" // create and delete safes
)

const (
	secretsNone = iota
	secretsRead
	secretsWrite
	secretsManage
	secretsFull
)

var secretsLevelNames = []string{"", SecretsRead, SecretsReadWrite, SecretsManage, SecretsFullControl}

// secretsLevel reads a level name (case-insensitive); -1 when unknown.
func secretsLevel(name string) int {
	for i, n := range secretsLevelNames {
		if strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

func secretsLevelName(level int) string { return secretsLevelNames[level] }

// mayUseSecrets reports whether u holds at least the Secrets Safe level.
func (u *user) mayUseSecrets(level int) bool { return u.admin || u.secrets >= level }

// Safe is a Secrets Safe safe: the top of a folder tree. Its name is the
// first part of the paths below it.
type Safe struct {
	ID          string `json:"id,omitempty"` // a GUID; "" draws the next one
	Name        string `json:"name"`         // required, unique (case-insensitive)
	Description string `json:"description,omitempty"`
	// Members are the user names who may use the safe. Empty: every user
	// with a Secrets Safe permission. Administrators always may.
	Members []string `json:"members,omitempty"`
}

// Folder is a Secrets Safe folder, named by its path: the safe, then the
// folders, joined by "/" ("prod/db"). A safe or a parent folder the seed
// does not list is created.
type Folder struct {
	ID          string `json:"id,omitempty"` // a GUID; "" draws the next one
	Path        string `json:"path"`         // required, unique (case-insensitive)
	Description string `json:"description,omitempty"`
}

// SafeSecret is a secret in Secrets Safe, named by its path: the folder's
// path and its title ("prod/db/url"). A folder the seed does not list is
// created. Unlike the API, a seed may hold two secrets of one title in one
// folder (to test what a client does then).
type SafeSecret struct {
	ID          string `json:"id,omitempty"`   // a GUID; "" draws the next one
	Path        string `json:"path"`           // required: folder path and title
	Type        string `json:"type,omitempty"` // Credential (default), Text or File
	Description string `json:"description,omitempty"`
	Username    string `json:"username,omitempty"` // Credential
	Password    string `json:"password,omitempty"` // Credential; "" draws a random one
	Text        string `json:"text,omitempty"`     // Text (required)
	FileName    string `json:"fileName,omitempty"` // File; default the title
	Content     []byte `json:"content,omitempty"`  // File (required; base64 in a seed file)
	Notes       string `json:"notes,omitempty"`
	Owner       string `json:"owner,omitempty"` // a user name; default admin, else the first user
}

// WithSafeSecret seeds a secret (its safe and folders are created when
// the seed does not list them):
//
//	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSafeSecret(passwordsafetest.SafeSecret{
//		Path: "prod/db/url", Type: "Text", Text: "postgres://app@db:5432/app"}))
func WithSafeSecret(s SafeSecret) ServerOption { return WithSeed(Seed{Secrets: []SafeSecret{s}}) }

// The default seed's Secrets Safe, with fixed IDs so that recordings and
// tests can name them.
const (
	SafeProdID      = "5afe0000-0000-4000-8000-000000000001" // safe "prod"
	SafeDevID       = "5afe0000-0000-4000-8000-000000000002" // safe "dev" (admin only)
	FolderProdDBID  = "f01de700-0000-4000-8000-000000000001" // prod/db
	FolderProdWebID = "f01de700-0000-4000-8000-000000000002" // prod/web
	FolderDevID     = "f01de700-0000-4000-8000-000000000003" // dev/sandbox
	SecretDBURLID   = "5ec7e700-0000-4000-8000-000000000001" // prod/db/url (Text)
	SecretDBUserID  = "5ec7e700-0000-4000-8000-000000000002" // prod/db/postgres (Credential)
	SecretDBCertID  = "5ec7e700-0000-4000-8000-000000000003" // prod/db/client-cert (File)
	SecretDevID     = "5ec7e700-0000-4000-8000-000000000004" // dev/sandbox/token (Text)
)

// DefaultSecretURL is the text of the default seed's prod/db/url.
const DefaultSecretURL = "postgres://app@db01.example.test:5432/app?sslmode=verify-full"

// DefaultSecretFile is the content of the default seed's
// prod/db/client-cert: 1 KiB holding every byte value, so that a client
// that reads a file secret as text shows it.
func DefaultSecretFile() []byte {
	b := make([]byte, 1024)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func defaultSafes() []Safe {
	return []Safe{
		{ID: SafeProdID, Name: "prod", Description: "Production"},
		{ID: SafeDevID, Name: "dev", Description: "Sandbox", Members: []string{"admin"}},
	}
}

func defaultFolders() []Folder {
	return []Folder{
		{ID: FolderProdDBID, Path: "prod/db", Description: "Database"},
		{ID: FolderProdWebID, Path: "prod/web"},
		{ID: FolderDevID, Path: "dev/sandbox"},
	}
}

func defaultSecrets() []SafeSecret {
	return []SafeSecret{
		{ID: SecretDBURLID, Path: "prod/db/url", Type: "Text", Text: DefaultSecretURL, Description: "Connection URL"},
		{ID: SecretDBUserID, Path: "prod/db/postgres", Username: "postgres", Description: "Database owner"},
		{ID: SecretDBCertID, Path: "prod/db/client-cert", Type: "File", FileName: "client.p12", Content: DefaultSecretFile()},
		{ID: SecretDevID, Path: "dev/sandbox/token", Type: "Text", Text: "dev-token-0b5e55ed"},
	}
}

// The fake's own Secrets Safe model.

// ssFolder is a safe (safe true, no parent) or a folder.
type ssFolder struct {
	id          string
	name        string
	description string
	safe        bool
	parent      *ssFolder // nil for a safe
	members     []*user   // a safe's members; nil: everyone with a permission
	owner       *user     // who created it
	userGroupID int
	created     time.Time
}

// root is the safe the folder is in.
func (f *ssFolder) root() *ssFolder {
	for f.parent != nil {
		f = f.parent
	}
	return f
}

// path is the safe's name and the folders', joined by "/".
func (f *ssFolder) path() string {
	if f.parent == nil {
		return f.name
	}
	return f.parent.path() + "/" + f.name
}

// within reports whether f is g or below it.
func (f *ssFolder) within(g *ssFolder) bool {
	for ; f != nil; f = f.parent {
		if f == g {
			return true
		}
	}
	return false
}

// ssOwner is an owner of a secret: a user, a group, or both.
type ssOwner struct{ groupID, userID int }

// ssSecret is a secret.
type ssSecret struct {
	id             string
	folder         *ssFolder
	typ            string // Credential, Text, File
	title          string
	description    string
	username       string
	password       string
	text           string
	fileName       string
	content        []byte
	notes          string
	urls           []urlJSON
	owners         []ssOwner
	passwordRuleID int
	created        time.Time
	modified       time.Time
	valueModified  time.Time
	createdBy      string
	modifiedBy     string
}

// ssShare is a shared reference to a secret in another folder.
type ssShare struct {
	id     string
	secret *ssSecret
	folder *ssFolder
}

// secretsSafe is the fake's Secrets Safe.
type secretsSafe struct {
	folders []*ssFolder // safes and folders, in creation order
	secrets []*ssSecret
	shares  []*ssShare
	next    map[string]int // GUIDs drawn per kind
}

// newID draws the next GUID of a kind: 5afe0000 safes, f01de700 folders,
// 5ec7e700 secrets, 5ba7e000 shares; numbered after the seeded ones, so
// recordings stay the same from one run to the next.
func (ss *secretsSafe) newID(prefix string) string {
	if ss.next == nil {
		ss.next = map[string]int{}
	}
	for {
		ss.next[prefix]++
		id := fmt.Sprintf("%s-0000-4000-8000-%012d", prefix, ss.next[prefix])
		if !ss.idUsed(id) {
			return id
		}
	}
}

func (ss *secretsSafe) idUsed(id string) bool {
	return slices.ContainsFunc(ss.folders, func(f *ssFolder) bool { return strings.EqualFold(f.id, id) }) ||
		slices.ContainsFunc(ss.secrets, func(s *ssSecret) bool { return strings.EqualFold(s.id, id) }) ||
		slices.ContainsFunc(ss.shares, func(s *ssShare) bool { return strings.EqualFold(s.id, id) })
}

const (
	prefixSafe   = "5afe0000"
	prefixFolder = "f01de700"
	prefixSecret = "5ec7e700"
	prefixShare  = "5ba7e000"
	prefixURL    = "0a110000"
)

// folderAt finds a safe (a path of one part) or a folder by path.
func (ss *secretsSafe) folderAt(path string) *ssFolder {
	for _, f := range ss.folders {
		if strings.EqualFold(f.path(), path) {
			return f
		}
	}
	return nil
}

// ensureFolder finds the folder at path, creating it and its parents.
func (ss *secretsSafe) ensureFolder(path string, owner *user, now time.Time) (*ssFolder, error) {
	if f := ss.folderAt(path); f != nil {
		return f, nil
	}
	parts := strings.Split(path, "/")
	if slices.Contains(parts, "") {
		return nil, fmt.Errorf("folder path %q has an empty part", path)
	}
	f := &ssFolder{name: parts[len(parts)-1], owner: owner, created: now, safe: len(parts) == 1}
	if !f.safe {
		parent, err := ss.ensureFolder(strings.Join(parts[:len(parts)-1], "/"), owner, now)
		if err != nil {
			return nil, err
		}
		f.parent = parent
		f.id = ss.newID(prefixFolder)
	} else {
		f.id = ss.newID(prefixSafe)
	}
	ss.folders = append(ss.folders, f)
	return f, nil
}

// loadSecretsSafe builds the Secrets Safe of the seed.
func (s *Server) loadSecretsSafe(seed Seed, now time.Time) error {
	ss := &s.ss
	claim := func(id, what string) (string, error) {
		if id == "" {
			return "", nil
		}
		if !isGUID(id) {
			return "", fmt.Errorf("seed: %s: ID %q is not a GUID", what, id)
		}
		if ss.idUsed(id) {
			return "", fmt.Errorf("seed: %s: ID %s is used twice", what, id)
		}
		return id, nil
	}
	owner := s.userByName("admin")
	if owner == nil && len(s.users) > 0 {
		owner = s.users[0]
	}
	for _, sf := range seed.Safes {
		where := fmt.Sprintf("safe %q", sf.Name)
		if strings.TrimSpace(sf.Name) == "" || strings.Contains(sf.Name, "/") {
			return fmt.Errorf("seed: %s needs a name without '/'", where)
		}
		if ss.folderAt(sf.Name) != nil {
			return fmt.Errorf("seed: %s is seeded twice", where)
		}
		id, err := claim(sf.ID, where)
		if err != nil {
			return err
		}
		f := &ssFolder{id: id, name: sf.Name, description: sf.Description, safe: true, owner: owner, created: now}
		for _, m := range sf.Members {
			u := s.userByName(m)
			if u == nil {
				return fmt.Errorf("seed: %s: member %q is not a seeded user", where, m)
			}
			f.members = append(f.members, u)
		}
		if f.id == "" {
			f.id = ss.newID(prefixSafe)
		}
		ss.folders = append(ss.folders, f)
	}
	for _, sf := range seed.Folders {
		where := fmt.Sprintf("folder %q", sf.Path)
		if !strings.Contains(sf.Path, "/") {
			return fmt.Errorf("seed: %s: a folder's path is its safe and its name, such as prod/db", where)
		}
		if ss.folderAt(sf.Path) != nil {
			return fmt.Errorf("seed: %s is seeded twice", where)
		}
		id, err := claim(sf.ID, where)
		if err != nil {
			return err
		}
		f, err := ss.ensureFolder(sf.Path, owner, now)
		if err != nil {
			return fmt.Errorf("seed: %s: %w", where, err)
		}
		if id != "" {
			f.id = id
		}
		f.description = sf.Description
	}
	for _, sc := range seed.Secrets {
		if err := s.loadSecret(sc, owner, claim, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) loadSecret(sc SafeSecret, owner *user, claim func(id, what string) (string, error), now time.Time) error {
	ss := &s.ss
	where := fmt.Sprintf("secret %q", sc.Path)
	i := strings.LastIndex(sc.Path, "/")
	if i <= 0 || i == len(sc.Path)-1 {
		return fmt.Errorf("seed: %s: a secret's path is its folder's (or safe's) path and its title, such as prod/db/url", where)
	}
	id, err := claim(sc.ID, where)
	if err != nil {
		return err
	}
	f, err := ss.ensureFolder(sc.Path[:i], owner, now)
	if err != nil {
		return fmt.Errorf("seed: %s: %w", where, err)
	}
	if sc.Owner != "" {
		if owner = s.userByName(sc.Owner); owner == nil {
			return fmt.Errorf("seed: %s: owner %q is not a seeded user", where, sc.Owner)
		}
	}
	sec := &ssSecret{id: id, folder: f, title: sc.Path[i+1:], description: sc.Description, notes: sc.Notes,
		created: now, modified: now, valueModified: now}
	if owner != nil {
		sec.owners, sec.createdBy, sec.modifiedBy = []ssOwner{{userID: owner.id}}, owner.userName, owner.userName
	}
	switch strings.ToLower(sc.Type) {
	case "", "credential":
		sec.typ, sec.username, sec.password = secretCredential, sc.Username, sc.Password
		if sec.password == "" {
			sec.password = newPassword()
		}
	case "text":
		if sc.Text == "" {
			return fmt.Errorf("seed: %s: a Text secret needs its text", where)
		}
		sec.typ, sec.text = secretText, sc.Text
	case "file":
		if len(sc.Content) == 0 || len(sc.Content) > maxFileSecret {
			return fmt.Errorf("seed: %s: a File secret needs 1 to %d bytes of content", where, maxFileSecret)
		}
		sec.typ, sec.fileName, sec.content = secretFile, sc.FileName, sc.Content
		if sec.fileName == "" {
			sec.fileName = sec.title
		}
	default:
		return fmt.Errorf("seed: %s: type %q is not Credential, Text or File", where, sc.Type)
	}
	if sec.id == "" {
		sec.id = ss.newID(prefixSecret)
	}
	ss.secrets = append(ss.secrets, sec)
	return nil
}

// What a test can read of Secrets Safe.

// SafeInfo is a test's view of a safe.
type SafeInfo struct {
	ID          string
	Name        string
	Description string
	Members     []string // user names; empty: everyone with a Secrets Safe permission
	Owner       string   // who created it
}

// FolderInfo is a test's view of a folder.
type FolderInfo struct {
	ID          string
	Path        string // the safe and the folders, joined by "/"
	Name        string
	Description string
	ParentID    string // the parent folder's or the safe's ID
	Owner       string // who created it
}

// SecretInfo is a test's view of a secret, value and content included.
type SecretInfo struct {
	ID             string
	Path           string // the folder's path and the title
	FolderID       string
	Type           string // Credential, Text or File
	Title          string
	Description    string
	Username       string
	Password       string
	Text           string
	FileName       string
	Content        []byte
	Notes          string
	Urls           []string
	Owners         []SecretOwnerInfo
	PasswordRuleID int
	CreatedBy      string
	ModifiedBy     string
	Shares         []string // the paths of the folders it is shared to
}

// SecretOwnerInfo is an owner of a secret: a group, a user, or both.
type SecretOwnerInfo struct{ GroupID, UserID int }

// Safes returns the safes, in the order they were made.
func (s *Server) Safes() []SafeInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SafeInfo
	for _, f := range s.ss.folders {
		if !f.safe {
			continue
		}
		si := SafeInfo{ID: f.id, Name: f.name, Description: f.description, Owner: userName(f.owner)}
		for _, m := range f.members {
			si.Members = append(si.Members, m.userName)
		}
		out = append(out, si)
	}
	return out
}

// Folders returns the folders (not the safes), in the order they were
// made.
func (s *Server) Folders() []FolderInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []FolderInfo
	for _, f := range s.ss.folders {
		if !f.safe {
			out = append(out, FolderInfo{ID: f.id, Path: f.path(), Name: f.name, Description: f.description,
				ParentID: f.parent.id, Owner: userName(f.owner)})
		}
	}
	return out
}

// Secrets returns every secret, in the order they were made, with their
// values and contents.
func (s *Server) Secrets() []SecretInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SecretInfo, 0, len(s.ss.secrets))
	for _, sec := range s.ss.secrets {
		si := SecretInfo{ID: sec.id, Path: sec.folder.path() + "/" + sec.title, FolderID: sec.folder.id, Type: sec.typ,
			Title: sec.title, Description: sec.description, Username: sec.username, Password: sec.password,
			Text: sec.text, FileName: sec.fileName, Content: slices.Clone(sec.content), Notes: sec.notes,
			PasswordRuleID: sec.passwordRuleID, CreatedBy: sec.createdBy, ModifiedBy: sec.modifiedBy}
		for _, u := range sec.urls {
			si.Urls = append(si.Urls, u.URL)
		}
		for _, o := range sec.owners {
			si.Owners = append(si.Owners, SecretOwnerInfo{GroupID: o.groupID, UserID: o.userID})
		}
		for _, sh := range s.ss.shares {
			if sh.secret == sec {
				si.Shares = append(si.Shares, sh.folder.path())
			}
		}
		out = append(out, si)
	}
	return out
}

// StoredSecret returns the secret at path (folder path and title,
// case-insensitive), or ok false.
func (s *Server) StoredSecret(path string) (SecretInfo, bool) {
	for _, si := range s.Secrets() {
		if strings.EqualFold(si.Path, path) {
			return si, true
		}
	}
	return SecretInfo{}, false
}

func userName(u *user) string {
	if u == nil {
		return ""
	}
	return u.userName
}
