// Calls: a static helper writes the global, and every caller holds the lock. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long errors;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void count_error(void) { errors++; }
void *worker(void *a) {
  pthread_mutex_lock(&m);
  count_error();
  pthread_mutex_unlock(&m);
  return a;
}
void *other(void *a) {
  pthread_mutex_lock(&m);
  count_error();
  errors *= 2;
  pthread_mutex_unlock(&m);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, NULL);
  pthread_create(&t2, NULL, other, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", errors);
  return 0;
}
