// Thread arguments private: each thread of a loop gets its own element of main's array (&slots[i], the counter moving on before every start), and main fills the element before the start that passes it. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *work(void *arg) {
  long *slot = arg;
  *slot = *slot * 2;
  return NULL;
}
int main(void) {
  long slots[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    slots[i] = i;
    pthread_create(&t[i], NULL, work, &slots[i]);
  }
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", slots[3]);
  return 0;
}
