// Thread arguments: the starts give the thread 1, so both threads take the branch that writes the global. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

long total;
static void account(int writer, long n) {
  if (writer)
    total += n; // expected-note {{the other write, with no lock held}} expected-note {{this write is made with no lock held}} expected-warning {{data race on 'total': this write may run in parallel with another write of it, and no lock is held at both [weft-race]}}
}
void *reader(void *arg) {
  account((int)(long)arg, 1); // expected-note 2 {{'reader' calls 'account'}}
  return NULL;
}
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, reader, (void *)1); // expected-note 2 {{thread entry 'reader' is started here, more than once}}
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", total);
  return 0;
}
