// A helper that a client thread runs reads the local it handed to a worker before joining the
// worker. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
struct job {
  int in;
  long out;
};
void *square(void *arg) {
  struct job *j = arg;
  j->out = (long)j->in * j->in; // expected-note {{this write is made with no lock held}} expected-warning {{data race on a local of 'run_one' passed to threads: this write may run in parallel with another read of it, and no lock is held at both [weft-race]}}
  return NULL;
}
long run_one(int n) {
  struct job j = {n, 0};
  pthread_t t;
  if (pthread_create(&t, NULL, square, &j) != 0) // expected-note {{thread entry 'square' is started here}}
    return -1;
  long early = j.out; // expected-note {{the read, with no lock held}}
  pthread_join(t, NULL);
  return early;
}
void *client(void *arg) { return (void *)run_one((int)(long)arg); } // expected-note {{'client' calls 'run_one'}}
int main(void) {
  pthread_t c;
  void *r;
  pthread_create(&c, NULL, client, (void *)3); // expected-note {{thread entry 'client' is started here}}
  pthread_join(c, &r);
  printf("%ld\n", (long)r);
  return 0;
}
