// Tests for include/packr.hpp (the C++17 wrapper) against the real guests.
//
//   usage: test_cpp GUEST_DIR        (GUEST_DIR = target/guests/wasm, from tests/guests/build.sh)
//
// Built by `make test-cpp` (and `make test-cpp-asan`) at the repository root with
// -std=c++17 -Wall -Wextra -Wpedantic -Werror. Ends with "N passed, 0 failed"; exits 1 on failure.
//
// Tests are spread over three files linked into one binary: values, types and the runtime
// here; maps, sets and guest generations in test_cpp_generations.cpp; deferred host answers and
// async calls in test_cpp_async.cpp. check.hpp has the shared check macros and registry.
#include "check.hpp"

namespace {

// ------------------------------------------------------------------------------------------------

TEST(version) {
  CHECK_EQ(packr::version(), std::string_view(PACKR_VERSION_STRING));
  CHECK_EQ(packr::result_name(PACKR_RESULT_LINK), std::string_view("PACKR_RESULT_LINK"));
  CHECK_EQ(packr::kind_name(PACKR_KIND_VARIANT), std::string_view("variant"));
}

TEST(doubler_call_value_and_bytes) {
  packr::builder b;
  b.add_package_file("doubler", guest("doubler"));
  packr::composition c = b.build();
  CHECK(!b);  // build consumed the handle
  CHECK_EQ(c.package_count(), 1u);
  CHECK_EQ(c.package_name(0), std::string_view("doubler"));
  CHECK(c.package_name(7).empty());
  CHECK(c.package_names() == std::vector<std::string>{"doubler"});

  packr::value out = c.call_value("doubler", "double", packr::value::s64(21));
  CHECK_EQ(out.kind(), PACKR_KIND_S64);
  CHECK_EQ(out.as_s64(), 42);

  // The byte level: encode yourself, decode yourself.
  packr::bytes in = packr::value::s64(-8).encode();
  packr::bytes raw = c.call("doubler", "double", in);
  CHECK_EQ(packr::value::decode(raw).as_s64(), -16);
  CHECK_EQ(packr::value::decode(raw).to_text(), std::string("-16"));

  // Wrapping arithmetic in the guest.
  CHECK_EQ(c.call_value("doubler", "double", packr::value::s64(std::numeric_limits<int64_t>::max())).as_s64(), -2);

  // The embedded metadata.
  packr::value meta = c.types_value("doubler");
  CHECK_EQ(meta.kind(), PACKR_KIND_RECORD);
  CHECK(contains(meta.to_text(), "double"));
}

TEST(package_from_bytes_and_func) {
  std::vector<uint8_t> wasm = read_file(guest("doubler"));
  packr::composition c = packr::builder().add_package("d", wasm).build();
  packr::func f = c.func("d", "double");
  for (int64_t n : {0, 1, 5, -100, 123456789}) CHECK_EQ(f.call_value(packr::value::s64(n)).as_s64(), 2 * n);
  packr::bytes out = f(packr::value::s64(4).encode());
  CHECK_EQ(packr::value::decode(out).as_s64(), 8);
  CHECK_THROWS_CODE(c.func("d", "triple"), PACKR_RESULT_NOT_FOUND);
  CHECK_THROWS_CODE(c.func("nope", "double"), PACKR_RESULT_NOT_FOUND);
}

TEST(declared_signatures) {
  packr::composition c =
      packr::builder().add_package_file("doubler", guest("doubler")).add_package_file("meta", guest("cur_meta")).build();
  CHECK_EQ(c.signature("doubler", PACKR_SIGNATURE_KIND_EXPORT, std::nullopt, "double"),
           std::string("func(n: s64) -> s64"));
  CHECK_EQ(c.signature("doubler", PACKR_SIGNATURE_KIND_EXPORT, std::string_view(""), "double"),
           std::string("func(n: s64) -> s64"));
  CHECK(contains(c.signatures("doubler"), "export\t\tdouble\tfunc(n: s64) -> s64\n"));
  std::string meta = c.signatures("meta");
  CHECK(contains(meta, "type-param\t\ts\t"));
  CHECK(contains(meta, "map<string, u32>") && contains(meta, "set<string>"));
  CHECK_THROWS_CODE(c.signature("doubler", PACKR_SIGNATURE_KIND_EXPORT, std::nullopt, "triple"),
                    PACKR_RESULT_NOT_FOUND);
  CHECK_THROWS_CODE(c.signatures("nope"), PACKR_RESULT_NOT_FOUND);
  CHECK_THROWS_CODE(c.signature("doubler", PACKR_SIGNATURE_KIND_EXPORT, std::string_view("a\0b", 3), "double"),
                    PACKR_RESULT_INVALID_ARGUMENT);
}

TEST(adder_wired_to_doubler) {
  packr::builder b;
  b.add_package_file("adder", guest("adder"))
      .add_package_file("doubler", guest("doubler"))
      .wire("adder", "math", "double", "doubler", "double");
  packr::composition c = b.build();
  CHECK_EQ(c.call_value("adder", "process", packr::value::s64(5)).as_s64(), 11);
  CHECK_EQ(c.call_value("adder", "process", packr::value::s64(-7)).as_s64(), -13);

  // A func keeps the composition alive after the composition owner is gone.
  packr::func process = c.func("adder", "process");
  { packr::composition gone = std::move(c); }
  CHECK(!c);
  CHECK_EQ(process.call_value(packr::value::s64(20)).as_s64(), 41);

  // Calls from several threads at once.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i)
        if (process.call_value(packr::value::s64(t * 100 + i)).as_s64() == 2 * (t * 100 + i) + 1) ++ok;
    });
  for (auto &th : threads) th.join();
  CHECK_EQ(ok.load(), 100);
}

TEST(build_errors) {
  packr::builder b;
  b.add_package_file("adder", guest("adder"));
  std::string msg = CHECK_THROWS_CODE(b.build(), PACKR_RESULT_LINK);
  CHECK(contains(msg, "double"));
  CHECK(!b);  // consumed also on failure

  packr::builder dup;
  dup.add_package_file("x", guest("doubler")).add_package_file("x", guest("doubler"));
  CHECK_THROWS_CODE(dup.build(), PACKR_RESULT_LINK);

  packr::builder w;
  w.add_package_file("adder", guest("adder")).wire("adder", "math", "double", "ghost", "double");
  CHECK_THROWS_CODE(w.build(), PACKR_RESULT_LINK);

  packr::builder bad;
  CHECK_THROWS_CODE(bad.add_package("junk", std::string_view("this is not wasm")), PACKR_RESULT_COMPILE);
  CHECK_THROWS_CODE(bad.add_package_file("missing", g_dir + "/no-such-file.wasm"), PACKR_RESULT_IO);
  CHECK_THROWS_CODE(bad.add_package("", std::string_view("")), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(bad.add_package(std::string_view("a\0b", 3), read_file(guest("doubler"))),
                    PACKR_RESULT_INVALID_ARGUMENT);
  CHECK(static_cast<bool>(bad));  // failed adders leave the builder usable
}

TEST(greeter_with_lambda_host_functions) {
  g_state_destroyed = 0;
  auto state = std::make_shared<captured_state>("Hello, ");
  std::weak_ptr<captured_state> watch = state;
  std::vector<std::string> logged;
  {
    packr::builder b;
    b.add_package_file("greeter", guest("greeter"));
    // value_ref in, value out; the lambda owns a reference to the state.
    b.add_host_function("host", "greet", [state](packr::value_ref name) {
      ++state->calls;
      std::string_view n = name.as_string();
      if (n == "mallory") throw std::runtime_error("no greeting for mallory");
      if (n == "int") throw 42;
      return packr::value::string(state->prefix + std::string(n));
    });
    // byte_view in, nothing out (replies the unit value).
    b.add_host_function("host", "log", [&logged](packr::byte_view in) {
      logged.push_back(packr::value::decode(in).to_text());
    });
    state.reset();  // now only the lambda holds it
    CHECK(!watch.expired());
    packr::composition c = b.build();
    CHECK_EQ(g_state_destroyed.load(), 0);

    CHECK_EQ(c.call_value("greeter", "hello", packr::value::string("bob")).as_string(), std::string_view("Hello, bob!"));
    packr::value two = c.call_value("greeter", "log_twice", packr::value::string("twice"));
    CHECK_EQ(two.kind(), PACKR_KIND_U32);
    CHECK_EQ(two.as_u32(), 2u);
    CHECK(logged == (std::vector<std::string>{"\"twice\"", "\"twice\""}));

    // A throwing lambda: PACKR_RESULT_HOST with the exception's message; nothing escapes.
    std::string msg = CHECK_THROWS_CODE(c.call_value("greeter", "hello", packr::value::string("mallory")),
                                        PACKR_RESULT_HOST);
    CHECK(contains(msg, "no greeting for mallory"));
    CHECK(contains(msg, "host.greet"));
    msg = CHECK_THROWS_CODE(c.call_value("greeter", "hello", packr::value::string("int")), PACKR_RESULT_HOST);
    CHECK(contains(msg, "unknown C++ exception"));

    // The composition recovers after the failed calls.
    CHECK_EQ(c.call_value("greeter", "hello", packr::value::string("alice")).as_string(),
             std::string_view("Hello, alice!"));
    if (auto alive = watch.lock()) {
      CHECK_EQ(alive->calls.load(), 4);
    } else {
      CHECK(!"the captured state is gone while the composition lives");
    }
    CHECK_EQ(g_state_destroyed.load(), 0);
  }
  // The composition is gone: the finalizer deleted the lambda, and with it the state, once.
  CHECK(watch.expired());
  CHECK_EQ(g_state_destroyed.load(), 1);
}

TEST(host_function_state_lifetime) {
  // Freed with an unbuilt builder.
  g_state_destroyed = 0;
  {
    auto s = std::make_shared<captured_state>("x");
    packr::builder b;
    b.add_host_function("host", "greet", [s](packr::byte_view in) { return in.to_vector(); });
  }
  CHECK_EQ(g_state_destroyed.load(), 1);

  // Kept alive by a func after the composition is freed.
  g_state_destroyed = 0;
  {
    packr::func hello;
    {
      auto s = std::make_shared<captured_state>("Hi ");
      packr::builder b;
      b.add_package_file("greeter", guest("greeter"));
      b.add_host_function("host", "greet", [s](packr::value_ref v) {
        return packr::value::string(s->prefix + std::string(v.as_string()));
      });
      b.add_host_function("host", "log", [](packr::byte_view) {});
      packr::composition c = b.build();
      hello = c.func("greeter", "hello");
    }
    CHECK_EQ(g_state_destroyed.load(), 0);
    CHECK_EQ(hello.call_value(packr::value::string("eve")).as_string(), std::string_view("Hi eve!"));
  }
  CHECK_EQ(g_state_destroyed.load(), 1);

  // add_host_function fails (bad UTF-8 name): exception, and the state is destroyed once.
  g_state_destroyed = 0;
  {
    auto s = std::make_shared<captured_state>("x");
    packr::builder b;
    CHECK_THROWS_CODE(b.add_host_function("host", "\xff\xfe", [s](packr::byte_view) {}), PACKR_RESULT_INVALID_ARGUMENT);
    s.reset();
    CHECK_EQ(g_state_destroyed.load(), 1);
  }
  CHECK_EQ(g_state_destroyed.load(), 1);

  // A duplicate host function fails at build; both states are destroyed once.
  g_state_destroyed = 0;
  {
    packr::builder b;
    b.add_package_file("greeter", guest("greeter"));
    auto s1 = std::make_shared<captured_state>("1"), s2 = std::make_shared<captured_state>("2");
    b.add_host_function("host", "greet", [s1](packr::byte_view) {});
    b.add_host_function("host", "greet", [s2](packr::byte_view) {});
    s1.reset();
    s2.reset();
    CHECK_THROWS_CODE(b.build(), PACKR_RESULT_LINK);
  }
  CHECK_EQ(g_state_destroyed.load(), 2);
}

TEST(host_function_output_kinds) {
  // greet answers with raw bytes (std::vector, std::string, packr::bytes) or invalid CGRF.
  auto run = [](auto greet) {
    packr::builder b;
    b.add_package_file("greeter", guest("greeter"));
    b.add_host_function("host", "greet", std::move(greet));
    b.add_host_function("host", "log", [](packr::byte_view) {});
    return b.build();
  };
  {
    auto c = run([](packr::byte_view in) -> std::vector<uint8_t> {
      std::string name(packr::value::decode(in).as_string());
      return packr::value::string("Yo " + name).encode().to_vector();
    });
    CHECK_EQ(c.call_value("greeter", "hello", packr::value::string("a")).as_string(), std::string_view("Yo a!"));
  }
  {
    auto c = run([](packr::byte_view) { return packr::value::string("bytes").encode(); });
    CHECK_EQ(c.call_value("greeter", "hello", packr::value::string("a")).as_string(), std::string_view("bytes!"));
  }
  {
    auto c = run([](packr::byte_view) { return std::string("not CGRF"); });
    std::string msg = CHECK_THROWS_CODE(c.call_value("greeter", "hello", packr::value::string("a")), PACKR_RESULT_DECODE);
    CHECK(contains(msg, "host.greet"));
  }
  {
    // A packr::error thrown inside the callback keeps its message.
    auto c = run([](packr::value_ref v) { return packr::value::s64(v.as_s64()); });
    std::string msg = CHECK_THROWS_CODE(c.call_value("greeter", "hello", packr::value::string("a")), PACKR_RESULT_HOST);
    CHECK(contains(msg, "value is string, not s64"));
  }
}

TEST(value_scalars_round_trip) {
  std::vector<packr::value> vs;
  vs.push_back(packr::value::boolean(true));
  vs.push_back(packr::value::u8(255));
  vs.push_back(packr::value::u16(4660));
  vs.push_back(packr::value::u32(4294967295u));
  vs.push_back(packr::value::u64(18446744073709551615ull));
  vs.push_back(packr::value::s8(-128));
  vs.push_back(packr::value::s16(-2));
  vs.push_back(packr::value::s32(-1));
  vs.push_back(packr::value::s64(42));
  vs.push_back(packr::value::f32(1.5f));
  vs.push_back(packr::value::f64(-0.0));
  vs.push_back(packr::value::character(U'世'));
  vs.push_back(packr::value::string(std::string_view("a\0b", 3)));
  vs.push_back(packr::value::flags(0x2b));
  const char *texts[] = {"true", "255u8", "4660u16", "4294967295u32", "18446744073709551615u64", "-128s8",
                         "-2s16", "-1s32", "42", "1.5f32", "-0.0f64", "'世'", "\"a\\0b\"", "flags(0x2b)"};
  for (std::size_t i = 0; i < vs.size(); ++i) {
    const packr::value &v = vs[i];
    CHECK_EQ(v.to_text(), std::string(texts[i]));
    packr::value back = packr::value::decode(v.encode());
    CHECK(back == v);
    CHECK(packr::value::parse(v.to_text()) == v);
    CHECK(v.clone() == v);
    CHECK_EQ(v.size(), 0u);
  }
  CHECK_EQ(vs[0].as_bool(), true);
  CHECK_EQ(vs[1].as_u8(), 255);
  CHECK_EQ(vs[2].as_u16(), 4660);
  CHECK_EQ(vs[3].as_u32(), 4294967295u);
  CHECK_EQ(vs[4].as_u64(), 18446744073709551615ull);
  CHECK_EQ(vs[5].as_s8(), -128);
  CHECK_EQ(vs[6].as_s16(), -2);
  CHECK_EQ(vs[7].as_s32(), -1);
  CHECK_EQ(vs[8].as_s64(), 42);
  CHECK_EQ(vs[9].as_f32(), 1.5f);
  CHECK(std::signbit(vs[10].as_f64()));
  CHECK(vs[11].as_char() == U'世');
  CHECK_EQ(vs[12].as_string(), std::string_view("a\0b", 3));
  CHECK_EQ(vs[13].as_flags(), 0x2bu);

  // NaN payloads survive.
  uint32_t bits = 0xffc00001u;
  float nan;
  std::memcpy(&nan, &bits, sizeof nan);
  packr::value n = packr::value::f32(nan);
  CHECK_EQ(n.to_text(), std::string("nan_f32(0xffc00001)"));
  float back = packr::value::parse(n.to_text()).as_f32();
  uint32_t back_bits;
  std::memcpy(&back_bits, &back, sizeof back_bits);
  CHECK_EQ(back_bits, bits);
  CHECK(packr::value::f64(0.0) != packr::value::f64(-0.0));
}

TEST(value_containers) {
  // point{x: 1s32, y: 2s32}
  packr::value point = packr::value::record("point");
  point.push_field("x", packr::value::s32(1)).push_field("y", packr::value::s32(2));
  CHECK_EQ(point.to_text(), std::string("point{x: 1s32, y: 2s32}"));
  CHECK_EQ(point.type_name(), std::string_view("point"));
  CHECK_EQ(point.size(), 2u);
  CHECK_EQ(point.field_name(1), std::string_view("y"));
  CHECK_EQ(point[1].as_s32(), 2);
  CHECK_THROWS_CODE(point.field_name(2), PACKR_RESULT_NOT_FOUND);
  int32_t sum = 0;
  for (packr::value_ref f : point) sum += f.as_s32();
  CHECK_EQ(sum, 3);
  bool threw = false;
  try {
    (void)point.at(5);
  } catch (const std::out_of_range &) {
    threw = true;
  }
  CHECK(threw);
  CHECK(!point[5]);

  // msg::pair#3(1s32, "z")
  packr::value msg = packr::value::variant("msg", "pair", 3);
  msg.push(packr::value::s32(1)).push(packr::value::string("z"));
  CHECK_EQ(msg.to_text(), std::string("msg::pair#3(1s32, \"z\")"));
  CHECK_EQ(msg.case_name(), std::string_view("pair"));
  CHECK_EQ(msg.tag(), 3u);
  CHECK_EQ(msg[1].as_string(), std::string_view("z"));

  // Tuples, lists, options, results.
  packr::value t = packr::value::tuple_of(packr::value::s32(7), packr::value::string("x"), packr::value::boolean(true));
  CHECK_EQ(t.to_text(), std::string("(7s32, \"x\", true)"));
  CHECK_EQ(packr::value::tuple().to_text(), std::string("()"));

  packr::value l = packr::value::list(packr::type::s32(), [] {
    std::vector<packr::value> items;
    items.push_back(packr::value::s32(1));
    items.push_back(packr::value::s32(2));
    return items;
  }());
  CHECK_EQ(l.to_text(), std::string("[1s32, 2s32]"));
  CHECK_EQ(l.elem_type().kind(), PACKR_KIND_S32);
  CHECK_EQ(packr::value::list(packr::type::parse("list<string>")).to_text(), std::string("list<list<string>>[]"));

  packr::value some = packr::value::some(packr::type::s32(), packr::value::s32(7));
  CHECK_EQ(some.to_text(), std::string("some(7s32)"));
  CHECK_EQ(some.size(), 1u);
  packr::value none = packr::value::none(packr::type::list(packr::type::string()));
  CHECK_EQ(none.to_text(), std::string("none<list<string>>"));
  CHECK_EQ(none.elem_type().to_text(), std::string("list<string>"));

  packr::value ok = packr::value::ok(packr::type::s32(), packr::type::string(), packr::value::s32(1));
  CHECK_EQ(ok.to_text(), std::string("ok<_, string>(1s32)"));
  CHECK(!ok.is_err());
  packr::value err = packr::value::err(packr::type::s32(), packr::type::string(), packr::value::string("bad"));
  CHECK_EQ(err.to_text(), std::string("err<s32, _>(\"bad\")"));
  CHECK(err.is_err());
  CHECK_EQ(err[0].as_string(), std::string_view("bad"));
  CHECK(err.ok_type() == packr::type::s32());
  CHECK(err.err_type() == packr::type::string());

  // A nested value, built, encoded, decoded, printed, parsed: all the same.
  packr::value outer = packr::value::tuple_of(std::move(point), std::move(msg), std::move(l), std::move(some),
                                              std::move(none), std::move(ok), std::move(err));
  packr::value decoded = packr::value::decode(outer.encode());
  CHECK(decoded == outer);
  CHECK(packr::value::parse(decoded.to_text()) == outer);
  CHECK_EQ(decoded[0].field_name(0), std::string_view("x"));
  CHECK_EQ(std::distance(decoded.begin(), decoded.end()), 7);

  // A value from text, walked.
  packr::value e = packr::value::parse("expr::lst#4([expr::sym#0(\"+\"), expr::num#1(1)])");
  CHECK_EQ(e.kind(), PACKR_KIND_VARIANT);
  CHECK_EQ(e[0].kind(), PACKR_KIND_LIST);
  CHECK_EQ(e[0][0].case_name(), std::string_view("sym"));
  CHECK_EQ(e[0][1][0].as_s64(), 1);
}

TEST(types) {
  packr::type t = packr::type::result(packr::type::list(packr::type::u8()),
                                      packr::type::tuple_of(packr::type::string(), packr::type::record("point")));
  CHECK_EQ(t.to_text(), std::string("result<list<u8>, tuple<string, record<point>>>"));
  CHECK_EQ(t.kind(), PACKR_KIND_RESULT);
  CHECK_EQ(t.size(), 2u);
  CHECK_EQ(t.at(1).at(1).name(), std::string_view("point"));
  CHECK(packr::type::parse(t.to_text()) == t);
  CHECK(t.clone() == t);
  CHECK_THROWS_CODE(t.at(2), PACKR_RESULT_NOT_FOUND);
  CHECK_THROWS_CODE(t.name(), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_EQ(packr::type::variant("expr").to_text(), std::string("variant<expr>"));
  CHECK_EQ(packr::type::option(packr::type::character()).to_text(), std::string("option<char>"));
  CHECK_EQ(packr::type::tuple({}).to_text(), std::string("tuple<>"));
  const char *scalars[] = {"bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char", "string", "flags"};
  packr::type made[] = {packr::type::boolean(), packr::type::u8(),  packr::type::u16(), packr::type::u32(),
                        packr::type::u64(),     packr::type::s8(),  packr::type::s16(), packr::type::s32(),
                        packr::type::s64(),     packr::type::f32(), packr::type::f64(), packr::type::character(),
                        packr::type::string(),  packr::type::flags()};
  for (std::size_t i = 0; i < std::size(made); ++i) CHECK_EQ(made[i].to_text(), std::string(scalars[i]));
  CHECK_THROWS_CODE(packr::type::parse("list<"), PACKR_RESULT_DECODE);
}

TEST(error_codes) {
  std::string msg = CHECK_THROWS_CODE(packr::value::parse("point{x: "), PACKR_RESULT_DECODE);
  CHECK(contains(msg, "line"));
  CHECK_THROWS_CODE(packr::value::decode(std::string_view("garbage!")), PACKR_RESULT_DECODE);
  CHECK_THROWS_CODE(packr::value::decode(packr::byte_view()), PACKR_RESULT_DECODE);
  CHECK_THROWS_CODE(packr::value::string("x").as_s64(), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::s64(1).type_name(), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::character(0xD800), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::character(0x110000), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::string("\xff"), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::record(std::string_view("a\0", 2)), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::s64(1).push(packr::value::s64(2)), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::tuple().push_field("x", packr::value::s64(2)), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value().encode(), PACKR_RESULT_INVALID_ARGUMENT);
  // A fixed-width list holding the wrong kind cannot be encoded.
  packr::value l = packr::value::list(packr::type::u8());
  l.push(packr::value::string("no"));
  CHECK_THROWS_CODE(l.encode(), PACKR_RESULT_ENCODE);
  // Depth limit.
  packr::bytes deep = packr::value::parse("((((1,),),),)").encode();
  CHECK_THROWS_CODE(packr::value::decode_limited(deep, 0, 0, 3), PACKR_RESULT_LIMIT);
  CHECK_EQ(packr::value::decode_limited(deep, 0, 0, 0).to_text(), std::string("((((1,),),),)"));

  // packr::error carries the code and is a std::runtime_error.
  try {
    (void)packr::value::parse("]");
    CHECK(false);
  } catch (const std::runtime_error &e) {
    const auto *pe = dynamic_cast<const packr::error *>(&e);
    CHECK(pe != nullptr);
    if (pe) {
      CHECK_EQ(pe->code(), PACKR_RESULT_DECODE);
      CHECK_EQ(std::string(pe->code_name()), std::string("PACKR_RESULT_DECODE"));
    }
  }

  // Call-time failures.
  packr::builder b;
  b.add_package_file("echo", guest("echo")).add_package_file("hostile", guest("hostile"));
  b.set_fuel(50'000'000).set_value_limits(0, 0, 0);
  packr::composition c = b.build();
  CHECK_THROWS_CODE(c.call("nope", "echo", packr::value::s64(1).encode()), PACKR_RESULT_NOT_FOUND);
  CHECK_THROWS_CODE(c.call("echo", "nope", packr::value::s64(1).encode()), PACKR_RESULT_NOT_FOUND);
  msg = CHECK_THROWS_CODE(c.call_value("echo", "len", packr::value::s64(1)), PACKR_RESULT_GUEST);
  CHECK(contains(msg, "failed to convert parameter"));
  CHECK_EQ(c.call_value("echo", "len", packr::value::string("héllo")).as_u32(), 6u);
  CHECK_THROWS_CODE(c.call_value("hostile", "spin", packr::value::s64(0)), PACKR_RESULT_LIMIT);
  CHECK_THROWS_CODE(c.types("nope"), PACKR_RESULT_NOT_FOUND);
  // Still usable after the trap.
  CHECK_EQ(c.call_value("echo", "double", packr::value::s64(4)).as_s64(), 8);
}

TEST(interrupt) {
  packr::builder b;
  b.add_package_file("hostile", guest("hostile"));
  b.set_timeout_ms(20'000);  // a safety net: a broken interrupt fails with LIMIT instead of hanging
  packr::composition c = b.build();
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      c.interrupt();
    }
  });
  CHECK_THROWS_CODE(c.call_value("hostile", "spin", packr::value::s64(0)), PACKR_RESULT_INTERRUPTED);
  done = true;
  stopper.join();
  CHECK_EQ(c.call_value("hostile", "busy", packr::value::s64(10)).as_s64(), 10);
}

TEST(moves_and_raw_handles) {
  packr::value a = packr::value::s64(5);
  packr::value b = std::move(a);
  CHECK(!a);
  CHECK(static_cast<bool>(b));
  CHECK_EQ(a.kind(), PACKR_KIND_NONE);
  CHECK_EQ(a.size(), 0u);
  packr_value *raw = b.release();
  CHECK(!b);
  packr::value c(raw);  // adopt again
  CHECK_EQ(c.as_s64(), 5);
  packr::value_ref r = c;
  CHECK_EQ(r.as_s64(), 5);
  CHECK(r == c);
  packr::bytes empty;
  CHECK_EQ(empty.size(), 0u);
  CHECK_EQ(std::string(empty.c_str()), std::string());
  packr::bytes text = [] {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    packr::value v = packr::value::string("hi");
    packr::detail::check(packr_value_to_text(v.get(), &out, &e), e);
    return packr::bytes(out);
  }();
  CHECK_EQ(std::string(text.c_str()), std::string("\"hi\""));
  CHECK_EQ(text.str(), std::string_view("\"hi\""));
  packr::byte_view view = text;
  CHECK_EQ(view.size(), 4u);
  std::vector<uint8_t> vec = view.to_vector();
  CHECK_EQ(packr::byte_view(vec).as_string_view(), std::string_view("\"hi\""));
}

TEST(precompiled_packages) {
  std::vector<uint8_t> wasm = read_file(guest("doubler"));
  packr::bytes art = packr::precompile(wasm);
  CHECK(art.size() > 8);
  CHECK_EQ(std::memcmp(art.data(), "\x7fPACKRPC", 8), 0);
  packr::builder b;
  b.add_package_precompiled("doubler", art);
  packr::composition c = b.build();
  CHECK_EQ(c.call_value("doubler", "double", packr::value::s64(21)).as_s64(), 42);

  // A flipped byte, a truncated copy and plain wasm are COMPILE errors.
  std::vector<uint8_t> bad = art.to_vector();
  bad[bad.size() / 2] ^= 1;
  packr::builder b2;
  CHECK_THROWS_CODE(b2.add_package_precompiled("x", bad), PACKR_RESULT_COMPILE);
  std::vector<uint8_t> cut(art.begin(), art.begin() + art.size() / 3);
  CHECK_THROWS_CODE(b2.add_package_precompiled("x", cut), PACKR_RESULT_COMPILE);
  CHECK_THROWS_CODE(b2.add_package_precompiled("x", wasm), PACKR_RESULT_COMPILE);
  CHECK_THROWS_CODE(packr::precompile(wasm, 8), PACKR_RESULT_INVALID_ARGUMENT);

  // Files, with plain-only code: a fuel-limited build names the missing configuration.
  std::string path = "/tmp/packr-cpp-" + std::to_string(::getpid()) + ".cwasm";
  packr::precompile_file(guest("doubler"), path, PACKR_PRECOMPILE_PLAIN);
  packr::builder b3;
  b3.add_package_precompiled_file("d", path).set_fuel(1000000);
  CHECK_THROWS_CODE(b3.build(), PACKR_RESULT_COMPILE);
  packr::builder b4;
  b4.add_package_precompiled_file("d", path);
  CHECK_EQ(b4.build().call_value("d", "double", packr::value::s64(-5)).as_s64(), -10);
  std::remove(path.c_str());
  packr::builder b5;
  CHECK_THROWS_CODE(b5.add_package_precompiled_file("d", path), PACKR_RESULT_IO);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc > 1) g_dir = argv[1];
  int passed = 0, failed = 0;
  for (const test_case &t : registry()) {
    int before = g_checks_failed;
    bool ok = true;
    try {
      t.fn();
    } catch (const packr::error &e) {
      std::fprintf(stderr, "  unexpected packr::error %s: %s\n", e.code_name(), e.what());
      ok = false;
    } catch (const std::exception &e) {
      std::fprintf(stderr, "  unexpected exception: %s\n", e.what());
      ok = false;
    }
    ok = ok && g_checks_failed == before;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", t.name);
    std::fflush(stdout);
    (ok ? passed : failed)++;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
