// Each thread gets its own element of a local array through a range-based for loop (the
// pointer the loop steps, read through the loop's reference), which main fills in before
// the start; the threads write their own elements. Race-free.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <cstdio>
struct slot {
  int in;
  long out;
  pthread_t t;
};
void *work(void *arg) {
  slot *s = static_cast<slot *>(arg);
  s->out = 2L * s->in;
  return nullptr;
}
int main() {
  slot slots[4];
  int n = 0;
  for (auto &s : slots) {
    s.in = n++;
    pthread_create(&s.t, nullptr, work, &s);
  }
  long sum = 0;
  for (auto &s : slots) {
    pthread_join(s.t, nullptr);
    sum += s.out;
  }
  std::printf("%ld\n", sum);
}
