// C++ std::thread, std::mutex and std::condition_variable on weft, linked
// against libweft as a user would. Prints "cxx_threads: ok".
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <queue>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "weft/weft.h"

#define CHECK(c) do { if (!(c)) { std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

int main() {
  CHECK(weft_self() != nullptr);
  std::mutex m;
  std::condition_variable cv;
  std::queue<int> q;
  bool done = false;
  long sum = 0;
  std::thread consumer([&] {
    CHECK(weft_self() != nullptr);
    std::unique_lock<std::mutex> lk(m);
    for (;;) {
      cv.wait(lk, [&] { return !q.empty() || done; });
      while (!q.empty()) {
        sum += q.front();
        q.pop();
      }
      if (done) return;
    }
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; p++)
    producers.emplace_back([&, p] {
      for (int i = 0; i < 1000; i++) {
        {
          std::lock_guard<std::mutex> g(m);
          q.push(p * 1000 + i);
        }
        cv.notify_one();
        if (i % 250 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    });
  for (auto &t : producers) t.join();
  {
    std::lock_guard<std::mutex> g(m);
    done = true;
  }
  cv.notify_all();
  consumer.join();
  CHECK(sum == 3999L * 4000 / 2);

  // Timed wait with steady_clock (pthread_cond_clockwait).
  std::unique_lock<std::mutex> lk(m);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(cv.wait_for(lk, std::chrono::milliseconds(3)) == std::cv_status::timeout);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(3));
  lk.unlock();

  std::atomic<int> n{0};
  std::thread d([&] { n++; });
  d.detach();
  while (n.load() == 0) std::this_thread::yield();

  auto fut = std::async(std::launch::async, [] { return 6 * 7; });
  CHECK(fut.get() == 42);

  std::shared_mutex sm;
  {
    std::shared_lock<std::shared_mutex> r1(sm);
    std::shared_lock<std::shared_mutex> r2(sm);
  }
  std::unique_lock<std::shared_mutex> w(sm);
  std::printf("cxx_threads: ok\n");
  return 0;
}
