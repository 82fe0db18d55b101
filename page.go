package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
)

// Paged list answers. Endpoints with limit and offset answer a bare array
// on API 3.0, and on newer versions (or when limit is given) some answer
// {"TotalCount": n, "Data": [...]} (GET ManagedSystems, secrets-safe). The
// helpers here read both, and a single object as a list of one (GET
// ManagedAccounts answers one account when the filters name one), without
// ever holding the whole body.

// callPage is callList for answers that may be paged: a bare array, a
// {TotalCount, Data} wrapper, or a single object.
func callPage[T any](ctx context.Context, c *Client, r *request) ([]T, *Response, error) {
	return collectRows[T](ctx, c, r, func(body io.Reader, each func(*json.Decoder) error) error {
		_, err := decodePage(body, each)
		return err
	})
}

// streamPage makes the call and hands each row to each as it is decoded.
// When each returns an error the answer is closed at once and that error
// is returned as is. total is the wrapper's TotalCount, or -1. Once a row
// has been handed out the call is never repeated.
func streamPage[T any](ctx context.Context, c *Client, r *request, each func(T) error) (total int, err error) {
	r.limit = capList
	var stop error
	total = -1
	_, err = c.do(ctx, r, func(_ http.Header, body *answer) error {
		v := new(T)
		t, err := decodePage(body, func(dec *json.Decoder) error {
			var zero T
			*v = zero
			if err := dec.Decode(v); err != nil {
				return err
			}
			body.handedOut = true
			if err := each(*v); err != nil {
				stop = err
				return errStopped
			}
			return nil
		})
		total = t
		return err
	})
	if stop != nil {
		return total, stop
	}
	return total, err
}

// decodePage reads a list answer from r, calling each with the decoder
// positioned before every element. It accepts:
//   - a JSON array (null and an empty body are an empty list);
//   - a {"TotalCount": n, "Data": [...]} wrapper, keys matched case
//     aside, other keys skipped; total is n (-1 when absent);
//   - any other object, which is a list of one element.
//
// Anything after the value but white space is an error.
func decodePage(r io.Reader, each func(*json.Decoder) error) (total int, err error) {
	total = -1
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	switch {
	case err == io.EOF:
		return total, nil
	case err != nil:
		return total, err
	case tok == nil:
	case tok == json.Delim('['):
		if err := decodeElements(dec, each); err != nil {
			return total, err
		}
	case tok == json.Delim('{'):
		if total, err = decodeObjectPage(dec, each); err != nil {
			return total, err
		}
	default:
		return total, fmt.Errorf("expected a JSON array or object, got %s", describeToken(tok))
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("unexpected data after the JSON value")
		}
		return total, err
	}
	return total, nil
}

// decodeElements reads the elements of an array whose '[' has been read,
// and its ']'.
func decodeElements(dec *json.Decoder, each func(*json.Decoder) error) error {
	for dec.More() {
		if err := each(dec); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// decodeObjectPage reads an object whose '{' has been read: a wrapper whose
// Data is streamed, or one element, collected and handed to each.
func decodeObjectPage(dec *json.Decoder, each func(*json.Decoder) error) (total int, err error) {
	total = -1
	type field struct {
		key string
		raw json.RawMessage
	}
	var fields []field
	var totalRaw json.RawMessage
	hasData := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return total, err
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "Data") && !hasData:
			hasData = true
			tok, err := dec.Token()
			switch {
			case err != nil:
				return total, err
			case tok == json.Delim('['):
				if err := decodeElements(dec, each); err != nil {
					return total, err
				}
			case tok != nil:
				return total, fmt.Errorf("expected Data to be a JSON array, got %s", describeToken(tok))
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return total, err
			}
			if strings.EqualFold(key, "TotalCount") {
				totalRaw = raw
			} else {
				fields = append(fields, field{key, raw})
			}
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return total, err
	}
	if hasData || (totalRaw != nil && len(fields) == 0) {
		var n int
		if totalRaw != nil && json.Unmarshal(totalRaw, &n) == nil && n >= 0 {
			total = n
		}
		return total, nil
	}
	// One element: put it back together and decode it as such.
	if totalRaw != nil {
		fields = append(fields, field{"TotalCount", totalRaw})
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(f.raw)
	}
	b.WriteByte('}')
	return total, each(json.NewDecoder(&b))
}

// pagedOptions are list options with a page size and a start: the options
// of an All.
type pagedOptions[O any] interface {
	*O
	validate() error
	query() (string, error)
	page() (limit, offset *int)
}

// allOf is an All: every row of the list at path, filtered by opts, page
// after page of opts' Limit (default defaultPageSize) from its Offset,
// as allPages (inventory.go) reads them. Invalid options are the only pair yielded.
func allOf[T any, O any, P pagedOptions[O], K comparable](ctx context.Context, c *Client, path string, opts P,
	key func(T) K) iter.Seq2[T, error] {
	var base O
	if opts != nil {
		base = *opts
	}
	if err := P(&base).validate(); err != nil {
		return seqError[T](err)
	}
	limit, offset := P(&base).page()
	if *limit == 0 {
		*limit = defaultPageSize
	}
	return allPages(ctx, c, *limit, *offset, func(_, start int) *request {
		page := base
		_, at := P(&page).page()
		*at = start
		q, _ := P(&page).query() // base is valid, and so is every offset the pager asks for
		return get(path, q)
	}, func(v *T) K { return key(*v) })
}
