// Thread arguments shared: a pointer one thread returned (read back from a local after its join) is given to two threads, which both write what it points to. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *make(void *a) {
  return calloc(1, sizeof(long));
}
void *bump(void *a) {
  *(long *)a += 1; // expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}} expected-warning {{data race on the memory a local of 'main' points to, passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  return NULL;
}
int main(void) {
  void *p = NULL;
  pthread_t t[2];
  pthread_create(&t[0], NULL, make, NULL);
  pthread_join(t[0], &p);
  pthread_create(&t[0], NULL, bump, p); // expected-note 2 {{thread entry 'bump' is started here, more than once}}
  pthread_create(&t[1], NULL, bump, p);
  pthread_join(t[0], NULL);
  pthread_join(t[1], NULL);
  free(p);
  return 0;
}
