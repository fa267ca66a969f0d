// C++: std::thread entries, std::mutex through lock_guard, unique_lock and
// scoped_lock, std::shared_mutex through shared_lock and unique_lock.
// RUN: %clangxx_weft -O0 -c -o /dev/null %s 2>&1 | FileCheck %s --implicit-check-not="data race on 'a'" --implicit-check-not="data race on 'b'" --implicit-check-not="data race on 'c'"
// RUN: %clangxx_weft -O2 -c -o /dev/null %s 2>&1 | FileCheck %s --implicit-check-not="data race on 'a'" --implicit-check-not="data race on 'b'" --implicit-check-not="data race on 'c'"
#include <mutex>
#include <shared_mutex>
#include <thread>
std::mutex mu;
std::shared_mutex sm;
long a, b, c, d;
void f() { std::lock_guard<std::mutex> g(mu); a++; }
void h() {
  std::unique_lock<std::mutex> g(mu);
  a++;
  g.unlock();
  d++;
}
void r() { std::shared_lock<std::shared_mutex> g(sm); c = b; }
void w() { std::unique_lock<std::shared_mutex> g(sm); b++; }
void s() { std::scoped_lock g(mu); a--; }
int main() {
  std::thread t1(f), t2([] { r(); s(); w(); }), t3(h);
  t1.join();
  t2.join();
  t3.join();
  return static_cast<int>(a + b + c + d);
}
// CHECK: races.cpp:16:4: warning: data race on 'd': this write may run in parallel with another write of it, and no lock is held at both [weft-race]
// CHECK: races.cpp:16:4: note: this write is made with no lock held
// CHECK: races.cpp:22:[[COL:[0-9]+]]: note: a std::thread is started here, more than once
// CHECK: races.cpp:16:4: note: the other write, with no lock held
