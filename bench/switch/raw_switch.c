/* The floor: two Boost.Context fcontexts jumping to each other, no
 * scheduler. Prints ns per switch. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

typedef struct { void *fctx; void *data; } transfer_t;
transfer_t jump_fcontext(void *const to, void *vp);
void *make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static long iters;
static void fiber(transfer_t t) {
  for (;;) t = jump_fcontext(t.fctx, 0);
}

static int64_t now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  iters = argc > 1 ? atol(argv[1]) : 10000000;
  size_t size = 64 * 1024;
  char *stack = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *ctx = make_fcontext(stack + size, size, fiber);
  int64_t t0 = now();
  for (long i = 0; i < iters; i++) ctx = jump_fcontext(ctx, 0).fctx; /* two switches */
  int64_t t1 = now();
  printf("%.2f\n", (double)(t1 - t0) / (double)(2 * iters));
  return 0;
}
