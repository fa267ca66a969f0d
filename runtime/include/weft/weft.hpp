// weft: the C++ API of the runtime (header only, over weft/weft.h).
//
//   weft::thread t([&] { ... });   t.join();
//   weft::mutex m;  std::lock_guard<weft::mutex> g(m);
//   weft::condition_variable cv;  cv.wait(lock, [&] { return ready; });
//   weft::channel<int> ch(16);  ch.send(1);  int v; ch.recv(v);
#ifndef WEFT_WEFT_HPP
#define WEFT_WEFT_HPP

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "weft/weft.h"

namespace weft {

struct stack_size {
  std::size_t bytes;
};

class thread {
public:
  thread() noexcept = default;
  template <class F, class... Args>
  explicit thread(F &&f, Args &&...args) {
    start(0, [fn = std::forward<F>(f),
              tup = std::make_tuple(std::forward<Args>(args)...)]() mutable { std::apply(fn, tup); });
  }
  // A thread with an explicit first stack segment size.
  template <class F>
  thread(stack_size size, F &&f) {
    start(size.bytes, std::forward<F>(f));
  }
  thread(thread &&o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  thread &operator=(thread &&o) noexcept {
    if (joinable()) std::terminate();
    t_ = std::exchange(o.t_, nullptr);
    return *this;
  }
  thread(const thread &) = delete;
  thread &operator=(const thread &) = delete;
  ~thread() {
    if (joinable()) std::terminate();
  }
  bool joinable() const noexcept { return t_ != nullptr; }
  void join() {
    if (int e = weft_join(t_, nullptr)) throw std::system_error(e, std::generic_category(), "weft_join");
    t_ = nullptr;
  }
  void detach() {
    if (int e = weft_detach(t_)) throw std::system_error(e, std::generic_category(), "weft_detach");
    t_ = nullptr;
  }
  std::uint64_t id() const noexcept { return weft_thread_id(t_); }
  weft_thread_t *native_handle() const noexcept { return t_; }

private:
  template <class F>
  void start(std::size_t stack_size, F &&f) {
    using Fn = typename std::decay<F>::type;
    auto *p = new Fn(std::forward<F>(f));
    weft_attr_t attr{};
    attr.stack_size = stack_size;
    int e = weft_spawn(&t_, &attr, &trampoline<Fn>, p);
    if (e) {
      delete p;
      throw std::system_error(e, std::generic_category(), "weft_spawn");
    }
  }
  template <class Fn>
  static void *trampoline(void *arg) {
    std::unique_ptr<Fn> f(static_cast<Fn *>(arg));
    (*f)();
    return nullptr;
  }
  weft_thread_t *t_ = nullptr;
};

namespace this_thread {
inline void yield() { weft_yield(); }
template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period> &d) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  if (ns > 0) weft_sleep(static_cast<std::uint64_t>(ns));
}
inline std::uint64_t id() { return weft_thread_id(weft_self()); }
}  // namespace this_thread

class mutex {
public:
  mutex() noexcept { weft_mutex_init(&m_); }
  mutex(const mutex &) = delete;
  mutex &operator=(const mutex &) = delete;
  void lock() { weft_mutex_lock(&m_); }
  bool try_lock() { return weft_mutex_trylock(&m_) == 0; }
  void unlock() { weft_mutex_unlock(&m_); }
  weft_mutex_t *native_handle() { return &m_; }

private:
  weft_mutex_t m_;
};

enum class cv_status { no_timeout, timeout };

class condition_variable {
public:
  condition_variable() noexcept { weft_cond_init(&c_); }
  condition_variable(const condition_variable &) = delete;
  condition_variable &operator=(const condition_variable &) = delete;
  void notify_one() noexcept { weft_cond_signal(&c_); }
  void notify_all() noexcept { weft_cond_broadcast(&c_); }
  void wait(std::unique_lock<mutex> &lk) { weft_cond_wait(&c_, lk.mutex()->native_handle()); }
  template <class Pred>
  void wait(std::unique_lock<mutex> &lk, Pred pred) {
    while (!pred()) wait(lk);
  }
  template <class Rep, class Period>
  cv_status wait_for(std::unique_lock<mutex> &lk, const std::chrono::duration<Rep, Period> &d) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    int e = weft_cond_timedwait(&c_, lk.mutex()->native_handle(), weft_now() + (ns > 0 ? ns : 0));
    return e == 0 ? cv_status::no_timeout : cv_status::timeout;
  }
  template <class Rep, class Period, class Pred>
  bool wait_for(std::unique_lock<mutex> &lk, const std::chrono::duration<Rep, Period> &d, Pred pred) {
    auto deadline = weft_now() + std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    while (!pred()) {
      if (weft_cond_timedwait(&c_, lk.mutex()->native_handle(), deadline) != 0) return pred();
    }
    return true;
  }

private:
  weft_cond_t c_;
};

// A bounded channel of T (capacity 0: rendezvous). T must be trivially
// copyable: elements are copied as bytes.
template <class T>
class channel {
  static_assert(std::is_trivially_copyable<T>::value, "weft::channel<T> needs a trivially copyable T");

public:
  explicit channel(std::size_t capacity = 0) : ch_(weft_channel_create(sizeof(T), capacity)) {
    if (!ch_) throw std::bad_alloc();
  }
  ~channel() { weft_channel_destroy(ch_); }
  channel(const channel &) = delete;
  channel &operator=(const channel &) = delete;
  // false once the channel is closed
  bool send(const T &v) { return weft_channel_send(ch_, &v) == 0; }
  // false once the channel is closed and drained
  bool recv(T &out) { return weft_channel_recv(ch_, &out) == 0; }
  void close() { weft_channel_close(ch_); }

private:
  weft_channel_t *ch_;
};

}  // namespace weft

#endif
