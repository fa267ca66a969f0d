// Lock wrappers: static acquire()/release() around a global mutex. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long jobs;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void acquire(void) { pthread_mutex_lock(&m); }
static void release(void) { pthread_mutex_unlock(&m); }
void *worker(void *a) {
  acquire();
  jobs++;
  release();
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, NULL);
  pthread_create(&t2, NULL, worker, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
