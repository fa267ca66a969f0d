// trylock: pthread_rwlock_trywrlock succeeded before the write; readers take the read lock. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long generation;
pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
void *bumper(void *a) {
  if (pthread_rwlock_trywrlock(&rw) == 0) {
    generation++;
    pthread_rwlock_unlock(&rw);
  }
  return a;
}
void *reader(void *a) {
  pthread_rwlock_rdlock(&rw);
  long g = generation;
  pthread_rwlock_unlock(&rw);
  return (void *)g;
}
int main(void) {
  pthread_t t1, t2, t3;
  pthread_create(&t1, NULL, bumper, NULL);
  pthread_create(&t2, NULL, bumper, NULL);
  pthread_create(&t3, NULL, reader, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  pthread_join(t3, NULL);
  return 0;
}
