// Thread arguments: one entry started twice, each start with its own constant role; role 0 writes 'produced' and role 1 reads it, in two threads at once. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

long produced, consumed;
void *worker(void *arg) {
  if (arg == NULL)
    produced++; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'produced': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  else
    consumed = produced; // expected-note {{the read, with no lock held}}
  return NULL;
}
int main(void) {
  pthread_t t0, t1;
  pthread_create(&t0, NULL, worker, NULL); // expected-note 2 {{thread entry 'worker' is started here, more than once}}
  pthread_create(&t1, NULL, worker, (void *)1);
  pthread_join(t0, NULL);
  pthread_join(t1, NULL);
  printf("%ld %ld\n", produced, consumed);
  return 0;
}
