// Init between two creates: the first thread already runs when main writes. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int mode;
void *reader(void *a) {
  printf("%d\n", mode); // expected-note {{the read, with no lock held}}
  return a;
}
void *other(void *a) { return a; }
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t1, t2;
  pthread_create(&t1, NULL, reader, NULL); // expected-note {{thread entry 'reader' is started here}}
  mode = 2; // expected-warning {{data race on 'mode': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  pthread_create(&t2, NULL, other, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
