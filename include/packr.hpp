/*
 * libpackr C++ wrapper: header-only, C++17, over the C API in packr.h.
 * SPDX-License-Identifier: MIT OR Apache-2.0
 *
 * Hand-written (packr.h is generated; this file is not).
 */

/**
 * @file packr.hpp
 * @brief Header-only C++17 wrapper for libpackr (namespace `packr`).
 *
 * What it adds over `packr.h`:
 *
 * - **Ownership.** Every handle has a move-only owner whose destructor calls the matching
 *   `_free` function: packr::builder, packr::composition, packr::func, packr::value,
 *   packr::type, packr::bytes and packr::error_handle. Borrowed views (packr::value_ref,
 *   packr::type_ref) never free anything and live as long as the owner they came from.
 * - **Errors are exceptions.** Every fallible call throws packr::error (derived from
 *   std::runtime_error), which carries the `packr_result` code and libpackr's message. A NULL
 *   from a constructor that can only fail when out of memory throws std::bad_alloc.
 * - **Views.** Names and text are `std::string_view`; byte buffers going in are packr::byte_view
 *   (pointer + size, implicitly made from `std::string_view`, `std::vector<uint8_t>` and
 *   packr::bytes).
 * - **Maps and sets** (CGRF v3, packr-guest 0.24): packr::value::map / packr::value::set,
 *   value::insert, value_ops::find / contains, `for (auto [k, v] : m.entries())`,
 *   value_ops::encode(version) for wire version 2 or 3, and
 *   composition::package_generation for the guest SDK generation of a package.
 * - **Answers later, async calls.** A host callable taking a packr::host_reply & may defer its
 *   answer (host_reply::defer returns a packr::completion to finish from any thread);
 *   composition::call_start returns a packr::call that an async packr-guest 0.24 package
 *   leaves pending while it waits (call::poll, call::wait, call::wait_for, call::fd).
 * - **Host functions from lambdas.** packr::builder::add_host_function stores the callable
 *   on the heap and hands it to libpackr as `user_data`, with a finalizer that deletes it
 *   (so its captured state is destroyed exactly once, when the last composition or func that
 *   holds it is freed). Every C++ exception thrown by the callable is caught and reported
 *   through `packr_host_reply_set_error`: nothing unwinds into C.
 *
 * Example:
 * @code
 *   packr::builder b;
 *   b.add_package_file("greeter", "greeter.wasm");
 *   b.add_host_function("host", "greet", [](packr::value_ref name) {
 *     return packr::value::string("Hello, " + std::string(name.as_string()));
 *   });
 *   b.add_host_function("host", "log", [](packr::byte_view) {});  // replies ()
 *   packr::composition c = b.build();
 *   packr::value out = c.call_value("greeter", "hello", packr::value::string("bob"));
 *   // out.as_string() == "Hello, bob!"
 * @endcode
 *
 * Thread safety is the C API's: packr::composition and packr::func may be used from any
 * thread at once (const members); packr::builder, packr::value and packr::type need one thread
 * at a time to modify. Host callables may run on several threads at once.
 */

#ifndef PACKR_HPP
#define PACKR_HPP

#include "packr.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

/** The libpackr C++ API. */
namespace packr {

/** libpackr's run-time version, `"X.Y.Z"` (packr_version()). */
inline std::string_view version() noexcept { return packr_version(); }

/** The name of a result code, e.g. `"PACKR_RESULT_LINK"` (packr_result_name()). */
inline std::string_view result_name(packr_result code) noexcept {
  return packr_result_name(static_cast<uint32_t>(code));
}

/** The lower-case name of a kind (`"s64"`, `"list"`, `"map"`, ...); `"none"` for PACKR_KIND_NONE,
 *  `"unknown"` for a number that is no kind (a newer library's). */
inline std::string_view kind_name(packr_kind k) noexcept {
  static constexpr const char *names[] = {
      "none", "bool", "u8",     "u16",    "u32",    "u64",     "s8",    "s16",   "s32",  "s64",  "f32",
      "f64",  "char", "string", "list",   "option", "result",  "record", "variant", "tuple", "flags",
      "map",  "set"};
  auto i = static_cast<uint32_t>(k);
  return i < sizeof names / sizeof names[0] ? names[i] : "unknown";
}

/** The name of a guest generation: `"0.5"`, `"0.24"` or `"unknown"` (packr_generation_name()). */
inline std::string_view generation_name(packr_generation g) noexcept {
  return packr_generation_name(static_cast<uint32_t>(g));
}

/**
 * The generation of a package in a composition (composition::package_generation): which packr
 * guest SDK built it, and how libpackr told (`evidence`, a static string such as
 * "its embedded metadata is CGRF v3"; empty for PACKR_GENERATION_UNKNOWN).
 */
struct package_generation_info {
  packr_generation generation = PACKR_GENERATION_UNKNOWN;
  std::string_view evidence;
};

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

namespace detail {
/** Deleter calling a libpackr `_free` function. */
template <class T, void (*Free)(T *)>
struct deleter {
  void operator()(T *p) const noexcept { Free(p); }
};
}  // namespace detail

/** Owner of a `packr_error` (frees it with packr_error_free). */
using error_handle = std::unique_ptr<packr_error, detail::deleter<packr_error, packr_error_free>>;

/**
 * A libpackr failure: the result code and libpackr's message (what()). Thrown by every
 * fallible call of this wrapper.
 */
class error : public std::runtime_error {
 public:
  /** An error with `code` and `message`. */
  error(packr_result code, const std::string &message) : std::runtime_error(message), code_(code) {}
  /** Takes the code and message of a C error (`e` may be NULL: the message is then the code name). */
  error(packr_result code, const packr_error *e)
      : std::runtime_error(e ? packr_error_message(e) : packr_result_name(static_cast<uint32_t>(code))),
        code_(code) {}
  /** The result code (never PACKR_RESULT_OK). */
  packr_result code() const noexcept { return code_; }
  /** The code's name, e.g. `"PACKR_RESULT_HOST"`. */
  const char *code_name() const noexcept { return packr_result_name(static_cast<uint32_t>(code_)); }

 private:
  packr_result code_;
};

namespace detail {

/**
 * Throws packr::error when `rc` is not OK, taking ownership of `e` (which may be NULL). `e` is
 * taken by reference so that `check(packr_f(..., &e), e)` reads it after the call has set it.
 */
inline void check(packr_result rc, packr_error *&e) {
  error_handle owned(e);
  e = nullptr;
  if (rc != PACKR_RESULT_OK) throw error(rc, owned.get());
}

/** For functions without error_out: throws with a message naming the call. */
inline void check(packr_result rc, const char *what) {
  if (rc != PACKR_RESULT_OK)
    throw error(rc, std::string(what) + " failed: " + packr_result_name(static_cast<uint32_t>(rc)));
}

/** Non-NULL check for constructors that only fail when out of memory. */
template <class T>
T *not_null(T *p) {
  if (!p) throw std::bad_alloc();
  return p;
}

/** A NUL-terminated copy of a name; a NUL inside it is refused (C would silently truncate). */
class cstr {
 public:
  explicit cstr(std::string_view s, const char *what = "name") : s_(s) {
    if (s_.find('\0') != std::string::npos)
      throw error(PACKR_RESULT_INVALID_ARGUMENT, std::string(what) + " contains a NUL byte");
  }
  const char *c_str() const noexcept { return s_.c_str(); }
  operator const char *() const noexcept { return s_.c_str(); }

 private:
  std::string s_;
};

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------------

class bytes;

/**
 * A borrowed, read-only byte buffer (pointer + size), for passing bytes into libpackr. It does
 * not own anything: the buffer must outlive the view.
 */
class byte_view {
 public:
  /** The empty view. */
  constexpr byte_view() noexcept = default;
  /** `size` bytes at `data` (`data` may be NULL when `size` is 0). */
  constexpr byte_view(const uint8_t *data, std::size_t size) noexcept : data_(data), size_(size) {}
  /** `size` bytes at `data`. */
  byte_view(const void *data, std::size_t size) noexcept
      : data_(static_cast<const uint8_t *>(data)), size_(size) {}
  /** The bytes of a string (no terminating NUL). */
  byte_view(std::string_view s) noexcept : data_(reinterpret_cast<const uint8_t *>(s.data())), size_(s.size()) {}
  /** The bytes of a std::string (no terminating NUL). */
  byte_view(const std::string &s) noexcept : byte_view(std::string_view(s)) {}
  /** The bytes of a vector. */
  byte_view(const std::vector<uint8_t> &v) noexcept : data_(v.data()), size_(v.size()) {}
  /** The bytes of a libpackr buffer. */
  inline byte_view(const bytes &b) noexcept;

  /** First byte (may be NULL when empty). */
  constexpr const uint8_t *data() const noexcept { return data_; }
  /** Number of bytes. */
  constexpr std::size_t size() const noexcept { return size_; }
  /** True when there are no bytes. */
  constexpr bool empty() const noexcept { return size_ == 0; }
  /** Byte `i` (unchecked). */
  constexpr uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr const uint8_t *begin() const noexcept { return data_; }
  constexpr const uint8_t *end() const noexcept { return data_ + size_; }
  /** The bytes as characters. */
  std::string_view as_string_view() const noexcept {
    return size_ ? std::string_view(reinterpret_cast<const char *>(data_), size_) : std::string_view();
  }
  /** A copy of the bytes. */
  std::vector<uint8_t> to_vector() const { return std::vector<uint8_t>(begin(), end()); }

 private:
  const uint8_t *data_ = nullptr;
  std::size_t size_ = 0;
};

/**
 * A byte buffer owned by libpackr (`packr_bytes`): encoded values, text, metadata, call
 * results. Move-only; freed with packr_bytes_free. The data is followed by a NUL that
 * size() does not count, so c_str() is usable for text.
 */
class bytes {
 public:
  /** An empty owner (holds nothing). */
  bytes() noexcept = default;
  /** Takes ownership of `b` (may be NULL). */
  explicit bytes(packr_bytes *b) noexcept : p_(b) {}

  /** First byte; never NULL for a non-empty owner. */
  const uint8_t *data() const noexcept { return packr_bytes_data(p_.get()); }
  /** Number of bytes (the terminating NUL not counted). */
  std::size_t size() const noexcept { return packr_bytes_len(p_.get()); }
  bool empty() const noexcept { return size() == 0; }
  const uint8_t *begin() const noexcept { return data(); }
  const uint8_t *end() const noexcept { return data() + size(); }
  /** The bytes as a borrowed view. */
  byte_view view() const noexcept { return byte_view(data(), size()); }
  /** The bytes as text (borrowed). */
  std::string_view str() const noexcept { return view().as_string_view(); }
  /** The bytes as a C string ("" when empty). */
  const char *c_str() const noexcept { return p_ ? reinterpret_cast<const char *>(data()) : ""; }
  /** A copy of the bytes. */
  std::vector<uint8_t> to_vector() const { return view().to_vector(); }

  /** The C handle (still owned). */
  packr_bytes *get() const noexcept { return p_.get(); }
  /** Gives up ownership; the caller frees the handle with packr_bytes_free. */
  packr_bytes *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  std::unique_ptr<packr_bytes, detail::deleter<packr_bytes, packr_bytes_free>> p_;
};

inline byte_view::byte_view(const bytes &b) noexcept : data_(b.data()), size_(b.size()) {}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

class type;

namespace detail {

/** Read-only operations shared by packr::type and packr::type_ref. */
template <class Derived>
class type_ops {
 public:
  /** The kind of the type (PACKR_KIND_NONE for an empty handle). */
  packr_kind kind() const noexcept { return packr_type_kind(t()); }
  /** Number of nested types (1 for list/option, 2 for result, the item count of a tuple;
   *  see packr_type_len). */
  std::size_t size() const noexcept { return packr_type_len(t()); }
  /** A copy of nested type `index`: list element, option inner, result ok (0) / err (1),
   *  tuple item (packr_type_get; throws PACKR_RESULT_NOT_FOUND when out of range). */
  inline type at(std::size_t index) const;
  /** Owned copy for temporaries of the owning class (a view into them would dangle). */
  using string_result = std::conditional_t<std::is_same_v<Derived, type>, std::string, std::string_view>;
  /** The name of a record or variant type (borrowed; on a temporary packr::type, a copy). */
  std::string_view name() const & { return name_view(); }
  string_result name() const && { return string_result(name_view()); }
  /** The text form (`list<option<s32>>`). */
  std::string to_text() const {
    packr_bytes *out = nullptr;
    check(packr_type_to_text(t(), &out), "packr_type_to_text");
    bytes b(out);
    return std::string(b.str());
  }
  /** An owned copy. */
  inline type clone() const;
  /** Same descriptor. */
  template <class Other>
  bool operator==(const type_ops<Other> &o) const noexcept {
    return packr_type_equal(t(), o.t());
  }
  template <class Other>
  bool operator!=(const type_ops<Other> &o) const noexcept {
    return !(*this == o);
  }
  /** The C handle (borrowed). */
  const packr_type *t() const noexcept { return static_cast<const Derived *>(this)->get(); }

 private:
  std::string_view name_view() const {
    const char *p = nullptr;
    std::size_t n = 0;
    check(packr_type_name(t(), &p, &n), "packr_type_name");
    return std::string_view(p, n);
  }
};

}  // namespace detail

/** A borrowed view of a type descriptor (from packr::value_ref::elem_type and friends). */
class type_ref : public detail::type_ops<type_ref> {
 public:
  type_ref() noexcept = default;
  /** Views `t` (not owned; may be NULL). */
  explicit type_ref(const packr_type *t) noexcept : p_(t) {}
  const packr_type *get() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

 private:
  const packr_type *p_ = nullptr;
};

/**
 * An owned type descriptor (`packr_type`). Move-only; freed with packr_type_free, or consumed
 * by the value and type constructors that take one (by rvalue).
 */
class type : public detail::type_ops<type> {
 public:
  type() noexcept = default;
  /** Takes ownership of `t` (may be NULL). */
  explicit type(packr_type *t) noexcept : p_(t) {}

  /** @name Scalar types */
  ///@{
  static type boolean() { return type(detail::not_null(packr_type_bool())); }
  static type u8() { return type(detail::not_null(packr_type_u8())); }
  static type u16() { return type(detail::not_null(packr_type_u16())); }
  static type u32() { return type(detail::not_null(packr_type_u32())); }
  static type u64() { return type(detail::not_null(packr_type_u64())); }
  static type s8() { return type(detail::not_null(packr_type_s8())); }
  static type s16() { return type(detail::not_null(packr_type_s16())); }
  static type s32() { return type(detail::not_null(packr_type_s32())); }
  static type s64() { return type(detail::not_null(packr_type_s64())); }
  static type f32() { return type(detail::not_null(packr_type_f32())); }
  static type f64() { return type(detail::not_null(packr_type_f64())); }
  static type character() { return type(detail::not_null(packr_type_char())); }
  static type string() { return type(detail::not_null(packr_type_string())); }
  static type flags() { return type(detail::not_null(packr_type_flags())); }
  ///@}

  /** @name Compound types (they consume the nested types) */
  ///@{
  /** `list<elem>`. */
  static type list(type elem) {
    packr_type *out = nullptr;
    detail::check(packr_type_list(elem.release(), &out), "packr_type_list");
    return type(out);
  }
  /** `option<inner>`. */
  static type option(type inner) {
    packr_type *out = nullptr;
    detail::check(packr_type_option(inner.release(), &out), "packr_type_option");
    return type(out);
  }
  /** `result<ok, err>`. */
  static type result(type ok, type err) {
    packr_type *out = nullptr;
    detail::check(packr_type_result(ok.release(), err.release(), &out), "packr_type_result");
    return type(out);
  }
  /** `map<key, value>` (CGRF v3: only packr-guest 0.24 packages read it as a map). */
  static type map(type key, type value) {
    packr_type *out = nullptr;
    detail::check(packr_type_map(key.release(), value.release(), &out), "packr_type_map");
    return type(out);
  }
  /** `set<elem>` (CGRF v3). */
  static type set(type elem) {
    packr_type *out = nullptr;
    detail::check(packr_type_set(elem.release(), &out), "packr_type_set");
    return type(out);
  }
  /** `tuple<items...>`; no items gives the unit type `tuple<>`. */
  static type tuple(std::vector<type> items) {
    std::vector<packr_type *> raw;
    raw.reserve(items.size());
    for (auto &i : items) raw.push_back(i.release());
    packr_type *out = nullptr;
    detail::check(packr_type_tuple(raw.data(), raw.size(), &out), "packr_type_tuple");
    return type(out);
  }
  /** `tuple<items...>`, from owned types given as arguments. */
  template <class... Ts, class = std::enable_if_t<(std::is_same_v<std::decay_t<Ts>, type> && ...)>>
  static type tuple_of(Ts &&...items) {
    std::vector<type> v;
    v.reserve(sizeof...(Ts));
    (v.push_back(std::move(items)), ...);
    return tuple(std::move(v));
  }
  /** `record<name>`. */
  static type record(std::string_view name) {
    packr_type *out = nullptr;
    detail::check(packr_type_record(detail::cstr(name), &out), "packr_type_record");
    return type(out);
  }
  /** `variant<name>`. */
  static type variant(std::string_view name) {
    packr_type *out = nullptr;
    detail::check(packr_type_variant(detail::cstr(name), &out), "packr_type_variant");
    return type(out);
  }
  ///@}

  /** Parses the text form (`list<option<s32>>`); bad text throws PACKR_RESULT_DECODE. */
  static type parse(std::string_view text) {
    packr_type *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_type_parse(detail::cstr(text, "text"), &out, &e), e);
    return type(out);
  }

  /** A borrowed view of this type. */
  type_ref ref() const noexcept { return type_ref(p_.get()); }
  operator type_ref() const noexcept { return ref(); }
  /** The C handle (still owned). */
  packr_type *get() const noexcept { return p_.get(); }
  /** Gives up ownership; the caller frees it with packr_type_free (or hands it on). */
  packr_type *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  std::unique_ptr<packr_type, detail::deleter<packr_type, packr_type_free>> p_;
};

template <class D>
inline type detail::type_ops<D>::at(std::size_t index) const {
  packr_type *out = nullptr;
  check(packr_type_get(t(), index, &out), "packr_type_get");
  return type(out);
}

template <class D>
inline type detail::type_ops<D>::clone() const {
  return type(not_null(packr_type_clone(t())));
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

class value;
class value_ref;

namespace detail {

[[noreturn]] inline void wrong_kind(packr_kind have, const char *want) {
  throw error(PACKR_RESULT_INVALID_ARGUMENT,
              "value is " + std::string(kind_name(have)) + ", not " + std::string(want));
}

/** Read-only operations shared by packr::value and packr::value_ref. */
template <class Derived>
class value_ops {
 public:
  /** The kind (PACKR_KIND_NONE for an empty handle). */
  packr_kind kind() const noexcept { return packr_value_kind(v()); }

  /** @name Scalar accessors (a value of another kind throws PACKR_RESULT_INVALID_ARGUMENT) */
  ///@{
  bool as_bool() const { return as<bool>(packr_value_as_bool, "bool"); }
  uint8_t as_u8() const { return as<uint8_t>(packr_value_as_u8, "u8"); }
  uint16_t as_u16() const { return as<uint16_t>(packr_value_as_u16, "u16"); }
  uint32_t as_u32() const { return as<uint32_t>(packr_value_as_u32, "u32"); }
  uint64_t as_u64() const { return as<uint64_t>(packr_value_as_u64, "u64"); }
  int8_t as_s8() const { return as<int8_t>(packr_value_as_s8, "s8"); }
  int16_t as_s16() const { return as<int16_t>(packr_value_as_s16, "s16"); }
  int32_t as_s32() const { return as<int32_t>(packr_value_as_s32, "s32"); }
  int64_t as_s64() const { return as<int64_t>(packr_value_as_s64, "s64"); }
  float as_f32() const { return as<float>(packr_value_as_f32, "f32"); }
  double as_f64() const { return as<double>(packr_value_as_f64, "f64"); }
  uint64_t as_flags() const { return as<uint64_t>(packr_value_as_flags, "flags"); }
  char32_t as_char() const { return static_cast<char32_t>(as<uint32_t>(packr_value_as_char, "char")); }
  /**
   * Owned copy returned by the string accessors when called on a temporary packr::value,
   * where a view would dangle at the end of the full expression (views otherwise).
   */
  using string_result = std::conditional_t<std::is_same_v<Derived, value>, std::string, std::string_view>;
  /**
   * The string, as a borrowed view valid while the owner lives and is not modified (it may
   * contain NULs). On a temporary packr::value: an owned std::string.
   */
  std::string_view as_string() const & { return string_view_of(); }
  string_result as_string() const && { return string_result(string_view_of()); }
  ///@}

  /** @name Children */
  ///@{
  /** Number of children (items, fields, payload values; 1 for some/ok/err; for a map, keys and
   *  values interleaved: 2 per entry, key i is child 2i; see entries()). */
  std::size_t size() const noexcept { return packr_value_len(v()); }
  bool empty() const noexcept { return size() == 0; }
  /** Child `i` (unchecked: an empty view when out of range). */
  inline value_ref operator[](std::size_t i) const noexcept;
  /** Child `i`; std::out_of_range when out of range. */
  inline value_ref at(std::size_t i) const;

  /** Iterator over the children (yields packr::value_ref). */
  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = value_ref;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = value_ref;
    iterator() noexcept = default;
    iterator(const packr_value *parent, std::size_t i) noexcept : parent_(parent), i_(i) {}
    inline value_ref operator*() const noexcept;
    iterator &operator++() noexcept { ++i_; return *this; }
    iterator operator++(int) noexcept { iterator t = *this; ++i_; return t; }
    iterator &operator--() noexcept { --i_; return *this; }
    iterator &operator+=(difference_type n) noexcept { i_ += n; return *this; }
    iterator operator+(difference_type n) const noexcept { iterator t = *this; t += n; return t; }
    difference_type operator-(const iterator &o) const noexcept {
      return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
    }
    bool operator==(const iterator &o) const noexcept { return parent_ == o.parent_ && i_ == o.i_; }
    bool operator!=(const iterator &o) const noexcept { return !(*this == o); }

   private:
    const packr_value *parent_ = nullptr;
    std::size_t i_ = 0;
  };
  iterator begin() const noexcept { return iterator(v(), 0); }
  iterator end() const noexcept { return iterator(v(), size()); }
  ///@}

  /** @name Maps and sets */
  ///@{
  /** One entry of a map: borrowed views of its key and value (`auto [k, v] = entry`). */
  using entry = std::pair<value_ref, value_ref>;
  /** The entries of a map, in canonical key order (empty for other kinds). */
  class entry_range {
   public:
    /** Iterator over the entries (yields packr::value_ops::entry). */
    class iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = entry;
      using difference_type = std::ptrdiff_t;
      using pointer = void;
      using reference = entry;
      iterator() noexcept = default;
      iterator(const packr_value *map, std::size_t i) noexcept : map_(map), i_(i) {}
      inline entry operator*() const noexcept;
      iterator &operator++() noexcept { ++i_; return *this; }
      iterator operator++(int) noexcept { iterator t = *this; ++i_; return t; }
      bool operator==(const iterator &o) const noexcept { return map_ == o.map_ && i_ == o.i_; }
      bool operator!=(const iterator &o) const noexcept { return !(*this == o); }

     private:
      const packr_value *map_ = nullptr;
      std::size_t i_ = 0;
    };
    explicit entry_range(const packr_value *map) noexcept
        : map_(map), n_(packr_value_kind(map) == PACKR_KIND_MAP ? packr_value_len(map) / 2 : 0) {}
    iterator begin() const noexcept { return iterator(map_, 0); }
    iterator end() const noexcept { return iterator(map_, n_); }
    /** Number of entries. */
    std::size_t size() const noexcept { return n_; }
    bool empty() const noexcept { return n_ == 0; }
    /** Entry `i` (in canonical order); std::out_of_range when out of range. */
    inline entry at(std::size_t i) const;

   private:
    const packr_value *map_;
    std::size_t n_;
  };
  /** The entries of a map as (key, value) views, in canonical key order (empty for other kinds). */
  entry_range entries() const noexcept { return entry_range(v()); }
  /**
   * The value stored under `key` in a map (binary search; packr_value_map_find), as a borrowed
   * view valid while the owner lives and is not modified; an empty view when there is no such
   * key. A value of another kind throws PACKR_RESULT_INVALID_ARGUMENT.
   */
  template <class K>
  value_ref find(const value_ops<K> &key) const;
  /**
   * Whether a map has the key `key` (packr_value_map_find) or a set has the item `key`
   * (packr_value_set_contains); both are binary searches. Other kinds throw
   * PACKR_RESULT_INVALID_ARGUMENT.
   */
  template <class K>
  bool contains(const value_ops<K> &key) const {
    packr_kind k = kind();
    if (k == PACKR_KIND_MAP) return packr_value_map_find(v(), key.v()) != nullptr;
    if (k != PACKR_KIND_SET) wrong_kind(k, "map or set");
    return packr_value_set_contains(v(), key.v());
  }
  /** Key type of a map (borrowed; empty for other kinds). */
  type_ref key_type() const noexcept { return type_ref(packr_value_key_type(v())); }
  /** Value type of a map (borrowed; empty for other kinds). */
  type_ref value_type() const noexcept { return type_ref(packr_value_value_type(v())); }
  ///@}

  /** @name Names, tags and types */
  ///@{
  /** Type name of a record or variant (borrowed; a copy on a temporary packr::value). */
  std::string_view type_name() const & { return view(packr_value_type_name, "packr_value_type_name"); }
  string_result type_name() const && { return string_result(view(packr_value_type_name, "packr_value_type_name")); }
  /** Case name of a variant (borrowed; a copy on a temporary packr::value). */
  std::string_view case_name() const & { return view(packr_value_case_name, "packr_value_case_name"); }
  string_result case_name() const && { return string_result(view(packr_value_case_name, "packr_value_case_name")); }
  /** Name of field `index` of a record (borrowed; a copy on a temporary); its value is `(*this)[index]`. */
  std::string_view field_name(std::size_t index) const & { return field_name_view(index); }
  string_result field_name(std::size_t index) const && { return string_result(field_name_view(index)); }
  /** Tag of a variant. */
  uint64_t tag() const {
    uint64_t t = 0;
    check(packr_value_tag(v(), &t), "packr_value_tag");
    return t;
  }
  /** Whether a result holds `err`. */
  bool is_err() const {
    bool e = false;
    check(packr_value_is_err(v(), &e), "packr_value_is_err");
    return e;
  }
  /** Element type of a list or a set, inner type of an option (borrowed; empty for other kinds). */
  type_ref elem_type() const noexcept { return type_ref(packr_value_elem_type(v())); }
  /** Ok type of a result (borrowed; empty for other kinds). */
  type_ref ok_type() const noexcept { return type_ref(packr_value_ok_type(v())); }
  /** Err type of a result (borrowed; empty for other kinds). */
  type_ref err_type() const noexcept { return type_ref(packr_value_err_type(v())); }
  ///@}

  /** @name Conversions */
  ///@{
  /** CGRF bytes (packr_value_encode): wire version 2 as packr 0.5.4 writes it, or version 3
   *  when the value holds a map or a set. */
  bytes encode() const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    check(packr_value_encode(v(), &out, &e), e);
    return bytes(out);
  }
  /** CGRF bytes of wire version `version`: 2 (packr 0.5.4; maps and sets become lists of
   *  (key, value) tuples and lists) or 3 (packr 0.24). Another version throws
   *  PACKR_RESULT_INVALID_ARGUMENT (packr_value_encode_version). */
  bytes encode(uint32_t version) const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    check(packr_value_encode_version(v(), version, &out, &e), e);
    return bytes(out);
  }
  /** The lossless text form (packr_value_to_text). */
  std::string to_text() const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    check(packr_value_to_text(v(), &out, &e), e);
    return std::string(bytes(out).str());
  }
  /** A deep, owned copy. */
  inline value clone() const;
  ///@}

  /** Same value (floats compared by bits). */
  template <class Other>
  bool operator==(const value_ops<Other> &o) const noexcept {
    return packr_value_equal(v(), o.v());
  }
  template <class Other>
  bool operator!=(const value_ops<Other> &o) const noexcept {
    return !(*this == o);
  }

  /** The C handle (borrowed). */
  const packr_value *v() const noexcept { return static_cast<const Derived *>(this)->get(); }

 private:
  template <class T, class U = T>
  T as(packr_result (*f)(const packr_value *, U *), const char *want) const {
    U out{};
    if (f(v(), &out) != PACKR_RESULT_OK) wrong_kind(kind(), want);
    return static_cast<T>(out);
  }
  std::string_view string_view_of() const {
    const char *p = nullptr;
    std::size_t n = 0;
    if (packr_value_as_string(v(), &p, &n) != PACKR_RESULT_OK) wrong_kind(kind(), "string");
    return std::string_view(p, n);
  }
  std::string_view field_name_view(std::size_t index) const {
    const char *p = nullptr;
    std::size_t n = 0;
    check(packr_value_field_name(v(), index, &p, &n), "packr_value_field_name");
    return std::string_view(p, n);
  }
  std::string_view view(packr_result (*f)(const packr_value *, const char **, std::size_t *),
                        const char *what) const {
    const char *p = nullptr;
    std::size_t n = 0;
    check(f(v(), &p, &n), what);
    return std::string_view(p, n);
  }
};

}  // namespace detail

/**
 * A borrowed view of a value (a child from operator[], or any value): never freed, valid while
 * the owning packr::value lives and is not modified.
 */
class value_ref : public detail::value_ops<value_ref> {
 public:
  value_ref() noexcept = default;
  /** Views `v` (not owned; may be NULL). */
  explicit value_ref(const packr_value *v) noexcept : p_(v) {}
  const packr_value *get() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

 private:
  const packr_value *p_ = nullptr;
};

template <class D>
inline value_ref detail::value_ops<D>::operator[](std::size_t i) const noexcept {
  return value_ref(packr_value_get(v(), i));
}
template <class D>
inline value_ref detail::value_ops<D>::at(std::size_t i) const {
  if (i >= size()) throw std::out_of_range("packr::value: child index out of range");
  return (*this)[i];
}
template <class D>
inline value_ref detail::value_ops<D>::iterator::operator*() const noexcept {
  return value_ref(packr_value_get(parent_, i_));
}
template <class D>
template <class K>
inline value_ref detail::value_ops<D>::find(const value_ops<K> &key) const {
  if (kind() != PACKR_KIND_MAP) wrong_kind(kind(), "map");
  return value_ref(packr_value_map_find(v(), key.v()));
}
template <class D>
inline typename detail::value_ops<D>::entry detail::value_ops<D>::entry_range::iterator::operator*() const noexcept {
  return entry(value_ref(packr_value_get(map_, 2 * i_)), value_ref(packr_value_get(map_, 2 * i_ + 1)));
}
template <class D>
inline typename detail::value_ops<D>::entry detail::value_ops<D>::entry_range::at(std::size_t i) const {
  if (i >= n_) throw std::out_of_range("packr::value: map entry index out of range");
  return *iterator(map_, i);
}

/**
 * An owned value (`packr_value`): move-only, freed with packr_value_free. The static functions
 * build every kind; push(), push_field() fill containers (they consume what they are given).
 */
class value : public detail::value_ops<value> {
 public:
  value() noexcept = default;
  /** Takes ownership of `v` (may be NULL). */
  explicit value(packr_value *v) noexcept : p_(v) {}

  /** @name Scalars */
  ///@{
  static value boolean(bool x) { return value(detail::not_null(packr_value_bool(x))); }
  static value u8(uint8_t x) { return value(detail::not_null(packr_value_u8(x))); }
  static value u16(uint16_t x) { return value(detail::not_null(packr_value_u16(x))); }
  static value u32(uint32_t x) { return value(detail::not_null(packr_value_u32(x))); }
  static value u64(uint64_t x) { return value(detail::not_null(packr_value_u64(x))); }
  static value s8(int8_t x) { return value(detail::not_null(packr_value_s8(x))); }
  static value s16(int16_t x) { return value(detail::not_null(packr_value_s16(x))); }
  static value s32(int32_t x) { return value(detail::not_null(packr_value_s32(x))); }
  static value s64(int64_t x) { return value(detail::not_null(packr_value_s64(x))); }
  static value f32(float x) { return value(detail::not_null(packr_value_f32(x))); }
  static value f64(double x) { return value(detail::not_null(packr_value_f64(x))); }
  /** A `flags` value (bit i = flag i). */
  static value flags(uint64_t mask) { return value(detail::not_null(packr_value_flags(mask))); }
  /** A `char`; a surrogate or a value above 0x10FFFF throws PACKR_RESULT_INVALID_ARGUMENT. */
  static value character(char32_t c) {
    packr_value *out = nullptr;
    detail::check(packr_value_char(static_cast<uint32_t>(c), &out), "packr_value_char");
    return value(out);
  }
  /** A `string` (UTF-8, copied; NULs allowed); bad UTF-8 throws PACKR_RESULT_INVALID_ARGUMENT. */
  static value string(std::string_view s) {
    packr_value *out = nullptr;
    detail::check(packr_value_string(s.data(), s.size(), &out), "packr_value_string");
    return value(out);
  }
  ///@}

  /** @name Containers */
  ///@{
  /** The unit value `()` (an empty tuple; push() adds items). */
  static value tuple() { return value(detail::not_null(packr_value_tuple_new())); }
  /** A tuple of the given owned values. */
  static value tuple(std::vector<value> items) {
    value t = tuple();
    for (auto &i : items) t.push(std::move(i));
    return t;
  }
  /** A tuple of the given owned values, as arguments: `value::tuple_of(value::s64(1), value::string("a"))`. */
  template <class... Vs, class = std::enable_if_t<(std::is_same_v<std::decay_t<Vs>, value> && ...)>>
  static value tuple_of(Vs &&...items) {
    value t = tuple();
    (t.push(std::move(items)), ...);
    return t;
  }
  /** An empty `list<elem_type>` (push() adds items). */
  static value list(type elem_type) {
    packr_value *out = nullptr;
    detail::check(packr_value_list_new(elem_type.release(), &out), "packr_value_list_new");
    return value(out);
  }
  /** A `list<elem_type>` of the given items. */
  static value list(type elem_type, std::vector<value> items) {
    value l = list(std::move(elem_type));
    for (auto &i : items) l.push(std::move(i));
    return l;
  }
  /** A record named `type_name` without fields (push_field() adds them). */
  static value record(std::string_view type_name) {
    packr_value *out = nullptr;
    detail::check(packr_value_record_new(detail::cstr(type_name), &out), "packr_value_record_new");
    return value(out);
  }
  /** Variant case `type_name::case_name` with `tag` and an empty payload (push() adds payload values). */
  static value variant(std::string_view type_name, std::string_view case_name, uint64_t tag) {
    packr_value *out = nullptr;
    detail::check(packr_value_variant_new(detail::cstr(type_name), detail::cstr(case_name), tag, &out),
                  "packr_value_variant_new");
    return value(out);
  }
  /** `some(v)` of `option<inner_type>`. */
  static value some(type inner_type, value v) {
    packr_value *out = nullptr;
    detail::check(packr_value_option_some(inner_type.release(), v.release(), &out), "packr_value_option_some");
    return value(out);
  }
  /** `none` of `option<inner_type>`. */
  static value none(type inner_type) {
    packr_value *out = nullptr;
    detail::check(packr_value_option_none(inner_type.release(), &out), "packr_value_option_none");
    return value(out);
  }
  /** `ok(v)` of `result<ok_type, err_type>`. */
  static value ok(type ok_type, type err_type, value v) {
    packr_value *out = nullptr;
    detail::check(packr_value_result_ok(ok_type.release(), err_type.release(), v.release(), &out),
                  "packr_value_result_ok");
    return value(out);
  }
  /** `err(v)` of `result<ok_type, err_type>`. */
  static value err(type ok_type, type err_type, value v) {
    packr_value *out = nullptr;
    detail::check(packr_value_result_err(ok_type.release(), err_type.release(), v.release(), &out),
                  "packr_value_result_err");
    return value(out);
  }
  /** An empty `map<key_type, value_type>` (insert() adds entries; keys stay unique and in
   *  canonical order). */
  static value map(type key_type, type value_type) {
    packr_value *out = nullptr;
    detail::check(packr_value_map_new(key_type.release(), value_type.release(), &out), "packr_value_map_new");
    return value(out);
  }
  /** A `map<key_type, value_type>` of the given (key, value) entries, in any order; a duplicate
   *  key throws PACKR_RESULT_INVALID_ARGUMENT. */
  static value map(type key_type, type value_type, std::vector<std::pair<value, value>> entries) {
    value m = map(std::move(key_type), std::move(value_type));
    for (auto &kv : entries) m.insert(std::move(kv.first), std::move(kv.second));
    return m;
  }
  /** An empty `set<elem_type>` (insert() adds items; they stay unique and in canonical order). */
  static value set(type elem_type) {
    packr_value *out = nullptr;
    detail::check(packr_value_set_new(elem_type.release(), &out), "packr_value_set_new");
    return value(out);
  }
  /** A `set<elem_type>` of the given items, in any order; a duplicate throws
   *  PACKR_RESULT_INVALID_ARGUMENT. */
  static value set(type elem_type, std::vector<value> items) {
    value s = set(std::move(elem_type));
    for (auto &i : items) s.insert(std::move(i));
    return s;
  }
  /**
   * Inserts the entry `key: v` into a map, at its key's place in canonical order (consumes both,
   * also when this throws). A key the map already has throws PACKR_RESULT_INVALID_ARGUMENT with
   * libpackr's message (naming the key); another kind too. Invalidates views of the children.
   * Returns *this.
   */
  value &insert(value key, value v) {
    packr_error *e = nullptr;
    detail::check(packr_value_map_insert(p_.get(), key.release(), v.release(), &e), e);
    return *this;
  }
  /** Inserts `item` into a set (consumes it, also when this throws); an item the set already has
   *  throws PACKR_RESULT_INVALID_ARGUMENT, as does another kind. Returns *this. */
  value &insert(value item) {
    packr_error *e = nullptr;
    detail::check(packr_value_set_insert(p_.get(), item.release(), &e), e);
    return *this;
  }
  /** Appends `item` to a list, a tuple or a variant's payload (consumes it). Returns *this. */
  value &push(value item) {
    detail::check(packr_value_push(p_.get(), item.release()), "packr_value_push");
    return *this;
  }
  /** Appends field `name: v` to a record (consumes `v`). Returns *this. */
  value &push_field(std::string_view name, value v) {
    detail::cstr n(name);
    detail::check(packr_value_record_push(p_.get(), n, v.release()), "packr_value_record_push");
    return *this;
  }
  ///@}

  /** @name Decoding and parsing */
  ///@{
  /** Decodes CGRF bytes (default limits); malformed bytes throw PACKR_RESULT_DECODE. */
  static value decode(byte_view data) {
    packr_value *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_value_decode(data.data(), data.size(), &out, &e), e);
    return value(out);
  }
  /** Decodes CGRF bytes with explicit limits (0 = the default for that limit). */
  static value decode_limited(byte_view data, uint64_t max_bytes, uint64_t max_nodes, uint64_t max_depth) {
    packr_value *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_value_decode_limited(data.data(), data.size(), max_bytes, max_nodes, max_depth, &out, &e),
                  e);
    return value(out);
  }
  /** Parses the text form (`point{x: 1s32, y: 2s32}`); bad text throws PACKR_RESULT_DECODE. */
  static value parse(std::string_view text) {
    packr_value *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_value_parse(detail::cstr(text, "text"), &out, &e), e);
    return value(out);
  }
  ///@}

  /** A borrowed view of this value. */
  value_ref ref() const noexcept { return value_ref(p_.get()); }
  operator value_ref() const noexcept { return ref(); }
  /** The C handle (still owned). */
  packr_value *get() const noexcept { return p_.get(); }
  /** Gives up ownership; the caller frees it with packr_value_free (or hands it on). */
  packr_value *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  std::unique_ptr<packr_value, detail::deleter<packr_value, packr_value_free>> p_;
};

template <class D>
inline value detail::value_ops<D>::clone() const {
  return value(not_null(packr_value_clone(v())));
}

// ---------------------------------------------------------------------------------------------
// Calling
// ---------------------------------------------------------------------------------------------

class call;

/**
 * A resolved export (`packr_func`): call it many times without name lookups. Keeps its
 * composition alive. Move-only; freed with packr_func_free. Thread-safe.
 */
class func {
 public:
  func() noexcept = default;
  /** Takes ownership of `f` (may be NULL). */
  explicit func(packr_func *f) noexcept : p_(f) {}

  /** Calls with CGRF `input`, returns the CGRF output. */
  bytes call(byte_view input) const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_func_call(p_.get(), input.data(), input.size(), &out, &e), e);
    return bytes(out);
  }
  /** Same as call(). */
  bytes operator()(byte_view input) const { return call(input); }
  /** Encodes `input`, calls, decodes the output. */
  value call_value(value_ref input) const { return value::decode(call(input.encode())); }
  /**
   * Starts a call with CGRF `input` (packr_func_call_start); same contract as
   * composition::call_start. The call keeps what it needs: this func may go first.
   */
  inline packr::call call_start(byte_view input) const;

  packr_func *get() const noexcept { return p_.get(); }
  packr_func *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  std::unique_ptr<packr_func, detail::deleter<packr_func, packr_func_free>> p_;
};

/**
 * A call started with composition::call_start (`packr_call`): finished already, or parked
 * while an async packr-guest 0.24 package waits for a deferred host answer (see
 * host_reply::defer). Move-only; freed with packr_call_free, which abandons a call still
 * pending (a later answer to it is refused with PACKR_RESULT_NOT_FOUND). It keeps its
 * composition alive. Use it from one thread at a time; the answers may come from any thread.
 *
 * The outcome, once there, is what composition::call would have returned or thrown, and stays:
 * every poll()/wait() after that returns (or throws) it again.
 */
class call {
 public:
  call() noexcept = default;
  /** Takes ownership of `c` (may be NULL). */
  explicit call(packr_call *c) noexcept : p_(c) {}

  /** True while the call waits for a deferred host answer (packr_call_is_pending). */
  bool pending() const noexcept { return packr_call_is_pending(p_.get()); }
  /**
   * Resumes the call with the answers that have arrived, without blocking (packr_call_poll):
   * std::nullopt while it still waits, else the CGRF output; a failed call throws packr::error.
   * The resumed package runs on this thread.
   */
  std::optional<bytes> poll() {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    packr_result rc = packr_call_poll(p_.get(), &out, &e);
    return outcome(rc, out, e);
  }
  /**
   * Waits up to `timeout` for the outcome (packr_call_wait): std::nullopt when the time runs
   * out (the call stays as it was), else as poll(). A zero or negative timeout is poll().
   */
  std::optional<bytes> wait_for(std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0) return poll();
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    packr_result rc = packr_call_wait(p_.get(), static_cast<uint64_t>(timeout.count()), &out, &e);
    return outcome(rc, out, e);
  }
  /**
   * Waits until the call finishes and returns its CGRF output, or throws its failure. The
   * composition's timeout and composition::interrupt still end the wait (PACKR_RESULT_LIMIT,
   * PACKR_RESULT_INTERRUPTED).
   */
  bytes wait() {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    packr_result rc = packr_call_wait(p_.get(), 0, &out, &e);
    std::optional<bytes> r = outcome(rc, out, e);
    if (!r) throw error(PACKR_RESULT_PENDING, "packr_call_wait returned while the call is pending");
    return std::move(*r);
  }
  /** wait(), decoded. */
  value wait_value() { return value::decode(wait()); }
  /**
   * A descriptor (a pipe's read end) that becomes readable when an answer for this call
   * arrives, for poll/epoll/select or an event loop; then call poll(). Owned by the call
   * (never close it); -1 once the call has finished (packr_call_fd).
   */
  int fd() const noexcept { return packr_call_fd(p_.get()); }

  packr_call *get() const noexcept { return p_.get(); }
  packr_call *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  // (Called with rc computed first: the order of evaluation of arguments is unspecified.)
  static std::optional<bytes> outcome(packr_result rc, packr_bytes *out, packr_error *e) {
    bytes owned(out);
    if (rc == PACKR_RESULT_PENDING) {
      error_handle ignored(e);
      return std::nullopt;
    }
    detail::check(rc, e);
    return std::optional<bytes>(std::move(owned));
  }
  std::unique_ptr<packr_call, detail::deleter<packr_call, packr_call_free>> p_;
};

inline packr::call func::call_start(byte_view input) const {
  packr_call *out = nullptr;
  packr_error *e = nullptr;
  detail::check(packr_func_call_start(p_.get(), input.data(), input.size(), &out, &e), e);
  return packr::call(out);
}

/**
 * A deferred host answer (`packr_completion`), from host_reply::defer. Finish it once, from
 * any thread, with complete(), complete_value() or fail(); it is freed by the destructor, and
 * destroying it unanswered fails the waiting call (PACKR_RESULT_HOST, "freed the completion
 * without completing it"). Move-only; the const members may run on several threads at once.
 */
class completion {
 public:
  completion() noexcept = default;
  /** Takes ownership of `c` (may be NULL). */
  explicit completion(packr_completion *c) noexcept : p_(c) {}

  /**
   * Answers with CGRF `output` (copied) and wakes the waiting call. Answered before: throws
   * PACKR_RESULT_INVALID_ARGUMENT; the call has ended (failed, timed out, interrupted, or its
   * packr::call was destroyed): throws PACKR_RESULT_NOT_FOUND. Bytes that are not CGRF fail
   * the call with PACKR_RESULT_DECODE.
   */
  void complete(byte_view output) const {
    packr_error *e = nullptr;
    detail::check(packr_completion_complete(p_.get(), output.data(), output.size(), &e), e);
  }
  /** Encodes `output` and answers with it (as complete()). */
  void complete_value(value_ref output) const { complete(output.encode()); }
  /** Answers with a failure: the call fails with PACKR_RESULT_HOST and `message`. Throws as complete(). */
  void fail(std::string_view message) const {
    packr_error *e = nullptr;
    detail::check(packr_completion_fail(p_.get(), detail::cstr(message, "message"), &e), e);
  }

  packr_completion *get() const noexcept { return p_.get(); }
  packr_completion *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  std::unique_ptr<packr_completion, detail::deleter<packr_completion, packr_completion_free>> p_;
};

/**
 * A built composition (`packr_composition`). Move-only; freed with packr_composition_free
 * (funcs keep it alive until they are freed too). Every member is const and thread-safe.
 */
class composition {
 public:
  composition() noexcept = default;
  /** Takes ownership of `c` (may be NULL). */
  explicit composition(packr_composition *c) noexcept : p_(c) {}

  /** Calls `package`.`export_name` with CGRF `input`; returns the CGRF output. */
  bytes call(std::string_view package, std::string_view export_name, byte_view input) const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_composition_call(p_.get(), detail::cstr(package), detail::cstr(export_name), input.data(),
                                         input.size(), &out, &e),
                  e);
    return bytes(out);
  }
  /** Encodes `input`, calls `package`.`export_name`, decodes the output. */
  value call_value(std::string_view package, std::string_view export_name, value_ref input) const {
    return value::decode(call(package, export_name, input.encode()));
  }
  /**
   * Starts a call without blocking on deferred host answers of async packages
   * (packr_composition_call_start): when an async packr-guest 0.24 export parks on a host
   * function that deferred its answer, this returns a pending packr::call at once; otherwise
   * the call has finished when this returns. Unknown package or export throws
   * PACKR_RESULT_NOT_FOUND; failures of the call itself come from call::poll / call::wait.
   */
  packr::call call_start(std::string_view package, std::string_view export_name, byte_view input) const {
    packr_call *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_composition_call_start(p_.get(), detail::cstr(package), detail::cstr(export_name),
                                               input.data(), input.size(), &out, &e),
                  e);
    return packr::call(out);
  }
  /** Encodes `input` and starts the call (call_start). */
  packr::call call_start_value(std::string_view package, std::string_view export_name, value_ref input) const {
    return call_start(package, export_name, input.encode());
  }
  /** Resolves `package`.`export_name` once (unknown names throw PACKR_RESULT_NOT_FOUND). */
  packr::func func(std::string_view package, std::string_view export_name) const {
    packr_func *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_composition_func(p_.get(), detail::cstr(package), detail::cstr(export_name), &out, &e), e);
    return packr::func(out);
  }
  /** The embedded type metadata of `package` as CGRF (PACKR_RESULT_NOT_FOUND if absent). */
  bytes types(std::string_view package) const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_composition_types(p_.get(), detail::cstr(package), &out, &e), e);
    return bytes(out);
  }
  /** The embedded type metadata of `package`, decoded. */
  value types_value(std::string_view package) const { return value::decode(types(package)); }
  /**
   * The declared signature of one function of `package` as text, e.g.
   * `func(x: s64) -> result<s64, string>` (packr_composition_signature). `kind` is
   * PACKR_SIGNATURE_KIND_IMPORT or PACKR_SIGNATURE_KIND_EXPORT; `interface` is the import
   * module (or "" for a plain export) in `iface_name`, std::nullopt for any. Unknown package or function, or no
   * metadata: throws PACKR_RESULT_NOT_FOUND; undecodable metadata: PACKR_RESULT_DECODE.
   */
  std::string signature(std::string_view package, packr_signature_kind kind,
                        std::optional<std::string_view> iface_name, std::string_view name) const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    std::optional<detail::cstr> iface;
    if (iface_name) iface.emplace(*iface_name, "interface");
    detail::check(packr_composition_signature(p_.get(), detail::cstr(package), static_cast<uint32_t>(kind),
                                              iface ? iface->c_str() : nullptr, detail::cstr(name), &out, &e),
                  e);
    return std::string(bytes(out).str());
  }
  /**
   * Every declared signature of `package`, one line each: `import|export<TAB>INTERFACE<TAB>
   * NAME<TAB>SIGNATURE` (and `type-param` lines), as packr_composition_signatures documents.
   */
  std::string signatures(std::string_view package) const {
    packr_bytes *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_composition_signatures(p_.get(), detail::cstr(package), &out, &e), e);
    return std::string(bytes(out).str());
  }
  /**
   * Which packr guest SDK generation built `package` (PACKR_GENERATION_V0_5 or _V0_24), and the
   * evidence libpackr told it by; PACKR_GENERATION_UNKNOWN with empty evidence for a package the
   * composition does not have.
   */
  package_generation_info package_generation(std::string_view package) const {
    const char *evidence = nullptr;
    package_generation_info out;
    out.generation = packr_composition_package_generation(p_.get(), detail::cstr(package), &evidence);
    if (out.generation != PACKR_GENERATION_UNKNOWN && evidence) out.evidence = evidence;
    return out;
  }
  /** Number of packages. */
  std::size_t package_count() const noexcept { return packr_composition_package_count(p_.get()); }
  /** Name of package `index` (borrowed, valid while the composition lives; empty when out of range). */
  std::string_view package_name(std::size_t index) const noexcept {
    const char *n = packr_composition_package_name(p_.get(), index);
    return n ? std::string_view(n) : std::string_view();
  }
  /** Names of all packages, in the order they were added. */
  std::vector<std::string> package_names() const {
    std::vector<std::string> out;
    for (std::size_t i = 0, n = package_count(); i < n; ++i) out.emplace_back(package_name(i));
    return out;
  }
  /** Stops the calls running now (they throw PACKR_RESULT_INTERRUPTED). Any thread. */
  void interrupt() const noexcept { packr_composition_interrupt(p_.get()); }

  packr_composition *get() const noexcept { return p_.get(); }
  packr_composition *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  std::unique_ptr<packr_composition, detail::deleter<packr_composition, packr_composition_free>> p_;
};

// ---------------------------------------------------------------------------------------------
// Host functions and the builder
// ---------------------------------------------------------------------------------------------

/**
 * How a host function answers (`packr_host_reply`), for host callables that take one as their
 * second parameter (see builder::add_host_function). A borrowed view, valid only during the
 * callback. Usually the callable just returns its answer; the reply is for answering later:
 *
 * @code
 *   b.add_host_function("host", "slow_double", [&queue](packr::value_ref n, packr::host_reply &r) {
 *     queue.push(n.as_s64(), r.defer());  // answer later, from any thread:
 *   });                                   //   completion.complete_value(packr::value::s64(2 * n));
 * @endcode
 */
class host_reply {
 public:
  explicit host_reply(packr_host_reply *r) noexcept : r_(r) {}

  /**
   * Defers the answer (packr_host_reply_defer): returns the packr::completion to answer
   * through later, from any thread. Whatever the callable returns or sets afterwards is
   * ignored. Meanwhile a packr-guest 0.5.4 package or a sync 0.24 package blocks its calling
   * thread until the answer comes; an async 0.24 package parks, so composition::call_start
   * returns a pending packr::call. Deferring twice throws PACKR_RESULT_INVALID_ARGUMENT.
   */
  completion defer() {
    packr_completion *c = nullptr;
    detail::check(packr_host_reply_defer(r_, &c), "packr_host_reply_defer");
    deferred_ = true;
    return completion(c);
  }
  /** True once defer() succeeded in this callback. */
  bool deferred() const noexcept { return deferred_; }
  /** Sets the CGRF output (copied; replaces an earlier one). */
  void set_output(byte_view output) {
    detail::check(packr_host_reply_set_output(r_, output.data(), output.size()), "packr_host_reply_set_output");
  }
  /** Encodes `output` and sets it as the output. */
  void set_output_value(value_ref output) { set_output(output.encode()); }

  packr_host_reply *get() const noexcept { return r_; }

 private:
  packr_host_reply *r_;
  bool deferred_ = false;
};

namespace detail {

/** What libpackr holds as user_data for a C++ host function. */
struct host_function {
  std::function<void(byte_view, packr_host_reply *)> fn;
};

inline void set_output(packr_host_reply *reply, byte_view out) {
  check(packr_host_reply_set_output(reply, out.data(), out.size()), "packr_host_reply_set_output");
}

inline void report(packr_host_reply *reply, const char *message) noexcept {
  if (packr_host_reply_set_error(reply, message) != PACKR_RESULT_OK) {
    // Not valid UTF-8 (or otherwise refused): report something rather than nothing.
    if (packr_host_reply_set_error(reply, "C++ exception (message is not valid UTF-8)") != PACKR_RESULT_OK) {
      // Nothing more can be done: the non-zero return still fails the call.
    }
  }
}

/** The packr_host_fn: runs the callable, turning every C++ exception into a reply error. */
inline int32_t host_trampoline(void *user_data, const uint8_t *input, std::size_t input_len,
                               packr_host_reply *reply) noexcept {
  try {
    static_cast<host_function *>(user_data)->fn(byte_view(input, input_len), reply);
    return 0;
  } catch (const std::exception &e) {
    report(reply, e.what());
  } catch (...) {
    report(reply, "unknown C++ exception");
  }
  return 1;
}

/** The packr_finalizer: deletes the callable (and its captured state). */
inline void host_finalizer(void *user_data) noexcept { delete static_cast<host_function *>(user_data); }

/** Sends a callable's result to the reply: nothing for void, encoded for values, else bytes. */
template <class R>
void reply_with(packr_host_reply *reply, R &&r) {
  using T = std::decay_t<R>;
  if constexpr (std::is_same_v<T, value>) {
    bytes b = r.encode();
    set_output(reply, b);
  } else {
    static_assert(std::is_constructible_v<byte_view, const T &>,
                  "a host function returns void, packr::value, or bytes (std::vector<uint8_t>, std::string, "
                  "packr::bytes, packr::byte_view)");
    set_output(reply, byte_view(static_cast<const T &>(r)));
  }
}

template <class F>
std::function<void(byte_view, packr_host_reply *)> adapt(F &&f) {
  using Fn = std::decay_t<F>;
  if constexpr (std::is_invocable_v<Fn &, byte_view, host_reply &>) {
    return [f = Fn(std::forward<F>(f))](byte_view in, packr_host_reply *reply) mutable {
      host_reply r(reply);
      if constexpr (std::is_void_v<std::invoke_result_t<Fn &, byte_view, host_reply &>>) {
        f(in, r);
      } else {
        auto &&out = f(in, r);
        if (!r.deferred()) reply_with(reply, out);
      }
    };
  } else if constexpr (std::is_invocable_v<Fn &, value_ref, host_reply &>) {
    return [f = Fn(std::forward<F>(f))](byte_view in, packr_host_reply *reply) mutable {
      value arg = value::decode(in);
      host_reply r(reply);
      if constexpr (std::is_void_v<std::invoke_result_t<Fn &, value_ref, host_reply &>>) {
        f(arg.ref(), r);
      } else {
        auto &&out = f(arg.ref(), r);
        if (!r.deferred()) reply_with(reply, out);
      }
    };
  } else if constexpr (std::is_invocable_v<Fn &, byte_view>) {
    return [f = Fn(std::forward<F>(f))](byte_view in, packr_host_reply *reply) mutable {
      if constexpr (std::is_void_v<std::invoke_result_t<Fn &, byte_view>>) {
        f(in);
      } else {
        reply_with(reply, f(in));
      }
    };
  } else {
    static_assert(std::is_invocable_v<Fn &, value_ref>,
                  "a host function takes packr::byte_view (CGRF bytes) or packr::value_ref (the decoded value)");
    return [f = Fn(std::forward<F>(f))](byte_view in, packr_host_reply *reply) mutable {
      value arg = value::decode(in);
      if constexpr (std::is_void_v<std::invoke_result_t<Fn &, value_ref>>) {
        f(arg.ref());
      } else {
        reply_with(reply, f(arg.ref()));
      }
    };
  }
}

}  // namespace detail

/**
 * Compiles a wasm module into a precompiled artifact (packr_package_precompile) for
 * builder::add_package_precompiled. `flags`: PACKR_PRECOMPILE_PLAIN, PACKR_PRECOMPILE_FUEL or
 * PACKR_PRECOMPILE_ALL (the default). Bad wasm throws PACKR_RESULT_COMPILE.
 */
inline bytes precompile(byte_view wasm, uint32_t flags = PACKR_PRECOMPILE_ALL) {
  packr_bytes *out = nullptr;
  packr_error *e = nullptr;
  detail::check(packr_package_precompile(wasm.data(), wasm.size(), flags, &out, &e), e);
  return bytes(out);
}

/** Like precompile(), from the wasm file `wasm_path` to the artifact file `artifact_path`. */
inline void precompile_file(std::string_view wasm_path, std::string_view artifact_path,
                            uint32_t flags = PACKR_PRECOMPILE_ALL) {
  packr_error *e = nullptr;
  detail::check(packr_package_precompile_file(detail::cstr(wasm_path, "wasm_path"),
                                              detail::cstr(artifact_path, "artifact_path"), flags, &e),
                e);
}

/**
 * Collects packages, wires, host functions and limits (`packr_builder`); build() turns it into
 * a packr::composition. Move-only; one thread at a time. The adders return *this for chaining.
 */
class builder {
 public:
  /** A new, empty builder. */
  builder() : p_(detail::not_null(packr_builder_new())) {}
  /** Takes ownership of `b` (may be NULL). */
  explicit builder(packr_builder *b) noexcept : p_(b) {}

  /** Adds a package from the bytes of a wasm module (bad wasm throws PACKR_RESULT_COMPILE). */
  builder &add_package(std::string_view name, byte_view wasm) {
    packr_error *e = nullptr;
    detail::check(packr_builder_add_package(p_.get(), detail::cstr(name), wasm.data(), wasm.size(), &e), e);
    return *this;
  }
  /** Adds a package from a wasm file (unreadable file throws PACKR_RESULT_IO). */
  builder &add_package_file(std::string_view name, std::string_view path) {
    packr_error *e = nullptr;
    detail::check(packr_builder_add_package_file(p_.get(), detail::cstr(name), detail::cstr(path, "path"), &e), e);
    return *this;
  }
  /**
   * Adds a package from a precompiled artifact (packr::precompile), without compiling. A stale,
   * foreign, truncated or corrupt artifact throws PACKR_RESULT_COMPILE. Artifacts contain
   * machine code: load only ones you trust (see packr_builder_add_package_precompiled).
   */
  builder &add_package_precompiled(std::string_view name, byte_view artifact) {
    packr_error *e = nullptr;
    detail::check(
        packr_builder_add_package_precompiled(p_.get(), detail::cstr(name), artifact.data(), artifact.size(), &e), e);
    return *this;
  }
  /** Adds a package from a precompiled artifact file (unreadable file throws PACKR_RESULT_IO). */
  builder &add_package_precompiled_file(std::string_view name, std::string_view path) {
    packr_error *e = nullptr;
    detail::check(
        packr_builder_add_package_precompiled_file(p_.get(), detail::cstr(name), detail::cstr(path, "path"), &e), e);
    return *this;
  }
  /** When `target` calls `import_module`.`import_name`, run `source`'s `source_export`. */
  builder &wire(std::string_view target, std::string_view import_module, std::string_view import_name,
                std::string_view source, std::string_view source_export) {
    packr_error *e = nullptr;
    detail::check(packr_builder_wire(p_.get(), detail::cstr(target), detail::cstr(import_module),
                                     detail::cstr(import_name), detail::cstr(source), detail::cstr(source_export), &e),
                  e);
    return *this;
  }

  /**
   * Registers a host function implemented by a C++ callable `fn`, in one of two shapes:
   *
   * - `R fn(packr::byte_view input)`: gets the CGRF bytes the guest sent;
   * - `R fn(packr::value_ref input)`: gets them decoded (bad CGRF fails the call);
   *
   * where `R` is `void` (replies the unit value `()`), packr::value (encoded), or bytes:
   * `std::vector<uint8_t>`, `std::string`, packr::bytes, packr::byte_view (copied at once).
   * Either shape may take a packr::host_reply & as a second parameter, `R fn(byte_view,
   * host_reply &)` or `R fn(value_ref, host_reply &)`, to answer later: host_reply::defer()
   * returns a packr::completion to finish from any thread (then `R` is ignored).
   *
   * Any exception `fn` throws fails the call with PACKR_RESULT_HOST and the exception's
   * what() as the message; nothing escapes into libpackr. `fn` is moved to the heap; libpackr
   * deletes it (running its captures' destructors exactly once) when the last builder,
   * composition or func that holds it is freed, on the freeing thread. It may be called from
   * several threads at once.
   */
  template <class F>
  builder &add_host_function(std::string_view module, std::string_view name, F &&fn) {
    detail::cstr m(module), n(name);
    auto holder = std::make_unique<detail::host_function>(detail::host_function{detail::adapt(std::forward<F>(fn))});
    packr_error *e = nullptr;
    // Ownership passes to libpackr whatever the result: on failure it has run the finalizer.
    packr_result rc = packr_builder_add_host_function(p_.get(), m, n, &detail::host_trampoline, holder.release(),
                                                      &detail::host_finalizer, &e);
    detail::check(rc, e);
    return *this;
  }

  /** Fuel per call (0 = unlimited). */
  builder &set_fuel(uint64_t fuel_per_call) {
    detail::check(packr_builder_set_fuel(p_.get(), fuel_per_call), "packr_builder_set_fuel");
    return *this;
  }
  /** Wall-clock limit per call in milliseconds (0 = none). */
  builder &set_timeout_ms(uint64_t ms_per_call) {
    detail::check(packr_builder_set_timeout_ms(p_.get(), ms_per_call), "packr_builder_set_timeout_ms");
    return *this;
  }
  /** Largest linear memory per package instance in bytes (0 = none). */
  builder &set_memory_limit(uint64_t bytes_per_package) {
    detail::check(packr_builder_set_memory_limit(p_.get(), bytes_per_package), "packr_builder_set_memory_limit");
    return *this;
  }
  /** Limits for values handed between guests (0 = default). */
  builder &set_value_limits(uint64_t max_bytes, uint64_t max_nodes, uint64_t max_depth) {
    detail::check(packr_builder_set_value_limits(p_.get(), max_bytes, max_nodes, max_depth),
                  "packr_builder_set_value_limits");
    return *this;
  }

  /**
   * Builds the composition. Consumes the builder's handle on every return: afterwards the
   * builder is empty (operator bool is false), also when this throws.
   */
  composition build() {
    packr_composition *out = nullptr;
    packr_error *e = nullptr;
    detail::check(packr_builder_build(p_.release(), &out, &e), e);
    return composition(out);
  }

  packr_builder *get() const noexcept { return p_.get(); }
  packr_builder *release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return static_cast<bool>(p_); }

 private:
  std::unique_ptr<packr_builder, detail::deleter<packr_builder, packr_builder_free>> p_;
};

}  // namespace packr

#endif  // PACKR_HPP
