// Two locks for one variable, but both threads also hold a common one. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long balance;
pthread_mutex_t ma = PTHREAD_MUTEX_INITIALIZER, mb = PTHREAD_MUTEX_INITIALIZER;
void *deposit(void *a) {
  pthread_mutex_lock(&ma);
  pthread_mutex_lock(&mb);
  balance += 10;
  pthread_mutex_unlock(&mb);
  pthread_mutex_unlock(&ma);
  return a;
}
void *withdraw(void *a) {
  pthread_mutex_lock(&mb);
  balance -= 10;
  pthread_mutex_unlock(&mb);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, deposit, NULL);
  pthread_create(&t2, NULL, withdraw, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", balance);
  return 0;
}
