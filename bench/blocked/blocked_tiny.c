/* N weft threads with 1 KiB stacks (the whole segment, descriptor
 * included), each blocked on a condition variable. Prints N and resident
 * bytes per thread. Link with -z now: a 1 KiB stack has no room for the
 * lazy symbol resolver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/weft.h"
#include "rss.h"

static weft_mutex_t mu = WEFT_MUTEX_INITIALIZER;
static weft_cond_t cv = WEFT_COND_INITIALIZER;
static long arrived, finished;
static int released;

static void *body(void *arg) {
  weft_mutex_lock(&mu);
  arrived++;
  while (!released) weft_cond_wait(&cv, &mu);
  finished++;
  weft_mutex_unlock(&mu);
  return arg;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  weft_attr_t a = {0};
  a.stack_size = 1024;
  a.detached = 1;
  long before = rss_kib();
  for (long i = 0; i < n; i++)
    if (weft_spawn(NULL, &a, body, NULL)) {
      fprintf(stderr, "spawn %ld failed\n", i);
      return 1;
    }
  for (;;) {
    weft_mutex_lock(&mu);
    long x = arrived;
    weft_mutex_unlock(&mu);
    if (x == n) break;
    weft_sleep(1000000);
  }
  long after = rss_kib();
  printf("%ld %.0f\n", n, (double)(after - before) * 1024.0 / (double)n);
  fflush(stdout);
  weft_mutex_lock(&mu);
  released = 1;
  weft_cond_broadcast(&cv);
  weft_mutex_unlock(&mu);
  for (;;) {
    weft_mutex_lock(&mu);
    long x = finished;
    weft_mutex_unlock(&mu);
    if (x == n) break;
    weft_sleep(1000000);
  }
  return 0;
}
