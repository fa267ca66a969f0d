// Thread arguments: main reads the local it passed while the thread writes it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *producer(void *arg) {
  int *slot = arg;
  *slot = 42; // expected-warning {{data race on a local of 'main' passed to threads: this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  return NULL;
}
int main(void) { // expected-note {{it runs in 'main'}}
  int slot = 0;
  pthread_t t;
  pthread_create(&t, NULL, producer, &slot); // expected-note {{thread entry 'producer' is started here}}
  printf("%d\n", slot); // expected-note {{the read, with no lock held}}
  pthread_join(t, NULL);
  return 0;
}
