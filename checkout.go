package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	defaultPollMin = 500 * time.Millisecond
	defaultPollMax = 15 * time.Second

	// checkinTimeout bounds the calls Checkout makes on a context detached
	// from the caller's (the check-in after fn, and the search for a request
	// whose creation answer was lost), so that they happen even when the
	// caller's context has ended.
	checkinTimeout = 30 * time.Second

	// recoverSkew is how much earlier than the moment Checkout sent its POST
	// a request's RequestReleaseDate may be and still be taken for the one
	// that POST created: the client's and the server's clocks may disagree
	// by this much.
	recoverSkew = 5 * time.Second
)

// checkoutConfig holds what the options set for Checkout beyond the polling
// waits, and the clock the tests replace to pin the polling schedule
// without waiting on the wall clock.
type checkoutConfig struct {
	releaseReused bool

	after func(time.Duration) <-chan time.Time // nil: a real timer
	now   func() time.Time                     // nil: time.Now
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

func (cc *checkoutConfig) clock() time.Time {
	if cc.now != nil {
		return cc.now()
	}
	return time.Now()
}

// Checkout borrows a credential and always gives it back. It creates the
// request, waits while the server answers 4034 (not yet approved), polling
// with capped exponential backoff (see WithCheckoutPolling) until the
// credential is released, the request is denied or expires, or ctx ends;
// then it runs fn with the password and checks the request in, whatever fn
// did: returned an error, panicked (the request is checked in, then the
// panic goes on), or outlived ctx (the check-in runs on a context detached
// from ctx, bounded to 30 s). It returns fn's error joined with the
// check-in's (errors.Join).
//
// Checkout never leaves a request of its own open and never sends POST
// Requests twice:
//   - When the answer to the POST is lost after it may have reached the
//     server (the connection broke, the call timed out, or a 5xx), Checkout
//     looks for the request that call created with GET Requests: the same
//     system, account and access type (View when empty), released no
//     earlier than 5 s (clock skew) before the POST was sent. The server
//     allows one open request per user, account and access type, so at
//     most one matches. If one does, Checkout carries on with it (waits,
//     runs fn, checks it in); if none does, it returns the POST's error.
//     The search runs detached from ctx, so a cancelled ctx cannot leave
//     a request behind: Checkout then checks the request it found in.
//   - When waiting ends before the credential is released (ctx done,
//     denied, expired), Checkout tries a check-in and returns a
//     *CheckoutError holding the request ID, whose message says what
//     became of the request. A requestor cannot check in a pending
//     request: it stays open until an approver denies it or it expires
//     (the error then matches ErrNotApproved, even when ctx ended while a
//     poll was in flight).
//   - When a check-in fails (other than as pending), Checkout asks GET
//     Requests whether the request is still open: a check-in that acted
//     but whose answer was lost is repeated and refused, and a denied or
//     expired request cannot be checked in. A request no longer open is
//     not reported as a failed check-in.
//   - A 409 (a conflicting request exists) is returned as a *CheckoutError
//     wrapping the *ErrorResponse (errors.Is(err, ErrConflict) holds) with
//     a hint: ConflictOption reuse takes the existing request over, renew
//     replaces it.
//
// A request the server reused (ConflictReuse answered 200 with an existing
// request) is not checked in: it was open before Checkout and is not ours
// to release, unless the client was built WithCheckoutReleaseReused.
//
// API: POST Requests, GET Credentials/{id}, PUT Requests/{id}/Checkin;
// GET Requests when the POST's answer is lost or a check-in fails.
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
		func(ctx context.Context, id int) (Secret, error) {
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
		releaseReused: releaseReused,
		owns: func(_ context.Context, r *Request) (bool, error) {
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
// account with its password, key and passphrase.
//
// When the POST's answer is lost, the request it created is recognised in
// GET Requests by its AliasID. A server that leaves AliasID empty is
// handled too: the request must then be for the alias's preferred account
// or one of its mapped accounts (read with GET Aliases/{aliasId}, only in
// that case), which also covers a highly available alias whose request
// went to the other account.
//
// API: POST Aliases/{aliasId}/Requests, GET Aliases/{aliasId}/Credentials/{requestId},
// PUT Requests/{id}/Checkin; GET Requests (and GET Aliases/{aliasId}) when
// the POST's answer is lost, GET Requests when a check-in fails.
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
		access: opts.AccessType,
		owns: func(ctx context.Context, r *Request) (bool, error) {
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
		func(ctx context.Context, id int) (*AliasCredentials, error) {
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
// the credential is released, the request is denied or expires, or ctx
// ends. Use it when you check the request in yourself; Checkout does both.
// When ctx ends while the request is pending, the error matches both the
// context's error and ErrNotApproved.
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
	access        AccessType // as asked; "" is View
	appID         int        // as asked; 0 for none
	releaseReused bool       // check in a request the server reused

	// owns reports whether a listed request is for the account (or alias)
	// the POST asked for.
	owns func(context.Context, *Request) (bool, error)
}

func checkout[T any](ctx context.Context, c *Client, sp *requestSpec,
	read func(context.Context, int) (T, error),
	fn func(context.Context, T) error) (err error) {
	id, reused, err := c.startRequest(ctx, sp)
	if err != nil {
		return err
	}
	release := !reused || sp.releaseReused || c.cfg.checkout.releaseReused
	cred, err := waitReleased(ctx, c, id, read)
	if err != nil {
		ce := &CheckoutError{RequestID: id, Reused: reused, Err: err}
		if release {
			ce.checkinTried = true
			ce.ended, ce.checkinErr = c.checkinDetached(ctx, id)
			ce.CheckedIn = ce.checkinErr == nil
			if errors.Is(ce.checkinErr, ErrNotApproved) && !errors.Is(err, ErrNotApproved) {
				// The wait broke off during a poll (ctx ended while it
				// was in flight, say): the check-in's 4034 says what the
				// poll could not, that the request is still pending.
				ce.Err = &pendingError{requestID: id, err: err}
			}
		}
		return ce
	}
	if !release {
		return fn(ctx, cred)
	}
	defer func() {
		p := recover()
		ended, cerr := c.checkinDetached(ctx, id)
		if p != nil {
			panic(p)
		}
		if cerr != nil && !ended {
			err = errors.Join(err, fmt.Errorf("passwordsafe: checking in request %d: %w", id, cerr))
		}
	}()
	return fn(ctx, cred)
}

// startRequest posts the request. When the answer is lost after the POST
// may have reached the server, it finds the request the POST created
// instead of posting again.
func (c *Client) startRequest(ctx context.Context, sp *requestSpec) (id int, reused bool, err error) {
	began := c.cfg.checkout.clock()
	created, _, err := sp.create(ctx)
	switch {
	case err == nil:
		return created.RequestID, created.Reused, nil
	case errors.Is(err, ErrConflict):
		return 0, false, &CheckoutError{Err: err, hint: hintConflict}
	case !c.mayHaveReached(err, sp.path):
		return 0, false, err
	}
	// ctx may be what broke the POST: search on a detached context, so a
	// request the POST created is found, and then checked in, whatever ctx.
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), checkinTimeout)
	defer cancel()
	found, ferr := c.findCreated(lctx, began, sp)
	switch {
	case ferr != nil:
		return 0, false, &CheckoutError{Err: err, hint: "the request may have been created, and looking for it failed (" +
			ferr.Error() + "): list your open requests with Requests.List and check it in"}
	case found == 0:
		return 0, false, err
	}
	return found, false, nil
}

const hintConflict = "the account already has an open request (the user's own, or another user's where the account " +
	"is released to one user at a time): pass ConflictOption reuse to take yours over, or renew to replace it"

// mayHaveReached reports an error of the POST to path that leaves open
// whether the server acted on it: a 5xx, a transport error that does not
// prove nothing was sent (a broken connection, a timeout, ctx ended while
// the call was in flight), or a 2xx answer that could not be read.
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

// findCreated returns the ID of the open request a POST begun at began
// created, or 0. A request without a release date never matches (it is
// the zero time, before any call); the newest match wins, should the
// server list two.
func (c *Client) findCreated(ctx context.Context, began time.Time, sp *requestSpec) (int, error) {
	list, _, err := c.Requests.List(ctx, nil)
	if err != nil {
		return 0, err
	}
	since := began.Add(-recoverSkew)
	var best *Request
	for i := range list {
		r := &list[i]
		if !sameAccess(r.AccessType, sp.access) || r.RequestReleaseDate.Before(since) ||
			(sp.appID != 0 && r.ApplicationID != 0 && r.ApplicationID != sp.appID) {
			continue
		}
		ok, err := sp.owns(ctx, r)
		if err != nil {
			return 0, err
		}
		if ok && (best == nil || r.RequestReleaseDate.After(best.RequestReleaseDate.Time) ||
			(r.RequestReleaseDate.Equal(best.RequestReleaseDate.Time) && r.RequestID > best.RequestID)) {
			best = r
		}
	}
	if best == nil {
		return 0, nil
	}
	return best.RequestID, nil
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

// checkinDetached checks the request in on a context detached from ctx,
// bounded to checkinTimeout. When the check-in fails, other than with 4034
// (the request is pending, so open), it asks the server whether the
// request is still open (GET Requests): a check-in that acted but whose
// answer was lost (a 5xx from a gateway, a broken connection) is repeated
// by the pipeline and then refused, the request being checked in already;
// and a request denied or expired while Checkout waited cannot be checked
// in. ended reports that the request is not among the user's open
// requests; err is the check-in's error all the same.
func (c *Client) checkinDetached(ctx context.Context, id int) (ended bool, err error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), checkinTimeout)
	defer cancel()
	if _, err = c.Requests.Checkin(cctx, id, ""); err == nil || errors.Is(err, ErrNotApproved) {
		return false, err
	}
	open, _, lerr := c.Requests.List(cctx, nil)
	if lerr != nil {
		return false, err
	}
	for _, r := range open {
		if r.RequestID == id {
			return false, err
		}
	}
	return true, err
}

// waitReleased reads the credential, polling while the request awaits
// approval: first after pollMin, then doubling up to pollMax.
func waitReleased[T any](ctx context.Context, c *Client, id int, read func(context.Context, int) (T, error)) (T, error) {
	delay := c.cfg.pollMin
	for {
		cred, err := read(ctx, id)
		if err == nil || !errors.Is(err, ErrNotApproved) {
			return cred, err
		}
		if werr := c.cfg.checkout.wait(ctx, delay); werr != nil {
			var zero T
			return zero, &pendingError{requestID: id, err: werr}
		}
		delay = min(delay*2, c.cfg.pollMax)
	}
}

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
