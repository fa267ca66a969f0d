// Atomics: std::atomic counters and flags shared by std::threads. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

std::atomic<long> total;
std::atomic<bool> done;
int main() {
  std::thread a([] { total += 2; total.fetch_add(1); }), b([] { total--; done = true; });
  a.join();
  b.join();
  return static_cast<int>(total.load() + done.load());
}
