// Ordering: a thread fills a global, then writes a byte to a pipe; the other reads the byte from the pipe's other end before it uses the global. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int fds[2];
long result;
void *producer(void *a) {
  result = 42;
  if (write(fds[1], "x", 1) != 1)
    return NULL;
  return a;
}
void *consumer(void *a) {
  char c;
  if (read(fds[0], &c, 1) != 1)
    return NULL;
  printf("%ld\n", result);
  return a;
}
int main(void) {
  if (pipe(fds) != 0)
    return 1;
  pthread_t t1, t2;
  pthread_create(&t1, NULL, producer, NULL);
  pthread_create(&t2, NULL, consumer, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
