/* The same with native pthreads (NPTL): create, run and join an empty
 * thread, N times in batches. Prints ns per thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *empty(void *arg) { return arg; }

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  long batch = argc > 2 ? atol(argv[2]) : 100;
  pthread_t *ts = malloc(sizeof *ts * (size_t)batch);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long done = 0; done < n; done += batch) {
    for (long i = 0; i < batch; i++)
      if (pthread_create(&ts[i], NULL, empty, NULL)) return 1;
    for (long i = 0; i < batch; i++) pthread_join(ts[i], NULL);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n);
  free(ts);
  return 0;
}
