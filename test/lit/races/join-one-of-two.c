// Read-after-join of the wrong thread: main joins one thread and writes what the other still reads. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long limit;
void *quick(void *a) { return a; }
void *slow(void *a) {
  long l = limit; // expected-note {{the read, with no lock held}}
  return (void *)l;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t1, t2;
  pthread_create(&t1, NULL, quick, NULL);
  pthread_create(&t2, NULL, slow, NULL); // expected-note {{thread entry 'slow' is started here}}
  pthread_join(t1, NULL);
  limit = 5; // expected-warning {{data race on 'limit': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  pthread_join(t2, NULL);
  return 0;
}
