package passwordsafe_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// What the inventory families share: the lazy pager behind every All,
// Find's rules, and answers of one object.

// pagedSystems serves n systems (IDs 1..n) by limit and offset, bare or
// wrapped with a TotalCount, and records each page's query.
type pagedSystems struct {
	n, total int // total < 0: no wrapper
	mu       sync.Mutex
	queries  []string
	ignore   bool // ignore offset
	failAt   int  // answer 500 from this offset on (0: never)
}

func (p *pagedSystems) respond(req *http.Request) (*http.Response, error) {
	q := req.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	p.mu.Lock()
	p.queries = append(p.queries, req.URL.RawQuery)
	calls := len(p.queries)
	p.mu.Unlock()
	if p.failAt > 0 && offset >= p.failAt || calls > 20 { // a pager that loops fails, not hangs
		return httpmock.NewStringResponse(http.StatusInternalServerError, `"boom"`), nil
	}
	if p.ignore {
		offset = 0
	}
	var rows []string
	for id := offset + 1; id <= p.n && id <= offset+limit; id++ {
		rows = append(rows, fmt.Sprintf(`{"ManagedSystemID":%d,"SystemName":"s%d"}`, id, id))
	}
	body := "[" + strings.Join(rows, ",") + "]"
	if p.total >= 0 {
		body = fmt.Sprintf(`{"TotalCount":%d,"Data":%s}`, p.total, body)
	}
	return httpmock.NewStringResponse(http.StatusOK, body), nil
}

func (p *pagedSystems) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.queries...)
}

func collectIDs(t *testing.T, seq func(yield func(ps.ManagedSystem, error) bool)) ([]int, error) {
	t.Helper()
	var ids []int
	for s, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, s.ManagedSystemID)
	}
	return ids, nil
}

func TestInventoryAllPages(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		p       *pagedSystems
		opts    *ps.ListManagedSystemsOptions
		want    []int
		queries []string
	}{
		"short last page": {p: &pagedSystems{n: 5, total: -1}, opts: &ps.ListManagedSystemsOptions{Limit: 2, Name: "s"},
			want: []int{1, 2, 3, 4, 5}, queries: []string{"name=s&limit=2&offset=0", "name=s&limit=2&offset=2", "name=s&limit=2&offset=4"}},
		"full last page, then an empty one": {p: &pagedSystems{n: 4, total: -1}, opts: &ps.ListManagedSystemsOptions{Limit: 2},
			want: []int{1, 2, 3, 4}, queries: []string{"limit=2&offset=0", "limit=2&offset=2", "limit=2&offset=4"}},
		"TotalCount ends it": {p: &pagedSystems{n: 4, total: 4}, opts: &ps.ListManagedSystemsOptions{Limit: 2},
			want: []int{1, 2, 3, 4}, queries: []string{"limit=2&offset=0", "limit=2&offset=2"}},
		"from an offset": {p: &pagedSystems{n: 5, total: 5}, opts: &ps.ListManagedSystemsOptions{Limit: 2, Offset: 3, Type: ps.EntityAsset},
			want: []int{4, 5}, queries: []string{"type=1&limit=2&offset=3"}},
		"default page size": {p: &pagedSystems{n: 3, total: -1}, opts: nil,
			want: []int{1, 2, 3}, queries: []string{"limit=1000&offset=0"}},
		"pages of one": {p: &pagedSystems{n: 2, total: -1}, opts: &ps.ListManagedSystemsOptions{Limit: 1},
			want: []int{1, 2}, queries: []string{"limit=1&offset=0", "limit=1&offset=1", "limit=1&offset=2"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := ps.NewMockClient(t)
			mt.RegisterResponder("GET", ps.TestBase+"ManagedSystems", tc.p.respond)
			ids, err := collectIDs(t, c.ManagedSystems.All(bg, tc.opts))
			require.NoError(t, err)
			assert.Equal(t, tc.want, ids)
			assert.Equal(t, tc.queries, tc.p.seen())
		})
	}
}

func TestInventoryAllPagesIgnoredLimit(t *testing.T) {
	t.Parallel()
	// A page longer than the page size: the server sent everything.
	c, mt := ps.NewMockClient(t)
	mt.RegisterResponder("GET", ps.TestBase+"Workgroups/1/ManagedSystems", httpmock.NewStringResponder(http.StatusOK,
		`[{"ManagedSystemID":1},{"ManagedSystemID":2},{"ManagedSystemID":3}]`))
	ids, err := collectIDs(t, c.ManagedSystems.AllByWorkgroup(bg, 1, &ps.PageOptions{Limit: 2}))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3}, ids)
	assert.Equal(t, 1, ps.APICalls(mt))
}

func TestInventoryAllPagesIgnoredOffset(t *testing.T) {
	t.Parallel()
	p := &pagedSystems{n: 9, total: -1, ignore: true}
	c, mt := ps.NewMockClient(t)
	mt.RegisterResponder("GET", ps.TestBase+"FunctionalAccounts/7/ManagedSystems", p.respond)
	ids, err := collectIDs(t, c.ManagedSystems.AllByFunctionalAccount(bg, 7, &ps.PageOptions{Limit: 2, Offset: 0}))
	var de *ps.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "FunctionalAccounts/7/ManagedSystems", de.Path)
	assert.EqualError(t, err, "passwordsafe: GET FunctionalAccounts/7/ManagedSystems: decoding the answer: "+
		"the server ignored offset (a page began with the previous page's first row)")
	assert.Equal(t, []int{1, 2}, ids)
	assert.Equal(t, []string{"limit=2&offset=0", "limit=2&offset=2"}, p.seen())
}

func TestInventoryAllPagesStopAndFail(t *testing.T) {
	t.Parallel()
	p := &pagedSystems{n: 10, total: -1, failAt: 4}
	c, mt := ps.NewMockClient(t, ps.WithoutRetries())
	mt.RegisterResponder("GET", ps.TestBase+"ManagedSystems", p.respond)

	// Breaking out after three rows reads no further page.
	var ids []int
	for s, err := range c.ManagedSystems.All(bg, &ps.ListManagedSystemsOptions{Limit: 2}) {
		require.NoError(t, err)
		if ids = append(ids, s.ManagedSystemID); len(ids) == 3 {
			break
		}
	}
	assert.Equal(t, []int{1, 2, 3}, ids)
	assert.Len(t, p.seen(), 2)

	// A failure is the last pair, after the rows read before it.
	ids, err := collectIDs(t, c.ManagedSystems.All(bg, &ps.ListManagedSystemsOptions{Limit: 2}))
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusInternalServerError, er.StatusCode)
	assert.Equal(t, []int{1, 2, 3, 4}, ids)
	n := 0
	for _, err := range c.ManagedSystems.All(bg, &ps.ListManagedSystemsOptions{Limit: 2, Offset: 4}) {
		n++
		require.Error(t, err)
	}
	assert.Equal(t, 1, n, "the error is yielded once")
}

// A row that does not decode ends the loop with a *DecodeError after the
// rows before it, is never handed out as a zero value, and the page is not
// asked for again (its first rows already reached the caller).
func TestInventoryAllPagesBadRow(t *testing.T) {
	t.Parallel()
	c, mt := ps.NewMockClient(t)
	calls := 0
	mt.RegisterResponder("GET", ps.TestBase+"ManagedSystems", func(*http.Request) (*http.Response, error) {
		calls++
		return httpmock.NewStringResponse(200, `[{"ManagedSystemID":1},{"ManagedSystemID":"two"},{"ManagedSystemID":3}]`), nil
	})
	ids, err := collectIDs(t, c.ManagedSystems.All(bg, &ps.ListManagedSystemsOptions{Limit: 3}))
	var de *ps.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "ManagedSystems", de.Path)
	assert.Equal(t, []int{1}, ids)
	assert.Equal(t, 1, calls)
}

// Find's rules: the answer is checked against the name asked (case aside);
// none is ErrNotFound, two an error saying so; the name is escaped.
func TestInventoryFind(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		answer string
		want   int    // the ID found; 0: an error
		err    string // the error's text
	}{
		"one":                    {answer: `[{"ManagedSystemID":3,"SystemName":"DB 01&x"}]`, want: 3},
		"one object":             {answer: `{"ManagedSystemID":3,"SystemName":"db 01&X"}`, want: 3},
		"a page":                 {answer: `{"TotalCount":2,"Data":[{"ManagedSystemID":2,"SystemName":"db 01"},{"ManagedSystemID":3,"SystemName":"db 01&x"}]}`, want: 3},
		"only other names":       {answer: `[{"ManagedSystemID":2,"SystemName":"db 01"},{"ManagedSystemID":4,"SystemName":"db 01&x2"}]`, err: `passwordsafe: GET ManagedSystems: no managed system named "db 01&x"`},
		"empty":                  {answer: `[]`, err: `passwordsafe: GET ManagedSystems: no managed system named "db 01&x"`},
		"two of the name":        {answer: `[{"ManagedSystemID":2,"SystemName":"db 01&x"},{"ManagedSystemID":3,"SystemName":"DB 01&X"}]`, err: `passwordsafe: GET ManagedSystems: 2 managed systems are named "db 01&x"`},
		"an answer not a system": {answer: `"nope"`, err: "decoding the answer"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := ps.NewMockClient(t)
			rec := &ps.Recorder{}
			mt.RegisterResponder("GET", ps.TestBase+"ManagedSystems", rec.Wrap(ps.Respond(http.StatusOK, tc.answer)))
			got, resp, err := c.ManagedSystems.Find(bg, "db 01&x")
			assert.Equal(t, "name=db+01%26x", rec.Last(t).URL.RawQuery)
			require.NotNil(t, resp)
			if tc.want != 0 {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got.ManagedSystemID)
				return
			}
			assert.Nil(t, got)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
			assert.Equal(t, strings.Contains(tc.err, "no managed system"), errors.Is(err, ps.ErrNotFound), err.Error())
		})
	}
}

// A 404 from the server is ErrNotFound too, as an *ErrorResponse.
func TestInventoryFindServerNotFound(t *testing.T) {
	t.Parallel()
	c, mt := ps.NewMockClient(t)
	mt.RegisterResponder("GET", ps.TestBase+"Workgroups", httpmock.NewStringResponder(http.StatusNotFound, `"Workgroup not found"`))
	_, resp, err := c.Workgroups.Find(bg, "Lab")
	assert.ErrorIs(t, err, ps.ErrNotFound)
	var er *ps.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// An answer of one object that is not one: a DecodeError naming the path.
func TestInventoryCallOne(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`[]`:      "expected one object, got 0",
		``:        "expected one object, got 0",
		`[{},{}]`: "expected one object, got 2",
		`true`:    "expected a JSON array or object",
	} {
		c, mt := ps.NewMockClient(t)
		mt.RegisterResponder("GET", ps.TestBase+"Databases/3/ManagedSystems", ps.Respond(http.StatusOK, body))
		got, resp, err := c.ManagedSystems.GetByDatabase(bg, 3)
		assert.Nil(t, got, body)
		require.NotNil(t, resp, body)
		var de *ps.DecodeError
		require.ErrorAs(t, err, &de, body)
		assert.Equal(t, "Databases/3/ManagedSystems", de.Path)
		assert.Equal(t, "GET", de.Method)
		assert.Contains(t, err.Error(), want, body)
	}
}

// A server error on a call of one object or a Find is returned with the
// answer.
func TestInventoryErrors(t *testing.T) {
	t.Parallel()
	c, mt := ps.NewMockClient(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(http.StatusForbidden, `"4031 - User does not have permission."`))
	calls := map[string]func() (*ps.Response, error){
		"GetByAsset": func() (*ps.Response, error) { _, r, err := c.ManagedSystems.GetByAsset(bg, 1); return r, err },
		"Find":       func() (*ps.Response, error) { _, r, err := c.Users.Find(bg, "alice"); return r, err },
		"List":       func() (*ps.Response, error) { _, r, err := c.ManagedSystems.List(bg, nil); return r, err },
	}
	for name, call := range calls {
		resp, err := call()
		assert.ErrorIs(t, err, ps.ErrNoPermission, name)
		require.NotNil(t, resp, name)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, name)
	}
}
