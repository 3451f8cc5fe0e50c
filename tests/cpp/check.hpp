// Shared by the C++ wrapper tests (test_cpp.cpp, test_cpp_generations.cpp, test_cpp_async.cpp,
// linked into one binary): the check macros, the test registry and small helpers.
#ifndef PACKR_TESTS_CPP_CHECK_HPP
#define PACKR_TESTS_CPP_CHECK_HPP

#include "packr.hpp"

#include <unistd.h>

#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

inline std::string g_dir = "target/guests/wasm";
inline int g_checks_failed = 0;

inline std::string guest(const char *name) { return g_dir + "/" + name + ".wasm"; }

inline std::vector<uint8_t> read_file(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_checks_failed;                                                              \
    }                                                                                 \
  } while (0)

#define CHECK_EQ(a, b)                                                                         \
  do {                                                                                         \
    const auto &va_ = (a);                                                                     \
    const auto &vb_ = (b);                                                                     \
    if (!(va_ == vb_)) {                                                                       \
      std::ostringstream os_;                                                                  \
      os_ << va_ << " != " << vb_;                                                             \
      std::fprintf(stderr, "  %s:%d: CHECK_EQ failed: %s == %s (%s)\n", __FILE__, __LINE__, #a, \
                   #b, os_.str().c_str());                                                     \
      ++g_checks_failed;                                                                       \
    }                                                                                          \
  } while (0)

// Runs `expr`, expects packr::error with `code`; returns the message ("" if nothing was thrown).
#define CHECK_THROWS_CODE(expr, code) check_throws_code([&] { (void)(expr); }, code, #expr, __LINE__)

template <class F>
std::string check_throws_code(F &&f, packr_result code, const char *what, int line) {
  try {
    f();
  } catch (const packr::error &e) {
    if (e.code() != code) {
      std::fprintf(stderr, "  line %d: %s threw %s, expected %s: %s\n", line, what, e.code_name(),
                   packr_result_name(code), e.what());
      ++g_checks_failed;
    }
    return e.what();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "  line %d: %s threw a non-packr exception: %s\n", line, what, e.what());
    ++g_checks_failed;
    return "";
  }
  std::fprintf(stderr, "  line %d: %s did not throw (expected %s)\n", line, what, packr_result_name(code));
  ++g_checks_failed;
  return "";
}

inline bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

struct test_case {
  const char *name;
  void (*fn)();
};
inline std::vector<test_case> &registry() {
  static std::vector<test_case> r;
  return r;
}
struct registrar {
  registrar(const char *name, void (*fn)()) { registry().push_back({name, fn}); }
};
#define TEST(name)                               \
  void test_##name();                            \
  const registrar reg_##name(#name, test_##name); \
  void test_##name()

// Counts destructions of the state captured by host-function lambdas.
inline std::atomic<int> g_state_destroyed{0};
struct captured_state {
  std::string prefix;
  std::atomic<int> calls{0};
  explicit captured_state(std::string p) : prefix(std::move(p)) {}
  ~captured_state() { ++g_state_destroyed; }
};

#endif
