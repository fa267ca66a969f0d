// WEFT_NORACE covers one variable only: its neighbour still races. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long WEFT_NORACE approx_requests;
long exact_requests;
void *worker(void *a) {
  approx_requests++;
  exact_requests++; // expected-warning {{data race on 'exact_requests': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return a;
}
int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, worker, NULL); // expected-note 2 {{thread entry 'worker' is started here, more than once}}
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("%ld %ld\n", approx_requests, exact_requests);
  return 0;
}
