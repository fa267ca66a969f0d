// Thread arguments shared, written in a helper the entry passes them to. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct tally {
  long n;
};
static void bump(struct tally *t) { t->n++; } // expected-warning {{data race on a local of 'main' passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
void *worker(void *arg) {
  bump(arg); // expected-note 2 {{'worker' calls 'bump'}}
  return NULL;
}
int main(void) {
  struct tally shared = {0};
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, &shared); // expected-note 2 {{thread entry 'worker' is started here, more than once}}
  pthread_create(&t2, NULL, worker, &shared);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", shared.n);
  return 0;
}
