// Sections in C++: std::threads update two globals in WEFT_ATOMIC. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long a_count, b_count;
void step() {
  WEFT_ATOMIC {
    a_count++;
    b_count += a_count;
  }
}
int main() {
  std::thread x(step), y(step);
  x.join();
  y.join();
  return static_cast<int>(b_count);
}
