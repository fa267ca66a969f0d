// Array elements at indexes the analysis cannot tell apart, written by two threads. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long slots[8];
void *fill(void *a) {
  long k = (long)a;
  for (int i = 0; i < 8; i++)
    slots[(i + k) % 8] = k; // expected-warning {{data race on 'slots': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return NULL;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, fill, (void *)1); // expected-note 2 {{thread entry 'fill' is started here, more than once}}
  pthread_create(&t2, NULL, fill, (void *)2);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", slots[0]);
  return 0;
}
