package passwordsafe_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// End-to-end checks of what the fake answers as the real server does
// (issue 19), from the SDK's side.

// ManagedAccounts.List with an accountName alone, even a DOMAIN\name or a
// UPN, is a list: the server answers one object only to both names, which
// is what ManagedAccounts.Get sends.
func TestE2EManagedAccountsLoneDomainNameIsAList(t *testing.T) {
	t.Parallel()
	c := newE2E(t).as("requestor")
	for _, name := range []string{`EXAMPLE\deploy`, "deploy@example.test"} {
		list, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{AccountName: name})
		require.NoError(t, err, name)
		assert.Equal(t, []int{41}, accountIDs(list), name)
	}
	none, _, err := c.ManagedAccounts.List(bg, &ps.ListManagedAccountsOptions{AccountName: `OTHER\deploy`})
	require.NoError(t, err)
	assert.Empty(t, none)

	one, _, err := c.ManagedAccounts.Get(bg, "app01", "deploy@example.test")
	require.NoError(t, err)
	assert.Equal(t, 41, one.AccountID)
}
