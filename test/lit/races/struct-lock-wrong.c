// Locks in structs: one thread locks the other account's mutex. Racy.
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
} alice = {PTHREAD_MUTEX_INITIALIZER, 0}, bob = {PTHREAD_MUTEX_INITIALIZER, 0};
void *pay_alice(void *a) {
  pthread_mutex_lock(&alice.lock);
  alice.balance += 5; // expected-warning {{data race on 'alice': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{this write is made holding 'global:alice'}}
  pthread_mutex_unlock(&alice.lock);
  return a;
}
void *pay_alice_wrongly(void *a) {
  pthread_mutex_lock(&bob.lock);
  alice.balance += 7; // expected-note {{the other write, holding 'global:bob'}}
  pthread_mutex_unlock(&bob.lock);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, pay_alice, NULL); // expected-note {{thread entry 'pay_alice' is started here}}
  pthread_create(&t2, NULL, pay_alice_wrongly, NULL); // expected-note {{thread entry 'pay_alice_wrongly' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  printf("%ld\n", alice.balance);
  return 0;
}
