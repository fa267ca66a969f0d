// Sections: both threads write the global inside WEFT_ATOMIC. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long total;
void *adder(void *a) {
  WEFT_ATOMIC { total += 2; }
  return a;
}
void *subtracter(void *a) {
  WEFT_ATOMIC { total -= 1; }
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, adder, NULL);
  pthread_create(&t2, NULL, subtracter, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", total);
  return 0;
}
