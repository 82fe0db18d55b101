package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseForTest(t *testing.T, args ...string) (options, retrieveOptions, []string, error) {
	t.Helper()
	var (
		o options
		r retrieveOptions
	)
	global, retrieve := flagSets(&o, &r)
	rest, err := parseArgs(args, global, retrieve)
	return o, r, rest, err
}

func TestParseArgsFlagsAnywhere(t *testing.T) {
	t.Parallel()
	o, r, rest, err := parseForTest(t,
		"-v", "HOST", "--quote", "KEY", "-separator", ",", "USER", "RetrievePassword",
		"-duration", "5", "web01", "--reason=cli test", "root", "-keep", "-reuse", "-type=dsskey", "-timeout", "1m")
	require.NoError(t, err)
	assert.Equal(t, []string{"HOST", "KEY", "USER", "RetrievePassword", "web01", "root"}, rest)
	assert.True(t, o.verbose)
	assert.True(t, o.quote)
	assert.Equal(t, ",", o.separator)
	assert.Equal(t, time.Minute, o.timeout)
	assert.Equal(t, retrieveOptions{duration: 5, reason: "cli test", keep: true, reuse: true, credType: "dsskey"}, r)
}

func TestParseArgsDefaults(t *testing.T) {
	t.Parallel()
	o, r, rest, err := parseForTest(t, "HOST", "-", "USER", "GET", "AccessLevels", "a=-1")
	require.NoError(t, err)
	assert.Equal(t, []string{"HOST", "-", "USER", "GET", "AccessLevels", "a=-1"}, rest, `"-" and pairs are positional`)
	assert.Equal(t, options{separator: "\t", timeout: 5 * time.Minute}, o)
	assert.Equal(t, retrieveOptions{duration: 10, reason: "psrun RetrievePassword", credType: "password"}, r)
}

func TestParseArgsDoubleDashEndsFlags(t *testing.T) {
	t.Parallel()
	o, _, rest, err := parseForTest(t, "-quote", "HOST", "--", "-v", "USER", "--", "-x=1")
	require.NoError(t, err)
	assert.True(t, o.quote)
	assert.False(t, o.verbose, "-v after -- is an argument")
	assert.Equal(t, []string{"HOST", "-v", "USER", "--", "-x=1"}, rest)
}

func TestParseArgsValues(t *testing.T) {
	t.Parallel()
	// A value flag takes the next argument whatever it looks like; a
	// boolean one takes a value only after "=".
	o, r, rest, err := parseForTest(t, "-reason", "-v", "-filter=", "-quote=false", "--json=true", "-duration=-3", "X")
	require.NoError(t, err)
	assert.Equal(t, "-v", r.reason)
	assert.False(t, o.verbose)
	assert.False(t, o.quote)
	assert.True(t, o.json)
	assert.Equal(t, -3, r.duration, "range checks come later, with the command")
	assert.Equal(t, []string{"X"}, rest)
}

func TestParseArgsErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"HOST", "--nope=1"}, "flag provided but not defined: -nope"},
		{[]string{"HOST", "-duration"}, "flag needs an argument: -duration"},
		{[]string{"-duration", "five"}, `invalid value "five" for flag -duration`},
		{[]string{"-keep=maybe"}, `invalid value "maybe" for flag -keep`},
		{[]string{"---quote"}, "bad flag syntax: ---quote"},
		{[]string{"-=x"}, "bad flag syntax: -=x"},
	}
	for _, tc := range cases {
		_, _, _, err := parseForTest(t, tc.args...)
		assert.ErrorContains(t, err, tc.want, tc.args)
	}
	for _, h := range []string{"-h", "--help", "-help"} {
		_, _, _, err := parseForTest(t, "HOST", h)
		assert.ErrorIs(t, err, flag.ErrHelp, h)
	}
}

func TestHelpPrintsBothFlagSets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, h := range []string{"-h", "--help", "-help"} {
		out, errs, code := f.runRaw("HOST", h)
		assert.Equal(t, 0, code)
		assert.Empty(t, errs, "help asked for goes to stdout")
		for _, want := range []string{"usage: psrun", "-- ends them", "-separator", "RetrievePassword flags",
			"-reuse", "ConflictOption reuse", "-type credential", "dsskey", "-keep", "-duration minutes",
			"-e command", "-cert file", "-certpass password", "-sf", "PSRUN_PASSWORD"} {
			assert.Contains(t, out, want)
		}
		for _, sc := range shortCommands() {
			assert.Contains(t, out, "\n  "+sc.name, "--help lists every short command")
			assert.Contains(t, out, "calls "+sc.api)
		}
	}
}

// TestBaseURL: a bare host, with or without a port, is https with the
// SDK's default API path; a full URL is used as given.
func TestBaseURL(t *testing.T) {
	t.Parallel()
	cases := []struct{ host, want string }{
		{"127.0.0.1", "https://127.0.0.1/BeyondTrust/api/public/v3/"},
		{"vault.example.com", "https://vault.example.com/BeyondTrust/api/public/v3/"},
		{"vault.example.com:8443", "https://vault.example.com:8443/BeyondTrust/api/public/v3/"},
		{"vault.example.com/", "https://vault.example.com/BeyondTrust/api/public/v3/"},
		{"::1", "https://[::1]/BeyondTrust/api/public/v3/"},
		{"[::1]:8443", "https://[::1]:8443/BeyondTrust/api/public/v3/"},
		{"https://vault.example.com", "https://vault.example.com/BeyondTrust/api/public/v3/"},
		{"https://vault.example.com/custom/api", "https://vault.example.com/custom/api/"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/BeyondTrust/api/public/v3/"},
		{"http://127.0.0.1:8080/BeyondTrust/api/public/v3/", "http://127.0.0.1:8080/BeyondTrust/api/public/v3/"},
	}
	for _, tc := range cases {
		c, err := newClient(tc.host, "key", "user", &options{}, io.Discard, func(string) string { return "" })
		require.NoError(t, err, tc.host)
		assert.Equal(t, tc.want, c.BaseURL().String(), tc.host)
	}
	for _, bad := range []string{"", "vault.example.com/custom", "user@vault.example.com", "vault.example.com?x=1", "ftp://vault.example.com", "http://vault.example.com"} {
		_, err := newClient(bad, "key", "user", &options{}, io.Discard, func(string) string { return "" })
		assert.Error(t, err, bad)
	}
}

// FuzzParseArgs: never panics; what it returns as positional is a
// subsequence of the arguments, and arguments that cannot be flags all are.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{
		"HOST KEY USER GET AccessLevels -quote", "-v HOST -- -x", "-duration", "-duration -5 a",
		"--separator=, a b", "- -keep=false", "---x", "-=", "-h", "a=-1 -type dsskey",
		"-i -sf -v h k u ListRoles", "-e 'a b' h", "-cert c.pem -certpass x h k u", "h k u RetrievePassword 1 2 r 25 -p",
		"-insecure=false -i", "-p=false -keep", "-reason -p h", "-e -i h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		o, r, rest, err := parseForTest(t, args...)
		if err != nil {
			return
		}
		// The last of -i and -insecure, and of -p and -keep, wins: each
		// pair is one setting.
		var oo options
		var rr retrieveOptions
		g, rs := flagSets(&oo, &rr)
		last := func(names ...string) (set, val bool) {
			for i := 0; i < len(args); i++ {
				a := args[i]
				if a == "--" {
					break
				}
				name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
				if _, f := lookupFlag(name, []*flag.FlagSet{g, rs}); f != nil && !isBool(f) && !hasValue && strings.HasPrefix(a, "-") {
					i++ // its value, whatever it looks like
					continue
				}
				for _, n := range names {
					switch a {
					case "-" + n, "--" + n, "-" + n + "=true", "--" + n + "=true":
						set, val = true, true
					case "-" + n + "=false", "--" + n + "=false":
						set, val = true, false
					}
				}
			}
			return set, val
		}
		if set, val := last("i", "insecure"); set && o.insecure != val {
			t.Fatalf("%q: insecure %v", args, o.insecure)
		}
		if set, val := last("p", "keep"); set && r.keep != val {
			t.Fatalf("%q: keep %v", args, r.keep)
		}
		i := 0
		for _, a := range args {
			if i < len(rest) && a == rest[i] {
				i++
			}
		}
		if i != len(rest) {
			t.Fatalf("%q: positional %q is not a subsequence", args, rest)
		}
		plain := 0
		for _, a := range args {
			if len(a) < 2 || a[0] != '-' {
				plain++
			}
		}
		if !slices.Contains(args, "--") && plain > len(rest)+countValues(args) {
			t.Fatalf("%q: positional %q lost an argument", args, rest)
		}
	})
}

// countValues counts the arguments that may have been taken as a flag's
// value: each one following a flag.
func countValues(args []string) int {
	n := 0
	for i := 1; i < len(args); i++ {
		if p := args[i-1]; len(p) > 1 && p[0] == '-' {
			n++
		}
	}
	return n
}
