package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitCommand(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"docker login -u me --password-stdin":    {"docker", "login", "-u", "me", "--password-stdin"},
		"  a\tb\nc  ":                            {"a", "b", "c"},
		`sh -c 'echo "$PSRUN_PASSWORD" | wc -c'`: {"sh", "-c", `echo "$PSRUN_PASSWORD" | wc -c`},
		`a "b c" 'd e' f\ g`:                     {"a", "b c", "d e", "f g"},
		`"" ''`:                                  {"", ""},
		`a"b"'c'd`:                               {"abcd"},
		`"\"\\\$\` + "`" + `\x"`:                 {`"\$` + "`" + `\x`},
		`'\"'`:                                   {`\"`},
		"a\\\nb":                                 {"ab"},
		`"a\` + "\n" + `b"`:                      {"ab"},
		`$HOME $(id) ;|&`:                        {"$HOME", "$(id)", ";|&"},
		`C:\\bin\\tool.exe`:                      {`C:\bin\tool.exe`},
	} {
		got, err := splitCommand(in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, want, got, "%q", in)
	}
	for in, msg := range map[string]string{
		"":                    "-e: the command is empty",
		" \t ":                "-e: the command is empty",
		`echo "x`:             `-e: a " quote is not closed`,
		`echo 'x`:             "-e: a ' quote is not closed",
		`echo x\`:             "-e: the command ends in a backslash",
		"echo [Password]":     errPlaceholder.Error(),
		"echo '[PASSWORD]'":   errPlaceholder.Error(),
		"login -p[password]x": errPlaceholder.Error(),
	} {
		_, err := splitCommand(in)
		assert.EqualError(t, err, msg, "%q", in)
	}
}

func TestChildEnv(t *testing.T) {
	t.Parallel()
	env := []string{"PATH=/bin", "PS_API_KEY=k", "ps_runas_password=p", "PS_OAUTH_CLIENT_SECRET=s", "PSRUN_PASSWORD=old", "PS_URL=u", "HOME=/h", "NOEQUALS"}
	assert.Equal(t, []string{"PATH=/bin", "PS_URL=u", "HOME=/h", "NOEQUALS", "PSRUN_PASSWORD=new=pw"}, childEnv(env, "new=pw"))
	assert.Equal(t, []string{"PATH=/bin", "PS_URL=u", "HOME=/h", "NOEQUALS"}, childEnv(env, ""), "no credential, no PSRUN_PASSWORD")
}

// shQuote quotes a word for splitCommand as sh would take it.
func shQuote(w string) string { return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'" }

// FuzzSplitCommand: never panics; words quoted as sh quotes them come
// back as they were; an unquoted word without quotes, backslashes or
// blanks comes back as it is.
func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{"a b", `a"b`, `'x'`, "a\\", "\"\\$\"", "\x00 \xff", "a|b c", "[password]", "it's"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitCommand(s)
		if err == nil && len(words) == 0 {
			t.Fatalf("%q: no words and no error", s)
		}
		parts := strings.Split(s, "|")
		var quoted []string
		for _, p := range parts {
			quoted = append(quoted, shQuote(p))
		}
		got, err := splitCommand(strings.Join(quoted, " "))
		if strings.Contains(strings.ToLower(s), "[password]") {
			if err == nil {
				t.Fatalf("%q: [Password] accepted", s)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q quoted: %v", s, err)
		}
		if strings.Join(got, "\x00") != strings.Join(parts, "\x00") || len(got) != len(parts) {
			t.Fatalf("%q: quoted words %q came back as %q", s, parts, got)
		}
	})
}
