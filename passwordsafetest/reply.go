package passwordsafetest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// reply is a handler's answer, built under the server lock and written
// after it is released.
type reply struct {
	status int
	hdr    http.Header
	body   []byte
	// render, when set, makes the body outside the lock (images).
	render func() ([]byte, error)
}

func (r *reply) header() http.Header {
	if r.hdr == nil {
		r.hdr = http.Header{}
	}
	return r.hdr
}

// finish runs the deferred rendering, if any.
func (r *reply) finish() {
	if r.render == nil {
		return
	}
	b, err := r.render()
	r.render = nil
	if err != nil {
		*r = errorReply(http.StatusInternalServerError, "The image could not be rendered.")
		return
	}
	r.body = b
}

func (r reply) write(w http.ResponseWriter) {
	r.finish()
	for k, vs := range r.hdr {
		w.Header()[k] = vs
	}
	if r.status != http.StatusNoContent {
		w.Header().Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	if len(r.body) > 0 {
		_, _ = w.Write(r.body)
	}
}

// marshal encodes v the way the real server does: no HTML escaping and no
// trailing newline.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("passwordsafetest: encoding %T: %v", v, err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func jsonReply(status int, v any) reply {
	r := reply{status: status, body: marshal(v)}
	r.header().Set("Content-Type", "application/json; charset=utf-8")
	return r
}

// errorReply answers status with msg as a JSON string, as the server does.
func errorReply(status int, msg string) reply { return jsonReply(status, msg) }

// codeReply answers status with "<code> - <msg>" as a JSON string.
func codeReply(status, code int, msg string) reply {
	return errorReply(status, strconv.Itoa(code)+" - "+msg)
}

func forbidden(code int, msg string) reply { return codeReply(http.StatusForbidden, code, msg) }

func badRequest(msg string) reply { return errorReply(http.StatusBadRequest, msg) }

func notFound(msg string) reply { return errorReply(http.StatusNotFound, msg) }

func noContent() reply { return reply{status: http.StatusNoContent} }

// The messages behind the reason codes, shared by several endpoints.
const (
	msgNotSignedIn     = "User is not signed in or the session has expired. Sign in with POST Auth/SignAppin."
	msgSignInFailed    = "Authentication failed: the API key, run-as user, password or token is not valid."
	msgNotApproved     = "Request is not yet approved."
	msgApproverOnly    = "Approver Only API or account. Only Approvers can access this API or account."
	msgRequestorOnly   = "Requestor Only API or account. Only Requestors can access this API or account."
	msgNotEnoughApprov = "Not enough Approvers configured to approve a request."
	msgAlreadyApproved = "Request has been approved already."
	msgNoAccountAccess = "User does not have permission to request the account or the account is not valid for the system."
	msgAdminOnly       = "User does not have permission to use this API. Only members of the Administrators group can."
	msgOwnApproval     = "Approver only - User cannot approve his or her own request."
	msgOwnDenial       = "Approver only - User cannot deny his or her own request."
	msgNotOwner        = "User does not have permission to use this request: it belongs to another user."
	msgBodyNotJSON     = "The request body is not valid JSON."
	msgBodyRequired    = "The request body is required."
	dateLayoutRequests = "2006-01-02T15:04:05.99"            // Requests: no zone, up to 2 fraction digits
	dateLayoutSessions = "2006-01-02T15:04:05.9999999Z07:00" // Sessions: RFC 3339, UTC "Z"
	dateLayoutAccounts = "2006-01-02T15:04:05"               // Aliases, ManagedAccounts: whole seconds, no zone
)

// noLongerActive is the 4031 answer for a request that has ended.
func noLongerActive(rq *request) reply {
	return forbidden(4031, fmt.Sprintf("Request %d is no longer active (%s).", rq.id, rq.state.describe()))
}

// date formats t with layout in UTC; the zero time is null.
func date(t time.Time, layout string) *string {
	if t.IsZero() {
		return nil
	}
	v := t.UTC().Format(layout)
	return &v
}

// nullString is null for "".
func nullString(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// nullInt is null for 0.
func nullInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

// decodeBody decodes a JSON body into v. An empty body is allowed when
// optional is set (v is then left as it is).
func decodeBody(c *call, v any, optional bool) (reply, bool) {
	if len(bytes.TrimSpace(c.body)) == 0 {
		if optional {
			return reply{}, true
		}
		return badRequest(msgBodyRequired), false
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return badRequest(msgBodyNotJSON + " " + err.Error()), false
	}
	return reply{}, true
}

// randomString returns n characters from alphabet, chosen with crypto/rand.
func randomString(n int, alphabet string) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet) // reject bytes that would bias the choice
	for i := 0; i < n; {
		if _, err := rand.Read(buf); err != nil {
			panic("passwordsafetest: crypto/rand: " + err.Error())
		}
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}

func randomHex(n int) string { return randomString(n, "0123456789abcdef") }

const (
	lowerChars  = "abcdefghijklmnopqrstuvwxyz"
	upperChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digitChars  = "0123456789"
	symbolChars = `!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`
)

// newPassword returns a random 20-character password with at least one
// lower-case letter, upper-case letter, digit and symbol. The symbols
// include `"` and `\`, so a client that does not decode JSON strings
// properly will show it.
func newPassword() string {
	all := lowerChars + upperChars + digitChars + symbolChars
	for {
		p := randomString(20, all)
		if strings.ContainsAny(p, lowerChars) && strings.ContainsAny(p, upperChars) &&
			strings.ContainsAny(p, digitChars) && strings.ContainsAny(p, symbolChars) {
			return p
		}
	}
}
