// std::async: two tasks launched on threads of their own increment a global with no lock. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
#include <weft/weft.h>
#include <future>
long hits;
long work() {
  return ++hits; // expected-warning {{data race on 'hits': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}} expected-note {{the other write, with no lock held}}
}
int main() {
  auto a = std::async(std::launch::async, work);
  auto b = std::async(std::launch::async, work); // expected-note 2 {{a std::async task is started here, more than once}}
  return static_cast<int>(a.get() + b.get());
}
