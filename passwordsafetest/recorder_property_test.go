package passwordsafetest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// plantSeed seeds TestRecorderNeverWritesAPlantedSecret; 0 is the fixed
// seed CI runs.
var plantSeed = flag.Uint64("plantseed", 0, "seed of TestRecorderNeverWritesAPlantedSecret (0: the fixed one)")

// plantCases is how many recordings the property test makes: enough for
// every teacher, place and encoding to meet many times, in about a second.
const plantCases = 300

// TestRecorderNeverWritesAPlantedSecret is the Recorder's promise as a
// property: a random secret, taught to the Recorder one way (a credential
// answer of some content type, a run-as password, an OAuth secret, a
// body's Password, a Secrets Safe text) before, between or after calls
// that echo it in random places (answers of every content type, gzip, a
// terminal, a Latin-1 page, a query, a path, a header, a body sent) and
// random encodings, is found in no file of the recording, in no form.
func TestRecorderNeverWritesAPlantedSecret(t *testing.T) {
	t.Parallel()
	seed := *plantSeed
	if seed == 0 {
		seed = 20260115
	}
	t.Logf("seed %d: go test ./passwordsafetest -run TestRecorderNeverWritesAPlantedSecret -plantseed %d", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	dir := t.TempDir()
	for i := range plantCases {
		secret := randomSecret(rng)
		teacherName, teacher := pick(rng, teachers)
		steps := []leakStep{}
		var planted []string
		for range 1 + rng.IntN(4) {
			encName, encode := pick(rng, echoEncodings)
			placeName, place := pick(rng, echoPlaces)
			steps = append(steps, place(encode(secret, rng), secret))
			planted = append(planted, placeName+" as "+encName)
		}
		at := rng.IntN(len(steps) + 1)
		steps = append(steps[:at], append([]leakStep{teacher(secret)}, steps[at:]...)...)
		recordStepsIn(t, dir, steps...)
		if leaks := findLeaks(t, dir, secret); len(leaks) > 0 {
			t.Errorf("case %d: the secret %q, taught by %s as call %d, echoed in %s:\n%s",
				i, secret, teacherName, at+1, strings.Join(planted, ", "), strings.Join(leaks, "\n"))
		}
	}
}

// named is a choice with its name, for the failure message.
type named[T any] struct {
	name string
	v    T
}

func pick[T any](rng *rand.Rand, from []named[T]) (string, T) {
	c := from[rng.IntN(len(from))]
	return c.name, c.v
}

// secretRunes are what a random secret is made of: ASCII letters, digits
// and symbols, a space, Latin-1 letters, and characters beyond Latin-1
// and beyond the BMP.
var secretRunes = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" +
	"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ äéßÆ€😀")

// randomSecret is 5 to 24 characters with an upper-case letter, a digit
// and a symbol (so that it is no word of an ordinary file), neither
// starting nor ending with a space.
func randomSecret(rng *rand.Rand) string {
	for {
		n := 5 + rng.IntN(20)
		r := make([]rune, n)
		for i := range r {
			r[i] = secretRunes[rng.IntN(len(secretRunes))]
		}
		s := string(r)
		if strings.TrimSpace(s) == s && strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
			strings.ContainsAny(s, "0123456789") && strings.ContainsAny(s, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") {
			return s
		}
	}
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// teachers are the calls that make a secret known to the Recorder.
var teachers = []named[func(secret string) leakStep]{
	{"a credential as a JSON string", teach},
	{"a credential as text/plain", func(s string) leakStep {
		return typedAnswer("Credentials/1001", "text/plain; charset=utf-8", []byte(s))
	}},
	{"a passphrase", func(s string) leakStep {
		h, b := jsonAnswer(s)
		return answer("Credentials/1001?type=passphrase", h, b)
	}},
	{"an ISA credential", func(s string) leakStep {
		h, b := jsonAnswer(map[string]string{"Credentials": s})
		return leakStep{method: "POST", target: "ISARequests", header: jsonHeader, body: []byte(`{"SystemID":1,"AccountID":11}`),
			status: http.StatusCreated, respHeader: h, respBody: b}
	}},
	{"a run-as password", func(s string) leakStep {
		h, b := jsonAnswer(map[string]any{"UserId": 1, "UserName": "svc"})
		return leakStep{method: "POST", target: "Auth/SignAppin", header: http.Header{"Authorization": {"PS-Auth key=k3y-0f-th3-t3st; runas=svc; pwd=[" + s + "];"}},
			respHeader: h, respBody: b}
	}},
	{"an OAuth client secret", func(s string) leakStep {
		h, b := jsonAnswer(map[string]any{"access_token": "T0ken-0f-th3-t3st-" + fmt.Sprint(len(s)), "expires_in": 600})
		return leakStep{method: "POST", target: "Auth/connect/token", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			body: []byte("grant_type=client_credentials&client_id=id&client_secret=" + url.QueryEscape(s)), respHeader: h, respBody: b}
	}},
	{"a bearer token", func(s string) leakStep {
		h, b := jsonAnswer(map[string]any{"UserId": 1})
		return leakStep{method: "POST", target: "Auth/SignAppin", header: http.Header{"Authorization": {"Bearer " + s}}, respHeader: h, respBody: b}
	}},
	{"an admin session's Password", func(s string) leakStep {
		body, _ := json.Marshal(map[string]string{"SessionType": "sshticket", "HostName": "h", "UserName": "root", "Password": s})
		h, b := jsonAnswer(map[string]any{"ID": "x", "SessionID": 7001})
		return leakStep{method: "POST", target: "Sessions/Admin", header: jsonHeader, body: body, status: http.StatusCreated, respHeader: h, respBody: b}
	}},
	{"a Secrets Safe text", func(s string) leakStep {
		h, b := jsonAnswer([]map[string]string{{"Id": "a1", "Title": "note", "SecretType": "Text", "Text": s}})
		return answer("Secrets-Safe/Secrets?decrypt=true", h, b)
	}},
}

// echoEncodings are the forms an echo writes a secret in.
var echoEncodings = []named[func(secret string, rng *rand.Rand) string]{
	{"raw", func(s string, _ *rand.Rand) string { return s }},
	{"JSON", func(s string, _ *rand.Rand) string { return leakForms(s)["JSON"] }},
	{"JSON without HTML escapes", func(s string, _ *rand.Rand) string { return leakForms(s)["JSON without HTML escapes"] }},
	{"JSON with \\/", func(s string, _ *rand.Rand) string { return leakForms(s)["JSON with \\/"] }},
	{".NET JSON", func(s string, _ *rand.Rand) string { return dotNetEscape(s, "%04X") }},
	{".NET JSON, lower case", func(s string, _ *rand.Rand) string { return dotNetEscape(s, "%04x") }},
	{"a query escape", func(s string, _ *rand.Rand) string { return url.QueryEscape(s) }},
	{"a query escape, lower case", func(s string, _ *rand.Rand) string { return lowerPercent(url.QueryEscape(s)) }},
	{"a path escape", func(s string, _ *rand.Rand) string { return url.PathEscape(s) }},
	{"every byte percent-escaped", func(s string, _ *rand.Rand) string { return percentAll(s, "%%%02x") }},
	{"HTML", func(s string, _ *rand.Rand) string { return html.EscapeString(s) }},
	{"numeric entities", func(s string, _ *rand.Rand) string { return numericEntities(s) }},
	{"base64 after a few bytes", func(s string, rng *rand.Rand) string {
		return base64.StdEncoding.EncodeToString(append([]byte("user:")[:rng.IntN(6)], s...))
	}},
	{"URL-safe base64", func(s string, _ *rand.Rand) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }},
}

// echoPlaces are where an echo is written: each builds a call whose
// request or answer holds text (the encoded secret); secret is there for
// the places that have an encoding of their own (Latin-1).
var echoPlaces = []named[func(text, secret string) leakStep]{
	{"a text/plain error", func(text, _ string) leakStep {
		return leakStep{method: "GET", target: "Requests", status: http.StatusBadRequest,
			respHeader: http.Header{"Content-Type": {"text/plain"}}, respBody: []byte("error: " + text + "\n")}
	}},
	{"an HTML page", func(text, _ string) leakStep {
		return typedAnswer("Sessions", "text/html; charset=utf-8", []byte("<html><p>"+text+"</p></html>"))
	}},
	{"a JSON error message", func(text, _ string) leakStep {
		h, b := jsonAnswer("4031 - " + text)
		return leakStep{method: "GET", target: "Aliases", status: http.StatusForbidden, respHeader: h, respBody: b}
	}},
	{"a JSON string as the server wrote it", func(_, secret string) leakStep {
		return typedAnswer("Nodes", "application/json", []byte(`{"Message":"`+dotNetEscape(secret, "%04X")+`","Other":"`+leakForms(secret)["JSON with \\/"]+`"}`))
	}},
	{"a Latin-1 page", func(text, secret string) leakStep {
		l1, ok := latin1("<p>" + secret + " / " + text + "</p>")
		if !ok {
			l1 = "<p>" + text + "</p>"
		}
		return typedAnswer("Sessions", "text/html; charset=iso-8859-1", []byte(l1))
	}},
	{"a gzip answer", func(text, _ string) leakStep {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write([]byte("{\"Message\": \"" + text + "\"}"))
		_ = zw.Close()
		return leakStep{method: "GET", target: "Requests", respHeader: http.Header{"Content-Encoding": {"gzip"}}, respBody: buf.Bytes()}
	}},
	{"a coloured terminal", func(text, _ string) leakStep {
		return typedAnswer("pbsm/replay/abc?screen=1", "text/plain", []byte("\x1b[1;32m$\x1b[0m echo \x1b[31m"+text+"\x1b[0m\r\n$ "))
	}},
	{"a query", func(_, secret string) leakStep {
		h, b := jsonAnswer([]string{})
		return answer("Aliases?name="+url.QueryEscape(secret)+"&x=1", h, b)
	}},
	{"a path", func(_, secret string) leakStep {
		h, b := jsonAnswer("Not found")
		return leakStep{method: "GET", target: "Aliases/" + lowerPercent(url.PathEscape(secret)), status: http.StatusNotFound, respHeader: h, respBody: b}
	}},
	{"a header", func(text, _ string) leakStep {
		return leakStep{method: "GET", target: "Secrets-Safe/Secrets/a1/file", respHeader: http.Header{
			"Content-Type": {"application/json"}, "Content-Disposition": {`attachment; filename="` + text + `"`},
			"Www-Authenticate": {`Basic realm="` + text + `"`}}, respBody: []byte(`{}`)}
	}},
	{"a body sent", func(text, _ string) leakStep {
		body, _ := json.Marshal(map[string]any{"Reason": "reset " + text, "DurationMinutes": 5})
		return leakStep{method: "PUT", target: "Requests/1001/Checkin", header: jsonHeader, body: body, status: http.StatusNoContent}
	}},
	{"a form sent", func(text, _ string) leakStep {
		return leakStep{method: "POST", target: "Auth/connect/token", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			body: []byte("grant_type=client_credentials&note=" + url.QueryEscape(text)), status: http.StatusBadRequest}
	}},
}
