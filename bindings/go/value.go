package packr

/*
#include <stdlib.h>
#include "packr.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Value is a packr value (packr_value): one of the 22 kinds, possibly a tree of nested values.
//
// A Value is either owned (from a constructor, DecodeValue, ParseValue, Clone, a call's result)
// or a view: Get returns a borrowed view of a child, which keeps its owner alive and is valid
// while the owner is open and not modified. Using a view after its owner was closed or
// modified (Push, RecordPush) returns an InvalidArgument error instead of touching freed memory.
// Closing a view does nothing.
//
// Constructors and Push take ownership of the values they are given: an owned value passed as
// a child is moved into its new parent and is closed afterwards (using it again returns an
// InvalidArgument error). A view passed as a child is copied instead. *Type arguments are
// always copied.
//
// Values are not safe to modify from several goroutines at once; reading one (Encode, Text,
// accessors) from several goroutines at once is fine.
type Value struct {
	ptr   *C.packr_value
	owner *Value // nil for an owned value; the owned root for a view
	gen   uint64 // owned: bumped on every change; view: the owner's gen at creation
	moved bool   // owned: ptr was moved into a container
}

func wrapValue(p *C.packr_value) *Value {
	if p == nil {
		return nil
	}
	v := &Value{ptr: p}
	runtime.SetFinalizer(v, (*Value).Close)
	return v
}

func newValue(p *C.packr_value) (*Value, error) {
	if p == nil {
		return nil, newError(InvalidArgument, "out of memory")
	}
	return wrapValue(p), nil
}

// cptr returns the C pointer if v can be used.
func (v *Value) cptr() (*C.packr_value, error) {
	if v == nil {
		return nil, newError(InvalidArgument, "nil Value")
	}
	if v.owner == nil {
		if v.ptr == nil {
			if v.moved {
				return nil, newError(InvalidArgument, "Value was moved into a container")
			}
			return nil, newError(InvalidArgument, "Value is closed")
		}
		return v.ptr, nil
	}
	if v.owner.ptr == nil {
		return nil, newError(InvalidArgument, "view of a closed Value")
	}
	if v.owner.gen != v.gen {
		return nil, newError(InvalidArgument, "view of a Value that was modified since")
	}
	return v.ptr, nil
}

// IsView reports whether v is a borrowed view (from Get) rather than an owned value.
func (v *Value) IsView() bool { return v != nil && v.owner != nil }

// Close frees an owned value and everything inside it; views of it become invalid. Closing a
// view, a nil Value, or twice, is fine.
func (v *Value) Close() {
	if v == nil || v.owner != nil || v.ptr == nil {
		return
	}
	C.packr_value_free(v.ptr)
	v.ptr = nil
	v.gen++
	runtime.SetFinalizer(v, nil)
}

// take hands v's C value to a function that consumes it: an owned value is moved (v is closed
// afterwards), a view is copied.
func (v *Value) take() (*C.packr_value, error) {
	p, err := v.cptr()
	if err != nil {
		return nil, err
	}
	if v.owner != nil {
		c := C.packr_value_clone(p)
		runtime.KeepAlive(v)
		if c == nil {
			return nil, newError(InvalidArgument, "out of memory")
		}
		return c, nil
	}
	v.ptr = nil
	v.moved = true
	v.gen++
	runtime.SetFinalizer(v, nil)
	return p, nil
}

// mutable returns the C pointer of an owned value about to be modified.
func (v *Value) mutable() (*C.packr_value, error) {
	p, err := v.cptr()
	if err != nil {
		return nil, err
	}
	if v.owner != nil {
		return nil, newError(InvalidArgument, "cannot modify a view; Clone it first")
	}
	return p, nil
}

// checkAll validates values before any is consumed, so a bad argument consumes nothing.
func checkAll(vs []*Value) error {
	for i, v := range vs {
		if _, err := v.cptr(); err != nil {
			return err
		}
		for _, w := range vs[:i] {
			if w == v && v.owner == nil {
				return newError(InvalidArgument, "the same Value is passed twice")
			}
		}
	}
	return nil
}

// ---- scalar constructors ----

// NewBool returns a new bool value.
func NewBool(x bool) *Value { return wrapValue(C.packr_value_bool(C.bool(x))) }

// NewU8 returns a new u8 value.
func NewU8(x uint8) *Value { return wrapValue(C.packr_value_u8(C.uint8_t(x))) }

// NewU16 returns a new u16 value.
func NewU16(x uint16) *Value { return wrapValue(C.packr_value_u16(C.uint16_t(x))) }

// NewU32 returns a new u32 value.
func NewU32(x uint32) *Value { return wrapValue(C.packr_value_u32(C.uint32_t(x))) }

// NewU64 returns a new u64 value.
func NewU64(x uint64) *Value { return wrapValue(C.packr_value_u64(C.uint64_t(x))) }

// NewS8 returns a new s8 value.
func NewS8(x int8) *Value { return wrapValue(C.packr_value_s8(C.int8_t(x))) }

// NewS16 returns a new s16 value.
func NewS16(x int16) *Value { return wrapValue(C.packr_value_s16(C.int16_t(x))) }

// NewS32 returns a new s32 value.
func NewS32(x int32) *Value { return wrapValue(C.packr_value_s32(C.int32_t(x))) }

// NewS64 returns a new s64 value.
func NewS64(x int64) *Value { return wrapValue(C.packr_value_s64(C.int64_t(x))) }

// NewF32 returns a new f32 value (every bit pattern, NaN payloads included, is kept).
func NewF32(x float32) *Value { return wrapValue(C.packr_value_f32(C.float(x))) }

// NewF64 returns a new f64 value (every bit pattern, NaN payloads included, is kept).
func NewF64(x float64) *Value { return wrapValue(C.packr_value_f64(C.double(x))) }

// NewFlags returns a new flags value (bit i set = flag i).
func NewFlags(x uint64) *Value { return wrapValue(C.packr_value_flags(C.uint64_t(x))) }

// NewChar returns a new char value; r must be a Unicode scalar value.
func NewChar(r rune) (*Value, error) {
	if r < 0 {
		return nil, newError(InvalidArgument, "char %d is not a Unicode scalar value", r)
	}
	var out *C.packr_value
	if err := checkRC(C.packr_value_char(C.uint32_t(r), &out), "char is not a Unicode scalar value"); err != nil {
		return nil, err
	}
	return newValue(out)
}

// NewString returns a new string value; s must be valid UTF-8 (NUL bytes are fine).
func NewString(s string) (*Value, error) {
	b := []byte(s)
	var out *C.packr_value
	var p *C.char
	if len(b) > 0 {
		p = (*C.char)(unsafe.Pointer(&b[0]))
	}
	if err := checkRC(C.packr_value_string(p, C.size_t(len(b)), &out), "string is not valid UTF-8"); err != nil {
		return nil, err
	}
	return newValue(out)
}

// ---- containers ----

// NewTuple returns a tuple of items (moved in); no items give the unit value ().
func NewTuple(items ...*Value) (*Value, error) {
	if err := checkAll(items); err != nil {
		return nil, err
	}
	t, err := newValue(C.packr_value_tuple_new())
	if err != nil {
		return nil, err
	}
	if err := t.Push(items...); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// NewList returns a list with element type elem holding items (moved in). Items are not checked
// against elem, but a list of a fixed-width element type only encodes when every item has it.
func NewList(elem *Type, items ...*Value) (*Value, error) {
	if err := checkAll(items); err != nil {
		return nil, err
	}
	t, err := elem.owned()
	if err != nil {
		return nil, err
	}
	var out *C.packr_value
	if err := checkRC(C.packr_value_list_new(t, &out), "packr_value_list_new"); err != nil {
		return nil, err
	}
	l := wrapValue(out)
	if err := l.Push(items...); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Field is a record field for NewRecord.
type Field struct {
	Name  string
	Value *Value
}

// NewRecord returns a record of type typeName with fields (their values are moved in; order is
// kept, duplicate names are allowed).
func NewRecord(typeName string, fields ...Field) (*Value, error) {
	vs := make([]*Value, len(fields))
	for i, f := range fields {
		vs[i] = f.Value
	}
	if err := checkAll(vs); err != nil {
		return nil, err
	}
	cs, err := cString(typeName, "record type name")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var out *C.packr_value
	if err := checkRC(C.packr_value_record_new(cs, &out), "packr_value_record_new"); err != nil {
		return nil, err
	}
	r := wrapValue(out)
	for _, f := range fields {
		if err := r.RecordPush(f.Name, f.Value); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// NewVariant returns the variant case typeName::caseName with tag and payload values (moved
// in). The tag is independent of the case name; CGRF carries 32 bits of it.
func NewVariant(typeName, caseName string, tag uint64, payload ...*Value) (*Value, error) {
	if err := checkAll(payload); err != nil {
		return nil, err
	}
	cs, free, err := cStrings(typeName, "variant type name", caseName, "variant case name")
	if err != nil {
		return nil, err
	}
	defer free()
	var out *C.packr_value
	if err := checkRC(C.packr_value_variant_new(cs[0], cs[1], C.uint64_t(tag), &out), "packr_value_variant_new"); err != nil {
		return nil, err
	}
	v := wrapValue(out)
	if err := v.Push(payload...); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// NewSome returns some(x) with inner type inner (x is moved in).
func NewSome(inner *Type, x *Value) (*Value, error) {
	if _, err := x.cptr(); err != nil {
		return nil, err
	}
	t, err := inner.owned()
	if err != nil {
		return nil, err
	}
	p, err := x.take()
	if err != nil {
		C.packr_type_free(t)
		return nil, err
	}
	var out *C.packr_value
	if err := checkRC(C.packr_value_option_some(t, p, &out), "packr_value_option_some"); err != nil {
		return nil, err
	}
	return newValue(out)
}

// NewNone returns none with inner type inner.
func NewNone(inner *Type) (*Value, error) {
	t, err := inner.owned()
	if err != nil {
		return nil, err
	}
	var out *C.packr_value
	if err := checkRC(C.packr_value_option_none(t, &out), "packr_value_option_none"); err != nil {
		return nil, err
	}
	return newValue(out)
}

func newResult(isErr bool, okType, errType *Type, x *Value) (*Value, error) {
	if _, err := x.cptr(); err != nil {
		return nil, err
	}
	o, err := okType.owned()
	if err != nil {
		return nil, err
	}
	e, err := errType.owned()
	if err != nil {
		C.packr_type_free(o)
		return nil, err
	}
	p, err := x.take()
	if err != nil {
		C.packr_type_free(o)
		C.packr_type_free(e)
		return nil, err
	}
	var out *C.packr_value
	var rc C.packr_result
	if isErr {
		rc = C.packr_value_result_err(o, e, p, &out)
	} else {
		rc = C.packr_value_result_ok(o, e, p, &out)
	}
	if err := checkRC(rc, "packr_value_result"); err != nil {
		return nil, err
	}
	return newValue(out)
}

// NewOk returns ok(x) of type result<okType, errType> (x is moved in).
func NewOk(okType, errType *Type, x *Value) (*Value, error) {
	return newResult(false, okType, errType, x)
}

// NewErr returns err(x) of type result<okType, errType> (x is moved in).
func NewErr(okType, errType *Type, x *Value) (*Value, error) {
	return newResult(true, okType, errType, x)
}

// Entry is a map entry: for NewMap, and as returned (views) by Entries.
type Entry struct {
	Key, Value *Value
}

// NewMap returns a map<keyType, valueType> holding entries (keys and values moved in), given in
// any order: a map keeps its keys unique and in canonical order. A duplicate key fails with
// InvalidArgument (libpackr's message names the key).
func NewMap(keyType, valueType *Type, entries ...Entry) (*Value, error) {
	vs := make([]*Value, 0, 2*len(entries))
	for _, e := range entries {
		vs = append(vs, e.Key, e.Value)
	}
	if err := checkAll(vs); err != nil {
		return nil, err
	}
	k, err := keyType.owned()
	if err != nil {
		return nil, err
	}
	t, err := valueType.owned()
	if err != nil {
		C.packr_type_free(k)
		return nil, err
	}
	var out *C.packr_value
	if err := checkRC(C.packr_value_map_new(k, t, &out), "packr_value_map_new"); err != nil {
		return nil, err
	}
	m := wrapValue(out)
	for i, e := range entries {
		if err := m.Insert(e.Key, e.Value); err != nil {
			for _, r := range entries[i+1:] {
				r.Key.Close()
				r.Value.Close()
			}
			m.Close()
			return nil, err
		}
	}
	return m, nil
}

// NewSet returns a set<elem> holding items (moved in), given in any order: a set keeps its items
// unique and in canonical order. A duplicate item fails with InvalidArgument.
func NewSet(elem *Type, items ...*Value) (*Value, error) {
	if err := checkAll(items); err != nil {
		return nil, err
	}
	t, err := elem.owned()
	if err != nil {
		return nil, err
	}
	var out *C.packr_value
	if err := checkRC(C.packr_value_set_new(t, &out), "packr_value_set_new"); err != nil {
		return nil, err
	}
	s := wrapValue(out)
	if err := s.Add(items...); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Insert adds the entry key: val (both moved in, also when it fails) to a map, at its key's
// place in canonical order. A key the map already has fails with InvalidArgument and
// libpackr's message; so does a v that is not a map. Views of v taken before become invalid.
func (v *Value) Insert(key, val *Value) error {
	p, err := v.mutable()
	if err != nil {
		return err
	}
	if err := checkAll([]*Value{key, val}); err != nil {
		return err
	}
	if key == v || val == v {
		return newError(InvalidArgument, "cannot insert a map into itself")
	}
	defer runtime.KeepAlive(v)
	k, err := key.take()
	if err != nil {
		return err
	}
	x, err := val.take()
	if err != nil {
		C.packr_value_free(k)
		return err
	}
	v.gen++
	var cerr *C.packr_error
	return check(C.packr_value_map_insert(p, k, x, &cerr), cerr)
}

// Add inserts items (moved in, also when it fails) into a set, each at its place in canonical
// order. An item the set already has fails with InvalidArgument (the items after it are
// closed, the ones before it stay inserted); so does a v that is not a set. Views of v taken
// before become invalid.
func (v *Value) Add(items ...*Value) error {
	p, err := v.mutable()
	if err != nil {
		return err
	}
	if err := checkAll(items); err != nil {
		return err
	}
	for _, it := range items {
		if it == v {
			return newError(InvalidArgument, "cannot insert a set into itself")
		}
	}
	defer runtime.KeepAlive(v)
	cs := make([]*C.packr_value, 0, len(items))
	for _, it := range items {
		c, err := it.take()
		if err != nil {
			for _, q := range cs {
				C.packr_value_free(q)
			}
			return err
		}
		cs = append(cs, c)
	}
	v.gen++
	for i, c := range cs {
		var cerr *C.packr_error
		if err := check(C.packr_value_set_insert(p, c, &cerr), cerr); err != nil {
			for _, q := range cs[i+1:] {
				C.packr_value_free(q)
			}
			return err
		}
	}
	return nil
}

// Push appends items (moved in) to a list's items, a tuple's items or a variant's payload.
// Views of v taken before become invalid.
func (v *Value) Push(items ...*Value) error {
	p, err := v.mutable()
	if err != nil {
		return err
	}
	if err := checkAll(items); err != nil {
		return err
	}
	for _, it := range items {
		if it == v {
			return newError(InvalidArgument, "cannot push a value into itself")
		}
	}
	defer runtime.KeepAlive(v)
	// Take every item first (views of v itself are copied before v changes), then push.
	cs := make([]*C.packr_value, 0, len(items))
	for _, it := range items {
		c, err := it.take()
		if err != nil {
			for _, q := range cs {
				C.packr_value_free(q)
			}
			return err
		}
		cs = append(cs, c)
	}
	v.gen++
	for i, c := range cs {
		if err := checkRC(C.packr_value_push(p, c), "packr_value_push: not a list, tuple or variant"); err != nil {
			for _, q := range cs[i+1:] {
				C.packr_value_free(q)
			}
			return err
		}
	}
	return nil
}

// RecordPush appends field name: x (moved in) to a record. Views of v taken before become
// invalid.
func (v *Value) RecordPush(name string, x *Value) error {
	p, err := v.mutable()
	if err != nil {
		return err
	}
	if _, err := x.cptr(); err != nil {
		return err
	}
	if x == v {
		return newError(InvalidArgument, "cannot push a value into itself")
	}
	cs, err := cString(name, "field name")
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	c, err := x.take()
	if err != nil {
		return err
	}
	v.gen++
	defer runtime.KeepAlive(v)
	return checkRC(C.packr_value_record_push(p, cs, c), "packr_value_record_push: not a record")
}

// ---- encoding and text ----

// Limits bound what decoding accepts; 0 means libpackr's default for that limit.
type Limits struct {
	MaxBytes, MaxNodes, MaxDepth uint64
}

// DecodeValue decodes CGRF bytes with the default limits.
func DecodeValue(data []byte) (*Value, error) {
	var out *C.packr_value
	var cerr *C.packr_error
	if err := check(C.packr_value_decode(bytesPtr(data), C.size_t(len(data)), &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return newValue(out)
}

// DecodeValueLimited decodes CGRF bytes with explicit limits.
func DecodeValueLimited(data []byte, l Limits) (*Value, error) {
	var out *C.packr_value
	var cerr *C.packr_error
	rc := C.packr_value_decode_limited(bytesPtr(data), C.size_t(len(data)), C.uint64_t(l.MaxBytes),
		C.uint64_t(l.MaxNodes), C.uint64_t(l.MaxDepth), &out, &cerr)
	if err := check(rc, cerr); err != nil {
		return nil, err
	}
	return newValue(out)
}

// ParseValue reads a value in the text form, for example `point{x: 1s32, y: 2s32}`.
func ParseValue(text string) (*Value, error) {
	cs, err := cString(text, "value text")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var out *C.packr_value
	var cerr *C.packr_error
	if err := check(C.packr_value_parse(cs, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return newValue(out)
}

// MustParseValue is ParseValue that panics on error, for constant texts.
func MustParseValue(text string) *Value {
	v, err := ParseValue(text)
	if err != nil {
		panic(err)
	}
	return v
}

// EncodeVersion returns the value's CGRF bytes in wire version 2 (packr 0.5.4: maps and sets
// become lists of (key, value) tuples and lists) or 3 (packr 0.24). Another version fails with
// InvalidArgument.
func (v *Value) EncodeVersion(version int) ([]byte, error) {
	p, err := v.cptr()
	if err != nil {
		return nil, err
	}
	if version < 0 || version > 0xFFFFFFFF {
		return nil, newError(InvalidArgument, "version %d is not a CGRF version libpackr writes (2 or 3)", version)
	}
	defer runtime.KeepAlive(v)
	var out *C.packr_bytes
	var cerr *C.packr_error
	if err := check(C.packr_value_encode_version(p, C.uint32_t(version), &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// Encode returns the value's CGRF bytes: byte-for-byte as packr 0.5.4 (wire version 2), or, when
// the value holds a map or a set, as packr 0.24 (version 3). See EncodeVersion.
func (v *Value) Encode() ([]byte, error) {
	p, err := v.cptr()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(v)
	var out *C.packr_bytes
	var cerr *C.packr_error
	if err := check(C.packr_value_encode(p, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return takeBytes(out), nil
}

// Text prints the value in the (lossless) text form.
func (v *Value) Text() (string, error) {
	p, err := v.cptr()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(v)
	var out *C.packr_bytes
	var cerr *C.packr_error
	if err := check(C.packr_value_to_text(p, &out, &cerr), cerr); err != nil {
		return "", err
	}
	return string(takeBytes(out)), nil
}

// String is Text, or a placeholder naming the problem when the value cannot be used.
func (v *Value) String() string {
	s, err := v.Text()
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return s
}

// Clone returns an owned deep copy (of a value or a view).
func (v *Value) Clone() (*Value, error) {
	p, err := v.cptr()
	if err != nil {
		return nil, err
	}
	c := C.packr_value_clone(p)
	runtime.KeepAlive(v)
	return newValue(c)
}

// Equal reports whether both are the same value (kinds, types, names, tags, items; floats by
// their bits). Unusable values equal only each other.
func (v *Value) Equal(o *Value) bool {
	a, _ := v.cptr()
	b, _ := o.cptr()
	r := bool(C.packr_value_equal(a, b))
	runtime.KeepAlive(v)
	runtime.KeepAlive(o)
	return r
}
