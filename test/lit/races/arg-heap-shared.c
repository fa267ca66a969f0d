// Thread arguments shared: one heap block handed to every thread of a loop. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct stats {
  long requests;
};
void *handle(void *arg) {
  struct stats *s = arg;
  s->requests++; // expected-warning {{data race on memory allocated in 'main' and passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return NULL;
}
int main(void) {
  struct stats *s = calloc(1, sizeof *s);
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, handle, s); // expected-note 2 {{thread entry 'handle' is started here, more than once}}
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", s->requests);
  free(s);
  return 0;
}
