// One thread started once, and main waits for it before touching the global. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long progress;
void *worker(void *a) {
  for (int i = 0; i < 10; i++)
    progress++;
  return a;
}
int main(void) {
  progress = 0;
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
  progress++;
  printf("%ld\n", progress);
  return 0;
}
