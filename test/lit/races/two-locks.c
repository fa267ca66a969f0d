// Two locks for one variable: each thread holds a different mutex. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long balance;
pthread_mutex_t ma = PTHREAD_MUTEX_INITIALIZER, mb = PTHREAD_MUTEX_INITIALIZER;
void *deposit(void *a) {
  pthread_mutex_lock(&ma);
  balance += 10; // expected-warning {{data race on 'balance': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made holding 'global:ma'}}
  pthread_mutex_unlock(&ma);
  return a;
}
void *withdraw(void *a) {
  pthread_mutex_lock(&mb);
  balance -= 10; // expected-note {{the other write, holding 'global:mb'}}
  pthread_mutex_unlock(&mb);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, deposit, NULL); // expected-note {{thread entry 'deposit' is started here}}
  pthread_create(&t2, NULL, withdraw, NULL); // expected-note {{thread entry 'withdraw' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", balance);
  return 0;
}
