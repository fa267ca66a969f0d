// Lock wrappers: my_lock(&m)/my_unlock(&m) take the mutex as an argument. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long jobs, errors;
pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t errors_lock = PTHREAD_MUTEX_INITIALIZER;
void my_lock(pthread_mutex_t *l) {
  if (pthread_mutex_lock(l) != 0)
    abort();
}
void my_unlock(pthread_mutex_t *l) { pthread_mutex_unlock(l); }
void *worker(void *a) {
  my_lock(&jobs_lock);
  jobs++;
  my_unlock(&jobs_lock);
  my_lock(&errors_lock);
  errors++;
  my_unlock(&errors_lock);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, NULL);
  pthread_create(&t2, NULL, worker, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
