// Linked stacks: recursion 50 MiB deep in a pthread with default
// attributes. Built with the weft plugin's checkpoints
// (on with -fplugin alone) and linked with libweft, the thread's
// small first segment grows by linked segments as the recursion needs them;
// without the checkpoints (or with native pthreads) it crashes.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { LEVELS = 400000 };

// At least 128 bytes of frame per level: 400,000 levels is over 50 MiB.
static long descend(long n, volatile char *prev) {
  volatile char buf[128];
  memset((char *)buf, (int)(n & 0x7f), sizeof buf);
  buf[0] = prev ? prev[1] : 0;
  if (n == 0)
    return 1;
  long r = descend(n - 1, buf) + 1;
  return r + (buf[5] != (char)(n & 0x7f)); // the frame survived the callee
}

static void *deep(void *arg) {
  (void)arg;
  long r = descend(LEVELS, NULL);
  printf("deep: %d levels, at least %ld bytes of stack, result %ld\n", LEVELS,
         (long)LEVELS * 128, r);
  // Again: the segments come back from the cache.
  printf("deep: again, result %ld\n", descend(LEVELS, NULL));
  fflush(stdout);
  return NULL;
}

int main(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, deep, NULL) != 0)
    return 1;
  pthread_join(t, NULL);
  return 0;
}
