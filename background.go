package passwordsafe

import (
	"context"
	"errors"
	"sync"
	"time"
)

// backgroundBound bounds the work a call leaves behind when its caller's
// context ends while a call that may create something on the server (POST
// Requests, POST pbsm/replay) is in flight: waiting for that call's answer,
// then ending what it created. SignOut waits for such work.
const backgroundBound = 2 * time.Minute

// background counts the work calls left running after their callers had
// gone, so that SignOut can wait for it, and keeps what that work could not
// end, so that SignOut can say so.
type background struct {
	mu     sync.Mutex
	n      int
	idle   chan struct{} // closed when n falls to 0; made anew when work starts
	failed []error       // what may have been left open, since SignOut last asked
}

func (b *background) add() {
	b.mu.Lock()
	if b.n == 0 {
		b.idle = make(chan struct{})
	}
	b.n++
	b.mu.Unlock()
}

func (b *background) done() {
	b.mu.Lock()
	b.n--
	if b.n == 0 {
		close(b.idle)
	}
	b.mu.Unlock()
}

// fail records what a piece of work may have left open.
func (b *background) fail(err error) {
	b.mu.Lock()
	b.failed = append(b.failed, err)
	b.mu.Unlock()
}

// settle waits until no work is left, then returns (and forgets) what the
// work may have left open, joined; or ctx's error when ctx ends first.
func (b *background) settle(ctx context.Context) (left, err error) {
	b.mu.Lock()
	if b.n > 0 {
		idle := b.idle
		b.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		b.mu.Lock()
	}
	defer b.mu.Unlock()
	left, b.failed = errors.Join(b.failed...), nil
	return left, nil
}

// outcome is what a call in flight came back with.
type outcome[T any] struct {
	v   T
	err error
}

// inFlight runs call on a context detached from ctx, bounded by callBound,
// and returns its result when it comes before ctx ends. When ctx ends
// first, inFlight returns at once with gone set; call goes on in the
// background and settle gets its result, on a context detached from ctx
// whose deadline is total after the start (callBound < total leaves settle
// the rest for its own calls). The client counts that work until settle
// returns. A ctx that can never end (Done is nil) or has ended already runs
// call on ctx itself, inline: a call never starts after its caller has
// gone.
func inFlight[T any](ctx context.Context, c *Client, callBound, total time.Duration,
	call func(context.Context) (T, error),
	settle func(context.Context, T, error)) (v T, err error, gone bool) {
	if ctx.Done() == nil || ctx.Err() != nil {
		v, err = call(ctx)
		return v, err, false
	}
	out := make(chan outcome[T], 1)
	var mu sync.Mutex
	abandoned := false
	c.bg.add()
	go func() {
		defer c.bg.done()
		whole, cancel := context.WithTimeout(context.WithoutCancel(ctx), total)
		defer cancel()
		cctx, cancelCall := context.WithTimeout(whole, callBound)
		v, err := call(cctx)
		cancelCall()
		mu.Lock()
		left := abandoned
		if !left {
			out <- outcome[T]{v, err}
		}
		mu.Unlock()
		if left {
			settle(whole, v, err)
		}
	}()
	select {
	case o := <-out:
		return o.v, o.err, false
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case o := <-out: // it came as ctx ended: the caller has it after all
		return o.v, o.err, false
	default:
	}
	abandoned = true
	var zero T
	return zero, ctx.Err(), true
}
