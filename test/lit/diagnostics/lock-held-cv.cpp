// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// std::condition_variable::wait releases the mutex its std::unique_lock holds, so waiting
// with only that one held is fine; another mutex held across the wait is a convoy.
#include <weft/weft.h>
#include <condition_variable>
#include <mutex>
std::mutex m, other;
std::condition_variable cv;
bool ready;
void wait_ready() {
  std::unique_lock<std::mutex> lk(m);
  while (!ready)
    cv.wait(lk);
}
void wait_ready_holding_other() {
  std::lock_guard<std::mutex> g(other);
  std::unique_lock<std::mutex> lk(m);
  while (!ready)
    cv.wait(lk); // expected-warning {{'std::condition_variable::wait' may wait (cond) while 'global:other' is held; every thread that needs it waits as long (release it before the call, or copy what is needed out of the critical section) [weft-lock-held]}}
}
