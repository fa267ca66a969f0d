// Atomics: the producer fills each slot, then releases its flag in the case of a switch on the loop counter that matches it; every counter value has its case, so every slot is released. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

long data[3];
long flags[3];
void *producer(void *a) {
  for (int i = 0; i < 3; i++) {
    data[i] = i + 1;
    switch (i) {
    case 0:
      __atomic_store_n(&flags[0], 1, __ATOMIC_RELEASE);
      break;
    case 1:
      __atomic_fetch_add(&flags[1], 1, __ATOMIC_RELEASE);
      break;
    case 2:
      __atomic_exchange_n(&flags[2], 1, __ATOMIC_RELEASE);
      break;
    }
  }
  return a;
}
void *consumer(void *a) {
  for (int i = 0; i < 3; i++) {
    while (!__atomic_load_n(&flags[i], __ATOMIC_ACQUIRE))
      ;
    data[i]++;
  }
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, producer, NULL);
  pthread_create(&t2, NULL, consumer, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", data[0] + data[1] + data[2]);
  return 0;
}
