package passwordsafe

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// What the inventory families (ManagedSystems, Assets, Workgroups, Users,
// UserGroups and the administrator's ManagedAccounts calls) share: paging
// options, the lazy pager behind every All, finding one entry by name, and
// building paths from IDs and names.

// PageOptions pages a list that the server answers in pages: Limit is how
// many rows to answer (0: the server's default), Offset how many to skip.
// nil is the first page at the server's default size.
type PageOptions struct {
	Limit  int `url:"limit,omitempty"`
	Offset int `url:"offset,omitempty"`
}

func (o *PageOptions) validate() error {
	if o == nil {
		return nil
	}
	return checkPage(o.Limit, o.Offset)
}

// query validates the options and encodes them; nil is no query.
func (o *PageOptions) query() (string, error) {
	if o == nil {
		return "", nil
	}
	if err := o.validate(); err != nil {
		return "", err
	}
	return encodeQuery(o)
}

// page returns the limit and offset, zero for nil.
func (o *PageOptions) page() (limit, offset int) {
	if o == nil {
		return 0, 0
	}
	return o.Limit, o.Offset
}

// maxID is the largest ID the server takes (int32).
const maxID = math.MaxInt32

// checkPage checks limit and offset as the server reads them (int32, not
// negative).
func checkPage(limit, offset int) error {
	return firstError(
		checkRange("limit", limit, 0, maxID),
		checkRange("offset", offset, 0, maxID),
	)
}

// pageQuery is the query of one page: extra (already encoded, may be "")
// then limit and offset.
func pageQuery(extra string, limit, offset int) string {
	q := "limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset)
	if extra != "" {
		return extra + "&" + q
	}
	return q
}

// allPages yields every row of a paged list, reading page after page as
// the loop asks for more: limit is the page size (0: defaultPageSize),
// offset where to start; page builds the call for one page. It stops after
// a page shorter than the page size, one longer (a server that ignored
// limit sent everything), or at the TotalCount a paged answer gives. A
// failure is the last pair yielded. key identifies a row: a page that
// begins with the previous page's first row means the server ignored
// offset, and ends the loop with an error rather than looping for ever.
func allPages[T any, K comparable](ctx context.Context, c *Client, limit, offset int,
	page func(limit, offset int) *request, key func(*T) K) iter.Seq2[T, error] {
	if limit == 0 {
		limit = defaultPageSize
	}
	start := offset
	return func(yield func(T, error) bool) {
		var zero T
		var prevFirst K
		for at := start; ; {
			r := page(limit, at)
			n := 0
			total, err := streamPage(ctx, c, r, func(v T) error {
				if n == 0 {
					k := key(&v)
					if at != start && k == prevFirst {
						return &DecodeError{Method: r.method, Path: r.path, Err: errOffsetIgnored}
					}
					prevFirst = k
				}
				n++
				if !yield(v, nil) {
					return errStopped
				}
				return nil
			})
			switch {
			case errors.Is(err, errStopped):
				return
			case err != nil:
				yield(zero, err)
				return
			case n != limit, total >= 0 && at+n >= total:
				return
			}
			at += n
		}
	}
}

var errOffsetIgnored = errors.New("the server ignored offset (a page began with the previous page's first row)")

// notFoundError is what a Find returns when the server's answer holds no
// entry of the name asked (the server answers 200 with an empty list, or
// only entries of other names). errors.Is(err, ErrNotFound) holds.
type notFoundError struct {
	method, path string
	what, name   string
}

// Error names the call and the name that was not found.
func (e *notFoundError) Error() string {
	return fmt.Sprintf("passwordsafe: %s %s: no %s named %q", e.method, e.path, e.what, e.name)
}

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

// findNamed makes a list call filtered by name and returns the one row
// named name: the server's answer is checked against the name asked, never
// trusted to hold only that name. No such row is ErrNotFound; more than
// one is an error saying how many, never a silent first pick.
func findNamed[T any](ctx context.Context, c *Client, r *request, what, name string, named func(*T) bool) (*T, *Response, error) {
	rows, resp, err := callPage[T](ctx, c, r)
	if err != nil {
		return nil, resp, err
	}
	var found []int
	for i := range rows {
		if named(&rows[i]) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return nil, resp, &notFoundError{method: r.method, path: r.path, what: what, name: name}
	case 1:
		return &rows[found[0]], resp, nil
	}
	return nil, resp, fmt.Errorf("passwordsafe: %s %s: %d %ss are named %q", r.method, r.path, len(found), what, name)
}

// getByID reads the object at collection/{id}/rest..., refusing an ID
// below 1 (named field) before any I/O.
func getByID[T any](ctx context.Context, c *Client, field string, id int, collection string, rest ...string) (*T, *Response, error) {
	if err := checkID(field, id); err != nil {
		return nil, nil, err
	}
	return callJSON[T](ctx, c, get(idPath(collection, id, rest...), ""))
}

// listByID reads one page of the list at collection/{id}/rest... (opts
// nil: the server's default page).
func listByID[T any](ctx context.Context, c *Client, field string, id int, opts *PageOptions,
	collection string, rest ...string) ([]T, *Response, error) {
	if err := checkID(field, id); err != nil {
		return nil, nil, err
	}
	q, err := opts.query()
	if err != nil {
		return nil, nil, err
	}
	return callPage[T](ctx, c, get(idPath(collection, id, rest...), q))
}

// allByID reads every page of the list at collection/{id}/rest..., as
// allPages does.
func allByID[T any, K comparable](ctx context.Context, c *Client, field string, id int, opts *PageOptions, key func(*T) K,
	collection string, rest ...string) iter.Seq2[T, error] {
	if err := firstError(checkID(field, id), opts.validate()); err != nil {
		return seqError[T](err)
	}
	limit, offset := opts.page()
	path := idPath(collection, id, rest...)
	return allPages(ctx, c, limit, offset, func(limit, offset int) *request {
		return get(path, pageQuery("", limit, offset))
	}, key)
}

// findByName is a Find: the name is required (named field), sent as the
// query parameter param of GET path, and the answer checked by named.
func findByName[T any](ctx context.Context, c *Client, field, name, path, param, what string, named func(*T) bool) (*T, *Response, error) {
	if err := checkRequired(field, name); err != nil {
		return nil, nil, err
	}
	return findNamed(ctx, c, get(path, nameQuery(param, name)), what, name, named)
}

// callOne makes a call whose answer is one object (an array of exactly
// one, as some versions send, is accepted too).
func callOne[T any](ctx context.Context, c *Client, r *request) (*T, *Response, error) {
	rows, resp, err := callPage[T](ctx, c, r)
	if err != nil {
		return nil, resp, err
	}
	if len(rows) != 1 {
		return nil, resp, &DecodeError{Method: r.method, Path: r.path, Err: fmt.Errorf("expected one object, got %d", len(rows))}
	}
	return &rows[0], resp, nil
}

// idPath joins a collection, an ID and more segments: idPath("Assets", 7,
// "Databases") is "Assets/7/Databases".
func idPath(collection string, id int, rest ...string) string {
	p := collection + "/" + strconv.Itoa(id)
	for _, s := range rest {
		p += "/" + s
	}
	return p
}

// namePath is idPath for a name given by the caller: escaped as one path
// segment.
func namePath(collection, name string, rest ...string) string {
	return strings.Join(append([]string{collection, url.PathEscape(name)}, rest...), "/")
}

// checkSegment refuses a name that cannot travel as a path segment: empty,
// or "." and "..", which url.PathEscape leaves as they are and a proxy
// would resolve as a step up the path.
func checkSegment(field, name string) error {
	if name == "." || name == ".." {
		return invalid(field, "%q cannot be sent as a path segment", name)
	}
	return checkRequired(field, name)
}

// nameQuery is one escaped query parameter.
func nameQuery(key, value string) string { return key + "=" + url.QueryEscape(value) }

func post(path string, body any) *request {
	return &request{method: http.MethodPost, path: path, body: body}
}

func put(path string, body any) *request {
	return &request{method: http.MethodPut, path: path, body: body}
}

func del(path string) *request { return &request{method: http.MethodDelete, path: path} }

// deref returns a copy of *opts, the zero value for nil.
func deref[T any](opts *T) T {
	var out T
	if opts != nil {
		out = *opts
	}
	return out
}
