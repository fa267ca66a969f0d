// Atomics: an atomic counter beside a plain one both threads bump. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

std::atomic<long> total;
long plain;
int main() {
  std::thread a([] { total++; plain++; }), b([] { total++; plain++; }); // expected-warning {{data race on 'plain': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note 2 {{a std::thread is started here}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  a.join();
  b.join();
  return static_cast<int>(total.load() + plain);
}
