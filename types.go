package passwordsafe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Ptr returns a pointer to v. It fills optional request fields:
//
//	opts := &passwordsafe.CreateRequestOptions{RotateOnCheckin: passwordsafe.Ptr(false)}
func Ptr[T any](v T) *T { return &v }

// Time is a timestamp as Password Safe writes it. The server is not consistent
// about its date layout, so Time accepts every layout the API has been seen to
// send: JSON null and "" (the zero time), RFC 3339 with or without a fraction,
// "2006-01-02T15:04:05[.fraction]" and "2006-01-02 15:04:05" without a zone
// (taken as UTC), "2006-01-02", and the legacy "/Date(1700000000000)/" and
// "/Date(1700000000000+0100)/" forms (milliseconds since the epoch; the offset
// does not shift the instant). It encodes as RFC 3339 in UTC, and the zero
// time as null.
type Time struct{ time.Time }

// UnmarshalJSON decodes any of the layouts listed on Time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if len(b) == 4 && string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return &timeError{value: b}
	}
	inner := b[1 : len(b)-1]
	if bytes.IndexByte(inner, '\\') >= 0 {
		// Escaped strings are rare enough to take the slow, exact path.
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return &timeError{value: b}
		}
		inner = []byte(s)
	}
	return t.parse(inner)
}

// MarshalJSON encodes t as an RFC 3339 string in UTC, or null when t is zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(time.RFC3339Nano)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// MarshalText encodes t as RFC 3339 in UTC, or as empty text when t is zero.
func (t Time) MarshalText() ([]byte, error) {
	if t.IsZero() {
		return []byte{}, nil
	}
	return t.UTC().AppendFormat(nil, time.RFC3339Nano), nil
}

// UnmarshalText decodes the same layouts as UnmarshalJSON, unquoted; empty
// text and "null" are the zero time.
func (t *Time) UnmarshalText(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	return t.parse(b)
}

func (t *Time) parse(b []byte) error {
	if len(b) == 0 {
		t.Time = time.Time{}
		return nil
	}
	v, ok := parseFastTime(b)
	if !ok {
		v, ok = parseDotNetDate(b)
	}
	if !ok {
		// Numeric offsets: time.Parse keeps the offset as a fixed zone,
		// exactly as a time.Time field would decode it.
		var err error
		v, err = time.Parse(time.RFC3339Nano, string(b))
		ok = err == nil
	}
	// An instant outside years 0-9999 in UTC ("0000-01-01T00:00:00+01:00",
	// a huge /Date(ms)/) has no RFC 3339 form, so it could not be encoded
	// back: refuse it here rather than fail or garble on the way out.
	if y := v.UTC().Year(); !ok || y < 0 || y > 9999 {
		return &timeError{value: b}
	}
	t.Time = v
	return nil
}

// timeError names the value that could not be parsed. Timestamps are not
// secret, but the value is cut short so a hostile body cannot grow the error.
type timeError struct{ value []byte }

func (e *timeError) Error() string {
	v := e.value
	const max = 64
	if len(v) > max {
		return fmt.Sprintf("passwordsafe: cannot parse %q… as a time", v[:max])
	}
	return fmt.Sprintf("passwordsafe: cannot parse %q as a time", v)
}

// parseFastTime parses, without allocating, the layouts the server sends
// most: a date, a date and time separated by 'T' or ' ', an optional fraction
// of up to nine digits (more are truncated) and an optional 'Z'. Anything
// else (numeric offsets included) reports false.
func parseFastTime(b []byte) (time.Time, bool) {
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return time.Time{}, false
	}
	if len(b) == 10 {
		return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
	}
	if len(b) < 19 || (b[10] != 'T' && b[10] != 't' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	hour, ok1 := digits(b[11:13])
	minute, ok2 := digits(b[14:16])
	sec, ok3 := digits(b[17:19])
	if !ok1 || !ok2 || !ok3 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		i := 1
		scale := 100000000
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			nsec += int(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	default:
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// parseDotNetDate parses "/Date(ms)/" and "/Date(ms+hhmm)/".
func parseDotNetDate(b []byte) (time.Time, bool) {
	const prefix, suffix = "/Date(", ")/"
	if len(b) < len(prefix)+len(suffix)+1 || string(b[:len(prefix)]) != prefix || string(b[len(b)-len(suffix):]) != suffix {
		return time.Time{}, false
	}
	inner := b[len(prefix) : len(b)-len(suffix)]
	end := len(inner)
	for i := 1; i < len(inner); i++ { // i=1: a leading '-' is the sign of the number
		if inner[i] == '+' || inner[i] == '-' {
			off := inner[i+1:]
			if len(off) != 4 {
				return time.Time{}, false
			}
			if _, ok := digits(off); !ok {
				return time.Time{}, false
			}
			end = i
			break
		}
	}
	ms, err := strconv.ParseInt(string(inner[:end]), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

const redacted = "[REDACTED]"

// Secret holds a credential released by Password Safe: a password, a private
// key or a passphrase. It prints as [REDACTED] under every fmt verb, under
// log/slog and when marshalled to JSON, so a credential cannot reach a log
// line or an error message by accident. Call Value to use it.
//
// The value sits behind a pointer, so even code that prints a struct holding
// a Secret in an unexported field shows only an address.
type Secret struct{ v *string }

// NewSecret wraps v. It exists for users' own tests and fakes.
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{v: &v}
}

// Value returns the credential in clear text.
func (s Secret) Value() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || *s.v == "" }

// String returns "[REDACTED]".
func (s Secret) String() string { return redacted }

// GoString returns "[REDACTED]".
func (s Secret) GoString() string { return redacted }

// Format writes "[REDACTED]" for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes log/slog print "[REDACTED]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes "[REDACTED]": a Secret never leaves the process
// through encoding/json.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// UnmarshalJSON decodes a JSON string (null is the zero Secret). A
// credential that is not valid UTF-8 (raw bytes, or an escaped lone
// surrogate) is an error rather than a silently changed password, and
// decode errors never quote the value.
func (s *Secret) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = Secret{}
		return nil
	}
	if !utf8.Valid(b) {
		return errSecretNotUTF8
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return errSecretNotString
	}
	// encoding/json turns an escaped lone surrogate (\ud800) into U+FFFD;
	// only a U+FFFD the server really sent may stay.
	if strings.ContainsRune(v, utf8.RuneError) && !sentReplacementChar(b) {
		return errSecretNotUTF8
	}
	*s = NewSecret(v)
	return nil
}

// sentReplacementChar reports whether a JSON string holds U+FFFD itself,
// raw or escaped, as opposed to one made up for an invalid escape.
func sentReplacementChar(b []byte) bool {
	return bytes.ContainsRune(b, utf8.RuneError) || bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`))
}

var (
	errSecretNotString = errors.New("passwordsafe: a credential must be a JSON string")
	errSecretNotUTF8   = errors.New("passwordsafe: the credential is not valid UTF-8; refusing to alter it")
)

// AccessType is the kind of access a request asks for.
type AccessType string

// Access types.
const (
	AccessView AccessType = "View" // view the password
	AccessRDP  AccessType = "RDP"  // RDP session (SessionType RDP, rdpticket or rdpfile)
	AccessSSH  AccessType = "SSH"  // SSH session (SessionType SSH or sshticket)
	AccessApp  AccessType = "App"  // application session (SessionType app or appfile)
)

// ConflictOption tells the server what to do when the same user already has a
// request for the same system and account.
type ConflictOption string

// Conflict options.
const (
	ConflictReuse ConflictOption = "reuse" // return the existing approved request (answer 200)
	ConflictRenew ConflictOption = "renew" // cancel the existing requests and create a new one
)

// RequestStatus filters RequestsService.List.
type RequestStatus string

// Request status filters.
const (
	RequestStatusAll     RequestStatus = "all"
	RequestStatusActive  RequestStatus = "active"
	RequestStatusPending RequestStatus = "pending"
)

// RequestQueue selects the queue RequestsService.List reads.
type RequestQueue string

// Request queues.
const (
	QueueRequestor RequestQueue = "req" // requests available to the user as a requestor
	QueueApprover  RequestQueue = "app" // requests the user approved or may approve
)

// CredentialType selects which credential of a request to read.
type CredentialType string

// Credential types.
const (
	CredentialPassword   CredentialType = "password"
	CredentialDSSKey     CredentialType = "dsskey"
	CredentialPassphrase CredentialType = "passphrase"
)

// AliasState is the mapping state of a managed account alias. It goes into
// query strings as its number.
type AliasState int

// Alias states.
const (
	AliasUnmapped        AliasState = 0
	AliasMapped          AliasState = 1
	AliasHighlyAvailable AliasState = 2
)

// String returns the state's name as the API documentation gives it.
func (s AliasState) String() string {
	switch s {
	case AliasUnmapped:
		return "Unmapped"
	case AliasMapped:
		return "Mapped"
	case AliasHighlyAvailable:
		return "Highly Available"
	}
	return "AliasState(" + strconv.Itoa(int(s)) + ")"
}

// SessionStatus is the state of a session. It goes into query strings as its
// number.
type SessionStatus int

// Session statuses.
const (
	SessionNotStarted   SessionStatus = 0
	SessionInProgress   SessionStatus = 1
	SessionCompleted    SessionStatus = 2
	SessionLocked       SessionStatus = 5
	SessionTerminated   SessionStatus = 7 // deprecated by the server
	SessionLoggedOff    SessionStatus = 8
	SessionDisconnected SessionStatus = 9 // RDP only
)

// String returns the status's name as the API documentation gives it.
func (s SessionStatus) String() string {
	switch s {
	case SessionNotStarted:
		return "Not Started"
	case SessionInProgress:
		return "In Progress"
	case SessionCompleted:
		return "Completed"
	case SessionLocked:
		return "Locked"
	case SessionTerminated:
		return "Terminated"
	case SessionLoggedOff:
		return "Logged Off"
	case SessionDisconnected:
		return "Disconnected"
	}
	return "SessionStatus(" + strconv.Itoa(int(s)) + ")"
}

// User is the user the client acts as, as returned by sign-in.
type User struct {
	UserID       int `json:"UserId"`
	SID          string
	EmailAddress string
	UserName     string
	Name         string
}
