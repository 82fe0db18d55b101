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
)

// The readers: how each kind of answer is decoded. Every typed method ends
// in one of the generic helpers below, so none repeats the
// call-check-decode dance.

// callJSON makes the call and decodes a JSON answer into a new T. An empty
// body leaves T at its zero value.
func callJSON[T any](ctx context.Context, c *Client, r *request) (*T, *Response, error) {
	out := new(T)
	resp, err := c.doJSON(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// callList makes the call and decodes a JSON array element by element,
// without ever holding the whole body: memory follows the rows, not the
// bytes. JSON null and an empty body are an empty list.
func callList[T any](ctx context.Context, c *Client, r *request) ([]T, *Response, error) {
	return collectRows[T](ctx, c, r, decodeArray)
}

// collectRows makes the call and gathers the rows decode finds in the answer.
func collectRows[T any](ctx context.Context, c *Client, r *request,
	decode func(io.Reader, func(*json.Decoder) error) error) ([]T, *Response, error) {
	r.limit = capList
	var out []T
	resp, err := c.do(ctx, r, func(_ http.Header, body *answer) error {
		var rows rows[T]
		if err := decode(body, func(dec *json.Decoder) error { return dec.Decode(rows.next()) }); err != nil {
			return err
		}
		out = rows.slice()
		return nil
	})
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// callWith makes the call and reads a 2xx answer with decode, for answers
// that are not plain JSON (a credential, a ticket or a file, a screen).
func callWith[T any](ctx context.Context, c *Client, r *request, decode func(h http.Header, body []byte) (T, error)) (T, *Response, error) {
	var out T
	resp, err := c.do(ctx, r, func(h http.Header, body *answer) error {
		b, err := body.bytes()
		if err != nil {
			return err
		}
		out, err = decode(h, b)
		return err
	})
	if err != nil {
		var zero T
		return zero, resp, err
	}
	return out, resp, nil
}

// streamList makes the call and yields the array's elements as they are
// decoded. A failure, also one halfway through the list, is the last pair
// yielded; once a row has been yielded the call is never repeated. When the
// caller stops early the answer is closed at once.
func streamList[T any](ctx context.Context, c *Client, r *request, yield func(T, error) bool) {
	r.limit = capList
	stopped := false
	_, err := c.do(ctx, r, func(_ http.Header, body *answer) error {
		v := new(T)
		return decodeArray(body, func(dec *json.Decoder) error {
			var zero T
			*v = zero
			if err := dec.Decode(v); err != nil {
				return err
			}
			body.handedOut = true
			if !yield(*v, nil) {
				stopped = true
				return errStopped
			}
			return nil
		})
	})
	if err != nil && !stopped {
		var zero T
		yield(zero, err)
	}
}

// seqError is an iterator that yields err alone.
func seqError[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

var errStopped = errors.New("passwordsafe: the caller stopped reading")

// decodeJSON reads the whole answer and decodes it into out; an empty body
// leaves out as it is.
func decodeJSON(body *answer, out any) error {
	b, err := body.bytes()
	if err != nil || len(b) == 0 {
		return err
	}
	return json.Unmarshal(b, out)
}

// decodeArray reads a JSON array from r, calling each with the decoder
// positioned before every element. null and an empty body are an empty
// array; anything after the array but white space is an error.
func decodeArray(r io.Reader, each func(*json.Decoder) error) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	switch {
	case err == io.EOF:
		return nil
	case err != nil:
		return err
	case tok == nil:
	case tok == json.Delim('['):
		for dec.More() {
			if err := each(dec); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("expected a JSON array, got %s", describeToken(tok))
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("unexpected data after the JSON value")
		}
		return err
	}
	return nil
}

func describeToken(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "something else"
}

// rows collects decoded elements in blocks, then copies them once into a
// slice of the exact length: growing one slice would copy it again and
// again, leaving the old copies as garbage at the moment the heap peaks.
type rows[T any] struct {
	full [][]T
	cur  []T
	n    int
}

const maxRowBlock = 8192

func (r *rows[T]) next() *T {
	if len(r.cur) == cap(r.cur) {
		if r.cur != nil {
			r.full = append(r.full, r.cur)
		}
		r.cur = make([]T, 0, min(max(2*cap(r.cur), 8), maxRowBlock))
	}
	r.cur = r.cur[:len(r.cur)+1]
	r.n++
	return &r.cur[len(r.cur)-1]
}

func (r *rows[T]) slice() []T {
	if len(r.full) == 0 {
		return r.cur
	}
	out := make([]T, 0, r.n)
	for _, b := range r.full {
		out = append(out, b...)
	}
	return append(out, r.cur...)
}

// decodeOne reads one JSON object, or an array of exactly one (some
// deployments wrap what they create in one). An empty body is T's zero
// value, as for callJSON.
func decodeOne[T any](_ http.Header, body []byte) (*T, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return new(T), nil
	}
	if b[0] == '[' {
		var list []T
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, err
		}
		if len(list) != 1 {
			return nil, fmt.Errorf("expected one object, got a list of %d", len(list))
		}
		return &list[0], nil
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}
