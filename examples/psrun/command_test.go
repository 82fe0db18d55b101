package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseLine(t *testing.T, line ...string) (*command, retrieveOptions, error) {
	t.Helper()
	var (
		o options
		r retrieveOptions
	)
	global, retrieve := flagSets(&o, &r)
	cmd, err := readCommandLine(line, &o, &r, global, retrieve)
	return cmd, r, err
}

// TestParseRetrievePasswordPositional: psrun2's positional parameters
// land where psrun's flags put them, each optional after Account, in
// order.
func TestParseRetrievePasswordPositional(t *testing.T) {
	t.Parallel()
	def := retrieveOptions{duration: 10, reason: "psrun RetrievePassword", credType: "password"}
	for _, tc := range []struct {
		args []string
		want retrieveOptions
	}{
		{[]string{"web01", "root"}, def},
		{[]string{"web01", "root", "why"}, retrieveOptions{duration: 10, reason: "why", credType: "password"}},
		{[]string{"web01", "root", "why", "25"}, retrieveOptions{duration: 25, reason: "why", credType: "password"}},
		{[]string{"web01", "root", "why", "25", "DSSKEY"}, retrieveOptions{duration: 25, reason: "why", credType: "dsskey"}},
		{[]string{"web01", "root", "why", "25", "password", "DoNotRelease"}, retrieveOptions{duration: 25, reason: "why", credType: "password", keep: true}},
		{[]string{"web01", "root", "why", "passphrase"}, retrieveOptions{duration: 10, reason: "why", credType: "passphrase"}},
		{[]string{"web01", "root", "why", "donotrelease"}, retrieveOptions{duration: 10, reason: "why", credType: "password", keep: true}},
		{[]string{"web01", "root", "why", "25", "-p"}, retrieveOptions{duration: 25, reason: "why", credType: "password", keep: true}},
		{[]string{"web01", "root", "12"}, retrieveOptions{duration: 10, reason: "12", credType: "password"}}, // the third is the Reason
		{[]string{"-duration", "7", "-type", "dsskey", "-keep", "web01", "root", "why"}, retrieveOptions{duration: 7, reason: "why", credType: "dsskey", keep: true}},
	} {
		line := append([]string{"h", "k", "u", "RetrievePassword"}, tc.args...)
		cmd, r, err := parseLine(t, line...)
		require.NoError(t, err, "%q", tc.args)
		assert.Equal(t, "RetrievePassword", cmd.name)
		assert.NotNil(t, cmd.run)
		assert.Equal(t, tc.want, r, "%q", tc.args)
	}
	// A value given both ways is refused: neither silently wins.
	for flag, args := range map[string][]string{
		"-reason":   {"-reason", "flag", "web01", "root", "why"},
		"-duration": {"-duration", "5", "web01", "root", "why", "6"},
		"-type":     {"-type", "dsskey", "web01", "root", "why", "passphrase"},
	} {
		_, _, err := parseLine(t, append([]string{"h", "k", "u", "RetrievePassword"}, args...)...)
		assert.EqualError(t, err, "RetrievePassword: "+flag+" and the positional value both set it: give it once")
	}
	// -keep with DoNotRelease says the same thing twice: accepted.
	_, r, err := parseLine(t, "h", "k", "u", "RetrievePassword", "-keep", "web01", "root", "why", "DoNotRelease")
	require.NoError(t, err)
	assert.True(t, r.keep)
}

func TestParseAccountRef(t *testing.T) {
	t.Parallel()
	ref, err := parseAccountRef("web01", "root")
	require.NoError(t, err)
	assert.Equal(t, accountRef{system: "web01", account: "root"}, ref)
	assert.False(t, ref.byID())
	ref, err = parseAccountRef("1", "11")
	require.NoError(t, err)
	assert.Equal(t, accountRef{systemID: 1, accountID: 11}, ref)
	assert.True(t, ref.byID())
	ref, err = parseAccountRef(`db01\inst`, "sa")
	require.NoError(t, err)
	assert.Equal(t, `db01\inst`, ref.system, "DatabaseName\\InstanceName as it is")
	for _, bad := range [][2]string{{"1", "root"}, {"web01", "11"}, {"0", "11"}, {"1", "0"}, {"1", "99999999999"}, {"", "root"}, {"web01", " "}} {
		_, err := parseAccountRef(bad[0], bad[1])
		assert.Error(t, err, "%q", bad)
	}
}

// TestParseShortCommandParameters: each short command's parameters are
// checked before anything is sent.
func TestParseShortCommandParameters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // "" accepted
	}{
		{[]string{"ListAssets", "BeyondTrust Workgroup"}, ""},
		{[]string{"ListAssets", "3", "10", "0"}, ""},
		{[]string{"ListAssets", "3", "0"}, `ListAssets: Limit "0": want a whole number from 1 to 2147483647`},
		{[]string{"ListAssets", "3", "10", "--", "-1"}, `ListAssets: Offset "-1": want a whole number from 0 to 2147483647`},
		{[]string{"ListAssets", " "}, "ListAssets: Workgroup is empty"},
		{[]string{"ListAssets", "0"}, `ListAssets: Workgroup "0": want a whole number from 1 to 2147483647`},
		{[]string{"ListSystems", "x"}, `ListSystems: Limit "x": want a whole number`},
		{[]string{"ListAccounts", "5", "y"}, `ListAccounts: Offset "y": want a whole number`},
		{[]string{"ListGroupMembership", "Incident Response"}, ""},
		{[]string{"ListGroupMembership", ""}, "ListGroupMembership: Group is empty"},
		{[]string{"Request", "web01", "root", "why", "600000"}, `Request: DurationMinutes "600000": want a whole number from 1 to 525600`},
		{[]string{"Request", "web01", "root", "why", "5", "dsskey"}, "Request takes 2 to 4"},
		{[]string{"Request", "web01", "root", "why", "dsskey"}, `Request: unexpected "dsskey" after Reason: want [DurationMinutes], in that order`},
		{[]string{"ISARequests", "1", "11", "why", "5", "passphrase"}, ""},
		{[]string{"ISARequests", "1", "11", "why", "DoNotRelease"}, `ISARequests: unexpected "DoNotRelease" after Reason: want [DurationMinutes] [Type], in that order`},
		{[]string{"Retrieve", "12", "totp"}, `Retrieve: unknown Type "totp": want password, dsskey or passphrase`},
		{[]string{"Retrieve", "x"}, `Retrieve: RequestID "x": want a whole number`},
		{[]string{"Release", "12", "a reason"}, ""},
		{[]string{"Release", "twelve"}, `Release: RequestID "twelve": want a whole number`},
		{[]string{"Release", "-3"}, "flag provided but not defined: -3"},
		{[]string{"RetrieveSecret", "a/b"}, ""},
		{[]string{"ListRoles"}, ""},
	} {
		_, _, err := parseLine(t, append([]string{"h", "k", "u"}, tc.args...)...)
		if tc.want == "" {
			assert.NoError(t, err, "%q", tc.args)
		} else {
			assert.ErrorContains(t, err, tc.want, "%q", tc.args)
		}
	}
}

func TestIsMethodAndLooksLikeMethod(t *testing.T) {
	t.Parallel()
	for _, m := range []string{"GET", "get", "Put", "POST", "delete"} {
		assert.True(t, isMethod(m), m)
	}
	for _, m := range []string{"PATCH", "HEAD", "GETS", "", "G"} {
		assert.False(t, isMethod(m), m)
	}
	for _, m := range []string{"PATCH", "OPTIONS", "X"} {
		assert.True(t, looksLikeMethod(m), m)
	}
	for _, m := range []string{"ListRoles", "Patch", "G=T", "", "GET1"} {
		assert.False(t, looksLikeMethod(m), m)
	}
}

// FuzzParseCommand: psrun reads any command line without panicking, and
// what it accepts is a method call or a known short command, ready to run.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"h k u GET AccessLevels", "h k u get A a=1", "h k u PATCH x", "h k u RetrievePassword web01 root why 25 password DoNotRelease",
		"h k u RetrievePassword 1 11 why 25 -p", "h k u ListAssets 1 2 3", "h k u listroles", "h k GET Requests",
		"h k u Request 1 root", "h k u Retrieve 0", "h k u ISARequests a b c 5 dsskey", "-keep h k u ListRoles",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cmd, _, err := parseLine(t, strings.Fields(line)...)
		if err != nil {
			if cmd != nil {
				t.Fatalf("%q: a command and an error", line)
			}
			return
		}
		if cmd.run == nil {
			t.Fatalf("%q: accepted without an action", line)
		}
		if !isMethod(cmd.name) && lookupShort(cmd.name) == nil {
			t.Fatalf("%q: accepted %q, neither a method nor a short command", line, cmd.name)
		}
	})
}
