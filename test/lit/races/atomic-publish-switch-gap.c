// Atomics: the producer fills each slot, then releases its flag in the case of a switch on the loop counter that matches it; the counter runs to 4 but only 0 to 2 have a case, so the last slot's data is never released. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

long data[3];
long flags[3];
void *producer(void *a) {
  for (int i = 0; i < 4; i++) {
    data[i % 3] = i + 1; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'data': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
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
    data[i]++; // expected-note {{the other write, with no lock held}}
  }
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, producer, NULL); // expected-note {{thread entry 'producer' is started here}}
  pthread_create(&t2, NULL, consumer, NULL); // expected-note {{thread entry 'consumer' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", data[0] + data[1] + data[2]);
  return 0;
}
