// Read-before-join: main reads the result while the thread may still write it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long result;
void *compute(void *a) {
  result = 55; // expected-warning {{data race on 'result': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  return a;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t;
  pthread_create(&t, NULL, compute, NULL); // expected-note {{thread entry 'compute' is started here}}
  printf("%ld\n", result); // expected-note {{the read, with no lock held}}
  pthread_join(t, NULL);
  return 0;
}
