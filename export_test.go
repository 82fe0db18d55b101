package passwordsafe

// Test helpers the external test package (passwordsafe_test) shares with
// this one, so neither keeps a copy of the other's.

// LogBuffer is helpers_test.go's goroutine-safe buffer for slog handlers.
type LogBuffer = logBuffer

// BoundedContext is helpers_test.go's boundedContext.
var BoundedContext = boundedContext
