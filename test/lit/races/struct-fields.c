// Two fields of one struct, each written by its own thread. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct pair {
  long left, right;
} p;
void *set_left(void *a) {
  p.left = 1;
  return a;
}
void *set_right(void *a) {
  p.right = 2;
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, set_left, NULL);
  pthread_create(&t2, NULL, set_right, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", p.left + p.right);
  return 0;
}
