// rwlocks: std::shared_mutex, shared_lock to read and unique_lock to write. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long config;
std::shared_mutex sm;
long get() {
  std::shared_lock<std::shared_mutex> g(sm);
  return config;
}
void set(long v) {
  std::unique_lock<std::shared_mutex> g(sm);
  config = v;
}
int main() {
  std::thread a(get), b(get), c(set, 3);
  a.join();
  b.join();
  c.join();
  return static_cast<int>(get());
}
