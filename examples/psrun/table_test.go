package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrintTable(t *testing.T) {
	t.Parallel()
	o := &options{separator: "\t"}
	for in, want := range map[string]string{
		`[{"B":1,"A":"x"},{"A":null,"C":[1, 2]}]`: "B\tA\tC\n1\tx\t\n\t\t[1,2]\n",
		`{"Z":true,"A":{"k": "v"}}`:               "Z\tA\ntrue\t{\"k\":\"v\"}\n",
		`"a password"`:                            "a password\n",
		`[1,"two",{"K":3}]`:                       "1\ntwo\nK\n3\n",
		`[]`:                                      "",
		`not json`:                                "not json\n",
		"  42\n":                                  "42\n",
	} {
		var b bytes.Buffer
		require.NoError(t, printTable(&b, []byte(in), o), in)
		assert.Equal(t, want, b.String(), in)
	}
}

// FuzzPrintTable: any answer prints without panicking; an array of
// objects prints a header and a line per object (when no value holds a
// newline).
func FuzzPrintTable(f *testing.F) {
	for _, s := range []string{`[{"a":1},{"b":"x"}]`, `{"a":[1,{"b":2}]}`, `"x"`, `[1,2]`, `{`, `[{}]`, `null`, "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var b bytes.Buffer
		if err := printTable(&b, raw, &options{separator: "\t"}); err != nil {
			t.Fatal(err)
		}
		var objs []map[string]json.RawMessage
		if json.Unmarshal(raw, &objs) != nil || len(objs) == 0 || bytes.ContainsAny(raw, "\\\n\r") {
			return
		}
		for _, o := range objs {
			if o == nil {
				return // a null among the objects prints as a scalar
			}
		}
		if n := strings.Count(b.String(), "\n"); n != len(objs)+1 {
			t.Fatalf("%q: %d lines for %d objects:\n%s", raw, n, len(objs), b.String())
		}
	})
}
