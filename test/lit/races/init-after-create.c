// Init-after-create: main sets the configuration after starting the thread that reads it. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int verbose;
void *logger(void *a) {
  if (verbose) // expected-note {{the read, with no lock held}}
    puts("verbose");
  return a;
}
int main(void) { // expected-note {{it runs in 'main'}}
  pthread_t t;
  pthread_create(&t, NULL, logger, NULL); // expected-note {{thread entry 'logger' is started here}}
  verbose = 1; // expected-warning {{data race on 'verbose': this write may run in parallel with another read of it, and no lock is held at both [weft-race]}} expected-note {{this write is made with no lock held}}
  pthread_join(t, NULL);
  return 0;
}
