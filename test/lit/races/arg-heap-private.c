// Thread arguments private: a fresh heap block per thread, allocated in the loop. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
  int input;
  long output;
};
void *run(void *arg) {
  struct job *j = arg;
  j->output = (long)j->input * j->input;
  return NULL;
}
int main(void) {
  pthread_t t[4];
  struct job *jobs[4];
  for (int i = 0; i < 4; i++) {
    struct job *j = malloc(sizeof *j);
    j->input = i;
    jobs[i] = j;
    pthread_create(&t[i], NULL, run, j);
  }
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("%ld\n", jobs[3]->output);
  return 0;
}
