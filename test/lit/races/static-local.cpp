// A function-local static shared by std::threads, no lock. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long next() {
  static long seq;
  return ++seq; // expected-warning {{data race on 'next()::seq': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
}
int main() {
  std::thread a(next), b(next); // expected-note 2 {{a std::thread is started here, more than once}}
  a.join();
  b.join();
  return 0;
}
