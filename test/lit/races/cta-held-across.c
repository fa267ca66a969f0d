// Check-then-act avoided: one mutex held from the read across the blocking call to the write. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long balance = 100;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
int fd = 1;
void *withdraw(void *a) {
  pthread_mutex_lock(&m);
  long b = balance;
  // Race-free, but the lock is held across the write: [weft-lock-held].
  write(fd, "audit\n", 6); // expected-warning {{'write' may wait (io) while 'global:m' is held}}
  balance = b - 10;
  pthread_mutex_unlock(&m);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, withdraw, NULL);
  pthread_create(&t2, NULL, withdraw, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
