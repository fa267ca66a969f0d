// Check-then-act: a flag tested, a blocking call, then the flag set from the stale test. Racy.
// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int initialized;
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
int fd = 1;
void *init_once(void *a) {
  pthread_mutex_lock(&m);
  int done = initialized; // expected-note {{'initialized' is read here}}
  pthread_mutex_unlock(&m);
  if (!done) {
    write(fd, "init\n", 5); // expected-note {{this call may block}}
    pthread_mutex_lock(&m);
    initialized = 1; // expected-warning {{'initialized' is written here from a value read before a blocking call to 'write'; other threads run while this one is blocked and may change it (read it again after the call, or hold a lock across) [weft-race]}}
    pthread_mutex_unlock(&m);
  }
  return a;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, init_once, NULL);
  pthread_create(&t2, NULL, init_once, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
