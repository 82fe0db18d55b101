package passwordsafe

import (
	"testing"

	"github.com/jarcoal/httpmock"
)

// Test helpers the external test package (passwordsafe_test) shares with
// this one, so neither keeps a copy of the other's.

// LogBuffer is helpers_test.go's goroutine-safe buffer for slog handlers.
type LogBuffer = logBuffer

// BoundedContext is helpers_test.go's boundedContext.
var BoundedContext = boundedContext

// The httpmock helpers of helpers_test.go, for the external test package.
var (
	NewMockClient = newMockClient
	Respond       = respond
	APICalls      = apiCalls
	Sequence      = sequence
)

// TestBase is helpers_test.go's base URL (it has a path prefix).
const TestBase = testBase

// Recorder is helpers_test.go's recorder of the requests that reached a
// responder.
type Recorder = recorder

// Wrap records every request that reaches next.
func (r *recorder) Wrap(next httpmock.Responder) httpmock.Responder { return r.wrap(next) }

// Last is the last request recorded.
func (r *recorder) Last(t *testing.T) Seen { t.Helper(); return r.last(t) }

// Count is how many requests were recorded.
func (r *recorder) Count() int { return r.count() }

// Seen is one recorded request.
type Seen = seen

// Within is helpers_test.go's within.
var Within = within
