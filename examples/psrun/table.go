package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// field is one member of a JSON object, kept in the server's order.
type field struct {
	key string
	val json.RawMessage
}

// printTable prints a JSON answer the psrun way: an array of objects or one
// object as a header line of field names (in the server's order) and one
// line per record; any other value alone on a line.
func printTable(w io.Writer, raw []byte, o *options) error {
	raw = bytes.TrimSpace(raw)
	if !json.Valid(raw) {
		// Not JSON (a text answer): print it as it came.
		_, err := w.Write(append(raw, '\n'))
		return err
	}
	// raw is valid JSON from here on: decoding it cannot fail.
	var records [][]field
	var scalars []json.RawMessage
	switch raw[0] {
	case '{':
		records = append(records, orderedFields(raw))
	case '[':
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		for _, it := range items {
			if it[0] == '{' {
				records = append(records, orderedFields(it))
			} else {
				scalars = append(scalars, it)
			}
		}
	default:
		scalars = append(scalars, raw)
	}

	var b strings.Builder
	for _, s := range scalars {
		b.WriteString(cell(s))
		b.WriteByte('\n')
	}
	if len(records) > 0 {
		cols := columns(records, o.filter)
		if !o.noHeaders {
			writeRow(&b, cols, o)
		}
		row := make([]string, len(cols))
		for _, rec := range records {
			for i, c := range cols {
				row[i] = lookup(rec, c)
			}
			writeRow(&b, row, o)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// columns is the union of the records' keys in order of first appearance,
// or the -filter list.
func columns(records [][]field, filter string) []string {
	if filter != "" {
		var cols []string
		for _, c := range strings.Split(filter, ",") {
			if c = strings.TrimSpace(c); c != "" {
				cols = append(cols, canonical(records, c))
			}
		}
		return cols
	}
	seen := map[string]bool{}
	var cols []string
	for _, rec := range records {
		for _, f := range rec {
			if !seen[f.key] {
				seen[f.key] = true
				cols = append(cols, f.key)
			}
		}
	}
	return cols
}

// canonical returns the server's spelling of a -filter column, matched
// without regard to case (the API itself ignores case).
func canonical(records [][]field, c string) string {
	for _, rec := range records {
		for _, f := range rec {
			if strings.EqualFold(f.key, c) {
				return f.key
			}
		}
	}
	return c
}

func lookup(rec []field, key string) string {
	for _, f := range rec {
		if f.key == key {
			return cell(f.val)
		}
	}
	return ""
}

func writeRow(b *strings.Builder, row []string, o *options) {
	for i, v := range row {
		if i > 0 {
			b.WriteString(o.separator)
		}
		if o.quote {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(v, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(v)
		}
	}
	b.WriteByte('\n')
}

// cell renders one JSON value: strings unquoted, null empty, numbers and
// booleans as written, nested values as compact JSON.
func cell(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	case '{', '[':
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			return buf.String()
		}
	}
	return string(v)
}

// orderedFields decodes one JSON object, valid JSON, keeping its members'
// order, which encoding/json's maps lose.
func orderedFields(raw []byte) []field {
	dec := json.NewDecoder(bytes.NewReader(raw))
	_, _ = dec.Token() // {
	var out []field
	for dec.More() {
		t, _ := dec.Token()
		key, _ := t.(string) // in an object the decoder gives keys as strings
		var val json.RawMessage
		_ = dec.Decode(&val)
		out = append(out, field{key, val})
	}
	return out
}
