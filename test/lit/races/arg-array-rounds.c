// Thread arguments shared: two rounds of starts hand out &slots[0..3] twice with no join in between, so two threads get each element. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *work(void *arg) {
  long *slot = arg;
  *slot = *slot * 2; // expected-warning {{data race on a local of 'main' passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return NULL;
}
int main(void) {
  long slots[4] = {1, 2, 3, 4};
  pthread_t t[8];
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 4; i++)
      pthread_create(&t[round * 4 + i], NULL, work, &slots[i]); // expected-note 2 {{thread entry 'work' is started here, more than once}}
  for (int i = 0; i < 8; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", slots[0]);
  return 0;
}
