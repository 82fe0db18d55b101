package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	defaultPollMin = 500 * time.Millisecond
	defaultPollMax = 15 * time.Second

	// checkinTimeout bounds each call Checkout makes on a context detached
	// from the caller's (the check-in after fn, and the search for a request
	// whose creation answer was lost), so that they happen even when the
	// caller's context has ended.
	checkinTimeout = 30 * time.Second

	// postBound bounds the POST that creates the request. It runs on a
	// context detached from the caller's, so that a request the server
	// creates after the caller's deadline is known by its answer and
	// checked in; the rest of backgroundBound is left for that check-in.
	postBound = backgroundBound - checkinTimeout

	// checkinSignIns is how many more times a detached check-in is tried
	// when its session is refused (401) even after the sign-in anew that
	// every call makes once: each try may sign in again.
	checkinSignIns = 2
)

// checkoutConfig holds what the options set for Checkout beyond the polling
// waits, and the timer the tests replace to pin the polling schedule
// without waiting on the wall clock.
type checkoutConfig struct {
	releaseReused bool

	after func(time.Duration) <-chan time.Time // nil: a real timer
}

// wait waits d before the next poll, or until ctx is done.
func (cc *checkoutConfig) wait(ctx context.Context, d time.Duration) error {
	if cc.after == nil {
		return sleep(ctx, d)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-cc.after(d):
		return nil
	}
}

// Checkout borrows a credential and always gives it back. It creates the
// request, waits while the server answers 4034 (not yet approved), polling
// with capped exponential backoff (see WithCheckoutPolling) until the
// credential is released, the request is denied or expires, or ctx ends;
// then it runs fn with the password and checks the request in, whatever fn
// did: returned an error, panicked (the request is checked in, then the
// panic goes on), or outlived ctx (the check-in runs on a context detached
// from ctx, bounded to 30 s). The check-in sends opts.CheckinReason. It
// returns fn's error joined with the check-in's (errors.Join).
//
// Checkout never leaves a request of its own open, never sends POST
// Requests twice, and never runs fn on, nor checks in, a request that it
// did not create (other processes, replicas of one service, often share one
// API user), unless the server reused it for this call:
//   - Before the POST it lists the user's open requests (GET Requests).
//     When the answer to the POST is lost after it may have reached the
//     server (the connection broke, a 5xx), it lists them again: a request
//     for the same system, account, access type (View when empty) and
//     application that was not open before is the one the POST created
//     (the server allows one open request per user, account and access
//     type). Checkout carries on with it (waits, runs fn, checks it in).
//     If there is none, it returns the POST's error: nothing was created,
//     or the server reused a request that was open before, which is left
//     alone. No clock is compared, so a server whose clock is off is no
//     matter.
//   - When ctx ends while the POST is in flight, Checkout returns at once
//     a *CheckoutError with Background set: the POST goes on, on a context
//     detached from ctx, and the Client checks in what it created once its
//     answer comes, all within 2 minutes. Client.SignOut waits for that.
//   - When waiting ends before the credential is released (ctx done,
//     denied: ErrDenied, expired: ErrExpired), Checkout tries a check-in
//     and returns a *CheckoutError holding the request ID, whose message
//     says what became of the request. A requestor cannot check in a
//     pending request: it stays open until an approver denies it or it
//     expires (the error then matches ErrNotApproved, even when ctx ended
//     while a poll was in flight).
//   - When a check-in fails (other than as pending), Checkout asks GET
//     Requests whether the request is still open: a check-in that acted
//     but whose answer was lost is repeated and refused, and a denied or
//     expired request cannot be checked in. A request no longer open is
//     not reported as a failed check-in. A check-in whose session is
//     refused again after signing in anew signs in again, twice at most.
//   - A 409 (a conflicting request exists) is returned as a *CheckoutError
//     wrapping the *ErrorResponse (errors.Is(err, ErrConflict) holds) whose
//     message says which request of the user's was open for the account
//     and what to do about it.
//
// A request the server reused (ConflictReuse answered 200 with an existing
// approved request) is not checked in: it was open before Checkout and is
// not ours to release, unless the client was built WithCheckoutReleaseReused.
// The server hands over only an approved request: with a pending one it
// answers 409.
//
// API: GET Requests, POST Requests, GET Credentials/{id},
// PUT Requests/{id}/Checkin; GET Requests again when the POST's answer is
// lost or a check-in fails.
// Needs: the Requestor or Requestor/Approver role on the account.
func (s *RequestsService) Checkout(ctx context.Context, opts *CreateRequestOptions,
	fn func(ctx context.Context, cred Secret) error) error {
	if fn == nil {
		return invalid("fn", "is required")
	}
	if err := opts.validate(); err != nil {
		return err
	}
	return checkout(ctx, s.client, s.spec(opts, false),
		func(ctx context.Context, id int, _ bool) (Secret, error) {
			cred, _, err := s.Credentials(ctx, id, nil)
			return cred, err
		}, fn)
}

// spec describes a checkout through POST Requests with a validated body.
func (s *RequestsService) spec(opts *CreateRequestOptions, releaseReused bool) *requestSpec {
	sp := &requestSpec{
		path:          "Requests",
		create:        func(ctx context.Context) (*CreatedRequest, *Response, error) { return s.Create(ctx, opts) },
		access:        opts.AccessType,
		conflict:      opts.ConflictOption,
		checkinReason: opts.CheckinReason,
		releaseReused: releaseReused,
		owns: func(_ context.Context, r *openRequest) (bool, error) {
			return r.SystemID == opts.SystemID && r.AccountID == opts.AccountID, nil
		},
	}
	if opts.ApplicationID != nil {
		sp.appID = *opts.ApplicationID
	}
	return sp
}

// Checkout borrows a credential through an alias and always gives it back,
// as RequestsService.Checkout does, with the same guarantees; fn gets the
// account with its password, key and passphrase. The check-in sends
// opts.CheckinReason.
//
// When the POST's answer is lost, the request it created is recognised in
// GET Requests by its AliasID. A server that leaves AliasID empty is
// handled too: the request must then be for the alias's preferred account
// or one of its mapped accounts (read with GET Aliases/{aliasId}, only in
// that case), which also covers a highly available alias whose request
// went to the other account.
//
// API: GET Requests, POST Aliases/{aliasId}/Requests,
// GET Aliases/{aliasId}/Credentials/{requestId}, PUT Requests/{id}/Checkin;
// GET Requests again (and GET Aliases/{aliasId}) when the POST's answer is
// lost, GET Requests when a check-in fails.
// Needs: the Requestor or Requestor/Approver role on the alias's account.
func (s *AliasesService) Checkout(ctx context.Context, aliasID int, opts *CreateAliasRequestOptions,
	fn func(ctx context.Context, cred *AliasCredentials) error) error {
	if fn == nil {
		return invalid("fn", "is required")
	}
	if err := firstError(checkID("aliasID", aliasID), opts.validate()); err != nil {
		return err
	}
	var alias *Alias // read only when the server lists a request without AliasID
	sp := &requestSpec{
		path: aliasPath(aliasID) + "/Requests",
		create: func(ctx context.Context) (*CreatedRequest, *Response, error) {
			return s.CreateRequest(ctx, aliasID, opts)
		},
		access:        opts.AccessType,
		conflict:      opts.ConflictOption,
		checkinReason: opts.CheckinReason,
		owns: func(ctx context.Context, r *openRequest) (bool, error) {
			switch r.AliasID {
			case aliasID:
				return true, nil
			case 0:
			default:
				return false, nil
			}
			if alias == nil {
				a, _, err := s.Get(ctx, aliasID)
				if err != nil {
					return false, err
				}
				alias = a
			}
			return alias.maps(r.SystemID, r.AccountID), nil
		},
	}
	return checkout(ctx, s.client, sp,
		func(ctx context.Context, id int, _ bool) (*AliasCredentials, error) {
			cred, _, err := s.Credentials(ctx, aliasID, id, nil)
			return cred, err
		}, fn)
}

// maps reports whether the alias stands for the account.
func (a *Alias) maps(systemID, accountID int) bool {
	if a.SystemID == systemID && a.AccountID == accountID {
		return true
	}
	for _, m := range a.MappedAccounts {
		if m.ManagedSystemID == systemID && m.ManagedAccountID == accountID {
			return true
		}
	}
	return false
}

// WaitCredentials reads the credential of a request like Credentials, but
// while the server answers 4034 (not yet approved) it waits and asks again,
// polling with capped exponential backoff (see WithCheckoutPolling), until
// the credential is released, the request is denied (the error matches
// ErrDenied) or expires (ErrExpired), or ctx ends. Use it when you check
// the request in yourself; Checkout does both. When ctx ends while the
// request is pending, the error matches both the context's error and
// ErrNotApproved.
//
// API: GET Credentials/{requestID}, repeated
// Needs: to own the request.
func (s *RequestsService) WaitCredentials(ctx context.Context, requestID int, opts *CredentialsOptions) (Secret, error) {
	if err := checkID("requestID", requestID); err != nil {
		return Secret{}, err
	}
	if _, err := opts.query(); err != nil {
		return Secret{}, err
	}
	return waitReleased(ctx, s.client, requestID, func(ctx context.Context, id int) (Secret, error) {
		cred, _, err := s.Credentials(ctx, id, opts)
		return cred, err
	})
}

// requestSpec is what checkout needs to know about the request it makes.
type requestSpec struct {
	path          string // the POST's path, to recognise its lost answers
	create        func(context.Context) (*CreatedRequest, *Response, error)
	access        AccessType     // as asked; "" is View
	appID         int            // as asked; 0 for none
	conflict      ConflictOption // as asked
	checkinReason string         // sent with the check-in
	releaseReused bool           // check in a request the server reused

	// owns reports whether a listed request is for the account (or alias)
	// the POST asked for.
	owns func(context.Context, *openRequest) (bool, error)
}

// openRequest is what Checkout reads of a request in GET Requests: which
// one it is, and for which account, alias, application and access. The
// rest of Request (dates, names) is not decoded: Checkout lists the open
// requests before every POST.
type openRequest struct {
	RequestID     int // the server may spell it RequestId; so the others
	SystemID      int
	AccountID     int
	AliasID       int
	ApplicationID int
	Status        string
	AccessType    AccessType
}

// openRequests lists the user's open requests (the requestor queue).
func (c *Client) openRequests(ctx context.Context) ([]openRequest, error) {
	list, _, err := callList[openRequest](ctx, c, get("Requests", ""))
	return list, err
}

func (sp *requestSpec) release(c *Client, reused bool) bool {
	return !reused || sp.releaseReused || c.cfg.checkout.releaseReused
}

func checkout[T any](ctx context.Context, c *Client, sp *requestSpec,
	read func(ctx context.Context, id int, reused bool) (T, error),
	fn func(context.Context, T) error) (err error) {
	id, reused, err := c.startRequest(ctx, sp)
	if err != nil {
		return err
	}
	release := sp.release(c, reused)
	cred, err := waitReleased(ctx, c, id, func(ctx context.Context, id int) (T, error) { return read(ctx, id, reused) })
	if err != nil {
		ce := &CheckoutError{RequestID: id, Reused: reused, Err: err}
		if !release {
			ce.open = c.openState(ctx, id)
			return ce
		}
		ce.checkinTried = true
		var ended bool
		ended, ce.checkinErr = c.checkinDetached(ctx, id, sp.checkinReason)
		ce.CheckedIn = ce.checkinErr == nil
		if ended {
			ce.open = stateEnded
		}
		if errors.Is(ce.checkinErr, ErrNotApproved) && !errors.Is(err, ErrNotApproved) {
			// The wait broke off during a poll (ctx ended while it was in
			// flight, say): the check-in's 4034 says what the poll could
			// not, that the request is still pending.
			ce.Err = &pendingError{requestID: id, err: err}
		}
		return ce
	}
	if !release {
		return fn(ctx, cred)
	}
	defer func() {
		p := recover()
		ended, cerr := c.checkinDetached(ctx, id, sp.checkinReason)
		if p != nil {
			panic(p)
		}
		if cerr != nil && !ended {
			err = errors.Join(err, fmt.Errorf("passwordsafe: checking in request %d: %w", id, cerr))
		}
	}()
	return fn(ctx, cred)
}

// startRequest lists the user's open requests, then posts the request. When
// the POST's answer is lost after it may have reached the server, it finds
// the request the POST created, one that was not open before, instead of
// posting again. When ctx ends while the POST is in flight, it leaves the
// POST to finish in the background (see settleLeft).
func (c *Client) startRequest(ctx context.Context, sp *requestSpec) (id int, reused bool, err error) {
	before, err := c.openRequests(ctx)
	if err != nil {
		return 0, false, err
	}
	created, err, gone := inFlight(ctx, c, postBound, backgroundBound,
		func(ctx context.Context) (*CreatedRequest, error) {
			cr, _, err := sp.create(ctx)
			return cr, err
		},
		func(ctx context.Context, cr *CreatedRequest, err error) { c.settleLeft(ctx, sp, before, cr, err) })
	switch {
	case gone:
		return 0, false, &CheckoutError{Err: fmt.Errorf("passwordsafe: POST %s: %w", sp.path, err), Background: true}
	case err == nil:
		return created.RequestID, created.Reused, nil
	case errors.Is(err, ErrConflict):
		return 0, false, &CheckoutError{Err: err, hint: c.conflictHint(ctx, sp, before)}
	case !c.mayHaveReached(err, sp.path):
		return 0, false, err
	}
	lctx, cancel := detach(ctx, checkinTimeout)
	defer cancel()
	found, ferr := c.findCreated(lctx, sp, before)
	switch {
	case ferr != nil:
		return 0, false, &CheckoutError{Err: err, hint: "the request may have been created, and looking for it failed (" +
			ferr.Error() + "): list your open requests with Requests.List and check it in"}
	case found == 0:
		return 0, false, err
	}
	return found, false, nil
}

// settleLeft ends what a POST left to the background created, once its
// answer has come: the request it created is checked in (one it reused
// only when reused requests are to be released); when its answer was lost,
// the request found as in startRequest is. ctx bounds the whole.
func (c *Client) settleLeft(ctx context.Context, sp *requestSpec, before []openRequest, cr *CreatedRequest, err error) {
	id := 0
	switch {
	case err == nil:
		if sp.release(c, cr.Reused) {
			id = cr.RequestID
		}
	case c.mayHaveReached(err, sp.path):
		lctx, cancel := context.WithTimeout(ctx, checkinTimeout)
		var ferr error
		id, ferr = c.findCreated(lctx, sp, before)
		cancel()
		if ferr != nil {
			c.bg.fail(fmt.Errorf("passwordsafe: POST %s, left to the background: its answer was lost (%v), and a request "+
				"it may have created could not be looked for: %w", sp.path, err, ferr))
		}
	}
	if id == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, checkinTimeout)
	defer cancel()
	if ended, cerr := c.checkin(cctx, id, sp.checkinReason); cerr != nil && !ended {
		c.bg.fail(fmt.Errorf("passwordsafe: request %d, left to the background, may still be open: checking it in: %w", id, cerr))
	}
}

// conflictHint says what a 409 means and what to do, from the user's
// requests for the account that were open when Checkout began.
func (c *Client) conflictHint(ctx context.Context, sp *requestSpec, before []openRequest) string {
	lctx, cancel := detach(ctx, checkinTimeout)
	defer cancel()
	var own *openRequest
	for i := range before {
		if ok, err := sp.owns(lctx, &before[i]); err == nil && ok {
			own = &before[i]
			break
		}
	}
	if own == nil {
		return "no request of this user for the account was open when Checkout began: another user holds the account " +
			"(it is released to one user at a time), or a request of this user was made meanwhile; try again once it ends"
	}
	id := strconv.Itoa(own.RequestID)
	pending := strings.EqualFold(own.Status, "pending")
	switch {
	case sp.conflict == ConflictRenew:
		return "request " + id + " of this user for the account was open when Checkout began, and ConflictOption renew " +
			"did not replace it: another user may hold the account; try again once it ends"
	case pending && sp.conflict == ConflictReuse:
		return "request " + id + " of this user for the account is still pending, and ConflictOption reuse takes over only " +
			"an approved request: wait for it with Requests.WaitCredentials(ctx, " + id + ", nil), or pass renew to replace it"
	case pending:
		return "request " + id + " of this user for the account is still pending: wait for it with " +
			"Requests.WaitCredentials(ctx, " + id + ", nil), or pass ConflictOption renew to replace it"
	case sp.conflict == ConflictReuse:
		return "request " + id + " of this user for the account is open for " + string(own.AccessType) + " access, and " +
			"ConflictOption reuse takes over only a request of the access type asked for: check it in with " +
			"Requests.Checkin(ctx, " + id + ", reason), or pass renew to replace it"
	}
	return "request " + id + " of this user for the account is open: pass ConflictOption reuse to take it over, " +
		"or renew to replace it"
}

// mayHaveReached reports an error of the POST to path that leaves open
// whether the server acted on it: a 5xx, a transport error that does not
// prove nothing was sent (a broken connection, a timeout), or a 2xx answer
// that could not be read.
func (c *Client) mayHaveReached(err error, path string) bool {
	var er *ErrorResponse
	if errors.As(err, &er) {
		return er.path == path && er.StatusCode >= 500
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return de.Path == path
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		u, perr := url.Parse(ue.URL)
		return perr == nil && u.EscapedPath() == c.basePath+path && !provablyNotSent(err)
	}
	var tl *BodyTooLargeError
	if errors.As(err, &tl) {
		return strings.HasPrefix(err.Error(), "passwordsafe: POST "+path+": ")
	}
	return false
}

// findCreated returns the ID of the request a POST created: the one open
// request for the account, access type and application that was not among
// before, the requests open before the POST; 0 when there is none. Two or
// more such requests are an error: the server allows one per user, account
// and access type, so they cannot be told apart.
func (c *Client) findCreated(ctx context.Context, sp *requestSpec, before []openRequest) (int, error) {
	list, err := c.openRequests(ctx)
	if err != nil {
		return 0, err
	}
	var found []int
	for i := range list {
		r := &list[i]
		if slices.ContainsFunc(before, func(b openRequest) bool { return b.RequestID == r.RequestID }) ||
			!sameAccess(r.AccessType, sp.access) || (sp.appID != 0 && r.ApplicationID != 0 && r.ApplicationID != sp.appID) {
			continue
		}
		ok, err := sp.owns(ctx, r)
		if err != nil {
			return 0, err
		}
		if ok {
			found = append(found, r.RequestID)
		}
	}
	switch len(found) {
	case 0:
		return 0, nil
	case 1:
		return found[0], nil
	}
	return 0, fmt.Errorf("passwordsafe: GET Requests: %d requests for the account appeared while the POST's answer was lost "+
		"(%v), and at most one is this call's", len(found), found)
}

// sameAccess compares access types as the server does: case aside, with
// "" meaning View.
func sameAccess(a, b AccessType) bool {
	if a == "" {
		a = AccessView
	}
	if b == "" {
		b = AccessView
	}
	return strings.EqualFold(string(a), string(b))
}

// detach returns a context detached from ctx (its values kept), ending
// after d.
func detach(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

// checkinDetached checks the request in on a context detached from ctx,
// bounded to checkinTimeout; see checkin.
func (c *Client) checkinDetached(ctx context.Context, id int, reason string) (ended bool, err error) {
	cctx, cancel := detach(ctx, checkinTimeout)
	defer cancel()
	return c.checkin(cctx, id, reason)
}

// checkin checks the request in. A session refused even after the sign-in
// anew that the call makes is signed in again, checkinSignIns more times
// at most: a request left open blocks every later Checkout of the user
// with 409. When the check-in fails, other than with 4034 (the request is
// pending, so open), it asks the server whether the request is still open
// (GET Requests): a check-in that acted but whose answer was lost (a 5xx
// from a gateway, a broken connection) is repeated by the pipeline and then
// refused, the request being checked in already; and a request denied or
// expired while Checkout waited cannot be checked in. ended reports that
// the request is not among the user's open requests; err is the check-in's
// error all the same.
func (c *Client) checkin(ctx context.Context, id int, reason string) (ended bool, err error) {
	_, err = c.Requests.Checkin(ctx, id, reason)
	for try := 0; try < checkinSignIns && errors.Is(err, ErrUnauthorized) && !errors.Is(err, ErrMFARequired); try++ {
		_, err = c.Requests.Checkin(ctx, id, reason)
	}
	if err == nil || errors.Is(err, ErrNotApproved) {
		return false, err
	}
	return c.listOpen(ctx, id) == stateEnded, err
}

// openState is what the server's list of open requests says of one.
type openState int

const (
	stateUnknown openState = iota // the list could not be read
	stateOpen
	stateEnded
)

// openState asks, on a context detached from ctx, whether the request is
// among the user's open requests.
func (c *Client) openState(ctx context.Context, id int) openState {
	lctx, cancel := detach(ctx, checkinTimeout)
	defer cancel()
	return c.listOpen(lctx, id)
}

func (c *Client) listOpen(ctx context.Context, id int) openState {
	open, err := c.openRequests(ctx)
	if err != nil {
		return stateUnknown
	}
	if slices.ContainsFunc(open, func(r openRequest) bool { return r.RequestID == id }) {
		return stateOpen
	}
	return stateEnded
}

// waitReleased reads the credential, polling while the request awaits
// approval: first after pollMin, then doubling up to pollMax.
func waitReleased[T any](ctx context.Context, c *Client, id int, read func(context.Context, int) (T, error)) (T, error) {
	delay := c.cfg.pollMin
	for {
		cred, err := read(ctx, id)
		if err == nil || !errors.Is(err, ErrNotApproved) {
			return cred, endedError(err)
		}
		if werr := c.cfg.checkout.wait(ctx, delay); werr != nil {
			var zero T
			return zero, &pendingError{requestID: id, err: werr}
		}
		delay = min(delay*2, c.cfg.pollMax)
	}
}

// endedError marks a credential read refused because the request was
// denied or expired (a 4031 whose message says so), so that errors.Is
// finds ErrDenied or ErrExpired; any other error is returned as it is.
func endedError(err error) error {
	var er *ErrorResponse
	if !errors.As(err, &er) || er.Code != 4031 {
		return err
	}
	msg := strings.ToLower(er.Message)
	switch {
	case strings.Contains(msg, "denied") || strings.Contains(msg, "rejected"):
		return &endedRequestError{err: err, why: ErrDenied}
	case strings.Contains(msg, "expired"):
		return &endedRequestError{err: err, why: ErrExpired}
	}
	return err
}

// endedRequestError is a credential read refused because the request was
// denied or expired: it reads as the server's answer and matches it, and
// ErrDenied or ErrExpired.
type endedRequestError struct {
	err error
	why error // ErrDenied or ErrExpired
}

func (e *endedRequestError) Error() string   { return e.err.Error() }
func (e *endedRequestError) Unwrap() []error { return []error{e.err, e.why} }

// pendingError ends a wait for approval cut short by the context. It
// matches both the context's error and ErrNotApproved, without claiming
// the 403 the last poll answered (errors.Is(err, ErrForbidden) is false).
type pendingError struct {
	requestID int
	err       error
}

func (e *pendingError) Error() string {
	return fmt.Sprintf("passwordsafe: waiting for approval of request %d: %v (still not approved, 4034)", e.requestID, e.err)
}

func (e *pendingError) Unwrap() []error { return []error{e.err, ErrNotApproved} }
