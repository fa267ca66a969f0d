// std::condition_variable: a worker computes a result with no lock, sets a flag under a
// std::lock_guard and notifies; main waits for the flag in a loop around wait() under a
// std::unique_lock, then reads the result with no lock. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
long result;
bool done;
std::mutex m;
std::condition_variable cv;
void work() {
  result = 6 * 7;
  {
    std::lock_guard<std::mutex> g(m);
    done = true;
  }
  cv.notify_one();
}
int main() {
  std::thread t(work);
  {
    std::unique_lock<std::mutex> lk(m);
    while (!done)
      cv.wait(lk);
  }
  std::printf("%ld\n", result);
  t.join();
}
