package packr

/*
#include <stdlib.h>
#include "packr.h"
*/
import "C"

import (
	"context"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Call is a call started with Composition.StartCall: finished already, or parked while an async
// packr-guest 0.24 package waits for a deferred host answer (see HostReply.Defer). Its methods
// are safe to call from several goroutines (a mutex serialises the C calls); Close may be
// called while another goroutine waits, which then returns an InvalidArgument error.
//
// Waiting does not hold an OS thread: Wait parks the goroutine on the call's file descriptor
// through the Go runtime's poller, so thousands of parked calls cost no threads.
type Call struct {
	mu      sync.Mutex
	ptr     *C.packr_call
	comp    *Composition
	started time.Time
	done    bool
	out     []byte
	err     error
	file    *os.File // a dup of the call's descriptor, registered with the runtime poller (closed by Close)
	noPoll  bool     // the descriptor could not be used: wait in slices of packr_call_wait
}

var errClosedCall = &Error{Code: InvalidArgument, Message: "Call is closed"}

// StartCall starts a call of export exportName of package pkg with CGRF input, without
// blocking on deferred host answers of async packages (packr_composition_call_start): when an
// async packr-guest 0.24 export parks on a host function that deferred its answer, it returns
// a pending *Call at once. Everything else (the wasm execution itself, a sync package waiting
// for a deferred answer) runs on this goroutine before it returns. Unknown package or export:
// NotFound; failures of the call itself come from Poll or Wait. Close the Call when done (a
// finalizer is the safety net).
func (c *Composition) StartCall(pkg, exportName string, input []byte) (*Call, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	defer c.release()
	cs, free, err := cStrings(pkg, "package name", exportName, "export name")
	if err != nil {
		return nil, err
	}
	defer free()
	started := time.Now()
	var out *C.packr_call
	var cerr *C.packr_error
	rc := C.packr_composition_call_start(c.ptr, cs[0], cs[1], bytesPtr(input), C.size_t(len(input)), &out, &cerr)
	if err := check(rc, cerr); err != nil {
		return nil, err
	}
	call := &Call{ptr: out, comp: c, started: started}
	runtime.SetFinalizer(call, (*Call).Close)
	return call, nil
}

// StartCall starts a call of the export with CGRF input (packr_func_call_start); same
// contract as Composition.StartCall. The Call keeps what it needs: the Func may be closed
// first.
func (f *Func) StartCall(input []byte) (*Call, error) {
	if f == nil || !f.refs.acquire(true) {
		return nil, &Error{Code: InvalidArgument, Message: "Func is closed"}
	}
	defer func() {
		if f.refs.release() {
			C.packr_func_free(f.ptr)
		}
	}()
	started := time.Now()
	var out *C.packr_call
	var cerr *C.packr_error
	rc := C.packr_func_call_start(f.ptr, bytesPtr(input), C.size_t(len(input)), &out, &cerr)
	if err := check(rc, cerr); err != nil {
		return nil, err
	}
	call := &Call{ptr: out, comp: f.comp, started: started}
	runtime.SetFinalizer(call, (*Call).Close)
	return call, nil
}

// StartCallValue encodes arg and starts the call (StartCall).
func (c *Composition) StartCallValue(pkg, exportName string, arg *Value) (*Call, error) {
	in, err := arg.Encode()
	if err != nil {
		return nil, err
	}
	return c.StartCall(pkg, exportName, in)
}

// Result is what CallAsync delivers: the CGRF output or the failure.
type Result struct {
	Output []byte
	Err    error
}

// CallAsync runs a call on a new goroutine and delivers its Result on the returned channel
// (buffered, so nobody has to receive). While an async package waits for deferred answers no
// OS thread is held (see Call.Wait). Cancelling ctx abandons a call that is still waiting (its
// instances are discarded, late answers get NotFound) and delivers ctx.Err().
func (c *Composition) CallAsync(ctx context.Context, pkg, exportName string, input []byte) <-chan Result {
	ch := make(chan Result, 1)
	go func() {
		call, err := c.StartCall(pkg, exportName, input)
		if err != nil {
			ch <- Result{Err: err}
			return
		}
		out, err := call.Wait(ctx)
		call.Close() // before delivering: an answer that comes after the Result gets NotFound
		ch <- Result{Output: out, Err: err}
	}()
	return ch
}

// Pending reports whether the call still waits for a deferred host answer.
func (call *Call) Pending() bool {
	call.mu.Lock()
	defer call.mu.Unlock()
	return call.ptr != nil && !call.done && bool(C.packr_call_is_pending(call.ptr))
}

// Fd returns a file descriptor (a pipe's read end) that becomes readable when a host answer
// for this call arrives, on an interrupt, or when the composition's timeout passes, for an
// event loop of your own; then call Poll (which reports the timeout). It belongs to the call:
// never close it; it is valid until Close. A finished or closed call gives -1. (Wait does not
// need it from you.)
func (call *Call) Fd() int {
	call.mu.Lock()
	defer call.mu.Unlock()
	if call.ptr == nil || call.done {
		return -1
	}
	return int(C.packr_call_fd(call.ptr))
}

// Poll resumes the call with the answers that have arrived, without blocking
// (packr_call_poll): done is false while it still waits; otherwise output and err are what
// Composition.Call would have returned, and stay so on every later Poll or Wait. The resumed
// package runs on this goroutine. A closed call: InvalidArgument.
func (call *Call) Poll() (output []byte, done bool, err error) {
	return call.step(-1)
}

// step is Poll (ms < 0) or packr_call_wait for up to ms milliseconds (ms > 0).
func (call *Call) step(ms int64) ([]byte, bool, error) {
	if call == nil {
		return nil, true, errClosedCall
	}
	call.mu.Lock()
	defer call.mu.Unlock()
	if call.done {
		return call.out, true, call.err
	}
	if call.ptr == nil {
		return nil, true, errClosedCall
	}
	var out *C.packr_bytes
	var cerr *C.packr_error
	var rc C.packr_result
	if ms < 0 {
		rc = C.packr_call_poll(call.ptr, &out, &cerr)
	} else {
		rc = C.packr_call_wait(call.ptr, C.uint64_t(ms), &out, &cerr)
	}
	if rc == C.PACKR_RESULT_PENDING {
		if cerr != nil {
			C.packr_error_free(cerr)
		}
		return nil, false, nil
	}
	call.done = true
	if call.err = check(rc, cerr); call.err == nil {
		call.out = takeBytes(out)
	}
	return call.out, true, call.err
}

// How long Wait parks on the descriptor before looking at the call's limits itself (answers
// wake it at once; the composition's timeout and Interrupt are checked by libpackr only in
// packr_call_wait). Also the slice of packr_call_wait when the descriptor cannot be used.
const waitSlice = 250 * time.Millisecond

// Wait waits until the call finishes and returns its output, or its failure. The composition's
// timeout and Composition.Interrupt end the wait with Limit or Interrupted. Cancelling ctx
// returns ctx.Err() and leaves the call as it was (still pending; Close abandons it). The
// goroutine parks on the call's descriptor through the runtime poller, holding no OS thread;
// where that is not possible it waits in slices of packr_call_wait.
func (call *Call) Wait(ctx context.Context) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	for {
		out, done, err := call.Poll()
		if done {
			return out, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		intr := call.comp.interrupted()
		limit := time.Time{}
		if call.comp.timeout > 0 {
			limit = call.started.Add(call.comp.timeout)
		}
		if !limit.IsZero() && !time.Now().Before(limit) {
			// The call's time is up, or about to be (libpackr counts from a moment later):
			// let libpackr notice, a few milliseconds at a time.
			if out, done, err := call.step(5); done {
				return out, err
			}
			continue
		}
		f := call.pollFile()
		if f == nil {
			if out, done, err := call.waitSlice(ctx, intr); done {
				return out, err
			}
			continue
		}
		until := time.Now().Add(waitSlice)
		if !limit.IsZero() && limit.Before(until) {
			until = limit
		}
		out, done, err = call.park(ctx, intr, f, until)
		if done {
			return out, err
		}
		// Woken by the deadline, ctx or Interrupt: libpackr looks at the call's limits.
		if out, done, err := call.step(1); done {
			return out, err
		}
	}
}

// WaitValue is Wait, decoding the output.
func (call *Call) WaitValue(ctx context.Context) (*Value, error) {
	out, err := call.Wait(ctx)
	if err != nil {
		return nil, err
	}
	return DecodeValue(out)
}

// waitSlice waits in packr_call_wait for up to waitSlice, or less when ctx or Interrupt fire
// (checked between short waits).
func (call *Call) waitSlice(ctx context.Context, intr <-chan struct{}) ([]byte, bool, error) {
	end := time.Now().Add(waitSlice)
	for time.Now().Before(end) {
		if out, done, err := call.step(20); done {
			return out, done, err
		}
		select {
		case <-ctx.Done():
			return nil, false, nil
		case <-intr:
			return nil, false, nil
		default:
		}
	}
	return nil, false, nil
}

// park waits on f (through the runtime poller) until an answer arrives and the call's Poll
// says it is done (true), or until, ctx or Interrupt (false).
func (call *Call) park(ctx context.Context, intr <-chan struct{}, f *os.File, until time.Time) ([]byte, bool, error) {
	rc, err := f.SyscallConn()
	if err != nil || f.SetReadDeadline(until) != nil {
		call.mu.Lock()
		call.noPoll = true
		call.mu.Unlock()
		return nil, false, nil
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
		case <-intr:
		case <-stop:
			return
		}
		_ = f.SetReadDeadline(time.Unix(1, 0)) // wake the parked Read now
	}()
	var out []byte
	var done bool
	var perr error
	// The callback runs before every wait: it polls the call (which drains the pipe), so an
	// answer that arrives after it makes the descriptor readable again and wakes the wait.
	_ = rc.Read(func(uintptr) bool {
		out, done, perr = call.Poll()
		if !done && ctx.Err() != nil {
			return true
		}
		return done
	})
	return out, done, perr
}

// pollFile returns the call's descriptor as an *os.File registered with the runtime poller
// (a duplicate, closed by Close), or nil when there is none or it cannot be used.
func (call *Call) pollFile() *os.File {
	call.mu.Lock()
	defer call.mu.Unlock()
	if call.file != nil || call.noPoll || call.ptr == nil || call.done {
		return call.file
	}
	fd := int(C.packr_call_fd(call.ptr))
	if fd < 0 {
		call.noPoll = true
		return nil
	}
	// The pipe is non-blocking (libpackr made it so), so os.NewFile registers the duplicate with
	// the poller. The duplicate shares the pipe; libpackr's own descriptor stays untouched.
	dup, err := dupCloexec(fd)
	if err != nil {
		call.noPoll = true
		return nil
	}
	call.file = os.NewFile(uintptr(dup), "packr-call")
	return call.file
}

func dupCloexec(fd int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	d, err := syscall.Dup(fd)
	if err != nil {
		return -1, err
	}
	syscall.CloseOnExec(d)
	return d, nil
}

// Close frees the call (packr_call_free). A call still pending is abandoned: its package
// instances are discarded and later answers to it get NotFound; a Wait in progress returns
// InvalidArgument. Closing twice is fine.
func (call *Call) Close() {
	if call == nil {
		return
	}
	call.mu.Lock()
	f := call.file
	call.file = nil
	if call.ptr != nil {
		C.packr_call_free(call.ptr)
		call.ptr = nil
	}
	if !call.done {
		call.done, call.err = true, errClosedCall
	}
	call.mu.Unlock()
	// Outside the lock: closing waits for a parked Read, whose callback takes the lock.
	if f != nil {
		_ = f.Close()
	}
	runtime.SetFinalizer(call, nil)
}
