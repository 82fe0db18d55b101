package passwordsafetest

import (
	"bytes"
	"encoding/json"
	"io"
)

// jsonValue is a string or number of a JSON document, as rewriteJSON
// hands it over.
type jsonValue struct {
	keys []string // the names of the fields it sits under, outermost first (an array's elements sit under the array's)
	top  bool     // the value is the whole document
	str  bool     // a string; else a number
	text string   // the string's value, or the number as written
}

// rewriteJSON rewrites a JSON document's object keys with key (nil keeps
// them) and its strings and numbers with value, which returns the new
// text and whether it is written as a JSON string (a number may become
// one). The result is compact and keeps the document's order; booleans
// and nulls are kept.
func rewriteJSON(doc []byte, key func(string) string, value func(jsonValue) (string, bool)) (json.RawMessage, error) {
	type frame struct {
		obj, first, wantKey bool
		key                 string
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out bytes.Buffer
	var stack []frame
	top := func() *frame {
		if len(stack) == 0 {
			return nil
		}
		return &stack[len(stack)-1]
	}
	keys := func() []string {
		var ks []string
		for _, f := range stack {
			if f.obj {
				ks = append(ks, f.key)
			}
		}
		return ks
	}
	beforeValue := func() {
		if f := top(); f != nil && !f.obj {
			if !f.first {
				out.WriteByte(',')
			}
			f.first = false
		}
	}
	afterValue := func() {
		if f := top(); f != nil && f.obj {
			f.wantKey = true
		}
	}
	writeString := func(v string) {
		out.WriteByte('"')
		out.WriteString(jsonEscape(v))
		out.WriteByte('"')
	}
	scalar := func(str bool, text string) {
		beforeValue()
		t, asString := value(jsonValue{keys: keys(), top: len(stack) == 0, str: str, text: text})
		if asString {
			writeString(t)
		} else {
			out.WriteString(t)
		}
		afterValue()
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF && len(stack) == 0 {
			break
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				beforeValue()
				out.WriteByte(byte(t))
				stack = append(stack, frame{obj: t == '{', first: true, wantKey: t == '{'})
			default:
				out.WriteByte(byte(t))
				stack = stack[:len(stack)-1]
				afterValue()
			}
		case string:
			if f := top(); f != nil && f.obj && f.wantKey {
				if !f.first {
					out.WriteByte(',')
				}
				f.first, f.wantKey, f.key = false, false, t
				if key != nil {
					t = key(t)
				}
				writeString(t)
				out.WriteByte(':')
				continue
			}
			scalar(true, t)
		case json.Number:
			scalar(false, t.String())
		case bool:
			beforeValue()
			if t {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
			afterValue()
		case nil:
			beforeValue()
			out.WriteString("null")
			afterValue()
		}
	}
	return json.RawMessage(out.Bytes()), nil
}

// jsonEscape is v as it appears between the quotes of a JSON string,
// without HTML escapes.
func jsonEscape(v string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a string always encodes
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return string(b[1 : len(b)-1])
}
