// Atomics: an _Atomic counter incremented by several threads. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <stdatomic.h>
_Atomic long hits;
void *worker(void *a) {
  for (int i = 0; i < 100; i++)
    hits++;
  atomic_fetch_add(&hits, 1);
  return a;
}
int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", atomic_load(&hits));
  return 0;
}
