// Recursion through several linked segments, stopped deep inside: gdb's
// backtrace must step from the deepest frame back over every segment
// boundary to the thread's entry function.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "weft/weft.h"

enum { LEVELS = 1000 };

// The breakpoint.
__attribute__((noinline)) void weft_segments_bottom(void) { __asm__ __volatile__("" ::: "memory"); }

// At least 256 bytes of frame per level (the buffer escapes into the
// callee), so a 32 KiB linked segment holds about sixty levels.
static long descend(long n, volatile char *prev, unsigned long limit, int boundaries) {
  volatile char buf[256];
  memset((char *)buf, (int)(n & 0x7f), sizeof buf);
  buf[0] = prev ? prev[1] : 0;
  unsigned long now = weft_stack_limit();
  if (now != limit) boundaries++;
  if (n == 0) {
    printf("bottom: %d levels, %d segment boundaries crossed\n", LEVELS, boundaries);
    fflush(stdout);
    weft_segments_bottom();
    return 1;
  }
  long r = descend(n - 1, buf, now, boundaries) + 1;
  return r + (buf[5] != (char)(n & 0x7f));
}

static void *segments_thread(void *arg) {
  (void)arg;
  long r = descend(LEVELS, NULL, weft_stack_limit(), 0);
  printf("result %ld\n", r);
  fflush(stdout);
  return NULL;
}

int main(void) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, 16384);
  pthread_t t;
  if (pthread_create(&t, &a, segments_thread, NULL) != 0)
    return 1;
  pthread_join(t, NULL);
  return 0;
}
