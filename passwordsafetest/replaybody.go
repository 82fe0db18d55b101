package passwordsafetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// bodyDiff compares the body a call sent with the recorded one and lists
// how they differ (nil: they say the same). See Replayer.
func (p *Replayer) bodyDiff(rec recordedRequest, req *http.Request, sent []byte) []string {
	if p.cfg.ignoreBodies || strings.Contains(strings.ToLower(rec.Path), "/auth/") {
		return nil
	}
	live := bodyBytes(sent)
	d := &differ{p: p}
	switch {
	case rec.Body != nil:
		d.json("", rec.Body, live)
	case rec.Text != "" || rec.Base64 != nil:
		d.text(rec, req.Header, live)
	case len(live) > 0:
		d.add("the body", "nothing", "a body of "+strconv.Itoa(len(live))+" bytes")
	}
	return d.out
}

// differ collects the differences between a recorded body and a sent one.
type differ struct {
	p   *Replayer
	out []string
}

func (d *differ) add(where, rec, live string) {
	d.out = append(d.out, where+": recorded "+rec+", sent "+live)
}

// json compares a recorded JSON document with the bytes sent.
func (d *differ) json(where string, rec json.RawMessage, live []byte) {
	rv, err := decodeAny(rec)
	if err != nil {
		d.add(or(where, "the body"), "JSON", "a recording that does not read")
		return
	}
	lv, err := decodeAny(live)
	if err != nil {
		d.add(or(where, "the body"), "JSON", "a body that is not JSON")
		return
	}
	d.value(where, rv, lv, false)
}

func decodeAny(b []byte) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the document")
	}
	return v, nil
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// value compares two decoded JSON values; secret says they sit under a
// secret's field, whose values are never compared nor shown.
func (d *differ) value(where string, rec, live any, secret bool) {
	if secret {
		return
	}
	switch r := rec.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			d.add(or(where, "the body"), "an object", describe(live))
			return
		}
		for _, k := range sortedKeys(r, l) {
			if d.p.cfg.ignoreFields[strings.ToLower(k)] {
				continue
			}
			rv, rok := r[k]
			lv, lok := l[k]
			at := strings.TrimPrefix(where+"."+k, ".")
			switch {
			case rok && lok:
				d.value(at, rv, lv, secretKeyKind(k, callRoute{secretsSafe: true}) != "")
			case rok && !isEmpty(rv):
				d.add(at, describe(rv), "nothing")
			case lok && !isEmpty(lv):
				d.add(at, "nothing", describeField(k, lv))
			}
		}
	case []any:
		l, ok := live.([]any)
		if !ok {
			d.add(or(where, "the body"), "a list", describe(live))
			return
		}
		if len(r) != len(l) {
			d.add(or(where, "the body"), fmt.Sprintf("%d elements", len(r)), fmt.Sprintf("%d", len(l)))
		}
		for i := 0; i < len(r) && i < len(l); i++ {
			d.value(fmt.Sprintf("%s[%d]", where, i), r[i], l[i], false)
		}
	case string:
		if !d.p.match(r, scalarText(live)) {
			d.add(or(where, "the body"), describe(rec), describe(live))
		}
	case json.Number:
		l, ok := live.(json.Number)
		if !ok || !sameNumber(r, l) {
			d.add(or(where, "the body"), describe(rec), describe(live))
		}
	default: // bool, null
		if rec != live {
			d.add(or(where, "the body"), describe(rec), describe(live))
		}
	}
}

// sortedKeys lists the keys of both maps, once each, sorted.
func sortedKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// isEmpty reports whether a JSON value says nothing: null or "".
func isEmpty(v any) bool { return v == nil || v == "" }

// scalarText is a sent string or number as text, so that a placeholder
// recorded for a password of digits matches the number sent.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return "\x00not a scalar"
}

func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	fa, errA := strconv.ParseFloat(string(a), 64)
	fb, errB := strconv.ParseFloat(string(b), 64)
	return errA == nil && errB == nil && fa == fb
}

// describe shows a JSON value in a difference, cut short.
func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	b, _ := json.Marshal(v)
	if r := []rune(string(b)); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return string(b)
}

// describeField shows a sent field's value, unless its name says it is a
// secret.
func describeField(name string, v any) string {
	if secretKeyKind(name, callRoute{secretsSafe: true}) != "" {
		return "a value"
	}
	return describe(v)
}

// text compares a recorded body that is not JSON with the bytes sent:
// forms by parameter, multipart bodies by part, anything else whole.
func (d *differ) text(rec recordedRequest, h http.Header, live []byte) {
	recorded := rec.body()
	ct, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	_, recParams, _ := mime.ParseMediaType(rec.Header.Get("Content-Type"))
	switch {
	case ct == "application/x-www-form-urlencoded":
		d.form(string(recorded), string(live))
	case strings.HasPrefix(ct, "multipart/") && params["boundary"] != "" && recParams["boundary"] != "":
		d.multipart(recorded, recParams["boundary"], live, params["boundary"])
	case !d.p.match(string(bytes.TrimSpace(recorded)), string(live)):
		d.add("the body", fmt.Sprintf("%d bytes", len(recorded)), fmt.Sprintf("%d bytes that differ", len(live)))
	}
}

// form compares two forms parameter by parameter.
func (d *differ) form(rec, live string) {
	r, l := lowerQuery(rec), lowerQuery(live)
	for _, k := range sortedKeys(r, l) {
		if d.p.cfg.ignoreFields[k] || secretKeyKind(k, callRoute{}) != "" {
			continue
		}
		rv, lv := strings.Join(r[k], ","), strings.Join(l[k], ",")
		if !d.p.match(rv, lv) {
			d.add(k, strconv.Quote(rv), strconv.Quote(lv))
		}
	}
}

// multipart compares two multipart bodies part by part: by name, and by
// content (JSON as JSON).
func (d *differ) multipart(rec []byte, recBoundary string, live []byte, liveBoundary string) {
	rp, errR := readParts(rec, recBoundary)
	lp, errL := readParts(live, liveBoundary)
	if errR != nil || errL != nil {
		d.add("the body", "a multipart body", "one that does not read")
		return
	}
	if len(rp) != len(lp) {
		d.add("the body", fmt.Sprintf("%d parts", len(rp)), fmt.Sprintf("%d", len(lp)))
	}
	for i := 0; i < len(rp) && i < len(lp); i++ {
		where := "part " + strconv.Quote(rp[i].name)
		switch {
		case rp[i].name != lp[i].name:
			d.add(fmt.Sprintf("part %d", i+1), strconv.Quote(rp[i].name), strconv.Quote(lp[i].name))
		case json.Valid(rp[i].content):
			d.json(where, rp[i].content, lp[i].content)
		case !d.p.match(string(rp[i].content), string(lp[i].content)):
			d.add(where, fmt.Sprintf("%d bytes", len(rp[i].content)), fmt.Sprintf("%d bytes that differ", len(lp[i].content)))
		}
	}
}

type part struct {
	name    string
	content []byte
}

func readParts(body []byte, boundary string) ([]part, error) {
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	var out []part
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		out = append(out, part{p.FormName(), b})
	}
}

// lowerQuery reads a query or form with its names in lower case, as the
// server reads them.
func lowerQuery(raw string) url.Values {
	q, _ := url.ParseQuery(raw)
	out := url.Values{}
	for k, vs := range q {
		lk := strings.ToLower(k)
		out[lk] = append(out[lk], vs...)
	}
	return out
}
