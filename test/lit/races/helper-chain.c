// Calls: the racy write is two calls below the thread entry. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long errors;
static void count_error(void) { errors++; } // expected-warning {{data race on 'errors': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
static void check(int v) {
  if (v < 0)
    count_error(); // expected-note 2 {{'check' calls 'count_error'}}
}
void *worker(void *a) {
  check(-(int)(long)a); // expected-note 2 {{'worker' calls 'check'}}
  return NULL;
}
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1)); // expected-note 2 {{thread entry 'worker' is started here, more than once}}
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", errors);
  return 0;
}
