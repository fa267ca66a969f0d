// Counter: weft_spawn'd threads increment under a weft mutex. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long served;
weft_mutex_t m = WEFT_MUTEX_INITIALIZER;
void *serve(void *a) {
  weft_mutex_lock(&m);
  served++;
  weft_mutex_unlock(&m);
  return a;
}
int main(void) {
  weft_thread_t *t1, *t2;
  weft_spawn(&t1, NULL, serve, NULL);
  weft_spawn(&t2, NULL, serve, NULL);
  weft_join(t1, NULL);
  weft_join(t2, NULL);
  printf("%ld\n", served);
  return 0;
}
