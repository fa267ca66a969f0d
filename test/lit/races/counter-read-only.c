// Counter: threads only read a global that main set before starting them. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long limit;
long results[2];
void *first(void *a) {
  results[0] = limit * 2;
  return a;
}
void *second(void *a) {
  results[1] = limit * 3;
  return a;
}
int main(void) {
  limit = 10;
  pthread_t t1, t2;
  pthread_create(&t1, NULL, first, NULL);
  pthread_create(&t2, NULL, second, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld %ld\n", results[0], results[1]);
  return 0;
}
