package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testSecretID = "5ec7e700-0000-4000-8000-00000000000a"
	testFolderID = "f01de700-0000-4000-8000-00000000000b"
	testSafeID   = "5afe0000-0000-4000-8000-00000000000c"
	secretsURL   = testBase + "Secrets-Safe/Secrets"
)

// fullSecret is a Text secret with every field, as API 3.0 writes it: the
// text in Password (as GET Secrets answers), a user owner.
const fullSecret = `{"Id":"` + testSecretID + `","Title":"url","Description":"Connection URL","FolderId":"` + testFolderID + `",` +
	`"FolderPath":"prod/db","SecretType":"Text","Username":null,"Password":"postgres://db","Text":null,"FileName":null,` +
	`"Notes":"n","Urls":[{"Id":"0a110000-0000-4000-8000-000000000001","CredentialId":"` + testSecretID + `","Url":"https://db"}],` +
	`"OwnerId":7,"OwnerType":"User","Owner":"tester","Owners":[{"OwnerId":7,"Owner":"tester","Email":"t@example.test"}],` +
	`"PasswordRuleID":3,"CreatedOn":"2026-01-15T09:30:00Z","CreatedBy":"admin","ModifiedOn":"2026-01-16T09:30:00Z",` +
	`"ModifiedBy":"tester","SecretValueModifiedOn":"2026-01-17T09:30:00Z"}`

func wantFullSecret() StoredSecret {
	return StoredSecret{
		ID: testSecretID, Title: "url", Description: "Connection URL", FolderID: testFolderID, FolderPath: "prod/db",
		SecretType: SecretTypeText, Text: NewSecret("postgres://db"), Notes: "n",
		Urls:    []SecretURL{{ID: "0a110000-0000-4000-8000-000000000001", CredentialID: testSecretID, URL: "https://db"}},
		OwnerID: 7, OwnerType: "User", Owners: []SecretOwner{{UserID: 7}}, PasswordRuleID: 3,
		CreatedOn: Time{time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)}, CreatedBy: "admin",
		ModifiedOn: Time{time.Date(2026, 1, 16, 9, 30, 0, 0, time.UTC)}, ModifiedBy: "tester",
		SecretValueModifiedOn: Time{time.Date(2026, 1, 17, 9, 30, 0, 0, time.UTC)},
	}
}

// secretRow is a secret with a folder path and a title.
func secretRow(id, folderPath, title string) string {
	return `{"Id":"` + id + `","Title":"` + title + `","FolderPath":"` + folderPath + `","SecretType":"Credential",` +
		`"Username":"u","Password":"pw-` + title + `"}`
}

// equalSecrets compares secrets, Secret values included.
func equalSecrets(t *testing.T, want, got StoredSecret) {
	t.Helper()
	assert.Equal(t, want.Password.Value(), got.Password.Value(), "Password")
	assert.Equal(t, want.Text.Value(), got.Text.Value(), "Text")
	want.Password, want.Text, got.Password, got.Text = Secret{}, Secret{}, Secret{}, Secret{}
	assert.Equal(t, want, got)
}

func TestStoredSecretDecodesEveryVersion(t *testing.T) {
	t.Parallel()
	var s StoredSecret
	require.NoError(t, json.Unmarshal([]byte(fullSecret), &s))
	equalSecrets(t, wantFullSecret(), s)

	for body, want := range map[string]StoredSecret{
		// 3.0, a group owner: OwnerId is the group.
		`{"SecretType":"Credential","Password":"p","OwnerId":4,"OwnerType":"Group","Owners":[{"OwnerId":4}]}`: {
			SecretType: SecretTypeCredential, Password: NewSecret("p"), OwnerID: 4, OwnerType: "Group",
			Owners: []SecretOwner{{GroupID: 4}}},
		// 3.1: Owners of GroupId and UserId, kept as they are.
		`{"SecretType":"Credential","Owners":[{"GroupId":2,"UserId":3,"Name":"x"},{"UserId":5}]}`: {
			SecretType: SecretTypeCredential, Owners: []SecretOwner{{GroupID: 2, UserID: 3}, {UserID: 5}}},
		// GET Secrets/{id}/text: the text in Text, Password left alone.
		`{"SecretType":"Text","Text":"t","Password":"p"}`: {SecretType: SecretTypeText, Text: NewSecret("t"), Password: NewSecret("p")},
		// A text secret's value in Password, whatever the case of its type.
		`{"SecretType":"text","Password":"t"}`: {SecretType: "text", Text: NewSecret("t")},
		// A credential keeps its Password.
		`{"SecretType":"Credential","Password":"p","Owners":null}`: {SecretType: SecretTypeCredential, Password: NewSecret("p")},
		// The ID spelled as Go spells it reads too.
		`{"ID":"x","FolderID":"y","OwnerID":1}`: {ID: "x", FolderID: "y", OwnerID: 1},
	} {
		var got StoredSecret
		require.NoError(t, json.Unmarshal([]byte(body), &got), body)
		equalSecrets(t, want, got)
	}
	var bad StoredSecret
	assert.Error(t, json.Unmarshal([]byte(`{"Password":1}`), &bad))
	assert.Error(t, json.Unmarshal([]byte(`{"Owners":"x"}`), &bad))
}

func TestSecretsFind(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, secretsURL, rec.wrap(respond(http.StatusOK, `[`+fullSecret+`]`)))

	got, resp, err := c.Secrets.Find(context.Background(), "prod/db/url", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	equalSecrets(t, wantFullSecret(), *got)
	assert.Equal(t, "postgres://db", got.Text.Value(), "a text secret's value, answered in Password, is its Text")

	r := rec.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/custom/prefix/Secrets-Safe/Secrets", r.URL.EscapedPath())
	assert.Equal(t, "path=prod/db&title=url&decrypt=true", r.URL.RawQuery)
	assert.Empty(t, r.Body)
	assert.Equal(t, 1, apiCalls(mt), "one call after sign-in")
	assert.Equal(t, 1, signIns(mt))

	// Query escapes, slashes kept; the 3.2 page reads too.
	mt.RegisterResponder(http.MethodGet, secretsURL, rec.wrap(respond(http.StatusOK,
		`{"TotalCount":1,"Data":[`+secretRow(testSecretID, "a b/c&d", "t?x")+`]}`)))
	got, _, err = c.Secrets.Find(context.Background(), "a b/c&d/t?x", &FindSecretOptions{Separator: "/"})
	require.NoError(t, err)
	assert.Equal(t, "pw-t?x", got.Password.Value())
	assert.Equal(t, "path=a+b/c%26d&title=t%3Fx&decrypt=true", rec.last(t).URL.RawQuery)
}

func TestSecretsFindSeparator(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, WithAPIVersion("3.1"))
	rec := &recorder{}
	// The server answers the folder path in its "/" form.
	mt.RegisterResponder(http.MethodGet, secretsURL, rec.wrap(respond(http.StatusOK, `[`+secretRow(testSecretID, "prod/db", "a/b")+`]`)))
	got, _, err := c.Secrets.Find(context.Background(), "prod|db|a/b", &FindSecretOptions{Separator: "|"})
	require.NoError(t, err)
	assert.Equal(t, "a/b", got.Title)
	assert.Equal(t, "path=prod%7Cdb&title=a/b&decrypt=true&separator=%7C&version=3.1", rec.last(t).URL.RawQuery)

	// Or in the separator's form.
	mt.RegisterResponder(http.MethodGet, secretsURL, rec.wrap(respond(http.StatusOK, `[`+secretRow(testSecretID, "prod|db", "x")+`]`)))
	got, _, err = c.Secrets.Find(context.Background(), "prod|db|x", &FindSecretOptions{Separator: "|"})
	require.NoError(t, err)
	assert.Equal(t, "x", got.Title)
}

// The answer is checked against what was asked: titles and folders that
// only look alike are not matches; case does not matter.
func TestSecretsFindChecksTheAnswer(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(http.StatusOK, `[`+
		secretRow("5ec7e700-0000-4000-8000-000000000001", "prod/db", "url2")+`,`+
		secretRow("5ec7e700-0000-4000-8000-000000000002", "prod/db/sub", "url")+`,`+
		secretRow("5ec7e700-0000-4000-8000-000000000003", "/PROD/DB/", "URL")+`,`+
		secretRow("5ec7e700-0000-4000-8000-000000000004", "prod", "db/url")+`]`))
	got, _, err := c.Secrets.Find(context.Background(), "prod/db/url", nil)
	require.NoError(t, err)
	assert.Equal(t, "5ec7e700-0000-4000-8000-000000000003", got.ID)

	// A server that answers a whole folder (more than a single object's
	// 1 MiB cap): the one asked for is found in it.
	rows := make([]string, 0, 10_001)
	for i := range 10_000 {
		rows = append(rows, secretRow(fmt.Sprintf("5ec7e700-0000-4000-8000-%012d", i), "prod/db", fmt.Sprintf("other-%d", i)))
	}
	rows = append(rows, secretRow(testSecretID, "prod/db", "url"))
	body := "[" + strings.Join(rows, ",") + "]"
	require.Greater(t, len(body), capObject)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(http.StatusOK, body))
	got, _, err = c.Secrets.Find(context.Background(), "prod/db/url", nil)
	require.NoError(t, err)
	assert.Equal(t, testSecretID, got.ID)
}

func TestSecretsFindNotExactlyOne(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		answer            string
		matches, answered int
		msg               string
	}{
		"none":          {`[]`, 0, 0, `passwordsafe: GET Secrets-Safe/Secrets: no secret at "prod/db/url"`},
		"null":          {`null`, 0, 0, `no secret at "prod/db/url"`},
		"empty page":    {`{"TotalCount":0,"Data":[]}`, 0, 0, `no secret at "prod/db/url"`},
		"only others":   {`[` + secretRow(testSecretID, "prod/db", "url-old") + `]`, 0, 1, `no secret at "prod/db/url" (the server answered 1 at another path)`},
		"two":           {`[` + secretRow(testSecretID, "prod/db", "url") + `,` + secretRow(testSecretID, "prod/db", "URL") + `]`, 2, 2, `passwordsafe: GET Secrets-Safe/Secrets: 2 secrets at "prod/db/url": Find returns exactly one`},
		"three of four": {`[` + strings.Repeat(secretRow(testSecretID, "prod/db", "url")+`,`, 3) + secretRow(testSecretID, "x", "url") + `]`, 3, 4, `3 secrets at "prod/db/url"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, secretsURL, respond(http.StatusOK, tc.answer))
			got, resp, err := c.Secrets.Find(context.Background(), "prod/db/url", nil)
			assert.Nil(t, got)
			require.NotNil(t, resp)
			var fe *FindError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, FindError{Kind: "secret", Path: "prod/db/url", Matches: tc.matches, Answered: tc.answered, endpoint: pathSecrets}, *fe)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Equal(t, tc.matches == 0, errors.Is(err, ErrNotFound))
			assert.False(t, errors.As(err, new(*ErrorResponse)))
			assert.NotContains(t, err.Error(), "pw-", "no value in the error")
		})
	}
}

// A body that breaks off is read again from the start: the rows of the
// broken attempt do not count.
func TestSecretsFindRetriedAnswerStartsAfresh(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	row := secretRow(testSecretID, "prod/db", "url")
	mt.RegisterResponder(http.MethodGet, secretsURL, sequence(
		func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
				Body:          io.NopCloser(io.MultiReader(strings.NewReader(`[`+row+`,`), iotest.ErrReader(io.ErrUnexpectedEOF))),
				ContentLength: -1}, nil
		},
		respond(http.StatusOK, `[`+row+`]`)))
	got, _, err := c.Secrets.Find(context.Background(), "prod/db/url", nil)
	require.NoError(t, err)
	assert.Equal(t, testSecretID, got.ID)
	assert.Equal(t, 2, apiCalls(mt))
}

func TestSecretsFindErrors(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(http.StatusForbidden, `"No permission."`))
	_, resp, err := c.Secrets.Find(context.Background(), "prod/db/url", nil)
	assert.ErrorIs(t, err, ErrForbidden)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	mt.RegisterResponder(http.MethodGet, secretsURL, respond(http.StatusOK, `[{"Id":1}]`))
	_, _, err = c.Secrets.Find(context.Background(), "prod/db/url", nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, pathSecrets, de.Path)
}

func TestSecretsFindValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", maxFolderPath+1)
	for _, tc := range []struct {
		path, sep, field string
	}{
		{"", "", "path"},
		{"url", "", "path"},
		{"prod/db/", "", "title"},
		{"/url", "", "path"},
		{"/", "", "path"},
		{"prod//db/url", "", "path"},
		{"/prod/db/url", "", "path"},
		{long + "/url", "", "path"},
		{strings.Repeat("é", maxFolderPath) + "/" + strings.Repeat("t", maxSecretTitle+1), "", "title"},
		{"prod/db/url", "ab", "separator"},
		{"prod db url", " ", "separator"},
		{"prod/db/url", "\xff", "separator"},
		{"prod/db/url", "separator-of-many-runes", "separator"},
		{"prod/db/url", "|", "path"}, // no "|" in the path
	} {
		c, mt := newMockClient(t)
		var opts *FindSecretOptions
		if tc.sep != "" {
			opts = &FindSecretOptions{Separator: tc.sep}
		}
		_, resp, err := c.Secrets.Find(context.Background(), tc.path, opts)
		assertValidation(t, err, tc.field)
		switch tc.path {
		case "url", "":
			assert.ErrorContains(t, err, `must be a folder path and a title joined by "/", such as prod/db/url`)
		case "/url", "/":
			assert.ErrorContains(t, err, "invalid path: is required")
		}
		if len(tc.sep) > 8 {
			assert.ErrorContains(t, err, `got "separato…"`, "a long separator is shown in part")
		}
		assert.Nil(t, resp)
		assert.Zero(t, apiCalls(mt)+signIns(mt), "nothing sent for %q", tc.path)
	}
	// The limits themselves pass.
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(http.StatusOK, `[]`))
	_, _, err := c.Secrets.Find(context.Background(), strings.Repeat("é", maxFolderPath)+"/"+strings.Repeat("t", maxSecretTitle), nil)
	assert.ErrorIs(t, err, ErrNotFound)
	_, _, err = c.Secrets.Find(context.Background(), "p→d→t", &FindSecretOptions{Separator: "→"})
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestSecretsList(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, secretsURL, rec.wrap(respond(http.StatusOK,
		`[`+fullSecret+`,`+secretRow("5ec7e700-0000-4000-8000-000000000001", "prod/web", "api")+`]`)))
	after := Time{time.Date(2026, 1, 2, 4, 5, 6, 0, time.FixedZone("x", 3600))}
	got, resp, err := c.Secrets.List(context.Background(), &ListSecretsOptions{
		Path: "prod/db", Title: "u rl", Separator: "/", AfterDate: after, Limit: 50, Offset: 100, Decrypt: true,
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, got, 2)
	equalSecrets(t, wantFullSecret(), got[0])
	assert.Equal(t, "pw-api", got[1].Password.Value())
	r := rec.last(t)
	assert.Equal(t, "/custom/prefix/Secrets-Safe/Secrets", r.URL.EscapedPath())
	assert.Equal(t, "afterdate=2026-01-02T03%3A05%3A06Z&decrypt=true&limit=50&offset=100&path=prod%2Fdb&separator=%2F&title=u+rl", r.URL.RawQuery)

	for _, opts := range []*ListSecretsOptions{nil, {}} {
		_, _, err = c.Secrets.List(context.Background(), opts)
		require.NoError(t, err)
		assert.Equal(t, "", rec.last(t).URL.RawQuery)
	}
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(http.StatusOK, `{"TotalCount":5,"Data":[`+fullSecret+`]}`))
	got, _, err = c.Secrets.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	equalSecrets(t, wantFullSecret(), got[0])
}

func TestSecretsListValidation(t *testing.T) {
	t.Parallel()
	for field, opts := range map[string]*ListSecretsOptions{
		"path":      {Path: strings.Repeat("p", maxFolderPath+1)},
		"title":     {Title: strings.Repeat("t", maxSecretTitle+1)},
		"separator": {Separator: "::"},
		"limit":     {Limit: -1},
		"offset":    {Offset: -1},
	} {
		c, mt := newMockClient(t)
		_, _, err := c.Secrets.List(context.Background(), opts)
		assertValidation(t, err, field)
		for s, err := range c.Secrets.All(context.Background(), opts) {
			assertValidation(t, err, field)
			assert.Zero(t, s.ID)
		}
		assert.Zero(t, apiCalls(mt)+signIns(mt))
	}
}

// pagedSecrets answers GET Secrets from n secrets, paging by limit and
// offset; wrapped adds the 3.2 {TotalCount, Data}.
func pagedSecrets(n int, wrapped bool) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		limit, offset := n, 0
		if v := q.Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		if v := q.Get("offset"); v != "" {
			offset, _ = strconv.Atoi(v)
		}
		var rows []string
		for i := offset; i < min(offset+limit, n); i++ {
			rows = append(rows, secretRow(fmt.Sprintf("5ec7e700-0000-4000-8000-%012d", i), "p", "t"))
		}
		body := "[" + strings.Join(rows, ",") + "]"
		if wrapped {
			body = `{"TotalCount":` + strconv.Itoa(n) + `,"Data":` + body + `}`
		}
		return respond(http.StatusOK, body)(req)
	}
}

func TestSecretsAll(t *testing.T) {
	t.Parallel()
	for _, wrapped := range []bool{false, true} {
		c, mt := newMockClient(t)
		rec := &recorder{}
		mt.RegisterResponder(http.MethodGet, secretsURL, rec.wrap(pagedSecrets(5, wrapped)))
		n := 0
		for s, err := range c.Secrets.All(context.Background(), &ListSecretsOptions{Limit: 2, Path: "p", Decrypt: true}) {
			require.NoError(t, err)
			assert.Equal(t, "pw-t", s.Password.Value())
			n++
		}
		assert.Equal(t, 5, n)
		assert.Equal(t, []string{"decrypt=true&limit=2&path=p", "decrypt=true&limit=2&offset=2&path=p",
			"decrypt=true&limit=2&offset=4&path=p"}, queries(rec))
	}

	// The default page size, and a server that ignores offset.
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, secretsURL, rec.wrap(func(req *http.Request) (*http.Response, error) {
		req.URL.RawQuery = "limit=1000"
		return pagedSecrets(1500, false)(req)
	}))
	n := 0
	var last error
	for _, err := range c.Secrets.All(context.Background(), nil) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	assert.ErrorIs(t, last, errOffsetIgnored)
	assert.Contains(t, last.Error(), "GET Secrets-Safe/Secrets")
	assert.Equal(t, 1000, n)
	assert.Equal(t, []string{"limit=1000", "limit=1000&offset=1000"}, queries(rec))
}

func TestSecretsByID(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := &recorder{}
	for _, p := range []string{"", "/text", "/file"} {
		mt.RegisterResponder(http.MethodGet, secretsURL+"/"+testSecretID+p, rec.wrap(respond(http.StatusOK, fullSecret)))
	}
	mt.RegisterResponder(http.MethodGet, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets", rec.wrap(respond(http.StatusOK, `[`+fullSecret+`]`)))
	for path, call := range map[string]func() (*StoredSecret, *Response, error){
		"Secrets-Safe/Secrets/" + testSecretID:           func() (*StoredSecret, *Response, error) { return c.Secrets.Get(context.Background(), testSecretID) },
		"Secrets-Safe/Secrets/" + testSecretID + "/text": func() (*StoredSecret, *Response, error) { return c.Secrets.GetText(context.Background(), testSecretID) },
		"Secrets-Safe/Secrets/" + testSecretID + "/file": func() (*StoredSecret, *Response, error) {
			return c.Secrets.GetFileInfo(context.Background(), testSecretID)
		},
		"Secrets-Safe/Folders/" + testFolderID + "/secrets": func() (*StoredSecret, *Response, error) {
			list, resp, err := c.Secrets.ListByFolder(context.Background(), testFolderID)
			if len(list) != 1 {
				return nil, resp, err
			}
			return &list[0], resp, err
		},
	} {
		got, resp, err := call()
		require.NoError(t, err, path)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		equalSecrets(t, wantFullSecret(), *got)
		r := rec.last(t)
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "/custom/prefix/"+path, r.URL.EscapedPath())
		assert.Empty(t, r.URL.RawQuery)
	}
	mt.RegisterResponder(http.MethodGet, secretsURL+"/"+testSecretID, respond(http.StatusNotFound, `"Secret was not found."`))
	_, _, err := c.Secrets.Get(context.Background(), testSecretID)
	assert.ErrorIs(t, err, ErrNotFound)
}

// Every method that names a secret, a folder or a safe checks the ID
// first and sends nothing when it is not a GUID.
func TestSecretsSafeIDsValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	okText := &TextSecretOptions{Title: "t", Text: NewSecret("x")}
	okCred := &CredentialSecretOptions{Title: "t", Password: NewSecret("x")}
	okFile := &FileSecretOptions{Title: "t", FileName: "f"}
	okMove := &MoveFolderOptions{DestinationFolderID: testFolderID}
	for _, id := range []string{"", "42", "5ec7e700-0000-4000-8000-00000000000", "5ec7e700-0000-4000-8000-00000000000x",
		"5ec7e700x0000-4000-8000-000000000001", "5ec7e700-0000-4000-8000-000000000001/..", "5ec7e700-0000-4000-8000--00000000001"} {
		c, mt := newMockClient(t)
		calls := map[string]func() error{
			"Get":         func() error { _, _, err := c.Secrets.Get(ctx, id); return err },
			"GetText":     func() error { _, _, err := c.Secrets.GetText(ctx, id); return err },
			"GetFileInfo": func() error { _, _, err := c.Secrets.GetFileInfo(ctx, id); return err },
			"File":        func() error { _, err := c.Secrets.File(ctx, id, io.Discard); return err },
			"UpdateCredential": func() error {
				_, err := c.Secrets.UpdateCredential(ctx, id, okCred)
				return err
			},
			"UpdateText": func() error { _, err := c.Secrets.UpdateText(ctx, id, okText); return err },
			"UpdateFile": func() error {
				_, err := c.Secrets.UpdateFile(ctx, id, okFile, strings.NewReader("x"))
				return err
			},
			"Delete":     func() error { _, err := c.Secrets.Delete(ctx, id); return err },
			"Shares":     func() error { _, _, err := c.Secrets.Shares(ctx, id); return err },
			"UnshareAll": func() error { _, err := c.Secrets.UnshareAll(ctx, id); return err },
			"Share":      func() error { _, _, err := c.Secrets.Share(ctx, id, testFolderID); return err },
			"Unshare":    func() error { _, err := c.Secrets.Unshare(ctx, id, testFolderID); return err },
		}
		for _, call := range calls {
			assertValidation(t, call(), "secretID")
		}
		folderCalls := map[string]func() error{
			"ShareFolder":   func() error { _, _, err := c.Secrets.Share(ctx, testSecretID, id); return err },
			"UnshareFolder": func() error { _, err := c.Secrets.Unshare(ctx, testSecretID, id); return err },
			"ListByFolder":  func() error { _, _, err := c.Secrets.ListByFolder(ctx, id); return err },
			"CreateCredential": func() error {
				_, _, err := c.Secrets.CreateCredential(ctx, id, okCred)
				return err
			},
			"CreateText": func() error { _, _, err := c.Secrets.CreateText(ctx, id, okText); return err },
			"CreateFile": func() error {
				_, _, err := c.Secrets.CreateFile(ctx, id, okFile, strings.NewReader("x"))
				return err
			},
			"Folders.Get":    func() error { _, _, err := c.Folders.Get(ctx, id); return err },
			"Folders.Update": func() error { _, err := c.Folders.Update(ctx, id, &UpdateFolderOptions{Name: "n"}); return err },
			"Folders.Move":   func() error { _, _, err := c.Folders.Move(ctx, id, okMove); return err },
			"Folders.Delete": func() error { _, err := c.Folders.Delete(ctx, id); return err },
		}
		for _, call := range folderCalls {
			assertValidation(t, call(), "folderID")
		}
		safeCalls := []func() error{
			func() error { _, _, err := c.Safes.Get(ctx, id); return err },
			func() error { _, err := c.Safes.Update(ctx, id, &SafeOptions{Name: "n"}); return err },
			func() error { _, err := c.Safes.Delete(ctx, id); return err },
		}
		for _, call := range safeCalls {
			assertValidation(t, call(), "safeID")
		}
		assert.Zero(t, apiCalls(mt)+signIns(mt), "nothing sent for %q", id)
	}
}

func TestSecretsFile(t *testing.T) {
	t.Parallel()
	content := make([]byte, 3*fileBufSize+17)
	for i := range content {
		content[i] = byte(i * 31)
	}
	c, mt := newMockClient(t)
	rec := &recorder{}
	url := secretsURL + "/" + testSecretID + "/file/download"
	mt.RegisterResponder(http.MethodGet, url, rec.wrap(reply(http.StatusOK, content,
		"Content-Type", "application/octet-stream", "Content-Disposition", `attachment; filename="a.bin"`)))
	var buf bytes.Buffer
	resp, err := c.Secrets.File(context.Background(), testSecretID, &buf)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, bytes.Equal(content, buf.Bytes()), "byte for byte")
	r := rec.last(t)
	assert.Equal(t, "/custom/prefix/Secrets-Safe/Secrets/"+testSecretID+"/file/download", r.URL.EscapedPath())
	assert.Equal(t, "application/octet-stream, application/json;q=0.5", r.Header.Get("Accept"))
	assert.Equal(t, http.NoBody, resp.Body)

	// Exactly the limit is a file; an empty file is one too.
	for _, n := range []int{FileSecretMaxBytes, 0} {
		mt.RegisterResponder(http.MethodGet, url, reply(http.StatusOK, make([]byte, n)))
		var w countWriter
		_, err = c.Secrets.File(context.Background(), testSecretID, &w)
		require.NoError(t, err)
		assert.Equal(t, int64(n), w.n)
	}

	// A body that arrives a byte at a time arrives whole.
	mt.RegisterResponder(http.MethodGet, url, func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, ContentLength: -1,
			Body: io.NopCloser(iotest.OneByteReader(bytes.NewReader(content[:100])))}, nil
	})
	buf.Reset()
	_, err = c.Secrets.File(context.Background(), testSecretID, &buf)
	require.NoError(t, err)
	assert.Equal(t, content[:100], buf.Bytes())

	// A nil writer is refused.
	_, err = c.Secrets.File(context.Background(), testSecretID, nil)
	assertValidation(t, err, "w")
}

// countWriter counts what it is written.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func TestSecretsFileTooLarge(t *testing.T) {
	t.Parallel()
	url := secretsURL + "/" + testSecretID + "/file/download"
	body := func(n int64) io.Reader { return io.LimitReader(zeros{}, n) }

	// Past the limit, with no length: cut off, written up to the limit, not repeated.
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, url, func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(body(FileSecretMaxBytes + 100_000)), ContentLength: -1,
			Header: http.Header{"Content-Type": {"application/octet-stream"}}}, nil
	})
	var w countWriter
	_, err := c.Secrets.File(context.Background(), testSecretID, &w)
	var tooLarge *BodyTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, int64(FileSecretMaxBytes), tooLarge.Limit)
	assert.Equal(t, int64(FileSecretMaxBytes), w.n)
	assert.Contains(t, err.Error(), "passwordsafe: GET Secrets-Safe/Secrets/"+testSecretID+"/file/download: ")
	assert.Contains(t, err.Error(), "larger than 5000000 bytes (FileSecretMaxBytes): stopped after reading 5000001 bytes, of which 5000000 were written")
	assert.Equal(t, 1, apiCalls(mt))

	// An announced length past the limit: nothing read, nothing written.
	c, mt = newMockClient(t)
	mt.RegisterResponder(http.MethodGet, url, func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(body(FileSecretMaxBytes + 1)), ContentLength: FileSecretMaxBytes + 1}, nil
	})
	w = countWriter{}
	_, err = c.Secrets.File(context.Background(), testSecretID, &w)
	require.ErrorAs(t, err, &tooLarge)
	assert.Contains(t, err.Error(), "the server announced 5000001; nothing was read")
	assert.Zero(t, w.n)
	assert.Equal(t, 1, apiCalls(mt))
}

// A download that breaks off before a byte reached w is repeated; after,
// it is not, and the caller learns it.
func TestSecretsFileBrokenAnswer(t *testing.T) {
	t.Parallel()
	url := secretsURL + "/" + testSecretID + "/file/download"
	broken := func(prefix string) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, ContentLength: -1,
				Body: io.NopCloser(io.MultiReader(strings.NewReader(prefix), iotest.ErrReader(io.ErrUnexpectedEOF)))}, nil
		}
	}
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, url, sequence(broken(""), reply(http.StatusOK, []byte("whole"))))
	var buf bytes.Buffer
	_, err := c.Secrets.File(context.Background(), testSecretID, &buf)
	require.NoError(t, err)
	assert.Equal(t, "whole", buf.String())
	assert.Equal(t, 2, apiCalls(mt))

	c, mt = newMockClient(t)
	mt.RegisterResponder(http.MethodGet, url, sequence(broken("part"), reply(http.StatusOK, []byte("whole"))))
	buf.Reset()
	resp, err := c.Secrets.File(context.Background(), testSecretID, &buf)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Nil(t, resp)
	assert.Equal(t, "part", buf.String())
	assert.Equal(t, 1, apiCalls(mt), "bytes reached w: not repeated")

	// A writer that fails ends it, with the writer's error.
	c, mt = newMockClient(t)
	mt.RegisterResponder(http.MethodGet, url, reply(http.StatusOK, []byte("content")))
	disk := errors.New("disk full")
	_, err = c.Secrets.File(context.Background(), testSecretID, failWriter{after: 3, err: disk})
	assert.ErrorIs(t, err, disk)
	assert.Contains(t, err.Error(), "writing the file after 3 bytes")
	_, err = c.Secrets.File(context.Background(), testSecretID, failWriter{after: 2})
	assert.ErrorIs(t, err, io.ErrShortWrite)
	assert.Equal(t, 2, apiCalls(mt))
}

// failWriter writes after bytes, then fails with err (nil: a short write).
type failWriter struct {
	after int
	err   error
}

func (w failWriter) Write(p []byte) (int, error) { return min(w.after, len(p)), w.err }

// writeCase is one call of a create or update method: what it sends and
// what the test expects on the wire.
type writeCase struct {
	name         string
	version      string // WithAPIVersion; "" for none
	method, path string
	status       int
	answer       string
	body         string // JSON
	call         func(c *Client) (*StoredSecret, *Response, error)
}

func TestSecretsCreateAndUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cred := &CredentialSecretOptions{Title: "api", Description: "d", Username: "svc", Password: NewSecret(`p"w\1`),
		Notes: "n", Urls: []SecretURL{{URL: "https://a"}, {ID: "u1", CredentialID: "c1", URL: "https://b"}},
		Owners: []SecretOwner{{UserID: 7}, {UserID: 8}}}
	text := &TextSecretOptions{Title: "motd", Text: NewSecret("hello"), Owners: []SecretOwner{{GroupID: 4}}}
	folderSecrets := testBase + "Secrets-Safe/Folders/" + testFolderID + "/secrets"
	for _, tc := range []writeCase{
		{name: "credential, 3.0 user owners", method: http.MethodPost, path: folderSecrets, status: 201, answer: fullSecret,
			body: `{"Title":"api","Description":"d","Username":"svc","Password":"p\"w\\1","Notes":"n",` +
				`"Urls":[{"Url":"https://a"},{"Id":"u1","CredentialId":"c1","Url":"https://b"}],` +
				`"OwnerId":7,"OwnerType":"User","Owners":[{"OwnerId":7},{"OwnerId":8}]}`,
			call: func(c *Client) (*StoredSecret, *Response, error) {
				return c.Secrets.CreateCredential(ctx, testFolderID, cred)
			}},
		{name: "credential, 3.1 owners", version: "3.1", method: http.MethodPost, path: folderSecrets, status: 201, answer: `[` + fullSecret + `]`,
			body: `{"Title":"api","Description":"d","Username":"svc","Password":"p\"w\\1","Notes":"n",` +
				`"Urls":[{"Url":"https://a"},{"Id":"u1","CredentialId":"c1","Url":"https://b"}],` +
				`"Owners":[{"UserId":7},{"UserId":8}]}`,
			call: func(c *Client) (*StoredSecret, *Response, error) {
				return c.Secrets.CreateCredential(ctx, testFolderID, cred)
			}},
		{name: "credential, a rule, no owner, 3.2", version: "3.2", method: http.MethodPost, path: folderSecrets, status: 201, answer: fullSecret,
			body: `{"Title":"gen","Username":"","PasswordRuleID":12}`,
			call: func(c *Client) (*StoredSecret, *Response, error) {
				return c.Secrets.CreateCredential(ctx, testFolderID, &CredentialSecretOptions{Title: "gen", PasswordRuleID: 12})
			}},
		{name: "text, 3.0 group owner", method: http.MethodPost, path: folderSecrets + "/text", status: 201, answer: fullSecret,
			body: `{"Title":"motd","Text":"hello","OwnerId":4,"OwnerType":"Group"}`,
			call: func(c *Client) (*StoredSecret, *Response, error) {
				return c.Secrets.CreateText(ctx, testFolderID, text)
			}},
		{name: "text, 4.0 owners", version: "4.0", method: http.MethodPost, path: folderSecrets + "/text", status: 201, answer: ``,
			body: `{"Title":"motd","Text":"hello","Owners":[{"GroupId":4}]}`,
			call: func(c *Client) (*StoredSecret, *Response, error) {
				return c.Secrets.CreateText(ctx, testFolderID, text)
			}},
		{name: "update credential", version: "3.0", method: http.MethodPut, path: secretsURL + "/" + testSecretID, status: 204,
			body: `{"Title":"api","Description":"d","Username":"svc","Password":"p\"w\\1","Notes":"n",` +
				`"Urls":[{"Url":"https://a"},{"Id":"u1","CredentialId":"c1","Url":"https://b"}],` +
				`"OwnerId":7,"OwnerType":"User","Owners":[{"OwnerId":7},{"OwnerId":8}]}`,
			call: func(c *Client) (*StoredSecret, *Response, error) {
				resp, err := c.Secrets.UpdateCredential(ctx, testSecretID, cred)
				return nil, resp, err
			}},
		{name: "update text", version: "2.9", method: http.MethodPut, path: secretsURL + "/" + testSecretID + "/text", status: 204,
			body: `{"Title":"motd","Text":"hello","OwnerId":4,"OwnerType":"Group"}`,
			call: func(c *Client) (*StoredSecret, *Response, error) {
				resp, err := c.Secrets.UpdateText(ctx, testSecretID, text)
				return nil, resp, err
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []Option
			if tc.version != "" {
				opts = append(opts, WithAPIVersion(tc.version))
			}
			c, mt := newMockClient(t, opts...)
			rec := &recorder{}
			mt.RegisterResponder(tc.method, tc.path, rec.wrap(respond(tc.status, tc.answer)))
			got, resp, err := tc.call(c)
			require.NoError(t, err)
			assert.Equal(t, tc.status, resp.StatusCode)
			r := rec.last(t)
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, strings.TrimPrefix(tc.path, "https://vault.example.test"), r.URL.EscapedPath())
			if tc.version != "" {
				assert.Equal(t, "version="+tc.version, r.URL.RawQuery)
			} else {
				assert.Empty(t, r.URL.RawQuery)
			}
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.JSONEq(t, tc.body, string(r.Body))
			switch {
			case tc.method == http.MethodPut:
				assert.Nil(t, got)
			case tc.answer == "":
				assert.Equal(t, &StoredSecret{}, got, "an empty answer is an empty secret")
			default:
				equalSecrets(t, wantFullSecret(), *got)
			}
		})
	}
}

// A server that echoes the secret's value in an error does not get it
// into the error.
func TestSecretsCreateErrorHoldsNoValue(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets",
		respond(http.StatusConflict, `"A secret with password Echoed-Pa55 exists."`))
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets/text",
		respond(http.StatusBadRequest, `"Bad text Echoed-Text-5ecret."`))
	_, _, err := c.Secrets.CreateCredential(context.Background(), testFolderID,
		&CredentialSecretOptions{Title: "t", Password: NewSecret("Echoed-Pa55")})
	assert.ErrorIs(t, err, ErrConflict)
	assert.NotContains(t, err.Error(), "Echoed-Pa55")
	_, _, err = c.Secrets.CreateText(context.Background(), testFolderID, &TextSecretOptions{Title: "t", Text: NewSecret("Echoed-Text-5ecret")})
	assert.NotContains(t, err.Error(), "Echoed-Text-5ecret")
	assert.Contains(t, err.Error(), redacted)
}

// fileParts reads a multipart upload: its parts by name, and the file
// part's file name.
func fileParts(t *testing.T, r seen) (map[string]string, string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
	parts, fileName := map[string]string{}, ""
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts, fileName
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		parts[p.FormName()] = string(b)
		if p.FormName() == "file" {
			fileName = p.FileName()
		}
	}
}

func TestSecretsCreateFile(t *testing.T) {
	t.Parallel()
	content := []byte("\x00\xffbinary\r\n--not-a-boundary\x00")
	opts := &FileSecretOptions{Title: "cert", Description: "d", FileName: `client "a".p12`, Notes: "n",
		Urls: []SecretURL{{URL: "https://a"}}, Owners: []SecretOwner{{GroupID: 3, UserID: 9}}}
	for _, version := range []string{"", "3.1"} {
		var copts []Option
		meta := `{"Title":"cert","Description":"d","FileName":"client \"a\".p12","Notes":"n","Urls":[{"Url":"https://a"}],`
		if version == "" {
			opts := *opts
			opts.Owners = []SecretOwner{{GroupID: 3}}
			meta += `"OwnerId":3,"OwnerType":"Group"}`
			c, mt := newMockClient(t)
			checkFileUpload(t, c, mt, &opts, content, meta)
			continue
		}
		copts = append(copts, WithAPIVersion(version))
		meta += `"Owners":[{"GroupId":3,"UserId":9}]}`
		c, mt := newMockClient(t, copts...)
		checkFileUpload(t, c, mt, opts, content, meta)
	}
}

func checkFileUpload(t *testing.T, c *Client, mt *httpmock.MockTransport, opts *FileSecretOptions, content []byte, meta string) {
	t.Helper()
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets/file", rec.wrap(respond(201, fullSecret)))
	mt.RegisterResponder(http.MethodPut, secretsURL+"/"+testSecretID+"/file", rec.wrap(respond(204, "")))
	got, resp, err := c.Secrets.CreateFile(context.Background(), testFolderID, opts, bytes.NewReader(content))
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	equalSecrets(t, wantFullSecret(), *got)
	resp, err = c.Secrets.UpdateFile(context.Background(), testSecretID, opts, iotest.OneByteReader(bytes.NewReader(content)))
	require.NoError(t, err)
	assert.Equal(t, 204, resp.StatusCode)
	require.Equal(t, 2, rec.count())
	for i, r := range rec.all() {
		assert.Equal(t, []string{http.MethodPost, http.MethodPut}[i], r.Method)
		parts, fileName := fileParts(t, r)
		assert.JSONEq(t, meta, parts["secretmetadata"])
		assert.Equal(t, string(content), parts["file"], "byte for byte")
		assert.Equal(t, `client "a".p12`, fileName)
		assert.Len(t, parts, 2)
	}
}

func TestSecretsFileContentValidation(t *testing.T) {
	t.Parallel()
	opts := &FileSecretOptions{Title: "t", FileName: "f"}
	readErr := errors.New("cannot read")
	for name, tc := range map[string]struct {
		content io.Reader
		field   string
		err     error
	}{
		"nil":        {nil, "file", nil},
		"empty":      {strings.NewReader(""), "file", nil},
		"oversized":  {io.LimitReader(zeros{}, FileSecretMaxBytes+1), "file", nil},
		"huge":       {zeros{}, "file", nil},
		"read error": {iotest.ErrReader(readErr), "", readErr},
	} {
		c, mt := newMockClient(t)
		_, _, err := c.Secrets.CreateFile(context.Background(), testFolderID, opts, tc.content)
		_, err2 := c.Secrets.UpdateFile(context.Background(), testSecretID, opts, tc.content)
		for _, err := range []error{err, err2} {
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err, name)
				assert.Contains(t, err.Error(), "passwordsafe: reading the file secret's content", name)
			} else {
				assertValidation(t, err, tc.field)
				assert.Contains(t, err.Error(), "5000000", name)
			}
		}
		assert.Zero(t, apiCalls(mt)+signIns(mt), name)
	}
	// Exactly the limit goes.
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets/file", respond(201, `{}`))
	_, _, err := c.Secrets.CreateFile(context.Background(), testFolderID, opts, io.LimitReader(zeros{}, FileSecretMaxBytes))
	require.NoError(t, err)
}

func TestSecretOptionsValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("ü", n) }
	cred := func(f func(o *CredentialSecretOptions)) *CredentialSecretOptions {
		o := &CredentialSecretOptions{Title: "t", Password: NewSecret("p")}
		f(o)
		return o
	}
	text := func(f func(o *TextSecretOptions)) *TextSecretOptions {
		o := &TextSecretOptions{Title: "t", Text: NewSecret("x")}
		f(o)
		return o
	}
	file := func(f func(o *FileSecretOptions)) *FileSecretOptions {
		o := &FileSecretOptions{Title: "t", FileName: "f"}
		f(o)
		return o
	}
	type tc struct {
		field   string
		version string
		cred    *CredentialSecretOptions
		text    *TextSecretOptions
		file    *FileSecretOptions
	}
	cases := []tc{
		{field: "opts"},
		{field: "Title", cred: cred(func(o *CredentialSecretOptions) { o.Title = "" })},
		{field: "Title", cred: cred(func(o *CredentialSecretOptions) { o.Title = long(257) })},
		{field: "Description", cred: cred(func(o *CredentialSecretOptions) { o.Description = long(257) })},
		{field: "Notes", cred: cred(func(o *CredentialSecretOptions) { o.Notes = long(4001) })},
		{field: "Url", cred: cred(func(o *CredentialSecretOptions) { o.Urls = []SecretURL{{URL: "a"}, {URL: long(2049)}} })},
		{field: "Url", cred: cred(func(o *CredentialSecretOptions) { o.Urls = []SecretURL{{ID: "x"}} })},
		{field: "Username", cred: cred(func(o *CredentialSecretOptions) { o.Username = long(257) })},
		{field: "Password", cred: cred(func(o *CredentialSecretOptions) { o.Password = Secret{} })},
		{field: "Password", cred: cred(func(o *CredentialSecretOptions) { o.Password = NewSecret(long(257)) })},
		{field: "Password", cred: cred(func(o *CredentialSecretOptions) { o.PasswordRuleID = 1 })},
		{field: "PasswordRuleID", cred: cred(func(o *CredentialSecretOptions) { o.Password, o.PasswordRuleID = Secret{}, 32768 })},
		{field: "PasswordRuleID", cred: cred(func(o *CredentialSecretOptions) { o.Password, o.PasswordRuleID = Secret{}, -1 })},
		{field: "Owners", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{}} })},
		{field: "Owners", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{UserID: -1}} })},
		{field: "Owners", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{GroupID: 1 << 31}} })},
		{field: "Owners", version: "3.1", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{UserID: 1 << 31}} })},
		// API 3.0 names one group, or users.
		{field: "Owners", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{GroupID: 1}, {GroupID: 2}} })},
		{field: "Owners", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{GroupID: 1}, {UserID: 2}} })},
		{field: "Owners", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{UserID: 2}, {GroupID: 1}} })},
		{field: "Owners", cred: cred(func(o *CredentialSecretOptions) { o.Owners = []SecretOwner{{GroupID: 1, UserID: 2}} })},
		{field: "Text", text: text(func(o *TextSecretOptions) { o.Text = Secret{} })},
		{field: "Text", text: text(func(o *TextSecretOptions) { o.Text = NewSecret(long(4097)) })},
		{field: "Title", text: text(func(o *TextSecretOptions) { o.Title = "" })},
		{field: "Owners", text: text(func(o *TextSecretOptions) { o.Owners = []SecretOwner{{}} })},
		{field: "FileName", file: file(func(o *FileSecretOptions) { o.FileName = "" })},
		{field: "FileName", file: file(func(o *FileSecretOptions) { o.FileName = long(257) })},
		{field: "Notes", file: file(func(o *FileSecretOptions) { o.Notes = long(4001) })},
		{field: "Owners", file: file(func(o *FileSecretOptions) { o.Owners = []SecretOwner{{GroupID: 1}, {GroupID: 2}} })},
	}
	ctx := context.Background()
	for i, tc := range cases {
		var opts []Option
		if tc.version != "" {
			opts = append(opts, WithAPIVersion(tc.version))
		}
		c, mt := newMockClient(t, opts...)
		var errs []error
		switch {
		case tc.text != nil:
			_, _, err := c.Secrets.CreateText(ctx, testFolderID, tc.text)
			_, err2 := c.Secrets.UpdateText(ctx, testSecretID, tc.text)
			errs = append(errs, err, err2)
		case tc.file != nil:
			_, _, err := c.Secrets.CreateFile(ctx, testFolderID, tc.file, strings.NewReader("x"))
			_, err2 := c.Secrets.UpdateFile(ctx, testSecretID, tc.file, strings.NewReader("x"))
			errs = append(errs, err, err2)
		case tc.cred != nil:
			_, _, err := c.Secrets.CreateCredential(ctx, testFolderID, tc.cred)
			_, err2 := c.Secrets.UpdateCredential(ctx, testSecretID, tc.cred)
			errs = append(errs, err, err2)
		default: // nil options
			_, _, err1 := c.Secrets.CreateCredential(ctx, testFolderID, nil)
			_, _, err2 := c.Secrets.CreateText(ctx, testFolderID, nil)
			_, _, err3 := c.Secrets.CreateFile(ctx, testFolderID, nil, strings.NewReader("x"))
			_, err4 := c.Secrets.UpdateCredential(ctx, testSecretID, nil)
			_, err5 := c.Secrets.UpdateText(ctx, testSecretID, nil)
			_, err6 := c.Secrets.UpdateFile(ctx, testSecretID, nil, strings.NewReader("x"))
			_, err7 := c.Secrets.Move(ctx, nil)
			errs = append(errs, err1, err2, err3, err4, err5, err6, err7)
		}
		for _, err := range errs {
			assertValidation(t, err, tc.field)
			assert.NotContains(t, err.Error(), "ü", "case %d: the message states the limit, not the value", i)
		}
		assert.Zero(t, apiCalls(mt)+signIns(mt), "case %d", i)
	}

	// The limits themselves pass, and 3.0 takes several user owners.
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets", respond(201, `{}`))
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets/text", respond(201, `{}`))
	_, _, err := c.Secrets.CreateCredential(ctx, testFolderID, &CredentialSecretOptions{Title: long(256), Description: long(256),
		Username: long(256), Password: NewSecret(long(256)), Notes: long(4000), Urls: []SecretURL{{URL: long(2048)}},
		Owners: []SecretOwner{{UserID: 1<<31 - 1}, {UserID: 1}}})
	require.NoError(t, err)
	_, _, err = c.Secrets.CreateCredential(ctx, testFolderID, &CredentialSecretOptions{Title: "t", PasswordRuleID: 32767})
	require.NoError(t, err)
	_, _, err = c.Secrets.CreateText(ctx, testFolderID, &TextSecretOptions{Title: "t", Text: NewSecret(long(4096))})
	require.NoError(t, err)
}

func TestSecretsDeleteSharesMove(t *testing.T) {
	t.Parallel()
	const other = "f01de700-0000-4000-8000-0000000000ff"
	c, mt := newMockClient(t)
	rec := &recorder{}
	share := `{"Id":"5ba7e000-0000-4000-8000-000000000001","SecretId":"` + testSecretID + `","FolderId":"` + other + `","FolderPath":"prod/x"}`
	wantShare := SecretShare{ID: "5ba7e000-0000-4000-8000-000000000001", SecretID: testSecretID, FolderID: other, FolderPath: "prod/x"}
	mt.RegisterResponder(http.MethodDelete, secretsURL+"/"+testSecretID, rec.wrap(respond(204, "")))
	mt.RegisterResponder(http.MethodGet, secretsURL+"/"+testSecretID+"/shares", rec.wrap(respond(200, `[`+share+`]`)))
	mt.RegisterResponder(http.MethodDelete, secretsURL+"/"+testSecretID+"/shares", rec.wrap(respond(204, "")))
	mt.RegisterResponder(http.MethodPost, secretsURL+"/"+testSecretID+"/shares/"+other, rec.wrap(respond(201, share)))
	mt.RegisterResponder(http.MethodDelete, secretsURL+"/"+testSecretID+"/shares/"+other, rec.wrap(respond(204, "")))
	mt.RegisterResponder(http.MethodPut, secretsURL+"/move", rec.wrap(respond(200, `{"Moved":[]}`)))
	ctx := context.Background()

	check := func(method, path, body string, resp *Response, err error) {
		t.Helper()
		require.NoError(t, err)
		require.NotNil(t, resp)
		assertSent(t, rec, method, "Secrets-Safe/Secrets"+path, body)
	}
	resp, err := c.Secrets.Delete(ctx, testSecretID)
	check(http.MethodDelete, "/"+testSecretID, "", resp, err)
	assert.Equal(t, 204, resp.StatusCode)
	shares, resp, err := c.Secrets.Shares(ctx, testSecretID)
	check(http.MethodGet, "/"+testSecretID+"/shares", "", resp, err)
	assert.Equal(t, []SecretShare{wantShare}, shares)
	got, resp, err := c.Secrets.Share(ctx, testSecretID, other)
	check(http.MethodPost, "/"+testSecretID+"/shares/"+other, "", resp, err)
	assert.Equal(t, &wantShare, got)
	resp, err = c.Secrets.Unshare(ctx, testSecretID, other)
	check(http.MethodDelete, "/"+testSecretID+"/shares/"+other, "", resp, err)
	resp, err = c.Secrets.UnshareAll(ctx, testSecretID)
	check(http.MethodDelete, "/"+testSecretID+"/shares", "", resp, err)

	resp, err = c.Secrets.Move(ctx, &MoveSecretsOptions{SecretIDs: []string{testSecretID}, DestinationFolderID: other})
	check(http.MethodPut, "/move", `{"SecretIds":["`+testSecretID+`"],"DestinationFolderId":"`+other+`","DuplicateNameAction":"Stop"}`, resp, err)
	resp, err = c.Secrets.Move(ctx, &MoveSecretsOptions{ShareIDs: []string{wantShare.ID}, DestinationFolderID: other, DuplicateNameAction: DuplicateRename})
	check(http.MethodPut, "/move", `{"ShareIds":["`+wantShare.ID+`"],"DestinationFolderId":"`+other+`","DuplicateNameAction":"Rename"}`, resp, err)
}

func TestMoveSecretsValidation(t *testing.T) {
	t.Parallel()
	many := make([]string, maxMoveBatch+1)
	for i := range many {
		many[i] = testSecretID
	}
	for _, tc := range []struct {
		field string
		opts  MoveSecretsOptions
	}{
		{"DestinationFolderId", MoveSecretsOptions{SecretIDs: []string{testSecretID}}},
		{"DestinationFolderId", MoveSecretsOptions{SecretIDs: []string{testSecretID}, DestinationFolderID: "x"}},
		{"SecretIds", MoveSecretsOptions{DestinationFolderID: testFolderID}},
		{"SecretIds", MoveSecretsOptions{SecretIDs: []string{"x"}, DestinationFolderID: testFolderID}},
		{"SecretIds", MoveSecretsOptions{SecretIDs: many, DestinationFolderID: testFolderID}},
		{"ShareIds", MoveSecretsOptions{ShareIDs: []string{testSecretID, ""}, DestinationFolderID: testFolderID}},
		{"ShareIds", MoveSecretsOptions{ShareIDs: many, DestinationFolderID: testFolderID}},
		{"DuplicateNameAction", MoveSecretsOptions{SecretIDs: []string{testSecretID}, DestinationFolderID: testFolderID, DuplicateNameAction: "Merge"}},
	} {
		c, mt := newMockClient(t)
		_, err := c.Secrets.Move(context.Background(), &tc.opts)
		assertValidation(t, err, tc.field)
		assert.Zero(t, apiCalls(mt)+signIns(mt))
	}
	// 200 of each is the limit.
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPut, secretsURL+"/move", respond(200, `{}`))
	_, err := c.Secrets.Move(context.Background(), &MoveSecretsOptions{SecretIDs: many[1:], ShareIDs: many[1:], DestinationFolderID: testFolderID})
	require.NoError(t, err)
}

func TestDecodeOne(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]*SecretShare{
		`{"Id":"a"}`:    {ID: "a"},
		` [{"Id":"a"}]`: {ID: "a"},
		``:              {},
		" \n":           {},
	} {
		got, err := decodeOne[SecretShare](nil, []byte(body))
		require.NoError(t, err, body)
		assert.Equal(t, want, got, body)
	}
	for _, body := range []string{`[]`, `[{},{}]`, `[1]`, `"x"`, `{`} {
		_, err := decodeOne[SecretShare](nil, []byte(body))
		assert.Error(t, err, body)
	}
	_, err := decodeOne[SecretShare](nil, []byte(`[{},{}]`))
	assert.EqualError(t, err, "expected one object, got a list of 2")
}

func TestClientV30(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": true, "3.0": true, "03.00": true, "2.9": true, "3.1": false, "3.10": false, "4.0": false, "10.0": false} {
		c := &Client{cfg: &clientConfig{apiVersion: v}}
		assert.Equal(t, want, c.v30(), v)
	}
}

// Red team: nothing reachable from what Secrets Safe calls return (the
// *Response, the errors, the request behind them) holds a value: not the
// answer's body, not a password a FindError's answer carried, not a file.
func TestSecretsKeepNothing(t *testing.T) {
	t.Parallel()
	const pw = "Kept-Nothing-Pa55w0rd"
	file := bytes.Repeat([]byte("Kept-Nothing-File!"), 200_000) // 3.6 MB
	c, mt := newMockClient(t)
	one := `[` + strings.Replace(secretRow(testSecretID, "prod/db", "url"), "pw-url", pw, 1) + `]`
	mt.RegisterResponder(http.MethodGet, secretsURL, sequence(respond(http.StatusOK, one),
		respond(http.StatusOK, strings.TrimSuffix(one, "]")+","+one[1:])))
	mt.RegisterResponder(http.MethodGet, secretsURL+"/"+testSecretID+"/file/download", reply(http.StatusOK, file))
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Folders/"+testFolderID+"/secrets/text",
		respond(http.StatusBadRequest, `"Text `+pw+` is not allowed"`))
	ctx := context.Background()

	found, resp, err := c.Secrets.Find(ctx, "prod/db/url", nil)
	require.NoError(t, err)
	assert.Equal(t, pw, found.Password.Value(), "the value is where it belongs")
	assert.True(t, reachableHolds(found, pw), "the detector sees a value where one is")
	assert.False(t, reachableHolds(resp, pw), "the Response holds the value")
	_, resp, err = c.Secrets.Find(ctx, "prod/db/url", nil)
	var fe *FindError
	require.ErrorAs(t, err, &fe)
	for what, v := range map[string]any{"Response": resp, "FindError": err} {
		assert.False(t, reachableHolds(v, pw), "the %s of an ambiguous Find holds a value", what)
	}

	var w countWriter
	resp, err = c.Secrets.File(ctx, testSecretID, &w)
	require.NoError(t, err)
	assert.Equal(t, int64(len(file)), w.n)
	assert.Less(t, reachableBytes(reflect.ValueOf(resp), map[uintptr]bool{}), 16<<10, "a File's Response holds the file")

	_, resp, err = c.Secrets.CreateText(ctx, testFolderID, &TextSecretOptions{Title: "t", Text: NewSecret(pw)})
	require.Error(t, err)
	for what, v := range map[string]any{"Response": resp, "error": err} {
		assert.False(t, reachableHolds(v, pw), "the %s of a refused create holds the text", what)
	}
	assert.Nil(t, resp.Request.Body, "the request sent, body and all, is not kept")
}
