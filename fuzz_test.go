package passwordsafe

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzTimeUnmarshal: decoding never panics, and whatever decodes encodes
// back to something that decodes to the same instant, as JSON and as text.
// Seeds: below and in testdata/fuzz/FuzzTimeUnmarshal.
func FuzzTimeUnmarshal(f *testing.F) {
	for _, s := range []string{
		`null`, `""`, `"2024-03-01T10:20:30Z"`, `"2024-03-01T10:20:30.123456789+02:00"`,
		`"2024-03-01T10:20:30"`, `"2024-03-01 10:20:30"`, `"2024-03-01"`, `"/Date(1700000000000)/"`,
		`"/Date(1700000000000+0100)/"`, `"/Date(-1000)/"`, `"\/Date(0)\/"`, `"0000-01-01T00:00:00+01:00"`,
		`"9999-12-31T23:59:59-23:59"`, `"2024-02-30"`, `12`, `"`, `"\u0032024-03-01"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Time
		if err := a.UnmarshalJSON(data); err == nil {
			roundTrip(t, a)
		} else if err.Error() == "" {
			t.Fatal("empty error")
		}
		var b Time
		if err := b.UnmarshalText(data); err == nil {
			roundTrip(t, b)
		}
	})
}

func roundTrip(t *testing.T, a Time) {
	t.Helper()
	js, err := a.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON(%v): %v", a.Time, err)
	}
	var back Time
	if err := back.UnmarshalJSON(js); err != nil {
		t.Fatalf("UnmarshalJSON(%s) of our own encoding: %v", js, err)
	}
	if !back.Equal(a.Time) {
		t.Fatalf("JSON round trip: %v became %v via %s", a.Time, back.Time, js)
	}
	if !json.Valid(js) {
		t.Fatalf("MarshalJSON wrote invalid JSON %q", js)
	}
	text, err := a.MarshalText()
	if err != nil {
		t.Fatalf("MarshalText(%v): %v", a.Time, err)
	}
	var backText Time
	if err := backText.UnmarshalText(text); err != nil {
		t.Fatalf("UnmarshalText(%s) of our own encoding: %v", text, err)
	}
	if !backText.Equal(a.Time) {
		t.Fatalf("text round trip: %v became %v via %s", a.Time, backText.Time, text)
	}
}

// FuzzParseErrorBody: never panics; the code is 0 or four digits; the
// message is valid UTF-8 and the resulting error prints.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		``, `"4034 - Request is not yet approved."`, `4034`, `4034: not approved`, `{"Code":4034,"Message":"m"}`,
		`{"code":"4031","message":"4031 - x"}`, `<html><title>502 Bad Gateway</title></html>`, "\xff\xfe",
		`{"Code":99999}`, `"4036 – already"`, `{"error":"invalid_client"}`, `40341`, `<title>`, `{"code":1e400}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := parseErrorBody(body)
		if code != 0 && (code < 1000 || code > 9999) {
			t.Fatalf("code %d from %q", code, body)
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("invalid UTF-8 message %q from %q", msg, body)
		}
		er := &ErrorResponse{StatusCode: 403, Code: code, Message: msg, method: "GET", path: "X"}
		if s := er.Error(); !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 error %q", s)
		}
		_ = er.GoString()
	})
}

// FuzzCreatedRequest: decoding the answer to POST Requests never panics,
// and a success is a whole request ID.
func FuzzCreatedRequest(f *testing.F) {
	for _, s := range []string{
		`12`, `"12"`, `{"RequestID":12}`, `{"RequestId":"12"}`, ` 12 `, `"`, `{`, `{"RequestID":1e3}`, `-1`,
		`{"RequestID":99999999999999999999}`, `""`, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a CreatedRequest
		_ = a.UnmarshalJSON(data)
		var b CreatedRequest
		if err := json.Unmarshal(data, &b); err == nil {
			var c CreatedRequest
			if err := c.UnmarshalJSON(data); err != nil {
				t.Fatalf("json.Unmarshal took %q but UnmarshalJSON did not: %v", data, err)
			}
		}
	})
}
