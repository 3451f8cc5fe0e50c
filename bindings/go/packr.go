// Package packr is a Go binding (cgo) of libpackr, the C library that hosts packr WebAssembly
// packages.
//
// A [Builder] collects packages (WebAssembly modules built with packr-guest), wires one
// package's imports to another's exports, registers host functions written in Go and sets
// limits; [Builder.Build] turns it into a [Composition], whose exports are called with CGRF
// bytes ([Composition.Call]) or with [Value]s ([Composition.CallValue]). [Composition.Func]
// resolves an export once for repeated calls.
//
// Host functions may answer later ([Builder.AddHostFunctionReply], [HostReply.Defer],
// [Completion]); an async packr-guest 0.24 package then parks, and [Composition.StartCall]
// returns a pending [Call] ([Call.Wait] with a context, [Call.Poll], [Call.Fd]), or
// [Composition.CallAsync] delivers the [Result] on a channel. Waiting goroutines hold no OS
// thread: they park on the call's descriptor through the runtime poller.
//
// Memory: every object that owns C memory ([Builder], [Composition], [Func], [Value], [Type])
// has an explicit Close method and a finalizer as a safety net, so forgetting Close leaks
// nothing in the long run, but closing deterministically is cheaper and recommended.
//
// Threads: a [Composition] and a [Func] may be used from any number of goroutines at once
// (calls run in parallel, each on its own set of package instances). A [Builder] is guarded
// by a mutex. A [Value] is not safe to modify concurrently; reading one from several
// goroutines at once is fine.
//
// Errors returned by this package are *[Error] values carrying the libpackr result [Code] and
// the library's message; use errors.As to inspect them.
package packr

/*
#include <stdlib.h>
#include "packr.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// Code is a libpackr result code (packr_result). The numbers are stable.
type Code uint32

// The result codes of libpackr (PACKR_RESULT_*).
const (
	OK              Code = C.PACKR_RESULT_OK
	InvalidArgument Code = C.PACKR_RESULT_INVALID_ARGUMENT
	NotFound        Code = C.PACKR_RESULT_NOT_FOUND
	Compile         Code = C.PACKR_RESULT_COMPILE
	Link            Code = C.PACKR_RESULT_LINK
	Trap            Code = C.PACKR_RESULT_TRAP
	Guest           Code = C.PACKR_RESULT_GUEST
	Host            Code = C.PACKR_RESULT_HOST
	Decode          Code = C.PACKR_RESULT_DECODE
	Encode          Code = C.PACKR_RESULT_ENCODE
	Limit           Code = C.PACKR_RESULT_LIMIT
	Interrupted     Code = C.PACKR_RESULT_INTERRUPTED
	IO              Code = C.PACKR_RESULT_IO
	Panic           Code = C.PACKR_RESULT_PANIC
	// Pending: a started call still waits for a deferred host answer (not a failure; Call.Poll
	// reports it as done == false).
	Pending Code = C.PACKR_RESULT_PENDING
)

// String gives the C name of the code, for example "PACKR_RESULT_HOST", or
// "PACKR_RESULT_UNKNOWN" for a number that is not a result code.
func (c Code) String() string {
	return C.GoString(C.packr_result_name(C.uint32_t(c)))
}

// Error is a libpackr failure: its result code and the library's message, which names what went
// wrong and where (package, function, byte offset, limit).
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code.String()
	}
	return e.Code.String() + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code and an empty Message (or the same
// Message), so errors.Is(err, &packr.Error{Code: packr.Interrupted}) tests for a code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// NotAPackrError is what CodeOf returns for an error that is not an *Error.
const NotAPackrError Code = 0xFFFFFFFF

// CodeOf returns the Code of err when it is (or wraps) an *Error, OK for nil, and
// NotAPackrError for any other error.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return NotAPackrError
}

// Version is the version of the loaded libpackr, "X.Y.Z".
func Version() string { return C.GoString(C.packr_version()) }

// HeaderVersion is the version of the header this package was compiled against.
const HeaderVersion = C.PACKR_VERSION_STRING

func newError(code Code, format string, args ...interface{}) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// check turns a packr_result and an optional packr_error into a Go error, freeing the C error.
func check(rc C.packr_result, cerr *C.packr_error) error {
	if rc == C.PACKR_RESULT_OK {
		if cerr != nil {
			C.packr_error_free(cerr)
		}
		return nil
	}
	if cerr == nil {
		return &Error{Code: Code(rc)}
	}
	e := &Error{Code: Code(C.packr_error_code(cerr)), Message: C.GoString(C.packr_error_message(cerr))}
	C.packr_error_free(cerr)
	return e
}

// checkRC is check for functions without an error_out parameter.
func checkRC(rc C.packr_result, what string) error {
	if rc == C.PACKR_RESULT_OK {
		return nil
	}
	return &Error{Code: Code(rc), Message: what}
}

// cString copies s into C memory (free it with C.free). A NUL byte inside s cannot be passed
// through a C string and is reported as InvalidArgument.
func cString(s, what string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, newError(InvalidArgument, "%s contains a NUL byte", what)
	}
	return C.CString(s), nil
}

// cStrings converts several strings at once; the returned function frees them all.
func cStrings(pairs ...string) ([]*C.char, func(), error) {
	out := make([]*C.char, 0, len(pairs)/2)
	free := func() {
		for _, p := range out {
			C.free(unsafe.Pointer(p))
		}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		p, err := cString(pairs[i], pairs[i+1])
		if err != nil {
			free()
			return nil, func() {}, err
		}
		out = append(out, p)
	}
	return out, free, nil
}

// bytesPtr gives a pointer to the first byte of b for a borrowed (pointer, length) argument,
// or nil for an empty slice.
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// takeBytes copies a packr_bytes into Go memory and frees it.
func takeBytes(b *C.packr_bytes) []byte {
	if b == nil {
		return nil
	}
	n := int(C.packr_bytes_len(b))
	out := make([]byte, n)
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(C.packr_bytes_data(b))), n))
	}
	C.packr_bytes_free(b)
	return out
}

// goStringN copies a borrowed (pointer, length) UTF-8 view.
func goStringN(p *C.char, n C.size_t) string {
	if n == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
}
