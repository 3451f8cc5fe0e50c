package packr

// This file holds the Go functions that C calls. Its preamble is copied into the generated
// _cgo_export.h, so it may only contain declarations.

/*
#include <stdlib.h>
#include "packr.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"strings"
	"sync/atomic"
	"unsafe"
)

// packrGoHostCall is the trampoline behind every Go host function: libpackr calls it (through
// the C wrapper packr_go_host_trampoline) with the cgo.Handle given as user_data. It never lets
// a Go panic escape into C: a panic becomes a host error naming the function.
//
//export packrGoHostCall
func packrGoHostCall(handle C.uintptr_t, input *C.uint8_t, inputLen C.size_t, reply *C.struct_packr_host_reply) (rc C.int32_t) {
	name := "?"
	r := &HostReply{ptr: reply}
	defer func() {
		if p := recover(); p != nil {
			if r.end() {
				rc = 0 // deferred before the panic: the completion decides
				return
			}
			setReplyError(reply, fmt.Sprintf("Go host function %s panicked: %v", name, p))
			rc = 1
		}
	}()
	e, ok := cgo.Handle(handle).Value().(*hostEntry)
	if !ok {
		setReplyError(reply, "Go host function: bad handle")
		return 1
	}
	name = e.module + "." + e.name
	atomic.AddInt64(&e.calls, 1)
	in := make([]byte, int(inputLen))
	if inputLen > 0 {
		copy(in, unsafe.Slice((*byte)(unsafe.Pointer(input)), int(inputLen)))
	}
	out, err := e.fn(in, r)
	if r.end() {
		return 0 // deferred: libpackr ignores any output or error now
	}
	if err != nil {
		msg := err.Error()
		if msg == "" {
			msg = fmt.Sprintf("Go host function %s failed", name)
		}
		setReplyError(reply, msg)
		return 1
	}
	if out == nil {
		return 0 // the unit value ()
	}
	if r := C.packr_host_reply_set_output(reply, bytesPtr(out), C.size_t(len(out))); r != C.PACKR_RESULT_OK {
		setReplyError(reply, fmt.Sprintf("Go host function %s: cannot set output (%s)", name, Code(r)))
		return 1
	}
	return 0
}

// packrGoHostFinalize runs when libpackr drops its last reference to a Go host function (from
// packr_builder_add_host_function on failure, or from the free of the last builder, composition
// or func holding it); it deletes the handle, exactly once.
//
//export packrGoHostFinalize
func packrGoHostFinalize(handle C.uintptr_t) {
	defer func() {
		if recover() != nil { // an already deleted handle: a library bug, never a crash
			atomic.AddInt64(&hostStats.badFinalize, 1)
		}
	}()
	h := cgo.Handle(handle)
	e, ok := h.Value().(*hostEntry)
	if !ok {
		atomic.AddInt64(&hostStats.badFinalize, 1)
		return
	}
	if !atomic.CompareAndSwapInt32(&e.finalized, 0, 1) {
		atomic.AddInt64(&hostStats.badFinalize, 1)
		return
	}
	h.Delete()
	atomic.AddInt64(&hostStats.live, -1)
	atomic.AddInt64(&hostStats.finalized, 1)
}

// setReplyError reports msg as the host function's failure. The message goes through a C string,
// so NUL bytes are escaped and invalid UTF-8 replaced.
func setReplyError(reply *C.struct_packr_host_reply, msg string) {
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	msg = strings.ReplaceAll(msg, "\x00", `\0`)
	cmsg := C.CString(msg)
	_ = C.packr_host_reply_set_error(reply, cmsg)
	C.free(unsafe.Pointer(cmsg))
}
