// Heap memory reached through a global pointer, incremented by two threads unlocked. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct stats {
  long requests;
} *stats;
void *handle(void *a) {
  stats->requests++; // expected-warning {{data race on the memory 'stats' points to: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return a;
}
int main(void) {
  stats = calloc(1, sizeof *stats);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, handle, NULL); // expected-note 2 {{thread entry 'handle' is started here, more than once}}
  pthread_create(&t2, NULL, handle, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", stats->requests);
  return 0;
}
