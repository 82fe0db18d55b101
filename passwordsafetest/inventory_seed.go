package passwordsafetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The inventory the fake serves beside its systems and accounts:
// workgroups, assets, databases, platforms, functional accounts, Smart
// Rules, user groups and the accounts' TOTP secrets. Each is seeded from
// Go values or the JSON seed (the Seed fields of the same names), and
// combines with the default seed as the package documentation says.

// DefaultOrganizationID is the organization of workgroups seeded without
// one.
const DefaultOrganizationID = "a7c9e2b4-1d3f-4e5a-9b8c-0d1e2f3a4b5c"

// DefaultWorkgroup is the workgroup of systems and assets seeded without
// one.
const DefaultWorkgroup = "BeyondTrust Workgroup"

// Workgroup is a group of assets. Systems and assets name theirs; a name
// no workgroup seeds is created.
type Workgroup struct {
	ID             int    `json:"id,omitempty"`             // 0: the next free ID
	Name           string `json:"name"`                     // required, unique (case-insensitive)
	OrganizationID string `json:"organizationId,omitempty"` // default DefaultOrganizationID
}

// Asset is a host in a workgroup. Every managed system of type "system",
// "domainlinked" or "application" is on the asset of its name, created
// (with the system's ID when it is free) unless the seed lists it.
type Asset struct {
	ID              int    `json:"id,omitempty"`        // 0: the next free ID
	Name            string `json:"name"`                // required, unique (case-insensitive)
	Workgroup       string `json:"workgroup,omitempty"` // default DefaultWorkgroup
	IPAddress       string `json:"ipAddress,omitempty"` // default 10.30.0.<ID>
	DNSName         string `json:"dnsName,omitempty"`   // default <name>.example.test
	DomainName      string `json:"domainName,omitempty"`
	MacAddress      string `json:"macAddress,omitempty"`
	AssetType       string `json:"assetType,omitempty"` // default "Server"
	OperatingSystem string `json:"operatingSystem,omitempty"`
	Description     string `json:"description,omitempty"`
}

// Database is a database instance on an asset. System, when set, names
// the managed system (of type "database") that manages it.
type Database struct {
	ID         int    `json:"id,omitempty"`         // 0: the next free ID
	Asset      string `json:"asset"`                // required: a seeded asset or a system's
	PlatformID int    `json:"platformId,omitempty"` // default 20 (PostgreSQL)
	Instance   string `json:"instance,omitempty"`
	Default    bool   `json:"default,omitempty"` // the asset's default instance
	Port       int    `json:"port,omitempty"`    // default the platform's DefaultPort
	Version    string `json:"version,omitempty"`
	System     string `json:"system,omitempty"`
}

// Platform is a kind of system. The default platforms are always there
// (unless WithoutDefaults); a seeded platform with one of their IDs
// replaces it.
type Platform struct {
	ID               int    `json:"id"`   // required
	Name             string `json:"name"` // required
	ShortName        string `json:"shortName,omitempty"`
	EntityTypeID     int    `json:"entityTypeId,omitempty"` // 1 asset (default), 2 database, 3 directory, 4 cloud
	DefaultPort      int    `json:"defaultPort,omitempty"`
	DSS              bool   `json:"dss,omitempty"`              // SSH keys
	DomainName       bool   `json:"domainName,omitempty"`       // accounts have a domain
	AutoManagement   bool   `json:"autoManagement,omitempty"`   // passwords can be rotated
	SupportElevation bool   `json:"supportElevation,omitempty"` // sudo and the like
}

// FunctionalAccount is an account that changes the passwords of the
// systems it auto-manages. Its credentials are never answered.
type FunctionalAccount struct {
	ID               int      `json:"id,omitempty"` // 0: the next free ID
	PlatformID       int      `json:"platformId"`   // required
	Domain           string   `json:"domain,omitempty"`
	AccountName      string   `json:"accountName"`           // required
	DisplayName      string   `json:"displayName,omitempty"` // default AccountName; unique per platform
	Description      string   `json:"description,omitempty"`
	ElevationCommand string   `json:"elevationCommand,omitempty"`
	Systems          []string `json:"systems,omitempty"` // the systems it auto-manages
}

// SmartRule selects managed accounts, managed systems or assets.
type SmartRule struct {
	ID          int    `json:"id,omitempty"` // 0: the next free ID
	Title       string `json:"title"`        // required, unique (case-insensitive)
	Description string `json:"description,omitempty"`
	Category    string `json:"category,omitempty"`
	Type        string `json:"type,omitempty"` // ManagedAccount (default), ManagedSystem or Asset
}

// UserGroup is a group of seeded users, with Read/Write access to Smart
// Rules (by title).
type UserGroup struct {
	ID          int      `json:"id,omitempty"` // 0: the next free ID
	Name        string   `json:"name"`         // required, unique (case-insensitive)
	Description string   `json:"description,omitempty"`
	Members     []string `json:"members,omitempty"` // user names
	SmartRules  []string `json:"smartRules,omitempty"`
}

// AccountTOTP gives a managed account a TOTP secret: GET
// ManagedAccounts/{id}/Credentials?type=totp answers its current code
// (RFC 6238: SHA-1, 30 seconds, 6 digits, by the fake's clock).
type AccountTOTP struct {
	System  string `json:"system"`
	Account string `json:"account"`
	Secret  string `json:"secret"` // base32, as authenticator apps take it
}

// DefaultTOTPSecret is the TOTP secret of web01/root in the default seed.
const DefaultTOTPSecret = "JBSWY3DPEHPK3PXP"

// defaultPlatforms are the platforms every fake knows.
func defaultPlatforms() []Platform {
	return []Platform{
		{ID: 1, Name: "Windows", ShortName: "WIN", EntityTypeID: 1, DefaultPort: 445, DomainName: true, AutoManagement: true},
		{ID: 2, Name: "Linux", ShortName: "LNX", EntityTypeID: 1, DefaultPort: 22, DSS: true, AutoManagement: true, SupportElevation: true},
		{ID: 10, Name: "Generic Platform", ShortName: "GEN", EntityTypeID: 1},
		{ID: 20, Name: "PostgreSQL", ShortName: "PGSQL", EntityTypeID: 2, DefaultPort: 5432, AutoManagement: true},
		{ID: 25, Name: "Active Directory", ShortName: "AD", EntityTypeID: 3, DefaultPort: 389, DomainName: true, AutoManagement: true},
	}
}

// defaultInventory is the default seed's inventory beside its systems.
func defaultInventory() Seed {
	return Seed{
		Workgroups: []Workgroup{{ID: 1, Name: DefaultWorkgroup}, {ID: 2, Name: "Lab"}},
		Assets: []Asset{{ID: 7, Name: "lab-printer", Workgroup: "Lab", IPAddress: "10.30.0.7", AssetType: "Printer",
			OperatingSystem: "Embedded"}},
		Databases: []Database{{ID: 1, Asset: "db01", PlatformID: 20, Instance: "orders", Port: 5432, Version: "16"}},
		FunctionalAccounts: []FunctionalAccount{{ID: 1, PlatformID: 2, AccountName: "svc-rotate", DisplayName: "Linux rotation",
			Description: "changes the Linux passwords", ElevationCommand: "sudo", Systems: []string{"web01", "db01"}}},
		SmartRules: []SmartRule{
			{ID: 1, Title: "All Managed Systems", Category: "Managed Systems", Type: "ManagedSystem"},
			{ID: 2, Title: "Linux Accounts", Category: "Managed Accounts", Type: "ManagedAccount"},
			{ID: 3, Title: "Lab Assets", Category: "Assets", Type: "Asset"},
		},
		UserGroups: []UserGroup{
			{ID: 1, Name: "Administrators", Description: "Full control", Members: []string{"admin"},
				SmartRules: []string{"All Managed Systems", "Linux Accounts", "Lab Assets"}},
			{ID: 2, Name: "Auditors", Description: "Read-only", Members: []string{"auditor"},
				SmartRules: []string{"All Managed Systems", "Linux Accounts", "Lab Assets"}},
			{ID: 3, Name: "Requestors", Members: []string{"requestor", "reqapprover", "secured"}, SmartRules: []string{"Linux Accounts"}},
			{ID: 4, Name: "Approvers", Members: []string{"approver", "reqapprover"}, SmartRules: []string{"Linux Accounts"}},
			{ID: 5, Name: "ISA", Members: []string{"isa"}, SmartRules: []string{"Linux Accounts"}},
			{ID: 6, Name: "Incident Response", Description: "Password Safe API Global Quarantine", Members: []string{"quarantine"}},
		},
		TOTP: []AccountTOTP{{System: "web01", Account: "root", Secret: DefaultTOTPSecret}},
	}
}

// The model the inventory handlers work on.

type workgroup struct {
	id    int
	name  string
	orgID string
}

type asset struct {
	id                                               int
	wg                                               *workgroup
	name, ip, dns, domain, mac, typ, os, description string
	created, updated                                 time.Time
}

type database struct {
	id         int
	asset      *asset
	platformID int
	instance   string
	isDefault  bool
	port       int
	version    string
	template   string
}

type functionalAccount struct {
	FunctionalAccount // as seeded; Systems is not kept
}

type smartRule struct {
	SmartRule
	processed time.Time
}

type userGroup struct {
	id          int
	name        string
	description string
	members     []*user
	rules       []*smartRule
}

// inventory is the fake's state beside its systems and accounts. The
// system and account extras hold what the API answers of them that the
// requester's side of the fake does not model.
type inventory struct {
	workgroups []*workgroup
	assets     []*asset
	databases  []*database
	platforms  []*Platform
	functional []*functionalAccount
	rules      []*smartRule
	groups     []*userGroup
	sys        map[*system]*systemExtra
	acct       map[*account]*accountExtra
	changes    []CredentialChange
	wgIDs      nextID
	assetIDs   nextID
	dbIDs      nextID
}

// systemExtra is what a managed system has beside the fake's system.
type systemExtra struct {
	entityType int
	asset      *asset
	database   *database
	wg         *workgroup
	functional *functionalAccount
	settings   managedSystemJSON // the settable fields, as last set
}

// accountExtra is what a managed account has beside the fake's account.
type accountExtra struct {
	totpSecret string
	settings   accountDetailsJSON // the settable fields, as last set
}

// loadInventoryExtras builds the inventory after the systems, accounts and
// users are loaded.
func (s *Server) loadInventoryExtras(seed Seed, now time.Time) error {
	inv := &s.inv
	inv.sys, inv.acct = map[*system]*systemExtra{}, map[*account]*accountExtra{}
	if err := s.loadPlatforms(seed); err != nil {
		return err
	}
	for _, w := range seed.Workgroups {
		if w.ID != 0 {
			if err := inv.wgIDs.claim(w.ID); err != nil {
				return fmt.Errorf("seed: workgroup %q: %w", w.Name, err)
			}
		}
	}
	for _, w := range seed.Workgroups {
		if strings.TrimSpace(w.Name) == "" {
			return errors.New("seed: a workgroup needs a name")
		}
		if s.workgroupByName(w.Name) != nil {
			return fmt.Errorf("seed: workgroup %q is seeded twice", w.Name)
		}
		s.addWorkgroup(w.ID, w.Name, w.OrganizationID)
	}
	if err := s.loadAssets(seed, now); err != nil {
		return err
	}
	if err := s.loadDatabases(seed); err != nil {
		return err
	}
	if err := s.loadFunctionalAccounts(seed); err != nil {
		return err
	}
	if err := s.loadGroups(seed, now); err != nil {
		return err
	}
	for _, a := range s.accounts {
		inv.acct[a] = newAccountExtra(a)
	}
	for _, t := range seed.TOTP {
		a := s.findAccount(t.System, t.Account)
		if a == nil {
			return fmt.Errorf("seed: TOTP: no seeded account %s/%s", t.System, t.Account)
		}
		if _, err := totpCode(t.Secret, now); err != nil {
			return fmt.Errorf("seed: TOTP of %s/%s: %w", t.System, t.Account, err)
		}
		inv.acct[a].totpSecret = t.Secret
	}
	return nil
}

func (s *Server) loadPlatforms(seed Seed) error {
	all := seed.Platforms
	if !seed.NoDefaults {
		all = append(defaultPlatforms(), seed.Platforms...)
	}
	for _, p := range all {
		if p.ID <= 0 || strings.TrimSpace(p.Name) == "" {
			return fmt.Errorf("seed: platform %d %q needs an ID and a name", p.ID, p.Name)
		}
		if p.EntityTypeID == 0 {
			p.EntityTypeID = 1
		}
		s.inv.platforms = slices.DeleteFunc(s.inv.platforms, func(o *Platform) bool { return o.ID == p.ID })
		s.inv.platforms = append(s.inv.platforms, &p)
	}
	slices.SortFunc(s.inv.platforms, func(a, b *Platform) int { return a.ID - b.ID })
	return nil
}

// addWorkgroup adds a workgroup; id 0 takes the next free ID.
func (s *Server) addWorkgroup(id int, name, orgID string) *workgroup {
	if id == 0 {
		id = s.inv.wgIDs.next()
	}
	if orgID == "" {
		orgID = DefaultOrganizationID
	}
	w := &workgroup{id: id, name: name, orgID: orgID}
	s.inv.workgroups = append(s.inv.workgroups, w)
	slices.SortFunc(s.inv.workgroups, func(a, b *workgroup) int { return a.id - b.id })
	return w
}

// workgroupNamed returns the workgroup of the name, created when none is.
func (s *Server) workgroupNamed(name string) *workgroup {
	if name == "" {
		name = DefaultWorkgroup
	}
	if w := s.workgroupByName(name); w != nil {
		return w
	}
	return s.addWorkgroup(0, name, "")
}

func (s *Server) loadAssets(seed Seed, now time.Time) error {
	inv := &s.inv
	for _, a := range seed.Assets {
		if a.ID != 0 {
			if err := inv.assetIDs.claim(a.ID); err != nil {
				return fmt.Errorf("seed: asset %q: %w", a.Name, err)
			}
		}
	}
	for _, a := range seed.Assets {
		if strings.TrimSpace(a.Name) == "" {
			return errors.New("seed: an asset needs a name")
		}
		if s.assetByName(a.Name) != nil {
			return fmt.Errorf("seed: asset %q is seeded twice", a.Name)
		}
		na := &asset{id: a.ID, wg: s.workgroupNamed(a.Workgroup), name: a.Name, ip: a.IPAddress, dns: a.DNSName,
			domain: a.DomainName, mac: a.MacAddress, typ: a.AssetType, os: a.OperatingSystem, description: a.Description,
			created: now, updated: now}
		if na.id == 0 {
			na.id = inv.assetIDs.next()
		}
		if na.ip == "" {
			na.ip = fmt.Sprintf("10.30.%d.%d", na.id/250, na.id%250)
		}
		s.addAsset(na)
	}
	// Every system on a host is on the asset of its name.
	for _, sy := range s.systems {
		x := &systemExtra{entityType: 1, wg: s.workgroupNamed(sy.workgroup)}
		x.settings = defaultSystemSettings()
		inv.sys[sy] = x
		if sy.typ == "database" || sy.typ == "cloud" {
			x.entityType = map[string]int{"database": 2, "cloud": 4}[sy.typ]
			continue
		}
		a := s.assetByName(sy.name)
		if a == nil {
			id := sy.id
			if inv.assetIDs.used[id] {
				id = inv.assetIDs.next()
			} else if err := inv.assetIDs.claim(id); err != nil {
				return err
			}
			a = &asset{id: id, wg: x.wg, name: sy.name, ip: sy.ip, dns: sy.dnsName, typ: "Server",
				os: sy.platform, created: now, updated: now}
			s.addAsset(a)
		}
		x.asset = a
	}
	return nil
}

func (s *Server) addAsset(a *asset) {
	if a.dns == "" {
		a.dns = strings.ToLower(a.name) + ".example.test"
	}
	if a.typ == "" {
		a.typ = "Server"
	}
	s.inv.assets = append(s.inv.assets, a)
	slices.SortFunc(s.inv.assets, func(x, y *asset) int { return x.id - y.id })
}

func (s *Server) loadDatabases(seed Seed) error {
	inv := &s.inv
	for _, d := range seed.Databases {
		if d.ID != 0 {
			if err := inv.dbIDs.claim(d.ID); err != nil {
				return fmt.Errorf("seed: database %s/%s: %w", d.Asset, d.Instance, err)
			}
		}
	}
	for _, d := range seed.Databases {
		a := s.assetByName(d.Asset)
		if a == nil {
			return fmt.Errorf("seed: database %q: no asset %q", d.Instance, d.Asset)
		}
		nd := &database{id: d.ID, asset: a, platformID: d.PlatformID, instance: d.Instance, isDefault: d.Default,
			port: d.Port, version: d.Version}
		if nd.platformID == 0 {
			nd.platformID = 20
		}
		p := s.platformByID(nd.platformID)
		if p == nil {
			return fmt.Errorf("seed: database %q: no platform %d", d.Instance, nd.platformID)
		}
		if nd.port == 0 {
			nd.port = p.DefaultPort
		}
		if nd.id == 0 {
			nd.id = inv.dbIDs.next()
		}
		if d.System != "" {
			sy := s.systemByName(d.System)
			if sy == nil || inv.sys[sy].entityType != 2 {
				return fmt.Errorf("seed: database %q: no system %q of type database", d.Instance, d.System)
			}
			inv.sys[sy].database = nd
		}
		inv.databases = append(inv.databases, nd)
	}
	slices.SortFunc(inv.databases, func(a, b *database) int { return a.id - b.id })
	return nil
}

func (s *Server) loadFunctionalAccounts(seed Seed) error {
	var ids nextID
	for _, f := range seed.FunctionalAccounts {
		if f.ID != 0 {
			if err := ids.claim(f.ID); err != nil {
				return fmt.Errorf("seed: functional account %q: %w", f.AccountName, err)
			}
		}
	}
	for _, f := range seed.FunctionalAccounts {
		if strings.TrimSpace(f.AccountName) == "" || s.platformByID(f.PlatformID) == nil {
			return fmt.Errorf("seed: functional account %q needs an account name and a known platform", f.AccountName)
		}
		nf := &functionalAccount{f}
		if nf.ID == 0 {
			nf.ID = ids.next()
		}
		if nf.DisplayName == "" {
			nf.DisplayName = nf.AccountName
		}
		for _, name := range f.Systems {
			sy := s.systemByName(name)
			if sy == nil {
				return fmt.Errorf("seed: functional account %q: no system %q", f.AccountName, name)
			}
			x := s.inv.sys[sy]
			x.functional = nf
			x.settings.AutoManagementFlag = true
		}
		nf.Systems = nil
		s.inv.functional = append(s.inv.functional, nf)
	}
	slices.SortFunc(s.inv.functional, func(a, b *functionalAccount) int { return a.ID - b.ID })
	return nil
}

func (s *Server) loadGroups(seed Seed, now time.Time) error {
	var ruleIDs, groupIDs nextID
	for _, r := range seed.SmartRules {
		if r.ID != 0 {
			if err := ruleIDs.claim(r.ID); err != nil {
				return fmt.Errorf("seed: Smart Rule %q: %w", r.Title, err)
			}
		}
	}
	for _, r := range seed.SmartRules {
		if strings.TrimSpace(r.Title) == "" || s.ruleByTitle(r.Title) != nil {
			return fmt.Errorf("seed: Smart Rule %q needs a title of its own", r.Title)
		}
		if r.Type == "" {
			r.Type = "ManagedAccount"
		}
		if !slices.Contains([]string{"ManagedAccount", "ManagedSystem", "Asset"}, r.Type) {
			return fmt.Errorf("seed: Smart Rule %q: type %q is not ManagedAccount, ManagedSystem or Asset", r.Title, r.Type)
		}
		nr := &smartRule{SmartRule: r, processed: now}
		if nr.ID == 0 {
			nr.ID = ruleIDs.next()
		}
		s.inv.rules = append(s.inv.rules, nr)
	}
	slices.SortFunc(s.inv.rules, func(a, b *smartRule) int { return a.ID - b.ID })
	for _, g := range seed.UserGroups {
		if g.ID != 0 {
			if err := groupIDs.claim(g.ID); err != nil {
				return fmt.Errorf("seed: user group %q: %w", g.Name, err)
			}
		}
	}
	for _, g := range seed.UserGroups {
		if strings.TrimSpace(g.Name) == "" || s.groupByName(g.Name) != nil {
			return fmt.Errorf("seed: user group %q needs a name of its own", g.Name)
		}
		ng := &userGroup{id: g.ID, name: g.Name, description: g.Description}
		if ng.id == 0 {
			ng.id = groupIDs.next()
		}
		for _, m := range g.Members {
			u := s.userByName(m)
			if u == nil {
				return fmt.Errorf("seed: user group %q: member %q is not a seeded user", g.Name, m)
			}
			ng.members = append(ng.members, u)
		}
		for _, title := range g.SmartRules {
			r := s.ruleByTitle(title)
			if r == nil {
				return fmt.Errorf("seed: user group %q: no Smart Rule %q", g.Name, title)
			}
			ng.rules = append(ng.rules, r)
		}
		s.inv.groups = append(s.inv.groups, ng)
	}
	slices.SortFunc(s.inv.groups, func(a, b *userGroup) int { return a.id - b.id })
	return nil
}

// first returns the first item match accepts, or nil.
func first[T any](items []*T, match func(*T) bool) *T {
	for _, it := range items {
		if match(it) {
			return it
		}
	}
	return nil
}

func (s *Server) workgroupByName(name string) *workgroup {
	return first(s.inv.workgroups, func(w *workgroup) bool { return strings.EqualFold(w.name, name) })
}

func (s *Server) workgroupByID(id int) *workgroup {
	return first(s.inv.workgroups, func(w *workgroup) bool { return w.id == id })
}

func (s *Server) assetByName(name string) *asset {
	return first(s.inv.assets, func(a *asset) bool { return strings.EqualFold(a.name, name) })
}

func (s *Server) assetByID(id int) *asset {
	return first(s.inv.assets, func(a *asset) bool { return a.id == id })
}

func (s *Server) databaseByID(id int) *database {
	return first(s.inv.databases, func(d *database) bool { return d.id == id })
}

func (s *Server) platformByID(id int) *Platform {
	return first(s.inv.platforms, func(p *Platform) bool { return p.ID == id })
}

func (s *Server) functionalByID(id int) *functionalAccount {
	return first(s.inv.functional, func(f *functionalAccount) bool { return f.ID == id })
}

func (s *Server) ruleByTitle(title string) *smartRule {
	return first(s.inv.rules, func(r *smartRule) bool { return strings.EqualFold(r.Title, title) })
}

func (s *Server) groupByName(name string) *userGroup {
	return first(s.inv.groups, func(g *userGroup) bool { return strings.EqualFold(g.name, name) })
}

func (s *Server) systemByID(id int) *system {
	return first(s.systems, func(sy *system) bool { return sy.id == id })
}

func (s *Server) accountByAccountID(id int) *account {
	return first(s.accounts, func(a *account) bool { return a.id == id })
}

func (s *Server) userByID(id int) *user {
	return first(s.users, func(u *user) bool { return u.id == id })
}

// mergeInventory adds o's inventory to s.
func (s *Seed) mergeInventory(o Seed) {
	s.Workgroups = append(s.Workgroups, o.Workgroups...)
	s.Assets = append(s.Assets, o.Assets...)
	s.Databases = append(s.Databases, o.Databases...)
	s.Platforms = append(s.Platforms, o.Platforms...)
	s.FunctionalAccounts = append(s.FunctionalAccounts, o.FunctionalAccounts...)
	s.SmartRules = append(s.SmartRules, o.SmartRules...)
	s.UserGroups = append(s.UserGroups, o.UserGroups...)
	s.TOTP = append(s.TOTP, o.TOTP...)
}

// inventoryDefaults combines the test's inventory (t) with the default
// seed's (d) into out: the default workgroups, assets, databases,
// functional accounts and TOTP secrets come with the default systems (when
// the test seeds no system and no account); the default Smart Rules and
// user groups come together, when the test seeds neither. The default
// platforms are added at load time (they are always there).
func (out *Seed) inventoryDefaults(t, d Seed) {
	if len(t.Systems) == 0 && len(t.Accounts) == 0 {
		out.Workgroups, out.Assets, out.Databases = d.Workgroups, d.Assets, d.Databases
		out.FunctionalAccounts, out.TOTP = d.FunctionalAccounts, d.TOTP
	}
	if len(t.SmartRules) == 0 && len(t.UserGroups) == 0 {
		out.SmartRules, out.UserGroups = d.SmartRules, d.UserGroups
	}
	out.mergeInventory(Seed{Workgroups: t.Workgroups, Assets: t.Assets, Databases: t.Databases, Platforms: t.Platforms,
		FunctionalAccounts: t.FunctionalAccounts, SmartRules: t.SmartRules, UserGroups: t.UserGroups, TOTP: t.TOTP})
}

// Workgroups returns the workgroups, by ID.
func (s *Server) Workgroups() []Workgroup {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Workgroup, 0, len(s.inv.workgroups))
	for _, w := range s.inv.workgroups {
		out = append(out, Workgroup{ID: w.id, Name: w.name, OrganizationID: w.orgID})
	}
	return out
}

// Assets returns the assets, by ID.
func (s *Server) Assets() []Asset {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Asset, 0, len(s.inv.assets))
	for _, a := range s.inv.assets {
		out = append(out, Asset{ID: a.id, Name: a.name, Workgroup: a.wg.name, IPAddress: a.ip, DNSName: a.dns,
			DomainName: a.domain, MacAddress: a.mac, AssetType: a.typ, OperatingSystem: a.os, Description: a.description})
	}
	return out
}

// SystemLinks says where a managed system lives, by ID (0 when it does
// not apply): what a test asserts after creating or updating one.
type SystemLinks struct {
	SystemID            int
	EntityTypeID        int
	AssetID             int
	DatabaseID          int
	WorkgroupID         int
	FunctionalAccountID int
	Description         string
}

// SystemLinks returns where the managed system named name lives, or ok
// false.
func (s *Server) SystemLinks(name string) (links SystemLinks, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sy := s.systemByName(name)
	if sy == nil {
		return SystemLinks{}, false
	}
	x := s.inv.sys[sy]
	links = SystemLinks{SystemID: sy.id, EntityTypeID: x.entityType, WorkgroupID: x.wg.id, Description: x.settings.Description}
	if x.asset != nil {
		links.AssetID = x.asset.id
	}
	if x.database != nil {
		links.DatabaseID = x.database.id
	}
	if x.functional != nil {
		links.FunctionalAccountID = x.functional.ID
	}
	return links, true
}
