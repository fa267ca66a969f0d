// Function pointers: callbacks run through a pointer while the caller holds the lock. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long state;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void on_open(void) { state = 1; }
static void on_close(void) { state = 0; }
static void (*handlers[2])(void) = {on_open, on_close};
void *dispatch(void *a) {
  long which = (long)a;
  pthread_mutex_lock(&m);
  handlers[which & 1]();
  pthread_mutex_unlock(&m);
  return NULL;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, dispatch, (void *)0);
  pthread_create(&t2, NULL, dispatch, (void *)1);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", state);
  return 0;
}
