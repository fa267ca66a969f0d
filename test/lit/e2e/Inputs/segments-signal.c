// Signal handlers that run while a thread is deep in recursion on one of
// its linked segments. The handler keeps a 256-byte buffer; libweft runs it
// on the worker's alternate signal stack with a stack limit of its own
// (segments-signal-altstack.c has a handler of several KiB that links
// segments). The thread must then go on and finish with the right results.
//
// 1. raise() at the bottom of a recursion 2,000 levels and about thirty
//    segments deep: the handler sees a stack limit other than the thread's.
// 2. A timer aimed at the thread's kernel thread (SIGPROF every 200 us)
//    while it recurses up and down until 1,000 have run: the signals land
//    anywhere, inside the checkpoints and inside __weft_call_on_new_segment
//    too. A count, not a duration, ends the loop, so a slow or loaded
//    machine takes longer but reaches the same state.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "weft/weft.h"
#include "segments-common.h"

enum { LEVELS = 2000 };

static volatile sig_atomic_t handled, handler_errors;
static volatile uintptr_t handler_limit; // weft_stack_limit() seen by the last handler

static void on_signal(int sig) {
  int saved = errno;
  volatile char big[256];
  memset((char *)big, sig, sizeof big);
  long sum = 0;
  for (size_t i = 0; i < sizeof big; i += 64)
    sum += big[i];
  // big[1] == sig, then levels n-1 .. 0 add n-1 ... 0 and the bottom adds
  // what the level above it left in buf[1], which is 1.
  if (sum != (long)sig * (long)(sizeof big / 64))
    handler_errors++;
  handler_limit = weft_stack_limit();
  handled++;
  errno = saved;
}

// At least 256 bytes of frame per level (the buffer escapes into the
// callee), so a 32 KiB linked segment holds about sixty levels.
static long descend(long n, volatile char *prev, int raise_at_bottom) {
  volatile char buf[256];
  memset((char *)buf, (int)(n & 0x7f), sizeof buf);
  buf[0] = prev ? prev[1] : 0;
  if (n == 0) {
    if (raise_at_bottom) {
      // raise() is an external call without a bound: its checkpoint runs
      // it on a segment of its own, one more, where the handler runs too.
      uintptr_t limit = weft_stack_limit();
      int before = handled;
      raise(SIGUSR1);
      if (handled != before + 1 || handler_limit == limit || weft_stack_limit() != limit)
        handler_errors++;
    }
    return 1;
  }
  long r = descend(n - 1, buf, raise_at_bottom) + 1;
  return r + (buf[5] != (char)(n & 0x7f));
}

static void *segments_thread(void *arg) {
  (void)arg;
  uintptr_t base_limit = weft_stack_limit();

  long r = descend(LEVELS, NULL, 1);
  printf("raise at depth %d: handler ran %d time(s) on a linked segment (%s), result %ld, "
         "%d errors\n",
         LEVELS, (int)handled, handler_limit != base_limit ? "yes" : "no", r, (int)handler_errors);

  timer_t timer;
  if (!start_thread_timer(&timer, 200000))
    return NULL;
  int before = handled;
  long rounds = 0, wrong = 0;
  double t0 = now_s();
  // The time cap only turns a broken runtime into a failed check.
  while (handled - before < 1000 && now_s() - t0 < 60) {
    if (descend(LEVELS, NULL, 0) != LEVELS + 1)
      wrong++;
    rounds++;
  }
  stop_thread_timer(timer);
  printf("timer: %s 1000 signals handled during %ld rounds, %ld wrong results, %d handler "
         "errors, limit %s\n",
         handled - before >= 1000 ? "at least" : "fewer than", rounds, wrong, (int)handler_errors,
         weft_stack_limit() == base_limit ? "restored" : "WRONG");
  fflush(stdout);
  return NULL;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGPROF, &sa, NULL);
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, 16384);
  pthread_t t;
  if (pthread_create(&t, &a, segments_thread, NULL) != 0)
    return 1;
  pthread_join(t, NULL);
  return 0;
}
