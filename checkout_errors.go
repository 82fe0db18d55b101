package passwordsafe

import (
	"errors"
	"strconv"
)

// CheckoutError reports a Checkout that ended before fn ran: the request
// conflicted with an open one (409), waiting for the credential ended
// (ctx done, denied, expired), or a request whose creation answer was lost
// could not be looked for. errors.Is and errors.As see through it to Err,
// so errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrConflict)
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
	// false and RequestID is set, the request may still be open.
	CheckedIn bool
	// Err is why Checkout stopped.
	Err error

	checkinTried bool
	checkinErr   error
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
	case e.RequestID == 0:
		return ""
	case e.CheckedIn:
		return "request " + id + " was checked in"
	case !e.checkinTried:
		return "request " + id + " was open before Checkout and is left open (see WithCheckoutReleaseReused)"
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
