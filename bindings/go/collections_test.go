package packr

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Maps, sets, explicit wire versions, guest generations and compositions that mix packr-guest
// 0.5.4 and 0.24.1 packages.

func str(t testing.TB, s string) *Value { return mustV(t)(NewString(s)) }

func TestKindsIncludeMapAndSet(t *testing.T) {
	if KindMap != 21 || KindSet != 22 {
		t.Fatalf("KindMap %d, KindSet %d", KindMap, KindSet)
	}
	if KindMap.String() != "map" || KindSet.String() != "set" || Kind(23).String() != "unknown" {
		t.Fatal(KindMap, KindSet, Kind(23))
	}
	// Kind names agree with the text form of types, for every kind with a standalone type.
	for _, text := range []string{"map<string, s64>", "set<u8>", "list<s32>", "option<f32>", "flags"} {
		ty := MustParseType(text)
		if !strings.HasPrefix(text, ty.Kind().String()) {
			t.Fatalf("%s: kind %s", text, ty.Kind())
		}
		ty.Close()
	}
	// A decoded map or set has its kind (not KindNone, not "unknown").
	for text, want := range map[string]Kind{`map<string, s64>{"a": 1}`: KindMap, "set<s64>{1, 2}": KindSet} {
		v := MustParseValue(text)
		b, err := v.Encode()
		must(t, err)
		d := mustV(t)(DecodeValue(b))
		if d.Kind() != want || d.Kind().String() != want.String() || !d.Equal(v) {
			t.Fatalf("%s decoded as %s %v", text, d.Kind(), d)
		}
		v.Close()
		d.Close()
	}
}

func TestMapBuildFindIterate(t *testing.T) {
	m := mustV(t)(NewMap(TypeString(), TypeS64()))
	defer m.Close()
	if m.Kind() != KindMap || len(m.Entries()) != 0 {
		t.Fatal(m.Kind(), m.Entries())
	}
	// Out of order: kept in canonical (byte-wise) key order.
	must(t, m.Insert(str(t, "to"), NewS64(2)))
	must(t, m.Insert(str(t, "be"), NewS64(20)))
	must(t, m.Insert(str(t, "or"), NewS64(1)))
	dupKey, dupVal := str(t, "be"), NewS64(7)
	wantCode(t, m.Insert(dupKey, dupVal), InvalidArgument, "already has the key", `"be"`)
	if _, err := dupKey.AsString(); err == nil {
		t.Fatal("a refused key is still consumed (moved in)")
	}
	if m.Len() != 6 {
		t.Fatalf("Len %d: keys and values interleaved", m.Len())
	}
	var keys []string
	var vals []int64
	for _, e := range m.Entries() {
		k, err := e.Key.AsString()
		must(t, err)
		n, err := e.Value.AsS64()
		must(t, err)
		keys, vals = append(keys, k), append(vals, n)
	}
	if strings.Join(keys, ",") != "be,or,to" || len(vals) != 3 || vals[0] != 20 || vals[1] != 1 || vals[2] != 2 {
		t.Fatal(keys, vals)
	}

	be := str(t, "be")
	defer be.Close()
	f, err := m.Find(be)
	must(t, err)
	if n, err := f.AsS64(); err != nil || n != 20 || !f.IsView() {
		t.Fatal(n, err)
	}
	if f, err := m.Find(str(t, "not")); f != nil || err != nil {
		t.Fatal("found a missing key", f, err)
	}
	if ok, err := m.Contains(str(t, "or")); !ok || err != nil {
		t.Fatal("Contains or", err)
	}
	if ok, err := m.Contains(NewS64(1)); ok || err != nil {
		t.Fatal("Contains 1", err)
	}
	if m.KeyType().String() != "string" || m.ValueType().String() != "s64" || m.ElemType() != nil {
		t.Fatal(m.KeyType(), m.ValueType())
	}
	_, err = NewS64(1).Find(be)
	wantCode(t, err, InvalidArgument, "not a map")
	wantCode(t, NewS64(1).Insert(str(t, "x"), NewS64(1)), InvalidArgument)
	wantCode(t, m.Insert(m, NewS64(1)), InvalidArgument)
	// Inserting invalidates views taken before.
	must(t, m.Insert(str(t, "zz"), NewS64(0)))
	_, err = f.AsS64()
	wantCode(t, err, InvalidArgument, "modified")

	// Text form, both ways.
	want := `map<string, s64>{"be": 20, "or": 1, "to": 2, "zz": 0}`
	if m.String() != want {
		t.Fatalf("text %s", m)
	}
	if p := MustParseValue(want); !p.Equal(m) {
		t.Fatal("parse", p)
	}
	_, err = ParseValue(`map<string, s64>{"b": 1, "a": 2}`)
	wantCode(t, err, Decode)

	// NewMap with entries in any order; a duplicate fails.
	m2 := mustV(t)(NewMap(TypeS64(), TypeBool(), Entry{NewS64(3), NewBool(true)}, Entry{NewS64(-1), NewBool(false)}))
	if m2.String() != "map<s64, bool>{-1: false, 3: true}" {
		t.Fatal(m2)
	}
	_, err = NewMap(TypeS64(), TypeBool(), Entry{NewS64(3), NewBool(true)}, Entry{NewS64(3), NewBool(false)})
	wantCode(t, err, InvalidArgument, "already has the key")
	mt := mustT(t)(TypeMap(TypeString(), mustT(t)(TypeSet(TypeU8()))))
	if mt.Kind() != KindMap || mt.String() != "map<string, set<u8>>" || !mt.Equal(MustParseType("map<string, set<u8>>")) {
		t.Fatal(mt)
	}
}

func TestSetBuildIterate(t *testing.T) {
	s := mustV(t)(NewSet(TypeS64(), NewS64(30), NewS64(-4)))
	defer s.Close()
	must(t, s.Add(NewS64(7)))
	wantCode(t, s.Add(NewS64(7)), InvalidArgument, "already has")
	if s.Kind() != KindSet || s.Len() != 3 || s.ElemType().String() != "s64" || s.Entries() != nil {
		t.Fatal(s)
	}
	var got []int64
	for _, x := range s.Items() {
		n, err := x.AsS64()
		must(t, err)
		got = append(got, n)
	}
	if len(got) != 3 || got[0] != -4 || got[1] != 7 || got[2] != 30 {
		t.Fatal(got)
	}
	if ok, err := s.Contains(NewS64(30)); !ok || err != nil {
		t.Fatal("Contains 30")
	}
	if ok, err := s.Contains(NewS64(31)); ok || err != nil {
		t.Fatal("Contains 31")
	}
	_, err := NewS64(1).Contains(NewS64(1))
	wantCode(t, err, InvalidArgument, "not a map or set")
	if s.String() != "set<s64>{-4, 7, 30}" || !MustParseValue("set<s64>{-4, 7, 30}").Equal(s) {
		t.Fatal(s)
	}
	_, err = NewSet(TypeString(), str(t, "a"), str(t, "a"))
	wantCode(t, err, InvalidArgument)
	if st := mustT(t)(TypeSet(TypeS64())); st.Kind() != KindSet || st.String() != "set<s64>" {
		t.Fatal(st)
	}
}

func TestEncodeVersions(t *testing.T) {
	m := mustV(t)(NewMap(TypeString(), TypeS64(), Entry{str(t, "b"), NewS64(2)}, Entry{str(t, "a"), NewS64(40)}))
	defer m.Close()
	v3, err := m.EncodeVersion(3)
	must(t, err)
	v2, err := m.EncodeVersion(2)
	must(t, err)
	auto, err := m.Encode()
	must(t, err)
	if v3[4] != 3 || v2[4] != 2 || !bytes.Equal(auto, v3) {
		t.Fatalf("versions %d %d", v3[4], v2[4])
	}
	back := mustV(t)(DecodeValue(v3))
	if !back.Equal(m) || back.Kind() != KindMap {
		t.Fatal(back)
	}
	if f, _ := back.Find(str(t, "a")); f == nil {
		t.Fatal("decoded map has no key a")
	} else if n, _ := f.AsS64(); n != 40 {
		t.Fatal(n)
	}
	old := mustV(t)(DecodeValue(v2)) // what packr 0.5.4 makes of a BTreeMap
	if old.Kind() != KindList || old.String() != `[("a", 40), ("b", 2)]` {
		t.Fatal(old)
	}
	_, err = m.EncodeVersion(7)
	wantCode(t, err, InvalidArgument, "2 or 3")
	_, err = m.EncodeVersion(-1)
	wantCode(t, err, InvalidArgument)

	s := MustParseValue("set<s64>{1, 2}")
	b3, err := s.EncodeVersion(3)
	must(t, err)
	if d := mustV(t)(DecodeValue(b3)); !d.Equal(s) {
		t.Fatal(d)
	}
	b2, err := s.EncodeVersion(2)
	must(t, err)
	if d := mustV(t)(DecodeValue(b2)); d.String() != "[1, 2]" {
		t.Fatal(d)
	}
}

func mixedComposition(t testing.TB) *Composition {
	return build(t, func(b *Builder) {
		for _, p := range []string{"adder", "cur_adder", "doubler", "cur_doubler"} {
			must(t, b.AddPackageFile(p, guest(p)))
		}
		must(t, b.Wire("adder", "math", "double", "cur_doubler", "double")) // 0.5.4 -> 0.24
		must(t, b.Wire("cur_adder", "math", "double", "doubler", "double")) // 0.24 -> 0.5.4
		must(t, b.Wire("cur_adder", "calc", "scale", "cur_doubler", "add"))
		must(t, b.Wire("cur_adder", "ops", "square", "doubler", "double"))
	})
}

func TestPackageGeneration(t *testing.T) {
	c := mixedComposition(t)
	for pkg, want := range map[string]Generation{"adder": GenerationV0_5, "doubler": GenerationV0_5,
		"cur_adder": GenerationV0_24, "cur_doubler": GenerationV0_24} {
		g, ev := c.PackageGeneration(pkg)
		wantEv := map[Generation]string{GenerationV0_5: "CGRF v2", GenerationV0_24: "CGRF v3"}[want]
		if g != want || !strings.Contains(ev, wantEv) {
			t.Fatalf("%s: %v %q, want %v", pkg, g, ev, want)
		}
	}
	if g, ev := c.PackageGeneration("nope"); g != GenerationUnknown || ev != "" {
		t.Fatal(g, ev)
	}
	if g, _ := c.PackageGeneration("a\x00b"); g != GenerationUnknown {
		t.Fatal(g)
	}
	if GenerationV0_5.String() != "0.5" || GenerationV0_24.String() != "0.24" || GenerationUnknown.String() != "unknown" {
		t.Fatal("Generation names")
	}
	c.Close()
	if g, _ := c.PackageGeneration("adder"); g != GenerationUnknown {
		t.Fatal("closed composition", g)
	}
}

func TestMixedGenerations(t *testing.T) {
	c := mixedComposition(t)
	defer c.Close()
	for _, pkg := range []string{"adder", "cur_adder"} {
		for in, want := range map[int64]int64{5: 11, -7: -13, 1000000: 2000001} {
			out, err := c.CallValue(pkg, "process", NewS64(in))
			must(t, err)
			if n, _ := out.AsS64(); n != want {
				t.Fatalf("%s.process(%d) = %v, want %d", pkg, in, out, want)
			}
		}
	}

	// A map out of a 0.24 package, read through the binding.
	words := mustV(t)(c.CallValue("cur_doubler", "count_words", str(t, "to be or not to be")))
	defer words.Close()
	if words.Kind() != KindMap || len(words.Entries()) != 4 {
		t.Fatal(words)
	}
	var parts []string
	for _, e := range words.Entries() {
		k, _ := e.Key.AsString()
		n, _ := e.Value.AsS64()
		parts = append(parts, fmt.Sprintf("%s=%d", k, n))
	}
	if strings.Join(parts, ";") != "be=2;not=1;or=1;to=2" {
		t.Fatal(parts)
	}
	if f, _ := words.Find(str(t, "be")); f == nil {
		t.Fatal("no be")
	} else if n, _ := f.AsS64(); n != 2 {
		t.Fatal(n)
	}

	// A map built here, into a 0.24 package; a set out of one and into another.
	m := mustV(t)(NewMap(TypeString(), TypeS64(), Entry{str(t, "z"), NewS64(41)}, Entry{str(t, "a"), NewS64(1)}))
	defer m.Close()
	sum := mustV(t)(c.CallValue("cur_doubler", "sum_values", m))
	if n, _ := sum.AsS64(); n != 42 {
		t.Fatal(sum)
	}
	u := mustV(t)(c.CallValue("cur_doubler", "uniq", MustParseValue("[3, 1, 3, 2]")))
	if u.Kind() != KindSet || u.String() != "set<s64>{1, 2, 3}" {
		t.Fatal(u)
	}
	n := mustV(t)(c.CallValue("cur_doubler", "set_len", u))
	if x, _ := n.AsU32(); x != 3 {
		t.Fatal(n)
	}
}

func TestMapsReachOldPackagesAsLists(t *testing.T) {
	c := build(t, func(b *Builder) {
		must(t, b.AddPackageFile("echo", guest("echo")))
		must(t, b.AddPackageFile("cur_echo", guest("cur_echo")))
	})
	defer c.Close()
	inner := mustV(t)(NewSet(TypeS64(), NewS64(2), NewS64(1)))
	m := mustV(t)(NewMap(TypeString(), mustT(t)(TypeSet(TypeS64())), Entry{str(t, "x"), inner}))
	defer m.Close()
	old := mustV(t)(c.CallValue("echo", "echo", m))
	if old.String() != `[("x", [1, 2])]` {
		t.Fatal(old)
	}
	cur := mustV(t)(c.CallValue("cur_echo", "echo", m))
	if !cur.Equal(m) {
		t.Fatal(cur)
	}
	x, err := cur.Find(str(t, "x"))
	must(t, err)
	if ok, _ := x.Contains(NewS64(2)); !ok {
		t.Fatal("x has no 2")
	}
}
