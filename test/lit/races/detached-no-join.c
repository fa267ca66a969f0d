// A thread main never joins: main keeps writing what it reads. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long heartbeat;
void *monitor(void *a) {
  for (;;) {
    printf("%ld\n", heartbeat); // expected-note {{the read, with no lock held}}
    sleep(1);
  }
  return a;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t;
  pthread_create(&t, NULL, monitor, NULL); // expected-note {{thread entry 'monitor' is started here}}
  pthread_detach(t);
  for (int i = 0; i < 3; i++) {
    heartbeat = i; // expected-warning {{data race on 'heartbeat': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
    sleep(1);
  }
  return 0;
}
