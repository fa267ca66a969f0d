// Thread-locals: main passes the address of its own copy of a thread-local to a thread, then writes it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Thread_local int mine;
void *peek(void *a) {
  *(int *)a = 1; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'mine': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  return NULL;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t;
  pthread_create(&t, NULL, peek, &mine); // expected-note {{thread entry 'peek' is started here}}
  mine = 2; // expected-note {{the other write, with no lock held}}
  pthread_join(t, NULL);
  return 0;
}
