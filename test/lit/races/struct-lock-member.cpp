// Locks in structs: a class with a std::mutex member guards its counter. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

struct Counter {
  std::mutex mu;
  long n = 0;
  void inc() {
    std::lock_guard<std::mutex> g(mu);
    n++;
  }
};
Counter counter;
int main() {
  std::thread a([] { counter.inc(); }), b([] { counter.inc(); });
  a.join();
  b.join();
  return static_cast<int>(counter.n);
}
