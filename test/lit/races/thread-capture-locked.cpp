// std::thread callables: two lambdas capture a mutex and a counter of main by reference and hold the mutex (std::lock_guard) while they add. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <mutex>
#include <thread>
#include <cstdio>
int main() {
  std::mutex m;
  long hits = 0;
  std::thread a([&] { std::lock_guard<std::mutex> g(m); hits++; });
  std::thread b([&] { std::lock_guard<std::mutex> g(m); hits += 2; });
  a.join();
  b.join();
  std::printf("%ld\n", hits);
}
