package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// pair is one Name=Value argument.
type pair struct{ name, value string }

type pairs []pair

// parsePairs reads Name=Value arguments. The name is everything before the
// first '=', and must not be empty; the value may be empty or hold more '='.
func parsePairs(args []string) (pairs, error) {
	out := make(pairs, 0, len(args))
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not Name=Value", a)
		}
		if name = strings.TrimSpace(name); name == "" {
			return nil, errors.New("a Name=Value pair has an empty name")
		}
		out = append(out, pair{name, value})
	}
	return out, nil
}

// jsonBody types the values as psrun does: integers and true/false as JSON
// numbers and booleans, everything else as strings. Later pairs win.
func (ps pairs) jsonBody() map[string]any {
	body := make(map[string]any, len(ps))
	for _, p := range ps {
		body[p.name] = typedValue(p.value)
	}
	return body
}

func typedValue(v string) any {
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && (v == "0" || (v[0] != '0' && v[0] != '+' && !strings.HasPrefix(v, "-0"))) {
		return n
	}
	return v
}
