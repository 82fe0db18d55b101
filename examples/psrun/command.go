package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// command is what the positional arguments ask for: HOST KEY USER, then
// METHOD ENDPOINT [Name=Value ...] or a short command and its parameters.
type command struct {
	host, key, user string
	name            string // the method or the short command, as psrun prints it
	run             action // ready to run: every parameter is checked
}

// action runs a command's API calls once the client is built.
type action func(ctx context.Context, x *runner) error

// shortCommand is one of psrun2's short commands: its parameters are
// positional, in the order params gives them.
type shortCommand struct {
	name, alias string
	params      string // as the usage shows them
	api         string // what it calls
	help        string
	min, max    int // how many parameters
	parse       func(p []string, r *retrieveOptions, retrieveFlags []string) (action, error)
}

// shortCommands lists psrun2's short commands ("PSRUN User Guide", page
// "Short Commands", www.beyondtrust.com/docs/beyondinsight-password-safe/
// ps/psrun/short-commands.htm), with RetrieveSecret, psrun's own. Each
// runs typed SDK calls, whose doc comments name their reference pages. The
// guide's stored copy stops after ListAssets: the parameters of the
// commands after it follow their routes (Limit and Offset where the route
// pages, a group by ID or name, a request by ID).
func shortCommands() []*shortCommand {
	return []*shortCommand{
		{name: "RetrievePassword", alias: "RetrievePasswordByName", params: "System Account [Reason] [DurationMinutes] [Type] [DoNotRelease|-p]",
			api:  "GET ManagedAccounts, POST Requests, GET Credentials/{id}, PUT Requests/{id}/Checkin; POST ISARequests with ISA access",
			help: "find the account (names, or IDs: not mixed), request it, wait for approval, print its\ncredential and check the request in; ISA access when the account grants it",
			min:  2, max: 6, parse: parseRetrievePassword},
		{name: "RetrieveSecret", params: "Path", api: "GET Secrets-Safe/Secrets?Path=&Title= (and .../file/download)",
			help: "print the Secrets Safe secret at Path (folder path and title, prod/db/postgres)",
			min:  1, max: 1, parse: parseRetrieveSecret},
		{name: "ListAssets", params: "Workgroup [Limit] [Offset]", api: "GET Workgroups/{id or name}/Assets",
			help: "the assets of a workgroup, by ID or name", min: 1, max: 3, parse: parseListAssets},
		{name: "ListWorkgroups", api: "GET Workgroups", help: "the workgroups", parse: listOf(listWorkgroups)},
		{name: "ListSystems", params: "[Limit] [Offset]", api: "GET ManagedSystems", help: "the managed systems",
			max: 2, parse: parseListSystems},
		{name: "ListAccounts", params: "[Limit] [Offset]", api: "GET ManagedAccounts",
			help: "the managed accounts you may request", max: 2, parse: parseListAccounts},
		{name: "ListAliases", api: "GET Aliases", help: "the managed account aliases", parse: listOf(listAliases)},
		{name: "ListGroups", api: "GET UserGroups", help: "the user groups", parse: listOf(listGroups)},
		{name: "ListGroupMembership", params: "Group", api: "GET UserGroups/{id}/Users (GET UserGroups?name= for a name)",
			help: "the users of a group, by ID or name", min: 1, max: 1, parse: parseListGroupMembership},
		{name: "ListRequest", api: "GET Requests", help: "your requests", parse: listOf(listRequests)},
		{name: "ListRoles", api: "GET Roles", help: "the Password Safe roles", parse: listOf(listRoles)},
		{name: "ListSmartRules", api: "GET SmartRules", help: "the Smart Rules you may read", parse: listOf(listSmartRules)},
		{name: "Request", params: "System Account [Reason] [DurationMinutes]", api: "POST Requests (GET ManagedAccounts for names)",
			help: "request an account (names, or IDs) and print the request ID", min: 2, max: 4, parse: parseRequest},
		{name: "ISARequests", params: "System Account [Reason] [DurationMinutes] [Type]", api: "POST ISARequests (GET ManagedAccounts for names)",
			help: "release an account's credential through ISA access and print it", min: 2, max: 5, parse: parseISARequest},
		{name: "Retrieve", params: "RequestID [Type]", api: "GET Credentials/{id}",
			help: "print the credential of an approved request", min: 1, max: 2, parse: parseRetrieve},
		{name: "Release", params: "RequestID [Reason]", api: "PUT Requests/{id}/Checkin",
			help: "check a request in", min: 1, max: 2, parse: parseRelease},
	}
}

// lookupShort finds a short command by its name or alias, case aside.
func lookupShort(name string) *shortCommand {
	for _, sc := range shortCommands() {
		if strings.EqualFold(sc.name, name) || (sc.alias != "" && strings.EqualFold(sc.alias, name)) {
			return sc
		}
	}
	return nil
}

// methods are the HTTP methods psrun sends, as psrun2 does.
var methods = []string{"GET", "PUT", "POST", "DELETE"}

func isMethod(s string) bool {
	for _, m := range methods {
		if strings.EqualFold(s, m) {
			return true
		}
	}
	return false
}

// looksLikeMethod: a word in capitals (PATCH, HEAD, OPTIONS) is taken
// for a method psrun does not send rather than for a short command.
func looksLikeMethod(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < 'A' || r > 'Z' })
}

const (
	usageCall  = "usage: psrun [options] HOST KEY USER METHOD ENDPOINT [Name=Value ...]"
	usageShort = "usage: psrun [options] HOST KEY USER SHORT-COMMAND [PARAMETERS ...]"
)

// usageError is a command line psrun cannot read: usage is the line (or
// lines) that fits it, printed after the error.
type usageError struct {
	err   error
	usage string
}

func (e usageError) Error() string { return e.err.Error() }

func (e usageError) Unwrap() error { return e.err }

func usagef(usage, format string, a ...any) error {
	return usageError{err: fmt.Errorf(format, a...), usage: usage}
}

// shortUsage is the usage line of one short command.
func shortUsage(sc *shortCommand) string {
	return strings.TrimSpace("usage: psrun [options] HOST KEY USER " + sc.name + " " + sc.params)
}

// shortList names the short commands, for an unknown one.
func shortList() string {
	var names []string
	for _, sc := range shortCommands() {
		names = append(names, sc.name)
	}
	return usageShort + "\nshort commands: " + strings.Join(names, ", ") + " (psrun --help says more)"
}

// parseCommand reads HOST KEY USER and then METHOD ENDPOINT [pairs] or a
// short command with its parameters. retrieveFlags are the RetrievePassword
// flags given: with any other command they are a mistake.
func parseCommand(args []string, r *retrieveOptions, retrieveFlags []string) (*command, error) {
	if len(args) < 4 {
		return nil, usagef(usageCall+"\n"+usageShort, "need HOST KEY USER, then METHOD ENDPOINT or a short command")
	}
	cmd := &command{host: args[0], key: args[1], user: args[2], name: args[3]}
	word, rest := args[3], args[4:]
	sc := lookupShort(word)
	switch {
	case isMethod(word):
		if len(rest) == 0 {
			return nil, usagef(usageCall, "%s needs an ENDPOINT", word)
		}
		if len(retrieveFlags) > 0 {
			return nil, fmt.Errorf("%s: a RetrievePassword flag, not for %s %s", strings.Join(retrieveFlags, ", "), word, rest[0])
		}
		run, err := parseCall(strings.ToUpper(word), rest[0], rest[1:])
		if err != nil {
			return nil, err
		}
		cmd.run, cmd.name = run, strings.ToUpper(word)
		return cmd, nil
	case sc == nil && looksLikeMethod(word):
		return nil, usagef(usageCall, "method %q: psrun sends GET, PUT, POST or DELETE", word)
	case sc == nil:
		return nil, usagef(shortList(), "unknown short command %q%s", word, misplaced(args[:3]))
	case len(rest) < sc.min || len(rest) > sc.max:
		return nil, usagef(shortUsage(sc), "%s takes %s", sc.name, countParams(sc))
	case sc.name != "RetrievePassword" && len(retrieveFlags) > 0:
		return nil, fmt.Errorf("%s: a RetrievePassword flag, not for %s", strings.Join(retrieveFlags, ", "), sc.name)
	}
	cmd.name = sc.name
	run, err := sc.parse(rest, r, retrieveFlags)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.name, err)
	}
	cmd.run = run
	return cmd, nil
}

// misplaced says so when a method sits where HOST, KEY or USER goes:
// USER (or more) is missing.
func misplaced(hku []string) string {
	places := []string{"HOST", "KEY", "USER"}
	for i, a := range hku {
		if isMethod(a) {
			return fmt.Sprintf(" (%s is where %s goes: is an argument missing?)", a, places[i])
		}
	}
	return ""
}

func countParams(sc *shortCommand) string {
	switch {
	case sc.max == 0:
		return "no parameters"
	case sc.min == sc.max:
		return fmt.Sprintf("%d: %s", sc.min, sc.params)
	}
	return fmt.Sprintf("%d to %d: %s", sc.min, sc.max, sc.params)
}

// parseInt reads a whole number in [lo, hi], named name in the error.
func parseInt(name, s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s %q: want a whole number from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

// isDigits reports whether s is all ASCII digits: an ID rather than a name.
func isDigits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// parseID reads an ID: 1 to 2147483647.
func parseID(name, s string) (int, error) { return parseInt(name, s, 1, math.MaxInt32) }

// idOrName is a workgroup or group given by ID (all digits) or by name.
type idOrName struct {
	id   int
	name string
}

func parseIDOrName(what, s string) (idOrName, error) {
	if !isDigits(s) {
		if strings.TrimSpace(s) == "" {
			return idOrName{}, fmt.Errorf("%s is empty", what)
		}
		return idOrName{name: s}, nil
	}
	id, err := parseID(what, s)
	return idOrName{id: id}, err
}

// page reads the optional [Limit] [Offset].
func page(p []string) (limit, offset int, err error) {
	if len(p) > 0 {
		if limit, err = parseInt("Limit", p[0], 1, math.MaxInt32); err != nil {
			return 0, 0, err
		}
	}
	if len(p) > 1 {
		if offset, err = parseInt("Offset", p[1], 0, math.MaxInt32); err != nil {
			return 0, 0, err
		}
	}
	return limit, offset, nil
}

// accountRef names a managed account: both by name, or both by ID.
type accountRef struct {
	system, account     string
	systemID, accountID int
}

func (a accountRef) byID() bool { return a.systemID != 0 }

// parseAccountRef reads System Account: names, or IDs (all digits), not
// one of each (psrun2's rule).
func parseAccountRef(system, account string) (accountRef, error) {
	switch sysID, acctID := isDigits(system), isDigits(account); {
	case sysID && acctID:
		s, err := parseID("System", system)
		if err != nil {
			return accountRef{}, err
		}
		a, err := parseID("Account", account)
		return accountRef{systemID: s, accountID: a}, err
	case sysID || acctID:
		return accountRef{}, fmt.Errorf("names and IDs mixed (System %q, Account %q): give both as names or both as IDs", system, account)
	case strings.TrimSpace(system) == "" || strings.TrimSpace(account) == "":
		return accountRef{}, errors.New("empty System or Account: give both")
	}
	return accountRef{system: system, account: account}, nil
}

// credTypes are the Type values, as the API spells them.
var credTypes = []string{"password", "dsskey", "passphrase"}

func isCredType(s string) bool {
	for _, t := range credTypes {
		if strings.EqualFold(s, t) {
			return true
		}
	}
	return false
}

// terms are the optional parameters after System Account: [Reason]
// [DurationMinutes] [Type] [DoNotRelease], each in its place.
type terms struct {
	reason             string
	hasReason          bool
	duration           int // 0: not given
	credType           string
	doNotRelease       bool
	allowType, allowDN bool
}

// parse reads p, the parameters after System Account, in order:
// Reason, then DurationMinutes (a number), Type (password, dsskey,
// passphrase) and DoNotRelease, each optional but in that order.
func (t *terms) parse(p []string) error {
	if len(p) == 0 {
		return nil
	}
	t.reason, t.hasReason = p[0], true
	want := "[DurationMinutes]"
	if t.allowType {
		want += " [Type]"
	}
	if t.allowDN {
		want += " [DoNotRelease|-p]"
	}
	stage := 0 // 1: past the duration, 2: past the type, 3: past DoNotRelease
	for _, a := range p[1:] {
		switch {
		case stage < 1 && isDigits(a):
			d, err := parseInt("DurationMinutes", a, 1, 525600)
			if err != nil {
				return err
			}
			t.duration, stage = d, 1
		case stage < 2 && t.allowType && isCredType(a):
			t.credType, stage = strings.ToLower(a), 2
		case stage < 3 && t.allowDN && strings.EqualFold(a, "DoNotRelease"):
			t.doNotRelease, stage = true, 3
		default:
			return fmt.Errorf("unexpected %q after Reason: want %s, in that order", a, want)
		}
	}
	return nil
}

// parseRetrievePassword reads psrun2's System Account Reason
// [DurationMinutes] [Type] [DoNotRelease|-p] into r, where psrun's flags
// (-reason, -duration, -type, -keep) may have put them already: a value
// given both ways is refused, so that neither silently wins.
func parseRetrievePassword(p []string, r *retrieveOptions, flags []string) (action, error) {
	ref, err := parseAccountRef(p[0], p[1])
	if err != nil {
		return nil, err
	}
	t := terms{allowType: true, allowDN: true}
	if err := t.parse(p[2:]); err != nil {
		return nil, err
	}
	twice := func(flag string, positional bool) error {
		for _, f := range flags {
			if f == flag && positional {
				return fmt.Errorf("%s and the positional value both set it: give it once", flag)
			}
		}
		return nil
	}
	if err := errors.Join(twice("-reason", t.hasReason), twice("-duration", t.duration != 0), twice("-type", t.credType != "")); err != nil {
		return nil, err
	}
	if t.hasReason {
		r.reason = t.reason
	}
	if t.duration != 0 {
		r.duration = t.duration
	}
	if t.credType != "" {
		r.credType = t.credType
	}
	r.keep = r.keep || t.doNotRelease
	if err := r.check(); err != nil {
		return nil, err
	}
	return func(ctx context.Context, x *runner) error { return retrievePassword(ctx, x, ref, r) }, nil
}

func (r *retrieveOptions) check() error {
	r.credType = strings.ToLower(r.credType)
	if !isCredType(r.credType) {
		return fmt.Errorf("-type %q: want password, dsskey or passphrase", r.credType)
	}
	if r.duration < 1 || r.duration > 525600 {
		return fmt.Errorf("-duration %d: want 1-525600 minutes", r.duration)
	}
	return nil
}

func parseRetrieveSecret(p []string, _ *retrieveOptions, _ []string) (action, error) {
	path := p[0]
	return func(ctx context.Context, x *runner) error { return retrieveSecret(ctx, x, path) }, nil
}

func parseListAssets(p []string, _ *retrieveOptions, _ []string) (action, error) {
	wg, err := parseIDOrName("Workgroup", p[0])
	if err != nil {
		return nil, err
	}
	limit, offset, err := page(p[1:])
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, x *runner) error { return listAssets(ctx, x, wg, limit, offset) }, nil
}

func parseListSystems(p []string, _ *retrieveOptions, _ []string) (action, error) {
	limit, offset, err := page(p)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, x *runner) error { return listSystems(ctx, x, limit, offset) }, nil
}

func parseListAccounts(p []string, _ *retrieveOptions, _ []string) (action, error) {
	limit, offset, err := page(p)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, x *runner) error { return listAccounts(ctx, x, limit, offset) }, nil
}

func parseListGroupMembership(p []string, _ *retrieveOptions, _ []string) (action, error) {
	g, err := parseIDOrName("Group", p[0])
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, x *runner) error { return listGroupMembers(ctx, x, g) }, nil
}

// listOf is the parser of a short command without parameters.
func listOf(run action) func([]string, *retrieveOptions, []string) (action, error) {
	return func([]string, *retrieveOptions, []string) (action, error) { return run, nil }
}

func parseRequest(p []string, _ *retrieveOptions, _ []string) (action, error) {
	return accountAction(p, terms{}, request)
}

func parseISARequest(p []string, _ *retrieveOptions, _ []string) (action, error) {
	return accountAction(p, terms{allowType: true}, isaRequest)
}

// accountAction reads System Account and the terms t allows after them,
// for run.
func accountAction(p []string, t terms, run func(context.Context, *runner, accountRef, terms) error) (action, error) {
	ref, err := parseAccountRef(p[0], p[1])
	if err != nil {
		return nil, err
	}
	if err := t.parse(p[2:]); err != nil {
		return nil, err
	}
	return func(ctx context.Context, x *runner) error { return run(ctx, x, ref, t) }, nil
}

func parseRetrieve(p []string, _ *retrieveOptions, _ []string) (action, error) {
	id, err := parseID("RequestID", p[0])
	if err != nil {
		return nil, err
	}
	typ := ""
	if len(p) > 1 {
		if !isCredType(p[1]) {
			return nil, fmt.Errorf("unknown Type %q: want password, dsskey or passphrase", p[1])
		}
		typ = strings.ToLower(p[1])
	}
	return func(ctx context.Context, x *runner) error { return retrieveCredential(ctx, x, id, typ) }, nil
}

func parseRelease(p []string, _ *retrieveOptions, _ []string) (action, error) {
	id, err := parseID("RequestID", p[0])
	if err != nil {
		return nil, err
	}
	reason := ""
	if len(p) > 1 {
		reason = p[1]
	}
	return func(ctx context.Context, x *runner) error { return release(ctx, x, id, reason) }, nil
}

// parseCall reads METHOD ENDPOINT [Name=Value ...].
func parseCall(method, path string, p []string) (action, error) {
	params, err := parsePairs(p)
	if err != nil {
		return nil, usagef(usageCall, "%w", err)
	}
	return func(ctx context.Context, x *runner) error { return call(ctx, x, method, path, params) }, nil
}
