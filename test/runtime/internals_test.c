/* White-box tests of libweft's internal parts, linked with libweft.a so
 * that its hidden functions are in reach: the environment parser
 * (arch/env.c), the segment size classes (stack/segment.c), a worker's run
 * queue ring (sched/sched_internal.h) and the timer heap (sched/timer.c).
 * The program runs as libweft runs every program: main is a user thread.
 * Written in C, as the runtime's headers are C11 (_Atomic).
 *
 * Prints one line per failed check and "internals: N passed, M failed". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/env.h"
#include "sched/sched_internal.h"
#include "stack/segment.h"

static int passed, failed;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (cond) {                                                             \
      passed++;                                                             \
    } else {                                                                \
      failed++;                                                             \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                \
    }                                                                       \
  } while (0)

/* ---- the environment parser -------------------------------------------- */

/* Exit status of a child that reads `name`=`value` with `reader`; its stderr
 * goes to `msg` (first line). */
static int child_status(const char *name, const char *value, void (*reader)(const char *),
                        char *msg, size_t cap) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 2);
    setenv(name, value, 1);
    reader(name);
    _exit(0);
  }
  close(pipefd[1]);
  ssize_t n = read(pipefd[0], msg, cap - 1);
  msg[n > 0 ? n : 0] = 0;
  close(pipefd[0]);
  int st;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
static void read_size(const char *name) { (void)weft_env_size(name, 1, 1024, (size_t)1 << 30); }
static void read_flag(const char *name) { (void)weft_env_flag(name, 0); }
static void read_number(const char *name) { (void)weft_env_number(name, 1, 1, 64); }

static void env_parser(void) {
  const char *n = "WEFT_INTERNALS_TEST";
  unsetenv(n);
  CHECK(weft_env_size(n, 4096, 1024, (size_t)1 << 30) == 4096); /* unset: the default */
  setenv(n, "", 1);
  CHECK(weft_env_size(n, 4096, 1024, (size_t)1 << 30) == 4096); /* empty: the default */
  setenv(n, "2048", 1);
  CHECK(weft_env_size(n, 4096, 1024, (size_t)1 << 30) == 2048);
  setenv(n, "64k", 1);
  CHECK(weft_env_size(n, 4096, 1024, (size_t)1 << 30) == 65536);
  setenv(n, "3m", 1);
  CHECK(weft_env_size(n, 4096, 1024, (size_t)1 << 30) == 3u << 20);
  setenv(n, "1g", 1);
  CHECK(weft_env_size(n, 4096, 1024, (size_t)1 << 30) == (size_t)1 << 30);
  setenv(n, "7", 1);
  CHECK(weft_env_number(n, 1, 1, 64) == 7);
  setenv(n, "1", 1);
  CHECK(weft_env_flag(n, 0) == 1);
  setenv(n, "0", 1);
  CHECK(weft_env_flag(n, 1) == 0);
  unsetenv(n);

  /* Malformed or out of range: a message naming the variable, status 2. */
  static const char *bad_sizes[] = {"12x", "-5", " 64k", "64kk", "1023", "2g", "k", "0x10"};
  for (size_t i = 0; i < sizeof bad_sizes / sizeof *bad_sizes; i++) {
    char msg[512];
    int st = child_status(n, bad_sizes[i], read_size, msg, sizeof msg);
    CHECK(st == 2);
    CHECK(strstr(msg, "WEFT_INTERNALS_TEST=") != NULL);
  }
  char msg[512];
  CHECK(child_status(n, "yes", read_flag, msg, sizeof msg) == 2);
  CHECK(strstr(msg, "expected 0 or 1") != NULL);
  CHECK(child_status(n, "65", read_number, msg, sizeof msg) == 2);
  CHECK(child_status(n, "0", read_number, msg, sizeof msg) == 2);
  CHECK(child_status(n, "64", read_number, msg, sizeof msg) == 0);
}

/* ---- segment size classes ------------------------------------------------ */

static void segment_classes(void) {
  /* Sizes grow, two classes per octave, from 1 KiB. */
  CHECK(weft_seg_class_size(0) == 1024);
  for (int c = 1; c < WEFT_SEG_CLASSES; c++) {
    CHECK(weft_seg_class_size(c) > weft_seg_class_size(c - 1));
    if (c >= 2) CHECK(weft_seg_class_size(c) == 2 * weft_seg_class_size(c - 2));
  }
  /* The class of n bytes is the smallest that holds them. */
  size_t largest = weft_seg_class_size(WEFT_SEG_CLASSES - 1);
  for (size_t n = 1; n <= largest; n += n / 7 + 1) {
    int c = weft_seg_class(n);
    CHECK(c >= 0 && weft_seg_class_size(c) >= n && (c == 0 || weft_seg_class_size(c - 1) < n));
  }
  CHECK(weft_seg_class(largest) == WEFT_SEG_CLASSES - 1);
  CHECK(weft_seg_class(largest + 1) < 0);
}

/* ---- a worker's run queue ring ------------------------------------------- */

static void run_queue(void) {
  /* Aligned as the type asks (its ring counters have cache lines of their
   * own). */
  size_t size = (sizeof(struct weft_worker) + _Alignof(struct weft_worker) - 1) &
                ~(_Alignof(struct weft_worker) - 1);
  struct weft_worker *w = aligned_alloc(_Alignof(struct weft_worker), size);
  if (w) memset(w, 0, size);
  static struct weft_thread threads[WEFT_RQ_SIZE];
  CHECK(w && rq_len(w) == 0 && rq_pop(w) == NULL);
  /* FIFO, and the length after each push; the head and tail wrap around
   * the ring (start near the top of the 32-bit counters). */
  atomic_store(&w->head, UINT32_MAX - 10);
  atomic_store(&w->tail, UINT32_MAX - 10);
  for (int round = 0; round < 3; round++) {
    for (uint32_t i = 0; i < WEFT_RQ_SIZE - 1; i++) CHECK(rq_push(w, &threads[i]) == i + 1);
    CHECK(rq_len(w) == WEFT_RQ_SIZE - 1);
    for (uint32_t i = 0; i < WEFT_RQ_SIZE - 1; i++) CHECK(rq_pop(w) == &threads[i]);
    CHECK(rq_len(w) == 0 && rq_pop(w) == NULL);
  }
  free(w);
}

/* ---- the timer heap ------------------------------------------------------- */

/* Threads that are not waiting (wake_token 0): firing their timers wakes
 * nobody, so the heap's order alone is under test. */
enum { TIMERS = 1000 };
static struct weft_thread sleepers[TIMERS];
static int64_t want[TIMERS]; /* the deadline armed; 0 when not armed */

static int64_t earliest_wanted(void) {
  int64_t e = INT64_MAX;
  for (int i = 0; i < TIMERS; i++)
    if (want[i] && want[i] < e) e = want[i];
  return e;
}

static void timer_heap(void) {
  const int64_t base = (int64_t)1 << 60; /* far beyond any real timer */
  srand(7);
  for (int i = 0; i < TIMERS; i++) {
    sleepers[i].timer.index = -1;
    want[i] = base + 1 + rand() % 100000;
    weft_timer_arm(&sleepers[i].timer, &sleepers[i], want[i], 5);
  }
  CHECK(weft_timer_next() == earliest_wanted());
  /* Cancel every third; move every fifth earlier (the entry moves up). */
  for (int i = 0; i < TIMERS; i += 3) {
    weft_timer_cancel(&sleepers[i].timer);
    CHECK(sleepers[i].timer.index == -1);
    want[i] = 0;
  }
  for (int i = 1; i < TIMERS; i += 5) {
    if (!want[i]) continue; /* cancelled above */
    want[i] -= rand() % 1000 + 1;
    weft_timer_arm(&sleepers[i].timer, &sleepers[i], want[i], 5);
  }
  CHECK(weft_timer_next() == earliest_wanted());
  /* Fire in steps: whatever is due leaves, in any step, and the next
   * deadline is always the earliest left. */
  for (int64_t now = base; now <= base + 100000; now += 997) {
    weft_timer_fire(now);
    for (int i = 0; i < TIMERS; i++)
      if (want[i] && want[i] <= now) {
        CHECK(sleepers[i].timer.index == -1); /* left, woke nobody */
        want[i] = 0;
      }
    CHECK(weft_timer_next() == earliest_wanted());
  }
  weft_timer_fire(base + 200000);
  for (int i = 0; i < TIMERS; i++)
    if (want[i]) {
      CHECK(sleepers[i].timer.index == -1);
      want[i] = 0;
    }
  CHECK(weft_timer_next() == INT64_MAX || weft_timer_next() < base);
}

int main(void) {
  env_parser();
  segment_classes();
  run_queue();
  timer_heap();
  printf("internals: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
