// Lock wrappers: a class whose lock()/unlock() wrap a std::mutex. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

class Guarded {
public:
  void lock() { mu.lock(); }
  void unlock() { mu.unlock(); }
private:
  std::mutex mu;
};
Guarded g;
long value;
void bump() {
  g.lock();
  value++;
  g.unlock();
}
int main() {
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  return static_cast<int>(value);
}
