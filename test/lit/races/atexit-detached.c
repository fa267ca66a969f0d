// Exit handlers: a handler registered with atexit runs when main returns, while a detached thread may still be counting. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long events;
void report(void) {
  events = -1; // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'events': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
}
void *count(void *a) {
  for (int i = 0; i < 1000; i++)
    events++; // expected-note {{the other write, with no lock held}}
  return a;
}
int main(void) {
  atexit(report); // expected-note {{exit handler 'report' is registered here; it runs when main ends}}
  pthread_t t;
  pthread_create(&t, NULL, count, NULL); // expected-note {{thread entry 'count' is started here}}
  pthread_detach(t);
  return 0;
}
