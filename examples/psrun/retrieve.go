package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/passwordsafe-go/passwordsafe"
)

// managedAccount is what GET ManagedAccounts?systemName=&accountName= answers.
type managedAccount struct {
	SystemID    int `json:"SystemId"`
	AccountID   int `json:"AccountId"`
	SystemName  string
	AccountName string
}

// retrievePassword implements "RetrievePassword SYSTEM ACCOUNT [-duration N]
// [-reason R] [-keep]": find the account, request it, wait for approval,
// print the password, and check the request in (unless -keep, which leaves
// it open and prints its ID on a second line).
func retrievePassword(ctx context.Context, c *passwordsafe.Client, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		return errors.New("RetrievePassword needs SYSTEM ACCOUNT")
	}
	system, account := args[0], args[1]
	fs := flag.NewFlagSet("RetrievePassword", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Int("duration", 10, "request duration in minutes (1-525600)")
	reason := fs.String("reason", "psrun RetrievePassword", "reason recorded with the request")
	keep := fs.Bool("keep", false, "leave the request open and print its ID")
	if err := fs.Parse(args[2:]); err != nil {
		return errors.New("RetrievePassword: bad flags")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("RetrievePassword: unexpected %q", fs.Arg(0))
	}

	var acct managedAccount
	q := url.Values{"systemName": {system}, "accountName": {account}}
	if _, err := c.Do(ctx, "GET", "ManagedAccounts?"+q.Encode(), nil, &acct); err != nil {
		return err
	}
	if acct.SystemID <= 0 || acct.AccountID <= 0 {
		return fmt.Errorf("no managed account %s on %s", account, system)
	}
	opts := &passwordsafe.CreateRequestOptions{
		SystemID:        acct.SystemID,
		AccountID:       acct.AccountID,
		DurationMinutes: *duration,
		Reason:          *reason,
	}
	if !*keep {
		return c.Requests.Checkout(ctx, opts, func(_ context.Context, cred passwordsafe.Secret) error {
			_, err := fmt.Fprintln(stdout, cred.Value())
			return err
		})
	}
	created, _, err := c.Requests.Create(ctx, opts)
	if err != nil {
		return err
	}
	cred, err := c.Requests.WaitCredentials(ctx, created.RequestID, nil)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, cred.Value()+"\n"+strconv.Itoa(created.RequestID))
	return err
}
