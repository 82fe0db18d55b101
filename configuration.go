package passwordsafe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// ServerVersion is the version of the Password Safe (BeyondInsight)
// server, as it reports it, e.g. "25.3.0.1234".
type ServerVersion struct {
	Version string
}

// UnmarshalJSON reads the documented {"Version": "..."} and, cheaply, a
// bare JSON string as well.
func (v *ServerVersion) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &v.Version)
	}
	var obj struct{ Version string }
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	v.Version = obj.Version
	return nil
}

// String returns the version as the server reported it.
func (v ServerVersion) String() string { return v.Version }

// AtLeast reports whether the server's version is min or later, comparing
// the dot-separated numbers one by one ("25.3" is later than "24.10";
// missing parts count as 0, so "25.3" equals "25.3.0"). It is false when
// either version does not start with a number.
func (v ServerVersion) AtLeast(min string) bool {
	have, ok1 := versionParts(v.Version)
	want, ok2 := versionParts(min)
	if !ok1 || !ok2 {
		return false
	}
	for i := 0; i < max(len(have), len(want)); i++ {
		var h, w int
		if i < len(have) {
			h = have[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if h != w {
			return h > w
		}
	}
	return true
}

// versionParts reads the leading numbers of "25.3.0.1234" (a part's
// trailing letters, as in "2-beta", are ignored; the reading stops at the
// first part that does not start with a digit).
func versionParts(s string) ([]int, bool) {
	var parts []int
	for _, p := range strings.Split(strings.TrimSpace(s), ".") {
		end := 0
		for end < len(p) && p[end] >= '0' && p[end] <= '9' {
			end++
		}
		if end == 0 {
			break
		}
		n, err := strconv.Atoi(p[:end])
		if err != nil {
			return nil, false
		}
		parts = append(parts, n)
		if end < len(p) {
			break
		}
	}
	return parts, len(parts) > 0
}

// ServerVersion returns the version of the server the client talks to: to
// report it, or to adapt to what it supports (see ServerVersion.AtLeast).
//
// API: GET Configuration/Version
// Needs: no permission beyond signing in.
func (c *Client) ServerVersion(ctx context.Context) (*ServerVersion, *Response, error) {
	return callWith(ctx, c, get("Configuration/Version", ""), decodeServerVersion)
}

var errNoVersion = errors.New("the answer holds no version")

func decodeServerVersion(_ http.Header, body []byte) (*ServerVersion, error) {
	var v ServerVersion
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	if strings.TrimSpace(v.Version) == "" {
		return nil, errNoVersion
	}
	return &v, nil
}
