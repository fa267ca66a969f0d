// Thread arguments shared: weft_spawn passes one local of main to two threads that write it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *fill(void *arg) {
  int *buf = arg;
  buf[0] = 1; // expected-warning {{data race on a local of 'main' passed to threads: this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return NULL;
}
int main(void) {
  int buf[4] = {0};
  weft_thread_t *t1, *t2;
  weft_spawn(&t1, NULL, fill, buf); // expected-note 2 {{thread entry 'fill' is started here, more than once}}
  weft_spawn(&t2, NULL, fill, buf);
  weft_join(t1, NULL);
  weft_join(t2, NULL);
  printf("%d\n", buf[0]);
  return 0;
}
