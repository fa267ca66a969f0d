// Thread arguments private: each thread of a loop gets its own element of main's array. Race-free (reported: a known false positive).
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *work(void *arg) {
  long *slot = arg;
  // KNOWN: false positive: every thread gets its own element (&slots[i] in the loop), but weft names
  // one object for the whole array and does not tell the starts of a loop apart; the warning is on the next line.
  *slot = *slot * 2; // expected-warning {{data race on a local of 'main' passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return NULL;
}
int main(void) {
  long slots[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    slots[i] = i;
    pthread_create(&t[i], NULL, work, &slots[i]); // expected-note 2 {{thread entry 'work' is started here, more than once}}
  }
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", slots[3]);
  return 0;
}
