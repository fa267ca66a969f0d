// trylock: the write is on the branch where the trylock failed. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long misses;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
void *worker(void *a) {
  if (pthread_mutex_trylock(&m) != 0) {
    misses++; // expected-warning {{data race on 'misses': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
    return a;
  }
  pthread_mutex_unlock(&m);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, NULL); // expected-note 2 {{thread entry 'worker' is started here, more than once}}
  pthread_create(&t2, NULL, worker, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
