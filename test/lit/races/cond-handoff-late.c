// The worker writes the result after it has set the flag and released the mutex: main's
// wait orders nothing for that write. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
long result;
int done;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t c = PTHREAD_COND_INITIALIZER;
void *worker(void *arg) {
  pthread_mutex_lock(&m);
  done = 1;
  pthread_cond_signal(&c);
  pthread_mutex_unlock(&m);
  result = 6 * 7; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'result': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  return arg;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t;
  pthread_create(&t, 0, worker, 0); // expected-note {{thread entry 'worker' is started here}}
  pthread_mutex_lock(&m);
  while (!done)
    pthread_cond_wait(&c, &m);
  pthread_mutex_unlock(&m);
  printf("%ld\n", result); // expected-note {{the read, with no lock held}}
  pthread_join(t, 0);
  return 0;
}
