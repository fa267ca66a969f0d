/* N pthreads, each fills a 32 KiB local buffer, keeps a checksum of it and
 * then waits on a condition variable: the buffer is dead (its block has
 * ended) before the wait. Plain pthread code, built against libweft with
 * and without the weft plugin, or glibc alone (NPTL). Prints the number of
 * threads and the resident bytes per thread (VmRSS after all have arrived
 * minus before, over N). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../blocked/rss.h"

#define BUF_BYTES 32768

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long arrived;
static int released;
static uint64_t total;

static void *body(void *arg) {
  uint64_t sum = 0;
  {
    unsigned char buf[BUF_BYTES];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 31u + (uintptr_t)arg);
    for (size_t i = 0; i < sizeof buf; i += 64) sum += buf[i];
  }
  pthread_mutex_lock(&mu);
  arrived++;
  total += sum;
  while (!released) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  return NULL;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  pthread_t *ts = malloc(sizeof *ts * (size_t)n);
  if (!ts) return 1;
  memset(ts, 0xff, sizeof *ts * (size_t)n);
  long before = rss_kib();
  long made = 0;
  for (; made < n; made++)
    if (pthread_create(&ts[made], NULL, body, (void *)(uintptr_t)made) != 0) break;
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
  /* The checksum is used, so the buffer is too. */
  if (total == 0) puts("checksum 0");
  return made == n ? 0 : 1;
}
