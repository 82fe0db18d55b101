package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/passwordsafe-go/passwordsafe"
)

// retrievePassword implements RetrievePassword: find the account (by name,
// or by IDs among the accounts the user may request), then
//   - with ISA access to it (IsISAAccess), release the credential with
//     one POST ISARequests, which leaves nothing to check in;
//   - otherwise request it, wait for approval, print the credential of
//     r.credType and check the request in. With -reuse a request of the
//     user's still open for the account is taken over (ConflictOption
//     reuse) and checked in as well: psrun takes it for a leftover of an
//     earlier run. With -keep (DoNotRelease, -p) the request is left open
//     and its ID printed on a second line.
//
// With -v the request ID goes to stderr, never the credential.
func retrievePassword(ctx context.Context, x *runner, ref accountRef, r *retrieveOptions) error {
	acct, err := findAccount(ctx, x.c, ref)
	if err != nil {
		return err
	}
	if acct.IsISAAccess {
		return retrieveISA(ctx, x, acct, r)
	}
	opts := &passwordsafe.CheckoutOptions{
		DurationMinutes: r.duration,
		Reason:          r.reason,
		CredentialType:  passwordsafe.CredentialType(r.credType),
	}
	if r.reuse {
		opts.ConflictOption = passwordsafe.ConflictReuse
		opts.ReleaseReused = true
	}
	if r.keep {
		err = retrieveAndKeep(ctx, x, acct, opts)
	} else {
		err = retrieve(ctx, x, acct, opts)
	}
	if errors.Is(err, passwordsafe.ErrConflict) && !r.reuse {
		err = &hintError{err: err, hint: "-reuse takes over a request of yours still open for the account"}
	}
	return err
}

// findAccount looks the account up: by name with ManagedAccounts.Get, by
// IDs among the accounts the user may request (GET ManagedAccounts,
// filtered by systemID where the server can).
func findAccount(ctx context.Context, c *passwordsafe.Client, ref accountRef) (*passwordsafe.ManagedAccount, error) {
	if !ref.byID() {
		acct, _, err := c.ManagedAccounts.Get(ctx, ref.system, ref.account)
		return acct, err
	}
	for a, err := range c.ManagedAccounts.All(ctx, &passwordsafe.ListManagedAccountsOptions{SystemID: ref.systemID}) {
		if err != nil {
			return nil, err
		}
		if a.SystemID == ref.systemID && a.AccountID == ref.accountID {
			return &a, nil
		}
	}
	return nil, fmt.Errorf("GET ManagedAccounts: no account you may request has SystemID %d and AccountID %d", ref.systemID, ref.accountID)
}

// retrieveISA releases the credential through ISA access: the server
// approves at once and there is no request to check in (-keep and -reuse
// change nothing).
func retrieveISA(ctx context.Context, x *runner, acct *passwordsafe.ManagedAccount, r *retrieveOptions) error {
	cred, _, err := x.c.Requests.ISARequest(ctx, &passwordsafe.ISARequestOptions{
		SystemID:        acct.SystemID,
		AccountID:       acct.AccountID,
		DurationMinutes: &r.duration,
		Reason:          r.reason,
		CredentialType:  passwordsafe.CredentialType(r.credType),
	})
	if err != nil {
		return err
	}
	x.verbosef("ISA access: %s on %s released, no request to check in", acct.AccountName, acct.SystemName)
	return x.credential(cred.Value())
}

// retrieve borrows the credential with ManagedAccounts.Checkout, which
// checks the request in whatever happens. The result is printed (or the
// -e command runs) while the request is open.
func retrieve(ctx context.Context, x *runner, acct *passwordsafe.ManagedAccount, opts *passwordsafe.CheckoutOptions) error {
	var id int
	err := x.c.ManagedAccounts.Checkout(ctx, acct.SystemName, acct.AccountName, opts, func(_ context.Context, l *passwordsafe.Lease) error {
		id = l.RequestID
		verb := "released"
		if l.Reused { // -reuse took over a request open before
			verb = "reused for"
		}
		x.verbosef("request %d %s %s on %s", l.RequestID, verb, l.AccountName, l.SystemName)
		return x.credential(l.Credential.Value())
	})
	if err == nil {
		x.verbosef("request %d checked in", id)
	}
	return err
}

// retrieveAndKeep is RetrievePassword -keep: as Checkout, without the
// check-in. A request it made (or reused) stays open whatever happens, and
// an error names it.
func retrieveAndKeep(ctx context.Context, x *runner, acct *passwordsafe.ManagedAccount, opts *passwordsafe.CheckoutOptions) error {
	created, _, err := x.c.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
		SystemID:        acct.SystemID,
		AccountID:       acct.AccountID,
		DurationMinutes: opts.DurationMinutes,
		Reason:          opts.Reason,
		ConflictOption:  opts.ConflictOption,
	})
	if err != nil {
		return err
	}
	id := created.RequestID
	how := "created"
	if created.Reused {
		how = "reused"
	}
	x.verbosef("request %d %s for %s on %s (-keep: left open)", id, how, acct.AccountName, acct.SystemName)
	cred, err := x.c.Requests.WaitCredentials(ctx, id, &passwordsafe.CredentialsOptions{Type: opts.CredentialType})
	if err != nil {
		return &keptError{requestID: id, err: err}
	}
	return x.credential(cred.Value(), strconv.Itoa(id))
}

// hintError is an error with a hint at the psrun flag that avoids it.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + " (" + e.hint + ")" }

func (e *hintError) Unwrap() error { return e.err }

// keptError is a -keep retrieval that failed after its request was made:
// the request was not checked in (it may have been denied or have expired).
type keptError struct {
	requestID int
	err       error
}

func (e *keptError) Error() string {
	return fmt.Sprintf("%v (-keep: request %d was not checked in)", e.err, e.requestID)
}

func (e *keptError) Unwrap() error { return e.err }

// retrieveSecret implements "RetrieveSecret PATH": read the Secrets Safe
// secret at PATH and print its value, a file's content as it is (no
// newline added: it is the file). A password or a text is the credential
// an -e command gets in its environment; a file comes on its stdin only.
func retrieveSecret(ctx context.Context, x *runner, path string) error {
	s, _, err := x.c.Secrets.Find(ctx, path, nil)
	if err != nil {
		return err
	}
	switch s.SecretType {
	case passwordsafe.SecretTypeFile:
		if x.out.command == nil {
			_, err = x.c.Secrets.File(ctx, s.ID, x.out.stdout)
			return err
		}
		var b bytes.Buffer
		if _, err = x.c.Secrets.File(ctx, s.ID, &b); err != nil {
			return err
		}
		return x.out.deliver(b.Bytes(), "")
	case passwordsafe.SecretTypeText:
		return x.credential(s.Text.Value())
	}
	return x.credential(s.Password.Value())
}
