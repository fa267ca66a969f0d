// rwlocks: weft's rwlock, readers and a writer. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long config;
weft_rwlock_t rw = WEFT_RWLOCK_INITIALIZER;
void *reader(void *a) {
  weft_rwlock_rdlock(&rw);
  long c = config;
  weft_rwlock_unlock(&rw);
  return (void *)c;
}
void *writer(void *a) {
  weft_rwlock_wrlock(&rw);
  config++;
  weft_rwlock_unlock(&rw);
  return a;
}
int main(void) {
  weft_thread_t *r1, *r2, *w;
  weft_spawn(&r1, NULL, reader, NULL);
  weft_spawn(&r2, NULL, reader, NULL);
  weft_spawn(&w, NULL, writer, NULL);
  weft_join(r1, NULL);
  weft_join(r2, NULL);
  weft_join(w, NULL);
  return 0;
}
