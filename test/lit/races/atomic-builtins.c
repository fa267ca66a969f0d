// Atomics: __atomic builtins on a plain long, on both sides. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long ticks;
void *ticker(void *a) {
  __atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
  return a;
}
void *watcher(void *a) {
  long t = __atomic_load_n(&ticks, __ATOMIC_ACQUIRE);
  return (void *)t;
}
int main(void) {
  pthread_t t1, t2, t3;
  pthread_create(&t1, NULL, ticker, NULL);
  pthread_create(&t2, NULL, ticker, NULL);
  pthread_create(&t3, NULL, watcher, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  pthread_join(t3, NULL);
  return 0;
}
