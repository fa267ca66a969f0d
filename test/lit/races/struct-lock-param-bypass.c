// Locks in structs, passed by pointer: one thread writes the balance without the account lock. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
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
  a->balance += v; // expected-warning {{data race on 'alice': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made holding 'global:alice'}}
  pthread_mutex_unlock(&a->lock);
}
void *payer(void *arg) {
  deposit(&alice, 5); // expected-note {{'payer' calls 'deposit'}}
  return arg;
}
void *auditor(void *arg) {
  alice.balance = 0; // expected-note {{the other write, with no lock held}}
  return arg;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, payer, NULL); // expected-note {{thread entry 'payer' is started here}}
  pthread_create(&t2, NULL, auditor, NULL); // expected-note {{thread entry 'auditor' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", alice.balance);
  return 0;
}
