// C++ wrapper tests: deferred host answers and async calls.
#include "check.hpp"

namespace {

// ------------------------------------------------------------------------------------------------
// Deferred host answers and async calls (cur_async.wasm: fetch_double, fetch_sum, ready_now).

// The deferred answers waiting for the test: (argument, completion), oldest first.
struct pending_answers {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<int64_t, packr::completion>> q;

  void push(int64_t n, packr::completion c) {
    std::lock_guard<std::mutex> lock(mu);
    q.emplace_back(n, std::move(c));
    cv.notify_all();
  }
  // The oldest one; waits up to 10 s (an empty completion if none came).
  std::pair<int64_t, packr::completion> next() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [this] { return !q.empty(); });
    if (q.empty()) return {0, packr::completion()};
    auto out = std::move(q.front());
    q.pop_front();
    return out;
  }
};

// A thread joined by its destructor (so a failing check cannot end the test with std::terminate).
struct joining_thread {
  template <class F>
  explicit joining_thread(F &&f) : t(std::forward<F>(f)) {}
  ~joining_thread() { join(); }
  void join() {
    if (t.joinable()) t.join();
  }
  std::thread t;
};

packr::composition async_composition(pending_answers &answers, uint64_t timeout_ms = 0) {
  packr::builder b;
  b.add_package_file("a", guest("cur_async"));
  b.add_host_function("host", "slow_double", [&answers](packr::value_ref n, packr::host_reply &r) {
    answers.push(n.as_s64(), r.defer());
  });
  b.set_timeout_ms(timeout_ms);
  return b.build();
}

TEST(async_call_parks_and_finishes_from_another_thread) {
  pending_answers answers;
  packr::composition c = async_composition(answers);
  packr::call call = c.call_start_value("a", "fetch_double", packr::value::s64(21));
  CHECK(call);
  CHECK(call.pending());
  CHECK(!call.poll().has_value());
  CHECK(!call.wait_for(std::chrono::milliseconds(1)).has_value());
  int fd = call.fd();
  CHECK(fd >= 0);
  struct pollfd p = {fd, POLLIN, 0};
  CHECK_EQ(::poll(&p, 1, 0), 0);  // nothing arrived yet

  joining_thread answerer([&answers] {
    auto [n, done] = answers.next();
    done.complete_value(packr::value::s64(2 * n));
  });
  CHECK_EQ(::poll(&p, 1, 10000), 1);  // readable once the answer is there
  answerer.join();
  std::optional<packr::bytes> out = call.poll();
  CHECK(out.has_value());
  if (out) CHECK_EQ(packr::value::decode(*out).as_s64(), 42);
  CHECK(!call.pending());
  CHECK_EQ(call.fd(), -1);
  // The outcome stays.
  CHECK_EQ(call.wait_value().as_s64(), 42);
  CHECK(call.wait_for(std::chrono::milliseconds(5)).has_value());

  // A resolved export started with func::call_start; the func goes before the call ends.
  std::optional<packr::call> fc;
  {
    packr::func f = c.func("a", "fetch_double");
    fc.emplace(f.call_start(packr::value::s64(5).encode()));
  }
  CHECK(fc->pending());
  {
    auto [n, done] = answers.next();
    CHECK_EQ(n, 5);
    done.complete_value(packr::value::s64(2 * n));
  }
  CHECK_EQ(fc->wait_value().as_s64(), 10);

  // An export that does not wait has finished when call_start returns.
  packr::call now = c.call_start_value("a", "ready_now", packr::value::string("now"));
  CHECK(!now.pending());
  CHECK_EQ(now.wait_value().as_string(), std::string_view("now"));
  // Unknown names throw at once; an empty call is not pending.
  CHECK_THROWS_CODE(c.call_start("a", "nope", packr::value::s64(1).encode()), PACKR_RESULT_NOT_FOUND);
  CHECK(!packr::call().pending());
  CHECK_EQ(packr::call().fd(), -1);
  CHECK_THROWS_CODE(packr::call().poll(), PACKR_RESULT_INVALID_ARGUMENT);
}

TEST(async_many_parked_calls) {
  pending_answers answers;
  packr::composition c = async_composition(answers);
  const int n = 24;
  std::vector<packr::call> calls;
  for (int i = 0; i < n; ++i) calls.push_back(c.call_start_value("a", "fetch_sum", packr::value::s64(i)));
  for (auto &call : calls) CHECK(call.pending());
  // Two threads answer every import (n -> 2n): each call parks twice.
  std::atomic<int> answered{0};
  auto answer = [&] {
    while (answered.fetch_add(1) < 2 * n) {
      auto [k, done] = answers.next();
      if (done) done.complete_value(packr::value::s64(2 * k));
    }
  };
  joining_thread t1(answer), t2(answer);
  for (int i = 0; i < n; ++i) CHECK_EQ(calls[i].wait_value().as_s64(), 2 * i + 2 * (i + 1));
  t1.join();
  t2.join();
}

TEST(async_misuse_is_reported) {
  pending_answers answers;
  packr::composition c = async_composition(answers);

  // fail(), then a second answer.
  packr::call call = c.call_start_value("a", "fetch_double", packr::value::s64(1));
  packr::completion done = answers.next().second;
  done.fail("the disk is on fire");
  CHECK_THROWS_CODE(done.complete_value(packr::value::s64(2)), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_THROWS_CODE(done.fail("again"), PACKR_RESULT_INVALID_ARGUMENT);
  std::string msg = CHECK_THROWS_CODE(call.wait(), PACKR_RESULT_HOST);
  CHECK(contains(msg, "the disk is on fire"));
  CHECK(contains(msg, "a.fetch_double"));
  CHECK_THROWS_CODE(call.poll(), PACKR_RESULT_HOST);  // the failure stays

  // A completion destroyed unanswered fails the call.
  call = c.call_start_value("a", "fetch_double", packr::value::s64(1));
  { packr::completion dropped = answers.next().second; }
  msg = CHECK_THROWS_CODE(call.wait(), PACKR_RESULT_HOST);
  CHECK(contains(msg, "without completing"));

  // The call destroyed while it waits: a late answer is refused.
  call = c.call_start_value("a", "fetch_double", packr::value::s64(1));
  done = answers.next().second;
  call = packr::call();
  CHECK_THROWS_CODE(done.complete_value(packr::value::s64(2)), PACKR_RESULT_NOT_FOUND);

  // Not CGRF.
  call = c.call_start_value("a", "fetch_double", packr::value::s64(1));
  answers.next().second.complete(std::string("not cgrf"));
  CHECK_THROWS_CODE(call.wait(), PACKR_RESULT_DECODE);

  // A short wait leaves the call pending.
  call = c.call_start_value("a", "fetch_double", packr::value::s64(5));
  CHECK(!call.wait_for(std::chrono::milliseconds(10)).has_value());
  CHECK(call.pending());
  answers.next().second.complete_value(packr::value::s64(10));
  CHECK_EQ(call.wait_value().as_s64(), 10);
}

TEST(async_timeout_ends_an_unanswered_call) {
  pending_answers answers;
  packr::composition c = async_composition(answers, 100);
  packr::call call = c.call_start_value("a", "fetch_double", packr::value::s64(1));
  packr::completion late = answers.next().second;
  std::string msg = CHECK_THROWS_CODE(call.wait(), PACKR_RESULT_LIMIT);
  CHECK(contains(msg, "timeout"));
  CHECK_THROWS_CODE(late.complete_value(packr::value::s64(2)), PACKR_RESULT_NOT_FOUND);
}

TEST(deferred_answer_to_sync_guests) {
  // packr-guest 0.5.4 (greeter) and sync 0.24 (cur_greeter): the call blocks its thread until
  // another thread answers.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<std::string, packr::completion>> q;
  std::atomic<int> double_defer{0};
  packr::builder b;
  b.add_package_file("greeter", guest("greeter"));
  b.add_host_function("host", "greet", [&](packr::value_ref name, packr::host_reply &r) {
    packr::completion done = r.defer();
    try {
      (void)r.defer();
    } catch (const packr::error &e) {
      if (e.code() == PACKR_RESULT_INVALID_ARGUMENT) ++double_defer;
    }
    std::lock_guard<std::mutex> lock(mu);
    q.emplace_back(std::string(name.as_string()), std::move(done));
    cv.notify_all();
    return packr::value::string("ignored: the answer was deferred");
  });
  b.add_host_function("host", "log", [](packr::byte_view) {});
  packr::composition c = b.build();
  joining_thread answerer([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return !q.empty(); });
    if (q.empty()) return;
    auto [name, done] = std::move(q.front());
    q.pop_front();
    lock.unlock();
    done.complete_value(packr::value::string("Later, " + name));
  });
  CHECK_EQ(c.call_value("greeter", "hello", packr::value::string("bob")).as_string(), std::string_view("Later, bob!"));
  answerer.join();
  CHECK_EQ(double_defer.load(), 1);
  // A sync guest's call_start waits too, and returns a finished call.
  joining_thread answerer2([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return !q.empty(); });
    if (q.empty()) return;
    auto [name, done] = std::move(q.front());
    q.pop_front();
    lock.unlock();
    done.fail("no greeting for " + name);
  });
  packr::call call = c.call_start_value("greeter", "hello", packr::value::string("eve"));
  answerer2.join();
  CHECK(!call.pending());
  std::string msg = CHECK_THROWS_CODE(call.wait(), PACKR_RESULT_HOST);
  CHECK(contains(msg, "no greeting for eve"));
}

TEST(set_contains_and_generation_names) {
  packr::value s = packr::value::parse("set<string>{\"a\", \"c\", \"e\"}");
  CHECK(s.contains(packr::value::string("c")));
  CHECK(!s.contains(packr::value::string("d")));
  CHECK(!s.contains(packr::value::s64(1)));  // another type: not there
  CHECK_THROWS_CODE(packr::value::s64(1).contains(packr::value::s64(1)), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_EQ(packr::generation_name(PACKR_GENERATION_V0_24), std::string_view("0.24"));
  CHECK_EQ(packr::generation_name(static_cast<packr_generation>(99)), std::string_view("unknown"));
  CHECK_EQ(packr::result_name(PACKR_RESULT_PENDING), std::string_view("PACKR_RESULT_PENDING"));
}

}  // namespace
