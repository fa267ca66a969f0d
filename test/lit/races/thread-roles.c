// Thread arguments: one entry started twice, each start with its own constant role; role 0 only writes 'produced', role 1 only writes 'consumed', so no two threads write one counter. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

long produced, consumed;
void *worker(void *arg) {
  if (arg == NULL)
    produced++;
  else
    consumed++;
  return NULL;
}
int main(void) {
  pthread_t t0, t1;
  pthread_create(&t0, NULL, worker, NULL);
  pthread_create(&t1, NULL, worker, (void *)1);
  pthread_join(t0, NULL);
  pthread_join(t1, NULL);
  printf("%ld %ld\n", produced, consumed);
  return 0;
}
