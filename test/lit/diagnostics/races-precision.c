// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// What keeps race warnings precise: fields of one struct are apart, a
// trylock holds its lock where it succeeded, and main's code before it
// starts threads (and what only that code calls) runs alone.
#include <weft/weft.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct settings {
  int verbose;
  int max_conns;
  int flag;
} settings;
long signal_pending;
long config_value;
pthread_mutex_t rebalance = PTHREAD_MUTEX_INITIALIZER;
int fd = 1;

// Reads one field, blocks, writes another: no check-then-act.
void *reporter(void *arg) {
  (void)arg;
  int v = settings.verbose;
  write(fd, &v, sizeof v);
  settings.flag = 1;
  return NULL;
}

// The same field: check-then-act.
void *bumper(void *arg) {
  (void)arg;
  int n = settings.max_conns; // expected-note {{'settings' is read here}}
  write(fd, &n, sizeof n); // expected-note {{this call may block}}
  settings.max_conns = n + 1; // expected-warning {{'settings' is written here from a value read before a blocking call to 'write'}}
  return NULL;
}

// Called only where the trylock succeeded: the lock is held throughout.
static int do_rebalance(void) {
  if (signal_pending != 0)
    return 1;
  write(fd, "r", 1); // expected-note {{'do_rebalance' calls 'write'}}
  signal_pending = 1;
  return 0;
}

int rebalance_now(void) {
  if (pthread_mutex_trylock(&rebalance) != 0)
    return -1;
  int r = do_rebalance(); // expected-warning {{'do_rebalance' may wait (io) while 'global:rebalance' is held}}
  pthread_mutex_unlock(&rebalance);
  return r;
}

// Only main calls it, before any thread starts.
static void load_config(void) {
  long v = config_value;
  write(fd, "c", 1);
  config_value = v + 1;
}

int main(void) {
  load_config();
  long old = config_value;
  printf("config %ld\n", old);
  config_value = old * 2;
  pthread_t t[2];
  pthread_create(&t[0], NULL, reporter, NULL);
  // bumper runs once and reporter touches other fields: no data race.
  pthread_create(&t[1], NULL, bumper, NULL);
  pthread_join(t[0], NULL);
  pthread_join(t[1], NULL);
  return rebalance_now();
}
