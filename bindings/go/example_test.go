package packr_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	packr "github.com/packr/libpackr/bindings/go"
)

// The Go quickstart of bindings/README.md: load two packages, wire one's import to the other's
// export, and call.
func Example_quickstart() {
	dir := "../../target/guests/wasm" // where tests/guests/build.sh puts the guests

	b := packr.NewBuilder()
	if err := b.AddPackageFile("adder", dir+"/adder.wasm"); err != nil {
		log.Fatal(err)
	}
	if err := b.AddPackageFile("doubler", dir+"/doubler.wasm"); err != nil {
		log.Fatal(err)
	}
	// adder imports math.double: let doubler's export "double" answer it.
	if err := b.Wire("adder", "math", "double", "doubler", "double"); err != nil {
		log.Fatal(err)
	}
	c, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	arg := packr.NewS64(5)
	defer arg.Close()
	out, err := c.CallValue("adder", "process", arg)
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()
	n, _ := out.AsS64()
	fmt.Println("process(5) =", n)
	// Output: process(5) = 11
}

// Host functions written in Go: greeter imports host.greet and host.log.
func Example_hostFunctions() {
	dir := "../../target/guests/wasm"

	b := packr.NewBuilder()
	if err := b.AddPackageFile("greeter", dir+"/greeter.wasm"); err != nil {
		log.Fatal(err)
	}
	greet := packr.ValueHostFunc(func(in *packr.Value) (*packr.Value, error) {
		name, err := in.AsString()
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, fmt.Errorf("greet: empty name")
		}
		return packr.NewString("Hello, " + name)
	})
	logf := func(input []byte) ([]byte, error) { return nil, nil } // nil answers ()
	if err := b.AddHostFunction("host", "greet", greet); err != nil {
		log.Fatal(err)
	}
	if err := b.AddHostFunction("host", "log", logf); err != nil {
		log.Fatal(err)
	}
	c, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	for _, name := range []string{"bob", ""} {
		arg, _ := packr.NewString(name)
		out, err := c.CallValue("greeter", "hello", arg)
		var perr *packr.Error
		switch {
		case err == nil:
			fmt.Println(out) // the text form
			out.Close()
		case errors.As(err, &perr):
			fmt.Println(perr.Code, strings.Contains(perr.Message, "greet: empty name"))
		}
		arg.Close()
	}
	// Output:
	// "Hello, bob!"
	// PACKR_RESULT_HOST true
}

// Building a recursive value with the constructors and walking it with the accessors.
func ExampleNewVariant() {
	exprType, _ := packr.TypeVariant("expr")
	defer exprType.Close()
	sym := func(s string) *packr.Value {
		str, _ := packr.NewString(s)
		v, _ := packr.NewVariant("expr", "sym", 0, str)
		return v
	}
	num := func(n int64) *packr.Value {
		v, _ := packr.NewVariant("expr", "num", 1, packr.NewS64(n))
		return v
	}
	lst := func(items ...*packr.Value) *packr.Value {
		l, _ := packr.NewList(exprType, items...) // the items are moved into the list
		v, _ := packr.NewVariant("expr", "lst", 4, l)
		return v
	}
	e := lst(sym("+"), num(1), lst(sym("*"), num(2), num(3)))
	defer e.Close()
	fmt.Println(e)
	list := e.Get(0) // a view, valid while e is open and unchanged
	fmt.Println(list.Kind(), list.Len(), list.ElemType())
	// Output:
	// expr::lst#4([expr::sym#0("+"), expr::num#1(1), expr::lst#4([expr::sym#0("*"), expr::num#1(2), expr::num#1(3)])])
	// list 3 variant<expr>
}
