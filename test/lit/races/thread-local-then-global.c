// Thread-locals: the per-thread sum is folded into a global with no lock. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

_Thread_local long local_sum;
long grand_total;
void *worker(void *a) {
  for (int i = 0; i < 10; i++)
    local_sum += i;
  grand_total += local_sum; // expected-warning {{data race on 'grand_total': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}} expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}}
  return a;
}
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, worker, NULL); // expected-note 2 {{thread entry 'worker' is started here, more than once}}
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", grand_total);
  return 0;
}
