// The same hand-off through a job main passes to its worker: the flag, the result, the mutex
// and the condition are fields of a local of main. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
struct job {
  int done;
  long result;
  pthread_mutex_t m; // not at the start: named by its field
  pthread_cond_t c;
};
void *worker(void *arg) {
  struct job *j = arg;
  j->result = 6 * 7;
  pthread_mutex_lock(&j->m);
  j->done = 1;
  pthread_cond_signal(&j->c);
  pthread_mutex_unlock(&j->m);
  return 0;
}
int main(void) {
  struct job j = {0, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
  pthread_t t;
  pthread_create(&t, 0, worker, &j);
  pthread_mutex_lock(&j.m);
  while (!j.done)
    pthread_cond_wait(&j.c, &j.m);
  pthread_mutex_unlock(&j.m);
  printf("%ld\n", j.result);
  pthread_join(t, 0);
  return 0;
}
