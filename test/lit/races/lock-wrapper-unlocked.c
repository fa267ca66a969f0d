// Lock wrappers: one thread uses the wrapper, the other writes without it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long jobs;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
void my_lock(pthread_mutex_t *l) { pthread_mutex_lock(l); }
void my_unlock(pthread_mutex_t *l) { pthread_mutex_unlock(l); }
void *careful(void *a) {
  my_lock(&m);
  jobs++; // expected-warning {{data race on 'jobs': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made holding 'global:m'}}
  my_unlock(&m);
  return a;
}
void *careless(void *a) {
  jobs = 0; // expected-note {{the other write, with no lock held}}
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, careful, NULL); // expected-note {{thread entry 'careful' is started here}}
  pthread_create(&t2, NULL, careless, NULL); // expected-note {{thread entry 'careless' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
