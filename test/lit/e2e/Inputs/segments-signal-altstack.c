// Signal handlers with a large frame that recurse through linked segments
// themselves, while user threads recurse up and down their own linked
// segments. libweft runs the handlers on the worker's alternate signal
// stack, with the stack limit set for that stack, so the handler's
// segments never touch the interrupted thread's segments or the worker's
// segment cache.
//
// THREADS user threads each aim a timer (SIGPROF every 200 us) at the
// kernel thread they start on and recurse LEVELS deep (256 bytes a level)
// until SIGNALS handlers have run. The handler keeps a 4 KiB buffer a
// level, HANDLER_LEVELS deep (more than the worker's 256 KiB alternate
// stack holds, so it crosses into mappings of its own), and checks that it
// started on the alternate stack (sigaltstack reports SS_ONSTACK, a local
// lies in the reported range, the stack limit lies in it too) and that no
// buffer changed under it.
//
// The count is bounded by construction, not by the machine's speed: the
// handler that brings the count to SIGNALS disarms every timer, so however
// slow the handlers are next to the timer's period, at most SIGNALS (plus
// one pending per timer) run, and the threads then finish their round.
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

// A system call wrapper: without a bound its checkpoint would run it on a
// large segment of its own, which is not the alternate stack.
int sigaltstack(const stack_t *restrict ss, stack_t *restrict old) WEFT_STACK_BOUND(256);

enum { LEVELS = 2000, THREADS = 2, HANDLER_LEVELS = 80, HANDLER_FRAME = 4096, SIGNALS = 2000 };

static _Atomic long handled, handler_errors, not_on_altstack;
static timer_t timers[THREADS];
static _Atomic int armed[THREADS];

// Async-signal-safe: timer_settime is on POSIX's list.
static void disarm_all(void) {
  struct itimerspec off = {{0, 0}, {0, 0}};
  for (int i = 0; i < THREADS; i++)
    if (armed[i])
      timer_settime(timers[i], 0, &off, NULL);
}

static long handler_descend(int n) {
  volatile char big[HANDLER_FRAME];
  memset((char *)big, n + 1, sizeof big);
  long below = n ? handler_descend(n - 1) : 0;
  long sum = 0;
  for (size_t i = 0; i < sizeof big; i += 64)
    sum += big[i];
  if (sum != (long)(n + 1) * (long)(sizeof big / 64))
    handler_errors++;
  return below + 1;
}

static void on_signal(int sig) {
  (void)sig;
  int saved = errno;
  stack_t ss;
  char here;
  uintptr_t limit = weft_stack_limit();
  if (sigaltstack(NULL, &ss) != 0 || !(ss.ss_flags & SS_ONSTACK) ||
      &here < (char *)ss.ss_sp || &here >= (char *)ss.ss_sp + ss.ss_size ||
      limit <= (uintptr_t)ss.ss_sp || limit >= (uintptr_t)ss.ss_sp + ss.ss_size)
    not_on_altstack++;
  if (handler_descend(HANDLER_LEVELS) != HANDLER_LEVELS + 1)
    handler_errors++;
  if (weft_stack_limit() != limit)
    handler_errors++;
  if (++handled == SIGNALS)
    disarm_all();
  errno = saved;
}

// At least 256 bytes of frame per level (the buffer escapes into the
// callee); the result is LEVELS + 1 unless a buffer changed under it.
static long descend(long n, volatile char *prev) {
  volatile char buf[256];
  memset((char *)buf, (int)(n & 0x7f), sizeof buf);
  buf[0] = prev ? prev[1] : 0;
  if (n == 0)
    return 1;
  long r = descend(n - 1, buf) + 1;
  return r + (buf[5] != (char)(n & 0x7f));
}

static long wrong_total, rounds_total, limit_wrong;
static pthread_mutex_t totals = PTHREAD_MUTEX_INITIALIZER;

static void *recursing_thread(void *arg) {
  int me = (int)(intptr_t)arg;
  uintptr_t base_limit = weft_stack_limit();
  if (!start_thread_timer(&timers[me], 200000))
    return NULL;
  armed[me] = 1;
  long rounds = 0, wrong = 0;
  double t0 = now_s();
  // The time cap only turns a broken runtime into a failed check instead
  // of a hang; a working one ends by the count.
  while (handled < SIGNALS && now_s() - t0 < 60) {
    if (descend(LEVELS, NULL) != LEVELS + 1)
      wrong++;
    rounds++;
  }
  armed[me] = 0;
  stop_thread_timer(timers[me]);
  pthread_mutex_lock(&totals);
  wrong_total += wrong;
  rounds_total += rounds;
  limit_wrong += weft_stack_limit() != base_limit;
  pthread_mutex_unlock(&totals);
  return NULL;
}

// Lines of /proc/self/maps: the handlers' overflow stacks are kept, one
// per kernel thread, so 2,000 handlers leave only a few new mappings.
static int mappings(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f)
    return -1;
  int n = 0, c;
  while ((c = getc(f)) != EOF)
    n += c == '\n';
  fclose(f);
  return n;
}

int main(void) {
  int maps_before = mappings();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGPROF, &sa, NULL);
  struct sigaction old;
  sigaction(SIGPROF, NULL, &old);
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, 16384);
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++)
    if (pthread_create(&t[i], &a, recursing_thread, (void *)(intptr_t)i) != 0)
      return 1;
  for (int i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  printf("flags reported: SA_RESTART %s, SA_ONSTACK %s\n", old.sa_flags & SA_RESTART ? "yes" : "no",
         old.sa_flags & SA_ONSTACK ? "yes" : "no");
  printf("timer: %s %d signals handled during %ld rounds, %ld wrong results, %ld handler "
         "errors, %ld handlers not on the alternate stack, %ld limits wrong\n",
         handled >= SIGNALS ? "at least" : "fewer than", SIGNALS, rounds_total, wrong_total,
         (long)handler_errors, (long)not_on_altstack, limit_wrong);
  int grew = mappings() - maps_before;
  printf("mappings: %s\n", maps_before > 0 && grew <= 16 ? "bounded" : "grew");
  return 0;
}
