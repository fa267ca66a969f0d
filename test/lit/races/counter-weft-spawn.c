// Counter: weft_spawn starts one entry twice, both increment with no lock. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long served;
void *serve(void *a) {
  served++; // expected-warning {{data race on 'served': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return a;
}
int main(void) {
  weft_thread_t *t1, *t2;
  weft_spawn(&t1, NULL, serve, NULL); // expected-note 2 {{thread entry 'serve' is started here, more than once}}
  weft_spawn(&t2, NULL, serve, NULL);
  weft_join(t1, NULL);
  weft_join(t2, NULL);
  printf("%ld\n", served);
  return 0;
}
