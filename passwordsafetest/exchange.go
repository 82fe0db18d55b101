package passwordsafetest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// exchange is one call and its answer as a fixture or recording file holds
// it (the schema is in the package documentation). Nothing in it is
// secret: the Recorder scrubs every value before it builds one.
type exchange struct {
	Request  recordedRequest  `json:"request"`
	Response recordedResponse `json:"response"`
}

type recordedRequest struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`            // as sent, escaped, without the host
	Query  string      `json:"query,omitempty"` // the raw query
	Header http.Header `json:"header,omitempty"`
	recordedBody
}

type recordedResponse struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	recordedBody
}

// recordedBody is a body as a file holds it: decoded (a body that was
// sent gzip-compressed is kept decompressed, with gzip set) and filed by
// what it is.
type recordedBody struct {
	Body   json.RawMessage `json:"body,omitempty"`   // JSON
	Text   string          `json:"text,omitempty"`   // UTF-8 text that is not JSON (a form, a page)
	Base64 []byte          `json:"base64,omitempty"` // anything else (images, a Latin-1 page, a terminal with colours)
	Gzip   bool            `json:"gzip,omitempty"`   // sent gzip-compressed
}

// set files a body under Body (JSON), Text (UTF-8 text) or Base64.
func (r *recordedBody) set(b []byte) {
	switch {
	case len(b) == 0:
	case json.Valid(b):
		r.Body = json.RawMessage(b)
	case isText(b):
		r.Text = string(b)
	default:
		r.Base64 = b
	}
}

// body returns the body's bytes as they were sent (JSON compact).
func (r *recordedBody) body() []byte {
	switch {
	case r.Body != nil:
		var buf bytes.Buffer
		if err := json.Compact(&buf, r.Body); err != nil {
			return r.Body
		}
		return buf.Bytes()
	case r.Text != "":
		return []byte(r.Text)
	}
	return r.Base64
}

// wire returns the body as it went over the wire: compressed again when
// it was sent compressed.
func (r *recordedBody) wire() []byte {
	b := r.body()
	if !r.Gzip {
		return b
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b) // a bytes.Buffer does not fail
	_ = zw.Close()
	return buf.Bytes()
}

// isText reports whether b is UTF-8 without control characters other than
// tab, CR and LF.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < ' ' && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return false
		}
	}
	return true
}

// response builds a fresh *http.Response for req from the recorded answer.
func (r *recordedResponse) response(req *http.Request) *http.Response {
	body := r.wire()
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{
		Status:        strconv.Itoa(r.Status) + " " + http.StatusText(r.Status),
		StatusCode:    r.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// encodeExchange writes an exchange as an indented JSON file.
func encodeExchange(ex exchange) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ex); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeExchange reads a file written by encodeExchange.
func decodeExchange(b []byte) (exchange, error) {
	var ex exchange
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ex); err != nil {
		return exchange{}, err
	}
	if dec.More() {
		return exchange{}, errors.New("data after the exchange")
	}
	switch {
	case ex.Request.Method == "" || ex.Request.Path == "":
		return exchange{}, errors.New("the request has no method or path")
	case ex.Response.Status < 100 || ex.Response.Status > 999:
		return exchange{}, fmt.Errorf("status %d is not an HTTP status", ex.Response.Status)
	}
	return ex, nil
}
