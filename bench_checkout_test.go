package passwordsafe_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	ps "github.com/passwordsafe-go/passwordsafe"
)

// The cost of what Checkout does beyond the bare steps: the list of open
// requests before its POST (so that a lost answer is resolved only to a
// request this call created), and, with a context that can end, the POST
// run on a detached context. BENCHMARKS.md has the numbers.

// benchOpenRequests is what GET Requests answers the benchmarks: three
// open requests for other accounts, as a busy user has.
var benchOpenRequests = func() string {
	var b strings.Builder
	b.WriteString("[")
	for i := range 3 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"RequestID":` + strconv.Itoa(10+i) + `,"SystemID":5,"SystemName":"web02","AccountID":` +
			strconv.Itoa(1+i) + `,"AccountName":"svc","DomainName":null,"AliasID":null,"ApplicationID":null,` +
			`"RequestReleaseDate":"2026-11-23T04:39:10.53","ApprovedDate":"2026-11-23T04:39:10.53",` +
			`"ExpiresDate":"2026-11-23T05:39:10.53","Status":"Active","AccessType":"View","Reason":"batch"}`)
	}
	b.WriteString("]")
	return b.String()
}()

var benchCheckoutOpts = &ps.CreateRequestOptions{SystemID: 1, AccountID: 2, DurationMinutes: 10}

func benchNoop(context.Context, ps.Secret) error { return nil }

// benchSteps is what Checkout did before it listed the open requests: the
// POST, the credential, the check-in.
func benchSteps(ctx context.Context, c *ps.Client) error {
	cr, _, err := c.Requests.Create(ctx, benchCheckoutOpts)
	if err != nil {
		return err
	}
	if _, _, err := c.Requests.Credentials(ctx, cr.RequestID, nil); err != nil {
		return err
	}
	_, err = c.Requests.Checkin(ctx, cr.RequestID, "")
	return err
}

// BenchmarkCheckout: impl=steps is the three calls by hand (what Checkout
// cost before the list), impl=checkout is Requests.Checkout with
// context.Background (the POST runs inline), impl=checkout-ctx with a
// context that can end (the POST runs on a detached context, in a
// goroutine).
func BenchmarkCheckout(b *testing.B) {
	s := newBenchServer(b)
	ctx := context.Background()
	cctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	for _, tc := range []struct {
		name string
		run  func(*ps.Client) error
	}{
		{"impl=steps", func(c *ps.Client) error { return benchSteps(ctx, c) }},
		{"impl=checkout", func(c *ps.Client) error { return c.Requests.Checkout(ctx, benchCheckoutOpts, benchNoop) }},
		{"impl=checkout-ctx", func(c *ps.Client) error { return c.Requests.Checkout(cctx, benchCheckoutOpts, benchNoop) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := newCheckoutBenchClient(b, s)
			b.ReportAllocs()
			for b.Loop() {
				if err := tc.run(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckoutPaired times one Checkout and the three steps by hand
// per iteration, in alternating order, and reports their ratio, which
// holds still on a busy machine: with context.Background (ctx=none: the
// POST runs inline) and with a context that can end (ctx=deadline: the
// POST runs on a detached context, in a goroutine).
func BenchmarkCheckoutPaired(b *testing.B) {
	s := newBenchServer(b)
	deadline, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{{"ctx=none", context.Background()}, {"ctx=deadline", deadline}} {
		b.Run(tc.name, func(b *testing.B) {
			c := newCheckoutBenchClient(b, s)
			checkout := func() {
				if err := c.Requests.Checkout(tc.ctx, benchCheckoutOpts, benchNoop); err != nil {
					b.Fatal(err)
				}
			}
			steps := func() {
				if err := benchSteps(tc.ctx, c); err != nil {
					b.Fatal(err)
				}
			}
			coTime, stTime, n := paired(b, checkout, steps)
			b.ReportMetric(float64(coTime.Nanoseconds())/float64(n), "checkout-ns/op")
			b.ReportMetric(float64(stTime.Nanoseconds())/float64(n), "steps-ns/op")
			b.ReportMetric(float64(coTime)/float64(stTime), "checkout/steps")
		})
	}
}

func newCheckoutBenchClient(b *testing.B, s *benchServer) *ps.Client {
	b.Helper()
	c := newBenchClient(b, s)
	if _, err := c.SignIn(context.Background()); err != nil {
		b.Fatal(err)
	}
	return c
}
