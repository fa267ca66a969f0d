// Counter: two std::threads increment one global with no lock. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long total;
void add(int n) {
  for (int i = 0; i < n; i++)
    total++; // expected-warning {{data race on 'total': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
}
int main() {
  std::thread a(add, 100), b(add, 200); // expected-note 2 {{a std::thread is started here, more than once}}
  a.join();
  b.join();
  return static_cast<int>(total);
}
