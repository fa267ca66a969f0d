/* bench/sections: two threads, each moving units between random slots of
 * its own table inside an atomic section, N moves each; prints the wall
 * time in seconds and the CPU time the process used. How the sections lock is the mode:
 *
 *   disjoint  each thread's sections carry its table's lock id, written by
 *             hand as the plugin emits them (struct weft_section, passed
 *             to __weft_section_enter): the two threads share no id
 *   coarse    WEFT_ATOMIC as compiled without the plugin: the coarse lock
 *   conflict  both threads' sections carry one id (what the plugin emits
 *             for sections that may touch the same data)
 *   atomic    WEFT_ATOMIC around a move in a function of each table's own
 *             (the tables as two globals): built without the plugin it is
 *             coarse, built with it the plugin gives each its table's id
 *   mutex     no section: a pthread mutex per table, by hand
 *   none      no synchronisation at all (the cost of the moves alone)
 *
 * Built with -DSECTIONS_NPTL (no libweft) only `mutex` and `none` exist.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifndef SECTIONS_NPTL
#include "weft/weft.h"
#endif

#define SLOTS 4096

struct table {
  _Alignas(4096) long slot[SLOTS];
  pthread_mutex_t mutex;
};
static struct table tables[2];

enum mode { DISJOINT, COARSE, CONFLICT, MUTEX, NONE, ATOMIC };
static enum mode mode;
static long moves;

#ifndef SECTIONS_NPTL
/* Lock ids as the plugin derives them from stable names: any 32-bit values. */
static const unsigned id_table0[] = {0x2545f491u}, id_table1[] = {0x9e3779b9u};
static const struct weft_section own_table[2] = {
    {__FILE__, __LINE__, 1, id_table0},
    {__FILE__, __LINE__, 1, id_table1},
};
static const struct weft_section same_id = {__FILE__, __LINE__, 1, id_table0};
#endif

static inline unsigned next_rand(unsigned *x) {
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

static inline void move(struct table *t, unsigned r) {
  unsigned a = r % SLOTS, b = (r >> 12) % SLOTS;
  long n = (long)(r >> 24);
  t->slot[a] -= n;
  t->slot[b] += n;
}

#ifndef SECTIONS_NPTL
/* The same move with each table named as a global, so that the plugin can
 * tell the two threads' sections apart. */
static long atomic_table0[SLOTS], atomic_table1[SLOTS];
__attribute__((noinline)) static void atomic_moves0(long moves, unsigned rng) {
  for (long i = 0; i < moves; i++) {
    unsigned r = next_rand(&rng);
    unsigned a = r % SLOTS, b = (r >> 12) % SLOTS;
    long n = (long)(r >> 24);
    WEFT_ATOMIC {
      atomic_table0[a] -= n;
      atomic_table0[b] += n;
    }
  }
}
__attribute__((noinline)) static void atomic_moves1(long moves, unsigned rng) {
  for (long i = 0; i < moves; i++) {
    unsigned r = next_rand(&rng);
    unsigned a = r % SLOTS, b = (r >> 12) % SLOTS;
    long n = (long)(r >> 24);
    WEFT_ATOMIC {
      atomic_table1[a] -= n;
      atomic_table1[b] += n;
    }
  }
}
#endif

/* The movers start together once both run (see main). */
static _Atomic int ready;
static int single; /* one worker: wait by yielding */
static struct timespec t0;
static _Atomic int ran_on[2];

static void *dummy(void *arg) { return arg; }

static void *mover(void *arg) {
  int me = (int)(intptr_t)arg;
  struct table *t = &tables[me];
  unsigned rng = 0x12345678u + 977u * (unsigned)me;
  if (atomic_fetch_add(&ready, 1) == 1) clock_gettime(CLOCK_MONOTONIC, &t0);
  while (ready < 2) {
    if (single) sched_yield();
    else __builtin_ia32_pause();
  }
  switch (mode) {
#ifndef SECTIONS_NPTL
  case DISJOINT:
    for (long i = 0; i < moves; i++) {
      unsigned r = next_rand(&rng);
      struct weft_section_guard g = __weft_section_enter(&own_table[me]);
      move(t, r);
      __weft_section_leave(&g);
    }
    break;
  case CONFLICT:
    for (long i = 0; i < moves; i++) {
      unsigned r = next_rand(&rng);
      struct weft_section_guard g = __weft_section_enter(&same_id);
      move(t, r);
      __weft_section_leave(&g);
    }
    break;
  case COARSE:
    for (long i = 0; i < moves; i++) {
      unsigned r = next_rand(&rng);
      WEFT_ATOMIC { move(t, r); }
    }
    break;
  case ATOMIC:
    if (me == 0) atomic_moves0(moves, rng);
    else atomic_moves1(moves, rng);
    break;
#else
  case DISJOINT: case CONFLICT: case COARSE: case ATOMIC:
    break;
#endif
  case MUTEX:
    for (long i = 0; i < moves; i++) {
      unsigned r = next_rand(&rng);
      pthread_mutex_lock(&t->mutex);
      move(t, r);
      pthread_mutex_unlock(&t->mutex);
    }
    break;
  case NONE:
    for (long i = 0; i < moves; i++) {
      unsigned r = next_rand(&rng);
      move(t, r);
      __asm__ volatile("" ::: "memory"); /* keep the moves in the loop */
    }
    break;
  }
#ifndef SECTIONS_NPTL
  ran_on[me] = weft_current_worker();
#endif
  return 0;
}

int main(int argc, char **argv) {
  static const char *names[] = {"disjoint", "coarse", "conflict", "mutex", "none", "atomic"};
  if (argc != 3) {
    fprintf(stderr, "usage: %s disjoint|coarse|conflict|mutex|none|atomic MOVES\n", argv[0]);
    return 2;
  }
  int found = 0;
  for (int i = 0; i < 6; i++)
    if (!strcmp(argv[1], names[i])) mode = (enum mode)i, found = 1;
#ifdef SECTIONS_NPTL
  if (mode != MUTEX && mode != NONE) found = 0;
#endif
  if (!found) {
    fprintf(stderr, "%s: no mode %s\n", argv[0], argv[1]);
    return 2;
  }
  moves = atol(argv[2]);
  for (int i = 0; i < 2; i++) pthread_mutex_init(&tables[i].mutex, 0);
  /* Threads spawned together go to the spawner's worker, and another
   * worker takes from that ring only a backlog of more than 4 threads
   * (docs/runtime.md, "Work distribution"): two movers alone would run on
   * one worker. So six threads are spawned, movers first and fourth, four
   * that return at once between and after: the ring's backlog wakes the
   * idle worker, which takes the older half of the ring (the first three
   * spawned, or the three after the one the spawner's worker runs) and
   * runs its last, so the movers run on different workers. */
#ifdef SECTIONS_NPTL
  single = 0;
#else
  single = weft_workers() <= 1;
#endif
  pthread_t th[2], d[4];
  struct timespec t1;
  pthread_create(&th[0], 0, mover, (void *)(intptr_t)0);
  pthread_create(&d[0], 0, dummy, 0);
  pthread_create(&d[1], 0, dummy, 0);
  pthread_create(&th[1], 0, mover, (void *)(intptr_t)1);
  pthread_create(&d[2], 0, dummy, 0);
  pthread_create(&d[3], 0, dummy, 0);
  for (int i = 0; i < 2; i++) pthread_join(th[i], 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  for (int i = 0; i < 4; i++) pthread_join(d[i], 0);
  long sum = 0;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < SLOTS; j++) sum += tables[i].slot[j];
#ifndef SECTIONS_NPTL
  for (int j = 0; j < SLOTS; j++) sum += atomic_table0[j] + atomic_table1[j];
#endif
  if (sum != 0) {
    fprintf(stderr, "%s: units lost or made: total %ld\n", argv[0], sum);
    return 1;
  }
  /* The workers the movers ran on, for the script to check. */
  fprintf(stderr, "movers on workers %d %d\n", ran_on[0], ran_on[1]);
  /* Wall time of the moves, and the CPU time the whole process got (user
   * and system): how much of two CPUs the shared machine gave the run. */
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%.4f %.4f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
         (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
  return 0;
}
