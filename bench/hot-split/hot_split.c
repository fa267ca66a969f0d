/* hot-split: a loop whose call crosses a segment boundary on every
 * iteration, __weft_call_on_new_segment(step, &s, 256) (what the slow path
 * of a checkpoint calls), against the same loop calling step(&s).
 * step does a little work (a 64-byte multiply-xor mix, about 20 ns), like a
 * small function would; and the same for an empty function (the boundary's
 * own cost). Prints "direct|leaf <ns per call across a boundary> <ns per
 * plain call>". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/weft.h"

struct state {
  uint64_t h;
  unsigned char block[64];
};

static uintptr_t step_limit; /* the stack limit step last ran under */

__attribute__((noinline)) static void step(void *p) {
  struct state *s = p;
  step_limit = weft_stack_limit();
  for (int i = 0; i < 64; i += 8) {
    uint64_t w;
    memcpy(&w, s->block + i, 8);
    s->h = (s->h ^ w) * 0x100000001b3ull;
  }
  s->block[s->h & 63] ^= (unsigned char)s->h;
}

__attribute__((noinline)) static void leaf(void *p) {
  __asm__ __volatile__("" ::: "memory");
  ++*(long *)p;
}

static long iters;
static double direct_seg, direct_plain, leaf_seg, leaf_plain;
static int crossed; /* step ran under another stack limit: on a segment of its own */

static void loop_direct(void *p) {
  struct state *s = p;
  int64_t t0 = weft_now();
  for (long i = 0; i < iters; i++) __weft_call_on_new_segment(step, s, 256);
  int64_t t1 = weft_now();
  crossed = step_limit != weft_stack_limit();
  for (long i = 0; i < iters; i++) step(s);
  int64_t t2 = weft_now();
  direct_seg = (double)(t1 - t0) / iters;
  direct_plain = (double)(t2 - t1) / iters;
  long n = 0;
  for (long i = 0; i < iters; i++) __weft_call_on_new_segment(leaf, &n, 256);
  int64_t t3 = weft_now();
  for (long i = 0; i < iters; i++) leaf(&n);
  int64_t t4 = weft_now();
  leaf_seg = (double)(t3 - t2) / iters;
  leaf_plain = (double)(t4 - t3) / iters;
  if (n != 2 * iters) fprintf(stderr, "hot_split: leaf ran %ld times, not %ld\n", n, 2 * iters);
}

static void *bench(void *arg) {
  (void)arg;
  struct state s;
  memset(&s, 1, sizeof s);
  for (int r = 0; r < 2; r++) loop_direct(&s); /* the first warms the segment cache */
  if (!crossed)
    fprintf(stderr, "hot_split: step did not run on a segment of its own\n");
  printf("direct %.2f %.2f\n", direct_seg, direct_plain);
  printf("leaf %.2f %.2f\n", leaf_seg, leaf_plain);
  printf("check %llx\n", (unsigned long long)s.h);
  return NULL;
}

int main(int argc, char **argv) {
  iters = argc > 1 ? atol(argv[1]) : 10000000;
  weft_thread_t *t;
  weft_spawn(&t, NULL, bench, NULL);
  weft_join(t, NULL);
  return 0;
}
