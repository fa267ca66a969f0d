// Check-then-act: read under the lock, block, write the stale value under the lock again. Racy.
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
  long b = balance; // expected-note {{'balance' is read here}}
  pthread_mutex_unlock(&m);
  write(fd, "audit\n", 6); // expected-note {{this call may block}}
  pthread_mutex_lock(&m);
  balance = b - 10; // expected-warning {{'balance' is written here from a value read before a blocking call to 'write'; other threads run while this one is blocked and may change it (read it again after the call, or hold a lock across) [weft-race]}}
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
