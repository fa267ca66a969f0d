// A flag set under the mutex but read once, not waited for: main may read the result before
// the worker writes it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
long result;
int done;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
void *worker(void *arg) {
  result = 6 * 7; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'result': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  pthread_mutex_lock(&m);
  done = 1;
  pthread_mutex_unlock(&m);
  return arg;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t;
  pthread_create(&t, 0, worker, 0); // expected-note {{thread entry 'worker' is started here}}
  pthread_mutex_lock(&m);
  int seen = done;
  pthread_mutex_unlock(&m);
  if (seen >= 0)
    printf("%ld\n", result); // expected-note {{the read, with no lock held}}
  pthread_join(t, 0);
  return 0;
}
