// Sections vs a mutex: a section does not take the other thread's mutex. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long total;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
void *adder(void *a) {
  WEFT_ATOMIC { total += 2; } // expected-warning {{data race on 'total': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held, inside an atomic section}}
  return a;
}
void *locker(void *a) {
  pthread_mutex_lock(&m);
  total += 3; // expected-note {{the other write, holding 'global:m'}}
  pthread_mutex_unlock(&m);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, adder, NULL); // expected-note {{thread entry 'adder' is started here}}
  pthread_create(&t2, NULL, locker, NULL); // expected-note {{thread entry 'locker' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", total);
  return 0;
}
