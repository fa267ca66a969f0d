// std::thread arguments: two threads run one function with a pointer to the same local of main. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <thread>
#include <cstdio>
static void bump(long *n) { (*n)++; } // expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}} expected-warning {{data race on a local of 'main' passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
int main() {
  long hits = 0;
  std::thread a(bump, &hits); // expected-note 2 {{a std::thread is started here, more than once}}
  std::thread b(bump, &hits);
  a.join();
  b.join();
  std::printf("%ld\n", hits);
}
