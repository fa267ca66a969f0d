/* Two weft user threads yielding to each other on one worker. Prints ns per
 * switch. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weft/weft.h"

static long iters;
static void *body(void *arg) {
  (void)arg;
  for (long i = 0; i < iters; i++) weft_yield();
  return NULL;
}

int main(int argc, char **argv) {
  iters = argc > 1 ? atol(argv[1]) : 10000000;
  weft_thread_t *a, *b;
  weft_spawn(&a, NULL, body, NULL);
  weft_spawn(&b, NULL, body, NULL);
  /* main waits in join: only a and b are runnable */
  int64_t t0 = weft_now();
  weft_join(a, NULL);
  weft_join(b, NULL);
  int64_t t1 = weft_now();
  printf("%.2f\n", (double)(t1 - t0) / (double)(2 * iters));
  return 0;
}
