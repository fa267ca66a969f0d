/* Create, run and join an empty weft thread, N times (in batches of B
 * threads started before the batch is joined). Prints ns per thread. */
#include <stdio.h>
#include <stdlib.h>

#include "weft/weft.h"

static void *empty(void *arg) { return arg; }

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  long batch = argc > 2 ? atol(argv[2]) : 100;
  weft_thread_t **ts = malloc(sizeof *ts * (size_t)batch);
  weft_attr_t a = {0};
  int64_t t0 = weft_now();
  for (long done = 0; done < n; done += batch) {
    for (long i = 0; i < batch; i++)
      if (weft_spawn(&ts[i], &a, empty, NULL)) return 1;
    for (long i = 0; i < batch; i++) weft_join(ts[i], NULL);
  }
  int64_t t1 = weft_now();
  printf("%.1f\n", (double)(t1 - t0) / (double)n);
  free(ts);
  return 0;
}
