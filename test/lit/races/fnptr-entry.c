// Function pointers: the start routine comes from a table of entries. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long seen;
void *first(void *a) {
  seen++; // expected-warning {{data race on 'seen': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return a;
}
void *second(void *a) {
  seen--;
  return a;
}
void *(*entries[2])(void *) = {first, second};
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, entries[i], NULL); // expected-note 2 {{thread entry 'first' is started here, more than once}}
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", seen);
  return 0;
}
