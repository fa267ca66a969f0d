// rwlocks: readers read under rdlock, the writer writes under wrlock. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long config;
pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
void *reader(void *a) {
  pthread_rwlock_rdlock(&rw);
  long c = config;
  pthread_rwlock_unlock(&rw);
  return (void *)c;
}
void *writer(void *a) {
  pthread_rwlock_wrlock(&rw);
  config++;
  pthread_rwlock_unlock(&rw);
  return a;
}
int main(void) {
  pthread_t r1, r2, w;
  pthread_create(&r1, NULL, reader, NULL);
  pthread_create(&r2, NULL, reader, NULL);
  pthread_create(&w, NULL, writer, NULL);
  pthread_join(r1, NULL);
  pthread_join(r2, NULL);
  pthread_join(w, NULL);
  return 0;
}
