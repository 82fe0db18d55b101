package passwordsafe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Match them with errors.Is; reach the details with
// errors.As(err, &*ErrorResponse) or errors.As(err, &*ValidationError).
var (
	ErrValidation         = errors.New("passwordsafe: invalid input")                          // every *ValidationError
	ErrUnauthorized       = errors.New("passwordsafe: unauthorized")                           // 401
	ErrForbidden          = errors.New("passwordsafe: forbidden")                              // any 403
	ErrNotFound           = errors.New("passwordsafe: not found")                              // 404
	ErrConflict           = errors.New("passwordsafe: conflicting request exists")             // 409
	ErrRateLimited        = errors.New("passwordsafe: rate limited")                           // 429
	ErrNoPermission       = errors.New("passwordsafe: no permission (4031)")                   // 4031
	ErrRequestorOnly      = errors.New("passwordsafe: requestor only (4032)")                  // 4032
	ErrApproverOnly       = errors.New("passwordsafe: approver only (4033)")                   // 4033
	ErrNotApproved        = errors.New("passwordsafe: request is not yet approved (4034)")     // 4034
	ErrNotEnoughApprovers = errors.New("passwordsafe: not enough approvers configured (4035)") // 4035
	ErrAlreadyApproved    = errors.New("passwordsafe: request already approved (4036)")        // 4036

	// ErrDenied matches what Checkout and WaitCredentials return when the
	// request was denied while they waited (the credential answers 4031
	// saying so).
	ErrDenied = errors.New("passwordsafe: the request was denied")
	// ErrExpired matches what Checkout and WaitCredentials return when the
	// request expired before the credential was released (the credential
	// answers 4031 saying so).
	ErrExpired = errors.New("passwordsafe: the request expired")

	// ErrAPIVersionDisabled matches the 410 a server answers when it has
	// disabled the API version asked for with WithAPIVersion.
	ErrAPIVersionDisabled = errors.New("passwordsafe: the requested API version is disabled on the server (410)")

	// ErrMFARequired matches the 401 a sign-in gets when the API
	// registration enforces multi-factor authentication (the answer carries
	// a WWW-Authenticate-2FA header) and no WithMFA was given, or the code
	// given was refused.
	ErrMFARequired = errors.New("passwordsafe: the server asks for a multi-factor code (WWW-Authenticate-2FA)")
)

// headerMFA is the header of a sign-in answer that asks for a code.
const headerMFA = "WWW-Authenticate-2FA"

// ErrorResponse is returned for every answer outside 2xx.
type ErrorResponse struct {
	Response   *http.Response // body already read and closed
	StatusCode int
	Code       int    // the 4-digit reason code (e.g. 4034) when the body carries one, else 0
	Message    string // the server's message, unquoted, trimmed, without the reason-code prefix

	method, path string
	versionGone  string // the version asked for, when the answer is 410 to it
	hint         string // what to do, for the answers a new user meets
}

// Error reads "passwordsafe: METHOD path: 403 Forbidden: 4034 message".
// The message is cut at 256 characters.
func (e *ErrorResponse) Error() string {
	var b strings.Builder
	b.WriteString("passwordsafe: ")
	if e.method != "" {
		b.WriteString(e.method)
		b.WriteByte(' ')
		b.WriteString(e.path)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Code != 0 || e.Message != "" {
		b.WriteString(":")
	}
	if e.Code != 0 {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(e.Code))
	}
	if e.Message != "" {
		b.WriteByte(' ')
		b.WriteString(truncateRunes(e.Message, 256))
	}
	if e.versionGone != "" {
		b.WriteString(" (API version " + e.versionGone + " is disabled on this server; see WithAPIVersion)")
	}
	if e.mfaPrompt() {
		b.WriteString(" (the server asks for a multi-factor code; see WithMFA)")
	}
	if e.hint != "" {
		b.WriteString(" (" + e.hint + ")")
	}
	return b.String()
}

// GoString keeps %#v short and free of the request that produced the answer.
func (e *ErrorResponse) GoString() string {
	return fmt.Sprintf("&passwordsafe.ErrorResponse{StatusCode:%d, Code:%d, Message:%q}", e.StatusCode, e.Code, e.Message)
}

// mfaPrompt reports a 401 that asks for a multi-factor code.
func (e *ErrorResponse) mfaPrompt() bool {
	return e.StatusCode == http.StatusUnauthorized && e.Response != nil && e.Response.Header.Get(headerMFA) != ""
}

// Is maps the answer to the sentinel errors: ErrUnauthorized (401),
// ErrForbidden (403), ErrNotFound (404), ErrConflict (409), ErrRateLimited
// (429), and the reason-code sentinels 4031–4036.
func (e *ErrorResponse) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrNoPermission:
		return e.Code == 4031
	case ErrRequestorOnly:
		return e.Code == 4032
	case ErrApproverOnly:
		return e.Code == 4033
	case ErrNotApproved:
		return e.Code == 4034
	case ErrNotEnoughApprovers:
		return e.Code == 4035
	case ErrAlreadyApproved:
		return e.Code == 4036
	case ErrAPIVersionDisabled:
		return e.versionGone != ""
	case ErrMFARequired:
		return e.mfaPrompt()
	}
	return false
}

// ValidationError reports input refused before anything was sent.
type ValidationError struct {
	Field   string // the JSON/query field name, e.g. "DurationMinutes"
	Message string
}

// Error reads "passwordsafe: invalid Field: message".
func (e *ValidationError) Error() string {
	return "passwordsafe: invalid " + e.Field + ": " + e.Message
}

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// DecodeError reports a successful (2xx) answer the client could not read:
// not the JSON the call expects, or cut short under an honest length. The
// server may have acted on the call, so a POST is not sent again. Err is
// what the decoder said (often a *json.SyntaxError); it never quotes a
// credential.
type DecodeError struct {
	Method string
	Path   string // the API path, without the query
	Err    error
}

// Error reads "passwordsafe: METHOD path: decoding the answer: reason".
func (e *DecodeError) Error() string {
	return "passwordsafe: " + e.Method + " " + e.Path + ": decoding the answer: " + e.Err.Error()
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

// BodyTooLargeError reports a successful answer larger than the call
// accepts: 1 MiB for one object, 16 MiB for a session file or a snapshot,
// 256 MiB for a list. The call is not repeated.
type BodyTooLargeError struct{ Limit int64 }

func (e *BodyTooLargeError) Error() string {
	return "passwordsafe: the answer is larger than " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// parseErrorBody finds the reason code and the message in an error answer.
// The server sends a JSON string ("4034 - Request is not yet approved."), a
// bare number, plain text ("4034: ..."), an HTML page from a proxy, or
// now and then a JSON object with a Code and a Message.
func parseErrorBody(body []byte) (code int, msg string) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return 0, ""
	}
	switch b[0] {
	case '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			return parseErrorText(s)
		}
	case '{':
		if code, msg, ok := parseErrorObject(b); ok {
			return code, msg
		}
	case '<':
		return 0, htmlTitle(b)
	}
	if !utf8.Valid(b) {
		return 0, ""
	}
	return parseErrorText(string(b))
}

func parseErrorText(s string) (int, string) {
	s = strings.TrimSpace(s)
	if len(s) >= 4 && (len(s) == 4 || s[4] < '0' || s[4] > '9') {
		if n, ok := digits([]byte(s[:4])); ok && n >= 1000 {
			rest := strings.TrimSpace(s[4:])
			rest = strings.TrimPrefix(rest, "-")
			rest = strings.TrimPrefix(rest, ":")
			rest = strings.TrimPrefix(rest, "–")
			return n, strings.TrimSpace(rest)
		}
	}
	return 0, s
}

func parseErrorObject(b []byte) (int, string, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		return 0, "", false
	}
	field := func(names ...string) json.RawMessage {
		for _, n := range names {
			for k, v := range obj {
				if strings.EqualFold(k, n) {
					return v
				}
			}
		}
		return nil
	}
	code := 0
	if raw := field("code", "errorCode", "reasonCode"); raw != nil {
		var n int
		var s string
		switch {
		case json.Unmarshal(raw, &n) == nil:
			code = n
		case json.Unmarshal(raw, &s) == nil:
			code, _ = strconv.Atoi(strings.TrimSpace(s))
		}
	}
	msg := ""
	if raw := field("message", "error_description", "error", "title", "detail"); raw != nil {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			msg = strings.TrimSpace(s)
		}
	}
	if code == 0 {
		code, msg = parseErrorText(msg)
	} else if c, rest := parseErrorText(msg); c == code {
		msg = rest
	}
	if code < 1000 || code > 9999 {
		code = 0
	}
	return code, msg, true
}

// htmlTitle returns the text of an HTML page's <title>, so a proxy's error
// page reads as "502 Bad Gateway" rather than a screen of markup.
func htmlTitle(b []byte) string {
	// Lower-case ASCII only: bytes.ToLower turns each invalid UTF-8 byte
	// (a Latin-1 proxy page) into three, and the indexes would no longer
	// fit b.
	lower := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	i := bytes.Index(lower, []byte("<title>"))
	if i < 0 {
		return ""
	}
	start := i + len("<title>")
	j := bytes.Index(lower[start:], []byte("</title>"))
	if j < 0 || !utf8.Valid(b[start:start+j]) {
		return ""
	}
	return strings.Join(strings.Fields(string(b[start:start+j])), " ")
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// CheckoutError reports a Checkout that ended before fn ran: the request
// conflicted with an open one (409), ctx ended while the request was being
// created (Background), waiting for the credential ended (ctx done, denied,
// expired), or a request whose creation answer was lost could not be
// looked for. errors.Is and errors.As see through it to Err, so
// errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrConflict)
// and errors.As(err, &*ErrorResponse) work as on the error it wraps.
//
// Its message ends with what became of the request and what to do next.
type CheckoutError struct {
	// RequestID is the request Checkout created, found again after a lost
	// answer, or reused; 0 when Checkout has none (a 409, say).
	RequestID int
	// Reused: RequestID was open before Checkout (the server reused it).
	Reused bool
	// CheckedIn: Checkout checked RequestID in before returning. When
	// false and RequestID is set, the request may still be open; the
	// message says whether the server still lists it as open.
	CheckedIn bool
	// Background: ctx ended while POST Requests was in flight, so the
	// server may yet create the request. The Client waits for the POST's
	// answer in the background (2 minutes at most) and checks in the
	// request it created; Client.SignOut waits for that.
	Background bool
	// Err is why Checkout stopped.
	Err error

	checkinTried bool
	checkinErr   error
	open         openState // what the list of open requests said of RequestID, when asked
	hint         string
}

// Error reads as Err's message followed by what became of the request.
func (e *CheckoutError) Error() string {
	msg := "passwordsafe: checkout failed"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if next := e.next(); next != "" {
		msg += ": " + next
	}
	return msg
}

// Unwrap returns Err.
func (e *CheckoutError) Unwrap() error { return e.Err }

func (e *CheckoutError) next() string {
	id := strconv.Itoa(e.RequestID)
	switch {
	case e.hint != "":
		return e.hint
	case e.Background:
		return "the POST was in flight when ctx ended, so the request may yet be created: the client waits for the answer " +
			"in the background (2 minutes at most) and checks in the request it created; Client.SignOut waits for that"
	case e.RequestID == 0:
		return ""
	case e.CheckedIn:
		return "request " + id + " was checked in"
	case !e.checkinTried:
		return e.reusedFate(id)
	case e.open == stateEnded && e.checkinErr != nil:
		return "request " + id + " is no longer open (its check-in answered: " + e.checkinErr.Error() + ")"
	case errors.Is(e.Err, ErrNotApproved):
		return "request " + id + " is still pending, and a requestor cannot check in a pending request: it ends when " +
			"an approver denies it or it expires; to use it, wait with Requests.WaitCredentials(ctx, " + id +
			", nil), then check it in with Requests.Checkin"
	}
	cerr := "no answer"
	if e.checkinErr != nil {
		cerr = e.checkinErr.Error()
	}
	return "request " + id + " may still be open (its check-in failed: " + cerr + "): check it in with Requests.Checkin(ctx, " +
		id + ", reason), or it ends when it expires"
}

// reusedFate says what became of a request the server reused, which
// Checkout does not check in.
func (e *CheckoutError) reusedFate(id string) string {
	switch e.open {
	case stateEnded:
		return "request " + id + ", which the server reused (it was open before this Checkout), is no longer open"
	case stateOpen:
		return "request " + id + " was open before this Checkout (the server reused it) and is left open: it is not " +
			"this Checkout's to check in (see WithCheckoutReleaseReused)"
	}
	return "request " + id + " was open before this Checkout (the server reused it), so Checkout did not check it in " +
		"(see WithCheckoutReleaseReused)"
}

// AccountMismatchError reports a lookup by name whose answer is another
// account than the one asked for (ManagedAccountsService.Get, and Checkout,
// which then requests nothing). Names compare case aside; the account may
// be asked for by its name, as DOMAIN\name or by its UPN.
type AccountMismatchError struct {
	SystemName, AccountName string // as asked
	Got                     *ManagedAccount
}

// Error names both accounts.
func (e *AccountMismatchError) Error() string {
	got := e.Got.SystemName + "/" + e.Got.AccountName
	if e.Got.DomainName != "" && !strings.Contains(e.Got.AccountName, `\`) {
		got = e.Got.SystemName + "/" + e.Got.DomainName + `\` + e.Got.AccountName
	}
	return "passwordsafe: GET " + pathManagedAccounts + ": asked for " + e.SystemName + "/" + e.AccountName +
		", the server answered " + got + ": nothing was requested"
}
