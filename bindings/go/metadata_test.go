package packr

import (
	"errors"
	"strings"
	"testing"
)

// Declared signatures of both generations, including 0.24's type parameters, generic (ref)
// types, maps and sets.
func TestSignaturesOfBothGenerations(t *testing.T) {
	b := NewBuilder()
	must(t, b.AddPackageFile("doubler", guest("doubler")))
	must(t, b.AddPackageFile("meta", guest("cur_meta")))
	c, err := b.Build()
	must(t, err)
	defer c.Close()
	sigs, err := c.Signatures("doubler")
	must(t, err)
	found := false
	for _, s := range sigs {
		found = found || (s.Kind == "export" && s.Name == "double" && s.Text == "func(n: s64) -> s64")
	}
	if !found {
		t.Fatalf("no double in %v", sigs)
	}
	meta, err := c.Signatures("meta")
	must(t, err)
	var param, put, inv bool
	for _, s := range meta {
		param = param || (s.Kind == "type-param" && s.Name == "s")
		put = put || (s.Kind == "export" && s.Name == "put" && s.Text == "func(v: s) -> s")
		inv = inv || (s.Name == "make_inventory" && strings.Contains(s.Text, "map<string, u32>") &&
			strings.Contains(s.Text, "set<string>"))
	}
	if !param || !put || !inv {
		t.Fatalf("type-param %v, generic put %v, map/set %v in %v", param, put, inv, meta)
	}
}

// A wire whose two declared signatures disagree fails to build unless it is unchecked.
func TestTypedWiring(t *testing.T) {
	build := func(unchecked bool) error {
		b := NewBuilder()
		must(t, b.AddPackageFile("adder", guest("adder")))
		must(t, b.AddPackageFile("d", guest("cur_doubler")))
		if unchecked {
			must(t, b.WireUnchecked("adder", "math", "double", "d", "shout"))
		} else {
			must(t, b.Wire("adder", "math", "double", "d", "shout"))
		}
		c, err := b.Build()
		if err == nil {
			c.Close()
		}
		return err
	}
	err := build(false)
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != Link || !strings.Contains(pe.Message, "signature mismatch") {
		t.Fatalf("want a Link error naming the mismatch, got %v", err)
	}
	must(t, build(true))
}
