// Thread arguments: every start gives the thread the constant 0, so the branch that would write the global on a non-zero argument never runs in it. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>

long total;
static void account(int writer, long n) {
  if (writer)
    total += n;
}
void *reader(void *arg) {
  account((int)(long)arg, 1);
  return NULL;
}
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, reader, NULL);
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", total);
  return 0;
}
