// rwlocks: one reader forgets the lock while the writer holds it for writing. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long config;
pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
void *reader(void *a) {
  long c = config; // expected-note {{the read, with no lock held}}
  return (void *)c;
}
void *writer(void *a) {
  pthread_rwlock_wrlock(&rw);
  config++; // expected-warning {{data race on 'config': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made holding 'global:rw'}}
  pthread_rwlock_unlock(&rw);
  return a;
}
int main(void) {
  pthread_t r, w;
  pthread_create(&r, NULL, reader, NULL); // expected-note {{thread entry 'reader' is started here}}
  pthread_create(&w, NULL, writer, NULL); // expected-note {{thread entry 'writer' is started here}}
  pthread_join(r, NULL);
  pthread_join(w, NULL);
  return 0;
}
