package packr

/*
#include <stdint.h>
#include <stdlib.h>
#include "packr.h"

extern int32_t packrGoHostCall(uintptr_t, uint8_t *, size_t, struct packr_host_reply *);
extern void packrGoHostFinalize(uintptr_t);

// The C side of the trampolines: user_data carries a cgo.Handle, converted here (in C) so Go
// never turns an integer into an unsafe.Pointer.
static int32_t packr_go_host_trampoline(void *user_data, const uint8_t *input, size_t input_len,
                                        packr_host_reply *reply) {
	return packrGoHostCall((uintptr_t)user_data, (uint8_t *)input, input_len, reply);
}

static void packr_go_host_finalizer(void *user_data) { packrGoHostFinalize((uintptr_t)user_data); }

static packr_result packr_go_add_host_function(packr_builder *b, const char *module, const char *name,
                                               uintptr_t handle, packr_error **error_out) {
	return packr_builder_add_host_function(b, module, name, packr_go_host_trampoline, (void *)handle,
	                                       packr_go_host_finalizer, error_out);
}
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"unsafe"
)

// HostFunc implements a host function: it receives the CGRF bytes the guest passed (a copy the
// function may keep) and returns the CGRF bytes of its answer, or an error. A nil answer (with
// a nil error) is the unit value (); an empty non-nil answer is not valid CGRF and fails the call
// with Decode. A returned error, or a panic, fails the guest's call: the
// top-level Call returns an *Error with Code Host and the message. It may run on several
// goroutines at once and may call back into the composition.
type HostFunc func(input []byte) ([]byte, error)

// ValueHostFunc adapts a function on Values into a HostFunc: it decodes the input, calls fn, and
// encodes its answer (a nil *Value answers the unit value). fn must not keep `in` (or views of
// it) past its return: it is closed afterwards, and so is the answer.
func ValueHostFunc(fn func(in *Value) (*Value, error)) HostFunc {
	return func(input []byte) ([]byte, error) {
		in, err := DecodeValue(input)
		if err != nil {
			return nil, err
		}
		defer in.Close()
		out, err := fn(in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return nil, nil
		}
		defer out.Close()
		return out.Encode()
	}
}

// HostReplyFunc is a host function that may answer later: it receives the guest's CGRF bytes
// and a *HostReply, valid only until it returns. To answer now it returns the answer as a
// HostFunc does; to answer later it calls reply.Defer() and hands the returned *Completion to
// whatever will produce the answer (another goroutine, an event loop); its return values are then
// ignored. Register it with Builder.AddHostFunctionReply.
//
// While the answer is outstanding, a packr-guest 0.5.4 package or a sync 0.24 package blocks
// the calling goroutine (and its OS thread) inside Call; an async packr-guest 0.24 package parks
// instead, so Composition.StartCall returns a pending *Call and the goroutine is free.
type HostReplyFunc func(input []byte, reply *HostReply) ([]byte, error)

// HostReply is how a HostReplyFunc answers later. It is valid only during the callback it was
// passed to (Defer fails with InvalidArgument afterwards).
type HostReply struct {
	mu       sync.Mutex
	ptr      *C.struct_packr_host_reply
	deferred bool
}

// Defer defers the host function's answer (packr_host_reply_defer): the returned *Completion
// is answered later, from any goroutine, with Complete, CompleteValue or Fail, and then
// closed. Whatever the host function returns after Defer is ignored. Deferring twice, or after
// the callback has returned, fails with InvalidArgument.
func (r *HostReply) Defer() (*Completion, error) {
	if r == nil {
		return nil, newError(InvalidArgument, "nil HostReply")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return nil, newError(InvalidArgument, "HostReply used after its host function returned")
	}
	var c *C.packr_completion
	if err := checkRC(C.packr_host_reply_defer(r.ptr, &c), "packr_host_reply_defer (deferred twice?)"); err != nil {
		return nil, err
	}
	r.deferred = true
	return newCompletion(c), nil
}

// Deferred reports whether Defer succeeded.
func (r *HostReply) Deferred() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deferred
}

// end makes the reply unusable (the callback returned) and tells whether it was deferred.
func (r *HostReply) end() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ptr = nil
	return r.deferred
}

// Completion is a deferred host answer (packr_completion), from HostReply.Defer. Answer it
// exactly once, from any goroutine, with Complete, CompleteValue or Fail, then Close it.
// Closing it unanswered fails the waiting call with Host ("freed the completion without
// completing it"); a finalizer does that for a Completion that is dropped without Close. Safe
// for concurrent use.
type Completion struct {
	refs
	ptr *C.packr_completion
}

func newCompletion(p *C.packr_completion) *Completion {
	c := &Completion{refs: refs{n: 1}, ptr: p}
	runtime.SetFinalizer(c, (*Completion).Close)
	return c
}

func (c *Completion) use(f func(p *C.packr_completion) error) error {
	if c == nil || !c.refs.acquire(true) {
		return newError(InvalidArgument, "Completion is closed")
	}
	defer func() {
		if c.refs.release() {
			C.packr_completion_free(c.ptr)
		}
	}()
	return f(c.ptr)
}

// Complete answers with CGRF output (copied) and wakes the waiting call; the bytes are checked
// before they reach the guest (invalid CGRF fails that call with Decode). Errors: answered
// before: InvalidArgument; the call has ended (failed, timed out, interrupted, or its Call
// was closed): NotFound.
func (c *Completion) Complete(output []byte) error {
	return c.use(func(p *C.packr_completion) error {
		var cerr *C.packr_error
		return check(C.packr_completion_complete(p, bytesPtr(output), C.size_t(len(output)), &cerr), cerr)
	})
}

// CompleteValue encodes v and answers with it (as Complete). A nil v answers the unit value.
func (c *Completion) CompleteValue(v *Value) error {
	if v == nil {
		unit, err := NewTuple()
		if err != nil {
			return err
		}
		defer unit.Close()
		v = unit
	}
	b, err := v.Encode()
	if err != nil {
		return err
	}
	return c.Complete(b)
}

// Fail answers with a failure: the waiting call fails with Host and message. Errors as for
// Complete.
func (c *Completion) Fail(message string) error {
	return c.use(func(p *C.packr_completion) error {
		cs, err := cString(message, "message")
		if err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(cs))
		var cerr *C.packr_error
		return check(C.packr_completion_fail(p, cs, &cerr), cerr)
	})
}

// Close frees the completion (unanswered, it fails the waiting call). Closing twice is fine.
func (c *Completion) Close() {
	if c == nil {
		return
	}
	if c.refs.close() {
		C.packr_completion_free(c.ptr)
	}
	runtime.SetFinalizer(c, nil)
}

type hostEntry struct {
	module, name string
	fn           HostReplyFunc
	calls        int64 // atomic
	finalized    int32 // atomic
}

// hostStats counts host function handles (for tests and leak checks).
var hostStats struct {
	live        int64 // handles created and not yet finalized
	created     int64
	finalized   int64
	badFinalize int64 // finalizer calls for a handle already deleted (must stay 0)
}

// HostFunctionStats reports how many Go host functions are registered with libpackr and not yet
// released (live), and how many were released twice (always 0 unless libpackr is broken).
func HostFunctionStats() (live, created, finalized, doubleFinalized int64) {
	return atomic.LoadInt64(&hostStats.live), atomic.LoadInt64(&hostStats.created),
		atomic.LoadInt64(&hostStats.finalized), atomic.LoadInt64(&hostStats.badFinalize)
}

// addHostFunction registers fn on b. libpackr owns the handle from here on: its finalizer
// (packrGoHostFinalize) deletes it, before this returns on failure.
func addHostFunction(b *C.packr_builder, module, name string, fn HostReplyFunc) error {
	if fn == nil {
		return newError(InvalidArgument, "host function %s.%s is nil", module, name)
	}
	cs, free, err := cStrings(module, "module name", name, "function name")
	if err != nil {
		return err
	}
	defer free()
	h := cgo.NewHandle(&hostEntry{module: module, name: name, fn: fn})
	atomic.AddInt64(&hostStats.live, 1)
	atomic.AddInt64(&hostStats.created, 1)
	var cerr *C.packr_error
	rc := C.packr_go_add_host_function(b, cs[0], cs[1], C.uintptr_t(h), &cerr)
	return check(rc, cerr)
}
