// Read-after-join: main reads the result only after joining the thread. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long result;
void *compute(void *a) {
  long r = 0;
  for (int i = 1; i <= 10; i++)
    r += i;
  result = r;
  return a;
}
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, compute, NULL);
  pthread_join(t, NULL);
  printf("%ld\n", result);
  result = 0;
  return 0;
}
