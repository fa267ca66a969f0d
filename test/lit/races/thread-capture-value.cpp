// std::thread callables: two lambdas capture a local by value, so each changes its own copy; main writes the local after the joins. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <thread>
#include <cstdio>
int main() {
  long hits = 0;
  std::thread a([=]() mutable { hits++; std::printf("%ld\n", hits); });
  std::thread b([=]() mutable { hits += 2; std::printf("%ld\n", hits); });
  a.join();
  b.join();
  hits = 5;
  std::printf("%ld\n", hits);
}
