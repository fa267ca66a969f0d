// Thread arguments shared, with the mutex inside the shared struct. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct counter {
  pthread_mutex_t lock;
  long value;
};
void *worker(void *arg) {
  struct counter *c = arg;
  pthread_mutex_lock(&c->lock);
  c->value++;
  pthread_mutex_unlock(&c->lock);
  return NULL;
}
int main(void) {
  struct counter c = {PTHREAD_MUTEX_INITIALIZER, 0};
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, &c);
  pthread_create(&t2, NULL, worker, &c);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", c.value);
  return 0;
}
