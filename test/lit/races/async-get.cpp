// std::async: the future's get() waits for the task, so main's write after it runs alone; a deferred task starts no thread. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <future>
long hits;
long work() { return ++hits; }
int main() {
  auto a = std::async(std::launch::async, work);
  long first = a.get();
  hits = first * 2;
  auto d = std::async(std::launch::deferred, work);
  hits++;
  return static_cast<int>(d.get() + hits);
}
