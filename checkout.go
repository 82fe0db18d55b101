package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const (
	defaultPollMin = 500 * time.Millisecond
	defaultPollMax = 15 * time.Second

	// checkinTimeout bounds the check-in Checkout makes after fn, which runs
	// on a context detached from the caller's so that it happens even when
	// the caller's context has ended.
	checkinTimeout = 30 * time.Second
)

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
// A request the server reused (ConflictReuse answered 200 with an existing
// request) is not checked in: it was open before Checkout and is not ours to
// release. When waiting ends before the credential is released, Checkout
// tries a check-in and returns the waiting error alone; the server refuses
// to check in a request that was never approved, so such a request stays
// open until it expires.
//
// API: POST Requests, GET Credentials/{id}, PUT Requests/{id}/Checkin
func (s *RequestsService) Checkout(ctx context.Context, opts *CreateRequestOptions,
	fn func(ctx context.Context, cred Secret) error) error {
	if fn == nil {
		return invalid("fn", "is required")
	}
	if err := opts.validate(); err != nil {
		return err
	}
	return checkout(ctx, s.client,
		func(ctx context.Context) (*CreatedRequest, *Response, error) { return s.Create(ctx, opts) },
		func(ctx context.Context, id int) (Secret, error) {
			cred, _, err := s.Credentials(ctx, id, nil)
			return cred, err
		}, fn)
}

// Checkout borrows a credential through an alias and always gives it back,
// as RequestsService.Checkout does; fn gets the account with its password,
// key and passphrase.
//
// API: POST Aliases/{aliasId}/Requests, GET Aliases/{aliasId}/Credentials/{requestId},
// PUT Requests/{id}/Checkin
func (s *AliasesService) Checkout(ctx context.Context, aliasID int, opts *CreateAliasRequestOptions,
	fn func(ctx context.Context, cred *AliasCredentials) error) error {
	if fn == nil {
		return invalid("fn", "is required")
	}
	if err := firstError(checkID("aliasID", aliasID), opts.validate()); err != nil {
		return err
	}
	return checkout(ctx, s.client,
		func(ctx context.Context) (*CreatedRequest, *Response, error) {
			return s.CreateRequest(ctx, aliasID, opts)
		},
		func(ctx context.Context, id int) (*AliasCredentials, error) {
			cred, _, err := s.Credentials(ctx, aliasID, id, nil)
			return cred, err
		}, fn)
}

// WaitCredentials reads the credential of a request like Credentials, but
// while the server answers 4034 (not yet approved) it waits and asks again,
// polling with capped exponential backoff (see WithCheckoutPolling), until
// the credential is released, the request is denied or expires, or ctx
// ends. Use it when you check the request in yourself; Checkout does both.
//
// API: GET Credentials/{requestID}, repeated
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

func checkout[T any](ctx context.Context, c *Client,
	create func(context.Context) (*CreatedRequest, *Response, error),
	read func(context.Context, int) (T, error),
	fn func(context.Context, T) error) (err error) {
	created, _, err := create(ctx)
	if err != nil {
		return err
	}
	id := created.RequestID
	released := false
	defer func() {
		if created.Reused {
			return
		}
		p := recover()
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), checkinTimeout)
		_, cerr := c.Requests.Checkin(cctx, id, "")
		cancel()
		if p != nil {
			panic(p)
		}
		if cerr != nil && released {
			err = errors.Join(err, fmt.Errorf("passwordsafe: checking in request %d: %w", id, cerr))
		}
	}()
	cred, err := waitReleased(ctx, c, id, read)
	if err != nil {
		return err
	}
	released = true
	return fn(ctx, cred)
}

// waitReleased reads the credential, polling while the request awaits
// approval.
func waitReleased[T any](ctx context.Context, c *Client, id int, read func(context.Context, int) (T, error)) (T, error) {
	delay := c.cfg.pollMin
	for {
		cred, err := read(ctx, id)
		if err == nil || !errors.Is(err, ErrNotApproved) {
			return cred, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			var zero T
			return zero, fmt.Errorf("passwordsafe: waiting for approval of request %d: %w", id, ctx.Err())
		case <-t.C:
		}
		delay = min(delay*2, c.cfg.pollMax)
	}
}
