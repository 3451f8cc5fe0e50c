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

// Kind is the kind of a value or type (packr_kind).
type Kind uint32

// The 22 kinds, plus KindNone (never a real kind).
const (
	KindNone    Kind = C.PACKR_KIND_NONE
	KindBool    Kind = C.PACKR_KIND_BOOL
	KindU8      Kind = C.PACKR_KIND_U8
	KindU16     Kind = C.PACKR_KIND_U16
	KindU32     Kind = C.PACKR_KIND_U32
	KindU64     Kind = C.PACKR_KIND_U64
	KindS8      Kind = C.PACKR_KIND_S8
	KindS16     Kind = C.PACKR_KIND_S16
	KindS32     Kind = C.PACKR_KIND_S32
	KindS64     Kind = C.PACKR_KIND_S64
	KindF32     Kind = C.PACKR_KIND_F32
	KindF64     Kind = C.PACKR_KIND_F64
	KindChar    Kind = C.PACKR_KIND_CHAR
	KindString  Kind = C.PACKR_KIND_STRING
	KindList    Kind = C.PACKR_KIND_LIST
	KindOption  Kind = C.PACKR_KIND_OPTION
	KindResult  Kind = C.PACKR_KIND_RESULT
	KindRecord  Kind = C.PACKR_KIND_RECORD
	KindVariant Kind = C.PACKR_KIND_VARIANT
	KindTuple   Kind = C.PACKR_KIND_TUPLE
	KindFlags   Kind = C.PACKR_KIND_FLAGS
	KindMap     Kind = C.PACKR_KIND_MAP // map<K, V>: CGRF v3 (packr-guest 0.24)
	KindSet     Kind = C.PACKR_KIND_SET // set<T>: CGRF v3 (packr-guest 0.24)
)

var kindNames = [...]string{"none", "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	"f32", "f64", "char", "string", "list", "option", "result", "record", "variant", "tuple", "flags",
	"map", "set"}

// String gives the kind's name as in the text form ("s64", "list", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Type is an owned type descriptor (packr_type), as carried by lists, options and results.
// Types are immutable: any number of goroutines may read one at once. Functions that take a
// *Type copy it, so a Type stays usable (and the caller's to Close) after being passed on.
type Type struct {
	ptr *C.packr_type
}

func wrapType(p *C.packr_type) *Type {
	if p == nil {
		return nil
	}
	t := &Type{ptr: p}
	runtime.SetFinalizer(t, (*Type).Close)
	return t
}

func (t *Type) cptr() (*C.packr_type, error) {
	if t == nil {
		return nil, newError(InvalidArgument, "nil Type")
	}
	if t.ptr == nil {
		return nil, newError(InvalidArgument, "Type is closed")
	}
	return t.ptr, nil
}

// owned returns a new C copy of t, for C functions that consume a type.
func (t *Type) owned() (*C.packr_type, error) {
	p, err := t.cptr()
	if err != nil {
		return nil, err
	}
	c := C.packr_type_clone(p)
	runtime.KeepAlive(t)
	if c == nil {
		return nil, newError(InvalidArgument, "out of memory")
	}
	return c, nil
}

// Close frees the type. Closing twice, or a nil Type, is fine.
func (t *Type) Close() {
	if t == nil || t.ptr == nil {
		return
	}
	C.packr_type_free(t.ptr)
	t.ptr = nil
	runtime.SetFinalizer(t, nil)
}

// The primitive types.
func TypeBool() *Type   { return wrapType(C.packr_type_bool()) }
func TypeU8() *Type     { return wrapType(C.packr_type_u8()) }
func TypeU16() *Type    { return wrapType(C.packr_type_u16()) }
func TypeU32() *Type    { return wrapType(C.packr_type_u32()) }
func TypeU64() *Type    { return wrapType(C.packr_type_u64()) }
func TypeS8() *Type     { return wrapType(C.packr_type_s8()) }
func TypeS16() *Type    { return wrapType(C.packr_type_s16()) }
func TypeS32() *Type    { return wrapType(C.packr_type_s32()) }
func TypeS64() *Type    { return wrapType(C.packr_type_s64()) }
func TypeF32() *Type    { return wrapType(C.packr_type_f32()) }
func TypeF64() *Type    { return wrapType(C.packr_type_f64()) }
func TypeChar() *Type   { return wrapType(C.packr_type_char()) }
func TypeString() *Type { return wrapType(C.packr_type_string()) }
func TypeFlags() *Type  { return wrapType(C.packr_type_flags()) }

// TypeList is list<elem>.
func TypeList(elem *Type) (*Type, error) {
	e, err := elem.owned()
	if err != nil {
		return nil, err
	}
	var out *C.packr_type
	if err := checkRC(C.packr_type_list(e, &out), "packr_type_list"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// TypeMap is map<key, value> (CGRF v3: only packr-guest 0.24 packages read it as a map).
func TypeMap(key, value *Type) (*Type, error) {
	k, err := key.owned()
	if err != nil {
		return nil, err
	}
	v, err := value.owned()
	if err != nil {
		C.packr_type_free(k)
		return nil, err
	}
	var out *C.packr_type
	if err := checkRC(C.packr_type_map(k, v, &out), "packr_type_map"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// TypeSet is set<elem> (CGRF v3).
func TypeSet(elem *Type) (*Type, error) {
	e, err := elem.owned()
	if err != nil {
		return nil, err
	}
	var out *C.packr_type
	if err := checkRC(C.packr_type_set(e, &out), "packr_type_set"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// TypeOption is option<inner>.
func TypeOption(inner *Type) (*Type, error) {
	e, err := inner.owned()
	if err != nil {
		return nil, err
	}
	var out *C.packr_type
	if err := checkRC(C.packr_type_option(e, &out), "packr_type_option"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// TypeResult is result<ok, err>.
func TypeResult(ok, errType *Type) (*Type, error) {
	o, err := ok.owned()
	if err != nil {
		return nil, err
	}
	e, err := errType.owned()
	if err != nil {
		C.packr_type_free(o)
		return nil, err
	}
	var out *C.packr_type
	if err := checkRC(C.packr_type_result(o, e, &out), "packr_type_result"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// TypeTuple is tuple<items...>; no items give the unit type tuple<>.
func TypeTuple(items ...*Type) (*Type, error) {
	n := len(items)
	// A Go array holding C pointers only may be passed to C.
	view := make([]*C.packr_type, n)
	for i, it := range items {
		p, err := it.owned()
		if err != nil {
			for _, q := range view[:i] {
				C.packr_type_free(q)
			}
			return nil, err
		}
		view[i] = p
	}
	var arr **C.packr_type
	if n > 0 {
		arr = &view[0]
	}
	var out *C.packr_type
	if err := checkRC(C.packr_type_tuple(arr, C.size_t(n), &out), "packr_type_tuple"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// TypeRecord is record<name>.
func TypeRecord(name string) (*Type, error) {
	cs, err := cString(name, "record type name")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var out *C.packr_type
	if err := checkRC(C.packr_type_record(cs, &out), "packr_type_record"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// TypeVariant is variant<name>.
func TypeVariant(name string) (*Type, error) {
	cs, err := cString(name, "variant type name")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var out *C.packr_type
	if err := checkRC(C.packr_type_variant(cs, &out), "packr_type_variant"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// ParseType reads a type in the text form, for example "list<option<s32>>".
func ParseType(text string) (*Type, error) {
	cs, err := cString(text, "type text")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var out *C.packr_type
	var cerr *C.packr_error
	if err := check(C.packr_type_parse(cs, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// MustParseType is ParseType that panics on error, for constant type texts.
func MustParseType(text string) *Type {
	t, err := ParseType(text)
	if err != nil {
		panic(err)
	}
	return t
}

// Text prints the type in the text form.
func (t *Type) Text() (string, error) {
	p, err := t.cptr()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(t)
	var out *C.packr_bytes
	if err := checkRC(C.packr_type_to_text(p, &out), "packr_type_to_text"); err != nil {
		return "", err
	}
	return string(takeBytes(out)), nil
}

// String is Text, or "<invalid type>" when that fails.
func (t *Type) String() string {
	s, err := t.Text()
	if err != nil {
		return "<invalid type>"
	}
	return s
}

// Kind is the type's kind (KindNone for a nil or closed Type).
func (t *Type) Kind() Kind {
	if t == nil || t.ptr == nil {
		return KindNone
	}
	defer runtime.KeepAlive(t)
	return Kind(C.packr_type_kind(t.ptr))
}

// Len is the number of nested types: 1 for list and option, 2 for result, the item count of a
// tuple, 0 otherwise.
func (t *Type) Len() int {
	if t == nil || t.ptr == nil {
		return 0
	}
	defer runtime.KeepAlive(t)
	return int(C.packr_type_len(t.ptr))
}

// Get returns a copy of nested type i (see Len).
func (t *Type) Get(i int) (*Type, error) {
	p, err := t.cptr()
	if err != nil {
		return nil, err
	}
	if i < 0 {
		return nil, newError(NotFound, "type index %d out of range", i)
	}
	defer runtime.KeepAlive(t)
	var out *C.packr_type
	if err := checkRC(C.packr_type_get(p, C.size_t(i), &out), "packr_type_get"); err != nil {
		return nil, err
	}
	return wrapType(out), nil
}

// Name is the name of a record<name> or variant<name> type.
func (t *Type) Name() (string, error) {
	p, err := t.cptr()
	if err != nil {
		return "", err
	}
	defer runtime.KeepAlive(t)
	var s *C.char
	var n C.size_t
	if err := checkRC(C.packr_type_name(p, &s, &n), "packr_type_name: not a record or variant type"); err != nil {
		return "", err
	}
	return goStringN(s, n), nil
}

// Equal reports whether both are the same descriptor.
func (t *Type) Equal(o *Type) bool {
	var a, b *C.packr_type
	if t != nil {
		a = t.ptr
	}
	if o != nil {
		b = o.ptr
	}
	r := bool(C.packr_type_equal(a, b))
	runtime.KeepAlive(t)
	runtime.KeepAlive(o)
	return r
}

// Clone returns an independent copy.
func (t *Type) Clone() (*Type, error) {
	p, err := t.owned()
	if err != nil {
		return nil, err
	}
	return wrapType(p), nil
}
