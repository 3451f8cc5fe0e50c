package packr

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// deferred is one deferred host answer waiting for the test.
type deferred struct {
	n int64
	c *Completion
}

// asyncComposition builds cur_async.wasm with a host.slow_double that defers every answer into
// the returned channel.
func asyncComposition(t testing.TB, timeout time.Duration) (*Composition, chan deferred) {
	t.Helper()
	q := make(chan deferred, 1024)
	b := NewBuilder()
	must(t, b.AddPackageFile("a", guest("cur_async")))
	must(t, b.AddHostFunctionReply("host", "slow_double", func(in []byte, r *HostReply) ([]byte, error) {
		v, err := DecodeValue(in)
		if err != nil {
			return nil, err
		}
		n, err := v.AsS64()
		v.Close()
		if err != nil {
			return nil, err
		}
		c, err := r.Defer()
		if err != nil {
			return nil, err
		}
		q <- deferred{n, c}
		return nil, nil
	}))
	must(t, b.SetTimeout(timeout))
	c, err := b.Build()
	must(t, err)
	t.Cleanup(c.Close)
	return c, q
}

// next takes the oldest deferred answer (waiting up to 10 s for one).
func next(t testing.TB, q chan deferred) deferred {
	t.Helper()
	select {
	case d := <-q:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no deferred host call arrived")
		return deferred{}
	}
}

func waitCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestAsyncStartCallPollFdWait(t *testing.T) {
	c, q := asyncComposition(t, 0)
	call, err := c.StartCall("a", "fetch_double", s64Bytes(t, 21))
	must(t, err)
	defer call.Close()
	if !call.Pending() {
		t.Fatal("fetch_double should park on the deferred answer")
	}
	if _, done, err := call.Poll(); done || err != nil {
		t.Fatalf("poll before the answer: done=%v err=%v", done, err)
	}
	fd := call.Fd()
	if fd < 0 {
		t.Fatalf("fd %d", fd)
	}
	d := next(t, q)
	if d.n != 21 {
		t.Fatalf("host got %d", d.n)
	}
	// Wait parks on a duplicate of the descriptor registered with the runtime poller (deadlines
	// work only on such files).
	f := call.pollFile()
	if f == nil {
		t.Fatal("no descriptor for the runtime poller")
	}
	must(t, f.SetReadDeadline(time.Now().Add(time.Hour)))
	go func() {
		defer d.c.Close()
		if err := d.c.Complete(s64Bytes(t, 2*d.n)); err != nil {
			t.Error(err)
		}
	}()
	out, err := call.Wait(waitCtx(t))
	must(t, err)
	if got := bytesS64(t, out); got != 42 {
		t.Fatalf("got %d", got)
	}
	if call.noPoll {
		t.Fatal("Wait could not use the descriptor")
	}
	if call.Pending() || call.Fd() != -1 {
		t.Fatal("a finished call is not pending and has no fd")
	}
	// The outcome stays.
	out, done, err := call.Poll()
	if !done || err != nil || bytesS64(t, out) != 42 {
		t.Fatalf("poll after: %v %v", done, err)
	}
	v, err := call.WaitValue(context.Background())
	must(t, err)
	defer v.Close()
	if n, _ := v.AsS64(); n != 42 {
		t.Fatalf("WaitValue %d", n)
	}

	// An export that does not wait has finished when StartCall returns.
	s, _ := NewString("now")
	defer s.Close()
	now, err := c.StartCallValue("a", "ready_now", s)
	must(t, err)
	defer now.Close()
	if now.Pending() {
		t.Fatal("ready_now should not park")
	}
	out, done, err = now.Poll()
	if !done || err != nil {
		t.Fatalf("ready_now: %v %v", done, err)
	}
	back, err := DecodeValue(out)
	must(t, err)
	defer back.Close()
	if str, _ := back.AsString(); str != "now" {
		t.Fatalf("ready_now gave %q", str)
	}
	_, err = c.StartCall("a", "nope", nil)
	wantCode(t, err, NotFound)
}

// The descriptor: readable once an answer arrives, then Poll drains it.
func TestAsyncFdReadableAfterAnswer(t *testing.T) {
	c, q := asyncComposition(t, 0)
	call, err := c.StartCall("a", "fetch_double", s64Bytes(t, 4))
	must(t, err)
	defer call.Close()
	fd := call.Fd()
	if fd < 0 {
		t.Fatalf("fd %d", fd)
	}
	readable := func(timeoutMs int) bool {
		fds := []pollFd{{fd: int32(fd), events: pollIn}}
		n, err := poll(fds, timeoutMs)
		if err != nil {
			t.Fatal(err)
		}
		return n == 1 && fds[0].revents&pollIn != 0
	}
	if readable(0) {
		t.Fatal("readable before the answer")
	}
	d := next(t, q)
	must(t, d.c.Complete(s64Bytes(t, 2*d.n)))
	d.c.Close()
	if !readable(10000) {
		t.Fatal("not readable after the answer")
	}
	out, done, err := call.Poll()
	if !done || err != nil || bytesS64(t, out) != 8 {
		t.Fatalf("%v %v", done, err)
	}
}

// Many parked calls, each waited for by its own goroutine (CallAsync), answered by other
// goroutines in any order; each call parks twice (fetch_sum).
func TestAsyncManyParkedCallsFromGoroutines(t *testing.T) {
	c, q := asyncComposition(t, 0)
	const n = 48
	ctx := waitCtx(t)
	results := make([]<-chan Result, n)
	for i := range results {
		results[i] = c.CallAsync(ctx, "a", "fetch_sum", s64Bytes(t, int64(i)))
	}
	var wg sync.WaitGroup
	var answered int64
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case d := <-q:
					atomic.AddInt64(&answered, 1)
					if err := d.c.CompleteValue(NewS64(2 * d.n)); err != nil {
						t.Error(err)
					}
					d.c.Close()
				case <-stop:
					return
				}
			}
		}()
	}
	for i, ch := range results {
		r := <-ch
		if r.Err != nil {
			t.Errorf("call %d: %v", i, r.Err)
		} else if got, want := bytesS64(t, r.Output), int64(2*i+2*(i+1)); got != want {
			t.Errorf("call %d: %d, want %d", i, got, want)
		}
	}
	close(stop)
	wg.Wait()
	if count := atomic.LoadInt64(&answered); count != 2*n {
		t.Fatalf("%d answers, want %d", count, 2*n)
	}
}

func TestAsyncContextCancel(t *testing.T) {
	c, q := asyncComposition(t, 0)
	// Wait: cancelling returns ctx.Err() and leaves the call pending.
	call, err := c.StartCall("a", "fetch_double", s64Bytes(t, 3))
	must(t, err)
	defer call.Close()
	d := next(t, q)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := call.Wait(ctx); errc <- err }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait after cancel: %v", err)
	}
	if !call.Pending() {
		t.Fatal("cancelling a Wait does not end the call")
	}
	must(t, d.c.Complete(s64Bytes(t, 6)))
	d.c.Close()
	out, err := call.Wait(waitCtx(t))
	must(t, err)
	if bytesS64(t, out) != 6 {
		t.Fatal("wrong answer")
	}

	// CallAsync: cancelling abandons the call, so the late answer is refused.
	ctx, cancel = context.WithCancel(context.Background())
	ch := c.CallAsync(ctx, "a", "fetch_double", s64Bytes(t, 5))
	d = next(t, q)
	cancel()
	r := <-ch
	if !errors.Is(r.Err, context.Canceled) {
		t.Fatalf("CallAsync after cancel: %v", r.Err)
	}
	wantCode(t, d.c.Complete(s64Bytes(t, 10)), NotFound, "ended")
	d.c.Close()

	// A context that is already done: nothing is waited for.
	call2, err := c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	defer call2.Close()
	_, err = call2.Wait(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
	next(t, q).c.Close()
}

func TestAsyncCompletionMisuse(t *testing.T) {
	c, q := asyncComposition(t, 0)
	ctx := waitCtx(t)

	// Answered twice.
	call, err := c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	d := next(t, q)
	must(t, d.c.Complete(s64Bytes(t, 2)))
	wantCode(t, d.c.Complete(s64Bytes(t, 2)), InvalidArgument)
	wantCode(t, d.c.Fail("late"), InvalidArgument)
	d.c.Close()
	d.c.Close() // twice is fine
	wantCode(t, d.c.Complete(nil), InvalidArgument, "closed")
	out, err := call.Wait(ctx)
	must(t, err)
	if bytesS64(t, out) != 2 {
		t.Fatal("wrong answer")
	}
	call.Close()

	// Failed: the call fails with Host and the message.
	call, err = c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	d = next(t, q)
	go func() { must(t, d.c.Fail("the disk is on fire")); d.c.Close() }()
	_, err = call.Wait(ctx)
	wantCode(t, err, Host, "the disk is on fire", "a.fetch_double")
	call.Close()

	// Closed unanswered.
	call, err = c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	next(t, q).c.Close()
	_, err = call.Wait(ctx)
	wantCode(t, err, Host, "without completing")
	call.Close()

	// Not CGRF.
	call, err = c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	d = next(t, q)
	must(t, d.c.Complete([]byte("not cgrf")))
	d.c.Close()
	_, err = call.Wait(ctx)
	wantCode(t, err, Decode)
	call.Close()

	// The call closed while it waits: the late answer is refused; the closed call says so.
	call, err = c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	d = next(t, q)
	call.Close()
	wantCode(t, d.c.Complete(s64Bytes(t, 2)), NotFound)
	d.c.Close()
	_, _, err = call.Poll()
	wantCode(t, err, InvalidArgument, "closed")
	if call.Pending() || call.Fd() != -1 {
		t.Fatal("a closed call")
	}
	call.Close()
}

// Close from another goroutine ends a Wait in progress.
func TestAsyncCloseWhileWaiting(t *testing.T) {
	c, q := asyncComposition(t, 0)
	call, err := c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	d := next(t, q)
	errc := make(chan error, 1)
	go func() { _, err := call.Wait(context.Background()); errc <- err }()
	call.Close()
	wantCode(t, <-errc, InvalidArgument, "closed")
	wantCode(t, d.c.Complete(s64Bytes(t, 2)), NotFound)
	d.c.Close()
}

func TestAsyncTimeoutAndInterrupt(t *testing.T) {
	c, q := asyncComposition(t, 150*time.Millisecond)
	call, err := c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	d := next(t, q)
	_, err = call.Wait(waitCtx(t))
	wantCode(t, err, Limit, "timeout")
	wantCode(t, d.c.Complete(s64Bytes(t, 2)), NotFound)
	d.c.Close()
	call.Close()

	c2, q2 := asyncComposition(t, 0)
	call, err = c2.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	defer call.Close()
	d = next(t, q2)
	defer d.c.Close()
	errc := make(chan error, 1)
	go func() { _, err := call.Wait(waitCtx(t)); errc <- err }()
	c2.Interrupt()
	wantCode(t, <-errc, Interrupted)
	wantCode(t, d.c.Complete(s64Bytes(t, 2)), NotFound)
}

// A deferred answer to sync guests (packr-guest 0.5.4 greeter, sync 0.24 cur_greeter): Call
// blocks its goroutine until another goroutine answers.
func TestDeferredAnswerToSyncGuests(t *testing.T) {
	for _, tc := range []struct{ wasm, imp, export, want string }{
		{"greeter", "greet", "hello", "Later, bob!"},
		{"cur_greeter", "lookup", "greet", "Hello, Later, bob!"},
	} {
		t.Run(tc.wasm, func(t *testing.T) {
			type ask struct {
				name string
				c    *Completion
			}
			q := make(chan ask, 4)
			var afterReturn *HostReply
			var doubleDefer error
			b := NewBuilder()
			must(t, b.AddPackageFile("g", guest(tc.wasm)))
			must(t, b.AddHostFunctionReply("host", tc.imp, func(in []byte, r *HostReply) ([]byte, error) {
				v, err := DecodeValue(in)
				if err != nil {
					return nil, err
				}
				defer v.Close()
				name, _ := v.AsString()
				c, err := r.Defer()
				if err != nil {
					return nil, err
				}
				_, doubleDefer = r.Defer()
				afterReturn = r
				q <- ask{name, c}
				return []byte("ignored: the answer was deferred"), errors.New("ignored too")
			}))
			must(t, b.AddHostFunction("host", "log", func([]byte) ([]byte, error) { return nil, nil }))
			if tc.wasm == "cur_greeter" {
				must(t, b.AddHostFunction("host", "try_lookup", func([]byte) ([]byte, error) { return nil, errors.New("unused") }))
			}
			c, err := b.Build()
			must(t, err)
			defer c.Close()
			go func() {
				a := <-q
				defer a.c.Close()
				s, _ := NewString("Later, " + a.name)
				defer s.Close()
				if err := a.c.CompleteValue(s); err != nil {
					t.Error(err)
				}
			}()
			name, _ := NewString("bob")
			defer name.Close()
			out, err := c.CallValue("g", tc.export, name)
			must(t, err)
			defer out.Close()
			if s, _ := out.AsString(); s != tc.want {
				t.Fatalf("got %q", s)
			}
			wantCode(t, doubleDefer, InvalidArgument)
			_, err = afterReturn.Defer()
			wantCode(t, err, InvalidArgument, "returned")

			// A sync guest's StartCall waits too and returns a finished call.
			go func() {
				a := <-q
				defer a.c.Close()
				if err := a.c.Fail("no answer for " + a.name); err != nil {
					t.Error(err)
				}
			}()
			call, err := c.StartCallValue("g", tc.export, name)
			must(t, err)
			defer call.Close()
			if call.Pending() {
				t.Fatal("a sync guest's call has finished when StartCall returns")
			}
			_, err = call.Wait(nil) //nolint:staticcheck // nil means Background
			wantCode(t, err, Host, "no answer for bob")
		})
	}
}

func TestPendingCodeAndSetContains(t *testing.T) {
	if Pending.String() != "PACKR_RESULT_PENDING" || Pending != 14 {
		t.Fatalf("%v %d", Pending, Pending)
	}
	s, err := ParseValue(`set<string>{"a", "c", "e"}`)
	must(t, err)
	defer s.Close()
	for _, tc := range []struct {
		item string
		want bool
	}{{"a", true}, {"c", true}, {"e", true}, {"b", false}, {"f", false}} {
		x, _ := NewString(tc.item)
		got, err := s.Contains(x)
		x.Close()
		must(t, err)
		if got != tc.want {
			t.Fatalf("%q in set: %v", tc.item, got)
		}
	}
	if GenerationV0_24.String() != "0.24" || Generation(99).String() != "unknown" {
		t.Fatal("generation names")
	}
}

// poll(2) for TestAsyncFdReadableAfterAnswer.
type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

const pollIn = 0x1

func poll(fds []pollFd, timeoutMs int) (int, error) {
	ts := syscall.NsecToTimespec(int64(timeoutMs) * int64(time.Millisecond))
	for {
		n, _, e := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), uintptr(len(fds)),
			uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(n), nil
	}
}

// A host function that panics after deferring: the completion still decides the outcome.
func TestHostReplyPanicAfterDefer(t *testing.T) {
	q := make(chan *Completion, 1)
	b := NewBuilder()
	must(t, b.AddPackageFile("a", guest("cur_async")))
	must(t, b.AddHostFunctionReply("host", "slow_double", func(in []byte, r *HostReply) ([]byte, error) {
		c, err := r.Defer()
		if err != nil {
			return nil, err
		}
		q <- c
		panic("after deferring")
	}))
	c, err := b.Build()
	must(t, err)
	defer c.Close()
	ch := c.CallAsync(waitCtx(t), "a", "fetch_double", s64Bytes(t, 8))
	done := <-q
	must(t, done.CompleteValue(NewS64(16)))
	done.Close()
	r := <-ch
	must(t, r.Err)
	if bytesS64(t, r.Output) != 16 {
		t.Fatal("wrong answer")
	}
}

// A resolved export started with Func.StartCall (the Func closed before the call ends), and a
// descriptor that the composition's timeout alone makes readable.
func TestFuncStartCallAndTimeoutWakesFd(t *testing.T) {
	c, q := asyncComposition(t, 100*time.Millisecond)
	f, err := c.Func("a", "fetch_double")
	must(t, err)
	call, err := f.StartCall(s64Bytes(t, 6))
	must(t, err)
	f.Close()
	d := next(t, q)
	if d.n != 6 {
		t.Fatalf("host saw %d", d.n)
	}
	must(t, d.c.Complete(s64Bytes(t, 12)))
	d.c.Close()
	out, err := call.Wait(waitCtx(t))
	must(t, err)
	if bytesS64(t, out) != 12 {
		t.Fatal("wrong result")
	}
	call.Close()

	call, err = c.StartCall("a", "fetch_double", s64Bytes(t, 1))
	must(t, err)
	defer call.Close()
	d = next(t, q)
	defer d.c.Close()
	// An event loop: wait for readiness, poll, repeat (a wake-up may be spurious).
	fd := int32(call.Fd())
	for i := 0; ; i++ {
		fds := []pollFd{{fd: fd, events: pollIn}}
		n, err := poll(fds, 10000)
		must(t, err)
		if n != 1 || fds[0].revents&pollIn == 0 {
			t.Fatal("the timeout did not wake the descriptor")
		}
		_, done, err := call.Poll()
		if done {
			wantCode(t, err, Limit, "timeout")
			return
		}
		if i == 100 {
			t.Fatal("still pending after 100 wake-ups")
		}
	}
}
