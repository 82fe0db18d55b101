// Package usertest is how a user of the SDK tests their own code with the
// test kit, in a module of their own: it imports only the public packages
// passwordsafe and passwordsafetest.
//
// Backup is the "code under test": it borrows a database password from
// Password Safe, runs a dump with it, and gives the password back.
package usertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/passwordsafe-go/passwordsafe"
)

// Backup borrows the password of account on system for ten minutes, runs
// dump with it, and checks the request in, whatever dump did.
func Backup(ctx context.Context, c *passwordsafe.Client, system, account string, dump func(password string) error) error {
	var acct struct {
		SystemID  int `json:"SystemId"`
		AccountID int `json:"AccountId"`
	}
	q := url.Values{"systemName": {system}, "accountName": {account}}
	if _, err := c.Do(ctx, "GET", "ManagedAccounts?"+q.Encode(), nil, &acct); err != nil {
		return fmt.Errorf("backup: finding %s on %s: %w", account, system, err)
	}
	if acct.SystemID == 0 || acct.AccountID == 0 {
		return errors.New("backup: the vault answered no account IDs")
	}
	return c.Requests.Checkout(ctx, &passwordsafe.CreateRequestOptions{
		SystemID: acct.SystemID, AccountID: acct.AccountID, DurationMinutes: 10, Reason: "nightly backup",
	}, func(_ context.Context, cred passwordsafe.Secret) error {
		return dump(cred.Value())
	})
}
