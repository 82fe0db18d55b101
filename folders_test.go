package passwordsafe

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const foldersURL = testBase + "Secrets-Safe/Folders"

const fullFolder = `{"Id":"` + testFolderID + `","Name":"db","Description":"Database","ParentId":"` + testSafeID + `","UserGroupId":4}`

func wantFolder() Folder {
	return Folder{ID: testFolderID, Name: "db", Description: "Database", ParentID: testSafeID, UserGroupID: 4}
}

func TestFoldersList(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, foldersURL, rec.wrap(respond(http.StatusOK, `[`+fullFolder+`,{"Id":"x","Name":"web"}]`)))
	got, resp, err := c.Folders.List(context.Background(), &ListFoldersOptions{FolderName: "d b", FolderPath: "prod/db",
		IncludeSubfolders: Ptr(false), RootOnly: true, FolderOwnerID: 7, Limit: 10, Offset: 20})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []Folder{wantFolder(), {ID: "x", Name: "web"}}, got)
	r := rec.last(t)
	assert.Equal(t, "/custom/prefix/Secrets-Safe/Folders", r.URL.EscapedPath())
	assert.Equal(t, "folderName=d+b&folderOwnerId=7&folderPath=prod%2Fdb&includeSubfolders=false&limit=10&offset=20&rootOnly=true", r.URL.RawQuery)

	for _, opts := range []*ListFoldersOptions{nil, {}} {
		_, _, err = c.Folders.List(context.Background(), opts)
		require.NoError(t, err)
		assert.Empty(t, rec.last(t).URL.RawQuery)
	}
	_, _, err = c.Folders.List(context.Background(), &ListFoldersOptions{IncludeSubfolders: Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, "includeSubfolders=true", rec.last(t).URL.RawQuery)

	mt.RegisterResponder(http.MethodGet, foldersURL, respond(http.StatusOK, `{"TotalCount":1,"Data":[`+fullFolder+`]}`))
	got, _, err = c.Folders.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []Folder{wantFolder()}, got)
}

func TestFoldersListValidation(t *testing.T) {
	t.Parallel()
	for field, opts := range map[string]*ListFoldersOptions{
		"folderName":    {FolderName: strings.Repeat("n", maxFolderName+1)},
		"folderPath":    {FolderPath: strings.Repeat("p", maxFolderPath+1)},
		"folderOwnerId": {FolderOwnerID: -1},
		"limit":         {Limit: -1},
		"offset":        {Offset: -2},
	} {
		c, mt := newMockClient(t)
		_, _, err := c.Folders.List(context.Background(), opts)
		assertValidation(t, err, field)
		for f, err := range c.Folders.All(context.Background(), opts) {
			assertValidation(t, err, field)
			assert.Zero(t, f)
		}
		assert.Zero(t, apiCalls(mt)+signIns(mt))
	}
}

func TestFoldersAll(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, foldersURL, rec.wrap(sequence(
		respond(http.StatusOK, `[{"Id":"a"},{"Id":"b"}]`),
		respond(http.StatusOK, `[{"Id":"c"}]`))))
	var ids []string
	for f, err := range c.Folders.All(context.Background(), &ListFoldersOptions{Limit: 2, Offset: 4, RootOnly: true}) {
		require.NoError(t, err)
		ids = append(ids, f.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids)
	assert.Equal(t, []string{"limit=2&offset=4&rootOnly=true", "limit=2&offset=6&rootOnly=true"}, queries(rec))

	// An error is the last pair; the default page size is 1000.
	c, mt = newMockClient(t)
	rec = &recorder{}
	mt.RegisterResponder(http.MethodGet, foldersURL, rec.wrap(respond(http.StatusForbidden, `"No."`)))
	var last error
	for _, err := range c.Folders.All(context.Background(), nil) {
		last = err
	}
	assert.ErrorIs(t, last, ErrForbidden)
	assert.Equal(t, []string{"limit=1000"}, queries(rec))
}

func TestFoldersGet(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, foldersURL+"/"+testFolderID, rec.wrap(respond(http.StatusOK, fullFolder)))
	got, resp, err := c.Folders.Get(context.Background(), testFolderID)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, wantFolder(), *got)
	assert.Equal(t, "/custom/prefix/Secrets-Safe/Folders/"+testFolderID, rec.last(t).URL.EscapedPath())
}

func TestFoldersFind(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, foldersURL, rec.wrap(respond(http.StatusOK,
		`[{"Id":"other","Name":"db2"},`+strings.Replace(fullFolder, `"db"`, `"DB"`, 1)+`]`)))
	got, resp, err := c.Folders.Find(context.Background(), "prod/db", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, testFolderID, got.ID)
	r := rec.last(t)
	assert.Equal(t, "/custom/prefix/Secrets-Safe/Folders", r.URL.EscapedPath())
	assert.Equal(t, "folderPath=prod/db&includeSubfolders=false", r.URL.RawQuery)

	// Another separator is sent as "/"; a safe-level name has no separator.
	got, _, err = c.Folders.Find(context.Background(), "prod|a b|db", &FindFolderOptions{Separator: "|"})
	require.NoError(t, err)
	assert.Equal(t, testFolderID, got.ID)
	assert.Equal(t, "folderPath=prod/a+b/db&includeSubfolders=false", rec.last(t).URL.RawQuery)
	got, _, err = c.Folders.Find(context.Background(), "db", nil)
	require.NoError(t, err)
	assert.Equal(t, testFolderID, got.ID)

	var fe *FindError
	for answer, want := range map[string]FindError{
		`[]`:               {Kind: "folder", Path: "prod/db", endpoint: pathFolders},
		`[{"Name":"dbx"}]`: {Kind: "folder", Path: "prod/db", Answered: 1, endpoint: pathFolders},
		`[{"Name":"db"},{"Name":"Db"},{"Name":"x"}]`: {Kind: "folder", Path: "prod/db", Matches: 2, Answered: 3, endpoint: pathFolders},
	} {
		mt.RegisterResponder(http.MethodGet, foldersURL, respond(http.StatusOK, answer))
		got, resp, err := c.Folders.Find(context.Background(), "prod/db", nil)
		assert.Nil(t, got)
		assert.NotNil(t, resp)
		require.ErrorAs(t, err, &fe, answer)
		assert.Equal(t, want, *fe, answer)
		assert.Equal(t, want.Matches == 0, errors.Is(err, ErrNotFound), answer)
		assert.Contains(t, err.Error(), "passwordsafe: GET Secrets-Safe/Folders: ")
	}
	mt.RegisterResponder(http.MethodGet, foldersURL, respond(http.StatusUnauthorized, `"No."`))
	_, _, err = c.Folders.Find(context.Background(), "prod/db", nil)
	assert.ErrorIs(t, err, ErrUnauthorized)
}

func TestFoldersFindValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, sep, field string }{
		{"", "", "folderPath"},
		{strings.Repeat("p", maxFolderPath+1), "", "folderPath"},
		{"prod/db", "::", "separator"},
		{"prod/db", "\t", "separator"},
		{"prod::db", ":", "folderPath"},
		{"prod/db/", "", "folderPath"},
		{"/prod", "", "folderPath"},
	} {
		c, mt := newMockClient(t)
		_, _, err := c.Folders.Find(context.Background(), tc.path, &FindFolderOptions{Separator: tc.sep})
		assertValidation(t, err, tc.field)
		assert.Zero(t, apiCalls(mt)+signIns(mt))
	}
}

func TestFoldersWrite(t *testing.T) {
	t.Parallel()
	const dest = "f01de700-0000-4000-8000-0000000000ee"
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, foldersURL, rec.wrap(respond(http.StatusCreated, fullFolder)))
	mt.RegisterResponder(http.MethodPut, foldersURL+"/"+testFolderID, rec.wrap(respond(http.StatusOK, fullFolder)))
	mt.RegisterResponder(http.MethodPut, foldersURL+"/"+testFolderID+"/move", rec.wrap(respond(http.StatusOK, `[`+fullFolder+`]`)))
	mt.RegisterResponder(http.MethodDelete, foldersURL+"/"+testFolderID, rec.wrap(respond(http.StatusNoContent, "")))
	ctx := context.Background()
	check := func(method, path, body string, status int, resp *Response, err error) {
		t.Helper()
		require.NoError(t, err)
		assert.Equal(t, status, resp.StatusCode)
		assertSent(t, rec, method, "Secrets-Safe/Folders"+path, body)
	}
	got, resp, err := c.Folders.Create(ctx, &CreateFolderOptions{Name: "db", Description: "Database", ParentID: testSafeID, UserGroupID: 4})
	check(http.MethodPost, "", `{"Name":"db","Description":"Database","ParentId":"`+testSafeID+`","UserGroupId":4}`, 201, resp, err)
	assert.Equal(t, wantFolder(), *got)
	_, resp, err = c.Folders.Create(ctx, &CreateFolderOptions{Name: "root"})
	check(http.MethodPost, "", `{"Name":"root"}`, 201, resp, err)

	resp, err = c.Folders.Update(ctx, testFolderID, &UpdateFolderOptions{Name: "db2", Description: "d"})
	check(http.MethodPut, "/"+testFolderID, `{"Name":"db2","Description":"d"}`, 200, resp, err)
	resp, err = c.Folders.Update(ctx, testFolderID, &UpdateFolderOptions{Name: "db2"})
	check(http.MethodPut, "/"+testFolderID, `{"Name":"db2"}`, 200, resp, err)

	got, resp, err = c.Folders.Move(ctx, testFolderID, &MoveFolderOptions{DestinationFolderID: dest})
	check(http.MethodPut, "/"+testFolderID+"/move", `{"DestinationFolderId":"`+dest+`","DuplicateNameAction":"Stop"}`, 200, resp, err)
	assert.Equal(t, wantFolder(), *got)
	_, resp, err = c.Folders.Move(ctx, testFolderID, &MoveFolderOptions{DestinationFolderID: dest, DuplicateNameAction: DuplicateSkip})
	check(http.MethodPut, "/"+testFolderID+"/move", `{"DestinationFolderId":"`+dest+`","DuplicateNameAction":"Skip"}`, 200, resp, err)

	resp, err = c.Folders.Delete(ctx, testFolderID)
	check(http.MethodDelete, "/"+testFolderID, "", 204, resp, err)
}

func TestFolderOptionsValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ß", 257)
	ctx := context.Background()
	for _, tc := range []struct {
		field string
		call  func(c *Client) error
	}{
		{"opts", func(c *Client) error { _, _, err := c.Folders.Create(ctx, nil); return err }},
		{"Name", func(c *Client) error { _, _, err := c.Folders.Create(ctx, &CreateFolderOptions{}); return err }},
		{"Name", func(c *Client) error {
			_, _, err := c.Folders.Create(ctx, &CreateFolderOptions{Name: long})
			return err
		}},
		{"Description", func(c *Client) error {
			_, _, err := c.Folders.Create(ctx, &CreateFolderOptions{Name: "n", Description: long})
			return err
		}},
		{"ParentId", func(c *Client) error {
			_, _, err := c.Folders.Create(ctx, &CreateFolderOptions{Name: "n", ParentID: "prod"})
			return err
		}},
		{"UserGroupId", func(c *Client) error {
			_, _, err := c.Folders.Create(ctx, &CreateFolderOptions{Name: "n", UserGroupID: -1})
			return err
		}},
		{"opts", func(c *Client) error { _, err := c.Folders.Update(ctx, testFolderID, nil); return err }},
		{"Name", func(c *Client) error {
			_, err := c.Folders.Update(ctx, testFolderID, &UpdateFolderOptions{})
			return err
		}},
		{"Description", func(c *Client) error {
			_, err := c.Folders.Update(ctx, testFolderID, &UpdateFolderOptions{Name: "n", Description: long})
			return err
		}},
		{"opts", func(c *Client) error { _, _, err := c.Folders.Move(ctx, testFolderID, nil); return err }},
		{"DestinationFolderId", func(c *Client) error {
			_, _, err := c.Folders.Move(ctx, testFolderID, &MoveFolderOptions{})
			return err
		}},
		{"DuplicateNameAction", func(c *Client) error {
			_, _, err := c.Folders.Move(ctx, testFolderID, &MoveFolderOptions{DestinationFolderID: testSafeID, DuplicateNameAction: "stop"})
			return err
		}},
	} {
		c, mt := newMockClient(t)
		err := tc.call(c)
		assertValidation(t, err, tc.field)
		assert.NotContains(t, err.Error(), "ß")
		assert.Zero(t, apiCalls(mt)+signIns(mt))
	}
}
