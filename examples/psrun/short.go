package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/passwordsafe-go/passwordsafe"
)

// runner is what a command runs with: the client, the options, and where
// its result goes.
type runner struct {
	c      *passwordsafe.Client
	o      *options
	out    *sink
	stderr io.Writer
}

// verbosef prints a line on stderr with -v. It is never given a credential.
func (x *runner) verbosef(format string, a ...any) {
	if x.o.verbose {
		fmt.Fprintf(x.stderr, "psrun: "+format+"\n", a...)
	}
}

// table prints v, a typed answer, as psrun2 prints an answer: its JSON
// as a table (or as JSON with -json). The columns are the SDK's field
// names, which are the API's (-filter matches them case aside).
func (x *runner) table(v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if string(raw) == "null" { // an empty list
		raw = []byte("[]")
	}
	return x.print(raw)
}

// print prints a JSON answer as a table, or as it is with -json. An
// empty answer (204) prints nothing.
func (x *runner) print(raw []byte) error {
	var b bytes.Buffer
	switch {
	case len(bytes.TrimSpace(raw)) == 0:
	case x.o.json:
		b.Write(raw)
		if raw[len(raw)-1] != '\n' {
			b.WriteByte('\n')
		}
	default:
		if err := printTable(&b, raw, x.o); err != nil {
			return err
		}
	}
	return x.out.deliver(b.Bytes(), "")
}

// credential prints a retrieved credential, followed by the lines of more
// (a request ID), or hands it to the -e command.
func (x *runner) credential(cred string, more ...string) error {
	return x.out.deliver(lines(append([]string{cred}, more...)...), cred)
}

// lines joins values as lines. A value that already ends in a newline (a
// PEM key) gets no second one.
func lines(values ...string) []byte {
	var b bytes.Buffer
	for _, v := range values {
		b.WriteString(v)
		if len(v) == 0 || v[len(v)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// listAssets implements "ListAssets Workgroup [Limit] [Offset]".
func listAssets(ctx context.Context, x *runner, wg idOrName, limit, offset int) error {
	pg := &passwordsafe.PageOptions{Limit: limit, Offset: offset}
	var (
		assets []passwordsafe.Asset
		err    error
	)
	if wg.name != "" {
		assets, _, err = x.c.Assets.ListByWorkgroupName(ctx, wg.name, pg)
	} else {
		assets, _, err = x.c.Assets.ListByWorkgroup(ctx, wg.id, pg)
	}
	return x.show(assets, nil, err)
}

// listWorkgroups implements "ListWorkgroups".
func listWorkgroups(ctx context.Context, x *runner) error {
	return x.show(x.c.Workgroups.List(ctx))
}

// listSystems implements "ListSystems [Limit] [Offset]".
func listSystems(ctx context.Context, x *runner, limit, offset int) error {
	return x.show(x.c.ManagedSystems.List(ctx, &passwordsafe.ListManagedSystemsOptions{Limit: limit, Offset: offset}))
}

// listAccounts implements "ListAccounts [Limit] [Offset]".
func listAccounts(ctx context.Context, x *runner, limit, offset int) error {
	return x.show(x.c.ManagedAccounts.List(ctx, &passwordsafe.ListManagedAccountsOptions{Limit: limit, Offset: offset}))
}

// listAliases implements "ListAliases".
func listAliases(ctx context.Context, x *runner) error {
	return x.show(x.c.Aliases.List(ctx, nil))
}

// listGroups implements "ListGroups".
func listGroups(ctx context.Context, x *runner) error {
	return x.show(x.c.UserGroups.List(ctx))
}

// listGroupMembers implements "ListGroupMembership Group": a name is
// looked up first (UserGroups.Find).
func listGroupMembers(ctx context.Context, x *runner, g idOrName) error {
	id := g.id
	if g.name != "" {
		group, _, err := x.c.UserGroups.Find(ctx, g.name)
		if err != nil {
			return err
		}
		id = group.GroupID
	}
	return x.show(x.c.UserGroups.Members(ctx, id))
}

// listRequests implements "ListRequest".
func listRequests(ctx context.Context, x *runner) error {
	return x.show(x.c.Requests.List(ctx, nil))
}

// listSmartRules implements "ListSmartRules".
func listSmartRules(ctx context.Context, x *runner) error {
	return x.show(x.c.UserGroups.ListSmartRules(ctx, nil))
}

// listRoles implements "ListRoles". The SDK has no typed call for GET
// Roles: the answer is printed as the server sends it.
//
// API: GET Roles
// Reference: get-api-public-v3-roles
// Needs: Password Safe Role Management (Read).
func listRoles(ctx context.Context, x *runner) error {
	var raw []byte
	if _, err := x.c.Do(ctx, http.MethodGet, "Roles", nil, &raw); err != nil {
		return err
	}
	return x.print(raw)
}

// show prints the list a typed call returned, or returns its error.
func (x *runner) show(list any, _ *passwordsafe.Response, err error) error {
	if err != nil {
		return err
	}
	return x.table(list)
}

// ids returns the system and account IDs of ref: as given, or found by
// name (ManagedAccounts.Get).
func ids(ctx context.Context, x *runner, ref accountRef) (systemID, accountID int, err error) {
	if ref.byID() {
		return ref.systemID, ref.accountID, nil
	}
	acct, _, err := x.c.ManagedAccounts.Get(ctx, ref.system, ref.account)
	if err != nil {
		return 0, 0, err
	}
	return acct.SystemID, acct.AccountID, nil
}

// request implements "Request System Account [Reason] [DurationMinutes]":
// it prints the new request's ID, as POST Requests answers it.
func request(ctx context.Context, x *runner, ref accountRef, t terms) error {
	sys, acct, err := ids(ctx, x, ref)
	if err != nil {
		return err
	}
	created, _, err := x.c.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: sys, AccountID: acct, DurationMinutes: durationOr(t.duration), Reason: t.reason,
	})
	if err != nil {
		return err
	}
	return x.out.deliver(lines(strconv.Itoa(created.RequestID)), "")
}

// durationOr is the DurationMinutes given, or psrun2's default, 10.
func durationOr(d int) int {
	if d == 0 {
		return 10
	}
	return d
}

// isaRequest implements "ISARequests System Account [Reason]
// [DurationMinutes] [Type]": the credential, released at once.
func isaRequest(ctx context.Context, x *runner, ref accountRef, t terms) error {
	sys, acct, err := ids(ctx, x, ref)
	if err != nil {
		return err
	}
	opts := &passwordsafe.ISARequestOptions{SystemID: sys, AccountID: acct, Reason: t.reason,
		CredentialType: passwordsafe.CredentialType(t.credType)}
	if t.duration != 0 {
		opts.DurationMinutes = &t.duration
	}
	cred, _, err := x.c.Requests.ISARequest(ctx, opts)
	if err != nil {
		return err
	}
	return x.credential(cred.Value())
}

// retrieveCredential implements "Retrieve RequestID [Type]".
func retrieveCredential(ctx context.Context, x *runner, requestID int, typ string) error {
	cred, _, err := x.c.Requests.Credentials(ctx, requestID, &passwordsafe.CredentialsOptions{Type: passwordsafe.CredentialType(typ)})
	if err != nil {
		return err
	}
	return x.credential(cred.Value())
}

// release implements "Release RequestID [Reason]".
func release(ctx context.Context, x *runner, requestID int, reason string) error {
	if _, err := x.c.Requests.Checkin(ctx, requestID, reason); err != nil {
		return err
	}
	x.verbosef("request %d checked in", requestID)
	return nil
}
