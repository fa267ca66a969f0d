// Library calls: read() fills a global buffer in one thread while another thread scans it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char buf[128];
void *filler(void *a) {
  if (read(0, buf, sizeof buf) < 0) // expected-note {{this write is made with no lock held}} expected-warning {{data race on 'buf': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
    return NULL;
  return a;
}
void *scanner(void *a) {
  long n = 0;
  for (int i = 0; i < 128; i++)
    n += buf[i] == '\n'; // expected-note {{the read, with no lock held}}
  printf("%ld\n", n);
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, filler, NULL); // expected-note {{thread entry 'filler' is started here}}
  pthread_create(&t2, NULL, scanner, NULL); // expected-note {{thread entry 'scanner' is started here}}
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
