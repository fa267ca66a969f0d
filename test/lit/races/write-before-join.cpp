// Write-before-join: main writes while a std::thread reads. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long answer;
long seen;
int main() { // expected-note {{it runs in 'main'}}
  std::thread t([] { seen = answer; }); // expected-note {{a std::thread is started here}} expected-note {{the read, with no lock held}}
  answer = 42; // expected-warning {{data race on 'answer': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  t.join();
  return static_cast<int>(seen);
}
