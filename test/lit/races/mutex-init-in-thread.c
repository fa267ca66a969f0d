// Locks: a thread initialises the mutex another thread may already be locking. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

pthread_mutex_t m;
int n;
void *setup(void *a) {
  pthread_mutex_init(&m, NULL); // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'm': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
  return a;
}
void *user(void *a) {
  pthread_mutex_lock(&m); // expected-note {{the other write, with no lock held}}
  n++;
  pthread_mutex_unlock(&m);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, setup, NULL); // expected-note {{thread entry 'setup' is started here}}
  pthread_create(&t2, NULL, user, NULL); // expected-note {{thread entry 'user' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
