/* sync: mutex, condition variable, semaphore, rwlock, barrier, once.
 *
 * Each object is plain memory laid out to fit (and, for the mutex, to keep
 * the `kind` field where glibc's static initialisers put it) in the
 * matching pthread type, so the pthread layer uses these directly. All-zero
 * memory is a valid unlocked/empty object. Waiting user threads queue on a
 * circular list of waiters (weft_waiter, on the waiter's stack) guarded by
 * a per-object spinlock; uncontended operations are one atomic instruction
 * and never enter the kernel. Kernel threads that weft does not own (code
 * running before main, or the runtime's own helpers) cannot park: they spin
 * and yield the CPU instead, and a condition wait returns spuriously after
 * a millisecond, which POSIX allows.
 */
#define _GNU_SOURCE
#include "sync/sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(sizeof(struct weft_mutex_impl) <= sizeof(weft_mutex_t), "mutex");
_Static_assert(offsetof(struct weft_mutex_impl, kind) == 16, "glibc puts the kind at 16");
_Static_assert(sizeof(struct weft_cond_impl) <= sizeof(weft_cond_t), "cond");
_Static_assert(sizeof(struct weft_rwlock_impl) <= sizeof(weft_rwlock_t), "rwlock");
_Static_assert(sizeof(struct weft_sem_impl) <= sizeof(weft_sem_t), "sem");
_Static_assert(sizeof(struct weft_barrier_impl) <= sizeof(weft_barrier_t), "barrier");

/* ---- circular waiter lists (tail pointer; tail->next is the head) ----- */

static void cq_push(struct weft_waiter **tail, struct weft_waiter *w) {
  if (!*tail) {
    w->next = w;
  } else {
    w->next = (*tail)->next;
    (*tail)->next = w;
  }
  *tail = w;
}

static struct weft_waiter *cq_pop(struct weft_waiter **tail) {
  struct weft_waiter *t = *tail;
  if (!t) return 0;
  struct weft_waiter *h = t->next;
  if (h == t) *tail = 0; else t->next = h->next;
  h->next = 0;
  return h;
}

static void cq_remove(struct weft_waiter **tail, struct weft_waiter *w) {
  struct weft_waiter *t = *tail;
  if (!t) return;
  struct weft_waiter *p = t;
  do {
    if (p->next == w) {
      if (w == p) { *tail = 0; return; }
      p->next = w->next;
      if (*tail == w) *tail = p;
      return;
    }
    p = p->next;
  } while (p != t);
}

/* Pop waiters until one is really woken (a timed-out one is skipped). */
static struct weft_waiter *wake_one(struct weft_waiter **tail, int result) {
  struct weft_waiter *w;
  while ((w = cq_pop(tail))) {
    w->result = result;
    if (weft_wake(w->thread, w->gen)) return w;
  }
  return 0;
}

/* Queue the caller on `tail` (lock held), release the lock, park until woken
 * or the deadline. Returns 0 or ETIMEDOUT; on timeout the waiter is off the
 * queue. */
static int wait_on(weft_spinlock *lock, struct weft_waiter **tail, int kind, int64_t deadline,
                   struct weft_waiter *w) {
  struct weft_thread *self = weft_current();
  w->thread = self;
  w->result = -1;
  w->gen = weft_arm_for(self, kind);
  cq_push(tail, w);
  weft_spin_unlock(lock);
  int r = weft_park_until(kind, deadline, w->gen);
  if (r == ETIMEDOUT) {
    weft_spin_lock(lock);
    if (w->result == -1) {
      cq_remove(tail, w);
    } else {
      r = 0; /* woken (and granted) just as the deadline passed */
    }
    weft_spin_unlock(lock);
  }
  return r;
}

static void external_pause(void) {
  struct timespec ts = {0, 50000};
  (void)syscall(SYS_nanosleep, &ts, 0); /* a pause: cut short by a signal is as good */
}

static void *self_tag(void) {
  struct weft_thread *t = weft_current();
  if (t) return t;
  /* Kernel threads weft does not own are told apart by a TLS address. */
  static WEFT_TLS char tag;
  return &tag;
}

/* ---- mutex ------------------------------------------------------------- */

int weft_mutex_impl_lock(struct weft_mutex_impl *m, int64_t deadline, int try_only) {
  void *me = self_tag();
  unsigned zero = 0;
  if (WEFT_LIKELY(atomic_compare_exchange_strong_explicit(&m->state, &zero, 1, memory_order_acquire,
                                                          memory_order_relaxed))) {
    m->owner = me;
    return 0;
  }
  int kind = m->kind & 3;
  if (kind != WEFT_MUTEX_NORMAL && kind != WEFT_MUTEX_ADAPTIVE && m->owner == me) {
    if (kind == WEFT_MUTEX_ERRORCHECK) return EDEADLK;
    if (m->count == UINT32_MAX) return EAGAIN;
    m->count++;
    return 0;
  }
  if (try_only) return EBUSY;
  struct weft_thread *self = weft_current();
  if (!self) {
    for (;;) {
      zero = 0;
      if (atomic_compare_exchange_strong(&m->state, &zero, 1)) break;
      if (deadline >= 0 && weft_now_ns() >= deadline) return ETIMEDOUT;
      external_pause();
    }
    m->owner = me;
    return 0;
  }
  for (unsigned spins = 0; spins < 64; spins++) {
    weft_cpu_relax();
    zero = 0;
    if (atomic_load_explicit(&m->state, memory_order_relaxed) == 0 &&
        atomic_compare_exchange_strong(&m->state, &zero, 1)) {
      m->owner = me;
      return 0;
    }
  }
  for (;;) {
    weft_spin_lock(&m->qlock);
    if (atomic_exchange_explicit(&m->state, 2, memory_order_acquire) == 0) {
      weft_spin_unlock(&m->qlock);
      break;
    }
    struct weft_waiter w;
    if (wait_on(&m->qlock, &m->waiters, WEFT_BLOCK_MUTEX, deadline, &w) == ETIMEDOUT)
      return ETIMEDOUT;
  }
  m->owner = weft_current();
  return 0;
}

int weft_mutex_impl_unlock(struct weft_mutex_impl *m) {
  int kind = m->kind & 3;
  if (kind == WEFT_MUTEX_RECURSIVE || kind == WEFT_MUTEX_ERRORCHECK) {
    if (m->owner != self_tag() || atomic_load(&m->state) == 0) return EPERM;
    if (m->count) {
      m->count--;
      return 0;
    }
  }
  m->owner = 0;
  if (atomic_exchange_explicit(&m->state, 0, memory_order_release) == 2) {
    weft_spin_lock(&m->qlock);
    wake_one(&m->waiters, 0);
    weft_spin_unlock(&m->qlock);
  }
  return 0;
}

int weft_mutex_init(weft_mutex_t *m) {
  memset(m, 0, sizeof *m);
  return 0;
}
int weft_mutex_lock(weft_mutex_t *m) { return weft_mutex_impl_lock(MUTEX(m), -1, 0); }
int weft_mutex_trylock(weft_mutex_t *m) { return weft_mutex_impl_lock(MUTEX(m), -1, 1); }
int weft_mutex_timedlock(weft_mutex_t *m, int64_t deadline) {
  return weft_mutex_impl_lock(MUTEX(m), deadline < 0 ? 0 : deadline, 0);
}
int weft_mutex_unlock(weft_mutex_t *m) { return weft_mutex_impl_unlock(MUTEX(m)); }

/* ---- condition variable --------------------------------------------- */

int weft_cond_impl_wait(struct weft_cond_impl *c, struct weft_mutex_impl *m, int64_t deadline) {
  struct weft_thread *self = weft_current();
  if (!self) {
    weft_mutex_impl_unlock(m);
    external_pause();
    weft_mutex_impl_lock(m, -1, 0);
    return deadline >= 0 && weft_now_ns() >= deadline ? ETIMEDOUT : 0;
  }
  /* A recursive mutex is released completely and restored after. */
  uint32_t count = m->count;
  m->count = 0;
  struct weft_waiter w;
  weft_spin_lock(&c->qlock);
  w.thread = self;
  w.result = -1;
  w.gen = weft_arm_for(self, WEFT_BLOCK_COND);
  cq_push(&c->waiters, &w);
  weft_spin_unlock(&c->qlock);
  weft_mutex_impl_unlock(m);
  int r = weft_park_until(WEFT_BLOCK_COND, deadline, w.gen);
  if (r == ETIMEDOUT) {
    weft_spin_lock(&c->qlock);
    if (w.result == -1) cq_remove(&c->waiters, &w); else r = 0;
    weft_spin_unlock(&c->qlock);
  }
  weft_mutex_impl_lock(m, -1, 0);
  m->count = count;
  return r;
}

int weft_cond_impl_signal(struct weft_cond_impl *c, int all) {
  weft_spin_lock(&c->qlock);
  if (all) {
    while (wake_one(&c->waiters, 0)) {
    }
  } else {
    wake_one(&c->waiters, 0);
  }
  weft_spin_unlock(&c->qlock);
  return 0;
}

int weft_cond_init(weft_cond_t *c) {
  memset(c, 0, sizeof *c);
  return 0;
}
int weft_cond_wait(weft_cond_t *c, weft_mutex_t *m) { return weft_cond_impl_wait(COND(c), MUTEX(m), -1); }
int weft_cond_timedwait(weft_cond_t *c, weft_mutex_t *m, int64_t deadline) {
  return weft_cond_impl_wait(COND(c), MUTEX(m), deadline < 0 ? 0 : deadline);
}
int weft_cond_signal(weft_cond_t *c) { return weft_cond_impl_signal(COND(c), 0); }
int weft_cond_broadcast(weft_cond_t *c) { return weft_cond_impl_signal(COND(c), 1); }

/* ---- semaphore --------------------------------------------------------- */

int weft_sem_impl_wait(struct weft_sem_impl *s, int64_t deadline, int try_only) {
  for (;;) {
    unsigned v = atomic_load_explicit(&s->value, memory_order_relaxed);
    if (v == 0) break;
    if (atomic_compare_exchange_weak_explicit(&s->value, &v, v - 1, memory_order_acquire,
                                              memory_order_relaxed))
      return 0;
  }
  if (try_only) return EAGAIN;
  if (!weft_current()) {
    for (;;) {
      unsigned v = atomic_load(&s->value);
      if (v && atomic_compare_exchange_weak(&s->value, &v, v - 1)) return 0;
      if (deadline >= 0 && weft_now_ns() >= deadline) return ETIMEDOUT;
      external_pause();
    }
  }
  weft_spin_lock(&s->qlock);
  for (;;) {
    unsigned v = atomic_load(&s->value);
    if (v == 0) break;
    if (atomic_compare_exchange_weak(&s->value, &v, v - 1)) {
      weft_spin_unlock(&s->qlock);
      return 0;
    }
  }
  struct weft_waiter w;
  return wait_on(&s->qlock, &s->waiters, WEFT_BLOCK_SEMAPHORE, deadline, &w);
  /* woken: the poster handed its unit to us */
}

int weft_sem_impl_post(struct weft_sem_impl *s) {
  weft_spin_lock(&s->qlock);
  if (!wake_one(&s->waiters, 0)) atomic_fetch_add_explicit(&s->value, 1, memory_order_release);
  weft_spin_unlock(&s->qlock);
  return 0;
}

int weft_sem_init(weft_sem_t *s, unsigned value) {
  memset(s, 0, sizeof *s);
  atomic_store(&SEM(s)->value, value);
  return 0;
}
int weft_sem_wait(weft_sem_t *s) { return weft_sem_impl_wait(SEM(s), -1, 0); }
int weft_sem_trywait(weft_sem_t *s) { return weft_sem_impl_wait(SEM(s), -1, 1); }
int weft_sem_timedwait(weft_sem_t *s, int64_t deadline) {
  return weft_sem_impl_wait(SEM(s), deadline < 0 ? 0 : deadline, 0);
}
int weft_sem_post(weft_sem_t *s) { return weft_sem_impl_post(SEM(s)); }
unsigned weft_sem_value(weft_sem_t *s) { return atomic_load(&SEM(s)->value); }

/* ---- rwlock (writers preferred; the unlocker hands the lock over) ---- */

int weft_rwlock_impl_lock(struct weft_rwlock_impl *l, int write, int64_t deadline, int try_only) {
  struct weft_thread *self = weft_current();
  for (;;) {
    weft_spin_lock(&l->qlock);
    if (write ? l->readers == 0 : (l->readers >= 0 && l->writers_waiting == 0)) {
      if (write) l->readers = -1; else l->readers++;
      weft_spin_unlock(&l->qlock);
      return 0;
    }
    if (try_only) {
      weft_spin_unlock(&l->qlock);
      return EBUSY;
    }
    if (!self) {
      weft_spin_unlock(&l->qlock);
      if (deadline >= 0 && weft_now_ns() >= deadline) return ETIMEDOUT;
      external_pause();
      continue;
    }
    struct weft_waiter w;
    if (write) l->writers_waiting++;
    int r = wait_on(&l->qlock, write ? &l->writers : &l->readers_q, WEFT_BLOCK_RWLOCK, deadline, &w);
    if (r == ETIMEDOUT) {
      if (write) {
        weft_spin_lock(&l->qlock);
        l->writers_waiting--;
        /* Readers held back for us may go now. */
        if (l->readers >= 0 && l->writers_waiting == 0)
          while (wake_one(&l->readers_q, 0)) l->readers++;
        weft_spin_unlock(&l->qlock);
      }
      return ETIMEDOUT;
    }
    return 0; /* granted by the unlocker */
  }
}

int weft_rwlock_impl_unlock(struct weft_rwlock_impl *l) {
  weft_spin_lock(&l->qlock);
  if (l->readers == -1) l->readers = 0;
  else if (l->readers > 0) l->readers--;
  else {
    weft_spin_unlock(&l->qlock);
    return EPERM;
  }
  if (l->readers == 0) {
    if (l->writers && wake_one(&l->writers, 0)) {
      l->writers_waiting--;
      l->readers = -1;
    } else if (l->writers_waiting == 0 || !l->writers) {
      while (wake_one(&l->readers_q, 0)) l->readers++;
    }
  }
  weft_spin_unlock(&l->qlock);
  return 0;
}

int weft_rwlock_rdlock(weft_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 0, -1, 0); }
int weft_rwlock_wrlock(weft_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 1, -1, 0); }
int weft_rwlock_tryrdlock(weft_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 0, -1, 1); }
int weft_rwlock_trywrlock(weft_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 1, -1, 1); }
int weft_rwlock_unlock(weft_rwlock_t *l) { return weft_rwlock_impl_unlock(RWLOCK(l)); }

/* ---- barrier ------------------------------------------------------------ */

int weft_barrier_init(weft_barrier_t *b, unsigned count) {
  if (count == 0) return EINVAL;
  memset(b, 0, sizeof *b);
  BARRIER(b)->needed = count;
  return 0;
}

int weft_barrier_wait(weft_barrier_t *bp) {
  struct weft_barrier_impl *b = BARRIER(bp);
  weft_spin_lock(&b->qlock);
  unsigned gen = b->generation;
  if (++b->arrived == b->needed) {
    b->arrived = 0;
    b->generation++;
    while (wake_one(&b->waiters, 0)) {
    }
    weft_spin_unlock(&b->qlock);
    return 1;
  }
  if (!weft_current()) {
    weft_spin_unlock(&b->qlock);
    while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen) external_pause();
    return 0;
  }
  struct weft_waiter w;
  wait_on(&b->qlock, &b->waiters, WEFT_BLOCK_BARRIER, -1, &w);
  return 0;
}

/* ---- once --------------------------------------------------------------- */

static void once_abandoned(_Atomic int **state) {
  /* fn unwound (a C++ exception): let the next caller try again. */
  if (*state) atomic_store(*state, 0);
}

int weft_once_impl(_Atomic int *state, void (*fn)(void)) {
  if (WEFT_LIKELY(atomic_load_explicit(state, memory_order_acquire) == 2)) return 0;
  for (;;) {
    int zero = 0;
    if (atomic_compare_exchange_strong(state, &zero, 1)) {
      _Atomic int *guard __attribute__((cleanup(once_abandoned))) = state;
      fn();
      guard = 0;
      atomic_store_explicit(state, 2, memory_order_release);
      return 0;
    }
    if (atomic_load_explicit(state, memory_order_acquire) == 2) return 0;
    if (weft_current()) weft_sleep(20000); else external_pause();
  }
}
int weft_once(weft_once_t *once, void (*fn)(void)) {
  return weft_once_impl((_Atomic int *)&once->state, fn);
}
