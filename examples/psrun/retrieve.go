package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/passwordsafe-go/passwordsafe"
)

// retrievePassword implements "RetrievePassword SYSTEM ACCOUNT": find the
// account by name, request it, wait for approval, print the credential of
// r.credType, and check the request in. With -reuse a request of the
// user's still open for the account is taken over (ConflictOption reuse)
// and checked in as well: psrun takes it for a leftover of an earlier run.
// With -keep the request is left open and its ID printed on a second line.
// With verbose the request ID goes to stderr, never the credential.
func retrievePassword(ctx context.Context, c *passwordsafe.Client, system, account string, r *retrieveOptions,
	verbose bool, stdout, stderr io.Writer) error {
	opts := &passwordsafe.CheckoutOptions{
		DurationMinutes: r.duration,
		Reason:          r.reason,
		CredentialType:  passwordsafe.CredentialType(r.credType),
	}
	if r.reuse {
		opts.ConflictOption = passwordsafe.ConflictReuse
		opts.ReleaseReused = true
	}
	var err error
	if r.keep {
		err = retrieveAndKeep(ctx, c, system, account, opts, verbose, stdout, stderr)
	} else {
		err = retrieve(ctx, c, system, account, opts, verbose, stdout, stderr)
	}
	if errors.Is(err, passwordsafe.ErrConflict) && !r.reuse {
		err = &hintError{err: err, hint: "-reuse takes over a request of yours still open for the account"}
	}
	return err
}

// retrieve borrows the credential with ManagedAccounts.Checkout, which
// checks the request in whatever happens.
func retrieve(ctx context.Context, c *passwordsafe.Client, system, account string, opts *passwordsafe.CheckoutOptions,
	verbose bool, stdout, stderr io.Writer) error {
	var id int
	err := c.ManagedAccounts.Checkout(ctx, system, account, opts, func(_ context.Context, l *passwordsafe.Lease) error {
		id = l.RequestID
		if verbose {
			verb := "released"
			if l.Reused { // -reuse took over a request open before
				verb = "reused for"
			}
			fmt.Fprintf(stderr, "psrun: request %d %s %s on %s\n", l.RequestID, verb, l.AccountName, l.SystemName)
		}
		return printLines(stdout, l.Credential.Value())
	})
	if err == nil && verbose {
		fmt.Fprintf(stderr, "psrun: request %d checked in\n", id)
	}
	return err
}

// retrieveAndKeep is RetrievePassword -keep: as Checkout, without the
// check-in. A request it made (or reused) stays open whatever happens, and
// an error names it.
func retrieveAndKeep(ctx context.Context, c *passwordsafe.Client, system, account string, opts *passwordsafe.CheckoutOptions,
	verbose bool, stdout, stderr io.Writer) error {
	acct, _, err := c.ManagedAccounts.Get(ctx, system, account)
	if err != nil {
		return err
	}
	created, _, err := c.Requests.Create(ctx, &passwordsafe.CreateRequestOptions{
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
	if verbose {
		how := "created"
		if created.Reused {
			how = "reused"
		}
		fmt.Fprintf(stderr, "psrun: request %d %s for %s on %s (-keep: left open)\n", id, how, acct.AccountName, acct.SystemName)
	}
	cred, err := c.Requests.WaitCredentials(ctx, id, &passwordsafe.CredentialsOptions{Type: opts.CredentialType})
	if err != nil {
		return &keptError{requestID: id, err: err}
	}
	return printLines(stdout, cred.Value(), strconv.Itoa(id))
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

// printLines prints each value as a line. A value that already ends in a
// newline (a PEM key) gets no second one.
func printLines(w io.Writer, values ...string) error {
	var b strings.Builder
	for _, v := range values {
		b.WriteString(v)
		if !strings.HasSuffix(v, "\n") {
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// retrieveSecret implements "RetrieveSecret PATH": read the Secrets Safe
// secret at PATH and print its value, a file's content as it is (no
// newline added: it is the file).
func retrieveSecret(ctx context.Context, c *passwordsafe.Client, path string, stdout io.Writer) error {
	s, _, err := c.Secrets.Find(ctx, path, nil)
	if err != nil {
		return err
	}
	switch s.SecretType {
	case passwordsafe.SecretTypeFile:
		_, err = c.Secrets.File(ctx, s.ID, stdout)
		return err
	case passwordsafe.SecretTypeText:
		return printLines(stdout, s.Text.Value())
	}
	return printLines(stdout, s.Password.Value())
}
