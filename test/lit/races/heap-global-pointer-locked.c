// Heap memory reached through a global pointer, incremented under a mutex. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct stats {
  long requests;
} *stats;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
void *handle(void *a) {
  pthread_mutex_lock(&m);
  stats->requests++;
  pthread_mutex_unlock(&m);
  return a;
}
int main(void) {
  stats = calloc(1, sizeof *stats);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, handle, NULL);
  pthread_create(&t2, NULL, handle, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", stats->requests);
  return 0;
}
