// Counter: std::scoped_lock over two mutexes guards a transfer. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long from = 100, to;
std::mutex mf, mt;
void move_one() {
  std::scoped_lock g(mf, mt);
  from--;
  to++;
}
void audit() {
  std::scoped_lock g(mt, mf);
  long sum = from + to;
  (void)sum;
}
int main() {
  std::thread a(move_one), b(move_one), c(audit);
  a.join();
  b.join();
  c.join();
  return static_cast<int>(from + to);
}
