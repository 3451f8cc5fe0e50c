// C++ wrapper tests: maps, sets, wire versions and guest generations.
#include "check.hpp"

namespace {

// ------------------------------------------------------------------------------------------------
// Maps, sets, wire versions and guest generations

TEST(kind_names_match_the_library) {
  // Every kind the C API has (map and set included) has the library's name here.
  for (uint32_t k = 0; k <= PACKR_KIND_SET; ++k)
    CHECK_EQ(packr::kind_name(static_cast<packr_kind>(k)), std::string_view(packr_kind_name(k)));
  CHECK_EQ(packr::kind_name(PACKR_KIND_MAP), std::string_view("map"));
  CHECK_EQ(packr::kind_name(PACKR_KIND_SET), std::string_view("set"));
  CHECK_EQ(packr::kind_name(static_cast<packr_kind>(99)), std::string_view("unknown"));
}

TEST(map_build_find_iterate) {
  packr::value m = packr::value::map(packr::type::string(), packr::type::s64());
  CHECK_EQ(m.kind(), PACKR_KIND_MAP);
  CHECK_EQ(packr::kind_name(m.kind()), std::string_view("map"));
  CHECK(m.entries().empty());
  // Out of order: kept in canonical (byte-wise) key order.
  m.insert(packr::value::string("to"), packr::value::s64(2))
      .insert(packr::value::string("be"), packr::value::s64(20))
      .insert(packr::value::string("or"), packr::value::s64(1));
  std::string msg = CHECK_THROWS_CODE(m.insert(packr::value::string("be"), packr::value::s64(7)),
                                      PACKR_RESULT_INVALID_ARGUMENT);
  CHECK(contains(msg, "already has the key"));
  CHECK(contains(msg, "be"));
  CHECK_EQ(m.entries().size(), 3u);
  CHECK_EQ(m.size(), 6u);  // children: keys and values interleaved

  std::vector<std::string> keys;
  std::vector<int64_t> vals;
  for (auto [k, v] : m.entries()) {
    keys.emplace_back(k.as_string());
    vals.push_back(v.as_s64());
  }
  CHECK(keys == (std::vector<std::string>{"be", "or", "to"}));
  CHECK(vals == (std::vector<int64_t>{20, 1, 2}));
  CHECK_EQ(m.entries().at(2).first.as_string(), std::string_view("to"));
  bool threw = false;
  try {
    (void)m.entries().at(3);
  } catch (const std::out_of_range &) {
    threw = true;
  }
  CHECK(threw);
  CHECK_EQ(m[0].as_string(), std::string_view("be"));     // child 2i is key i
  CHECK_EQ(m[1].as_s64(), 20);                            // child 2i+1 its value

  packr::value be = packr::value::string("be");
  CHECK_EQ(m.find(be).as_s64(), 20);
  CHECK(!m.find(packr::value::string("not")));
  CHECK(m.contains(packr::value::string("or")));
  CHECK(!m.contains(packr::value::string("xx")));
  CHECK(!m.contains(packr::value::s64(1)));  // a key of another type is simply absent
  CHECK_EQ(m.key_type().kind(), PACKR_KIND_STRING);
  CHECK_EQ(m.value_type().kind(), PACKR_KIND_S64);
  CHECK(!m.elem_type());
  CHECK_THROWS_CODE(packr::value::s64(1).find(be), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(packr::value::s64(1).insert(packr::value::s64(1), packr::value::s64(2)),
                    PACKR_RESULT_INVALID_ARGUMENT);

  // Text form, both ways.
  CHECK_EQ(m.to_text(), std::string("map<string, s64>{\"be\": 20, \"or\": 1, \"to\": 2}"));
  CHECK(packr::value::parse(m.to_text()) == m);
  CHECK_EQ(packr::value::parse("map<s64, string>{}").kind(), PACKR_KIND_MAP);
  CHECK_THROWS_CODE(packr::value::parse("map<string, s64>{\"b\": 1, \"a\": 2}"), PACKR_RESULT_DECODE);

  // From a vector of entries, in any order.
  std::vector<std::pair<packr::value, packr::value>> es;
  es.emplace_back(packr::value::s64(3), packr::value::boolean(true));
  es.emplace_back(packr::value::s64(-1), packr::value::boolean(false));
  packr::value m2 = packr::value::map(packr::type::s64(), packr::type::boolean(), std::move(es));
  CHECK_EQ(m2.to_text(), std::string("map<s64, bool>{-1: false, 3: true}"));
}

TEST(set_build_iterate) {
  packr::value s = packr::value::set(packr::type::s64());
  CHECK_EQ(s.kind(), PACKR_KIND_SET);
  s.insert(packr::value::s64(30)).insert(packr::value::s64(-4)).insert(packr::value::s64(7));
  std::string msg = CHECK_THROWS_CODE(s.insert(packr::value::s64(7)), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK(contains(msg, "already has"));
  CHECK_EQ(s.size(), 3u);
  std::vector<int64_t> items;
  for (packr::value_ref x : s) items.push_back(x.as_s64());
  CHECK(items == (std::vector<int64_t>{-4, 7, 30}));
  CHECK(s.contains(packr::value::s64(30)));
  CHECK(!s.contains(packr::value::s64(31)));
  CHECK_EQ(s.elem_type().kind(), PACKR_KIND_S64);
  CHECK(s.entries().empty());
  CHECK_EQ(s.to_text(), std::string("set<s64>{-4, 7, 30}"));
  CHECK(packr::value::parse("set<s64>{-4, 7, 30}") == s);

  std::vector<packr::value> v;
  v.push_back(packr::value::string("b"));
  v.push_back(packr::value::string("a"));
  CHECK_EQ(packr::value::set(packr::type::string(), std::move(v)).to_text(), std::string("set<string>{\"a\", \"b\"}"));

  // Types.
  packr::type mt = packr::type::map(packr::type::string(), packr::type::set(packr::type::u8()));
  CHECK_EQ(mt.kind(), PACKR_KIND_MAP);
  CHECK_EQ(mt.to_text(), std::string("map<string, set<u8>>"));
  CHECK(packr::type::parse("map<string, set<u8>>") == mt);
  CHECK_EQ(packr::type::set(packr::type::s64()).kind(), PACKR_KIND_SET);
}

TEST(map_encode_versions) {
  packr::value m = packr::value::map(packr::type::string(), packr::type::s64());
  m.insert(packr::value::string("b"), packr::value::s64(2)).insert(packr::value::string("a"), packr::value::s64(40));
  packr::bytes v3 = m.encode(3);
  packr::bytes v2 = m.encode(2);
  CHECK_EQ(int(v3.data()[4]), 3);  // header: wire version
  CHECK_EQ(int(v2.data()[4]), 2);
  CHECK(m.encode().view().to_vector() == v3.to_vector());  // a map needs v3 by default
  packr::value back3 = packr::value::decode(v3);
  CHECK(back3 == m);
  CHECK_EQ(back3.kind(), PACKR_KIND_MAP);
  CHECK_EQ(back3.find(packr::value::string("a")).as_s64(), 40);
  // Version 2: what packr 0.5.4 makes of a BTreeMap, a list of (key, value) tuples.
  packr::value back2 = packr::value::decode(v2);
  CHECK_EQ(back2.kind(), PACKR_KIND_LIST);
  CHECK_EQ(back2.to_text(), std::string("[(\"a\", 40), (\"b\", 2)]"));
  CHECK_THROWS_CODE(m.encode(7), PACKR_RESULT_INVALID_ARGUMENT);

  packr::value s = packr::value::parse("set<s64>{1, 2}");
  CHECK(packr::value::decode(s.encode(3)) == s);
  CHECK_EQ(packr::value::decode(s.encode(2)).to_text(), std::string("[1, 2]"));
  // A plain value in either version decodes to itself.
  CHECK(packr::value::decode(packr::value::s64(5).encode(3)) == packr::value::s64(5));
  packr::bytes five2 = packr::value::s64(5).encode(2);
  CHECK_EQ(int(five2.data()[4]), 2);
}

TEST(generations_mixed_composition) {
  packr::builder b;
  b.add_package_file("adder", guest("adder"))
      .add_package_file("cur_adder", guest("cur_adder"))
      .add_package_file("doubler", guest("doubler"))
      .add_package_file("cur_doubler", guest("cur_doubler"))
      .wire("adder", "math", "double", "cur_doubler", "double")   // 0.5.4 -> 0.24
      .wire("cur_adder", "math", "double", "doubler", "double")   // 0.24 -> 0.5.4
      .wire("cur_adder", "calc", "scale", "cur_doubler", "add")
      .wire("cur_adder", "ops", "square", "doubler", "double");
  packr::composition c = b.build();

  packr::package_generation_info g = c.package_generation("adder");
  CHECK_EQ(g.generation, PACKR_GENERATION_V0_5);
  CHECK(contains(g.evidence, "CGRF v2"));
  CHECK_EQ(packr::generation_name(g.generation), std::string_view("0.5"));
  g = c.package_generation("cur_doubler");
  CHECK_EQ(g.generation, PACKR_GENERATION_V0_24);
  CHECK(contains(g.evidence, "CGRF v3"));
  CHECK_EQ(packr::generation_name(g.generation), std::string_view("0.24"));
  CHECK_EQ(c.package_generation("doubler").generation, PACKR_GENERATION_V0_5);
  CHECK_EQ(c.package_generation("cur_adder").generation, PACKR_GENERATION_V0_24);
  g = c.package_generation("nope");
  CHECK_EQ(g.generation, PACKR_GENERATION_UNKNOWN);
  CHECK(g.evidence.empty());
  CHECK_EQ(packr::composition().package_generation("adder").generation, PACKR_GENERATION_UNKNOWN);
  CHECK_THROWS_CODE(c.package_generation(std::string_view("a\0b", 3)), PACKR_RESULT_INVALID_ARGUMENT);

  CHECK_EQ(c.call_value("adder", "process", packr::value::s64(5)).as_s64(), 11);
  CHECK_EQ(c.call_value("cur_adder", "process", packr::value::s64(5)).as_s64(), 11);
  CHECK_EQ(c.call_value("adder", "process", packr::value::s64(-7)).as_s64(), -13);
  CHECK_EQ(c.call_value("cur_adder", "process", packr::value::s64(1000000)).as_s64(), 2000001);

  // A map out of a 0.24 package, read through the wrapper.
  packr::value words = c.call_value("cur_doubler", "count_words", packr::value::string("to be or not to be"));
  CHECK_EQ(words.kind(), PACKR_KIND_MAP);
  CHECK_EQ(words.entries().size(), 4u);
  CHECK_EQ(words.find(packr::value::string("be")).as_s64(), 2);
  CHECK_EQ(words.find(packr::value::string("not")).as_s64(), 1);
  std::string joined;
  for (auto [k, v] : words.entries()) joined += std::string(k.as_string()) + "=" + std::to_string(v.as_s64()) + ";";
  CHECK_EQ(joined, std::string("be=2;not=1;or=1;to=2;"));

  // A map built here, into a 0.24 package; a set out of one and into another.
  packr::value m = packr::value::map(packr::type::string(), packr::type::s64());
  m.insert(packr::value::string("z"), packr::value::s64(41)).insert(packr::value::string("a"), packr::value::s64(1));
  CHECK_EQ(c.call_value("cur_doubler", "sum_values", m).as_s64(), 42);
  packr::value u = c.call_value("cur_doubler", "uniq", packr::value::parse("[3, 1, 3, 2]"));
  CHECK_EQ(u.kind(), PACKR_KIND_SET);
  CHECK_EQ(u.to_text(), std::string("set<s64>{1, 2, 3}"));
  CHECK_EQ(c.call_value("cur_doubler", "set_len", u).as_u32(), 3u);
}

TEST(maps_reach_old_packages_as_lists) {
  packr::builder b;
  b.add_package_file("echo", guest("echo")).add_package_file("cur_echo", guest("cur_echo"));
  packr::composition c = b.build();
  packr::value m = packr::value::map(packr::type::string(), packr::type::set(packr::type::s64()));
  m.insert(packr::value::string("x"), packr::value::set(packr::type::s64(), [] {
             std::vector<packr::value> v;
             v.push_back(packr::value::s64(2));
             v.push_back(packr::value::s64(1));
             return v;
           }()));
  CHECK_EQ(c.call_value("echo", "echo", m).to_text(), std::string("[(\"x\", [1, 2])]"));
  packr::value back = c.call_value("cur_echo", "echo", m);
  CHECK(back == m);
  CHECK(back.find(packr::value::string("x")).contains(packr::value::s64(2)));
}

}  // namespace
