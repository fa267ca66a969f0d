// Thread-locals: a thread_local cache per std::thread. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

thread_local int cache[4];
int fill(int k) {
  for (int i = 0; i < 4; i++)
    cache[i] = i * k;
  return cache[3];
}
int main() {
  std::thread a(fill, 1), b(fill, 2);
  a.join();
  b.join();
  return fill(3);
}
