package passwordsafe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// Secrets Safe end to end: the SDK against the fake, asserting what the
// fake holds.

func TestE2ESecretsFindEveryType(t *testing.T) {
	t.Parallel()
	srv := passwordsafetest.NewServer(t)
	ctx := context.Background()
	for _, version := range []string{"", "3.1", "3.2"} {
		var opts []ps.Option
		if version != "" {
			opts = append(opts, ps.WithAPIVersion(version))
		}
		c := srv.Client(t, "requestor", opts...)
		srv.ResetCalls()

		url, _, err := c.Secrets.Find(ctx, "prod/db/url", nil)
		require.NoError(t, err, version)
		assert.Equal(t, ps.SecretTypeText, url.SecretType)
		assert.Equal(t, passwordsafetest.DefaultSecretURL, url.Text.Value())
		assert.True(t, url.Password.IsZero())
		assert.Equal(t, []ps.SecretOwner{{UserID: 3}}, url.Owners, "admin seeded it (%s)", version)
		assert.Equal(t, version == "3.2", !url.SecretValueModifiedOn.IsZero(), version)

		cred, _, err := c.Secrets.Find(ctx, "PROD/DB/Postgres", nil)
		require.NoError(t, err)
		stored, _ := srv.StoredSecret("prod/db/postgres")
		assert.Equal(t, stored.Password, cred.Password.Value())
		assert.Equal(t, "postgres", cred.Username)

		file, _, err := c.Secrets.Find(ctx, "prod/db/client-cert", nil)
		require.NoError(t, err)
		assert.Equal(t, "client.p12", file.FileName)
		var buf bytes.Buffer
		_, err = c.Secrets.File(ctx, file.ID, &buf)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(passwordsafetest.DefaultSecretFile(), buf.Bytes()), "binary, byte for byte")

		for _, call := range srv.CallLog() {
			if call.Path == "Secrets-Safe/Secrets" {
				assert.Contains(t, call.Query, "decrypt=true")
				assert.Equal(t, version, call.Version)
			}
		}
		assert.Equal(t, 3, srv.Calls("GET", "Secrets-Safe/Secrets"), "one call a Find")
	}
}

func TestE2ESecretsFindNotExactlyOne(t *testing.T) {
	t.Parallel()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSeed(passwordsafetest.Seed{
		Safes: []passwordsafetest.Safe{{Name: "prod"}, {Name: "ops", Members: []string{"admin"}}},
		Secrets: []passwordsafetest.SafeSecret{
			{Path: "prod/db/url", Type: "Text", Text: "one"},
			{Path: "prod/db/URL", Type: "Text", Text: "two"},
			{Path: "prod/app/sub/key", Type: "Text", Text: "deep"},
			{Path: "ops/db/key", Type: "Text", Text: "ops"},
		},
	}))
	c := srv.Client(t, "requestor")
	ctx := context.Background()

	_, _, err := c.Secrets.Find(ctx, "prod/db/url", nil)
	var fe *ps.FindError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 2, fe.Matches)
	assert.NotErrorIs(t, err, ps.ErrNotFound)

	// The fake answers the folder's subfolders too: the SDK keeps only the folder asked.
	_, _, err = c.Secrets.Find(ctx, "prod/app/key", nil)
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, ps.FindError{Kind: "secret", Path: "prod/app/key", Answered: 1}, withoutEndpoint(*fe))
	assert.ErrorIs(t, err, ps.ErrNotFound)
	found, _, err := c.Secrets.Find(ctx, "prod/app/sub/key", nil)
	require.NoError(t, err)
	assert.Equal(t, "deep", found.Text.Value())

	// A safe the user is not a member of holds nothing for it.
	_, _, err = c.Secrets.Find(ctx, "ops/db/key", nil)
	assert.ErrorIs(t, err, ps.ErrNotFound)
	found, _, err = srv.Client(t, "admin").Secrets.Find(ctx, "ops/db/key", nil)
	require.NoError(t, err)
	assert.Equal(t, "ops", found.Text.Value())

	// No Secrets Safe permission: 403.
	_, _, err = srv.Client(t, "approver").Secrets.Find(ctx, "prod/db/url", nil)
	assert.ErrorIs(t, err, ps.ErrForbidden)
}

// withoutEndpoint is a FindError as a test compares it: the unexported
// endpoint is the package's.
func withoutEndpoint(fe ps.FindError) ps.FindError {
	return ps.FindError{Kind: fe.Kind, Path: fe.Path, Matches: fe.Matches, Answered: fe.Answered}
}

func TestE2ESecretsWriteEveryType(t *testing.T) {
	t.Parallel()
	srv := passwordsafetest.NewServer(t)
	ctx := context.Background()
	folder := passwordsafetest.FolderProdWebID
	for _, version := range []string{"3.0", "3.1"} {
		c := srv.Client(t, "requestor", ps.WithAPIVersion(version))
		prefix := "v" + version + "-"
		owners := []ps.SecretOwner{{UserID: 1}, {UserID: 4}}
		if version == "3.1" {
			owners = []ps.SecretOwner{{GroupID: 8, UserID: 1}, {UserID: 4}}
		}
		cred, _, err := c.Secrets.CreateCredential(ctx, folder, &ps.CredentialSecretOptions{Title: prefix + "api", Username: "svc",
			Password: ps.NewSecret("Cr3d-" + version), Notes: "n", Urls: []ps.SecretURL{{URL: "https://api"}}, Owners: owners})
		require.NoError(t, err, version)
		assert.Equal(t, "Cr3d-"+version, cred.Password.Value())
		assert.Equal(t, owners, cred.Owners)
		stored, _ := srv.StoredSecret("prod/web/" + prefix + "api")
		assert.Equal(t, "Cr3d-"+version, stored.Password)
		assert.Equal(t, []string{"https://api"}, stored.Urls)
		assert.Len(t, stored.Owners, 2)

		generated, _, err := c.Secrets.CreateCredential(ctx, folder, &ps.CredentialSecretOptions{Title: prefix + "gen", PasswordRuleID: 7})
		require.NoError(t, err)
		stored, _ = srv.StoredSecret("prod/web/" + prefix + "gen")
		assert.Equal(t, stored.Password, generated.Password.Value())
		assert.Len(t, stored.Password, 20)

		text, _, err := c.Secrets.CreateText(ctx, folder, &ps.TextSecretOptions{Title: prefix + "motd", Text: ps.NewSecret("hello"),
			Owners: []ps.SecretOwner{{GroupID: 9}}})
		require.NoError(t, err)
		assert.Equal(t, "hello", text.Text.Value())
		stored, _ = srv.StoredSecret("prod/web/" + prefix + "motd")
		assert.Equal(t, []passwordsafetest.SecretOwnerInfo{{GroupID: 9}}, stored.Owners)

		file, _, err := c.Secrets.CreateFile(ctx, folder, &ps.FileSecretOptions{Title: prefix + "blob", FileName: "b.bin"},
			bytes.NewReader([]byte{0, 255, 10, 13}))
		require.NoError(t, err)
		stored, _ = srv.StoredSecret("prod/web/" + prefix + "blob")
		assert.Equal(t, []byte{0, 255, 10, 13}, stored.Content)

		// Update each; the fake keeps the owners when none are sent.
		_, err = c.Secrets.UpdateCredential(ctx, cred.ID, &ps.CredentialSecretOptions{Title: prefix + "api", Username: "svc2",
			Password: ps.NewSecret("Cr3d-2")})
		require.NoError(t, err)
		stored, _ = srv.StoredSecret("prod/web/" + prefix + "api")
		assert.Equal(t, "Cr3d-2", stored.Password)
		assert.Equal(t, "svc2", stored.Username)
		assert.Len(t, stored.Owners, 2)
		_, err = c.Secrets.UpdateText(ctx, text.ID, &ps.TextSecretOptions{Title: prefix + "motd2", Text: ps.NewSecret("bye")})
		require.NoError(t, err)
		got, _, err := c.Secrets.GetText(ctx, text.ID)
		require.NoError(t, err)
		assert.Equal(t, "bye", got.Text.Value())
		assert.Equal(t, prefix+"motd2", got.Title)
		_, err = c.Secrets.UpdateFile(ctx, file.ID, &ps.FileSecretOptions{Title: prefix + "blob", FileName: "c.bin"}, bytes.NewReader([]byte("new")))
		require.NoError(t, err)
		info, _, err := c.Secrets.GetFileInfo(ctx, file.ID)
		require.NoError(t, err)
		assert.Equal(t, "c.bin", info.FileName)

		// The title is taken: 409.
		_, _, err = c.Secrets.CreateText(ctx, folder, &ps.TextSecretOptions{Title: prefix + "MOTD2", Text: ps.NewSecret("x")})
		assert.ErrorIs(t, err, ps.ErrConflict)
	}
	// Read only: 403.
	_, _, err := srv.Client(t, "auditor").Secrets.CreateText(ctx, folder, &ps.TextSecretOptions{Title: "x", Text: ps.NewSecret("x")})
	assert.ErrorIs(t, err, ps.ErrForbidden)
}

// The largest file secret goes up and comes back byte for byte.
func TestE2ESecretsLargestFile(t *testing.T) {
	t.Parallel()
	srv := passwordsafetest.NewServer(t)
	c := srv.Client(t, "requestor")
	ctx := context.Background()
	content := make([]byte, ps.FileSecretMaxBytes)
	for i := range content {
		content[i] = byte(i*131 + i/977)
	}
	created, _, err := c.Secrets.CreateFile(ctx, passwordsafetest.FolderProdWebID, &ps.FileSecretOptions{Title: "big", FileName: "big.bin"},
		bytes.NewReader(content))
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = c.Secrets.File(ctx, created.ID, &buf)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(content, buf.Bytes()))
	_, _, err = c.Secrets.CreateFile(ctx, passwordsafetest.FolderProdWebID, &ps.FileSecretOptions{Title: "bigger", FileName: "b"},
		io.MultiReader(bytes.NewReader(content), bytes.NewReader([]byte{1})))
	assert.ErrorIs(t, err, ps.ErrValidation)
	assert.Equal(t, 1, srv.Calls("POST", "Secrets-Safe/Folders/*/secrets/file"))
}

func TestE2ESecretsListAllSharesMoveDelete(t *testing.T) {
	t.Parallel()
	var seed passwordsafetest.Seed
	for i := range 25 {
		seed.Secrets = append(seed.Secrets, passwordsafetest.SafeSecret{Path: fmt.Sprintf("prod/bulk/s%02d", i), Username: "u"})
	}
	seed.Secrets = append(seed.Secrets, passwordsafetest.SafeSecret{Path: "prod/other/x", Type: "Text", Text: "x"})
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSeed(seed))
	ctx := context.Background()
	for _, version := range []string{"3.0", "3.2"} {
		c := srv.Client(t, "requestor", ps.WithAPIVersion(version))
		srv.ResetCalls()
		n := 0
		for s, err := range c.Secrets.All(ctx, &ps.ListSecretsOptions{Path: "prod/bulk", Limit: 10, Decrypt: true}) {
			require.NoError(t, err)
			assert.False(t, s.Password.IsZero())
			n++
		}
		assert.Equal(t, 25, n, version)
		assert.Equal(t, 3, srv.Calls("GET", "Secrets-Safe/Secrets"), version)
		list, _, err := c.Secrets.List(ctx, &ps.ListSecretsOptions{Title: "s0"})
		require.NoError(t, err)
		assert.Len(t, list, 10)
	}

	c := srv.Client(t, "requestor")
	x, _, err := c.Secrets.Find(ctx, "prod/other/x", nil)
	require.NoError(t, err)
	bulk, _, err := c.Folders.Find(ctx, "prod/bulk", nil)
	require.NoError(t, err)
	inFolder, _, err := c.Secrets.ListByFolder(ctx, bulk.ID)
	require.NoError(t, err)
	assert.Len(t, inFolder, 25)

	share, _, err := c.Secrets.Share(ctx, x.ID, bulk.ID)
	require.NoError(t, err)
	assert.Equal(t, "prod/bulk", share.FolderPath)
	shares, _, err := c.Secrets.Shares(ctx, x.ID)
	require.NoError(t, err)
	assert.Equal(t, []ps.SecretShare{*share}, shares)
	_, err = c.Secrets.Unshare(ctx, x.ID, bulk.ID)
	require.NoError(t, err)
	_, _, err = c.Secrets.Share(ctx, x.ID, bulk.ID)
	require.NoError(t, err)
	_, err = c.Secrets.UnshareAll(ctx, x.ID)
	require.NoError(t, err)
	stored, _ := srv.StoredSecret("prod/other/x")
	assert.Empty(t, stored.Shares)

	_, err = c.Secrets.Move(ctx, &ps.MoveSecretsOptions{SecretIDs: []string{x.ID}, DestinationFolderID: bulk.ID})
	require.NoError(t, err)
	_, ok := srv.StoredSecret("prod/bulk/x")
	assert.True(t, ok, "moved")

	_, err = c.Secrets.Delete(ctx, x.ID)
	require.NoError(t, err)
	_, ok = srv.StoredSecret("prod/bulk/x")
	assert.False(t, ok, "deleted")
	_, _, err = c.Secrets.Get(ctx, x.ID)
	assert.ErrorIs(t, err, ps.ErrNotFound)
}

func TestE2EFoldersAndSafes(t *testing.T) {
	t.Parallel()
	srv := passwordsafetest.NewServer(t)
	ctx := context.Background()
	admin := srv.Client(t, "admin")
	safe, _, err := admin.Safes.Create(ctx, &ps.SafeOptions{Name: "team", Description: "Team"})
	require.NoError(t, err)
	assert.Equal(t, "team", safe.Name)
	got, _, err := admin.Safes.Get(ctx, safe.ID)
	require.NoError(t, err)
	assert.Equal(t, safe, got)
	_, err = admin.Safes.Update(ctx, safe.ID, &ps.SafeOptions{Name: "team2"})
	require.NoError(t, err)
	safes, _, err := admin.Safes.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"prod", "dev", "team2"}, []string{safes[0].Name, safes[1].Name, safes[2].Name})

	top, _, err := admin.Folders.Create(ctx, &ps.CreateFolderOptions{Name: "app", ParentID: safe.ID})
	require.NoError(t, err)
	sub, _, err := admin.Folders.Create(ctx, &ps.CreateFolderOptions{Name: "cfg", Description: "d", ParentID: top.ID})
	require.NoError(t, err)
	found, _, err := admin.Folders.Find(ctx, "team2/app/cfg", nil)
	require.NoError(t, err)
	assert.Equal(t, sub, found)
	found, _, err = admin.Folders.Find(ctx, "TEAM2|APP", &ps.FindFolderOptions{Separator: "|"})
	require.NoError(t, err)
	assert.Equal(t, top.ID, found.ID)
	_, _, err = admin.Folders.Find(ctx, "team2/nothing", nil)
	assert.ErrorIs(t, err, ps.ErrNotFound)

	_, err = admin.Folders.Update(ctx, sub.ID, &ps.UpdateFolderOptions{Name: "cfg2"})
	require.NoError(t, err)
	moved, _, err := admin.Folders.Move(ctx, sub.ID, &ps.MoveFolderOptions{DestinationFolderID: passwordsafetest.FolderProdWebID})
	require.NoError(t, err)
	assert.Equal(t, passwordsafetest.FolderProdWebID, moved.ParentID)
	got2, _, err := admin.Folders.Get(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, moved, got2)
	paths := map[string]bool{}
	for _, f := range srv.Folders() {
		paths[f.Path] = true
	}
	assert.True(t, paths["prod/web/cfg2"], "%v", paths)

	var names []string
	for f, err := range admin.Folders.All(ctx, &ps.ListFoldersOptions{Limit: 2}) {
		require.NoError(t, err)
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"db", "web", "sandbox", "app", "cfg2"}, names)
	list, _, err := admin.Folders.List(ctx, &ps.ListFoldersOptions{RootOnly: true, FolderName: "a"})
	require.NoError(t, err)
	assert.Len(t, list, 2) // sandbox, app

	_, err = admin.Folders.Delete(ctx, sub.ID)
	require.NoError(t, err)
	_, err = admin.Safes.Delete(ctx, safe.ID)
	require.NoError(t, err)
	assert.Len(t, srv.Safes(), 2)
	assert.Len(t, srv.Folders(), 3)

	// Permissions: read-only users and requestors cannot manage safes.
	_, _, err = srv.Client(t, "requestor").Safes.Create(ctx, &ps.SafeOptions{Name: "x"})
	assert.ErrorIs(t, err, ps.ErrForbidden)
	_, _, err = srv.Client(t, "auditor").Folders.Create(ctx, &ps.CreateFolderOptions{Name: "x", ParentID: passwordsafetest.SafeProdID})
	var er *ps.ErrorResponse
	require.True(t, errors.As(err, &er))
	assert.Equal(t, 403, er.StatusCode)
}
