// std::jthread: its destructor joins, so what main does after the jthreads' scope runs alone; join() ends one too. Race-free.
// RUN: %clangxx_weft_verify -std=c++20 -O0 %s
// RUN: %clangxx_weft_verify -std=c++20 -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <mutex>
#include <thread>
long hits;
std::mutex m;
void work() {
  std::lock_guard<std::mutex> g(m);
  hits++;
}
int main() {
  {
    std::jthread a(work);
    std::jthread b(work);
  }
  hits = 0;
  std::jthread c(work);
  c.join();
  return static_cast<int>(hits);
}
