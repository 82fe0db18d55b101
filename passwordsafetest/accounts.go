package passwordsafetest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// managedAccountJSON is a requestable ManagedAccount, spelled as the server
// sends it (SystemId and AccountId, unlike Requests).
type managedAccountJSON struct {
	PlatformID             int
	SystemID               int `json:"SystemId"`
	SystemName             string
	DomainName             *string
	AccountID              int `json:"AccountId"`
	AccountName            string
	InstanceName           *string
	UserPrincipalName      *string
	ApplicationID          *int
	ApplicationDisplayName *string
	DefaultReleaseDuration int
	MaximumReleaseDuration int
	LastChangeDate         *string
	NextChangeDate         *string
	IsChanging             bool
	ChangeState            int
	IsISAAccess            bool
	PreferredNodeID        string
	AccountDescription     *string
}

// pagedJSON is the {TotalCount, Data} wrapper (see WithPagedManagedAccounts).
type pagedJSON struct {
	TotalCount int
	Data       any
}

// application is the account's application on a system of type
// "application": the lowest ApplicationID.
func (a *account) application() (int, string, bool) {
	if a.sys.typ != "application" || len(a.apps) == 0 {
		return 0, "", false
	}
	id := -1
	for k := range a.apps {
		if id < 0 || k < id {
			id = k
		}
	}
	return id, a.apps[id], true
}

func (a *account) managedJSON(caller *user) managedAccountJSON {
	out := managedAccountJSON{
		PlatformID: a.sys.platformID, SystemID: a.sys.id, SystemName: a.sys.name,
		DomainName: nullString(a.domain), AccountID: a.id, AccountName: a.name,
		InstanceName: nullString(a.instance), UserPrincipalName: nullString(a.upn),
		DefaultReleaseDuration: a.defRelease, MaximumReleaseDuration: a.maxRelease,
		LastChangeDate: date(a.lastChange, dateLayoutAccounts), IsISAAccess: caller.isa,
		PreferredNodeID: NodeID, AccountDescription: nullString(a.description),
	}
	if id, name, ok := a.application(); ok {
		out.ApplicationID, out.ApplicationDisplayName = &id, &name
	}
	return out
}

// managedAccounts answers the accounts the caller may request, filtered by
// the query. With both systemName and accountName it answers one object
// (404 when none matches); otherwise a list, cut by offset and limit
// (default 1000), also for an accountName alone that names a domain account
// by DOMAIN\name or UPN (a list of the one account, or []). Names compare
// case-insensitively; an account is named by its name, DOMAIN\name or UPN.
// Settled by the reference, which answers "a list of managed accounts (or
// a single managed account depending on the query parameters provided)"
// (beyondtrust.com/docs/beyondinsight-password-safe/ps/api/password-safe/
// managed-accounts.htm, GET ManagedAccounts; docs.beyondtrust.com/bips/
// reference/get-api-public-v3-managedaccounts), and by the vendor's Go
// library (go-client-library-passwordsafe, api/managed_account), whose
// lookup by name always sends both names and reads one object.
//
// The reference documents no {"TotalCount": N, "Data": [...]} wrapper for
// this endpoint, the vendor's Go and Python clients read a bare list, and
// its .NET client declares a wrapper type it never uses; so the fake answers
// a bare list at every API version unless WithPagedManagedAccounts says
// otherwise. The reference lists type=recent only in its newer revision;
// the fake serves it as the accounts the caller requested, most recent
// first.
//
// API: GET ManagedAccounts?type=&systemName=&accountName=&systemID=&workgroupName=&applicationDisplayName=&ipAddress=&limit=&offset=
func (s *Server) managedAccounts(c *call) reply {
	get := func(name string) (string, bool) {
		v, ok := c.query(name)
		return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
	}
	typ, hasType := get("type")
	typ = strings.ToLower(typ)
	if hasType && typ != "recent" && !slices.Contains(systemTypes, typ) {
		return badRequest("type must be system, recent, domainlinked, database, cloud or application.")
	}
	sysName, hasSys := get("systemName")
	acctName, hasAcct := get("accountName")
	workgroup, hasWorkgroup := get("workgroupName")
	appName, hasApp := get("applicationDisplayName")
	ip, hasIP := get("ipAddress")
	if hasApp && typ != "application" {
		return badRequest("applicationDisplayName requires type=application.")
	}
	if hasIP && typ != "system" && typ != "domainlinked" && typ != "database" {
		return badRequest("ipAddress requires type system, domainlinked or database.")
	}
	systemID, err := intParam(c, "systemID", 1)
	if err != "" {
		return badRequest(err)
	}
	limit, err := intParam(c, "limit", 0)
	if err != "" {
		return badRequest(err)
	}
	if limit == 0 {
		limit = 1000
	}
	offset, err := intParam(c, "offset", 0)
	if err != "" {
		return badRequest(err)
	}

	candidates := s.accounts
	if typ == "recent" {
		candidates = s.recentAccounts(c.user)
	}
	var found []*account
	if c.user.mayRequestAccounts() {
		for _, a := range candidates {
			if hasType && typ != "recent" && a.sys.typ != typ ||
				hasSys && !strings.EqualFold(a.sys.name, sysName) ||
				hasAcct && !a.named(acctName) ||
				systemID != 0 && a.sys.id != systemID ||
				hasWorkgroup && !strings.EqualFold(a.sys.workgroup, workgroup) ||
				hasIP && a.sys.ip != ip {
				continue
			}
			if hasApp {
				if _, name, ok := a.application(); !ok || !strings.EqualFold(name, appName) {
					continue
				}
			}
			found = append(found, a)
		}
	}
	if hasAcct && hasSys {
		if len(found) == 0 {
			return notFound("Managed Account not found")
		}
		return jsonReply(http.StatusOK, found[0].managedJSON(c.user))
	}
	total := len(found)
	found = found[min(offset, total):min(offset+limit, total)]
	out := make([]managedAccountJSON, 0, len(found))
	for _, a := range found {
		out = append(out, a.managedJSON(c.user))
	}
	if s.cfg.pagedAccountsFrom != "" && c.atLeast(s.cfg.pagedAccountsFrom) {
		return jsonReply(http.StatusOK, pagedJSON{TotalCount: total, Data: out})
	}
	return jsonReply(http.StatusOK, out)
}

// intParam reads a whole-number query parameter of at least lowest; 0
// when absent. It returns a 400 message when the value is bad.
func intParam(c *call, name string, lowest int) (int, string) {
	v, ok := c.query(name)
	if !ok || strings.TrimSpace(v) == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lowest || n > 1<<30 {
		return 0, name + " must be a whole number, " + strconv.Itoa(lowest) + " or more."
	}
	return n, ""
}

// recentAccounts are the accounts u requested, most recently first.
func (s *Server) recentAccounts(u *user) []*account {
	ids := make([]int, 0, len(s.requests))
	for id, rq := range s.requests {
		if rq.owner == u {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []*account
	for i := len(ids) - 1; i >= 0; i-- {
		if a := s.requests[ids[i]].acct; !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}
