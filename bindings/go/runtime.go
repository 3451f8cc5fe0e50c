package packr

/*
#include <stdlib.h>
#include "packr.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Builder collects packages, wires, host functions and limits, and builds a Composition.
// Its methods are safe to call from several goroutines (a mutex serialises them). After Build
// (successful or not) or Close, every method returns an InvalidArgument error.
type Builder struct {
	mu      sync.Mutex
	ptr     *C.packr_builder
	timeout time.Duration // as set (rounded up to ms), for the waits of started calls
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	b := &Builder{ptr: C.packr_builder_new()}
	runtime.SetFinalizer(b, (*Builder).Close)
	return b
}

// Close frees a builder that was not built, with everything added to it. Closing twice, or
// after Build, is fine.
func (b *Builder) Close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ptr != nil {
		C.packr_builder_free(b.ptr)
		b.ptr = nil
	}
	runtime.SetFinalizer(b, nil)
}

// with runs f with the builder's C pointer under the lock.
func (b *Builder) with(f func(p *C.packr_builder) error) error {
	if b == nil {
		return newError(InvalidArgument, "nil Builder")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ptr == nil {
		return newError(InvalidArgument, "Builder was already built or closed")
	}
	return f(b.ptr)
}

// AddPackage adds a package under name from the bytes of a WebAssembly module (compiled now;
// bytes that are not wasm give Compile).
func (b *Builder) AddPackage(name string, wasm []byte) error {
	return b.with(func(p *C.packr_builder) error {
		cs, err := cString(name, "package name")
		if err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(cs))
		var cerr *C.packr_error
		return check(C.packr_builder_add_package(p, cs, bytesPtr(wasm), C.size_t(len(wasm)), &cerr), cerr)
	})
}

// AddPackageFile adds a package under name from a .wasm file (IO when it cannot be read).
func (b *Builder) AddPackageFile(name, path string) error {
	return b.with(func(p *C.packr_builder) error {
		cs, free, err := cStrings(name, "package name", path, "path")
		if err != nil {
			return err
		}
		defer free()
		var cerr *C.packr_error
		return check(C.packr_builder_add_package_file(p, cs[0], cs[1], &cerr), cerr)
	})
}

// Wire makes package target's import importModule.importName run package source's export
// sourceExport. Names are checked by Build.
func (b *Builder) Wire(target, importModule, importName, source, sourceExport string) error {
	return b.wire(false, target, importModule, importName, source, sourceExport)
}

// WireUnchecked is Wire without the typed-wiring check: Build otherwise fails with a Link
// error when both packages declare signatures (metadata) for the two ends that do not match.
func (b *Builder) WireUnchecked(target, importModule, importName, source, sourceExport string) error {
	return b.wire(true, target, importModule, importName, source, sourceExport)
}

func (b *Builder) wire(unchecked bool, target, importModule, importName, source, sourceExport string) error {
	return b.with(func(p *C.packr_builder) error {
		cs, free, err := cStrings(target, "target package", importModule, "import module",
			importName, "import name", source, "source package", sourceExport, "source export")
		if err != nil {
			return err
		}
		defer free()
		var cerr *C.packr_error
		if unchecked {
			return check(C.packr_builder_wire_unchecked(p, cs[0], cs[1], cs[2], cs[3], cs[4], &cerr), cerr)
		}
		return check(C.packr_builder_wire(p, cs[0], cs[1], cs[2], cs[3], cs[4], &cerr), cerr)
	})
}

// AddHostFunction registers fn as the host function module.name for every package that
// imports it (and is not wired otherwise). libpackr keeps fn (through a cgo.Handle) until the
// last builder, composition or func holding it is freed.
func (b *Builder) AddHostFunction(module, name string, fn HostFunc) error {
	var rf HostReplyFunc
	if fn != nil {
		rf = func(input []byte, _ *HostReply) ([]byte, error) { return fn(input) }
	}
	return b.with(func(p *C.packr_builder) error {
		return addHostFunction(p, module, name, rf)
	})
}

// AddHostFunctionReply registers fn, a host function that may defer its answer (see
// HostReplyFunc and HostReply.Defer), as module.name; otherwise as AddHostFunction.
func (b *Builder) AddHostFunctionReply(module, name string, fn HostReplyFunc) error {
	return b.with(func(p *C.packr_builder) error {
		return addHostFunction(p, module, name, fn)
	})
}

// SetFuel sets the fuel per call (wasm instructions across every package a call reaches;
// 0 = unlimited). Running out fails the call with Limit.
func (b *Builder) SetFuel(fuelPerCall uint64) error {
	return b.with(func(p *C.packr_builder) error {
		return checkRC(C.packr_builder_set_fuel(p, C.uint64_t(fuelPerCall)), "packr_builder_set_fuel")
	})
}

// SetTimeout sets the wall-clock limit per call (0 = none), rounded up to whole milliseconds.
// A call that runs longer fails with Limit.
func (b *Builder) SetTimeout(d time.Duration) error {
	var ms uint64
	if d > 0 {
		ms = uint64((d + time.Millisecond - 1) / time.Millisecond)
	}
	return b.with(func(p *C.packr_builder) error {
		if err := checkRC(C.packr_builder_set_timeout_ms(p, C.uint64_t(ms)), "packr_builder_set_timeout_ms"); err != nil {
			return err
		}
		b.timeout = time.Duration(ms) * time.Millisecond
		return nil
	})
}

// SetMemoryLimit sets the largest linear memory per package instance in bytes (0 = none).
func (b *Builder) SetMemoryLimit(bytesPerPackage uint64) error {
	return b.with(func(p *C.packr_builder) error {
		return checkRC(C.packr_builder_set_memory_limit(p, C.uint64_t(bytesPerPackage)), "packr_builder_set_memory_limit")
	})
}

// SetValueLimits bounds the values packages and host functions hand to other guests (0 = the
// default for that limit).
func (b *Builder) SetValueLimits(l Limits) error {
	return b.with(func(p *C.packr_builder) error {
		return checkRC(C.packr_builder_set_value_limits(p, C.uint64_t(l.MaxBytes), C.uint64_t(l.MaxNodes),
			C.uint64_t(l.MaxDepth)), "packr_builder_set_value_limits")
	})
}

// Build checks the wiring, instantiates every package and returns the composition. The builder
// is used up either way.
func (b *Builder) Build() (*Composition, error) {
	var c *Composition
	err := b.with(func(p *C.packr_builder) error {
		b.ptr = nil // consumed on every return
		runtime.SetFinalizer(b, nil)
		var out *C.packr_composition
		var cerr *C.packr_error
		if err := check(C.packr_builder_build(p, &out, &cerr), cerr); err != nil {
			return err
		}
		c = newComposition(out)
		c.timeout = b.timeout
		return nil
	})
	return c, err
}

// refs counts the users of a C handle that may be freed while other goroutines use it: 1 for
// the open Go object plus 1 per call in flight. The C object is freed when it drops to 0, so
// Close never frees memory that a running call (or Interrupt) is using, and never blocks.
type refs struct {
	n      int64 // atomic
	closed int32 // atomic
}

func (r *refs) acquire(requireOpen bool) bool {
	if requireOpen && atomic.LoadInt32(&r.closed) != 0 {
		return false
	}
	for {
		n := atomic.LoadInt64(&r.n)
		if n <= 0 {
			return false
		}
		if atomic.CompareAndSwapInt64(&r.n, n, n+1) {
			return true
		}
	}
}

// release returns true when the caller must free the C object.
func (r *refs) release() bool { return atomic.AddInt64(&r.n, -1) == 0 }

// close returns true when the caller must free the C object.
func (r *refs) close() bool {
	if !atomic.CompareAndSwapInt32(&r.closed, 0, 1) {
		return false
	}
	return r.release()
}

// Composition is a built composition of packages, ready to call. It is safe to use from any
// number of goroutines at once: calls run in parallel, each on its own set of package
// instances (sequential calls reuse the same set, so package state persists between them).
type Composition struct {
	refs
	ptr      *C.packr_composition
	packages []string
	timeout  time.Duration // the per-call time limit (0: none)

	intrMu sync.Mutex
	intr   chan struct{} // closed (and replaced) by Interrupt, to wake the waits of started calls
}

func newComposition(p *C.packr_composition) *Composition {
	c := &Composition{refs: refs{n: 1}, ptr: p}
	n := int(C.packr_composition_package_count(p))
	for i := 0; i < n; i++ {
		c.packages = append(c.packages, C.GoString(C.packr_composition_package_name(p, C.size_t(i))))
	}
	runtime.SetFinalizer(c, (*Composition).Close)
	return c
}

var errClosedComposition = &Error{Code: InvalidArgument, Message: "Composition is closed"}

// Close releases the composition. Calls running on other goroutines finish first (the C object
// is freed when the last one returns); Funcs keep working until they are closed. Closing twice
// is fine.
func (c *Composition) Close() {
	if c == nil {
		return
	}
	if c.refs.close() {
		C.packr_composition_free(c.ptr)
	}
	runtime.SetFinalizer(c, nil)
}

// acquire takes a reference for a call; Interrupt (open == false) may still reach a closed
// composition while calls are in flight.
func (c *Composition) acquire() error {
	if c == nil || !c.refs.acquire(true) {
		return errClosedComposition
	}
	return nil
}

func (c *Composition) release() {
	if c.refs.release() {
		C.packr_composition_free(c.ptr)
	}
}

// Call calls export exportName of package pkg with CGRF input and returns its CGRF output.
// Failures are *Error values: NotFound, Guest (the guest's message), Trap, Host, Decode, Limit,
// Interrupted.
func (c *Composition) Call(pkg, exportName string, input []byte) ([]byte, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	defer c.release()
	cs, free, err := cStrings(pkg, "package name", exportName, "export name")
	if err != nil {
		return nil, err
	}
	defer free()
	var out *C.packr_bytes
	var cerr *C.packr_error
	rc := C.packr_composition_call(c.ptr, cs[0], cs[1], bytesPtr(input), C.size_t(len(input)), &out, &cerr)
	if err := check(rc, cerr); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// CallValue encodes arg, calls the export and decodes its result.
func (c *Composition) CallValue(pkg, exportName string, arg *Value) (*Value, error) {
	in, err := arg.Encode()
	if err != nil {
		return nil, err
	}
	out, err := c.Call(pkg, exportName, in)
	if err != nil {
		return nil, err
	}
	return DecodeValue(out)
}

// Func resolves pkg.exportName once, for fast repeated calls. The Func keeps the composition's
// C object alive until it is closed (even after Composition.Close).
func (c *Composition) Func(pkg, exportName string) (*Func, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	defer c.release()
	cs, free, err := cStrings(pkg, "package name", exportName, "export name")
	if err != nil {
		return nil, err
	}
	defer free()
	var out *C.packr_func
	var cerr *C.packr_error
	if err := check(C.packr_composition_func(c.ptr, cs[0], cs[1], &out, &cerr), cerr); err != nil {
		return nil, err
	}
	f := &Func{refs: refs{n: 1}, ptr: out, comp: c, Package: pkg, Export: exportName}
	runtime.SetFinalizer(f, (*Func).Close)
	return f, nil
}

// TypesBytes returns the CGRF bytes of package pkg's embedded type metadata (NotFound when it
// has none).
func (c *Composition) TypesBytes(pkg string) ([]byte, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	defer c.release()
	cs, err := cString(pkg, "package name")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var out *C.packr_bytes
	var cerr *C.packr_error
	if err := check(C.packr_composition_types(c.ptr, cs, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// Signature is one declared signature of a package (from its metadata of either generation):
// Kind is "import", "export" or "type-param" (a 0.24 interface type parameter, whose Text is
// its constraint); Text is e.g. "func(n: s64) -> s64".
type Signature struct {
	Kind, Interface, Name, Text string
}

// Signatures lists package pkg's declared signatures (packr_composition_signatures). A
// package without metadata gives a NotFound error.
func (c *Composition) Signatures(pkg string) ([]Signature, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	defer c.release()
	cs, err := cString(pkg, "package name")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var out *C.packr_bytes
	var cerr *C.packr_error
	if err := check(C.packr_composition_signatures(c.ptr, cs, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	var sigs []Signature
	for _, line := range strings.Split(string(takeBytes(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 4 {
			sigs = append(sigs, Signature{f[0], f[1], f[2], f[3]})
		}
	}
	return sigs, nil
}

// Types returns package pkg's embedded type metadata, decoded: a package-metadata record with
// imports and exports.
func (c *Composition) Types(pkg string) (*Value, error) {
	b, err := c.TypesBytes(pkg)
	if err != nil {
		return nil, err
	}
	return DecodeValue(b)
}

// Generation is the packr guest SDK generation that built a package (packr_generation).
type Generation uint32

// The generations (PACKR_GENERATION_*).
const (
	GenerationUnknown Generation = C.PACKR_GENERATION_UNKNOWN // no such package
	GenerationV0_5    Generation = C.PACKR_GENERATION_V0_5    // packr-guest 0.5.4: CGRF v2
	GenerationV0_24   Generation = C.PACKR_GENERATION_V0_24   // packr-guest 0.24: CGRF v3, maps and sets
)

// String gives "0.5", "0.24" or "unknown" (packr_generation_name).
func (g Generation) String() string {
	return C.GoString(C.packr_generation_name(C.uint32_t(g)))
}

// PackageGeneration tells which packr guest SDK generation built package pkg, and the evidence
// libpackr told it by (for example "its embedded metadata is CGRF v3"). A package the
// composition does not have, or a closed composition, gives GenerationUnknown and "".
func (c *Composition) PackageGeneration(pkg string) (Generation, string) {
	if c.acquire() != nil {
		return GenerationUnknown, ""
	}
	defer c.release()
	cs, err := cString(pkg, "package name")
	if err != nil {
		return GenerationUnknown, ""
	}
	defer C.free(unsafe.Pointer(cs))
	var ev *C.char
	g := Generation(C.packr_composition_package_generation(c.ptr, cs, &ev))
	if g == GenerationUnknown || ev == nil {
		return g, ""
	}
	return g, C.GoString(ev)
}

// Packages returns the package names, in the order they were added.
func (c *Composition) Packages() []string {
	if c == nil {
		return nil
	}
	return append([]string(nil), c.packages...)
}

// Interrupt stops the calls running in this composition right now (they fail with
// Interrupted). It is not sticky: with nothing running it does nothing. Safe from any
// goroutine, while others call, and still works after Close while calls are in flight.
func (c *Composition) Interrupt() {
	if c == nil || !c.refs.acquire(false) {
		return // closed, and nothing is running
	}
	defer c.release()
	C.packr_composition_interrupt(c.ptr)
	c.intrMu.Lock()
	if c.intr != nil {
		close(c.intr)
		c.intr = nil
	}
	c.intrMu.Unlock()
}

// interrupted returns a channel that Interrupt closes.
func (c *Composition) interrupted() <-chan struct{} {
	c.intrMu.Lock()
	defer c.intrMu.Unlock()
	if c.intr == nil {
		c.intr = make(chan struct{})
	}
	return c.intr
}

// Func is a resolved export. Safe to call from any number of goroutines at once.
type Func struct {
	refs
	ptr             *C.packr_func
	comp            *Composition
	Package, Export string
}

// Close releases the func (calls in flight finish first). Closing twice is fine.
func (f *Func) Close() {
	if f == nil {
		return
	}
	if f.refs.close() {
		C.packr_func_free(f.ptr)
	}
	runtime.SetFinalizer(f, nil)
}

// Call calls the export with CGRF input; same contract as Composition.Call.
func (f *Func) Call(input []byte) ([]byte, error) {
	if f == nil || !f.refs.acquire(true) {
		return nil, &Error{Code: InvalidArgument, Message: "Func is closed"}
	}
	defer func() {
		if f.refs.release() {
			C.packr_func_free(f.ptr)
		}
	}()
	var out *C.packr_bytes
	var cerr *C.packr_error
	if err := check(C.packr_func_call(f.ptr, bytesPtr(input), C.size_t(len(input)), &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// CallValue encodes arg, calls the export and decodes its result.
func (f *Func) CallValue(arg *Value) (*Value, error) {
	in, err := arg.Encode()
	if err != nil {
		return nil, err
	}
	out, err := f.Call(in)
	if err != nil {
		return nil, err
	}
	return DecodeValue(out)
}

// Engine configurations a precompiled artifact holds code for (PACKR_PRECOMPILE_*): plain code
// serves compositions without a fuel limit, fuel-metered code those with one.
const (
	PrecompilePlain uint32 = C.PACKR_PRECOMPILE_PLAIN
	PrecompileFuel  uint32 = C.PACKR_PRECOMPILE_FUEL
	PrecompileAll   uint32 = C.PACKR_PRECOMPILE_ALL
)

// Precompile compiles a wasm module into a precompiled artifact for AddPackagePrecompiled
// (packr_package_precompile). flags is PrecompilePlain, PrecompileFuel or PrecompileAll (0 means
// all). Bad wasm: Compile. The artifact loads only into the same libpackr version on a
// compatible machine.
func Precompile(wasm []byte, flags uint32) ([]byte, error) {
	var out *C.packr_bytes
	var cerr *C.packr_error
	if err := check(C.packr_package_precompile(bytesPtr(wasm), C.size_t(len(wasm)), C.uint32_t(flags), &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// PrecompileFile is Precompile from the wasm file wasmPath to the artifact file artifactPath
// (written to a temporary file and renamed into place). Unreadable or unwritable files: IO.
func PrecompileFile(wasmPath, artifactPath string, flags uint32) error {
	cs, free, err := cStrings(wasmPath, "wasm path", artifactPath, "artifact path")
	if err != nil {
		return err
	}
	defer free()
	var cerr *C.packr_error
	return check(C.packr_package_precompile_file(cs[0], cs[1], C.uint32_t(flags), &cerr), cerr)
}

// AddPackagePrecompiled adds a package under name from an artifact made by Precompile, without
// compiling. A stale, foreign, truncated or corrupt artifact fails with Compile, naming the
// problem. Artifacts contain machine code: load only artifacts you trust.
func (b *Builder) AddPackagePrecompiled(name string, artifact []byte) error {
	return b.with(func(p *C.packr_builder) error {
		cs, err := cString(name, "package name")
		if err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(cs))
		var cerr *C.packr_error
		return check(C.packr_builder_add_package_precompiled(p, cs, bytesPtr(artifact), C.size_t(len(artifact)), &cerr), cerr)
	})
}

// AddPackagePrecompiledFile is AddPackagePrecompiled from an artifact file (IO when it cannot
// be read).
func (b *Builder) AddPackagePrecompiledFile(name, path string) error {
	return b.with(func(p *C.packr_builder) error {
		cs, free, err := cStrings(name, "package name", path, "path")
		if err != nil {
			return err
		}
		defer free()
		var cerr *C.packr_error
		return check(C.packr_builder_add_package_precompiled_file(p, cs[0], cs[1], &cerr), cerr)
	})
}
