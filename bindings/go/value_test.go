package packr

import (
	"math"
	"testing"
)

// Values and types: round trips, accessors, ownership, errors (shared helpers in packr_test.go).

// everyKind returns one value of each kind (and some edge cases), with its expected text.
func everyKind(t testing.TB) []struct {
	v    *Value
	text string
} {
	mv, mt := mustV(t), mustT(t)
	type vt = struct {
		v    *Value
		text string
	}
	out := []vt{
		{NewBool(true), "true"},
		{NewU8(255), "255u8"},
		{NewU16(4660), "4660u16"},
		{NewU32(math.MaxUint32), "4294967295u32"},
		{NewU64(math.MaxUint64), "18446744073709551615u64"},
		{NewS8(-128), "-128s8"},
		{NewS16(-2), "-2s16"},
		{NewS32(-1), "-1s32"},
		{NewS64(42), "42"},
		{NewF32(1.5), "1.5f32"},
		{NewF32(float32(math.Copysign(0, -1))), "-0.0f32"},
		{NewF32(math.Float32frombits(0xffc00001)), "nan_f32(0xffc00001)"},
		{NewF64(math.Inf(-1)), "-inf_f64"},
		{NewF64(5e-324), "5e-324f64"},
		{mv(NewChar('\'')), `'\''`},
		{mv(NewChar('世')), `'世'`},
		{mv(NewString("héllo\n\"世界\"")), `"héllo\n\"世界\""`},
		{mv(NewString("a\x00b\x1b")), `"a\0b\u{1b}"`},
		{NewFlags(0x2b), "flags(0x2b)"},
		{mv(NewTuple()), "()"},
		{mv(NewTuple(NewS64(1))), "(1,)"},
		{mv(NewTuple(NewS32(7), mv(NewString("x")), NewBool(true))), `(7s32, "x", true)`},
		{mv(NewList(TypeS32(), NewS32(1), NewS32(2))), "[1s32, 2s32]"},
		{mv(NewList(TypeS32())), "list<s32>[]"},
		{mv(NewList(TypeString(), NewS64(1))), "list<string>[1]"},
		{mv(NewSome(TypeS32(), NewS32(7))), "some(7s32)"},
		{mv(NewNone(mt(TypeList(TypeString())))), "none<list<string>>"},
		{mv(NewOk(TypeS32(), TypeString(), NewS32(1))), "ok<_, string>(1s32)"},
		{mv(NewErr(TypeS32(), TypeString(), mv(NewString("bad")))), `err<s32, _>("bad")`},
		{mv(NewRecord("point", Field{"x", NewS32(1)}, Field{"y", NewS32(2)})), "point{x: 1s32, y: 2s32}"},
		{mv(NewRecord("empty")), "empty{}"},
		{mv(NewRecord("", Field{"field name", NewS64(1)})), `""{"field name": 1}`},
		{mv(NewVariant("color", "red", 0)), "color::red#0"},
		{mv(NewVariant("shape", "circle", 1, NewF64(2.5))), "shape::circle#1(2.5f64)"},
		{mv(NewVariant("msg", "pair", 3, NewS32(1), mv(NewString("z")))), `msg::pair#3(1s32, "z")`},
		{mv(NewVariant("t", "c", 4294967301)), "t::c#4294967301"},
	}
	return out
}

func TestValueRoundTrips(t *testing.T) {
	c := build(t, func(b *Builder) { must(t, b.AddPackageFile("echo", guest("echo"))) })
	defer c.Close()
	kinds := map[Kind]bool{}
	for _, tc := range everyKind(t) {
		v := tc.v
		kinds[v.Kind()] = true
		if got := v.String(); got != tc.text {
			t.Errorf("text = %s, want %s", got, tc.text)
		}
		enc, err := v.Encode()
		must(t, err)
		dec := mustV(t)(DecodeValue(enc))
		if tag, err := v.Tag(); err == nil && tag > math.MaxUint32 {
			// CGRF carries 32 bits of a tag: the decoded value has the truncated tag.
			if dt, _ := dec.Tag(); dt != tag&math.MaxUint32 {
				t.Errorf("decoded tag %d", dt)
			}
		} else if !dec.Equal(v) {
			t.Errorf("decode(encode(%s)) = %s", tc.text, dec)
		}
		parsed := mustV(t)(ParseValue(tc.text))
		if !parsed.Equal(v) {
			t.Errorf("parse(%s) = %s", tc.text, parsed)
		}
		enc2, err := parsed.Encode()
		must(t, err)
		if string(enc2) != string(enc) {
			t.Errorf("parse(%s) encodes differently", tc.text)
		}
		clone := mustV(t)(v.Clone())
		if !clone.Equal(v) {
			t.Errorf("clone of %s", tc.text)
		}
		// Through a guest: echo returns its input (a 1-tuple is unwrapped once).
		if !(v.Kind() == KindTuple && v.Len() == 1) {
			out, err := c.Call("echo", "echo", enc)
			must(t, err)
			if string(out) != string(enc) {
				back := mustV(t)(DecodeValue(out))
				t.Errorf("echo(%s) = %s", tc.text, back)
			}
		}
		for _, x := range []*Value{v, dec, parsed, clone} {
			x.Close()
		}
	}
	if len(kinds) != 20 {
		t.Fatalf("covered %d kinds", len(kinds))
	}
}

func TestValueAccessors(t *testing.T) {
	mv := mustV(t)
	if b, err := NewBool(true).AsBool(); !b || err != nil {
		t.Fatal("AsBool")
	}
	if x, _ := NewU8(200).AsU8(); x != 200 {
		t.Fatal("AsU8")
	}
	if x, _ := NewU16(60000).AsU16(); x != 60000 {
		t.Fatal("AsU16")
	}
	if x, _ := NewU32(4e9).AsU32(); x != 4e9 {
		t.Fatal("AsU32")
	}
	if x, _ := NewU64(1 << 63).AsU64(); x != 1<<63 {
		t.Fatal("AsU64")
	}
	if x, _ := NewS8(-100).AsS8(); x != -100 {
		t.Fatal("AsS8")
	}
	if x, _ := NewS16(-30000).AsS16(); x != -30000 {
		t.Fatal("AsS16")
	}
	if x, _ := NewS32(-2e9).AsS32(); x != -2e9 {
		t.Fatal("AsS32")
	}
	if x, _ := NewS64(math.MinInt64).AsS64(); x != math.MinInt64 {
		t.Fatal("AsS64")
	}
	if x, _ := NewF32(math.Float32frombits(0x7f800001)).AsF32(); math.Float32bits(x) != 0x7f800001 {
		t.Fatalf("AsF32 lost the NaN payload: %#x", math.Float32bits(x))
	}
	if x, _ := NewF64(math.Float64frombits(0x7ff0000000000001)).AsF64(); math.Float64bits(x) != 0x7ff0000000000001 {
		t.Fatal("AsF64 lost the NaN payload")
	}
	if x, _ := NewFlags(0x8000000000000001).AsFlags(); x != 0x8000000000000001 {
		t.Fatal("AsFlags")
	}
	if x, _ := mv(NewChar(0x10FFFF)).AsChar(); x != 0x10FFFF {
		t.Fatal("AsChar")
	}
	if x, _ := mv(NewString("a\x00b")).AsString(); x != "a\x00b" {
		t.Fatal("AsString with NUL")
	}
	// Wrong kinds never convert.
	_, err := NewS32(1).AsS64()
	wantCode(t, err, InvalidArgument, "s32", "s64")
	_, err = NewChar(0xD800)
	wantCode(t, err, InvalidArgument)
	_, err = NewChar(0x110000)
	wantCode(t, err, InvalidArgument)
	_, err = NewString("bad \xff utf-8")
	wantCode(t, err, InvalidArgument)

	// Records, variants, results, options, lists.
	rec := mv(NewRecord("point", Field{"x", NewS32(1)}, Field{"y", NewS32(2)}))
	defer rec.Close()
	if tn, _ := rec.TypeName(); tn != "point" || rec.Len() != 2 {
		t.Fatal("record")
	}
	if fn, _ := rec.FieldName(1); fn != "y" {
		t.Fatal("FieldName")
	}
	_, err = rec.FieldName(2)
	wantCode(t, err, NotFound)
	if y, _ := rec.Field("y").AsS32(); y != 2 {
		t.Fatal("Field")
	}
	if rec.Field("z") != nil || rec.Get(2) != nil || rec.Get(-1) != nil {
		t.Fatal("missing children must be nil")
	}
	_, err = rec.CaseName()
	wantCode(t, err, InvalidArgument)
	must(t, rec.RecordPush("z", NewS32(3)))
	if rec.String() != "point{x: 1s32, y: 2s32, z: 3s32}" {
		t.Fatal(rec)
	}

	va := mv(NewVariant("shape", "circle", 7, NewF64(2.5)))
	defer va.Close()
	if cn, _ := va.CaseName(); cn != "circle" {
		t.Fatal("CaseName")
	}
	if tag, _ := va.Tag(); tag != 7 {
		t.Fatal("Tag")
	}
	if tn, _ := va.TypeName(); tn != "shape" {
		t.Fatal("TypeName")
	}

	res := mv(NewErr(TypeS32(), TypeString(), mv(NewString("bad"))))
	defer res.Close()
	if e, _ := res.IsErr(); !e || res.Len() != 1 || res.OkType().Kind() != KindS32 || res.ErrType().Kind() != KindString {
		t.Fatal("result")
	}
	if s, _ := res.Get(0).AsString(); s != "bad" {
		t.Fatal("result payload")
	}
	none := mv(NewNone(TypeS32()))
	defer none.Close()
	if none.Len() != 0 || none.ElemType().Kind() != KindS32 {
		t.Fatal("none")
	}
	if NewS64(1).ElemType() != nil {
		t.Fatal("ElemType of a scalar")
	}
	l := mv(NewList(TypeS32(), NewS32(1)))
	defer l.Close()
	if et := l.ElemType(); et.String() != "s32" {
		t.Fatal("ElemType")
	}

	// A list whose fixed-width element type disagrees with an item does not encode.
	badList := mv(NewList(TypeS32(), mv(NewString("x"))))
	defer badList.Close()
	_, err = badList.Encode()
	wantCode(t, err, Encode)
}

func TestValueOwnership(t *testing.T) {
	mv := mustV(t)
	// A child passed to a constructor is moved.
	x := NewS64(1)
	tup := mv(NewTuple(x))
	defer tup.Close()
	_, err := x.AsS64()
	wantCode(t, err, InvalidArgument, "moved")
	_, err = NewTuple(x)
	wantCode(t, err, InvalidArgument, "moved")
	x.Close() // harmless

	// A view passed as a child is copied; the parent is untouched.
	l := mv(NewList(TypeS32(), NewS32(1), NewS32(2)))
	defer l.Close()
	first := l.Get(0)
	if !first.IsView() {
		t.Fatal("Get must return a view")
	}
	first.Close() // a no-op for views
	cp := mv(NewTuple(first))
	defer cp.Close()
	if cp.String() != "(1s32,)" || l.String() != "[1s32, 2s32]" {
		t.Fatalf("%s %s", cp, l)
	}
	// Views of a modified value become invalid (no use-after-free).
	must(t, l.Push(NewS32(3)))
	_, err = first.AsS32()
	wantCode(t, err, InvalidArgument, "modified")
	// Pushing a view of a value into that value copies it first.
	must(t, l.Push(l.Get(0), l.Get(1)))
	if l.String() != "[1s32, 2s32, 3s32, 1s32, 2s32]" {
		t.Fatal(l)
	}
	// A value cannot be pushed into itself or passed twice.
	wantCode(t, l.Push(l), InvalidArgument, "itself")
	y := NewS32(9)
	wantCode(t, l.Push(y, y), InvalidArgument, "twice")
	if _, err := y.AsS32(); err != nil {
		t.Fatal("a refused push must not consume")
	}
	// Views cannot be modified.
	wantCode(t, l.Get(0).Push(NewS32(1)), InvalidArgument, "view")
	// Pushing into a scalar fails.
	s := NewS32(1)
	wantCode(t, s.Push(NewS32(2)), InvalidArgument)
	// Views of a closed value are refused.
	v := l.Get(1)
	l.Close()
	_, err = v.AsS32()
	wantCode(t, err, InvalidArgument, "closed")
	if l.Len() != 0 || l.Get(0) != nil || l.Kind() != KindNone {
		t.Fatal("closed values must be empty")
	}
	// Nested views share the root owner.
	n := mv(ParseValue(`[[1, 2], [3]]`))
	defer n.Close()
	inner := n.Get(0).Get(1)
	if x, _ := inner.AsS64(); x != 2 {
		t.Fatal("nested view")
	}
	var nilV *Value
	if nilV.Kind() != KindNone || nilV.Len() != 0 || nilV.Equal(nil) != true {
		t.Fatal("nil Value")
	}
}

func TestDecodeAndParseErrors(t *testing.T) {
	_, err := DecodeValue([]byte("nope"))
	wantCode(t, err, Decode)
	_, err = DecodeValue(nil)
	wantCode(t, err, Decode)
	_, err = ParseValue("[1, x]")
	wantCode(t, err, Decode, "line 1")
	_, err = ParseValue("[1,\x00]")
	wantCode(t, err, InvalidArgument, "NUL")
	_, err = ParseType("list<")
	wantCode(t, err, Decode)

	deep := MustParseValue("((((((1,),),),),),)")
	defer deep.Close()
	enc, err := deep.Encode()
	must(t, err)
	_, err = DecodeValueLimited(enc, Limits{MaxDepth: 3})
	wantCode(t, err, Limit)
	ok := mustV(t)(DecodeValueLimited(enc, Limits{MaxDepth: 100}))
	defer ok.Close()
	if !ok.Equal(deep) {
		t.Fatal("DecodeValueLimited")
	}
}

func TestTypes(t *testing.T) {
	mt := mustT(t)
	lt := MustParseType("list<option<s32>>")
	defer lt.Close()
	if lt.Kind() != KindList || lt.Len() != 1 || lt.String() != "list<option<s32>>" {
		t.Fatal(lt)
	}
	inner := mt(lt.Get(0))
	if inner.Kind() != KindOption || inner.String() != "option<s32>" {
		t.Fatal(inner)
	}
	_, err := lt.Get(1)
	wantCode(t, err, NotFound)
	tt := mt(TypeTuple(TypeU8(), TypeString()))
	if tt.String() != "tuple<u8, string>" || tt.Len() != 2 {
		t.Fatal(tt)
	}
	if unit := mt(TypeTuple()); unit.String() != "tuple<>" {
		t.Fatal(unit)
	}
	rt := mt(TypeResult(TypeS64(), mt(TypeVariant("io-error"))))
	if rt.String() != "result<s64, variant<io-error>>" {
		t.Fatal(rt)
	}
	rec := mt(TypeRecord("point"))
	if n, _ := rec.Name(); n != "point" {
		t.Fatal("Name")
	}
	_, err = TypeS32().Name()
	wantCode(t, err, InvalidArgument)
	if !mt(rec.Clone()).Equal(rec) || rec.Equal(mt(TypeVariant("point"))) {
		t.Fatal("Equal")
	}
	ot := mt(TypeOption(TypeF32()))
	if ot.String() != "option<f32>" {
		t.Fatal(ot)
	}
	all := []*Type{TypeBool(), TypeU8(), TypeU16(), TypeU32(), TypeU64(), TypeS8(), TypeS16(), TypeS32(),
		TypeS64(), TypeF32(), TypeF64(), TypeChar(), TypeString(), TypeFlags()}
	for _, x := range all {
		if x.Kind().String() != x.String() {
			t.Fatalf("%s vs %s", x.Kind(), x)
		}
	}
	// A type passed to a constructor is copied, not consumed.
	et := TypeS32()
	l := mustV(t)(NewList(et))
	defer l.Close()
	if et.String() != "s32" {
		t.Fatal("type was consumed")
	}
	et.Close()
	et.Close()
	_, err = TypeList(et)
	wantCode(t, err, InvalidArgument, "closed")
}
