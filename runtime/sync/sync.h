/* sync: the layouts of the synchronisation objects, shared with the
 * pthread layer. See sync.c. */
#ifndef WEFT_SYNC_SYNC_H
#define WEFT_SYNC_SYNC_H

#include <stddef.h>

#include "sched/sched.h"

enum { WEFT_MUTEX_NORMAL, WEFT_MUTEX_RECURSIVE, WEFT_MUTEX_ERRORCHECK, WEFT_MUTEX_ADAPTIVE };

struct weft_mutex_impl {
  _Atomic unsigned state;        /* 0 free, 1 held, 2 held and maybe waited for */
  uint32_t count;                /* recursion depth beyond the first */
  weft_spinlock qlock;
  uint32_t unused1;
  int kind;                      /* offset 16, as glibc's initialisers write it */
  uint32_t unused2;
  void *owner;
  struct weft_waiter *waiters;
};
struct weft_cond_impl {
  weft_spinlock qlock;
  int clock;                     /* CLOCK_REALTIME or CLOCK_MONOTONIC for timed waits */
  struct weft_waiter *waiters;
};
struct weft_rwlock_impl {
  weft_spinlock qlock;
  int readers;                   /* -1: a writer holds it */
  unsigned writers_waiting;
  struct weft_waiter *readers_q, *writers;
};
struct weft_sem_impl {
  _Atomic unsigned value;
  weft_spinlock qlock;
  struct weft_waiter *waiters;
};
struct weft_barrier_impl {
  weft_spinlock qlock;
  unsigned needed, arrived, generation;
  struct weft_waiter *waiters;
};

#define MUTEX(p) ((struct weft_mutex_impl *)(void *)(p))
#define COND(p) ((struct weft_cond_impl *)(void *)(p))
#define RWLOCK(p) ((struct weft_rwlock_impl *)(void *)(p))
#define SEM(p) ((struct weft_sem_impl *)(void *)(p))
#define BARRIER(p) ((struct weft_barrier_impl *)(void *)(p))

/* deadline: CLOCK_MONOTONIC ns, or -1 for none. */
int weft_mutex_impl_lock(struct weft_mutex_impl *m, int64_t deadline, int try_only) WEFT_HIDDEN;
int weft_mutex_impl_unlock(struct weft_mutex_impl *m) WEFT_HIDDEN;
int weft_cond_impl_wait(struct weft_cond_impl *c, struct weft_mutex_impl *m, int64_t deadline) WEFT_HIDDEN;
int weft_cond_impl_signal(struct weft_cond_impl *c, int all) WEFT_HIDDEN;
int weft_sem_impl_wait(struct weft_sem_impl *s, int64_t deadline, int try_only) WEFT_HIDDEN;
int weft_sem_impl_post(struct weft_sem_impl *s) WEFT_HIDDEN;
int weft_rwlock_impl_lock(struct weft_rwlock_impl *l, int write, int64_t deadline, int try_only) WEFT_HIDDEN;
int weft_rwlock_impl_unlock(struct weft_rwlock_impl *l) WEFT_HIDDEN;
int weft_once_impl(_Atomic int *state, void (*fn)(void)) WEFT_HIDDEN;

#endif
