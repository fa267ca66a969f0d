// Locks in structs: a global struct holds its mutex beside the data. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct queue {
  pthread_mutex_t lock;
  int items[16];
  int len;
} q = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};
void *push(void *a) {
  pthread_mutex_lock(&q.lock);
  if (q.len < 16)
    q.items[q.len++] = 1;
  pthread_mutex_unlock(&q.lock);
  return a;
}
int main(void) {
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&t[i], NULL, push, NULL);
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  printf("%d\n", q.len);
  return 0;
}
