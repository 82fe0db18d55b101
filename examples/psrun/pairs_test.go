package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePairsTypesBodyValues(t *testing.T) {
	t.Parallel()
	ps, err := parsePairs([]string{"SystemId=1", "AccountId=12", "DurationMinutes=30", "Reason=Just to test request",
		"RotateOnCheckin=false", "Big=true", "Zip=007", "Neg=-5", "Expr=a=b", "Empty="})
	require.NoError(t, err)
	b, err := json.Marshal(ps.jsonBody())
	require.NoError(t, err)
	assert.JSONEq(t, `{"SystemId":1,"AccountId":12,"DurationMinutes":30,"Reason":"Just to test request",
		"RotateOnCheckin":false,"Big":true,"Zip":"007","Neg":-5,"Expr":"a=b","Empty":""}`, string(b))
}

func TestAddQueryEscapes(t *testing.T) {
	t.Parallel()
	ps, err := parsePairs([]string{"name=a b&c", "state=1,2"})
	require.NoError(t, err)
	assert.Equal(t, "Aliases?name=a+b%26c&state=1%2C2", addQuery("Aliases", ps))
	assert.Equal(t, "Sessions?x=1&name=a+b%26c&state=1%2C2", addQuery("Sessions?x=1", ps))
}

func TestParseUser(t *testing.T) {
	t.Parallel()
	good := []struct{ in, name, pwd string }{
		{"cli", "cli", ""},
		{"cli;pwd=[Password1]", "cli", "Password1"},
		{"cli; pwd=[Pa;ss=w];", "cli", "Pa;ss=w"},
		{"cli;", "cli", ""},
	}
	for _, tc := range good {
		name, pwd, err := parseUser(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.name, name, tc.in)
		assert.Equal(t, tc.pwd, pwd, tc.in)
	}
	for _, in := range []string{"", ";pwd=[x]", "cli;password=x", "cli;pwd=[]", "cli;pwd=[open"} {
		_, _, err := parseUser(in)
		assert.Error(t, err, in)
	}
}

// FuzzParsePairs: never panics; every accepted pair has a non-empty name,
// the trimmed text before the first '=', the value is all after it, and the
// typed body encodes.
func FuzzParsePairs(f *testing.F) {
	for _, s := range []string{"a=b", "SystemId=1", "x=", "=x", "noequals", "a==b", "n=-0", "n=007", "b=true", "k=\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		ps, err := parsePairs([]string{arg})
		if err != nil {
			return
		}
		require.Len(t, ps, 1)
		p := ps[0]
		if p.name == "" {
			t.Fatalf("accepted an empty name from %q", arg)
		}
		before, after, _ := strings.Cut(arg, "=")
		if p.name != strings.TrimSpace(before) || p.value != after {
			t.Fatalf("%q split as %q = %q", arg, p.name, p.value)
		}
		if _, err := json.Marshal(ps.jsonBody()); err != nil {
			t.Fatalf("body of %q does not encode: %v", arg, err)
		}
	})
}
