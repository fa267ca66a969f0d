// Thread arguments private: each thread gets its own local of main. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct tally {
  long n;
};
void *worker(void *arg) {
  struct tally *t = arg;
  t->n++;
  return NULL;
}
int main(void) {
  struct tally a = {0}, b = {0};
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, &a);
  pthread_create(&t2, NULL, worker, &b);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", a.n + b.n);
  return 0;
}
