// Thread arguments: every thread only reads the shared input. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct input {
  int values[4];
};
long sums[2];
void *sum_a(void *arg) {
  const struct input *in = arg;
  sums[0] = in->values[0] + in->values[1];
  return NULL;
}
void *sum_b(void *arg) {
  const struct input *in = arg;
  sums[1] = in->values[2] + in->values[3];
  return NULL;
}
int main(void) {
  struct input in = {{1, 2, 3, 4}};
  pthread_t t1, t2;
  pthread_create(&t1, NULL, sum_a, &in);
  pthread_create(&t2, NULL, sum_b, &in);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", sums[0] + sums[1]);
  return 0;
}
