// rwlocks: a write made under the read lock races with another reader's write. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long hits;
pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
void *reader(void *a) {
  pthread_rwlock_rdlock(&rw);
  hits++; // expected-warning {{data race on 'hits': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, holding 'global:rw:r'}} expected-note {{this write is made holding 'global:rw:r'}}
  pthread_rwlock_unlock(&rw);
  return a;
}
int main(void) {
  pthread_t r1, r2;
  pthread_create(&r1, NULL, reader, NULL); // expected-note 2 {{thread entry 'reader' is started here, more than once}}
  pthread_create(&r2, NULL, reader, NULL);
  pthread_join(r1, NULL);
  pthread_join(r2, NULL);
  return 0;
}
