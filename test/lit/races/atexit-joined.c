// Exit handlers: the handler runs after main has joined every thread it started. Race-free.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long events;
void report(void) {
  printf("%ld\n", events);
}
void *count(void *a) {
  events++;
  return a;
}
int main(void) {
  atexit(report);
  pthread_t t;
  pthread_create(&t, NULL, count, NULL);
  pthread_join(t, NULL);
  return 0;
}
