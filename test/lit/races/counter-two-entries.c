// Counter: two thread entries increment and decrement one global with no lock. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long count;
void *up(void *a) { count++; return a; } // expected-warning {{data race on 'count': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
void *down(void *a) { count--; return a; } // expected-note {{the other write, with no lock held}}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, up, NULL); // expected-note {{thread entry 'up' is started here}}
  pthread_create(&t2, NULL, down, NULL); // expected-note {{thread entry 'down' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", count);
  return 0;
}
