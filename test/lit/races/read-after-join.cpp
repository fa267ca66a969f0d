// Read-after-join with std::thread::join. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

long answer;
int main() {
  std::thread t([] { answer = 42; });
  t.join();
  answer++;
  return static_cast<int>(answer);
}
