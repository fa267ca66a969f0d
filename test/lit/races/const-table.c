// Constant data read by every thread. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const int primes[] = {2, 3, 5, 7, 11};
long out[2];
void *first(void *a) {
  out[0] = primes[0] + primes[1];
  return a;
}
void *second(void *a) {
  out[1] = primes[3] + primes[4];
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, first, NULL);
  pthread_create(&t2, NULL, second, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", out[0] + out[1]);
  return 0;
}
