// A write made after the mutex is released. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long count, last;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
void *worker(void *a) {
  pthread_mutex_lock(&m);
  long c = ++count;
  pthread_mutex_unlock(&m);
  last = c; // expected-warning {{data race on 'last': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return a;
}
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, worker, NULL); // expected-note 2 {{thread entry 'worker' is started here, more than once}}
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  printf("%ld %ld\n", count, last);
  return 0;
}
