// Counter: std::unique_lock made with std::defer_lock, then locked before the write. Race-free.
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
void add() {
  std::unique_lock<std::mutex> g(mu, std::defer_lock);
  g.lock();
  total++;
}
int main() {
  std::thread a(add), b(add);
  a.join();
  b.join();
  return static_cast<int>(total);
}
