package packr

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// guestDir is where tests/guests/build.sh leaves the guests (PACKR_GUEST_DIR overrides it).
func guestDir() string {
	if d := os.Getenv("PACKR_GUEST_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "target", "guests", "wasm")
}

func guest(name string) string { return filepath.Join(guestDir(), name+".wasm") }

func TestMain(m *testing.M) {
	if _, err := os.Stat(guest("doubler")); err != nil {
		fmt.Fprintf(os.Stderr, "packr tests need the guests: run tests/guests/build.sh (%v)\n", err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustV(t testing.TB) func(*Value, error) *Value {
	return func(v *Value, err error) *Value {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func mustT(t testing.TB) func(*Type, error) *Type {
	return func(v *Type, err error) *Type {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantCode checks that err is an *Error with code want (via errors.As) and that its message
// contains every one of contains.
func wantCode(t testing.TB, err error, want Code, contains ...string) *Error {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("want *Error with %v, got %T %v", want, err, err)
	}
	if pe.Code != want {
		t.Fatalf("want %v, got %v (%s)", want, pe.Code, pe.Message)
	}
	for _, s := range contains {
		if !strings.Contains(pe.Message, s) {
			t.Fatalf("message %q does not contain %q", pe.Message, s)
		}
	}
	return pe
}

func s64Bytes(t testing.TB, n int64) []byte {
	v := NewS64(n)
	defer v.Close()
	b, err := v.Encode()
	must(t, err)
	return b
}

func bytesS64(t testing.TB, b []byte) int64 {
	t.Helper()
	v, err := DecodeValue(b)
	must(t, err)
	defer v.Close()
	n, err := v.AsS64()
	must(t, err)
	return n
}

func build(t testing.TB, setup func(b *Builder)) *Composition {
	t.Helper()
	b := NewBuilder()
	setup(b)
	c, err := b.Build()
	must(t, err)
	return c
}

func TestVersion(t *testing.T) {
	if Version() != HeaderVersion {
		t.Fatalf("library %s, header %s", Version(), HeaderVersion)
	}
}

func TestDoubler(t *testing.T) {
	c := build(t, func(b *Builder) { must(t, b.AddPackageFile("doubler", guest("doubler"))) })
	defer c.Close()
	out, err := c.Call("doubler", "double", s64Bytes(t, 21))
	must(t, err)
	if n := bytesS64(t, out); n != 42 {
		t.Fatalf("double(21) = %d", n)
	}
	f, err := c.Func("doubler", "double")
	must(t, err)
	defer f.Close()
	arg := NewS64(-8)
	defer arg.Close()
	v, err := f.CallValue(arg)
	must(t, err)
	defer v.Close()
	if n, _ := v.AsS64(); n != -16 {
		t.Fatalf("double(-8) = %v", v)
	}
	if got := c.Packages(); len(got) != 1 || got[0] != "doubler" {
		t.Fatalf("Packages() = %v", got)
	}
	// A 1-tuple is not accepted by a one-parameter export: the guest's message comes through.
	tup := mustV(t)(NewTuple(NewS64(21)))
	defer tup.Close()
	_, err = c.CallValue("doubler", "double", tup)
	wantCode(t, err, Guest, "failed to convert parameter")
	_, err = c.Call("doubler", "triple", s64Bytes(t, 1))
	wantCode(t, err, NotFound, "triple")
	_, err = c.Call("nobody", "double", s64Bytes(t, 1))
	wantCode(t, err, NotFound)
	_, err = c.Func("doubler", "nope")
	wantCode(t, err, NotFound)
}

func TestAdderWiredToDoubler(t *testing.T) {
	c := build(t, func(b *Builder) {
		must(t, b.AddPackageFile("adder", guest("adder")))
		wasm, err := os.ReadFile(guest("doubler"))
		must(t, err)
		must(t, b.AddPackage("doubler", wasm))
		must(t, b.Wire("adder", "math", "double", "doubler", "double"))
	})
	defer c.Close()
	for in, want := range map[int64]int64{5: 11, -7: -13, 0: 1} {
		out, err := c.Call("adder", "process", s64Bytes(t, in))
		must(t, err)
		if got := bytesS64(t, out); got != want {
			t.Fatalf("process(%d) = %d, want %d", in, got, want)
		}
	}
	if got := c.Packages(); strings.Join(got, ",") != "adder,doubler" {
		t.Fatalf("Packages() = %v", got)
	}
}

// greeterHost returns host functions for greeter: greet answers "Hello, <name>", fails for
// "mallory", panics for "panic" and answers garbage bytes for "garbage"; log counts its calls.
func greeterHost(logs *int64) (greet, log HostFunc) {
	inner := ValueHostFunc(func(in *Value) (*Value, error) {
		name, err := in.AsString()
		if err != nil {
			return nil, err
		}
		switch name {
		case "mallory":
			return nil, errors.New("no greeting for mallory")
		case "panic":
			panic("greet was asked to panic")
		case "nilmap":
			var m map[string]int
			m["boom"] = 1 // a runtime error panic
		}
		return NewString("Hello, " + name)
	})
	greet2 := func(input []byte) ([]byte, error) {
		v, err := DecodeValue(input)
		if err != nil {
			return nil, err
		}
		defer v.Close()
		if s, _ := v.AsString(); s == "garbage" {
			return []byte("this is not CGRF"), nil
		}
		return inner(input)
	}
	log = func(input []byte) ([]byte, error) {
		atomic.AddInt64(logs, 1)
		return nil, nil // the unit value
	}
	return greet2, log
}

func greeterComposition(t testing.TB, logs *int64) *Composition {
	greet, log := greeterHost(logs)
	return build(t, func(b *Builder) {
		must(t, b.AddPackageFile("greeter", guest("greeter")))
		must(t, b.AddHostFunction("host", "greet", greet))
		must(t, b.AddHostFunction("host", "log", log))
	})
}

func hello(t testing.TB, c *Composition, name string) (string, error) {
	arg := mustV(t)(NewString(name))
	defer arg.Close()
	out, err := c.CallValue("greeter", "hello", arg)
	if err != nil {
		return "", err
	}
	defer out.Close()
	return out.AsString()
}

func TestGreeterHostFunctions(t *testing.T) {
	var logs int64
	c := greeterComposition(t, &logs)
	defer c.Close()

	got, err := hello(t, c, "bob")
	must(t, err)
	if got != "Hello, bob!" {
		t.Fatalf("hello(bob) = %q", got)
	}

	arg := mustV(t)(NewString("twice"))
	defer arg.Close()
	out, err := c.CallValue("greeter", "log_twice", arg)
	must(t, err)
	defer out.Close()
	if n, _ := out.AsU32(); n != 2 || atomic.LoadInt64(&logs) != 2 {
		t.Fatalf("log_twice = %v, logs = %d", out, logs)
	}

	// A host function returning an error: Code Host, with the error's text.
	_, err = hello(t, c, "mallory")
	pe := wantCode(t, err, Host, "no greeting for mallory")
	if !errors.Is(err, &Error{Code: Host}) || errors.Is(err, &Error{Code: Trap}) {
		t.Fatalf("errors.Is does not match codes: %v", pe)
	}
	if pe.Code.String() != "PACKR_RESULT_HOST" {
		t.Fatalf("Code.String() = %s", pe.Code)
	}

	// Panicking host functions: reported as host errors, the process survives.
	_, err = hello(t, c, "panic")
	wantCode(t, err, Host, "panicked", "greet was asked to panic")
	_, err = hello(t, c, "nilmap")
	wantCode(t, err, Host, "panicked", "nil map")

	// Output that is not CGRF is caught before it reaches the guest.
	_, err = hello(t, c, "garbage")
	wantCode(t, err, Decode)

	// The composition recovers after each failure.
	got, err = hello(t, c, "alice")
	must(t, err)
	if got != "Hello, alice!" {
		t.Fatalf("hello(alice) = %q", got)
	}
}

func TestHostFunctionCallsBackIntoComposition(t *testing.T) {
	var c *Composition
	var mu sync.Mutex
	b := NewBuilder()
	must(t, b.AddPackageFile("greeter", guest("greeter")))
	must(t, b.AddPackageFile("doubler", guest("doubler")))
	must(t, b.AddHostFunction("host", "greet", ValueHostFunc(func(in *Value) (*Value, error) {
		mu.Lock()
		cc := c
		mu.Unlock()
		name, _ := in.AsString()
		arg := NewS64(int64(len(name)))
		defer arg.Close()
		n, err := cc.CallValue("doubler", "double", arg)
		if err != nil {
			return nil, err
		}
		defer n.Close()
		return NewString(fmt.Sprintf("%s has %s", name, n))
	})))
	must(t, b.AddHostFunction("host", "log", func([]byte) ([]byte, error) { return nil, nil }))
	cc, err := b.Build()
	must(t, err)
	mu.Lock()
	c = cc
	mu.Unlock()
	defer c.Close()
	got, err := hello(t, c, "bob")
	must(t, err)
	if got != "bob has 6!" {
		t.Fatalf("got %q", got)
	}
}

// expr builders for the sexpr guest: sym#0(string), num#1(s64), lst#4(list<variant<expr>>).
func sym(t testing.TB, s string) *Value {
	return mustV(t)(NewVariant("expr", "sym", 0, mustV(t)(NewString(s))))
}

func num(t testing.TB, n int64) *Value { return mustV(t)(NewVariant("expr", "num", 1, NewS64(n))) }

func lst(t testing.TB, items ...*Value) *Value {
	et := mustT(t)(TypeVariant("expr"))
	defer et.Close()
	return mustV(t)(NewVariant("expr", "lst", 4, mustV(t)(NewList(et, items...))))
}

const sexprGolden = `expr::lst#4([expr::sym#0("+"), expr::num#1(1), expr::lst#4([expr::sym#0("*"), expr::num#1(2), expr::num#1(3)])])`

func TestSexprEval(t *testing.T) {
	c := build(t, func(b *Builder) { must(t, b.AddPackageFile("sexpr", guest("sexpr"))) })
	defer c.Close()

	// (+ 1 (* 2 3)), built with the Value constructors.
	e := lst(t, sym(t, "+"), num(t, 1), lst(t, sym(t, "*"), num(t, 2), num(t, 3)))
	defer e.Close()
	if e.String() != sexprGolden {
		t.Fatalf("text = %s", e)
	}
	golden := MustParseValue(sexprGolden)
	defer golden.Close()
	if !e.Equal(golden) {
		t.Fatal("built tree differs from the parsed golden text")
	}

	res, err := c.CallValue("sexpr", "eval", e)
	must(t, err)
	defer res.Close()
	if cs, _ := res.CaseName(); cs != "num" {
		t.Fatalf("eval = %v", res)
	}
	if tag, _ := res.Tag(); tag != 1 {
		t.Fatalf("eval tag = %d", tag)
	}
	if n, err := res.Get(0).AsS64(); err != nil || n != 7 {
		t.Fatalf("eval = %v (%v)", res, err)
	}

	for export, want := range map[string]int64{"count": 7, "depth": 3} {
		out, err := c.CallValue("sexpr", export, e)
		must(t, err)
		if n, _ := out.AsS64(); n != want {
			t.Fatalf("%s = %v, want %d", export, out, want)
		}
		out.Close()
	}

	te, err := c.CallValue("sexpr", "try_eval", e)
	must(t, err)
	defer te.Close()
	if isErr, _ := te.IsErr(); isErr || te.OkType().Kind() != KindS64 || te.ErrType().Kind() != KindString {
		t.Fatalf("try_eval = %v", te)
	}
	if n, _ := te.Get(0).AsS64(); n != 7 {
		t.Fatalf("try_eval = %v", te)
	}

	// Errors: eval answers a sym, eval_strict fails with the guest's message.
	bad := lst(t, sym(t, "frob"), num(t, 1))
	defer bad.Close()
	r, err := c.CallValue("sexpr", "eval", bad)
	must(t, err)
	defer r.Close()
	if r.String() != `expr::sym#0("error: unknown symbol: frob")` {
		t.Fatalf("eval(frob) = %s", r)
	}
	_, err = c.CallValue("sexpr", "eval_strict", bad)
	wantCode(t, err, Guest, "eval error: unknown symbol: frob")
	_, err = c.Call("sexpr", "eval_strict", []byte("junk"))
	wantCode(t, err, Guest, "decode error")
}

func TestTypesMetadata(t *testing.T) {
	var logs int64
	c := greeterComposition(t, &logs)
	defer c.Close()
	md, err := c.Types("greeter")
	must(t, err)
	defer md.Close()
	if md.Kind() != KindRecord {
		t.Fatalf("metadata is a %v", md.Kind())
	}
	if tn, _ := md.TypeName(); tn != "package-metadata" {
		t.Fatalf("metadata type = %q", tn)
	}
	names := func(list *Value) []string {
		var out []string
		for _, f := range list.Items() {
			n, err := f.Field("name").AsString()
			must(t, err)
			if iface, _ := f.Field("interface").AsString(); iface != "" {
				n = iface + "." + n
			}
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	if got := names(md.Field("exports")); strings.Join(got, ",") != "hello,log_twice" {
		t.Fatalf("exports = %v", got)
	}
	if got := names(md.Field("imports")); strings.Join(got, ",") != "host.greet,host.log" {
		t.Fatalf("imports = %v", got)
	}
	// hello(name: string) -> string
	var hello *Value
	for _, f := range md.Field("exports").Items() {
		if n, _ := f.Field("name").AsString(); n == "hello" {
			hello = f
		}
	}
	p := hello.Field("params").Get(0)
	if n, _ := p.Field("name").AsString(); n != "name" {
		t.Fatalf("param = %v", p)
	}
	if cs, _ := p.Field("type").CaseName(); cs != "string" {
		t.Fatalf("param type = %v", p.Field("type"))
	}
	raw, err := c.TypesBytes("greeter")
	must(t, err)
	again := mustV(t)(DecodeValue(raw))
	defer again.Close()
	if !again.Equal(md) {
		t.Fatal("Types and TypesBytes disagree")
	}
	_, err = c.Types("nobody")
	wantCode(t, err, NotFound)
}

func TestConcurrentCalls(t *testing.T) {
	c := build(t, func(b *Builder) {
		must(t, b.AddPackageFile("adder", guest("adder")))
		must(t, b.AddPackageFile("doubler", guest("doubler")))
		must(t, b.Wire("adder", "math", "double", "doubler", "double"))
	})
	defer c.Close()
	f, err := c.Func("doubler", "double")
	must(t, err)
	defer f.Close()

	const goroutines, calls = 8, 1000
	var wg sync.WaitGroup
	var bad, done int64
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				n := int64(g*100000 + i)
				var out []byte
				var err error
				var want int64
				switch i % 3 {
				case 0:
					out, err = f.Call(s64Bytes(t, n))
					want = 2 * n
				case 1:
					out, err = c.Call("doubler", "double", s64Bytes(t, n))
					want = 2 * n
				default:
					out, err = c.Call("adder", "process", s64Bytes(t, n))
					want = 2*n + 1
				}
				if err != nil {
					errs <- err
					return
				}
				if got := bytesS64(t, out); got != want {
					atomic.AddInt64(&bad, 1)
				}
				atomic.AddInt64(&done, 1)
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if bad != 0 || done != goroutines*calls {
		t.Fatalf("%d wrong results, %d calls done", bad, done)
	}
}

func TestConcurrentHostCallbacks(t *testing.T) {
	var logs int64
	c := greeterComposition(t, &logs)
	defer c.Close()
	var wg sync.WaitGroup
	var bad int64
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				name := fmt.Sprintf("g%d-%d", g, i)
				if i%50 == 7 {
					if _, err := hello(t, c, "panic"); CodeOf(err) != Host {
						atomic.AddInt64(&bad, 1)
					}
					continue
				}
				got, err := hello(t, c, name)
				if err != nil || got != "Hello, "+name+"!" {
					atomic.AddInt64(&bad, 1)
				}
			}
		}(g)
	}
	wg.Wait()
	if bad != 0 {
		t.Fatalf("%d bad results", bad)
	}
}

// Close while 8 goroutines call in a loop: every call either succeeds or reports "closed";
// the C object is freed by the last call in flight (run with -race).
func TestCloseDuringConcurrentCalls(t *testing.T) {
	var logs int64
	c := greeterComposition(t, &logs)
	f, err := c.Func("greeter", "hello")
	must(t, err)
	var wg sync.WaitGroup
	var ok, closed, other int64
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				var err error
				if g%2 == 0 {
					_, err = hello(t, c, "x")
				} else {
					arg := mustV(t)(NewString("y"))
					var out *Value
					out, err = f.CallValue(arg)
					arg.Close()
					out.Close()
				}
				switch {
				case err == nil:
					atomic.AddInt64(&ok, 1)
				case CodeOf(err) == InvalidArgument && strings.Contains(err.Error(), "closed"):
					atomic.AddInt64(&closed, 1)
					return
				default:
					atomic.AddInt64(&other, 1)
					t.Error(err)
					return
				}
			}
		}(g)
	}
	time.Sleep(30 * time.Millisecond)
	c.Close()
	f.Close()
	wg.Wait()
	if other != 0 || closed != 8 || ok == 0 {
		t.Fatalf("ok %d, closed %d, other %d", ok, closed, other)
	}
}

func TestInterruptSpin(t *testing.T) {
	c := build(t, func(b *Builder) {
		must(t, b.AddPackageFile("hostile", guest("hostile")))
		must(t, b.SetTimeout(30*time.Second)) // a backstop: the test wants Interrupted, not Limit
	})
	defer c.Close()
	c.Interrupt() // not sticky: nothing runs, nothing happens

	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := c.Call("hostile", "spin", s64Bytes(t, 0))
		done <- err
	}()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			if time.Since(start) > 50*time.Millisecond {
				c.Interrupt()
			}
		}
	}
	wantCode(t, err, Interrupted)
	// Later calls run normally.
	out, err := c.Call("hostile", "busy", s64Bytes(t, 1000))
	must(t, err)
	if bytesS64(t, out) != 1000 {
		t.Fatal("busy(1000) after interrupt")
	}
}

func TestInterruptAfterCloseWhileRunning(t *testing.T) {
	c := build(t, func(b *Builder) { must(t, b.AddPackageFile("hostile", guest("hostile"))) })
	busy, err := c.Func("hostile", "busy")
	must(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := c.Call("hostile", "spin", s64Bytes(t, 0))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	c.Close() // the running call keeps the C object alive
	c.Close()
	_, err = c.Call("hostile", "busy", s64Bytes(t, 1))
	wantCode(t, err, InvalidArgument, "closed")
	var callErr error
	for callErr == nil {
		select {
		case callErr = <-done:
		case <-time.After(5 * time.Millisecond):
			c.Interrupt() // still reaches the running call
		}
	}
	wantCode(t, callErr, Interrupted)
	// The Func still holds the composition.
	out, err := busy.Call(s64Bytes(t, 7))
	must(t, err)
	if bytesS64(t, out) != 7 {
		t.Fatal("busy(7) through a Func after Composition.Close")
	}
	busy.Close()
	_, err = busy.Call(s64Bytes(t, 1))
	wantCode(t, err, InvalidArgument, "closed")
}

func TestLimits(t *testing.T) {
	c := build(t, func(b *Builder) {
		must(t, b.AddPackageFile("hostile", guest("hostile")))
		must(t, b.SetFuel(5_000_000))
		must(t, b.SetMemoryLimit(64<<20))
		must(t, b.SetValueLimits(Limits{}))
	})
	defer c.Close()
	_, err := c.Call("hostile", "spin", s64Bytes(t, 0))
	wantCode(t, err, Limit)
	out, err := c.Call("hostile", "busy", s64Bytes(t, 100))
	must(t, err)
	if bytesS64(t, out) != 100 {
		t.Fatal("busy(100)")
	}
	// A memory.grow beyond the limit fails the call (it is not reported to the guest).
	_, err = c.Call("hostile", "try_grow", s64Bytes(t, 1000))
	wantCode(t, err, Limit, "memory limit")
	out, err = c.Call("hostile", "grow", s64Bytes(t, 4))
	must(t, err)
	if bytesS64(t, out) != 4<<20 {
		t.Fatal("grow(4) under a 64 MiB limit")
	}

	c2 := build(t, func(b *Builder) {
		must(t, b.AddPackageFile("hostile", guest("hostile")))
		must(t, b.SetTimeout(100*time.Millisecond))
	})
	defer c2.Close()
	start := time.Now()
	_, err = c2.Call("hostile", "spin", s64Bytes(t, 0))
	wantCode(t, err, Limit)
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("timeout took %v", el)
	}
}

func TestBuilderErrors(t *testing.T) {
	b := NewBuilder()
	wantCode(t, b.AddPackage("junk", []byte("not wasm at all")), Compile)
	wantCode(t, b.AddPackageFile("missing", "/nonexistent/x.wasm"), IO, "/nonexistent/x.wasm")
	wantCode(t, b.AddPackageFile("a\x00b", guest("doubler")), InvalidArgument, "NUL")
	wantCode(t, b.AddPackage("", []byte{}), InvalidArgument)
	wantCode(t, b.AddHostFunction("host", "nil", nil), InvalidArgument)
	b.Close()
	wantCode(t, b.AddPackageFile("doubler", guest("doubler")), InvalidArgument, "closed")
	b.Close() // twice is fine

	// greeter without its host functions does not link.
	b = NewBuilder()
	must(t, b.AddPackageFile("greeter", guest("greeter")))
	_, err := b.Build()
	wantCode(t, err, Link)
	_, err = b.Build()
	wantCode(t, err, InvalidArgument, "already built")

	// Wires to unknown names are reported by Build.
	b = NewBuilder()
	must(t, b.AddPackageFile("adder", guest("adder")))
	must(t, b.Wire("adder", "math", "double", "nobody", "double"))
	_, err = b.Build()
	wantCode(t, err, Link, "nobody")
}

func TestCodes(t *testing.T) {
	names := map[Code]string{OK: "OK", InvalidArgument: "INVALID_ARGUMENT", NotFound: "NOT_FOUND",
		Compile: "COMPILE", Link: "LINK", Trap: "TRAP", Guest: "GUEST", Host: "HOST", Decode: "DECODE",
		Encode: "ENCODE", Limit: "LIMIT", Interrupted: "INTERRUPTED", IO: "IO", Panic: "PANIC"}
	for c, n := range names {
		if c.String() != "PACKR_RESULT_"+n {
			t.Fatalf("%d.String() = %s", c, c)
		}
	}
	if Code(99).String() != "PACKR_RESULT_UNKNOWN" {
		t.Fatal(Code(99).String())
	}
	err := fmt.Errorf("wrapped: %w", &Error{Code: Trap, Message: "boom"})
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != Trap || CodeOf(err) != Trap || CodeOf(nil) != OK ||
		CodeOf(errors.New("x")) != NotAPackrError {
		t.Fatal("errors.As / CodeOf")
	}
	if pe.Error() != "PACKR_RESULT_TRAP: boom" {
		t.Fatal(pe.Error())
	}
}

// TestHandleCleanup checks that libpackr calls each Go host function's finalizer exactly once
// (deleting its cgo.Handle) on every path: close, builder freed unbuilt, failed registration,
// failed build, Func outliving its Composition, and the GC finalizer safety net.
func TestHandleCleanup(t *testing.T) {
	settle := func() {
		for i := 0; i < 5; i++ {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
	}
	settle()
	live0, created0, fin0, bad0 := HostFunctionStats()
	liveDelta := func() int64 { l, _, _, _ := HostFunctionStats(); return l - live0 }
	noop := func([]byte) ([]byte, error) { return nil, nil }

	// 1. Build and Close.
	var logs int64
	c := greeterComposition(t, &logs)
	if liveDelta() != 2 {
		t.Fatalf("live = %d", liveDelta())
	}
	c.Close()
	if liveDelta() != 0 {
		t.Fatalf("after Close: live = %d", liveDelta())
	}

	// 2. A builder freed without building.
	b := NewBuilder()
	must(t, b.AddHostFunction("host", "greet", noop))
	b.Close()
	if liveDelta() != 0 {
		t.Fatal("Builder.Close did not release its host function")
	}

	// 3. A failed registration releases the handle before it returns.
	b = NewBuilder()
	wantCode(t, b.AddHostFunction("bad\xff", "greet", noop), InvalidArgument)
	if liveDelta() != 0 {
		t.Fatal("failed AddHostFunction did not release its handle")
	}
	// 4. A failed build (a name registered twice) releases them all.
	must(t, b.AddPackageFile("greeter", guest("greeter")))
	must(t, b.AddHostFunction("host", "greet", noop))
	must(t, b.AddHostFunction("host", "greet", noop))
	must(t, b.AddHostFunction("host", "log", noop))
	_, err := b.Build()
	wantCode(t, err, Link)
	if liveDelta() != 0 {
		t.Fatalf("failed Build: live = %d", liveDelta())
	}

	// 5. A Func keeps the composition (and its host functions) alive after Composition.Close.
	c = greeterComposition(t, &logs)
	f, err := c.Func("greeter", "hello")
	must(t, err)
	c.Close()
	if liveDelta() != 2 {
		t.Fatal("host functions released while a Func holds the composition")
	}
	arg := mustV(t)(NewString("func"))
	out, err := f.CallValue(arg)
	must(t, err)
	if s, _ := out.AsString(); s != "Hello, func!" {
		t.Fatal(out)
	}
	f.Close()
	if liveDelta() != 0 {
		t.Fatal("Func.Close did not release the host functions")
	}

	// 6. Forgotten compositions, funcs and builders: the GC finalizers release everything.
	func() {
		for i := 0; i < 5; i++ {
			c := greeterComposition(t, &logs)
			_, _ = c.Func("greeter", "hello")
			b := NewBuilder()
			_ = b.AddHostFunction("host", "x", noop)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for liveDelta() != 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	live, created, fin, bad := HostFunctionStats()
	if live != live0 {
		t.Fatalf("GC finalizers left %d host functions", live-live0)
	}
	if bad != bad0 {
		t.Fatalf("%d host function handles were finalized twice", bad-bad0)
	}
	if created-created0 != fin-fin0 || created-created0 != 2+1+1+3+2+5*3 {
		t.Fatalf("created %d, finalized %d", created-created0, fin-fin0)
	}
}

// TestREADMESnippets checks that the Go snippet in bindings/README.md is the body of
// Example_quickstart (which `go test` runs and checks against its // Output: comment).
func TestREADMESnippets(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	must(t, err)
	example, err := os.ReadFile("example_test.go")
	must(t, err)
	var blocks [][]string
	var cur []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(string(readme)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.HasPrefix(line, "```go"):
			in, cur = true, nil
		case in && strings.HasPrefix(line, "```"):
			in = false
			blocks = append(blocks, cur)
		case in:
			cur = append(cur, line)
		}
	}
	if len(blocks) == 0 {
		t.Fatal("no ```go block in bindings/README.md")
	}
	norm := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	ex := strings.Join(norm(strings.Split(string(example), "\n")), "\n")
	for _, blk := range blocks {
		// Only the body of func main() must match the example.
		start, end := -1, -1
		for i, l := range blk {
			if strings.HasPrefix(l, "func main() {") {
				start = i + 1
			}
			if l == "}" {
				end = i
			}
		}
		if start < 0 || end < start {
			t.Fatalf("README Go block has no func main: %v", blk)
		}
		body := strings.Join(norm(blk[start:end]), "\n")
		if !strings.Contains(ex, body) {
			t.Fatalf("README Go snippet is not in example_test.go:\n%s", body)
		}
	}
}

func TestPrecompiled(t *testing.T) {
	wasm, err := os.ReadFile(guest("doubler"))
	must(t, err)
	art, err := Precompile(wasm, PrecompileAll)
	must(t, err)
	if len(art) < 8 || string(art[:8]) != "\x7fPACKRPC" {
		t.Fatalf("artifact starts with %q", art[:8])
	}
	c := build(t, func(b *Builder) { must(t, b.AddPackagePrecompiled("doubler", art)) })
	defer c.Close()
	if n := bytesS64(t, mustBytes(t, c, "doubler", 21)); n != 42 {
		t.Fatalf("double(21) = %d", n)
	}

	bad := append([]byte(nil), art...)
	bad[len(bad)/2] ^= 1
	b := NewBuilder()
	defer b.Close()
	wantCode(t, b.AddPackagePrecompiled("x", bad), Compile, "checksum mismatch")
	wantCode(t, b.AddPackagePrecompiled("x", art[:len(art)/3]), Compile, "truncated")
	wantCode(t, b.AddPackagePrecompiled("x", wasm), Compile, "WebAssembly module")
	_, err = Precompile(wasm, 8)
	wantCode(t, err, InvalidArgument)

	path := filepath.Join(t.TempDir(), "doubler.cwasm")
	must(t, PrecompileFile(guest("doubler"), path, PrecompilePlain))
	fb := NewBuilder()
	must(t, fb.AddPackagePrecompiledFile("d", path))
	must(t, fb.SetFuel(1000000))
	_, err = fb.Build()
	wantCode(t, err, Compile, "no fuel-metered")
	c2 := build(t, func(b *Builder) { must(t, b.AddPackagePrecompiledFile("d", path)) })
	defer c2.Close()
	if n := bytesS64(t, mustBytes(t, c2, "d", -5)); n != -10 {
		t.Fatalf("double(-5) = %d", n)
	}
	mb := NewBuilder()
	defer mb.Close()
	wantCode(t, mb.AddPackagePrecompiledFile("d", path+".missing"), IO)
}

func mustBytes(t *testing.T, c *Composition, pkg string, n int64) []byte {
	t.Helper()
	out, err := c.Call(pkg, "double", s64Bytes(t, n))
	must(t, err)
	return out
}
