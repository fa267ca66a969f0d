// Init-before-create: main fills the table before it starts the readers. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int table[8];
long sums[2];
void *sum_low(void *a) {
  for (int i = 0; i < 4; i++)
    sums[0] += table[i];
  return a;
}
void *sum_high(void *a) {
  for (int i = 4; i < 8; i++)
    sums[1] += table[i];
  return a;
}
int main(void) {
  for (int i = 0; i < 8; i++)
    table[i] = i * i;
  pthread_t t1, t2;
  pthread_create(&t1, NULL, sum_low, NULL);
  pthread_create(&t2, NULL, sum_high, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", sums[0] + sums[1]);
  return 0;
}
