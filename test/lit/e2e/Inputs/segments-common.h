// What the segment tests (segments-*.c and others on linked segments)
// share: a clock, a timer that sends SIGPROF to the calling kernel thread,
// and a thread with a small first segment.
#ifndef SEGMENTS_COMMON_H
#define SEGMENTS_COMMON_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// SIGPROF to this kernel thread every period_ns; 0 (with a message) if the
// timer cannot be made.
static inline int start_thread_timer(timer_t *timer, long period_ns) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGPROF;
  ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &ev, timer) != 0) {
    perror("timer_create");
    return 0;
  }
  struct itimerspec its = {{0, period_ns}, {0, period_ns}};
  timer_settime(*timer, 0, &its, NULL);
  return 1;
}

static inline void stop_thread_timer(timer_t timer) {
  struct itimerspec off = {{0, 0}, {0, 0}};
  timer_settime(timer, 0, &off, NULL);
  timer_delete(timer);
}

// Runs fn(arg) in a pthread with a stack of `stack` bytes (a user thread
// on libweft, whose first segment is then that small) and waits for it;
// 1 if the thread cannot be made.
static inline int run_in_thread(void *(*fn)(void *), void *arg, size_t stack) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, stack);
  pthread_t t;
  int r = pthread_create(&t, &a, fn, arg);
  pthread_attr_destroy(&a);
  if (r != 0)
    return 1;
  pthread_join(t, NULL);
  return 0;
}

#endif
