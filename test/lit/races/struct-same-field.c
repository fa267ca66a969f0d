// One field of a struct written by two threads. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct pair {
  long left, right;
} p;
void *set_left(void *a) {
  p.left = 1; // expected-warning {{data race on 'p': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  return a;
}
void *also_left(void *a) {
  p.left = 2; // expected-note {{the other write, with no lock held}}
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, set_left, NULL); // expected-note {{thread entry 'set_left' is started here}}
  pthread_create(&t2, NULL, also_left, NULL); // expected-note {{thread entry 'also_left' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", p.left + p.right);
  return 0;
}
