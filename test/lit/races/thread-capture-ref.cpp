// std::thread callables: two lambdas capture a local of main by reference and both increment it. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <thread>
#include <cstdio>
int main() {
  long hits = 0;
  std::thread a([&] { hits++; }); // expected-note {{a std::thread is started here}} expected-note {{this write is made with no lock held}} expected-warning {{data race on a local of 'main' passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  std::thread b([&] { hits++; }); // expected-note {{a std::thread is started here}} expected-note {{the other write, with no lock held}}
  a.join();
  b.join();
  std::printf("%ld\n", hits);
}
