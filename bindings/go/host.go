package packr

/*
#include <stdint.h>
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
	"runtime/cgo"
	"sync/atomic"
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

type hostEntry struct {
	module, name string
	fn           HostFunc
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
func addHostFunction(b *C.packr_builder, module, name string, fn HostFunc) error {
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
