// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// RUN: %clang_weft -fsyntax-only -O0 -fplugin-arg-weft-no-lock-held -fplugin-arg-weft-no-race -fplugin-arg-weft-no-live-state -Werror %s
// [weft-lock-held]: a call that waits on the outside world or on another
// thread while a lock is held. Every other thread that needs the lock
// waits as long: on cooperative threads that is a convoy.
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t other = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready;
static char cache[64];

void read_under_lock(int fd) {
  pthread_mutex_lock(&m);
  read(fd, cache, sizeof cache); // expected-warning {{'read' may wait (io) while 'global:m' is held; every thread that needs it waits as long (release it before the call, or copy what is needed out of the critical section) [weft-lock-held]}}
  pthread_mutex_unlock(&m);
}

void read_then_lock(int fd) {
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf); // no lock held: fine
  pthread_mutex_lock(&m);
  if (n > 0)
    cache[0] = buf[0];
  pthread_mutex_unlock(&m);
}

// The wait releases the mutex it is given: fine.
void wait_ready(void) {
  pthread_mutex_lock(&m);
  while (!ready)
    pthread_cond_wait(&c, &m);
  pthread_mutex_unlock(&m);
}

// ... but not another one held around it.
void wait_holding_other(void) {
  pthread_mutex_lock(&other);
  pthread_mutex_lock(&m); // taking a second lock: lock order, not reported
  while (!ready)
    pthread_cond_wait(&c, &m); // expected-warning {{'pthread_cond_wait' may wait (cond) while 'global:other' is held}}
  pthread_mutex_unlock(&m);
  pthread_mutex_unlock(&other);
}

// Through a helper: the chain is in notes.
static void nap(void) {
  usleep(1000); // expected-note {{'nap' calls 'usleep'}}
}
void sleep_under_lock(void) {
  pthread_mutex_lock(&m);
  nap(); // expected-warning {{'nap' may wait (sleep) while 'global:m' is held}}
  pthread_mutex_unlock(&m);
}

// Released before the call on every path: fine.
void released_first(int fd, int early) {
  pthread_mutex_lock(&m);
  if (early) {
    pthread_mutex_unlock(&m);
    write(fd, "x", 1);
    return;
  }
  cache[1] = 1;
  pthread_mutex_unlock(&m);
  write(fd, "y", 1);
}
