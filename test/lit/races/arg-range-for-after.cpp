// A range-based for loop hands each thread its own element, but main writes the element
// after the start that passed it. Racy.
// RUN: %clangxx_weft_verify -O0 %s
// RUN: %clangxx_weft_verify -O2 %s
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
  s->out = 2L * s->in; // expected-note {{the read, with no lock held}}
  return nullptr;
}
int main() { // expected-note {{it runs in 'main'}}
  slot slots[4];
  int n = 0;
  for (auto &s : slots) {
    pthread_create(&s.t, nullptr, work, &s); // expected-note {{thread entry 'work' is started here, more than once}}
    s.in = n++; // expected-note {{this write is made with no lock held}} expected-warning {{data race on the memory a local of 'main' points to, passed to threads: this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  }
  long sum = 0;
  for (auto &s : slots) {
    pthread_join(s.t, nullptr);
    sum += s.out;
  }
  std::printf("%ld\n", sum);
}
