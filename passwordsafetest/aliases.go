package passwordsafetest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// aliasJSON is the Alias object. The server spells SystemId and AccountId
// this way here (unlike Requests).
type aliasJSON struct {
	AliasID                int
	AliasName              string
	AliasState             int
	SystemID               *int    `json:"SystemId"`
	SystemName             *string `json:"SystemName"`
	AccountID              *int    `json:"AccountId"`
	AccountName            *string `json:"AccountName"`
	DomainName             *string `json:"DomainName"`
	InstanceName           *string `json:"InstanceName"`
	DefaultReleaseDuration int
	MaximumReleaseDuration int
	LastChangeDate         *string
	NextChangeDate         *string
	IsChanging             bool
	ChangeState            int
	MappedAccounts         []mappedAccountJSON
}

type mappedAccountJSON struct {
	AliasID          int
	ManagedSystemID  int
	ManagedAccountID int
	Status           int
}

func (al *alias) json() aliasJSON {
	out := aliasJSON{
		AliasID: al.id, AliasName: al.name, AliasState: al.state(),
		MappedAccounts: []mappedAccountJSON{},
	}
	if a := al.current(); a != nil {
		out.DefaultReleaseDuration, out.MaximumReleaseDuration = a.defRelease, a.maxRelease
		out.SystemID, out.SystemName = &a.sys.id, &a.sys.name
		out.AccountID, out.AccountName = &a.id, &a.name
		out.DomainName = nullString(a.domain)
		out.LastChangeDate = date(a.lastChange, dateLayoutAccounts)
	}
	for i, m := range al.mapped {
		status := 1 // the account requests go to
		if i > 0 {
			status = 2 // a standby of a highly available alias
		}
		out.MappedAccounts = append(out.MappedAccounts, mappedAccountJSON{
			AliasID: al.id, ManagedSystemID: m.sys.id, ManagedAccountID: m.id, Status: status,
		})
	}
	return out
}

func aliasNotFound(what string) reply { return notFound("Alias " + what + " was not found.") }

// listAliases lists the aliases in the given states (default 1,2), or
// answers the one alias with the given name.
//
// API: GET Aliases?state=0,1,2 and GET Aliases?name=<name>
func (s *Server) listAliases(c *call) reply {
	if name, ok := c.query("name"); ok {
		for _, al := range s.aliases {
			if c.user.requestor && strings.EqualFold(al.name, name) {
				return jsonReply(http.StatusOK, al.json())
			}
		}
		return aliasNotFound(strconv.Quote(name))
	}
	states := map[int]bool{}
	for _, v := range c.queryAll("state") {
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 0 || n > 2 {
				return badRequest("state must be a comma-separated list of 0, 1 and 2.")
			}
			states[n] = true
		}
	}
	if len(states) == 0 {
		states[1], states[2] = true, true
	}
	out := []aliasJSON{}
	if c.user.requestor {
		for _, al := range s.aliases {
			if states[al.state()] {
				out = append(out, al.json())
			}
		}
	}
	return jsonReply(http.StatusOK, out)
}

// getAlias answers one alias.
//
// API: GET Aliases/{id}
func (s *Server) getAlias(c *call) reply {
	al := s.aliasByID(c.id(0))
	if al == nil || !c.user.requestor {
		return aliasNotFound(c.params[0])
	}
	return jsonReply(http.StatusOK, al.json())
}

// createAliasRequest requests the account an alias resolves to, with the
// conflict rules of POST Requests (ConflictOption reuse and a request of
// the alias still pending: 409; see createRequest).
//
// API: POST Aliases/{aliasId}/Requests
func (s *Server) createAliasRequest(c *call) reply {
	var b createBody
	if rep, ok := decodeBody(c, &b, false); !ok {
		return rep
	}
	b.SystemID, b.AccountID, b.ApplicationID = nil, nil, nil // not part of this body
	if msg := b.validate(true); msg != "" {
		return badRequest(msg)
	}
	al := s.aliasByID(c.id(0))
	if al == nil {
		return aliasNotFound(c.params[0])
	}
	if !c.user.requestor {
		return forbidden(4032, msgRequestorOnly)
	}
	a := al.current()
	if a == nil {
		return forbidden(4031, "User does not have permission to request the alias: it is not mapped to a managed account.")
	}
	return s.newRequestLocked(c, a, al.id, &b)
}

// aliasCredentialsJSON is the answer of GET Aliases/{id}/Credentials/{requestId}.
type aliasCredentialsJSON struct {
	AliasID     int
	AliasName   string
	SystemID    int `json:"SystemId"`
	SystemName  string
	AccountID   int `json:"AccountId"`
	AccountName string
	DomainName  *string
	Password    *string
	PrivateKey  *string
	Passphrase  *string
}

// aliasCredentials answers the credential of a request made through the
// alias by the caller; only the field of the asked type is filled.
//
// API: GET Aliases/{aliasId}/Credentials/{requestId}?type=password|dsskey|passphrase
func (s *Server) aliasCredentials(c *call) reply {
	al := s.aliasByID(c.id(0))
	if al == nil {
		return aliasNotFound(c.params[0])
	}
	if rq, ok := s.requests[c.id(1)]; ok && rq.aliasID != al.id {
		return forbidden(4031, fmt.Sprintf("Request %d was not made through alias %s.", rq.id, al.name))
	}
	rq, rep, ok := s.ownLiveRequest(c, c.id(1))
	if !ok {
		return rep
	}
	typ, _ := c.query("type")
	v, ok := secretOf(rq.acct, typ)
	if !ok {
		return badRequest(msgBadCredentialType)
	}
	out := aliasCredentialsJSON{
		AliasID: al.id, AliasName: al.name,
		SystemID: rq.acct.sys.id, SystemName: rq.acct.sys.name,
		AccountID: rq.acct.id, AccountName: rq.acct.name, DomainName: nullString(rq.acct.domain),
	}
	switch strings.ToLower(typ) {
	case "dsskey":
		out.PrivateKey = &v
	case "passphrase":
		out.Passphrase = &v
	default:
		out.Password = &v
	}
	return jsonReply(http.StatusOK, out)
}

// accessLevelJSON is one entry of GET AccessLevels.
type accessLevelJSON struct {
	AccessLevelID int
	Name          string
}

// accessLevels answers the permission access levels (administrators only).
//
// API: GET AccessLevels
func (s *Server) accessLevels(c *call) reply {
	if !c.user.admin {
		return forbidden(4031, msgAdminOnly)
	}
	return jsonReply(http.StatusOK, []accessLevelJSON{
		{AccessLevelID: 1, Name: "None"},
		{AccessLevelID: 2, Name: "Read"},
		{AccessLevelID: 3, Name: "Read/Write"},
	})
}
