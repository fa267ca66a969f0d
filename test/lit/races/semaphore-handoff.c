// Ordering: a thread fills a global and posts a semaphore; the other waits on the semaphore before it uses the global. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

sem_t ready;
long result;
void *producer(void *a) {
  result = 42;
  sem_post(&ready);
  return a;
}
void *consumer(void *a) {
  sem_wait(&ready);
  printf("%ld\n", result);
  return a;
}
int main(void) {
  sem_init(&ready, 0, 0);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, producer, NULL);
  pthread_create(&t2, NULL, consumer, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
