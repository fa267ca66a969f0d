// Init-before-create with std::thread: main writes, then starts the threads. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

int base;
long out[2];
int main() {
  base = 7;
  std::thread a([] { out[0] = base + 1; }), b([] { out[1] = base + 2; });
  a.join();
  b.join();
  return static_cast<int>(out[0] + out[1]);
}
