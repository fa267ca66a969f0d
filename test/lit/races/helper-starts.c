// A static helper that main calls before it starts any thread starts a worker itself: what
// the helper does before the start (setup) and after the join (after) runs alone, but its
// write between the start and the join runs beside the worker. Racy on counter only.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
int counter, setup, after;
void *worker(void *a) {
  counter++; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'counter': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  return (void *)(long)setup;
}
static void start(void) {
  setup = 1;
  pthread_t t;
  pthread_create(&t, 0, worker, 0); // expected-note {{thread entry 'worker' is started here}}
  counter++; // expected-note {{the other write, with no lock held}}
  pthread_join(t, 0);
  after = counter;
}
int main(void) { // expected-note {{it runs in 'main'}}
  start(); // expected-note {{'main' calls 'start'}}
  printf("%d\n", after + setup);
  return 0;
}
