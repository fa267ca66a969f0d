// rwlocks: std::shared_mutex held shared by two writers. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long config;
std::shared_mutex sm;
void bump() {
  std::shared_lock<std::shared_mutex> g(sm);
  config++; // expected-warning {{data race on 'config': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, holding 'global:sm:r'}} expected-note {{this write is made holding 'global:sm:r'}}
}
int main() {
  std::thread a(bump), b(bump); // expected-note 2 {{a std::thread is started here, more than once}}
  a.join();
  b.join();
  return static_cast<int>(config);
}
