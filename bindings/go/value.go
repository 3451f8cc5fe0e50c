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

// ---- accessors ----

// Kind is the value's kind; KindNone for a nil, closed or stale value.
func (v *Value) Kind() Kind {
	p, err := v.cptr()
	if err != nil {
		return KindNone
	}
	defer runtime.KeepAlive(v)
	return Kind(C.packr_value_kind(p))
}

func (v *Value) wrongKind(want Kind) error {
	return newError(InvalidArgument, "value is a %s, not a %s", v.Kind(), want)
}

// AsBool returns the bool in v (no conversion between kinds).
func (v *Value) AsBool() (bool, error) {
	p, err := v.cptr()
	if err != nil {
		return false, err
	}
	defer runtime.KeepAlive(v)
	var x C.bool
	if C.packr_value_as_bool(p, &x) != C.PACKR_RESULT_OK {
		return false, v.wrongKind(KindBool)
	}
	return bool(x), nil
}

// AsU8 returns the u8 in v.
func (v *Value) AsU8() (uint8, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.uint8_t
	if C.packr_value_as_u8(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindU8)
	}
	return uint8(x), nil
}

// AsU16 returns the u16 in v.
func (v *Value) AsU16() (uint16, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.uint16_t
	if C.packr_value_as_u16(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindU16)
	}
	return uint16(x), nil
}

// AsU32 returns the u32 in v.
func (v *Value) AsU32() (uint32, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.uint32_t
	if C.packr_value_as_u32(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindU32)
	}
	return uint32(x), nil
}

// AsU64 returns the u64 in v.
func (v *Value) AsU64() (uint64, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.uint64_t
	if C.packr_value_as_u64(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindU64)
	}
	return uint64(x), nil
}

// AsS8 returns the s8 in v.
func (v *Value) AsS8() (int8, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.int8_t
	if C.packr_value_as_s8(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindS8)
	}
	return int8(x), nil
}

// AsS16 returns the s16 in v.
func (v *Value) AsS16() (int16, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.int16_t
	if C.packr_value_as_s16(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindS16)
	}
	return int16(x), nil
}

// AsS32 returns the s32 in v.
func (v *Value) AsS32() (int32, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.int32_t
	if C.packr_value_as_s32(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindS32)
	}
	return int32(x), nil
}

// AsS64 returns the s64 in v.
func (v *Value) AsS64() (int64, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.int64_t
	if C.packr_value_as_s64(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindS64)
	}
	return int64(x), nil
}

// AsF32 returns the f32 in v (bits preserved).
func (v *Value) AsF32() (float32, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.float
	if C.packr_value_as_f32(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindF32)
	}
	return float32(x), nil
}

// AsF64 returns the f64 in v (bits preserved).
func (v *Value) AsF64() (float64, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.double
	if C.packr_value_as_f64(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindF64)
	}
	return float64(x), nil
}

// AsFlags returns the flags mask in v.
func (v *Value) AsFlags() (uint64, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.uint64_t
	if C.packr_value_as_flags(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindFlags)
	}
	return uint64(x), nil
}

// AsChar returns the char in v.
func (v *Value) AsChar() (rune, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var x C.uint32_t
	if C.packr_value_as_char(p, &x) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindChar)
	}
	return rune(x), nil
}

// AsString returns a copy of the string in v.
func (v *Value) AsString() (string, error) {
	p, err := v.cptr()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(v)
	var s *C.char
	var n C.size_t
	if C.packr_value_as_string(p, &s, &n) != C.PACKR_RESULT_OK {
		return "", v.wrongKind(KindString)
	}
	return goStringN(s, n), nil
}

// Len is the number of children: list, tuple or set items, record fields, variant payload
// values, 1 for some and for a result, 2 per entry for a map (keys and values interleaved: key
// i is child 2i; see Entries), 0 for none and scalars (and for unusable values).
func (v *Value) Len() int {
	p, err := v.cptr()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(v)
	return int(C.packr_value_len(p))
}

// Get returns a view of child i (see Len), or nil when i is out of range or v is unusable. The
// view stays valid while v's owner is open and not modified.
func (v *Value) Get(i int) *Value {
	p, err := v.cptr()
	if err != nil || i < 0 {
		return nil
	}
	defer runtime.KeepAlive(v)
	c := C.packr_value_get(p, C.size_t(i))
	if c == nil {
		return nil
	}
	owner := v
	if v.owner != nil {
		owner = v.owner
	}
	return &Value{ptr: (*C.packr_value)(unsafe.Pointer(c)), owner: owner, gen: owner.gen}
}

// Items returns views of all children.
func (v *Value) Items() []*Value {
	n := v.Len()
	out := make([]*Value, n)
	for i := range out {
		out[i] = v.Get(i)
	}
	return out
}

// Entries returns views of a map's entries, in canonical key order (nil for other kinds).
func (v *Value) Entries() []Entry {
	if v.Kind() != KindMap {
		return nil
	}
	n := v.Len() / 2
	out := make([]Entry, n)
	for i := range out {
		out[i] = Entry{Key: v.Get(2 * i), Value: v.Get(2*i + 1)}
	}
	return out
}

// Find returns a view of the value stored under key in a map (a binary search), or nil when
// the map has no such key. key is only read. A v that is not a map fails with InvalidArgument.
func (v *Value) Find(key *Value) (*Value, error) {
	p, err := v.cptr()
	if err != nil {
		return nil, err
	}
	k, err := key.cptr()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(v)
	defer runtime.KeepAlive(key)
	if C.packr_value_kind(p) != C.PACKR_KIND_MAP {
		return nil, v.wrongKind(KindMap)
	}
	c := C.packr_value_map_find(p, k)
	if c == nil {
		return nil, nil
	}
	owner := v
	if v.owner != nil {
		owner = v.owner
	}
	return &Value{ptr: (*C.packr_value)(unsafe.Pointer(c)), owner: owner, gen: owner.gen}, nil
}

// Contains reports whether a map has the key x or a set has the item x (binary searches:
// packr_value_map_find, packr_value_set_contains). Other kinds fail with InvalidArgument.
func (v *Value) Contains(x *Value) (bool, error) {
	switch v.Kind() {
	case KindMap:
		f, err := v.Find(x)
		return f != nil, err
	case KindSet:
		p, err := v.cptr()
		if err != nil {
			return false, err
		}
		xp, err := x.cptr()
		if err != nil {
			return false, err
		}
		found := bool(C.packr_value_set_contains(p, xp))
		runtime.KeepAlive(v)
		runtime.KeepAlive(x)
		return found, nil
	}
	if _, err := v.cptr(); err != nil {
		return false, err
	}
	return false, newError(InvalidArgument, "value is a %s, not a map or set", v.Kind())
}

func (v *Value) nameView(what string, f func(p *C.packr_value, s **C.char, n *C.size_t) C.packr_result) (string, error) {
	p, err := v.cptr()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(v)
	var s *C.char
	var n C.size_t
	if rc := f(p, &s, &n); rc != C.PACKR_RESULT_OK {
		return "", newError(Code(rc), "%s of a %s value", what, v.Kind())
	}
	return goStringN(s, n), nil
}

// TypeName is the type name of a record or variant.
func (v *Value) TypeName() (string, error) {
	return v.nameView("type name", func(p *C.packr_value, s **C.char, n *C.size_t) C.packr_result {
		return C.packr_value_type_name(p, s, n)
	})
}

// CaseName is the case name of a variant.
func (v *Value) CaseName() (string, error) {
	return v.nameView("case name", func(p *C.packr_value, s **C.char, n *C.size_t) C.packr_result {
		return C.packr_value_case_name(p, s, n)
	})
}

// FieldName is the name of field i of a record; its value is Get(i).
func (v *Value) FieldName(i int) (string, error) {
	if i < 0 {
		return "", newError(NotFound, "field %d out of range", i)
	}
	return v.nameView("field name", func(p *C.packr_value, s **C.char, n *C.size_t) C.packr_result {
		return C.packr_value_field_name(p, C.size_t(i), s, n)
	})
}

// Field returns a view of the first field called name of a record, or nil.
func (v *Value) Field(name string) *Value {
	for i, n := 0, v.Len(); i < n; i++ {
		if f, err := v.FieldName(i); err == nil && f == name {
			return v.Get(i)
		} else if err != nil {
			return nil
		}
	}
	return nil
}

// Tag is the tag of a variant.
func (v *Value) Tag() (uint64, error) {
	p, err := v.cptr()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(v)
	var t C.uint64_t
	if C.packr_value_tag(p, &t) != C.PACKR_RESULT_OK {
		return 0, v.wrongKind(KindVariant)
	}
	return uint64(t), nil
}

// IsErr reports whether a result holds err (its payload is Get(0)).
func (v *Value) IsErr() (bool, error) {
	p, err := v.cptr()
	if err != nil {
		return false, err
	}
	defer runtime.KeepAlive(v)
	var b C.bool
	if C.packr_value_is_err(p, &b) != C.PACKR_RESULT_OK {
		return false, v.wrongKind(KindResult)
	}
	return bool(b), nil
}

func (v *Value) typeCopy(f func(p *C.packr_value) *C.packr_type) *Type {
	p, err := v.cptr()
	if err != nil {
		return nil
	}
	defer runtime.KeepAlive(v)
	t := f(p)
	if t == nil {
		return nil
	}
	return wrapType(C.packr_type_clone(t))
}

// ElemType returns a copy of the element type of a list or a set, or the inner type of an
// option, or nil for other kinds.
func (v *Value) ElemType() *Type {
	return v.typeCopy(func(p *C.packr_value) *C.packr_type {
		return (*C.packr_type)(unsafe.Pointer(C.packr_value_elem_type(p)))
	})
}

// OkType returns a copy of the ok type of a result, or nil for other kinds.
func (v *Value) OkType() *Type {
	return v.typeCopy(func(p *C.packr_value) *C.packr_type {
		return (*C.packr_type)(unsafe.Pointer(C.packr_value_ok_type(p)))
	})
}

// ErrType returns a copy of the err type of a result, or nil for other kinds.
func (v *Value) ErrType() *Type {
	return v.typeCopy(func(p *C.packr_value) *C.packr_type {
		return (*C.packr_type)(unsafe.Pointer(C.packr_value_err_type(p)))
	})
}

// KeyType returns a copy of the key type of a map, or nil for other kinds.
func (v *Value) KeyType() *Type {
	return v.typeCopy(func(p *C.packr_value) *C.packr_type {
		return (*C.packr_type)(unsafe.Pointer(C.packr_value_key_type(p)))
	})
}

// ValueType returns a copy of the value type of a map, or nil for other kinds.
func (v *Value) ValueType() *Type {
	return v.typeCopy(func(p *C.packr_value) *C.packr_type {
		return (*C.packr_type)(unsafe.Pointer(C.packr_value_value_type(p)))
	})
}
