// Library calls: one thread copies into a global buffer with memcpy while another reads the buffer with strlen. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char line[64];
void *writer(void *a) {
  memcpy(line, "hello", 6); // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'line': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  return a;
}
void *reader(void *a) {
  printf("%zu\n", strlen(line)); // expected-note {{the read, with no lock held}}
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, writer, NULL); // expected-note {{thread entry 'writer' is started here}}
  pthread_create(&t2, NULL, reader, NULL); // expected-note {{thread entry 'reader' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
