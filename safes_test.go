package passwordsafe

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSafes(t *testing.T) {
	t.Parallel()
	const safesURL = testBase + "Secrets-Safe/Safes"
	safe := `{"Id":"` + testSafeID + `","Name":"prod","Description":"Production"}`
	want := Safe{ID: testSafeID, Name: "prod", Description: "Production"}
	c, mt := newMockClient(t)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, safesURL, rec.wrap(respond(http.StatusOK, `[`+safe+`]`)))
	mt.RegisterResponder(http.MethodGet, safesURL+"/"+testSafeID, rec.wrap(respond(http.StatusOK, safe)))
	mt.RegisterResponder(http.MethodPost, safesURL, rec.wrap(respond(http.StatusCreated, safe)))
	mt.RegisterResponder(http.MethodPut, safesURL+"/"+testSafeID, rec.wrap(respond(http.StatusNoContent, "")))
	mt.RegisterResponder(http.MethodDelete, safesURL+"/"+testSafeID, rec.wrap(respond(http.StatusNoContent, "")))
	ctx := context.Background()
	check := func(method, path, body string, status int, resp *Response, err error) {
		t.Helper()
		require.NoError(t, err)
		assert.Equal(t, status, resp.StatusCode)
		assertSent(t, rec, method, "Secrets-Safe/Safes"+path, body)
	}
	list, resp, err := c.Safes.List(ctx)
	check(http.MethodGet, "", "", 200, resp, err)
	assert.Equal(t, []Safe{want}, list)
	got, resp, err := c.Safes.Get(ctx, testSafeID)
	check(http.MethodGet, "/"+testSafeID, "", 200, resp, err)
	assert.Equal(t, want, *got)
	got, resp, err = c.Safes.Create(ctx, &SafeOptions{Name: "prod", Description: "Production"})
	check(http.MethodPost, "", `{"Name":"prod","Description":"Production"}`, 201, resp, err)
	assert.Equal(t, want, *got)
	_, resp, err = c.Safes.Create(ctx, &SafeOptions{Name: "bare"})
	check(http.MethodPost, "", `{"Name":"bare"}`, 201, resp, err)
	resp, err = c.Safes.Update(ctx, testSafeID, &SafeOptions{Name: "prod2", Description: "d"})
	check(http.MethodPut, "/"+testSafeID, `{"Name":"prod2","Description":"d"}`, 204, resp, err)
	resp, err = c.Safes.Delete(ctx, testSafeID)
	check(http.MethodDelete, "/"+testSafeID, "", 204, resp, err)

	mt.RegisterResponder(http.MethodPost, safesURL, respond(http.StatusConflict, `"A safe named prod exists already."`))
	_, _, err = c.Safes.Create(ctx, &SafeOptions{Name: "prod"})
	assert.ErrorIs(t, err, ErrConflict)
}

func TestSafeOptionsValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		field string
		opts  *SafeOptions
	}{
		{"opts", nil},
		{"Name", &SafeOptions{}},
		{"Name", &SafeOptions{Name: strings.Repeat("n", 257)}},
		{"Description", &SafeOptions{Name: "n", Description: strings.Repeat("d", 257)}},
	} {
		c, mt := newMockClient(t)
		_, _, err := c.Safes.Create(ctx, tc.opts)
		assertValidation(t, err, tc.field)
		_, err = c.Safes.Update(ctx, testSafeID, tc.opts)
		assertValidation(t, err, tc.field)
		assert.Zero(t, apiCalls(mt)+signIns(mt))
	}
	// The limits pass.
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, testBase+"Secrets-Safe/Safes", respond(http.StatusCreated, `{}`))
	_, _, err := c.Safes.Create(ctx, &SafeOptions{Name: strings.Repeat("n", 256), Description: strings.Repeat("d", 256)})
	require.NoError(t, err)
}
