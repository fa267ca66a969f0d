// Atomics: the producer writes the data, then sets a flag with a relaxed store and the consumer reads it relaxed: nothing orders the data. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
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
  data = 42; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'data': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  __atomic_store_n(&ready, 1, __ATOMIC_RELAXED);
  return a;
}
void *consumer(void *a) {
  while (!__atomic_load_n(&ready, __ATOMIC_RELAXED))
    sched_yield();
  printf("%d\n", data); // expected-note {{the read, with no lock held}}
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, producer, NULL); // expected-note {{thread entry 'producer' is started here}}
  pthread_create(&t2, NULL, consumer, NULL); // expected-note {{thread entry 'consumer' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
