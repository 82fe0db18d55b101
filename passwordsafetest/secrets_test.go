package passwordsafetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// Secrets Safe in the fake, over raw HTTP.

const ss = "Secrets-Safe/"

// secretOut is what the tests read of a secret answer.
type secretOut struct {
	ID                    string `json:"Id"`
	Title                 string
	FolderID              string `json:"FolderId"`
	FolderPath            string
	SecretType            string
	Username              *string
	Password              *string
	Text                  *string
	FileName              *string
	OwnerID               *int `json:"OwnerId"`
	OwnerType             *string
	Owners                []map[string]any
	PasswordRuleID        *int
	ModifiedBy            string
	SecretValueModifiedOn *string
}

func (r result) secrets() []secretOut {
	r.t.Helper()
	var out []secretOut
	r.decode(&out)
	return out
}

func (r result) secret() secretOut {
	r.t.Helper()
	var out secretOut
	r.decode(&out)
	return out
}

func paths(list []secretOut) string {
	var out []string
	for _, s := range list {
		out = append(out, s.FolderPath+"/"+s.Title)
	}
	return strings.Join(out, ",")
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestSecretsPermissions(t *testing.T) {
	f := newFixture(t)
	f.as("approver").do(http.MethodGet, ss+"Secrets", nil).wantError(http.StatusForbidden,
		"User does not have permission to do this: it needs Secrets Safe (Read).")
	auditor := f.as("auditor")
	auditor.do(http.MethodGet, ss+"Secrets", nil).wantStatus(http.StatusOK)
	auditor.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBURLID+"/text", nil).wantStatus(http.StatusOK)
	auditor.do(http.MethodPost, ss+"Folders/"+passwordsafetest.FolderProdWebID+"/secrets/text",
		map[string]any{"Title": "t", "Text": "x"}).wantError(http.StatusForbidden,
		"User does not have permission to do this: it needs Secrets Safe (Read/Write).")
	auditor.do(http.MethodDelete, ss+"Secrets/"+passwordsafetest.SecretDBURLID, nil).wantStatus(http.StatusForbidden)

	requestor := f.as("requestor")
	requestor.do(http.MethodPost, ss+"Safes", map[string]any{"Name": "x"}).wantError(http.StatusForbidden,
		"User does not have permission to do this: it needs Secrets Safe (Full control).")
	requestor.do(http.MethodPut, ss+"Safes/"+passwordsafetest.SafeProdID, map[string]any{"Name": "x"}).wantError(http.StatusForbidden,
		"User does not have permission to do this: it needs Secrets Safe (Manage).")

	// A safe that names its members is theirs (and the Administrators').
	requestor.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDevID, nil).wantError(http.StatusNotFound,
		"Secret "+passwordsafetest.SecretDevID+" was not found.")
	requestor.do(http.MethodGet, ss+"Safes/"+passwordsafetest.SafeDevID, nil).wantStatus(http.StatusNotFound)
	requestor.do(http.MethodGet, ss+"Folders/"+passwordsafetest.FolderDevID, nil).wantStatus(http.StatusNotFound)
	if got := paths(requestor.do(http.MethodGet, ss+"Secrets?path=dev", nil).wantStatus(http.StatusOK).secrets()); got != "" {
		t.Errorf("requestor sees %s in dev", got)
	}
	var safes []map[string]any
	requestor.do(http.MethodGet, ss+"Safes", nil).wantStatus(http.StatusOK).decode(&safes)
	if len(safes) != 1 || safes[0]["Name"] != "prod" {
		t.Errorf("requestor's safes: %v", safes)
	}
	admin := f.as("admin")
	admin.do(http.MethodGet, ss+"Safes", nil).wantStatus(http.StatusOK).decode(&safes)
	if len(safes) != 2 {
		t.Errorf("admin's safes: %v", safes)
	}
	if s := admin.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDevID, nil).wantStatus(http.StatusOK).secret(); deref(s.Password) != "dev-token-0b5e55ed" {
		t.Errorf("admin reads %+v", s)
	}
	if u, _ := f.srv.User("requestor"); u.SecretsSafe != passwordsafetest.SecretsReadWrite {
		t.Errorf("requestor %+v", u)
	}
}

func TestSecretsListFilters(t *testing.T) {
	f := newFixture(t, passwordsafetest.WithSeed(passwordsafetest.Seed{
		Safes: []passwordsafetest.Safe{{Name: "prod"}},
		Secrets: []passwordsafetest.SafeSecret{
			{Path: "prod/db/url", Type: "Text", Text: "u1"},
			{Path: "prod/db/sub/url", Type: "Text", Text: "u2"},
			{Path: "prod/db/url2", Username: "x", Password: "p"},
			{Path: "prod/dbx/url", Type: "Text", Text: "u3"},
		},
	}))
	c := f.as("requestor")
	for query, want := range map[string]string{
		"":                                "prod/db/url,prod/db/sub/url,prod/db/url2,prod/dbx/url",
		"?path=prod/db&title=url":         "prod/db/url,prod/db/sub/url,prod/db/url2",
		"?path=PROD%2FDB%2F&title=URL2":   "prod/db/url2",
		"?path=prod|db&separator=|":       "prod/db/url,prod/db/sub/url,prod/db/url2",
		"?title=nothing":                  "",
		"?limit=2&offset=1":               "prod/db/sub/url,prod/db/url2",
		"?afterdate=2026-11-23T04:39:10Z": "prod/db/url,prod/db/sub/url,prod/db/url2,prod/dbx/url",
		"?afterdate=2026-11-23":           "prod/db/url,prod/db/sub/url,prod/db/url2,prod/dbx/url",
		"?afterdate=2026-11-24T00:00:00":  "",
	} {
		r := c.do(http.MethodGet, ss+"Secrets"+query, nil).wantStatus(http.StatusOK)
		if !bytes.HasPrefix(r.body, []byte("[")) {
			t.Errorf("%s: %s is not a bare list", query, r.body)
		}
		if got := paths(r.secrets()); got != want {
			t.Errorf("%s: %s, want %s", query, got, want)
		}
	}
	// Values: in Password (a Text secret's too), unless decrypt=false.
	list := c.do(http.MethodGet, ss+"Secrets?path=prod/db&title=url&decrypt=TRUE", nil).wantStatus(http.StatusOK).secrets()
	if deref(list[0].Password) != "u1" || list[0].Text != nil || deref(list[2].Password) != "p" || deref(list[2].Username) != "x" {
		t.Errorf("values %+v", list)
	}
	for _, s := range c.do(http.MethodGet, ss+"Secrets?decrypt=false", nil).wantStatus(http.StatusOK).secrets() {
		if s.Password != nil || s.Text != nil {
			t.Errorf("decrypt=false: %+v", s)
		}
	}
	for _, bad := range []string{"?separator=ab", "?decrypt=yes", "?afterdate=soon", "?limit=0", "?offset=-1",
		"?path=" + strings.Repeat("p", 1799), "?title=" + strings.Repeat("t", 257)} {
		c.do(http.MethodGet, ss+"Secrets"+bad, nil).wantStatus(http.StatusBadRequest)
	}

	// From 3.2: the {TotalCount, Data} wrapper, SecretValueModifiedOn and the 3.1 owners.
	var page struct {
		TotalCount int
		Data       []secretOut
	}
	c.do(http.MethodGet, ss+"Secrets?version=3.2&limit=1", nil).wantStatus(http.StatusOK).decode(&page)
	if page.TotalCount != 4 || len(page.Data) != 1 || page.Data[0].SecretValueModifiedOn == nil || page.Data[0].OwnerID != nil ||
		page.Data[0].Owners[0]["UserId"] != 3.0 {
		t.Errorf("3.2 page %+v", page)
	}
	folder := c.do(http.MethodGet, ss+"Secrets?path=prod/db/sub", nil).secrets()[0].FolderID
	c.do(http.MethodGet, ss+"Folders/"+folder+"/secrets?version=3.2", nil).wantStatus(http.StatusOK).decode(&page)
	if page.TotalCount != 1 || paths(page.Data) != "prod/db/sub/url" {
		t.Errorf("folder page %+v", page)
	}
	if got := paths(c.do(http.MethodGet, ss+"Folders/"+folder+"/secrets", nil).wantStatus(http.StatusOK).secrets()); got != "prod/db/sub/url" {
		t.Errorf("folder secrets %s", got)
	}
}

func TestSecretsReadByID(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	url := c.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBURLID, nil).wantStatus(http.StatusOK).secret()
	if deref(url.Password) != passwordsafetest.DefaultSecretURL || url.SecretType != "Text" || deref(url.OwnerType) != "User" {
		t.Errorf("by ID %+v", url)
	}
	text := c.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBURLID+"/text", nil).wantStatus(http.StatusOK).secret()
	if deref(text.Text) != passwordsafetest.DefaultSecretURL || text.Password != nil {
		t.Errorf("/text %+v", text)
	}
	info := c.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBCertID+"/file", nil).wantStatus(http.StatusOK).secret()
	if deref(info.FileName) != "client.p12" || info.Password != nil {
		t.Errorf("/file %+v", info)
	}
	r := c.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBCertID+"/file/download", nil).wantStatus(http.StatusOK)
	if !bytes.Equal(r.body, passwordsafetest.DefaultSecretFile()) || r.header.Get("Content-Type") != "application/octet-stream" ||
		r.header.Get("Content-Disposition") != "attachment; filename=client.p12" {
		t.Errorf("download %q %v", r.body[:8], r.header)
	}
	// Each route serves its type.
	c.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBUserID+"/text", nil).wantError(http.StatusBadRequest,
		"Secret "+passwordsafetest.SecretDBUserID+" is a Credential secret, not a Text secret.")
	c.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBURLID+"/file/download", nil).wantStatus(http.StatusBadRequest)
	c.do(http.MethodGet, ss+"Secrets/"+passwordsafetest.SecretDBURLID+"/file", nil).wantStatus(http.StatusBadRequest)
	c.do(http.MethodGet, ss+"Secrets/5ec7e700-0000-4000-8000-0000000000ff", nil).wantStatus(http.StatusNotFound)
	c.do(http.MethodGet, ss+"Secrets/move", nil).wantStatus(http.StatusNotFound)
}

// upload is a multipart body with the parts given (name, file name,
// content); the file name empty for a plain field.
func upload(t *testing.T, parts ...[3]string) (string, http.Header) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := fmt.Sprintf(`form-data; name=%q`, p[0])
		if p[1] != "" {
			disp += fmt.Sprintf(`; filename=%q`, p[1])
		}
		h.Set("Content-Disposition", disp)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, p[2])
	}
	_ = mw.Close()
	return buf.String(), http.Header{"Content-Type": {mw.FormDataContentType()}}
}

func TestSecretsCreate(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	folder := ss + "Folders/" + passwordsafetest.FolderProdWebID + "/secrets"

	// 3.0: OwnerType User with Owners of OwnerId; a PasswordRuleID draws the password.
	s := c.do(http.MethodPost, folder, map[string]any{"Title": "api", "Username": "svc", "PasswordRuleID": 5,
		"OwnerId": 4, "OwnerType": "User", "Owners": []any{map[string]any{"OwnerId": 4}, map[string]any{"OwnerId": 1}},
		"Urls": []any{map[string]any{"Url": "https://a"}}}).wantStatus(http.StatusCreated).secret()
	if s.FolderPath != "prod/web" || deref(s.OwnerType) != "User" || *s.OwnerID != 4 || len(s.Owners) != 2 || len(deref(s.Password)) != 20 || *s.PasswordRuleID != 5 {
		t.Errorf("created %+v", s)
	}
	// 3.0 group; 3.1 owners.
	c.do(http.MethodPost, folder+"/text", map[string]any{"Title": "t1", "Text": "x", "OwnerId": 9, "OwnerType": "Group"}).wantStatus(http.StatusCreated)
	c.do(http.MethodPost, folder+"/text?version=3.1", map[string]any{"Title": "t2", "Text": "x",
		"Owners": []any{map[string]any{"GroupId": 9, "UserId": 1}}}).wantStatus(http.StatusCreated)
	got, ok := f.srv.StoredSecret("prod/web/API")
	if !ok || got.Username != "svc" || got.CreatedBy != "requestor" || len(got.Urls) != 1 || got.PasswordRuleID != 5 ||
		fmt.Sprint(got.Owners) != "[{0 4} {0 1}]" {
		t.Errorf("stored %+v", got)
	}
	if got, _ := f.srv.StoredSecret("prod/web/t1"); fmt.Sprint(got.Owners) != "[{9 0}]" || got.Text != "x" {
		t.Errorf("stored t1 %+v", got)
	}
	if got, _ := f.srv.StoredSecret("prod/web/t2"); fmt.Sprint(got.Owners) != "[{9 1}]" {
		t.Errorf("stored t2 %+v", got)
	}
	// No owner: the caller.
	c.do(http.MethodPost, folder+"/text", map[string]any{"Title": "t3", "Text": "x"}).wantStatus(http.StatusCreated)
	if got, _ := f.srv.StoredSecret("prod/web/t3"); fmt.Sprint(got.Owners) != "[{0 1}]" {
		t.Errorf("stored t3 %+v", got)
	}

	for _, tc := range []struct {
		path, version string
		body          map[string]any
		status        int
		msg           string
	}{
		{"", "", map[string]any{"Title": "api", "Username": "u", "Password": "p"}, 409, `A secret titled "api" already exists in prod/web.`},
		{"", "", map[string]any{"Title": "x", "Password": "p"}, 400, "Username is required and must be at most 256 characters."},
		{"", "", map[string]any{"Title": "x", "Username": "u"}, 400, "Either a Password or a PasswordRuleID is required."},
		{"", "", map[string]any{"Title": "x", "Username": "u", "Password": strings.Repeat("p", 257)}, 400, "Password must be at most 256 characters."},
		{"", "", map[string]any{"Title": "x", "Username": "u", "PasswordRuleID": 32768}, 400, "PasswordRuleID must be 0 to 32767."},
		{"", "", map[string]any{"Title": "", "Username": "u", "Password": "p"}, 400, "Title is required and must be 1 to 256 characters."},
		{"/text", "", map[string]any{"Title": "x", "Text": strings.Repeat("é", 4097)}, 400, "Text is required and must be 1 to 4096 characters."},
		{"/text", "", map[string]any{"Title": "x", "Text": "t", "Description": strings.Repeat("d", 257)}, 400, "Description must be at most 256 characters."},
		{"/text", "", map[string]any{"Title": "x", "Text": "t", "Notes": strings.Repeat("n", 4001)}, 400, "Notes must be at most 4000 characters."},
		{"/text", "", map[string]any{"Title": "x", "Text": "t", "Urls": []any{map[string]any{"Url": strings.Repeat("u", 2049)}}}, 400, "A URL must be at most 2048 characters."},
		// The owner shape of the other version is refused.
		{"/text", "3.1", map[string]any{"Title": "x", "Text": "t", "OwnerId": 1, "OwnerType": "User"}, 400,
			"OwnerId and OwnerType are API 3.0: from version 3.1 send Owners with GroupId or UserId."},
		{"/text", "3.1", map[string]any{"Title": "x", "Text": "t", "Owners": []any{map[string]any{"OwnerId": 1}}}, 400,
			"Each owner needs a GroupId or a UserId from 1 to 2147483647."},
		{"/text", "3.2", map[string]any{"Title": "x", "Text": "t", "Owners": []any{map[string]any{"UserId": 0}}}, 400,
			"Each owner needs a GroupId or a UserId from 1 to 2147483647."},
		{"/text", "", map[string]any{"Title": "x", "Text": "t", "OwnerType": "User", "Owners": []any{map[string]any{"UserId": 1}}}, 400,
			"API 3.0 owners are OwnerId (a user ID); GroupId and UserId are version 3.1."},
		{"/text", "", map[string]any{"Title": "x", "Text": "t", "OwnerType": "User"}, 400,
			`When OwnerType is "User", a list of Owners is required; when "Group", the OwnerId (the group's ID).`},
		{"/text", "", map[string]any{"Title": "x", "Text": "t", "OwnerType": "Group", "Owners": []any{map[string]any{"OwnerId": 1}}}, 400,
			`When OwnerType is "User", a list of Owners is required; when "Group", the OwnerId (the group's ID).`},
		{"/text", "", map[string]any{"Title": "x", "Text": "t", "OwnerType": "User", "Owners": []any{map[string]any{"OwnerId": 99}}}, 400,
			"Owner user 99 does not exist."},
	} {
		q := ""
		if tc.version != "" {
			q = "?version=" + tc.version
		}
		c.do(http.MethodPost, folder+tc.path+q, tc.body).wantError(tc.status, tc.msg)
	}
	c.do(http.MethodPost, ss+"Folders/"+passwordsafetest.FolderDevID+"/secrets/text", map[string]any{"Title": "x", "Text": "t"}).
		wantStatus(http.StatusNotFound)
	c.do(http.MethodPost, folder, "not json").wantStatus(http.StatusBadRequest)

	// A secret may live right in a safe.
	c.do(http.MethodPost, ss+"Folders/"+passwordsafetest.SafeProdID+"/secrets/text", map[string]any{"Title": "top", "Text": "t"}).
		wantStatus(http.StatusCreated)
	if _, ok := f.srv.StoredSecret("prod/top"); !ok {
		t.Error("no prod/top")
	}
}

func TestSecretsFileUpload(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	url := ss + "Folders/" + passwordsafetest.FolderProdWebID + "/secrets/file"
	content := "\x00\xff\r\n--x\x00"
	body, h := upload(t, [3]string{"secretmetadata", "", `{"Title":"blob"}`}, [3]string{"file", "b.bin", content})
	s := c.send(http.MethodPost, url, body, h).wantStatus(http.StatusCreated).secret()
	if deref(s.FileName) != "b.bin" || s.SecretType != "File" {
		t.Errorf("created %+v", s)
	}
	r := c.do(http.MethodGet, ss+"Secrets/"+s.ID+"/file/download", nil).wantStatus(http.StatusOK)
	if string(r.body) != content {
		t.Errorf("downloaded %q", r.body)
	}
	// The largest file goes; one byte more does not.
	big := strings.Repeat("z", 5_000_000)
	body, h = upload(t, [3]string{"secretmetadata", "", `{"Title":"big","FileName":"big.bin"}`}, [3]string{"file", "x", big})
	c.send(http.MethodPost, url, body, h).wantStatus(http.StatusCreated)
	body, h = upload(t, [3]string{"secretmetadata", "", `{"Title":"bigger","FileName":"big.bin"}`}, [3]string{"file", "x", big + "z"})
	c.send(http.MethodPost, url, body, h).wantError(http.StatusBadRequest, "Max file size is 5 MB.")

	for _, tc := range []struct {
		parts [][3]string
		msg   string
	}{
		{[][3]string{{"file", "f", "x"}}, "The multipart Request is missing parts: key:'form-data'=True, key:'secretmetadata'=False"},
		{[][3]string{{"secretmetadata", "", `{"Title":"x","FileName":"f"}`}}, "The multipart Request is missing parts: key:'form-data'=False, key:'secretmetadata'=True"},
		{[][3]string{{"secretmetadata", "", `{"Title":"x","FileName":"f"}`}, {"file", "f", ""}}, "The file is empty: its size must be greater than 0."},
		{[][3]string{{"secretmetadata", "", `{"Title":"x"}`}, {"file", "", "x"}}, "FileName is required and must be 1 to 256 characters."},
		{[][3]string{{"secretmetadata", "", `{"Title":`}, {"file", "f", "x"}}, ""},
	} {
		body, h := upload(t, tc.parts...)
		r := c.send(http.MethodPost, url, body, h)
		if tc.msg == "" {
			r.wantStatus(http.StatusBadRequest)
			continue
		}
		r.wantError(http.StatusBadRequest, tc.msg)
	}
	c.do(http.MethodPost, url, map[string]any{"Title": "x"}).wantStatus(http.StatusUnsupportedMediaType)
	c.send(http.MethodPost, url, "--b\r\nbroken", http.Header{"Content-Type": {"multipart/form-data; boundary=b"}}).
		wantStatus(http.StatusBadRequest)

	// Update: metadata and content replaced.
	body, h = upload(t, [3]string{"secretmetadata", "", `{"Title":"blob2","FileName":"c.bin"}`}, [3]string{"file", "c.bin", "new"})
	c.send(http.MethodPut, ss+"Secrets/"+s.ID+"/file", body, h).wantStatus(http.StatusNoContent)
	if got, _ := f.srv.StoredSecret("prod/web/blob2"); string(got.Content) != "new" || got.FileName != "c.bin" {
		t.Errorf("updated %+v", got)
	}
}

func TestSecretsUpdate(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	id := passwordsafetest.SecretDBUserID
	before, _ := f.srv.StoredSecret("prod/db/postgres")
	c.do(http.MethodPut, ss+"Secrets/"+id, map[string]any{"Title": "postgres", "Username": "pg", "Password": "new-pw"}).
		wantStatus(http.StatusNoContent)
	after, _ := f.srv.StoredSecret("prod/db/postgres")
	if after.Password != "new-pw" || after.Username != "pg" || fmt.Sprint(after.Owners) != fmt.Sprint(before.Owners) || after.ModifiedBy != "requestor" {
		t.Errorf("updated %+v", after)
	}
	s := c.do(http.MethodGet, ss+"Secrets/"+id+"?version=3.2", nil).secret()
	if deref(s.SecretValueModifiedOn) == "" || s.ModifiedBy != "requestor" {
		t.Errorf("3.2 %+v", s)
	}
	c.do(http.MethodPut, ss+"Secrets/"+passwordsafetest.SecretDBURLID+"/text", map[string]any{"Title": "url", "Text": "t2",
		"OwnerId": 5, "OwnerType": "Group"}).wantStatus(http.StatusNoContent)
	if got, _ := f.srv.StoredSecret("prod/db/url"); got.Text != "t2" || fmt.Sprint(got.Owners) != "[{5 0}]" {
		t.Errorf("updated text %+v", got)
	}
	// The title of another secret in the folder is taken; a type's route serves it alone.
	c.do(http.MethodPut, ss+"Secrets/"+id, map[string]any{"Title": "URL", "Username": "u", "Password": "p"}).wantStatus(http.StatusConflict)
	c.do(http.MethodPut, ss+"Secrets/"+id+"/text", map[string]any{"Title": "x", "Text": "t"}).wantStatus(http.StatusBadRequest)
	c.do(http.MethodPut, ss+"Secrets/"+passwordsafetest.SecretDBURLID, map[string]any{"Title": "x", "Username": "u", "Password": "p"}).
		wantStatus(http.StatusBadRequest)
	c.do(http.MethodPut, ss+"Secrets/"+id, map[string]any{"Title": "x", "Username": "u"}).wantStatus(http.StatusBadRequest)
	if got, _ := f.srv.StoredSecret("prod/db/postgres"); got.Password != "new-pw" {
		t.Errorf("a refused update changed %+v", got)
	}
}

func TestSecretsSharesMovesDeletes(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	id, web, db := passwordsafetest.SecretDBUserID, passwordsafetest.FolderProdWebID, passwordsafetest.FolderProdDBID
	var share map[string]any
	c.do(http.MethodPost, ss+"Secrets/"+id+"/shares/"+web, nil).wantStatus(http.StatusCreated).decode(&share)
	if share["FolderPath"] != "prod/web" || share["SecretId"] != id {
		t.Errorf("share %v", share)
	}
	c.do(http.MethodPost, ss+"Secrets/"+id+"/shares/"+web, nil).wantStatus(http.StatusConflict)
	c.do(http.MethodPost, ss+"Secrets/"+id+"/shares/"+db, nil).wantStatus(http.StatusConflict)
	c.do(http.MethodPost, ss+"Secrets/"+id+"/shares/"+passwordsafetest.FolderDevID, nil).wantStatus(http.StatusNotFound)
	var shares []map[string]any
	c.do(http.MethodGet, ss+"Secrets/"+id+"/shares", nil).wantStatus(http.StatusOK).decode(&shares)
	if len(shares) != 1 {
		t.Errorf("shares %v", shares)
	}
	if got, _ := f.srv.StoredSecret("prod/db/postgres"); fmt.Sprint(got.Shares) != "[prod/web]" {
		t.Errorf("shares %v", got.Shares)
	}
	c.do(http.MethodDelete, ss+"Secrets/"+id+"/shares/"+web, nil).wantStatus(http.StatusNoContent)
	c.do(http.MethodDelete, ss+"Secrets/"+id+"/shares/"+web, nil).wantStatus(http.StatusNotFound)
	c.do(http.MethodPost, ss+"Secrets/"+id+"/shares/"+web, nil).wantStatus(http.StatusCreated)
	c.do(http.MethodDelete, ss+"Secrets/"+id+"/shares", nil).wantStatus(http.StatusNoContent)
	if got, _ := f.srv.StoredSecret("prod/db/postgres"); len(got.Shares) != 0 {
		t.Errorf("shares left %v", got.Shares)
	}

	// Moves: Stop refuses a taken title, Rename takes the next free one, Skip leaves it.
	c.do(http.MethodPost, ss+"Folders/"+web+"/secrets/text", map[string]any{"Title": "url", "Text": "web"}).wantStatus(http.StatusCreated)
	move := func(action string, status int) map[string][]string {
		var out map[string][]string
		r := c.do(http.MethodPut, ss+"Secrets/move", map[string]any{"SecretIds": []string{passwordsafetest.SecretDBURLID},
			"DestinationFolderId": web, "DuplicateNameAction": action}).wantStatus(status)
		if status == http.StatusOK {
			r.decode(&out)
		}
		return out
	}
	move("Stop", http.StatusConflict)
	if out := move("skip", http.StatusOK); len(out["Skipped"]) != 1 || len(out["Moved"]) != 0 {
		t.Errorf("skip %v", out)
	}
	if out := move("Rename", http.StatusOK); len(out["Renamed"]) != 1 || len(out["Moved"]) != 1 {
		t.Errorf("rename %v", out)
	}
	if _, ok := f.srv.StoredSecret("prod/web/url (1)"); !ok {
		t.Errorf("renamed: %+v", f.srv.Secrets())
	}
	for _, body := range []map[string]any{
		{"SecretIds": []string{id}, "DestinationFolderId": web, "DuplicateNameAction": "Merge"},
		{"SecretIds": []string{id}, "DestinationFolderId": "web", "DuplicateNameAction": "Stop"},
		{"DestinationFolderId": web, "DuplicateNameAction": "Stop"},
		{"SecretIds": make([]string, 201), "DestinationFolderId": web, "DuplicateNameAction": "Stop"},
	} {
		c.do(http.MethodPut, ss+"Secrets/move", body).wantStatus(http.StatusBadRequest)
	}
	c.do(http.MethodPut, ss+"Secrets/move", map[string]any{"SecretIds": []string{passwordsafetest.SecretDevID},
		"DestinationFolderId": web, "DuplicateNameAction": "Stop"}).wantStatus(http.StatusNotFound)

	// A share moves too.
	c.do(http.MethodPost, ss+"Secrets/"+id+"/shares/"+web, nil).wantStatus(http.StatusCreated).decode(&share)
	shareID := share["Id"].(string)
	var out map[string][]string
	c.do(http.MethodPut, ss+"Secrets/move", map[string]any{"ShareIds": []string{shareID}, "DestinationFolderId": passwordsafetest.SafeProdID,
		"DuplicateNameAction": "Stop"}).wantStatus(http.StatusOK).decode(&out)
	if fmt.Sprint(out["Moved"]) != "["+shareID+"]" {
		t.Errorf("share move %v", out)
	}
	c.do(http.MethodPut, ss+"Secrets/move", map[string]any{"ShareIds": []string{shareID}, "DestinationFolderId": db,
		"DuplicateNameAction": "Skip"}).wantStatus(http.StatusOK).decode(&out)
	if len(out["Skipped"]) != 1 {
		t.Errorf("share move home %v", out)
	}

	// Delete: the secret and its shares are gone.
	c.do(http.MethodDelete, ss+"Secrets/"+id, nil).wantStatus(http.StatusNoContent)
	c.do(http.MethodDelete, ss+"Secrets/"+id, nil).wantStatus(http.StatusNotFound)
	if _, ok := f.srv.StoredSecret("prod/db/postgres"); ok {
		t.Error("deleted secret still there")
	}
}

func TestFoldersAndSafes(t *testing.T) {
	f := newFixture(t)
	c := f.as("requestor")
	var folder map[string]any
	c.do(http.MethodPost, ss+"Folders", map[string]any{"Name": "app", "Description": "d", "ParentId": passwordsafetest.SafeProdID}).
		wantStatus(http.StatusCreated).decode(&folder)
	app := folder["Id"].(string)
	c.do(http.MethodPost, ss+"Folders", map[string]any{"Name": "cfg", "ParentId": app}).wantStatus(http.StatusCreated).decode(&folder)
	cfg := folder["Id"].(string)
	c.do(http.MethodPost, ss+"Folders", map[string]any{"Name": "APP", "ParentId": passwordsafetest.SafeProdID}).wantStatus(http.StatusConflict)
	c.do(http.MethodPost, ss+"Folders", map[string]any{"Name": "x"}).wantStatus(http.StatusBadRequest)
	c.do(http.MethodPost, ss+"Folders", map[string]any{"Name": "", "ParentId": app}).wantStatus(http.StatusBadRequest)
	c.do(http.MethodPost, ss+"Folders", map[string]any{"Name": "x", "ParentId": passwordsafetest.SafeDevID}).wantStatus(http.StatusNotFound)

	names := func(query string) string {
		var list []map[string]any
		c.do(http.MethodGet, ss+"Folders"+query, nil).wantStatus(http.StatusOK).decode(&list)
		var out []string
		for _, f := range list {
			out = append(out, f["Name"].(string))
		}
		return strings.Join(out, ",")
	}
	for query, want := range map[string]string{
		"":                     "db,web,app,cfg",
		"?folderPath=prod/app": "app,cfg",
		"?folderPath=PROD/APP&includeSubfolders=false": "app",
		"?folderName=B":     "db,web",
		"?rootOnly=true":    "db,web,app",
		"?folderOwnerId=1":  "app,cfg",
		"?limit=1&offset=2": "app",
	} {
		if got := names(query); got != want {
			t.Errorf("%s: %s, want %s", query, got, want)
		}
	}
	c.do(http.MethodGet, ss+"Folders?rootOnly=maybe", nil).wantStatus(http.StatusBadRequest)
	c.do(http.MethodGet, ss+"Folders/"+cfg, nil).wantStatus(http.StatusOK).decode(&folder)
	if folder["ParentId"] != app {
		t.Errorf("cfg %v", folder)
	}
	c.do(http.MethodGet, ss+"Folders/"+passwordsafetest.SafeProdID, nil).wantStatus(http.StatusNotFound)

	c.do(http.MethodPut, ss+"Folders/"+app, map[string]any{"Name": "app2"}).wantStatus(http.StatusOK).decode(&folder)
	if folder["Description"] != nil || folder["Name"] != "app2" {
		t.Errorf("updated %v", folder)
	}
	c.do(http.MethodPut, ss+"Folders/"+app, map[string]any{"Name": "db"}).wantStatus(http.StatusConflict)

	moveTo := func(id, dest, action string) result {
		return c.do(http.MethodPut, ss+"Folders/"+id+"/move", map[string]any{"DestinationFolderId": dest, "DuplicateNameAction": action})
	}
	moveTo(app, cfg, "Stop").wantStatus(http.StatusBadRequest)
	moveTo(app, app, "Stop").wantStatus(http.StatusBadRequest)
	c.do(http.MethodPost, ss+"Folders", map[string]any{"Name": "cfg", "ParentId": passwordsafetest.FolderProdDBID}).wantStatus(http.StatusCreated)
	moveTo(cfg, passwordsafetest.FolderProdDBID, "Stop").wantStatus(http.StatusConflict)
	moveTo(cfg, passwordsafetest.FolderProdDBID, "Skip").wantStatus(http.StatusOK)
	moveTo(cfg, passwordsafetest.FolderProdDBID, "Rename").wantStatus(http.StatusOK).decode(&folder)
	if folder["Name"] != "cfg (1)" || folder["ParentId"] != passwordsafetest.FolderProdDBID {
		t.Errorf("moved %v", folder)
	}
	moveTo(cfg, passwordsafetest.FolderProdDBID, "Stop").wantStatus(http.StatusOK)

	// Deleting a folder deletes what is below it.
	c.do(http.MethodPost, ss+"Folders/"+cfg+"/secrets/text", map[string]any{"Title": "t", "Text": "x"}).wantStatus(http.StatusCreated)
	c.do(http.MethodDelete, ss+"Folders/"+passwordsafetest.FolderProdDBID, nil).wantStatus(http.StatusNoContent)
	for _, s := range f.srv.Secrets() {
		if strings.HasPrefix(s.Path, "prod/db/") {
			t.Errorf("left %s", s.Path)
		}
	}
	for _, fo := range f.srv.Folders() {
		if strings.HasPrefix(fo.Path, "prod/db") {
			t.Errorf("left %s", fo.Path)
		}
	}

	// Safes: admin creates one, which is its own; the name is unique.
	admin := f.as("admin")
	var safe map[string]any
	admin.do(http.MethodPost, ss+"Safes", map[string]any{"Name": "team", "Description": "d"}).wantStatus(http.StatusCreated).decode(&safe)
	team := safe["Id"].(string)
	admin.do(http.MethodPost, ss+"Safes", map[string]any{"Name": "TEAM"}).wantStatus(http.StatusConflict)
	admin.do(http.MethodPost, ss+"Safes", map[string]any{"Name": "a/b"}).wantStatus(http.StatusBadRequest)
	admin.do(http.MethodPost, ss+"Safes", map[string]any{"Name": strings.Repeat("n", 257)}).wantStatus(http.StatusBadRequest)
	if s := f.srv.Safes(); len(s) != 3 || s[2].Owner != "admin" || fmt.Sprint(s[2].Members) != "[admin]" {
		t.Errorf("safes %+v", s)
	}
	c.do(http.MethodGet, ss+"Safes/"+team, nil).wantStatus(http.StatusNotFound)
	admin.do(http.MethodGet, ss+"Safes/"+team, nil).wantStatus(http.StatusOK).decode(&safe)
	admin.do(http.MethodGet, ss+"Safes/"+passwordsafetest.FolderProdWebID, nil).wantStatus(http.StatusNotFound)
	admin.do(http.MethodPut, ss+"Safes/"+team, map[string]any{"Name": "team2"}).wantStatus(http.StatusNoContent)
	admin.do(http.MethodPut, ss+"Safes/"+team, map[string]any{"Name": "prod"}).wantStatus(http.StatusConflict)
	admin.do(http.MethodPut, ss+"Safes/"+team, map[string]any{}).wantStatus(http.StatusBadRequest)
	admin.do(http.MethodDelete, ss+"Safes/"+passwordsafetest.SafeProdID, nil).wantStatus(http.StatusNoContent)
	if len(f.srv.Folders()) != 1 || len(f.srv.Secrets()) != 1 || f.srv.Folders()[0].Path != "dev/sandbox" {
		t.Errorf("after deleting prod: %+v %+v", f.srv.Folders(), f.srv.Secrets())
	}
}

func TestSecretsSeed(t *testing.T) {
	// Seeding anything of Secrets Safe drops the default one; parents are created.
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSeed(passwordsafetest.Seed{
		Secrets: []passwordsafetest.SafeSecret{
			{Path: "a/b/c/pw", Username: "u", Password: "p", Owner: "requestor", Notes: "n"},
			{Path: "a/b/c/pw", Type: "text", Text: "dup"}, // a seed may hold two of one title
			{Path: "a/file", Type: "File", Content: []byte{0, 1}},
		},
	}))
	if got := fmt.Sprint(len(srv.Safes()), len(srv.Folders()), len(srv.Secrets())); got != "1 2 3" {
		t.Errorf("safes, folders, secrets: %s", got)
	}
	s := srv.Secrets()
	if s[0].Path != "a/b/c/pw" || s[0].Password != "p" || s[0].CreatedBy != "requestor" || s[2].FileName != "file" ||
		s[1].Type != "Text" || !strings.HasPrefix(s[0].ID, "5ec7e700-0000-4000-8000-") {
		t.Errorf("secrets %+v", s)
	}
	if fo := srv.Folders(); fo[1].Path != "a/b/c" || fo[1].ParentID != fo[0].ID || fo[0].ParentID != srv.Safes()[0].ID {
		t.Errorf("folders %+v", fo)
	}

	for _, bad := range []passwordsafetest.Seed{
		{Safes: []passwordsafetest.Safe{{Name: ""}}},
		{Safes: []passwordsafetest.Safe{{Name: "a/b"}}},
		{Safes: []passwordsafetest.Safe{{Name: "x"}, {Name: "X"}}},
		{Safes: []passwordsafetest.Safe{{Name: "x", ID: "nope"}}},
		{Safes: []passwordsafetest.Safe{{Name: "x", Members: []string{"nobody"}}}},
		{Folders: []passwordsafetest.Folder{{Path: "x"}}},
		{Folders: []passwordsafetest.Folder{{Path: "x/y"}, {Path: "X/Y"}}},
		{Folders: []passwordsafetest.Folder{{Path: "x//y"}}},
		{Folders: []passwordsafetest.Folder{{Path: "x/y", ID: passwordsafetest.SafeProdID}}, Safes: []passwordsafetest.Safe{{Name: "p", ID: passwordsafetest.SafeProdID}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "t"}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "x/y/"}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "x/y/t", Type: "Text"}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "x/y/t", Type: "File"}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "x/y/t", Type: "File", Content: make([]byte, 5_000_001)}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "x/y/t", Type: "Key"}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "x/y/t", Owner: "nobody"}}},
		{Secrets: []passwordsafetest.SafeSecret{{Path: "x/y/t", ID: "5EC7E700-0000-4000-8000-000000000001"}, {Path: "x/y/u", ID: "5ec7e700-0000-4000-8000-000000000001"}}},
		{Users: []passwordsafetest.User{{UserName: "x", SecretsSafe: "Write"}}},
	} {
		if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSeed(bad)); err == nil {
			t.Errorf("seed %+v: no error", bad)
		} else if !strings.Contains(err.Error(), "seed: ") {
			t.Errorf("seed %+v: %v", bad, err)
		}
	}

	// WithSafeSecret adds one, creating its safe and folder.
	srv = passwordsafetest.NewServer(t, passwordsafetest.WithSafeSecret(passwordsafetest.SafeSecret{Path: "ops/k8s/token", Type: "Text", Text: "t0k"}))
	if s, ok := srv.StoredSecret("ops/k8s/token"); !ok || s.Text != "t0k" || len(srv.Safes()) != 1 || srv.Folders()[0].Path != "ops/k8s" {
		t.Errorf("WithSafeSecret: %+v %+v", s, srv.Folders())
	}

	// The JSON seed reads safes, folders, secrets (content in base64) and permissions.
	path := filepath.Join(t.TempDir(), "seed.json")
	seed := `{"version":1,"noDefaults":true,
	  "users":[{"userName":"ci","secretsSafe":"readwrite"}],
	  "safes":[{"name":"pay","members":["ci"]}],
	  "folders":[{"path":"pay/db","description":"d"}],
	  "secrets":[{"path":"pay/db/dsn","type":"Text","text":"postgres://x"},{"path":"pay/db/ca","type":"File","content":"AAEC"}]}`
	if err := os.WriteFile(path, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	srv = passwordsafetest.NewServer(t, passwordsafetest.WithSeedFile(path))
	if s, ok := srv.StoredSecret("pay/db/ca"); !ok || !bytes.Equal(s.Content, []byte{0, 1, 2}) {
		t.Errorf("file secret %+v", s)
	}
	if u, _ := srv.User("ci"); u.SecretsSafe != passwordsafetest.SecretsReadWrite {
		t.Errorf("ci %+v", u)
	}
	if f := srv.Folders(); len(f) != 1 || f[0].Description != "d" {
		t.Errorf("folders %+v", f)
	}
}

func TestSeedExampleHoldsSecretsSafe(t *testing.T) {
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSeedFile("testdata/seed.example.json"))
	if len(srv.Safes()) == 0 || len(srv.Folders()) == 0 || len(srv.Secrets()) < 3 {
		t.Errorf("the example seed shows no Secrets Safe: %+v", srv.Secrets())
	}
	js, _ := json.Marshal(srv.Secrets())
	if !bytes.Contains(js, []byte(`"Type":"File"`)) || !bytes.Contains(js, []byte(`"Type":"Text"`)) {
		t.Errorf("the example seed lacks a type: %s", js)
	}
}

// The Recorder writes no Secrets Safe value: not a password, a text, a
// file's content (downloaded or uploaded, binary or not), in any file.
func TestRecorderScrubsSecretsSafe(t *testing.T) {
	dir := t.TempDir()
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithTime(epoch))
	c := srv.Client(t, "requestor", passwordsafe.WithHTTPClient(&http.Client{Transport: passwordsafetest.NewRecorder(dir, nil)}))
	const text, password = "Rec0rded-Text-Value", "Rec0rded-Pa55word"
	content := "Rec0rded-File-\x00\xff-Content"
	folder := passwordsafetest.FolderProdWebID
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := c.Secrets.CreateText(bg, folder, &passwordsafe.TextSecretOptions{Title: "t", Text: passwordsafe.NewSecret(text)})
	must(err)
	_, _, err = c.Secrets.CreateCredential(bg, folder, &passwordsafe.CredentialSecretOptions{Title: "c", Password: passwordsafe.NewSecret(password)})
	must(err)
	file, _, err := c.Secrets.CreateFile(bg, folder, &passwordsafe.FileSecretOptions{Title: "f", FileName: "f.bin"}, strings.NewReader(content))
	must(err)
	var buf bytes.Buffer
	_, err = c.Secrets.File(bg, file.ID, &buf)
	must(err)
	for _, p := range []string{"prod/web/t", "prod/web/c", "prod/db/url", "prod/db/postgres"} {
		_, _, err = c.Secrets.Find(bg, p, nil)
		must(err)
	}
	_, _, err = c.Secrets.GetText(bg, passwordsafetest.SecretDBURLID)
	must(err)
	seeded, _ := srv.StoredSecret("prod/db/postgres")

	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	must(err)
	all := ""
	for _, f := range files {
		b, err := os.ReadFile(f)
		must(err)
		all += string(b)
	}
	for what, v := range map[string]string{"text": text, "password": password, "file content": "Rec0rded-File-",
		"seeded text": passwordsafetest.DefaultSecretURL, "seeded password": seeded.Password} {
		if strings.Contains(all, v) {
			t.Errorf("the recording holds the %s", what)
		}
	}
	for _, placeholder := range []string{"recorded-secret-1", "recorded-file-1", `name=\"secretmetadata\"`, "recorded-password-"} {
		if !strings.Contains(all, placeholder) {
			t.Errorf("the recording lacks %s", placeholder)
		}
	}
}
