// Two locks for one variable: two std::mutexes, one per thread. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long stock;
std::mutex in_mu, out_mu;
int main() {
  std::thread in([] { std::lock_guard<std::mutex> g(in_mu); stock += 5; }); // expected-warning {{data race on 'stock': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{a std::thread is started here}} expected-note {{this write is made holding 'global:in_mu'}}
  std::thread out([] { std::lock_guard<std::mutex> g(out_mu); stock -= 5; }); // expected-note {{a std::thread is started here}} expected-note {{the other write, holding 'global:out_mu'}}
  in.join();
  out.join();
  return static_cast<int>(stock);
}
