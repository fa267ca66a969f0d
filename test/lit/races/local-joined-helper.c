// A helper that two threads run hands a local of its own to a worker: it fills the local in
// before the start and reads it after the join. Each call of the helper has its own local, so
// the two workers never share one, and the helper's accesses are ordered with its worker's by
// the start and the join. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
struct job {
  int in;
  long out;
};
void *square(void *arg) {
  struct job *j = arg;
  j->out = (long)j->in * j->in;
  return NULL;
}
long run_one(int n) {
  struct job j = {n, 0};
  pthread_t t;
  if (pthread_create(&t, NULL, square, &j) != 0)
    return -1;
  pthread_join(t, NULL);
  return j.out;
}
void *client(void *arg) {
  long sum = 0;
  for (int i = 0; i < 3; i++)
    sum += run_one(i + (int)(long)arg);
  return (void *)sum;
}
int main(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, client, (void *)1);
  pthread_create(&b, NULL, client, (void *)2);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("done\n");
  return 0;
}
