// Counter: std::threads increment under std::lock_guard. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long total;
std::mutex mu;
void add(int n) {
  for (int i = 0; i < n; i++) {
    std::lock_guard<std::mutex> g(mu);
    total++;
  }
}
int main() {
  std::thread a(add, 100), b(add, 200);
  a.join();
  b.join();
  return static_cast<int>(total);
}
