// Atomics: the producer writes the data, then sets a flag with a release store; the consumer waits on the flag with acquire loads, then reads the data. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>

int data;
int ready;
void *producer(void *a) {
  data = 42;
  __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
  return a;
}
void *consumer(void *a) {
  while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
    sched_yield();
  printf("%d\n", data);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, producer, NULL);
  pthread_create(&t2, NULL, consumer, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
