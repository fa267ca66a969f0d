/* N pthreads with default attributes, each blocked on a condition
 * variable, plain pthread code. Built against libweft (user threads), with
 * or without the weft plugin's linked stacks, or glibc alone (NPTL).
 * Prints the resident bytes per thread (VmRSS after all are blocked minus
 * before, over N; the array of thread ids is touched before). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rss.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long arrived;
static int released;

static void *body(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  arrived++;
  while (!released) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  return NULL;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  pthread_t *ts = malloc(sizeof *ts * (size_t)n);
  if (!ts) return 1;
  memset(ts, 0xff, sizeof *ts * (size_t)n); /* touched now (a zero fill could become calloc) */
  long before = rss_kib();
  long made = 0;
  for (; made < n; made++)
    if (pthread_create(&ts[made], NULL, body, NULL) != 0) break;
  for (;;) {
    pthread_mutex_lock(&mu);
    long a = arrived;
    pthread_mutex_unlock(&mu);
    if (a == made) break;
    sched_yield();
  }
  long after = rss_kib();
  printf("%ld %.0f\n", made, (double)(after - before) * 1024.0 / (double)made);
  fflush(stdout);
  pthread_mutex_lock(&mu);
  released = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  for (long i = 0; i < made; i++) pthread_join(ts[i], NULL);
  return made == n ? 0 : 1;
}
