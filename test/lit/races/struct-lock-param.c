// Locks in structs, passed by pointer: deposit(&alice, v) locks the account it is given. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct account {
  pthread_mutex_t lock;
  long balance;
} alice = {PTHREAD_MUTEX_INITIALIZER, 0};
static void deposit(struct account *a, long v) {
  pthread_mutex_lock(&a->lock);
  a->balance += v;
  pthread_mutex_unlock(&a->lock);
}
void *payer(void *arg) {
  deposit(&alice, 5);
  return arg;
}
void *refunder(void *arg) {
  deposit(&alice, -2);
  return arg;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, payer, NULL);
  pthread_create(&t2, NULL, refunder, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", alice.balance);
  return 0;
}
