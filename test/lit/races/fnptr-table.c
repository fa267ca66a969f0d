// Function pointers: a thread calls handlers through a table; two handlers write one global unlocked. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long state;
static void on_open(void) { state = 1; } // expected-warning {{data race on 'state': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
static void on_close(void) { state = 0; }
void (*handlers[2])(void) = {on_open, on_close};
void *dispatch(void *a) {
  long which = (long)a;
  handlers[which & 1](); // expected-note 2 {{'dispatch' calls '(through a pointer)'}}
  return NULL;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, dispatch, (void *)0); // expected-note 2 {{thread entry 'dispatch' is started here, more than once}}
  pthread_create(&t2, NULL, dispatch, (void *)1);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", state);
  return 0;
}
