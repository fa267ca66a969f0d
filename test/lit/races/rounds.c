// Read-after-join between rounds: main writes after joining one round, before starting the next. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

long input;
long output;
void *square(void *a) {
  output = input * input;
  return a;
}
int main(void) {
  for (int round = 0; round < 3; round++) {
    input = round;
    pthread_t t;
    pthread_create(&t, NULL, square, NULL);
    pthread_join(t, NULL);
    printf("%ld\n", output);
  }
  return 0;
}
