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

// Accessors of Value (the type and its constructors are in value.go).

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
