package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/passwordsafe-go/passwordsafe"
)

// envCredential is the variable in which an -e command finds the
// credential psrun retrieved.
const envCredential = "PSRUN_PASSWORD"

// sink takes what a command prints: onto stdout, or, with -e, into the
// standard input of the command given.
type sink struct {
	stdout, stderr io.Writer
	command        []string // -e, split into words; nil: print
}

// deliver prints out, or runs the -e command with out on its stdin and
// cred ("" when the result is no credential) in $PSRUN_PASSWORD.
func (s *sink) deliver(out []byte, cred string) error {
	if s.command == nil {
		_, err := s.stdout.Write(out)
		return err
	}
	cmd := exec.Command(s.command[0], s.command[1:]...) //nolint:gosec // the user's own command, run without a shell
	cmd.Stdin = bytes.NewReader(out)
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	cmd.Env = childEnv(os.Environ(), cred)
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return fmt.Errorf("-e: %s exited with status %d", s.command[0], ee.ExitCode())
	case err != nil:
		// exec's errors name the program and why it did not start:
		// never the arguments or the environment.
		return fmt.Errorf("-e: %w", err)
	}
	return nil
}

// hiddenFromChild are the variables an -e command does not inherit: the
// credentials psrun signs in with are not the command's business.
var hiddenFromChild = []string{
	passwordsafe.EnvAPIKey, passwordsafe.EnvRunAsPassword, passwordsafe.EnvOAuthClientSecret, envCredential,
}

// childEnv is environ without psrun's own credentials, and with the
// credential retrieved in $PSRUN_PASSWORD when there is one.
func childEnv(environ []string, cred string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		hidden := false
		for _, h := range hiddenFromChild {
			hidden = hidden || strings.EqualFold(name, h)
		}
		if !hidden {
			out = append(out, kv)
		}
	}
	if cred != "" {
		out = append(out, envCredential+"="+cred)
	}
	return out
}

// errPlaceholder refuses psrun2's [Password] placeholder: substituted into
// the command line, the credential would show in every process list (and,
// through a shell, could break out of its quotes).
var errPlaceholder = errors.New("-e: [Password] would put the credential on the command line, where every local user " +
	"can see it: the command gets it in $" + envCredential + " and on its standard input " +
	"(-e 'sh -c \"mycommand --password=\\\"$" + envCredential + "\\\"\"')")

// splitCommand splits an -e command into words the way sh would, without
// expanding anything: blanks separate words; '...' is taken as it is;
// "..." too, but for \" \\ \$ and \` (and \ before a newline); a
// backslash outside quotes takes the next character as it is.
func splitCommand(s string) ([]string, error) {
	if strings.Contains(strings.ToLower(s), "[password]") {
		return nil, errPlaceholder
	}
	var (
		words   []string
		word    strings.Builder
		inWord  bool
		quote   byte // 0, '\'' or '"'
		escaped bool
	)
	// Byte by byte: every special character is ASCII, and the rest (even
	// bytes that are not UTF-8) is kept as it is.
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
			if quote == '"' && !strings.ContainsRune("\"\\$`\n", rune(c)) {
				word.WriteByte('\\')
			}
			if c != '\n' {
				word.WriteByte(c)
			}
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				word.WriteByte(c)
			}
		case c == '\\':
			escaped, inWord = true, true
		case quote == '"':
			if c == '"' {
				quote = 0
			} else {
				word.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	switch {
	case quote != 0:
		return nil, fmt.Errorf("-e: a %c quote is not closed", quote)
	case escaped:
		return nil, errors.New("-e: the command ends in a backslash")
	}
	if inWord {
		words = append(words, word.String())
	}
	if len(words) == 0 {
		return nil, errors.New("-e: the command is empty")
	}
	return words, nil
}
