// WEFT_NORACE in C++: a progress counter std::threads bump unlocked. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long WEFT_NORACE progress;
void step() { progress++; }
int main() {
  std::thread a(step), b(step);
  a.join();
  b.join();
  return static_cast<int>(progress);
}
