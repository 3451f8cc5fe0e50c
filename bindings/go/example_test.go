package packr_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

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

// Maps and sets, and packages of both guest generations in one composition: the 0.5.4 adder's
// import is answered by the 0.24 doubler, whose count_words returns a map and whose sum_values
// takes one.
func Example_mapsAndGenerations() {
	dir := "../../target/guests/wasm"

	b := packr.NewBuilder()
	for _, p := range []string{"adder", "cur_doubler"} {
		if err := b.AddPackageFile(p, dir+"/"+p+".wasm"); err != nil {
			log.Fatal(err)
		}
	}
	if err := b.Wire("adder", "math", "double", "cur_doubler", "double"); err != nil {
		log.Fatal(err)
	}
	c, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for _, p := range c.Packages() {
		g, evidence := c.PackageGeneration(p)
		fmt.Printf("%s: packr-guest %s (%s)\n", p, g, evidence)
	}

	text, _ := packr.NewString("to be or not to be")
	words, err := c.CallValue("cur_doubler", "count_words", text)
	if err != nil {
		log.Fatal(err)
	}
	defer words.Close()
	var counts []string
	for _, e := range words.Entries() { // in canonical key order
		k, _ := e.Key.AsString()
		n, _ := e.Value.AsS64()
		counts = append(counts, fmt.Sprintf("%s=%d", k, n))
	}
	fmt.Println(strings.Join(counts, " "))

	// Keys may be inserted in any order; a duplicate key is refused.
	m, _ := packr.NewMap(packr.TypeString(), packr.TypeS64())
	defer m.Close()
	b1, _ := packr.NewString("b")
	a1, _ := packr.NewString("a")
	a2, _ := packr.NewString("a")
	_ = m.Insert(b1, packr.NewS64(41))
	_ = m.Insert(a1, packr.NewS64(1))
	fmt.Println(m, packr.CodeOf(m.Insert(a2, packr.NewS64(2))))
	sum, err := c.CallValue("cur_doubler", "sum_values", m)
	if err != nil {
		log.Fatal(err)
	}
	defer sum.Close()
	n, _ := sum.AsS64()
	fmt.Println("sum_values =", n)
	// Output:
	// adder: packr-guest 0.5 (its embedded metadata is CGRF v2)
	// cur_doubler: packr-guest 0.24 (its embedded metadata is CGRF v3)
	// be=2 not=1 or=1 to=2
	// map<string, s64>{"a": 1, "b": 41} PACKR_RESULT_INVALID_ARGUMENT
	// sum_values = 42
}

// A host function that answers later, from another goroutine, and an async packr-guest 0.24
// package that parks on it: StartCall returns at once, Wait parks only the waiting goroutine,
// CallAsync delivers results on channels.
func Example_asyncCalls() {
	dir := "../../target/guests/wasm"

	type job struct {
		n    int64
		done *packr.Completion
	}
	jobs := make(chan job, 16)
	b := packr.NewBuilder()
	if err := b.AddPackageFile("a", dir+"/cur_async.wasm"); err != nil {
		log.Fatal(err)
	}
	err := b.AddHostFunctionReply("host", "slow_double", func(in []byte, r *packr.HostReply) ([]byte, error) {
		v, err := packr.DecodeValue(in)
		if err != nil {
			return nil, err
		}
		defer v.Close()
		n, _ := v.AsS64()
		done, err := r.Defer() // answer later
		if err != nil {
			return nil, err
		}
		jobs <- job{n, done}
		return nil, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := b.Build()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// A worker goroutine answers the deferred host calls.
	go func() {
		for j := range jobs {
			_ = j.done.CompleteValue(packr.NewS64(2 * j.n))
			j.done.Close()
		}
	}()

	// fetch_double awaits host.slow_double: StartCall returns as soon as it parks.
	call, err := c.StartCallValue("a", "fetch_double", packr.NewS64(21))
	if err != nil {
		log.Fatal(err)
	}
	defer call.Close()
	fmt.Println("pending:", call.Pending())
	out, err := call.WaitValue(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()
	n, _ := out.AsS64()
	fmt.Println("fetch_double(21) =", n)

	// Many calls at once, each delivered on its channel; cancelling ctx would abandon them.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var results []<-chan packr.Result
	for i := int64(1); i <= 3; i++ {
		in, _ := packr.NewS64(i).Encode()
		results = append(results, c.CallAsync(ctx, "a", "fetch_sum", in))
	}
	for i, ch := range results {
		r := <-ch
		if r.Err != nil {
			log.Fatal(r.Err)
		}
		v, _ := packr.DecodeValue(r.Output)
		n, _ := v.AsS64()
		v.Close()
		fmt.Printf("fetch_sum(%d) = %d\n", i+1, n)
	}
	close(jobs)
	// Output:
	// pending: true
	// fetch_double(21) = 42
	// fetch_sum(1) = 6
	// fetch_sum(2) = 10
	// fetch_sum(3) = 14
}
