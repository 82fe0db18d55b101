package passwordsafetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Managed systems, assets, workgroups, databases, platforms and functional
// accounts: what turns the names a user knows into IDs, and what an
// administrator onboards systems with. Shapes, query names and limits are
// the vendor's reference pages' and its Go client's: each handler names its
// route (API:) and its page (Reference:, below
// https://docs.beyondtrust.com/bips/v26.2/reference/).
//
// Permissions, as the fake models the feature permissions:
//   - Password Safe System Management (Read): Administrators, Auditor,
//     Quarantine (an incident responder finds the system to lock);
//   - Asset Management (Read): Administrators, Auditor;
//   - Password Safe Account Management (Read): Administrators, Auditor,
//     Quarantine (the accounts of a system, to end their requests);
//   - every create, update and delete: Administrators only.
//
// Anyone else gets 403 "4031 - ...", naming the permission.

func (u *user) readsSystems() bool  { return u.admin || u.auditor || u.quarantine }
func (u *user) readsAccounts() bool { return u.admin || u.auditor || u.quarantine }
func (u *user) readsUsers() bool    { return u.admin || u.auditor || u.quarantine }
func (u *user) readsAssets() bool   { return u.admin || u.auditor }

// needs answers 403 4031 naming the permission the caller lacks.
func needs(permission string) reply {
	return forbidden(4031, "User does not have permission to use this API. It needs "+permission+".")
}

const (
	permSystemsRead  = "Password Safe System Management (Read)"
	permSystemsFull  = "Password Safe System Management (Full control)"
	permAssetsRead   = "Asset Management (Read)"
	permAssetsFull   = "Asset Management (Full control)"
	permAccountsRead = "Password Safe Account Management (Read)"
	permAccountsFull = "Password Safe Account Management (Full control)"
	permUsersRead    = "User Accounts Management (Read)"
)

// pageOf answers rows cut by ?limit= and ?offset=: with a limit, as the
// {"TotalCount": N, "Data": [...]} page the reference documents for paged
// lists; without one, as a bare array.
func pageOf[T any](c *call, rows []T) reply {
	limit, msg := intParam(c, "limit", 1)
	if msg != "" {
		return badRequest(msg)
	}
	offset, msg := intParam(c, "offset", 0)
	if msg != "" {
		return badRequest(msg)
	}
	if limit == 0 {
		out := rows[min(offset, len(rows)):]
		return jsonReply(http.StatusOK, append(make([]T, 0, len(out)), out...))
	}
	out := rows[min(offset, len(rows)):min(offset+limit, len(rows))]
	return jsonReply(http.StatusOK, pagedJSON{TotalCount: len(rows), Data: append(make([]T, 0, len(out)), out...)})
}

// decodeStrict decodes a JSON body into v, refusing unknown fields (a
// client's misspelt field is a 400, not silently dropped).
func decodeStrict(c *call, v any) (reply, bool) {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return badRequest(msgBodyRequired), false
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest(msgBodyNotJSON + " " + err.Error()), false
	}
	return reply{}, true
}

// ---- Managed systems ----

// managedSystemJSON is a managed system as GET ManagedSystems answers it
// [REF: get-api-public-v3-managedsystems; the vendor's Go client's
// ManagedSystemResponseCreate]. Bodies of the create and update calls are
// decoded into it too: their fields are its fields.
type managedSystemJSON struct {
	ManagedSystemID                    int
	EntityTypeID                       int
	AssetID                            *int
	DatabaseID                         *int
	DirectoryID                        *int
	CloudID                            *int
	WorkgroupID                        int
	HostName                           string
	DnsName                            string
	IPAddress                          string
	InstanceName                       string
	IsDefaultInstance                  bool
	Template                           string
	ForestName                         string
	UseSSL                             bool
	OracleInternetDirectoryID          string
	OracleInternetDirectoryServiceName string
	SystemName                         string
	PlatformID                         int
	NetBiosName                        string
	Port                               *int
	Timeout                            int
	Description                        string
	ContactEmail                       string
	PasswordRuleID                     int
	DSSKeyRuleID                       int
	ReleaseDuration                    int
	MaxReleaseDuration                 int
	ISAReleaseDuration                 int
	AutoManagementFlag                 bool
	FunctionalAccountID                *int
	LoginAccountID                     *int
	ElevationCommand                   string
	SshKeyEnforcementMode              int
	CheckPasswordFlag                  bool
	ChangePasswordAfterAnyReleaseFlag  bool
	ResetPasswordOnMismatchFlag        bool
	ChangeFrequencyType                string
	ChangeFrequencyDays                int
	ChangeTime                         string
	AccountNameFormat                  int
	RemoteClientType                   string
	ApplicationHostID                  *int
	IsApplicationHost                  bool
	AccessURL                          string
}

// defaultSystemSettings are a new system's settings.
func defaultSystemSettings() managedSystemJSON {
	return managedSystemJSON{Timeout: 30, ReleaseDuration: 120, MaxReleaseDuration: 525600, ISAReleaseDuration: 120,
		ChangeFrequencyType: "first", ChangeFrequencyDays: 30, ChangeTime: "23:30", RemoteClientType: "None"}
}

func (s *Server) systemJSON(sy *system) managedSystemJSON {
	x := s.inv.sys[sy]
	out := x.settings
	out.ManagedSystemID, out.EntityTypeID, out.WorkgroupID = sy.id, x.entityType, x.wg.id
	out.SystemName, out.HostName, out.IPAddress, out.PlatformID = sy.name, sy.name, sy.ip, sy.platformID
	out.DnsName = sy.dnsName
	out.AssetID, out.DatabaseID, out.FunctionalAccountID = nil, nil, nil
	if x.asset != nil {
		out.AssetID = &x.asset.id
		out.DnsName = x.asset.dns
	}
	if x.database != nil {
		out.DatabaseID, out.InstanceName, out.IsDefaultInstance = &x.database.id, x.database.instance, x.database.isDefault
		out.Port = &x.database.port
	}
	if x.functional != nil {
		out.FunctionalAccountID = &x.functional.ID
	}
	return out
}

func (s *Server) systemsJSON(keep func(*system) bool) []managedSystemJSON {
	out := []managedSystemJSON{}
	for _, sy := range s.systems {
		if keep(sy) {
			out = append(out, s.systemJSON(sy))
		}
	}
	return out
}

// listSystems answers the managed systems, filtered by ?type= (the entity
// type) and ?name= (the system name, case aside), paged.
//
// API: GET ManagedSystems?type=&name=&limit=&offset=
// Reference: get-api-public-v3-managedsystems
func (s *Server) listSystems(c *call) reply {
	if !c.user.readsSystems() {
		return needs(permSystemsRead)
	}
	typ, msg := intParam(c, "type", 1)
	if msg != "" {
		return badRequest(msg)
	}
	name, hasName := c.query("name")
	return pageOf(c, s.systemsJSON(func(sy *system) bool {
		return (typ == 0 || s.inv.sys[sy].entityType == typ) && (!hasName || strings.EqualFold(sy.name, name))
	}))
}

// getSystem answers one managed system.
//
// API: GET ManagedSystems/{id}
// Reference: get-api-public-v3-managedsystems-id
func (s *Server) getSystem(c *call) reply {
	if !c.user.readsSystems() {
		return needs(permSystemsRead)
	}
	sy := s.systemByID(c.id(0))
	if sy == nil {
		return notFound("Managed System not found.")
	}
	return jsonReply(http.StatusOK, s.systemJSON(sy))
}

// systemOnAsset answers the managed system of an asset (one object; 404
// when the asset has none).
//
// API: GET Assets/{assetId}/ManagedSystems
// Reference: get-api-public-v3-assets-assetid-managedsystems
func (s *Server) systemOnAsset(c *call) reply {
	return s.systemOn(c, func(x *systemExtra) bool { return x.asset != nil && x.asset.id == c.id(0) })
}

// systemOnDatabase answers the managed system of a database.
//
// API: GET Databases/{databaseID}/ManagedSystems
// Reference: get-api-public-v3-databases-databaseid-managedsystems
func (s *Server) systemOnDatabase(c *call) reply {
	return s.systemOn(c, func(x *systemExtra) bool { return x.database != nil && x.database.id == c.id(0) })
}

func (s *Server) systemOn(c *call, on func(*systemExtra) bool) reply {
	if !c.user.readsSystems() {
		return needs(permSystemsRead)
	}
	for _, sy := range s.systems {
		if on(s.inv.sys[sy]) {
			return jsonReply(http.StatusOK, s.systemJSON(sy))
		}
	}
	return notFound("Managed System not found.")
}

// systemsInWorkgroup answers the managed systems of a workgroup, paged.
//
// API: GET Workgroups/{id}/ManagedSystems?limit=&offset=
// Reference: get-api-public-v3-workgroups-id-managedsystems
func (s *Server) systemsInWorkgroup(c *call) reply {
	if !c.user.readsSystems() {
		return needs(permSystemsRead)
	}
	w := s.workgroupByID(c.id(0))
	if w == nil {
		return notFound("Workgroup not found.")
	}
	return pageOf(c, s.systemsJSON(func(sy *system) bool { return s.inv.sys[sy].wg == w }))
}

// systemsOfFunctionalAccount answers the managed systems a functional
// account auto-manages, paged. Password Safe Account Management (Read)
// will do as well.
//
// API: GET FunctionalAccounts/{accountID}/ManagedSystems?limit=&offset=
// Reference: get-api-public-v3-functionalaccounts-accountid-managedsystems
func (s *Server) systemsOfFunctionalAccount(c *call) reply {
	if !c.user.readsSystems() && !c.user.readsAccounts() {
		return needs(permSystemsRead)
	}
	f := s.functionalByID(c.id(0))
	if f == nil {
		return notFound("Functional Account not found.")
	}
	return pageOf(c, s.systemsJSON(func(sy *system) bool { return s.inv.sys[sy].functional == f }))
}

// createSystemOnAsset makes an asset a managed system (one per asset:
// 409 when it has one). PlatformID is required.
//
// API: POST Assets/{assetId}/ManagedSystems
// Reference: post-api-public-v3-assets-assetid-managedsystems
func (s *Server) createSystemOnAsset(c *call) reply {
	if !c.user.admin {
		return needs(permSystemsFull)
	}
	a := s.assetByID(c.id(0))
	if a == nil {
		return notFound("Asset not found.")
	}
	for _, x := range s.inv.sys {
		if x.asset == a {
			return errorReply(http.StatusConflict, "The asset is already a managed system.")
		}
	}
	body := defaultSystemSettings()
	if rep, ok := s.decodeSystem(c, &body); !ok {
		return rep
	}
	if body.PlatformID == 0 {
		return badRequest("PlatformID is required.")
	}
	return s.addSystem(c, &systemExtra{entityType: 1, asset: a, wg: a.wg}, a.name, a.ip, body)
}

// createSystemOnDatabase makes a database a managed system.
//
// API: POST Databases/{databaseID}/ManagedSystems
// Reference: post-api-public-v3-databases-databaseid-managedsystems
func (s *Server) createSystemOnDatabase(c *call) reply {
	if !c.user.admin {
		return needs(permSystemsFull)
	}
	d := s.databaseByID(c.id(0))
	if d == nil {
		return notFound("Database not found.")
	}
	for _, x := range s.inv.sys {
		if x.database == d {
			return errorReply(http.StatusConflict, "The database is already a managed system.")
		}
	}
	body := defaultSystemSettings()
	if rep, ok := s.decodeSystem(c, &body); !ok {
		return rep
	}
	body.PlatformID = d.platformID
	name := d.asset.name + "/" + d.instance
	return s.addSystem(c, &systemExtra{entityType: 2, database: d, wg: d.asset.wg}, name, d.asset.ip, body)
}

// createSystemInWorkgroup creates a managed system of any entity type in a
// workgroup. EntityTypeID, HostName, IPAddress and PlatformID are
// required.
//
// API: POST Workgroups/{workgroupID}/ManagedSystems
// Reference: post-api-public-v3-workgroups-workgroupid-managedsystems
func (s *Server) createSystemInWorkgroup(c *call) reply {
	if !c.user.admin {
		return needs(permSystemsFull)
	}
	w := s.workgroupByID(c.id(0))
	if w == nil {
		return notFound("Workgroup not found.")
	}
	body := defaultSystemSettings()
	if rep, ok := s.decodeSystem(c, &body); !ok {
		return rep
	}
	switch {
	case body.EntityTypeID < 1 || body.EntityTypeID > 4:
		return badRequest("EntityTypeID must be 1 (asset), 2 (database), 3 (directory) or 4 (cloud).")
	case body.HostName == "" || body.IPAddress == "" || body.PlatformID == 0:
		return badRequest("HostName, IPAddress and PlatformID are required.")
	}
	return s.addSystem(c, &systemExtra{entityType: body.EntityTypeID, wg: w}, body.HostName, body.IPAddress, body)
}

// decodeSystem reads a create or update body into settings and checks it.
func (s *Server) decodeSystem(c *call, settings *managedSystemJSON) (reply, bool) {
	if rep, ok := decodeStrict(c, settings); !ok {
		return rep, false
	}
	b := settings
	switch {
	case b.PlatformID != 0 && s.platformByID(b.PlatformID) == nil:
		return badRequest(fmt.Sprintf("Platform %d does not exist.", b.PlatformID)), false
	case b.ReleaseDuration < 1 || b.MaxReleaseDuration > 525600 || b.ReleaseDuration > b.MaxReleaseDuration ||
		b.ISAReleaseDuration < 1 || b.ISAReleaseDuration > 525600:
		return badRequest("Release durations must be 1 to 525600 minutes, ReleaseDuration at most MaxReleaseDuration."), false
	case !slices.Contains([]string{"first", "last", "xdays"}, b.ChangeFrequencyType):
		return badRequest("ChangeFrequencyType must be first, last or xdays."), false
	case b.AutoManagementFlag && (b.FunctionalAccountID == nil || s.functionalByID(*b.FunctionalAccountID) == nil):
		return badRequest("AutoManagementFlag needs the FunctionalAccountID of a functional account."), false
	case len([]rune(b.Description)) > 255 || len([]rune(b.ContactEmail)) > 1000 || len([]rune(b.HostName)) > 128:
		return badRequest("Description (255), ContactEmail (1000) or HostName (128) is too long."), false
	}
	return reply{}, true
}

// addSystem adds the system the body describes and answers it, 201.
func (s *Server) addSystem(c *call, x *systemExtra, name, ip string, body managedSystemJSON) reply {
	if s.systemByName(name) != nil {
		return errorReply(http.StatusConflict, "A managed system named "+name+" already exists.")
	}
	id := 1
	for _, sy := range s.systems {
		id = max(id, sy.id+1)
	}
	p := s.platformByID(body.PlatformID)
	sy := &system{id: id, name: name, dnsName: strings.ToLower(name) + ".example.test", platform: p.Name,
		platformID: p.ID, typ: map[int]string{1: "system", 2: "database", 3: "domainlinked", 4: "cloud"}[x.entityType],
		workgroup: x.wg.name, ip: ip}
	s.setSystemLinks(x, body)
	x.settings = body
	s.systems = append(s.systems, sy)
	s.inv.sys[sy] = x
	return jsonReply(http.StatusCreated, s.systemJSON(sy))
}

// setSystemLinks keeps the functional account a body names.
func (s *Server) setSystemLinks(x *systemExtra, body managedSystemJSON) {
	x.functional = nil
	if body.FunctionalAccountID != nil {
		x.functional = s.functionalByID(*body.FunctionalAccountID)
	}
}

// updateSystem changes the fields the body gives; HostName renames the
// system, WorkgroupID moves it.
//
// API: PUT ManagedSystems/{id}
// Reference: put-api-public-v3-managedsystems-id
func (s *Server) updateSystem(c *call) reply {
	if !c.user.admin {
		return needs(permSystemsFull)
	}
	sy := s.systemByID(c.id(0))
	if sy == nil {
		return notFound("Managed System not found.")
	}
	x := s.inv.sys[sy]
	body := s.systemJSON(sy)
	if rep, ok := s.decodeSystem(c, &body); !ok {
		return rep
	}
	if body.WorkgroupID != x.wg.id {
		w := s.workgroupByID(body.WorkgroupID)
		if w == nil {
			return badRequest(fmt.Sprintf("Workgroup %d does not exist.", body.WorkgroupID))
		}
		x.wg, sy.workgroup = w, w.name
	}
	if other := s.systemByName(body.HostName); other != nil && other != sy {
		return errorReply(http.StatusConflict, "A managed system named "+body.HostName+" already exists.")
	}
	sy.name, sy.ip, sy.platformID = body.HostName, body.IPAddress, body.PlatformID
	sy.platform = s.platformByID(body.PlatformID).Name
	s.setSystemLinks(x, body)
	x.settings = body
	return jsonReply(http.StatusOK, s.systemJSON(sy))
}

// deleteSystem deletes a managed system and its managed accounts (their
// open requests end, as terminated). The asset or database stays.
//
// API: DELETE ManagedSystems/{id}
// Reference: delete-api-public-v3-managedsystems-id
func (s *Server) deleteSystem(c *call) reply {
	if !c.user.admin {
		return needs(permSystemsFull)
	}
	sy := s.systemByID(c.id(0))
	if sy == nil {
		return notFound("Managed System not found.")
	}
	for _, a := range slices.Clone(s.accounts) {
		if a.sys == sy {
			s.removeAccountLocked(c, a)
		}
	}
	s.systems = slices.DeleteFunc(s.systems, func(o *system) bool { return o == sy })
	delete(s.inv.sys, sy)
	return reply{status: http.StatusOK}
}

// ---- Platforms and functional accounts ----

// platformJSON is a platform as GET Platforms answers it [REF:
// get-api-public-v3-platforms; the vendor's Go client's PlatformResponse].
type platformJSON struct {
	PlatformID              int
	Name                    string
	ShortName               string
	PortFlag                bool
	DefaultPort             *int
	SupportsElevationFlag   bool
	DomainNameFlag          bool
	AutoManagementFlag      bool
	DSSAutoManagementFlag   bool
	ManageableFlag          bool
	DSSFlag                 bool
	LoginAccountFlag        bool
	DefaultSessionType      string
	ApplicationHostFlag     bool
	RequiresApplicationHost bool
	RequiresTenantID        bool
	RequiresObjectID        bool
	RequiresSecret          bool
}

func newPlatformJSON(p *Platform) platformJSON {
	session := "SSH"
	if p.ID == 1 || p.DomainName && p.EntityTypeID == 1 {
		session = "RDP"
	}
	return platformJSON{PlatformID: p.ID, Name: p.Name, ShortName: p.ShortName, PortFlag: p.DefaultPort != 0,
		DefaultPort: nullInt(p.DefaultPort), SupportsElevationFlag: p.SupportElevation, DomainNameFlag: p.DomainName,
		AutoManagementFlag: p.AutoManagement, DSSAutoManagementFlag: p.DSS && p.AutoManagement, ManageableFlag: true,
		DSSFlag: p.DSS, LoginAccountFlag: p.DSS, DefaultSessionType: session}
}

// listPlatforms answers the platforms.
//
// API: GET Platforms
// Reference: get-api-public-v3-platforms
func (s *Server) listPlatforms(c *call) reply {
	if !c.user.readsSystems() {
		return needs(permSystemsRead)
	}
	out := make([]platformJSON, 0, len(s.inv.platforms))
	for _, p := range s.inv.platforms {
		out = append(out, newPlatformJSON(p))
	}
	return jsonReply(http.StatusOK, out)
}

// getPlatform answers one platform.
//
// API: GET Platforms/{id}
// Reference: get-api-public-v3-platforms-id
func (s *Server) getPlatform(c *call) reply {
	if !c.user.readsSystems() {
		return needs(permSystemsRead)
	}
	p := s.platformByID(c.id(0))
	if p == nil {
		return notFound("Platform not found.")
	}
	return jsonReply(http.StatusOK, newPlatformJSON(p))
}

// functionalAccountJSON is a functional account as GET FunctionalAccounts
// answers it [REF: get-api-public-v3-functionalaccounts; the vendor's Go
// client's FunctionalAccountResponse]: never its credentials.
type functionalAccountJSON struct {
	FunctionalAccountID  int
	PlatformID           int
	DomainName           *string
	AccountName          string
	DisplayName          string
	Description          *string
	ElevationCommand     *string
	SystemReferenceCount int
	TenantID             *string
	ObjectID             *string
	AzureInstance        *string
}

func (s *Server) functionalJSON(f *functionalAccount) functionalAccountJSON {
	n := 0
	for _, x := range s.inv.sys {
		if x.functional == f {
			n++
		}
	}
	return functionalAccountJSON{FunctionalAccountID: f.ID, PlatformID: f.PlatformID, DomainName: nullString(f.Domain),
		AccountName: f.AccountName, DisplayName: f.DisplayName, Description: nullString(f.Description),
		ElevationCommand: nullString(f.ElevationCommand), SystemReferenceCount: n}
}

// listFunctionalAccounts answers the functional accounts.
//
// API: GET FunctionalAccounts
// Reference: get-api-public-v3-functionalaccounts
func (s *Server) listFunctionalAccounts(c *call) reply {
	if !c.user.readsAccounts() {
		return needs(permAccountsRead)
	}
	out := make([]functionalAccountJSON, 0, len(s.inv.functional))
	for _, f := range s.inv.functional {
		out = append(out, s.functionalJSON(f))
	}
	return jsonReply(http.StatusOK, out)
}

// getFunctionalAccount answers one functional account.
//
// API: GET FunctionalAccounts/{id}
// Reference: get-api-public-v3-functionalaccounts-id
func (s *Server) getFunctionalAccount(c *call) reply {
	if !c.user.readsAccounts() {
		return needs(permAccountsRead)
	}
	f := s.functionalByID(c.id(0))
	if f == nil {
		return notFound("Functional Account not found.")
	}
	return jsonReply(http.StatusOK, s.functionalJSON(f))
}

// ---- Workgroups ----

// workgroupJSON is a workgroup as GET Workgroups answers it [REF:
// get-api-public-v3-workgroups].
type workgroupJSON struct {
	ID             int
	OrganizationID string
	Name           string
}

func (w *workgroup) json() workgroupJSON {
	return workgroupJSON{ID: w.id, OrganizationID: w.orgID, Name: w.name}
}

// listWorkgroups answers the workgroups; with ?name= the one workgroup of
// that name (case aside) as an object, 404 when there is none.
//
// API: GET Workgroups?name=
// Reference: get-api-public-v3-workgroups
func (s *Server) listWorkgroups(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	if name, ok := c.query("name"); ok {
		w := s.workgroupByName(name)
		if w == nil {
			return notFound("Workgroup not found.")
		}
		return jsonReply(http.StatusOK, w.json())
	}
	out := make([]workgroupJSON, 0, len(s.inv.workgroups))
	for _, w := range s.inv.workgroups {
		out = append(out, w.json())
	}
	return jsonReply(http.StatusOK, out)
}

// getWorkgroup answers one workgroup.
//
// API: GET Workgroups/{id}
// Reference: get-api-public-v3-workgroups-id
func (s *Server) getWorkgroup(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	w := s.workgroupByID(c.id(0))
	if w == nil {
		return notFound("Workgroup not found.")
	}
	return jsonReply(http.StatusOK, w.json())
}

// createWorkgroup creates a workgroup: Name required (≤ 256), unique
// (409).
//
// API: POST Workgroups
// Reference: post-api-public-v3-workgroups
func (s *Server) createWorkgroup(c *call) reply {
	if !c.user.admin {
		return needs(permAssetsFull)
	}
	var b struct{ Name, OrganizationID string }
	if rep, ok := decodeStrict(c, &b); !ok {
		return rep
	}
	switch {
	case strings.TrimSpace(b.Name) == "" || len([]rune(b.Name)) > 256:
		return badRequest("Name is required, at most 256 characters.")
	case s.workgroupByName(b.Name) != nil:
		return errorReply(http.StatusConflict, "A workgroup named "+b.Name+" already exists.")
	}
	return jsonReply(http.StatusCreated, s.addWorkgroup(0, b.Name, b.OrganizationID).json())
}

// ---- Assets ----

// assetJSON is an asset as GET Assets/{id} answers it [REF:
// get-api-public-v3-assets-id; the vendor's Go client's AssetResponse].
type assetJSON struct {
	WorkgroupID     int
	AssetID         int
	AssetName       string
	AssetType       string
	DnsName         string
	DomainName      *string
	IPAddress       string
	MacAddress      *string
	OperatingSystem *string
	CreateDate      *string
	LastUpdateDate  *string
	Description     *string
}

func (a *asset) json() assetJSON {
	return assetJSON{WorkgroupID: a.wg.id, AssetID: a.id, AssetName: a.name, AssetType: a.typ, DnsName: a.dns,
		DomainName: nullString(a.domain), IPAddress: a.ip, MacAddress: nullString(a.mac), OperatingSystem: nullString(a.os),
		CreateDate: date(a.created, dateLayoutAccounts), LastUpdateDate: date(a.updated, dateLayoutAccounts),
		Description: nullString(a.description)}
}

func (s *Server) assetsJSON(keep func(*asset) bool) []assetJSON {
	out := []assetJSON{}
	for _, a := range s.inv.assets {
		if keep(a) {
			out = append(out, a.json())
		}
	}
	return out
}

// assetsInWorkgroup answers the assets of a workgroup named by ID or (when
// the segment is not a number) by name, paged; with ?name= the one asset
// of that name as an object, 404 when there is none.
//
// API: GET Workgroups/{workgroupID}/Assets?limit=&offset=, GET Workgroups/{workgroupName}/Assets?name=
// Reference: get-api-public-v3-workgroups-workgroupid-assets, get-api-public-v3-workgroups-workgroupname-assets
func (s *Server) assetsInWorkgroup(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	w := s.workgroupOfPath(c)
	if w == nil {
		return notFound("Workgroup not found.")
	}
	if name, ok := c.query("name"); ok {
		for _, a := range s.inv.assets {
			if a.wg == w && strings.EqualFold(a.name, name) {
				return jsonReply(http.StatusOK, a.json())
			}
		}
		return notFound("Asset not found.")
	}
	return pageOf(c, s.assetsJSON(func(a *asset) bool { return a.wg == w }))
}

// workgroupOfPath finds the workgroup the path names by ID or by name.
func (s *Server) workgroupOfPath(c *call) *workgroup {
	if id, err := strconv.Atoi(c.params[0]); err == nil {
		return s.workgroupByID(id)
	}
	return s.workgroupByName(c.params[0])
}

// getAsset answers one asset.
//
// API: GET Assets/{id}
// Reference: get-api-public-v3-assets-id
func (s *Server) getAsset(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	a := s.assetByID(c.id(0))
	if a == nil {
		return notFound("Asset not found.")
	}
	return jsonReply(http.StatusOK, a.json())
}

// assetBodyJSON is the body of the asset create and update calls [REF:
// post-api-public-v3-workgroups-workgroupid-assets].
type assetBodyJSON struct {
	WorkgroupID     int
	IPAddress       string
	AssetName       string
	DnsName         string
	DomainName      string
	MacAddress      string
	AssetType       string
	OperatingSystem string
	Description     string
}

// createAsset creates an asset in a workgroup: IPAddress required; the
// name defaults to the IP address padded (010.000.000.001); a name taken
// in the workgroup is 409.
//
// API: POST Workgroups/{workgroupID}/Assets
// Reference: post-api-public-v3-workgroups-workgroupid-assets
func (s *Server) createAsset(c *call) reply {
	if !c.user.admin {
		return needs(permAssetsFull)
	}
	w := s.workgroupByID(c.id(0))
	if w == nil {
		return notFound("Workgroup not found.")
	}
	var b assetBodyJSON
	if rep, ok := decodeStrict(c, &b); !ok {
		return rep
	}
	if b.IPAddress == "" {
		return badRequest("IPAddress is required.")
	}
	if b.AssetName == "" {
		b.AssetName = paddedIP(b.IPAddress)
	}
	if s.assetByName(b.AssetName) != nil {
		return errorReply(http.StatusConflict, "An asset named "+b.AssetName+" already exists.")
	}
	a := &asset{id: s.inv.assetIDs.next(), wg: w, created: c.now}
	s.setAsset(a, b, c)
	s.addAsset(a)
	return jsonReply(http.StatusCreated, a.json())
}

func (s *Server) setAsset(a *asset, b assetBodyJSON, c *call) {
	a.ip, a.name, a.dns, a.domain, a.mac, a.typ, a.os = b.IPAddress, b.AssetName, b.DnsName, b.DomainName, b.MacAddress, b.AssetType, b.OperatingSystem
	a.updated = c.now
	if c.atLeast("3.1") { // the reference: Description is set from version 3.1 on
		a.description = b.Description
	}
}

// paddedIP writes an IPv4 address with three digits a part, as the server
// names an asset created without a name.
func paddedIP(ip string) string {
	v4 := net.ParseIP(ip).To4()
	if v4 == nil {
		return ip
	}
	return fmt.Sprintf("%03d.%03d.%03d.%03d", v4[0], v4[1], v4[2], v4[3])
}

// updateAsset changes an asset: the fields the body gives (IPAddress is
// required); WorkgroupID moves it.
//
// API: PUT Assets/{id}
// Reference: put-api-public-v3-assets-id
func (s *Server) updateAsset(c *call) reply {
	if !c.user.admin {
		return needs(permAssetsFull)
	}
	a := s.assetByID(c.id(0))
	if a == nil {
		return notFound("Asset not found.")
	}
	b := assetBodyJSON{WorkgroupID: a.wg.id, AssetName: a.name, DnsName: a.dns, DomainName: a.domain, MacAddress: a.mac,
		AssetType: a.typ, OperatingSystem: a.os, Description: a.description}
	if rep, ok := decodeStrict(c, &b); !ok {
		return rep
	}
	w := s.workgroupByID(b.WorkgroupID)
	switch {
	case b.IPAddress == "":
		return badRequest("IPAddress is required.")
	case w == nil:
		return badRequest(fmt.Sprintf("Workgroup %d does not exist.", b.WorkgroupID))
	}
	if other := s.assetByName(b.AssetName); other != nil && other != a {
		return errorReply(http.StatusConflict, "An asset named "+b.AssetName+" already exists.")
	}
	a.wg = w
	s.setAsset(a, b, c)
	return jsonReply(http.StatusOK, a.json())
}

// deleteAsset deletes an asset and its databases; a managed system on it
// stays, without an asset.
//
// API: DELETE Assets/{id}
// Reference: delete-api-public-v3-assets-id
func (s *Server) deleteAsset(c *call) reply {
	if !c.user.admin {
		return needs(permAssetsFull)
	}
	a := s.assetByID(c.id(0))
	if a == nil {
		return notFound("Asset not found.")
	}
	s.inv.assets = slices.DeleteFunc(s.inv.assets, func(o *asset) bool { return o == a })
	s.inv.databases = slices.DeleteFunc(s.inv.databases, func(d *database) bool { return d.asset == a })
	for _, x := range s.inv.sys {
		if x.asset == a {
			x.asset = nil
		}
		if x.database != nil && x.database.asset == a {
			x.database = nil
		}
	}
	return reply{status: http.StatusOK}
}

// searchAssets answers the assets that match every criterion given, case
// aside: AssetName, DnsName, DomainName, MacAddress and AssetType exactly,
// IPAddress as one address, a comma-separated list, a range (a-b) or a
// CIDR block. No criterion is 400. Paged as the lists are.
//
// API: POST Assets/Search?limit=&offset=
// Reference: post-api-public-v3-assets-search
func (s *Server) searchAssets(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	var b struct{ AssetName, DnsName, DomainName, IPAddress, MacAddress, AssetType, OperatingSystem, Description string }
	if rep, ok := decodeStrict(c, &b); !ok {
		return rep
	}
	if b.AssetName+b.DnsName+b.DomainName+b.IPAddress+b.MacAddress+b.AssetType == "" {
		return badRequest("At least one search criterion is required.")
	}
	eq := func(want, have string) bool { return want == "" || strings.EqualFold(want, have) }
	return pageOf(c, s.assetsJSON(func(a *asset) bool {
		return eq(b.AssetName, a.name) && eq(b.DnsName, a.dns) && eq(b.DomainName, a.domain) &&
			eq(b.MacAddress, a.mac) && eq(b.AssetType, a.typ) && (b.IPAddress == "" || ipMatches(b.IPAddress, a.ip))
	}))
}

// ipMatches reports whether ip is in the search's address list: single
// addresses, ranges a-b and CIDR blocks, comma-separated.
func ipMatches(search, ip string) bool {
	addr := net.ParseIP(ip)
	for _, part := range strings.Split(search, ",") {
		part = strings.TrimSpace(part)
		if lo, hi, ok := strings.Cut(part, "-"); ok {
			l, h := net.ParseIP(strings.TrimSpace(lo)), net.ParseIP(strings.TrimSpace(hi))
			if addr != nil && l != nil && h != nil && bytes.Compare(addr.To16(), l.To16()) >= 0 && bytes.Compare(addr.To16(), h.To16()) <= 0 {
				return true
			}
			continue
		}
		if _, block, err := net.ParseCIDR(part); err == nil {
			if addr != nil && block.Contains(addr) {
				return true
			}
			continue
		}
		if p := net.ParseIP(part); p != nil && addr != nil && p.Equal(addr) || strings.EqualFold(part, ip) {
			return true
		}
	}
	return false
}

// ---- Databases ----

// databaseJSON is a database as GET Databases answers it [REF:
// get-api-public-v3-databases; the vendor's Go client's DatabaseResponse].
type databaseJSON struct {
	AssetID           int
	DatabaseID        int
	PlatformID        int
	InstanceName      string
	IsDefaultInstance bool
	Port              int
	Version           *string
	Template          *string
}

func (d *database) json() databaseJSON {
	return databaseJSON{AssetID: d.asset.id, DatabaseID: d.id, PlatformID: d.platformID, InstanceName: d.instance,
		IsDefaultInstance: d.isDefault, Port: d.port, Version: nullString(d.version), Template: nullString(d.template)}
}

func (s *Server) databasesJSON(keep func(*database) bool) []databaseJSON {
	out := []databaseJSON{}
	for _, d := range s.inv.databases {
		if keep(d) {
			out = append(out, d.json())
		}
	}
	return out
}

// listDatabases answers every database.
//
// API: GET Databases
// Reference: get-api-public-v3-databases
func (s *Server) listDatabases(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	return jsonReply(http.StatusOK, s.databasesJSON(func(*database) bool { return true }))
}

// getDatabase answers one database.
//
// API: GET Databases/{id}
// Reference: get-api-public-v3-databases-id
func (s *Server) getDatabase(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	d := s.databaseByID(c.id(0))
	if d == nil {
		return notFound("Database not found.")
	}
	return jsonReply(http.StatusOK, d.json())
}

// databasesOnAsset answers the databases on an asset.
//
// API: GET Assets/{assetID}/Databases
// Reference: get-api-public-v3-assets-assetid-databases
func (s *Server) databasesOnAsset(c *call) reply {
	if !c.user.readsAssets() {
		return needs(permAssetsRead)
	}
	a := s.assetByID(c.id(0))
	if a == nil {
		return notFound("Asset not found.")
	}
	return jsonReply(http.StatusOK, s.databasesJSON(func(d *database) bool { return d.asset == a }))
}
