// Atomics: one thread adds atomically, another writes the same long plainly. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long ticks;
void *ticker(void *a) {
  __atomic_fetch_add(&ticks, 1, __ATOMIC_SEQ_CST); // expected-warning {{data race on 'ticks': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  return a;
}
void *resetter(void *a) {
  ticks = 0; // expected-note {{the other write, with no lock held}}
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, ticker, NULL); // expected-note {{thread entry 'ticker' is started here}}
  pthread_create(&t2, NULL, resetter, NULL); // expected-note {{thread entry 'resetter' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
