/* One million user threads at once: each blocks on a condition variable
 * until main releases them all. Usage: million [threads] [stack bytes]. */
#include <stdio.h>
#include <stdlib.h>

#include "weft/weft.h"

static weft_mutex_t mu = WEFT_MUTEX_INITIALIZER;
static weft_cond_t cv = WEFT_COND_INITIALIZER;
static int released;
static long arrived, finished;

static void *body(void *arg) {
  (void)arg;
  weft_mutex_lock(&mu);
  arrived++;
  while (!released) weft_cond_wait(&cv, &mu);
  finished++;
  weft_mutex_unlock(&mu);
  return NULL;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  size_t stack = argc > 2 ? (size_t)atol(argv[2]) : 2048;
  weft_thread_t **ts = malloc(sizeof *ts * (size_t)n);
  weft_attr_t a = {0};
  a.stack_size = stack;
  for (long i = 0; i < n; i++) {
    int e = weft_spawn(&ts[i], &a, body, NULL);
    if (e) {
      fprintf(stderr, "million: spawn %ld failed: %d\n", i, e);
      return 1;
    }
  }
  for (;;) {
    weft_mutex_lock(&mu);
    long got = arrived;
    weft_mutex_unlock(&mu);
    if (got == n) break;
    weft_sleep(1000000);
  }
  struct weft_stats s;
  weft_stats(&s);
  weft_mutex_lock(&mu);
  released = 1;
  weft_cond_broadcast(&cv);
  weft_mutex_unlock(&mu);
  for (long i = 0; i < n; i++) weft_join(ts[i], NULL);
  free(ts);
  printf("million: %ld threads blocked at once (%llu blocked on cond), %ld finished\n", n,
         (unsigned long long)s.blocked_by_kind[WEFT_BLOCK_COND], finished);
  return finished == n ? 0 : 1;
}
