// Counter: a std::unique_lock is unlocked before the second write. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long total, last;
std::mutex mu;
void add() {
  std::unique_lock<std::mutex> g(mu);
  total++; // expected-warning {{data race on 'total': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made holding 'global:mu'}}
  g.unlock();
  last = total; // expected-warning {{data race on 'last': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{the read, with no lock held}} expected-note {{this write is made with no lock held}}
}
int main() {
  std::thread a(add), b(add); // expected-note 4 {{a std::thread is started here, more than once}}
  a.join();
  b.join();
  return static_cast<int>(total + last);
}
