// Library calls: each thread memcpys into a heap block of its own, allocated before its start. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *fill(void *a) {
  memcpy(a, "0123456789", 10);
  memset((char *)a + 10, 0, 6);
  return a;
}
int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, fill, malloc(16));
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(t[i], &r);
    free(r);
  }
  return 0;
}
