// std::jthread: two jthreads run one function that increments a global with no lock. Racy.
// RUN: %clangxx_weft_verify -std=c++20 -O0 %s
// RUN: %clangxx_weft_verify -std=c++20 -O2 %s
#include <weft/weft.h>
#include <thread>
long hits;
void work() {
  hits++; // expected-warning {{data race on 'hits': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}} expected-note {{the other write, with no lock held}}
}
int main() {
  std::jthread a(work); // expected-note 2 {{a std::jthread is started here, more than once}}
  std::jthread b(work);
}
