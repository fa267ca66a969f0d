/* sched: the scheduler.
 *
 * weft runs user threads on N workers (kernel threads; WEFT_WORKERS, by
 * default one per core). Scheduling is cooperative: a user thread runs
 * until it reaches a blocking point (weft_park) or yields.
 *
 * Each worker owns a run queue: a ring of WEFT_RQ_SIZE thread pointers that
 * only its owner pushes to, and that the owner pops and other workers steal
 * half of with a compare-and-swap on `head`. A full ring spills half of
 * itself into the global queue (a locked list, also used by kernel threads
 * weft does not own). Threads the scheduling policy favours go to the
 * waking worker's priority list, which it serves before its ring (except
 * every 16th pick, so the others are not starved) and which idle workers
 * steal from too.
 *
 * Switches go directly from one user thread to the next in the local ring
 * (no detour through the scheduler), so a yield or a hand-off costs one
 * fcontext jump. Each worker also has a scheduler context ("g0") on its
 * kernel stack: a thread whose worker has nothing local jumps to g0, which
 * fires timers, polls descriptors, takes work from the global queue, steals,
 * and finally sleeps. Every 64th switch goes through g0 too, so the global
 * queue, timers and descriptors cannot be starved by two threads that
 * yield to each other.
 *
 * The switch protocol. A jump passes a message {prev, action} that the
 * landing context handles on its own stack ("after_switch"): it saves
 * prev's context, then either marks it resumable (park), queues it (yield)
 * or finishes it (exit: wake the joiner or free the segment). Because a
 * thread may be woken (made runnable) before it has finished parking, a
 * worker that picks a thread waits for its `ctx_ready` before jumping;
 * that window is a few instructions long. Wake-ups carry the generation
 * the waiter armed, so a timeout and a signal never wake a thread twice.
 * A thread that exits when the next one to run has never run does not
 * jump at all: nothing of it needs saving and the new one needs no frame
 * to resume, so its stack pointer is set and it starts (exit_to_fresh).
 *
 * Idle workers sleep in the kernel: one of them (the poller) in
 * epoll_pwait2 with the next timer's deadline, the others in futex_wait.
 * A worker that makes a thread runnable wakes an idle one when its ring's
 * backlog passes WAKE_BACKLOG threads, or when the thread went to a global
 * queue; a lone hand-off (signal then wait) therefore makes no system call.
 * Other workers take from a ring only a backlog STEAL_AGE (50 us) old: a
 * thread that spawns a batch and joins it runs the batch on its own worker,
 * in its caches, when that takes less time, and gets help when it takes
 * more. A worker that went idle while some ring had a backlog lingers: it
 * sleeps with a timeout and looks again (every STEAL_AGE, for LINGER_NS),
 * and while one lingers a new backlog wakes nobody.
 *
 * On each switch the canary of the thread being left is checked (see
 * stack/segment.c), errno is saved and restored (it lives in the kernel
 * thread's TLS), and the stack limit (%fs:0x70) is set for the thread coming in.
 * The FPU control words move only if either thread has its own
 * (sched/fpu.c): most switches use weft_context_jump_shared.
 * Both use the segment the thread runs on now (cur_lo): its base segment,
 * or the linked segment __weft_call_on_new_segment put it on.
 */
#define _GNU_SOURCE
#include "sched/sched.h"
#include "stack/needs.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum { ACT_NONE, ACT_PARK, ACT_READY, ACT_EXIT };
/* ctx_ready: 0 while the context is running or being saved, CTX_SAVED once
 * it may be resumed, CTX_FRESH for a thread that never ran (it has no
 * context yet). */
enum { CTX_SAVED = 1, CTX_FRESH = 2 };

/* A worker wakes an idle one when its own queue holds more than this many
 * threads besides the one it will run next. */
#ifndef WAKE_BACKLOG
#define WAKE_BACKLOG 4
#endif
/* Other workers take from a ring only a backlog at least this old (ns): a
 * thread that spawns a batch and joins it runs the batch itself, in its
 * caches, unless the batch takes longer than this. An idle worker that saw
 * a backlog looks again every STEAL_AGE for LINGER_NS before it sleeps
 * until woken, so a worker with a new backlog wakes nobody while one of
 * them lingers. */
#ifndef STEAL_AGE
#define STEAL_AGE 50000
#endif
#ifndef LINGER_NS
#define LINGER_NS 2000000
#endif

static WEFT_TLS struct weft_worker *tls_worker;

struct queue {
  weft_spinlock lock;
  struct weft_thread *head, *tail;
  _Atomic long count;
};

static struct {
  unsigned nworkers;
  struct weft_worker *workers;
  struct queue global, prio;
  _Atomic int started;
  _Atomic int nidle;
  _Atomic int nspinning; /* woken workers still looking for work */
  _Atomic int nlinger;   /* idle workers that look again every STEAL_AGE */
  _Atomic int poller_taken;
  _Atomic uint64_t next_id;
  _Atomic uint64_t spawned, exited; /* by kernel threads weft does not own */
  const struct weft_policy *_Atomic policy;
  size_t default_stack;
  int default_class;
  weft_spinlock all_lock;
  struct weft_thread *all_head;
  weft_spinlock start_lock;
  /* Join and detach requests of kernel threads that are no workers, when
   * there is one worker (see "threads" below). */
  weft_spinlock ext_lock;
  struct ext_claim *ext_head;
  _Atomic int ext_count;
} rt;

/* Read by the gdb extension: the threads spawned by each worker, and by
 * kernel threads weft does not own. */
struct weft_thread **weft_gdb_all_threads = &rt.all_head;
struct weft_worker **weft_gdb_workers = &rt.workers;
unsigned *weft_gdb_nworkers = &rt.nworkers;

void (*weft_poll_hook)(int64_t) = 0;
void (*weft_poll_kick_hook)(void) = 0;
void (*weft_exit_hook)(struct weft_thread *) = 0;
void (*weft_main_hook)(struct weft_thread *) = 0;
int (*weft_real_pthread_create)(void *, const void *, void *(*)(void *), void *);

/* ---- small helpers ---------------------------------------------------- */

__attribute__((noinline)) struct weft_worker *weft_cur_worker(void) {
  __asm__ __volatile__("" ::: "memory");
  return tls_worker;
}
__attribute__((noinline)) struct weft_thread *weft_current(void) {
  __asm__ __volatile__("" ::: "memory");
  struct weft_worker *w = tls_worker;
  return w ? w->current : 0;
}
__attribute__((noinline)) int weft_get_errno(void) {
  __asm__ __volatile__("" ::: "memory");
  return errno;
}
__attribute__((noinline)) void weft_set_errno(int e) {
  __asm__ __volatile__("" ::: "memory");
  errno = e;
}

void weft_fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  weft_vsay(fmt, ap);
  va_end(ap);
  void *frames[32];
  int nf = backtrace(frames, 32);
  backtrace_symbols_fd(frames, nf, 2);
  abort();
}

static void stat_inc(_Atomic uint64_t *c) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                        memory_order_relaxed);
}
static void stat_add(_Atomic int64_t *c, int64_t d) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
                        memory_order_relaxed);
}

/* ---- queues ----------------------------------------------------------- */

static void queue_push(struct queue *q, struct weft_thread *t) {
  t->rq_next = 0;
  weft_spin_lock(&q->lock);
  if (q->tail) q->tail->rq_next = t; else q->head = t;
  q->tail = t;
  atomic_fetch_add_explicit(&q->count, 1, memory_order_relaxed);
  weft_spin_unlock(&q->lock);
}

static void queue_push_list(struct queue *q, struct weft_thread *h,
                            struct weft_thread *t, long n) {
  weft_spin_lock(&q->lock);
  if (q->tail) q->tail->rq_next = h; else q->head = h;
  q->tail = t;
  atomic_fetch_add_explicit(&q->count, n, memory_order_relaxed);
  weft_spin_unlock(&q->lock);
}

/* Up to `max` threads from the front of q, in order (linked through
 * rq_next; the last link is stale); *n says how many. */
static struct weft_thread *queue_take(struct queue *q, long max, long *n) {
  *n = 0;
  if (atomic_load_explicit(&q->count, memory_order_relaxed) == 0) return 0;
  weft_spin_lock(&q->lock);
  struct weft_thread *first = q->head, *last = 0;
  for (struct weft_thread *t = first; t && *n < max; t = t->rq_next) {
    last = t;
    ++*n;
  }
  if (*n) {
    q->head = last->rq_next;
    if (!q->head) q->tail = 0;
    atomic_fetch_sub_explicit(&q->count, *n, memory_order_relaxed);
  }
  weft_spin_unlock(&q->lock);
  return *n ? first : 0;
}

static struct weft_thread *queue_pop(struct queue *q) {
  long n;
  return queue_take(q, 1, &n);
}

static uint32_t rq_len(struct weft_worker *w) {
  uint32_t h = atomic_load_explicit(&w->head, memory_order_acquire);
  uint32_t t = atomic_load_explicit(&w->tail, memory_order_acquire);
  return t - h;
}

/* Moves the older half of the ring [h, tl), and then t if not null, to
 * the back of the global queue: rq_push's full case, and global_take's
 * turn-taking. Claims the slots first; only the owner (us) writes slots,
 * so they stay valid after. (No array on the stack: this may run on a
 * 1 KiB thread stack.) Out of line, so that the common push keeps few
 * registers. Returns 0 when a thief moved head meanwhile (try again). */
static __attribute__((noinline)) uint32_t rq_move_half(struct weft_worker *w,
                                                       struct weft_thread *t, uint32_t h,
                                                       uint32_t tl) {
  uint32_t n = (tl - h) / 2;
  if (n == 0 ||
      !atomic_compare_exchange_strong_explicit(&w->head, &h, h + n, memory_order_acq_rel,
                                               memory_order_relaxed))
    return 0;
  struct weft_thread *first = atomic_load_explicit(&w->ring[h % WEFT_RQ_SIZE], memory_order_relaxed);
  struct weft_thread *last = first;
  for (uint32_t i = 1; i < n; i++) {
    struct weft_thread *x = atomic_load_explicit(&w->ring[(h + i) % WEFT_RQ_SIZE],
                                                 memory_order_relaxed);
    last->rq_next = x;
    last = x;
  }
  if (t) {
    last->rq_next = t;
    last = t;
  }
  last->rq_next = 0;
  queue_push_list(&rt.global, first, last, n + (t != 0));
  return WEFT_RQ_SIZE; /* plenty: wake someone */
}

/* Owner only. Returns the queue length after the push. */
static inline __attribute__((always_inline)) uint32_t rq_push(struct weft_worker *w, struct weft_thread *t) {
  for (;;) {
    uint32_t h = atomic_load_explicit(&w->head, memory_order_acquire);
    uint32_t tl = atomic_load_explicit(&w->tail, memory_order_relaxed);
    if (WEFT_LIKELY(tl - h < WEFT_RQ_SIZE)) {
      atomic_store_explicit(&w->ring[tl % WEFT_RQ_SIZE], t, memory_order_relaxed);
      atomic_store_explicit(&w->tail, tl + 1, memory_order_release);
      return tl + 1 - h;
    }
    uint32_t n = rq_move_half(w, t, h, tl);
    if (n) return n;
  }
}

/* Fetches the two lines at p for writing. p may be null or stale: a
 * prefetch does not fault, and the second address is formed as an integer
 * so that no pointer arithmetic is done on a null pointer. */
static inline void prefetch_two_lines(const void *p) {
  __builtin_prefetch(p, 1);
  __builtin_prefetch((const void *)((uintptr_t)p + 64), 1);
}

/* The first two lines of the thread queued at h, if any: it runs after
 * the one just popped, and a batch of threads rarely stays in the L1
 * cache from its spawn to its run. (A thread that another worker takes
 * meanwhile does no harm: see prefetch_two_lines.) */
static inline void rq_prefetch(struct weft_worker *w, uint32_t h) {
  if (h == atomic_load_explicit(&w->tail, memory_order_relaxed)) return;
  prefetch_two_lines(atomic_load_explicit(&w->ring[h % WEFT_RQ_SIZE], memory_order_relaxed));
}

static struct weft_thread *rq_pop(struct weft_worker *w) {
  if (rt.nworkers == 1) {
    /* Nobody steals: no atomic read-modify-write needed. */
    uint32_t h = atomic_load_explicit(&w->head, memory_order_relaxed);
    if (h == atomic_load_explicit(&w->tail, memory_order_relaxed)) return 0;
    struct weft_thread *t = atomic_load_explicit(&w->ring[h % WEFT_RQ_SIZE], memory_order_relaxed);
    atomic_store_explicit(&w->head, h + 1, memory_order_relaxed);
    rq_prefetch(w, h + 1);
    return t;
  }
  for (;;) {
    uint32_t h = atomic_load_explicit(&w->head, memory_order_acquire);
    uint32_t tl = atomic_load_explicit(&w->tail, memory_order_relaxed);
    if (h == tl) return 0;
    struct weft_thread *t = atomic_load_explicit(&w->ring[h % WEFT_RQ_SIZE], memory_order_relaxed);
    if (atomic_compare_exchange_weak_explicit(&w->head, &h, h + 1, memory_order_release,
                                              memory_order_relaxed)) {
      rq_prefetch(w, h + 1);
      /* A backlog lasts until the ring is empty: what is left of it after
       * a batch of long-running threads began stays within thieves' reach. */
      if (WEFT_UNLIKELY(tl - h == 1) &&
          atomic_load_explicit(&w->backlog_since, memory_order_relaxed))
        atomic_store_explicit(&w->backlog_since, 0, memory_order_relaxed);
      return t;
    }
  }
}

/* Whether other workers may take from v's ring now. */
static int ring_stealable(struct weft_worker *v, int64_t now) {
  int64_t since = atomic_load_explicit(&v->backlog_since, memory_order_relaxed);
  return since && now - since >= STEAL_AGE && rq_len(v);
}

/* Take half of v's queue into w's (empty) queue; returns one to run. */
static struct weft_thread *rq_steal(struct weft_worker *w, struct weft_worker *v) {
  struct weft_thread *batch[WEFT_RQ_SIZE / 2 + 1];
  uint32_t n;
  for (;;) {
    uint32_t h = atomic_load_explicit(&v->head, memory_order_acquire);
    uint32_t tl = atomic_load_explicit(&v->tail, memory_order_acquire);
    n = tl - h;
    n = n - n / 2;
    if (n == 0) return 0;
    if (n > WEFT_RQ_SIZE / 2) continue; /* inconsistent read */
    for (uint32_t i = 0; i < n; i++)
      batch[i] = atomic_load_explicit(&v->ring[(h + i) % WEFT_RQ_SIZE], memory_order_relaxed);
    if (atomic_compare_exchange_strong_explicit(&v->head, &h, h + n, memory_order_release,
                                                memory_order_relaxed))
      break;
  }
  atomic_fetch_add_explicit(&w->steals, n, memory_order_relaxed);
  for (uint32_t i = 0; i + 1 < n; i++) rq_push(w, batch[i]);
  /* A backlog it took stays a backlog as old as it was. */
  if (n - 1 > WAKE_BACKLOG && !atomic_load_explicit(&w->backlog_since, memory_order_relaxed))
    atomic_store_explicit(&w->backlog_since,
                          atomic_load_explicit(&v->backlog_since, memory_order_relaxed),
                          memory_order_relaxed);
  return batch[n - 1];
}

/* ---- waking idle workers --------------------------------------------- */

/* Wakes v if it is idle; returns whether it was. */
static int wake_worker(struct weft_worker *v) {
  int one = 1;
  if (!atomic_load_explicit(&v->idle, memory_order_relaxed) ||
      !atomic_compare_exchange_strong(&v->idle, &one, 0))
    return 0;
  atomic_fetch_sub(&rt.nidle, 1);
  atomic_fetch_add(&rt.nspinning, 1);
  atomic_store(&v->woken, 1);
  if (v->polling) {
    if (weft_poll_kick_hook) weft_poll_kick_hook();
  } else {
    atomic_store(&v->sleep_word, 1);
    weft_futex_wake(&v->sleep_word, 1);
  }
  return 1;
}

static void wake_idle_worker_from(int on_worker) {
  if (rt.nworkers == 1 && on_worker) return; /* the only worker is the caller */
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(&rt.nidle, memory_order_relaxed) == 0) return;
  /* A worker already woken and looking will find this work (and wake the
   * next one if it finds more): one wake-up at a time. */
  if (atomic_load_explicit(&rt.nspinning, memory_order_relaxed)) return;
  for (unsigned i = 0; i < rt.nworkers; i++)
    if (wake_worker(&rt.workers[i])) return;
}

static void wake_idle_worker(void) { wake_idle_worker_from(1); }

/* w's ring just passed WAKE_BACKLOG: record when, and wake an idle worker
 * unless one lingers (it will look once the backlog is STEAL_AGE old). */
static __attribute__((noinline)) void backlog_begins(struct weft_worker *w) {
  if (!atomic_load_explicit(&w->backlog_since, memory_order_relaxed))
    atomic_store_explicit(&w->backlog_since, weft_now_ns(), memory_order_relaxed);
  atomic_thread_fence(memory_order_seq_cst); /* pairs with idle_sleep's */
  if (atomic_load_explicit(&rt.nlinger, memory_order_relaxed)) return;
  wake_idle_worker();
}

void weft_sched_kick_poller(void) {
  if (atomic_load(&rt.poller_taken)) {
    if (weft_poll_kick_hook) weft_poll_kick_hook();
  } else {
    wake_idle_worker();
  }
}

static long prio_push(struct weft_worker *w, struct weft_thread *t) {
  t->rq_next = 0;
  weft_spin_lock(&w->prio_lock);
  if (w->prio_tail) w->prio_tail->rq_next = t; else w->prio_head = t;
  w->prio_tail = t;
  long n = atomic_fetch_add_explicit(&w->prio_count, 1, memory_order_relaxed) + 1;
  weft_spin_unlock(&w->prio_lock);
  return n;
}

/* Up to `max` threads from the front of w's priority list, as a chain. */
static struct weft_thread *prio_take(struct weft_worker *w, long max, long *got) {
  *got = 0;
  if (!atomic_load_explicit(&w->prio_count, memory_order_relaxed)) return 0;
  weft_spin_lock(&w->prio_lock);
  struct weft_thread *first = w->prio_head, *last = 0;
  long n = 0;
  for (struct weft_thread *t = first; t && n < max; t = t->rq_next) {
    last = t;
    n++;
  }
  if (n) {
    w->prio_head = last->rq_next;
    if (!w->prio_head) w->prio_tail = 0;
    last->rq_next = 0;
    atomic_fetch_sub_explicit(&w->prio_count, n, memory_order_relaxed);
  }
  weft_spin_unlock(&w->prio_lock);
  *got = n;
  return n ? first : 0;
}

static struct weft_thread *prio_pop(struct weft_worker *w) {
  long got;
  return prio_take(w, 1, &got);
}

/* Take half of v's priority list: run the first, keep the rest. */
static struct weft_thread *prio_steal(struct weft_worker *w, struct weft_worker *v) {
  long n = atomic_load_explicit(&v->prio_count, memory_order_relaxed), got;
  if (n == 0) return 0;
  struct weft_thread *t = prio_take(v, n - n / 2, &got);
  if (!t) return 0;
  atomic_fetch_add_explicit(&w->steals, (uint64_t)got, memory_order_relaxed);
  for (struct weft_thread *x = t->rq_next; x;) {
    struct weft_thread *next = x->rq_next;
    prio_push(w, x);
    x = next;
  }
  return t;
}

/* t onto w's ring (w is the caller's worker). An idle worker is woken when
 * the ring's backlog first passes WAKE_BACKLOG (or spills): a worker that
 * goes idle later sees the backlog before it sleeps, so one wake-up per
 * crossing is enough, and the pushes past it cost no fence. */
static __attribute__((noinline)) void backlog_grows(struct weft_worker *w, uint32_t n) {
  if (rt.nworkers == 1) return;
  if (n == WEFT_RQ_SIZE) wake_idle_worker(); /* spilled to the global queue */
  else if (n == WAKE_BACKLOG + 1) backlog_begins(w);
}
static inline __attribute__((always_inline)) void ready_local(struct weft_worker *w,
                                                              struct weft_thread *t) {
  uint32_t n = rq_push(w, t);
  if (WEFT_UNLIKELY(n == WAKE_BACKLOG + 1 || n == WEFT_RQ_SIZE)) backlog_grows(w, n);
}

void weft_ready(struct weft_thread *t) {
  atomic_store_explicit(&t->state, WEFT_RUNNABLE, memory_order_relaxed);
  const struct weft_policy *p = atomic_load_explicit(&rt.policy, memory_order_relaxed);
  struct weft_worker *w = tls_worker;
  if (p && p->priority && p->priority((weft_thread_t *)t,
                             atomic_load_explicit(&t->block_kind, memory_order_relaxed), p->arg) > 0) {
    /* Home affinity: a favoured thread goes back to the worker it last ran
     * on, whoever wakes it (usually the poller, on either worker). Its
     * socket, stack and descriptor stay in that CPU's caches; an idle
     * worker still steals half of a priority list, so the load evens out
     * and the stolen threads make a new home. */
    if (w && t->last_worker >= 0 && t->last_worker != (int)w->index) {
      struct weft_worker *home = &rt.workers[t->last_worker];
      prio_push(home, t);
      atomic_thread_fence(memory_order_seq_cst); /* pairs with idle_sleep's */
      wake_worker(home);
    } else if (w) {
      if (prio_push(w, t) + (long)rq_len(w) > WAKE_BACKLOG) wake_idle_worker();
    } else {
      queue_push(&rt.prio, t);
      wake_idle_worker_from(0);
    }
  } else if (w) {
    ready_local(w, t);
  } else {
    queue_push(&rt.global, t);
    wake_idle_worker_from(0);
  }
}

/* ---- switching -------------------------------------------------------- */

static void overflow_abort(struct weft_thread *t) {
  weft_fatal("weft: stack overflow in user thread %llu%s%s%s: the canary at the low end "
             "of its %zu-byte stack segment [%p, %p) was overwritten. Give the thread "
             "a larger stack (weft_attr_t.stack_size, pthread_attr_setstacksize or "
             "WEFT_STACK_SIZE) or build it with the weft plugin.",
             (unsigned long long)t->id, t->name[0] ? " (" : "", t->name,
             t->name[0] ? ")" : "", (size_t)t->cur_size, (void *)t->cur_lo,
             (void *)(t->cur_lo + t->cur_size));
}

static void thread_finish(struct weft_worker *w, struct weft_thread *t);
static void thread_entry(struct weft_transfer tr);

static __attribute__((noinline)) void after_switch(struct weft_transfer tr) {
  struct weft_worker *w = tls_worker;
  struct weft_switch_msg *m = (struct weft_switch_msg *)tr.data;
  struct weft_thread *self = w->current;
  weft_fiber_arrive(self ? &self->fiber : &w->g0_fiber);
  struct weft_thread *prev = m->prev;
  if (!prev) {
    w->g0_ctx = tr.fctx;
  } else {
    prev->ctx = tr.fctx;
    switch (m->action) {
    case ACT_PARK:
      atomic_store_explicit(&prev->ctx_ready, 1, memory_order_release);
      break;
    case ACT_READY:
      atomic_store_explicit(&prev->ctx_ready, 1, memory_order_release);
      atomic_store_explicit(&prev->state, WEFT_RUNNABLE, memory_order_relaxed);
      if (self) ready_local(w, prev); else rq_push(w, prev);
      break;
    case ACT_EXIT:
      thread_finish(w, prev);
      break;
    }
  }
  if (self) *w->errno_ptr = self->saved_errno;
}

/* The bookkeeping of a switch from prev to next (either may be null: the
 * worker's own context), up to the jump, once prev's canary is checked:
 * next's state and stack limit, the worker's current thread and the
 * message that the arriving side reads (after_switch, thread_start).
 * next's context is ready by now. */
static inline __attribute__((always_inline)) void hand_over(struct weft_worker *w,
                                                             struct weft_thread *prev,
                                                             struct weft_thread *next,
                                                             int action) {
  if (next) {
    atomic_store_explicit(&next->ctx_ready, 0, memory_order_relaxed);
    atomic_store_explicit(&next->state, WEFT_RUNNING, memory_order_relaxed);
    next->last_worker = (int16_t)w->index;
    weft_stack_limit_set(weft_thread_limit(next));
  } else {
    weft_stack_limit_set(0);
  }
  w->current = next;
  w->msg.prev = prev;
  w->msg.action = action;
  stat_inc(&w->switches);
}

/* next's context is being saved by the worker it parked on: a few
 * instructions, unless the kernel preempted that worker in them; then
 * give it the CPU. Out of line: switch_to's common path keeps few
 * registers. */
static __attribute__((noinline)) int wait_ctx_ready(struct weft_thread *next) {
  int ready;
  for (unsigned spins = 0; !(ready = atomic_load_explicit(&next->ctx_ready, memory_order_acquire));)
    if (++spins < 128) weft_cpu_relax(); else syscall(SYS_sched_yield);
  return ready;
}

/* The FPU control words a thread that never ran starts with: its
 * creator's copy, or the shared ones. */
static inline const uint32_t *start_fpu(const struct weft_thread *t) {
  return t->fpu == WEFT_FPU_OWN ? t->fpu_env : weft_context_proto.fpu;
}

/* The jump of a switch in which prev or next has FPU control words of its
 * own (sched/fpu.c): jump_fcontext saves prev's and loads those in next's
 * frame, which for a SHARED next (or the worker) are set to the shared
 * ones first. (A new thread's frame already holds the words it starts
 * with: switch_to.) It runs after the sanitizers were told of the switch
 * (weft_fiber_leave), so it carries no instrumentation: TSan would record
 * its entry on next's fiber and its exit on prev's. */
static __attribute__((noinline)) WEFT_UNINSTRUMENTED struct weft_transfer switch_fpu(
    struct weft_worker *w, struct weft_thread *next) {
  void *to = next ? next->ctx : w->g0_ctx;
  if (!next || next->fpu == WEFT_FPU_SHARED) weft_context_fpu_set(to, weft_context_proto.fpu);
  return weft_context_jump(to, &w->msg);
}

static void switch_to(struct weft_worker *w, struct weft_thread *prev,
                      struct weft_thread *next, int action);

/* switch_to's rare cases, before anything of the switch is done: next's
 * context is still being saved by the worker it parked on, or next never
 * ran and weft_context_make cannot copy a frame. switch_to then starts
 * again. Out of line, and reached by a tail call: switch_to's common
 * path makes no call but the jump, so it keeps no registers. */
static __attribute__((noinline)) void switch_to_slow(struct weft_worker *w,
                                                     struct weft_thread *prev,
                                                     struct weft_thread *next, int action) {
  int ready = wait_ctx_ready(next);
  if (ready == CTX_FRESH && !weft_context_proto.ok) {
    next->ctx = make_fcontext((char *)next, (size_t)((char *)next - next->cur_lo), thread_entry);
    weft_context_fpu_set(next->ctx, start_fpu(next));
    atomic_store_explicit(&next->ctx_ready, CTX_SAVED, memory_order_relaxed);
  }
  switch_to(w, prev, next, action);
}

static void switch_to(struct weft_worker *w, struct weft_thread *prev,
                      struct weft_thread *next, int action) {
  if (prev) {
    if (WEFT_UNLIKELY(!weft_seg_canary_ok(prev->cur_lo))) overflow_abort(prev);
    if (action != ACT_EXIT) prev->saved_errno = *w->errno_ptr;
  }
  if (next) {
    int ready = atomic_load_explicit(&next->ctx_ready, memory_order_acquire);
    if (WEFT_UNLIKELY(ready != CTX_SAVED)) {
      if (WEFT_UNLIKELY(!ready || !weft_context_proto.ok)) {
        switch_to_slow(w, prev, next, action);
        return;
      }
      /* Never ran: a frame that starts thread_entry, with the FPU control
       * words it starts with (the shared ones, which the copied frame
       * holds, or its creator's). */
      next->ctx = weft_context_make((char *)next, (size_t)((char *)next - next->cur_lo),
                                    thread_entry);
      if (WEFT_UNLIKELY(next->fpu == WEFT_FPU_OWN)) weft_context_fpu_set(next->ctx, next->fpu_env);
    }
  }
  hand_over(w, prev, next, action);
  weft_fiber_leave(prev ? &prev->fiber : &w->g0_fiber, next ? &next->fiber : &w->g0_fiber,
                   action == ACT_EXIT);
  struct weft_transfer tr;
  if (WEFT_LIKELY(!((prev ? prev->fpu : 0) | (next ? next->fpu : 0))))
    tr = weft_context_jump_shared(next ? next->ctx : w->g0_ctx, &w->msg);
  else
    tr = switch_fpu(w, next);
  after_switch(tr);
}

/* The next thread to run without going through g0, or null. */
static inline __attribute__((always_inline)) struct weft_thread *pick_next_fast(
    struct weft_worker *w) {
  uint32_t tick = ++w->tick;
  if ((tick & 255) == 0) return 0;
  if (atomic_load_explicit(&rt.prio.count, memory_order_relaxed)) return 0;
  struct weft_thread *t;
  if (WEFT_LIKELY(!atomic_load_explicit(&w->prio_count, memory_order_relaxed))) return rq_pop(w);
  if ((tick & 15) && (t = prio_pop(w))) return t;
  if ((t = rq_pop(w))) return t;
  return prio_pop(w);
}

uint64_t weft_arm(struct weft_thread *self) {
  uint64_t g = (atomic_load_explicit(&self->wake_token, memory_order_relaxed) >> 1) + 1;
  atomic_store_explicit(&self->wake_token, g * 2 + 1, memory_order_seq_cst);
  return g;
}

void weft_unarm(struct weft_thread *self, uint64_t gen, int kind) {
  uint64_t armed = gen * 2 + 1;
  if (!atomic_compare_exchange_strong(&self->wake_token, &armed, gen * 2)) weft_park(kind);
}

int weft_wake(struct weft_thread *t, uint64_t gen) {
  uint64_t armed = gen * 2 + 1;
  if (!atomic_compare_exchange_strong(&t->wake_token, &armed, gen * 2)) return 0;
  weft_ready(t);
  return 1;
}

void weft_park(int kind) {
  struct weft_worker *w = tls_worker;
  struct weft_thread *self = w->current;
  if (WEFT_UNLIKELY(self->section_depth))
    weft_fatal("weft: user thread %llu reached a blocking point (%s) inside a WEFT_ATOMIC "
               "section; a section must not block",
               (unsigned long long)self->id, weft_block_kind_name(kind));
  atomic_store_explicit(&self->block_kind, kind, memory_order_relaxed);
  stat_add(&w->blocked[kind], 1);
  atomic_store_explicit(&self->state, WEFT_BLOCKED, memory_order_relaxed);
  struct weft_thread *next = pick_next_fast(w);
  if (next == self) {
    atomic_store_explicit(&self->state, WEFT_RUNNING, memory_order_relaxed);
  } else {
    switch_to(w, self, next, ACT_PARK);
    w = weft_cur_worker();
  }
  stat_add(&w->blocked[kind], -1);
}

int weft_park_until(int kind, int64_t deadline, uint64_t gen) {
  struct weft_thread *self = weft_current();
  if (deadline >= 0) {
    self->timer_used = 1;
    weft_timer_arm(&self->timer, self, deadline, gen);
  }
  weft_park(kind);
  /* A wake-up before the deadline leaves the timer's entry queued: the
   * next wait with a deadline, or the exit, deals with it (timer.c). */
  if (deadline >= 0 && weft_timer_timed_out(&weft_current()->timer, gen)) return ETIMEDOUT;
  return 0;
}

static __attribute__((noinline)) void yield_slow(struct weft_worker *w, struct weft_thread *self) {
  switch_to(w, self, pick_next_fast(w), ACT_READY);
}

void weft_yield(void) {
  struct weft_worker *w = tls_worker;
  if (!w || !w->current) {
    syscall(SYS_sched_yield);
    return;
  }
  struct weft_thread *self = w->current;
  /* pick_next_fast's common case inline, the rest by a tail call: the
   * yield then keeps no registers before its tail call to switch_to. */
  uint32_t tick = w->tick + 1;
  if (WEFT_UNLIKELY((tick & 255) == 0 || atomic_load_explicit(&rt.prio.count, memory_order_relaxed) ||
                    atomic_load_explicit(&w->prio_count, memory_order_relaxed))) {
    yield_slow(w, self);
    return;
  }
  w->tick = tick;
  switch_to(w, self, rq_pop(w), ACT_READY);
}

/* ---- threads ----------------------------------------------------------
 *
 * A thread's descriptor sits at the top of its segment. When a thread that
 * a worker spawned is freed (joined, or finished detached), descriptor and
 * segment go back to that worker's free list of its size class, still
 * mapped and in its caches; the next spawn there takes them as they are and
 * sets only the fields a new thread needs (no memset). A free on another
 * worker hands the descriptor back through the spawning worker's
 * remote_free stack, so each worker's all-threads list (for gdb) is changed
 * by its own kernel thread only and needs no lock.
 *
 * Joining is one word, `join`: 0 while nobody waits, the joiner's waiter,
 * WEFT_JOIN_DETACHED, WEFT_JOIN_EXTERNAL (a kernel thread that is no user
 * thread waits on done_word), and WEFT_JOIN_DONE, which the finishing thread
 * swaps in. `done` is set after that as the finisher's last touch of the
 * descriptor, so a joiner that finds it set frees the thread at once,
 * without a lock and without parking. With one worker every user thread
 * runs on its kernel thread, so the finisher reads and writes `join`
 * without a locked instruction; a kernel thread that is no worker then
 * does not change `join` itself but asks the worker to (ext_claim). */

_Static_assert(offsetof(struct weft_thread, fn) == 64 &&
                   offsetof(struct weft_thread, all_next) == 128 &&
                   offsetof(struct weft_thread, stack_size) <= 192,
               "the hot fields of a descriptor fill its first three cache lines");

#define WEFT_JOIN_DONE ((uintptr_t)1)
#define WEFT_JOIN_DETACHED ((uintptr_t)2)
#define WEFT_JOIN_EXTERNAL ((uintptr_t)3)

struct ext_claim {
  struct ext_claim *next;
  struct weft_thread *t;
  uintptr_t want, seen;
  _Atomic uint32_t replied;
};

/* Sets t->join to `want` if it is 0; returns what it was. */
static uintptr_t join_claim(struct weft_thread *t, uintptr_t want, int on_worker) {
  uintptr_t j = 0;
  if (on_worker || rt.nworkers > 1) {
    atomic_compare_exchange_strong_explicit(&t->join, &j, want, memory_order_acq_rel,
                                            memory_order_acquire);
    return j;
  }
  struct ext_claim c = {.t = t, .want = want};
  weft_spin_lock(&rt.ext_lock);
  c.next = rt.ext_head;
  rt.ext_head = &c;
  atomic_fetch_add(&rt.ext_count, 1);
  weft_spin_unlock(&rt.ext_lock);
  wake_idle_worker_from(0);
  while (!atomic_load_explicit(&c.replied, memory_order_acquire))
    weft_futex_wait(&c.replied, 0, 0);
  return c.seen;
}

/* On the one worker: the claims kernel threads asked for. */
static void ext_claims_run(void) {
  weft_spin_lock(&rt.ext_lock);
  struct ext_claim *c = rt.ext_head;
  rt.ext_head = 0;
  atomic_store(&rt.ext_count, 0);
  weft_spin_unlock(&rt.ext_lock);
  while (c) {
    struct ext_claim *next = c->next;
    c->seen = join_claim(c->t, c->want, 1);
    atomic_store_explicit(&c->replied, 1, memory_order_release);
    weft_futex_wake(&c->replied, 1);
    c = next;
  }
}

/* Free descriptors a worker keeps per class: up to 32 MiB of segments,
 * between 2 and 256 of them. */
static inline uint32_t free_threads_max(int cls) {
  /* 32 MiB over the class size, (2 or 3) << shift, without a division. */
  size_t n = ((size_t)32 << 20) >> (WEFT_SEG_MIN_SHIFT - 1 + (cls >> 1));
  n = cls & 1 ? n / 3 : n / 2;
  return n > 256 ? 256 : n < 2 ? 2 : (uint32_t)n;
}

static void list_add(struct weft_worker *w, struct weft_thread *t) {
  if (WEFT_LIKELY(w != 0)) {
    t->list_worker = (int16_t)w->index;
    t->all_prev = 0;
    t->all_next = w->all_head;
    if (w->all_head) w->all_head->all_prev = t;
    w->all_head = t;
    return;
  }
  t->list_worker = -1;
  weft_spin_lock(&rt.all_lock);
  t->all_prev = 0;
  t->all_next = rt.all_head;
  if (rt.all_head) rt.all_head->all_prev = t;
  rt.all_head = t;
  weft_spin_unlock(&rt.all_lock);
}

/* Only on the kernel thread of the worker whose list holds t (or under
 * rt.all_lock for the global list). */
static void list_remove(struct weft_thread **head, struct weft_thread *t) {
  if (t->all_prev) t->all_prev->all_next = t->all_next; else *head = t->all_next;
  if (t->all_next) t->all_next->all_prev = t->all_prev;
}

/* t, spawned by w, into w's free list. A free descriptor stays in w's list
 * of threads (magic 0: the gdb extension skips it), so that neither the
 * exit nor the next spawn touches its neighbours there; it leaves the list
 * with its segment. */
static inline void free_local(struct weft_worker *w, struct weft_thread *t) {
  int cls = t->seg_class;
  if (WEFT_LIKELY(w->free_count[cls] < free_threads_max(cls))) {
    t->rq_next = w->free_threads[cls];
    w->free_threads[cls] = t;
    w->free_count[cls]++;
  } else {
    list_remove(&w->all_head, t);
    weft_seg_free(&w->segs, t->stack_lo, cls);
  }
}

/* The descriptors other workers handed back to w. */
static void drain_remote_free(struct weft_worker *w) {
  if (!atomic_load_explicit(&w->remote_free, memory_order_relaxed)) return;
  struct weft_thread *t = atomic_exchange_explicit(&w->remote_free, 0, memory_order_acquire);
  while (t) {
    struct weft_thread *next = t->rq_next;
    free_local(w, t);
    t = next;
  }
}

/* Everything w keeps free goes to the global segment lists. */
static void reclaim_local(struct weft_worker *w) {
  drain_remote_free(w);
  for (int cls = 0; cls < WEFT_SEG_CLASSES; cls++) {
    for (struct weft_thread *t = w->free_threads[cls], *next; t; t = next) {
      next = t->rq_next;
      list_remove(&w->all_head, t);
      weft_seg_free(0, t->stack_lo, cls);
    }
    w->free_threads[cls] = 0;
    w->free_count[cls] = 0;
  }
  weft_seg_cache_flush(&w->segs);
}

/* The arena limit is reached: ask the other workers for the segments they
 * keep free (threads joined there, their caches) and wait for them a
 * little (a worker that runs a thread all that time does not answer). */
static void reclaim_all(struct weft_worker *w) {
  reclaim_local(w);
  for (unsigned i = 0; i < rt.nworkers; i++) {
    struct weft_worker *v = &rt.workers[i];
    if (v == w) continue;
    atomic_store(&v->reclaim, 1);
    atomic_store(&v->sleep_word, 1);
    weft_futex_wake(&v->sleep_word, 1);
    if (atomic_load(&v->polling) && weft_poll_kick_hook) weft_poll_kick_hook();
  }
  int64_t until = weft_now_ns() + 20000000;
  for (unsigned i = 0; i < rt.nworkers; i++) {
    while (atomic_load(&rt.workers[i].reclaim) && weft_now_ns() < until)
      syscall(SYS_sched_yield);
  }
}

static void free_thread_slow(struct weft_worker *w, struct weft_thread *t);

/* Frees a finished thread's descriptor and segment; w is the worker of the
 * calling kernel thread (null if none). */
static inline __attribute__((always_inline)) void free_thread(struct weft_worker *w,
                                                              struct weft_thread *t) {
  t->magic = 0;
  if (WEFT_LIKELY(w && (int)w->index == t->list_worker)) {
    free_local(w, t);
  } else {
    free_thread_slow(w, t);
  }
}

static __attribute__((noinline)) void free_thread_slow(struct weft_worker *w,
                                                       struct weft_thread *t) {
  if (WEFT_UNLIKELY(t->list_worker < 0)) {
    weft_spin_lock(&rt.all_lock);
    list_remove(&rt.all_head, t);
    weft_spin_unlock(&rt.all_lock);
    weft_seg_free(w ? &w->segs : 0, t->stack_lo, t->seg_class);
    return;
  }
  struct weft_worker *home = &rt.workers[t->list_worker];
  struct weft_thread *h = atomic_load_explicit(&home->remote_free, memory_order_relaxed);
  do t->rq_next = h;
  while (!atomic_compare_exchange_weak_explicit(&home->remote_free, &h, t, memory_order_release,
                                                memory_order_relaxed));
}

static void thread_finish(struct weft_worker *w, struct weft_thread *t) {
  weft_fiber_destroy(&t->fiber);
  /* Linked segments it exited on (weft_exit inside __weft_call_on_new_segment)
   * or longjmp'd out of. */
  if (WEFT_UNLIKELY(t->seg_top != 0)) {
    weft_linked_segs_release(w, t, 0);
    weft_thread_on_segment(t, t->stack_lo, t->stack_size, t->base_guard);
  }
  stat_inc(&w->exited);
  atomic_store_explicit(&t->state, WEFT_DONE, memory_order_relaxed);
  uintptr_t j;
  if (rt.nworkers == 1) {
    j = atomic_load_explicit(&t->join, memory_order_relaxed);
    atomic_store_explicit(&t->join, WEFT_JOIN_DONE, memory_order_relaxed);
  } else {
    j = atomic_exchange_explicit(&t->join, WEFT_JOIN_DONE, memory_order_acq_rel);
  }
  if (j == 0 || j == WEFT_JOIN_DONE) { /* DONE: the joiner was woken at exit */
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
  } else if (j == WEFT_JOIN_DETACHED) {
    free_thread(w, t);
  } else if (j == WEFT_JOIN_EXTERNAL) {
    atomic_store(&t->done_word, 1);
    weft_futex_wake(&t->done_word, 1);
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
  } else {
    /* The waiter lives on the joiner's stack, which stays put until the
     * wake-up below; the joiner frees t only once woken. */
    struct weft_waiter *wt = (struct weft_waiter *)j;
    struct weft_thread *joiner = wt->thread;
    uint64_t gen = wt->gen;
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
    weft_wake(joiner, gen);
  }
}

static void run_exit_hook(void *t) { weft_exit_hook((struct weft_thread *)t); }

#ifdef WEFT_CONTEXT_START
static __attribute__((noreturn)) void exit_to_fresh(struct weft_worker *w,
                                                    struct weft_thread *prev,
                                                    struct weft_thread *next);
#endif

static __attribute__((noreturn)) void thread_exit(void *result) {
  struct weft_worker *w = weft_cur_worker();
  struct weft_thread *self = w->current;
  /* The pthread layer's key destructors: only a thread that set a key
   * has any. */
  if (WEFT_UNLIKELY(weft_exit_hook && self->specific)) {
    /* Destructors of unknown stack use: a first segment sized to the
     * thread's own code has no room for them. */
    if (self->base_guard != WEFT_SEG_GUARD && self->seg_top == 0)
      __weft_call_on_new_segment(run_exit_hook, self, 64 * 1024);
    else
      weft_exit_hook(self);
    w = weft_cur_worker(); /* they may block and move it */
    self = w->current;
  }
  /* An entry a wait with a deadline left in the timer heap (timer.c). The
   * flag is in a line the exit touches anyway; the timer is not. */
  if (WEFT_UNLIKELY(self->timer_used)) {
    self->timer_used = 0;
    weft_timer_cancel(&self->timer);
  }
  self->result = result;
  /* A joiner that already waits is woken now, so that it can be the next
   * thread this worker runs: a spawn that is joined at once then costs two
   * switches, not three through the worker's loop. Once a waiter is in
   * `join` only the finisher changes it. The joiner frees this thread
   * only after `done`, which thread_finish sets once off this stack. */
  uintptr_t j = atomic_load_explicit(&self->join, memory_order_acquire);
  if (j > WEFT_JOIN_EXTERNAL) {
    struct weft_waiter *wt = (struct weft_waiter *)j;
    struct weft_thread *joiner = wt->thread;
    uint64_t gen = wt->gen;
    atomic_store_explicit(&self->join, WEFT_JOIN_DONE, memory_order_release);
    weft_wake(joiner, gen);
  }
  struct weft_thread *next = pick_next_fast(w);
#ifdef WEFT_CONTEXT_START
  if (next && atomic_load_explicit(&next->ctx_ready, memory_order_acquire) == CTX_FRESH)
    exit_to_fresh(w, self, next);
#endif
  switch_to(w, self, next, ACT_EXIT);
  __builtin_unreachable();
}

static void thread_entry(struct weft_transfer tr) {
  after_switch(tr);
  struct weft_thread *self = tls_worker->current;
  void *r = self->fn(self->arg);
  thread_exit(r);
}

#ifdef WEFT_CONTEXT_START
/* A thread that never ran, started by exit_to_fresh: what after_switch
 * does for an exit, then fn. */
static __attribute__((noreturn)) void thread_start(void *data) {
  struct weft_worker *w = tls_worker;
  thread_finish(w, ((struct weft_switch_msg *)data)->prev);
  struct weft_thread *self = w->current;
  *w->errno_ptr = 0;
  thread_exit(self->fn(self->arg));
}

/* switch_to(w, prev, next, ACT_EXIT) for a `next` that never ran: the
 * leaving thread's registers need no saving, and the new one needs no
 * frame to resume, so the stack pointer moves to next's stack top and
 * thread_start runs there (weft_context_start). This is the path of a
 * thread that exits while a spawned one waits: half the cost of a jump. */
static __attribute__((noreturn)) void exit_to_fresh(struct weft_worker *w,
                                                    struct weft_thread *prev,
                                                    struct weft_thread *next) {
  if (WEFT_UNLIKELY(!weft_seg_canary_ok(prev->cur_lo))) overflow_abort(prev);
  hand_over(w, prev, next, ACT_EXIT);
  const uint32_t *fpu = 0; /* both use the shared words, already loaded */
  if (WEFT_UNLIKELY(prev->fpu | next->fpu)) fpu = start_fpu(next);
  weft_context_start((void *)((uintptr_t)next & ~(uintptr_t)15), &w->msg, thread_start, fpu);
}
#endif

/* A fresh descriptor near the top of a new segment of class cls, `slack`
 * bytes of which the thread does not need. A segment lies at a multiple of
 * a page in its arena, so descriptors (and the stack tops below them) at the very top
 * would all sit at one offset in their page, and the L1 cache, indexed by
 * that offset, would hold few of them at a time: each goes 64 bytes times
 * the segment's colour (0-47) lower, as far as the slack allows. (At most
 * 3 KiB lower: a small thread's descriptor and its first 800 bytes of stack
 * stay in one page.) */
#define DESCRIPTOR_BYTES ((sizeof(struct weft_thread) + 63) & ~(size_t)63)
#define COLOURS 48
#define MAX_COLOUR (COLOURS * 64)
static struct weft_thread *thread_init(struct weft_worker *w, char *lo, int cls, size_t slack) {
  size_t size = weft_seg_class_size(cls);
  size_t colour = (((uintptr_t)lo / size) % COLOURS) * 64; /* < MAX_COLOUR */
  if (colour > slack) colour = slack & ~(size_t)63;
  struct weft_thread *t = (struct weft_thread *)(lo + size - DESCRIPTOR_BYTES - colour);
  memset(t, 0, sizeof *t);
  t->placed = (uint32_t)((char *)t - lo);
  t->stack_lo = lo;
  t->stack_size = size;
  t->seg_class = (int16_t)cls;
  t->cur_lo = lo;
  t->cur_size = (uint32_t)size;
  t->timer.index = -1;
  weft_fiber_init(&t->fiber, lo, (size_t)((char *)t - lo), 0);
  list_add(w, t);
  return t;
}

static struct weft_thread *thread_alloc(struct weft_worker *w, int cls, size_t slack,
                                        int *err) {
  int saved = errno;
  char *lo = (char *)weft_seg_alloc(w ? &w->segs : 0, cls);
  if (!lo) {
    *err = errno;
    errno = saved;
    return 0;
  }
  return thread_init(w, lo, cls, slack);
}

/* Bytes of a thread's base segment the runtime itself uses, around the
 * entry function's stack pointer: above it (fcontext's start frame and
 * thread_entry's), and below it for the calls the runtime makes on the
 * thread's stack before fn starts (after_switch) and after it returns
 * (thread_exit: the switch away). test/lit/e2e/first-segment.c measures
 * them. __weft_call_on_new_segment's frames below the limit, up to the
 * switch to a new segment, count in the reserve. */
#define ENTRY_ABOVE 128
#define ENTRY_CHAIN 512
#define SEGMENT_CALL_STACK 512

/* A first segment sized from the plugin's table (stack/needs.c) for a
 * thread started on fn with no stack size asked for: its class, the bytes
 * of it the thread does not need, and the distance from its low end to
 * the stack limit. Left as they are (the default) when fn is in no table
 * or would need a segment no smaller than the default. */
static __attribute__((noinline)) void first_segment(void *(*fn)(void *), int *cls,
                                                    size_t *slack, uint32_t *guard) {
  const struct weft_stack_need *n = weft_stack_need_of((const void *)fn);
  if (!n) return;
  size_t reserve = n->reserve == WEFT_STACK_NEED_UNWINDS ? WEFT_SEG_UNWIND_RESERVE
                   : n->reserve ? (size_t)n->reserve + SEGMENT_CALL_STACK
                                : 0;
  size_t below = WEFT_SEG_CANARY + WEFT_SEG_REDZONE + reserve;
  size_t above = ENTRY_ABOVE + (n->stack > ENTRY_CHAIN ? n->stack : ENTRY_CHAIN);
  size_t need = below + above + DESCRIPTOR_BYTES;
  int c = weft_seg_class(need);
  if (c < 0 || c >= rt.default_class) return;
  *cls = c;
  *slack = weft_seg_class_size(c) - need;
  *guard = (uint32_t)below;
}

/* first_segment, remembered per worker for the last few entry functions
 * (a server spawns the same one again and again). What is remembered holds
 * for one registered set of tables: a registration publishes a new set,
 * never at an address an earlier one had (those are kept). */
static inline __attribute__((always_inline)) void first_segment_memo(
    struct weft_worker *w, void *(*fn)(void *), int *cls, size_t *slack, uint32_t *guard) {
  const void *set = weft_stack_needs_set();
  struct weft_first_seg *m = &w->first_seg[((uintptr_t)fn >> 4) % WEFT_FIRST_SEG_MEMO];
  if (WEFT_LIKELY(m->fn == fn && m->set == set)) {
    *cls = m->cls;
    *slack = m->slack;
    *guard = m->guard;
    return;
  }
  first_segment(fn, cls, slack, guard);
  m->set = set;
  m->fn = fn;
  m->cls = *cls;
  m->slack = (uint32_t)*slack;
  m->guard = *guard;
}

static inline __attribute__((always_inline)) int spawn(struct weft_thread **out,
                                                       size_t stack_size, int detached,
                                                       void *(*fn)(void *), void *arg) {
  weft_runtime_ensure();
  int cls = rt.default_class;
  size_t slack = weft_seg_class_size(cls) / 64; /* a default stack is the whole segment */
  uint32_t guard = WEFT_SEG_GUARD;
  if (!stack_size) {
    if (WEFT_UNLIKELY(weft_stack_needs_present())) {
      if (WEFT_LIKELY(tls_worker != 0)) first_segment_memo(tls_worker, fn, &cls, &slack, &guard);
      else first_segment(fn, &cls, &slack, &guard);
    }
  } else {
    /* An explicit size of a page or more is the usable stack, so the
     * descriptor and canary come on top. A tiny request (under a page) is
     * the whole segment: 1 KiB gives 1 KiB segments, descriptor included,
     * for threads that barely use a stack. Sizes past the largest class get
     * the largest class. */
    size_t need = stack_size + sizeof(struct weft_thread) + WEFT_SEG_CANARY + WEFT_SEG_REDZONE;
    if (stack_size < 4096) need = stack_size < 1024 ? 1024 : stack_size;
    cls = weft_seg_class(need);
    if (cls < 0) cls = WEFT_SEG_CLASSES - 1;
    slack = weft_seg_class_size(cls) > need ? weft_seg_class_size(cls) - need : 0;
  }
  struct weft_worker *w = tls_worker;
  struct weft_thread *t;
  if (WEFT_LIKELY(w != 0)) {
    if (WEFT_UNLIKELY(!w->free_threads[cls])) drain_remote_free(w);
    t = w->free_threads[cls];
  } else {
    t = 0;
  }
  /* A free descriptor placed for a thread that needed less of the segment
   * than this one (a larger colour) is placed again. (`placed` is in the
   * line the pop read; the rest of the descriptor may not be in the cache
   * yet.) */
  if (WEFT_UNLIKELY(t != 0) && WEFT_UNLIKELY(slack < MAX_COLOUR) &&
      t->placed + slack + DESCRIPTOR_BYTES < weft_seg_class_size(cls)) {
    w->free_threads[cls] = t->rq_next;
    w->free_count[cls]--;
    list_remove(&w->all_head, t);
    t = thread_init(w, t->stack_lo, cls, slack);
  } else if (WEFT_LIKELY(t != 0)) {
    /* Still in w's list of threads (free_local). The next spawn takes the
     * next one: fetch it now. */
    w->free_threads[cls] = t->rq_next;
    prefetch_two_lines(t->rq_next);
    w->free_count[cls]--;
    atomic_store_explicit(&t->wake_token,
                          atomic_load_explicit(&t->wake_token, memory_order_relaxed) & ~(uint64_t)1,
                          memory_order_relaxed);
    atomic_store_explicit(&t->block_kind, 0, memory_order_relaxed);
    /* Left as a new thread needs them by the last one's exit: `specific`
     * (the key destructors clear it), `seg_top` (its linked segments are
     * freed), cur_lo and cur_size (back on the base segment), the timer
     * (not queued; a stale index of -2 comes with a stale generation),
     * `result` (set at exit), and, but for the sanitizers, the fiber. */
    t->saved_errno = 0;
    t->section_depth = 0;
    t->done = 0;
    atomic_store_explicit(&t->done_word, 0, memory_order_relaxed);
    t->name[0] = 0;
#if defined(WEFT_ASAN) || defined(WEFT_TSAN)
    weft_fiber_init(&t->fiber, t->stack_lo, (size_t)((char *)t - t->stack_lo), 0);
#endif
  } else {
    int err;
    t = thread_alloc(w, cls, slack, &err);
    if (WEFT_UNLIKELY(!t) && err == EAGAIN && w && rt.nworkers > 1) {
      reclaim_all(w);
      t = thread_alloc(w, cls, slack, &err);
    }
    if (!t) return err;
  }
  t->magic = WEFT_THREAD_MAGIC;
  t->base_guard = guard;
  t->cur_guard = guard;
  if (w) {
    if (w->id_next == w->id_end) {
      w->id_next = atomic_fetch_add_explicit(&rt.next_id, 1024, memory_order_relaxed) + 1;
      w->id_end = w->id_next + 1024;
    }
    t->id = w->id_next++;
  } else {
    t->id = atomic_fetch_add_explicit(&rt.next_id, 1, memory_order_relaxed) + 1;
  }
  t->fn = fn;
  t->arg = arg;
  t->fpu = weft_fpu_default;
  if (WEFT_UNLIKELY(w && w->current && w->current->fpu)) {
    /* Like a pthread, a new thread starts with its creator's FPU control
     * words when the creator may have its own. */
    t->fpu = WEFT_FPU_OWN;
    weft_fpu_store(t->fpu_env);
  }
  atomic_store_explicit(&t->join, detached ? WEFT_JOIN_DETACHED : 0, memory_order_relaxed);
  t->last_worker = -1;
  /* Its context is made when something jumps to it (switch_to); a thread
   * that exits starts it without one (exit_to_fresh). */
  atomic_store_explicit(&t->ctx_ready, CTX_FRESH, memory_order_relaxed);
  if (out) *out = t;
  if (WEFT_LIKELY(w != 0)) {
    stat_inc(&w->spawned);
    /* A new thread was blocked nowhere: the policy is not asked. The push
     * publishes the descriptor to thieves (release). */
    atomic_store_explicit(&t->state, WEFT_RUNNABLE, memory_order_relaxed);
    ready_local(w, t);
  } else {
    atomic_fetch_add(&rt.spawned, 1);
    atomic_thread_fence(memory_order_release);
    weft_ready(t);
  }
  return 0;
}

int weft_spawn_internal(struct weft_thread **out, size_t stack_size, int detached,
                        void *(*fn)(void *), void *arg) {
  return spawn(out, stack_size, detached, fn, arg);
}

int weft_spawn(weft_thread_t **thread, const weft_attr_t *attr, void *(*fn)(void *),
               void *arg) {
  struct weft_thread *t;
  int r = spawn(&t, attr ? attr->stack_size : 0, attr ? attr->detached : 0, fn, arg);
  if (r) return r;
  if (attr && attr->name) weft_set_name((weft_thread_t *)t, attr->name);
  if (thread) *thread = (weft_thread_t *)t;
  return 0;
}

/* After the finisher swapped in WEFT_JOIN_DONE: `done` follows within a few
 * instructions (unless the kernel preempted the finisher there). */
static void wait_done(struct weft_thread *t) {
  for (unsigned spins = 0; !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE);)
    if (++spins < 128) weft_cpu_relax(); else syscall(SYS_sched_yield);
}

int weft_join(weft_thread_t *thread, void **result) {
  struct weft_thread *t = (struct weft_thread *)thread;
  if (!t || t->magic != WEFT_THREAD_MAGIC) return ESRCH;
  struct weft_worker *w = tls_worker;
  struct weft_thread *self = w ? w->current : 0;
  if (t == self) return EDEADLK;
  if (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
    uintptr_t j;
    if (self) {
      struct weft_waiter wt = {.thread = self};
      wt.gen = weft_arm_for(self, WEFT_BLOCK_JOIN);
      j = join_claim(t, (uintptr_t)&wt, 1);
      if (j == 0) {
        weft_park(WEFT_BLOCK_JOIN);
      } else {
        weft_unarm(self, wt.gen, WEFT_BLOCK_JOIN);
        if (j != WEFT_JOIN_DONE) return EINVAL;
      }
      w = tls_worker;
    } else if ((j = join_claim(t, WEFT_JOIN_EXTERNAL, w != 0)) == 0) {
      while (atomic_load(&t->done_word) == 0) weft_futex_wait(&t->done_word, 0, 0);
    } else if (j != WEFT_JOIN_DONE) {
      return EINVAL;
    }
    wait_done(t);
  }
  if (result) *result = t->result;
  free_thread(w, t);
  return 0;
}

int weft_thread_detached(struct weft_thread *t) {
  return atomic_load_explicit(&t->join, memory_order_relaxed) == WEFT_JOIN_DETACHED;
}

int weft_detach(weft_thread_t *thread) {
  struct weft_thread *t = (struct weft_thread *)thread;
  if (!t || t->magic != WEFT_THREAD_MAGIC) return ESRCH;
  uintptr_t j = join_claim(t, WEFT_JOIN_DETACHED, tls_worker != 0);
  if (j == 0) return 0;
  if (j != WEFT_JOIN_DONE) return EINVAL;
  wait_done(t);
  free_thread(tls_worker, t);
  return 0;
}

void weft_exit(void *result) {
  if (!weft_current()) weft_fatal("weft: weft_exit called outside a user thread");
  thread_exit(result);
}

weft_thread_t *weft_self(void) { return (weft_thread_t *)weft_current(); }
uint64_t weft_thread_id(const weft_thread_t *thread) {
  return thread ? ((const struct weft_thread *)thread)->id : 0;
}
int weft_set_name(weft_thread_t *thread, const char *name) {
  struct weft_thread *t = (struct weft_thread *)thread;
  if (!t) return EINVAL;
  strncpy(t->name, name ? name : "", sizeof t->name - 1);
  t->name[sizeof t->name - 1] = 0;
  return 0;
}
unsigned weft_workers(void) { return rt.nworkers; }
int weft_current_worker(void) {
  struct weft_worker *w = weft_cur_worker();
  return w ? (int)w->index : -1;
}
int weft_sleep(uint64_t ns) {
  struct weft_thread *self = weft_current();
  if (!self) {
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (syscall(SYS_nanosleep, &ts, &ts) != 0 && errno == EINTR) {
    }
    return 0;
  }
  int64_t deadline = weft_now_ns() + (int64_t)ns;
  while (weft_now_ns() < deadline) {
    uint64_t gen = weft_arm_for(self, WEFT_BLOCK_SLEEP);
    weft_park_until(WEFT_BLOCK_SLEEP, deadline, gen);
    self = weft_current();
  }
  return 0;
}
int64_t weft_now(void) { return weft_now_ns(); }

void weft_set_policy(const struct weft_policy *policy) {
  atomic_store(&rt.policy, policy);
}
static int favor_active(weft_thread_t *t, enum weft_block_kind kind, void *arg) {
  (void)t; (void)arg;
  return kind == WEFT_BLOCK_IO || kind == WEFT_BLOCK_POLL;
}
static int favor_accept(weft_thread_t *t, enum weft_block_kind kind, void *arg) {
  (void)t; (void)arg;
  return kind == WEFT_BLOCK_ACCEPT;
}
const struct weft_policy weft_policy_favor_active = {"favor-active", favor_active, 0};
const struct weft_policy weft_policy_favor_accept = {"favor-accept", favor_accept, 0};

/* ---- workers ---------------------------------------------------------- */

void weft_io_wait_begin(void) {
  struct weft_worker *w = weft_cur_worker();
  if (w) stat_add(&w->io_waiters, 1);
}
void weft_io_wait_end(void) {
  struct weft_worker *w = weft_cur_worker();
  if (w) stat_add(&w->io_waiters, -1);
}
static int io_waiting(void) {
  int64_t n = 0;
  for (unsigned i = 0; i < rt.nworkers; i++)
    n += atomic_load_explicit(&rt.workers[i].io_waiters, memory_order_relaxed);
  return n > 0;
}

/* Work w may take now: its own, the global queues', and other workers'
 * priority lists and rings old enough to steal from. */
static int work_visible(struct weft_worker *w, int64_t now) {
  if (atomic_load_explicit(&rt.global.count, memory_order_relaxed) ||
      atomic_load_explicit(&rt.prio.count, memory_order_relaxed) ||
      atomic_load_explicit(&rt.ext_count, memory_order_relaxed))
    return 1;
  for (unsigned i = 0; i < rt.nworkers; i++) {
    struct weft_worker *v = &rt.workers[i];
    if (atomic_load_explicit(&v->prio_count, memory_order_relaxed)) return 1;
    if (v == w ? rq_len(v) != 0 : ring_stealable(v, now)) return 1;
  }
  return 0;
}

/* The oldest backlog in another worker's ring (its start), 0 if none. */
static int64_t oldest_backlog(struct weft_worker *w) {
  int64_t oldest = 0;
  for (unsigned i = 0; i < rt.nworkers; i++) {
    struct weft_worker *v = &rt.workers[i];
    int64_t since = v == w ? 0 : atomic_load_explicit(&v->backlog_since, memory_order_relaxed);
    if (since && (!oldest || since < oldest)) oldest = since;
  }
  return oldest;
}

static void linger_stop(struct weft_worker *w) {
  if (!w->lingering) return;
  w->lingering = 0;
  atomic_fetch_sub(&rt.nlinger, 1);
}

/* From the global queue, in its order: the first thread to run now, and
 * up to this worker's share of the rest (at most half a ring) onto the
 * back of its ring. A ring more than half full first moves its older half
 * to the back of the global queue, so that the rings and the global queue
 * take turns like one queue. Before, the global queue gave one thread per
 * visit of the worker's loop (every 256 switches) while threads that
 * yield kept the rings full among themselves: with a million threads,
 * some waited for tens of seconds (a thread woken when its ring was full
 * is spilled there), and 2,000 yielding threads on 4 workers left 400 of
 * them unrun while the others ran 100 times. */
static struct weft_thread *global_take(struct weft_worker *w) {
  long count = atomic_load_explicit(&rt.global.count, memory_order_relaxed);
  if (count == 0) return 0;
  uint32_t h = atomic_load_explicit(&w->head, memory_order_acquire);
  uint32_t tl = atomic_load_explicit(&w->tail, memory_order_relaxed);
  if (tl - h > WEFT_RQ_SIZE / 2) rq_move_half(w, 0, h, tl);
  long want = count / (long)rt.nworkers + 1;
  long room = (long)(WEFT_RQ_SIZE - rq_len(w)) / 2;
  if (want > room + 1) want = room + 1;
  long got;
  struct weft_thread *first = queue_take(&rt.global, want, &got);
  if (!first) return 0;
  for (struct weft_thread *t = first->rq_next; got > 1; got--) {
    struct weft_thread *next = t->rq_next;
    rq_push(w, t);
    t = next;
  }
  return first;
}

static struct weft_thread *take_work(struct weft_worker *w) {
  struct weft_thread *t = queue_pop(&rt.prio);
  if (t) return t;
  if ((w->tick & 15) && (t = prio_pop(w))) return t;
  if ((w->tick & 63) == 0 || !rq_len(w)) {
    t = global_take(w);
    if (t) return t;
  }
  t = rq_pop(w);
  if (t) return t;
  if ((t = prio_pop(w))) return t;
  if (rt.nworkers > 1) {
    unsigned start = w->rng = w->rng * 1103515245u + 12345u;
    int64_t now = 0;
    for (unsigned i = 0; i < rt.nworkers; i++) {
      struct weft_worker *v = &rt.workers[(start + i) % rt.nworkers];
      if (v == w) continue;
      if ((t = prio_steal(w, v))) return t;
      if (!atomic_load_explicit(&v->backlog_since, memory_order_relaxed)) continue;
      if (!now) now = weft_now_ns();
      if (ring_stealable(v, now) && (t = rq_steal(w, v))) return t;
    }
  }
  return 0;
}

static void poll_now(struct weft_worker *w) {
  int64_t next = weft_timer_next();
  if (next != INT64_MAX && next <= weft_now_ns()) weft_timer_fire(weft_now_ns());
  /* A busy worker looks at descriptors now and then; an idle one does so
   * in idle_sleep, as the poller. */
  if ((w->tick & 63) == 0 && io_waiting() && weft_poll_hook && !atomic_load(&rt.poller_taken))
    weft_poll_hook(0);
}

/* Before sleeping in the kernel an idle worker may look for work for a few
 * microseconds (IDLE_SPIN_NS at build time): a thread made runnable
 * meanwhile then costs no wake-up. Off by default: on two cores the
 * spinning worker steals from the busy one and costs more than it saves
 * (bench/spawn went from 134 to 690 ns per thread with 20 us). */
#ifndef IDLE_SPIN_NS
#define IDLE_SPIN_NS 0
#endif
static int idle_spin(struct weft_worker *w) {
  if (IDLE_SPIN_NS <= 0 || (rt.nworkers == 1 && !io_waiting())) return 0;
  int64_t until = weft_now_ns() + IDLE_SPIN_NS;
  do {
    for (int i = 0; i < 64; i++) {
      if (work_visible(w, weft_now_ns())) return 1;
      weft_cpu_relax();
    }
    if (io_waiting() && weft_poll_hook && !atomic_load(&rt.poller_taken)) {
      int zero = 0;
      if (atomic_compare_exchange_strong(&rt.poller_taken, &zero, 1)) {
        weft_poll_hook(0);
        atomic_store(&rt.poller_taken, 0);
        if (work_visible(w, weft_now_ns())) return 1;
      }
    }
  } while (weft_now_ns() < until);
  (void)w;
  return 0;
}

static void idle_sleep(struct weft_worker *w) {
  if (idle_spin(w)) return;
  atomic_store(&w->sleep_word, 0);
  int want_poll = (io_waiting() || weft_timer_next() != INT64_MAX) &&
                  weft_poll_hook;
  int zero = 0;
  w->polling = want_poll && atomic_compare_exchange_strong(&rt.poller_taken, &zero, 1);
  atomic_store(&w->idle, 1);
  atomic_fetch_add(&rt.nidle, 1);
  if (rt.nworkers > 1 && !w->lingering) {
    w->lingering = 1;
    atomic_fetch_add(&rt.nlinger, 1);
  }
  atomic_thread_fence(memory_order_seq_cst);
  int64_t now = weft_now_ns();
  /* Linger: sleep at most until the oldest backlog elsewhere may be
   * stolen, or STEAL_AGE, for LINGER_NS after a backlog was last seen;
   * then stop lingering (after which a new backlog wakes this worker). */
  int64_t linger = -1;
  if (w->lingering) {
    int64_t oldest = oldest_backlog(w);
    if (oldest) w->linger_until = now + LINGER_NS;
    if (now < w->linger_until) {
      linger = oldest ? oldest + STEAL_AGE - now : STEAL_AGE;
      if (linger < 1000) linger = 1000;
    } else {
      linger_stop(w);
      atomic_thread_fence(memory_order_seq_cst); /* pairs with backlog_begins' */
      if (oldest_backlog(w)) linger = STEAL_AGE;
    }
  }
  if (!work_visible(w, now) && !atomic_load(&w->reclaim)) {
    if (w->polling) {
      int64_t next = weft_timer_next();
      int64_t timeout = next == INT64_MAX ? -1 : next - now;
      if (next != INT64_MAX && timeout < 0) timeout = 0;
      if (linger >= 0 && (timeout < 0 || linger < timeout)) timeout = linger;
      weft_poll_hook(timeout);
    } else if (linger >= 0) {
      struct timespec ts = {0, (long)linger};
      weft_futex_wait(&w->sleep_word, 0, &ts);
    } else {
      weft_futex_wait(&w->sleep_word, 0, 0);
    }
  }
  int one = 1;
  if (atomic_compare_exchange_strong(&w->idle, &one, 0)) atomic_fetch_sub(&rt.nidle, 1);
  if (w->polling) {
    w->polling = 0;
    atomic_store(&rt.poller_taken, 0);
    int64_t next = weft_timer_next();
    if (next != INT64_MAX && next <= weft_now_ns()) weft_timer_fire(weft_now_ns());
  }
}

static void settle(struct weft_worker *w) {
  if (atomic_load_explicit(&w->woken, memory_order_relaxed) && atomic_exchange(&w->woken, 0)) {
    atomic_fetch_sub(&rt.nspinning, 1);
    /* Pass the baton: there may be more work than this worker takes. */
    if (work_visible(w, weft_now_ns())) wake_idle_worker();
  }
}

static __attribute__((noreturn)) void worker_loop(struct weft_worker *w) {
  for (;;) {
    if (WEFT_UNLIKELY(atomic_load_explicit(&rt.ext_count, memory_order_relaxed)))
      ext_claims_run();
    if (WEFT_UNLIKELY(atomic_load_explicit(&w->reclaim, memory_order_relaxed))) {
      reclaim_local(w);
      atomic_store(&w->reclaim, 0);
    }
    poll_now(w);
    struct weft_thread *t = take_work(w);
    settle(w);
    if (t) {
      if (WEFT_UNLIKELY(w->lingering)) {
        /* Busy now: a backlog elsewhere needs another worker. */
        linger_stop(w);
        atomic_thread_fence(memory_order_seq_cst);
        if (oldest_backlog(w)) wake_idle_worker();
      }
      switch_to(w, 0, t, ACT_NONE);
      w = tls_worker;
      continue;
    }
    idle_sleep(w);
  }
}

void weft_signal_stack_init(void) WEFT_HIDDEN;

static void worker_bind(struct weft_worker *w) {
  tls_worker = w;
  w->errno_ptr = &errno;
  pthread_attr_t a;
  void *addr = 0;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &a) == 0) {
    pthread_attr_getstack(&a, &addr, &size);
    pthread_attr_destroy(&a);
  }
  weft_fiber_init(&w->g0_fiber, addr, size, 1);
  weft_signal_stack_init(); /* handlers never run on a user thread's segment */
}

static void *worker_start(void *arg) {
  struct weft_worker *w = (struct weft_worker *)arg;
  worker_bind(w);
  worker_loop(w);
}

static void start_workers(unsigned first) {
  for (unsigned i = first; i < rt.nworkers; i++) {
    pthread_t th;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 256 * 1024);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int r = weft_real_pthread_create(&th, &a, worker_start, &rt.workers[i]);
    pthread_attr_destroy(&a);
    if (r) weft_fatal("weft: cannot start worker %u: %s", i, strerror(r));
  }
}

void weft_stats_at_exit(void) WEFT_HIDDEN;
void weft_io_init(void) WEFT_HIDDEN;

static void runtime_init(void) {
#if defined(WEFT_NO_PTHREAD_LAYER)
  weft_real_pthread_create = (int (*)(void *, const void *, void *(*)(void *), void *))pthread_create;
#else
  weft_real_pthread_create =
      (int (*)(void *, const void *, void *(*)(void *), void *))dlsym(RTLD_NEXT, "pthread_create");
  if (!weft_real_pthread_create) weft_fatal("weft: cannot find libc's pthread_create");
#endif
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  if (cpus > WEFT_MAX_WORKERS) cpus = WEFT_MAX_WORKERS;
  rt.nworkers = (unsigned)weft_env_number("WEFT_WORKERS", cpus, 1, WEFT_MAX_WORKERS);
  rt.default_stack = weft_env_size("WEFT_STACK_SIZE", 256 * 1024, 1024, (size_t)1 << 30);
  rt.default_class = weft_seg_class(rt.default_stack);
  if (rt.default_class < 0) rt.default_class = WEFT_SEG_CLASSES - 1;
  weft_context_proto_init(thread_entry);
  weft_fpu_init();
  rt.workers = (struct weft_worker *)aligned_alloc(WEFT_CACHELINE,
                                                   sizeof(struct weft_worker) * rt.nworkers);
  memset(rt.workers, 0, sizeof(struct weft_worker) * rt.nworkers);
  for (unsigned i = 0; i < rt.nworkers; i++) {
    rt.workers[i].index = i;
    rt.workers[i].rng = i * 7919u + 1;
  }
  weft_io_init();
  if (weft_env_flag("WEFT_STATS", 0)) atexit(weft_stats_at_exit);
}

int weft_runtime_started(void) { return atomic_load_explicit(&rt.started, memory_order_acquire); }

/* Start the runtime for a program whose main() weft did not wrap (libweft
 * loaded late): all N workers are new kernel threads. */
void weft_runtime_ensure(void) {
  if (WEFT_LIKELY(atomic_load_explicit(&rt.started, memory_order_acquire))) return;
  weft_spin_lock(&rt.start_lock);
  if (!atomic_load(&rt.started)) {
    runtime_init();
    start_workers(0);
    atomic_store_explicit(&rt.started, 1, memory_order_release);
  }
  weft_spin_unlock(&rt.start_lock);
}

/* ---- main() as a user thread ----------------------------------------- */

static int (*user_main)(int, char **, char **);
static int main_argc;
static char **main_argv, **main_envp;

/* main may be declared with fewer parameters; libc calls it the same way. */
__attribute__((no_sanitize("function"))) static void *main_thunk(void *arg) {
  (void)arg;
  exit(user_main(main_argc, main_argv, main_envp));
}

static int main_trampoline(int argc, char **argv, char **envp) {
  main_argc = argc;
  main_argv = argv;
  main_envp = envp;
  int already;
  weft_spin_lock(&rt.start_lock);
  already = atomic_load(&rt.started);
  if (!already) {
    runtime_init();
    worker_bind(&rt.workers[0]);
    start_workers(1);
    atomic_store_explicit(&rt.started, 1, memory_order_release);
  }
  weft_spin_unlock(&rt.start_lock);
  struct weft_thread *m;
  size_t main_stack = weft_env_size("WEFT_MAIN_STACK_SIZE", 8u << 20, 64 * 1024, (size_t)1 << 30);
  int r = weft_spawn_internal(&m, main_stack - 1024, 1, main_thunk, 0);
  if (r) weft_fatal("weft: cannot create the main user thread: %s", strerror(r));
  weft_set_name((weft_thread_t *)m, "main");
  if (weft_main_hook) weft_main_hook(m);
  if (already) {
    for (;;) pause();
  }
  worker_loop(&rt.workers[0]);
}

typedef int (*libc_start_main_fn)(int (*)(int, char **, char **), int, char **,
                                  void (*)(void), void (*)(void), void (*)(void), void *);

/* The program's entry calls this before main; weft wraps main so that it
 * runs as a user thread and the main kernel thread becomes worker 0. */
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                      void *stack_end) {
  libc_start_main_fn real = (libc_start_main_fn)dlsym(RTLD_NEXT, "__libc_start_main");
  if (!real) weft_fatal("weft: cannot find libc's __libc_start_main");
  if (weft_env_flag("WEFT_DISABLE", 0)) return real(main, argc, argv, init, fini, rtld_fini, stack_end);
  user_main = main;
  return real(main_trampoline, argc, argv, init, fini, rtld_fini, stack_end);
}

/* ---- statistics ------------------------------------------------------- */

static const char *const kind_names[WEFT_BLOCK_KINDS] = {
    "none", "io", "accept", "connect", "poll", "sleep", "process", "file",
    "join", "mutex", "cond", "rwlock", "barrier", "semaphore", "channel", "once"};

const char *weft_block_kind_name(enum weft_block_kind kind) {
  return (unsigned)kind < WEFT_BLOCK_KINDS ? kind_names[kind] : "?";
}

void weft_stats(struct weft_stats *out) {
  memset(out, 0, sizeof *out);
  uint64_t spawned = atomic_load(&rt.spawned), exited = atomic_load(&rt.exited);
  int64_t blocked[WEFT_BLOCK_KINDS] = {0};
  uint64_t runnable = (uint64_t)atomic_load_explicit(&rt.global.count, memory_order_relaxed) +
                      (uint64_t)atomic_load_explicit(&rt.prio.count, memory_order_relaxed);
  for (unsigned i = 0; i < rt.nworkers; i++) {
    struct weft_worker *w = &rt.workers[i];
    spawned += atomic_load_explicit(&w->spawned, memory_order_relaxed);
    exited += atomic_load_explicit(&w->exited, memory_order_relaxed);
    for (int k = 0; k < WEFT_BLOCK_KINDS; k++)
      blocked[k] += atomic_load_explicit(&w->blocked[k], memory_order_relaxed);
    runnable += rq_len(w) + (uint64_t)atomic_load_explicit(&w->prio_count, memory_order_relaxed);
  }
  /* From counters, not by walking the threads: the counts are read one
   * after the other while threads change state, so they are a snapshot
   * only when the program is quiet. */
  uint64_t live = spawned - exited, nblocked = 0;
  for (int k = 0; k < WEFT_BLOCK_KINDS; k++) nblocked += blocked[k] > 0 ? (uint64_t)blocked[k] : 0;
  if (nblocked > live) nblocked = live;
  if (runnable > live - nblocked) runnable = live - nblocked;
  out->blocked = nblocked;
  out->runnable = runnable;
  out->running = live - nblocked - runnable;
  if (out->running > rt.nworkers) out->running = rt.nworkers;
  out->spawned = spawned;
  out->live = spawned - exited;
  for (int k = 0; k < WEFT_BLOCK_KINDS; k++) out->blocked_by_kind[k] = blocked[k] > 0 ? (uint64_t)blocked[k] : 0;
  out->workers = rt.nworkers;
  out->fpu_every_switch = weft_fpu_default == WEFT_FPU_SAVED;
  for (unsigned i = 0; i < rt.nworkers; i++) {
    struct weft_worker *w = &rt.workers[i];
    out->switches += atomic_load_explicit(&w->switches, memory_order_relaxed);
    out->steals += atomic_load_explicit(&w->steals, memory_order_relaxed);
    if (i < WEFT_STATS_MAX_WORKERS)
      out->queue_length[i] = rq_len(w) + (uint64_t)atomic_load_explicit(&w->prio_count, memory_order_relaxed);
  }
  out->arena_bytes = weft_seg_arena_bytes();
}

void weft_stats_print(int fd) {
  struct weft_stats s;
  weft_stats(&s);
  char buf[2048];
  int n = snprintf(buf, sizeof buf,
                   "weft stats: workers %u, threads spawned %llu, live %llu (running %llu, "
                   "runnable %llu, blocked %llu), switches %llu, steals %llu, stack arena %llu KiB\n",
                   s.workers, (unsigned long long)s.spawned, (unsigned long long)s.live,
                   (unsigned long long)s.running, (unsigned long long)s.runnable,
                   (unsigned long long)s.blocked, (unsigned long long)s.switches,
                   (unsigned long long)s.steals, (unsigned long long)(s.arena_bytes >> 10));
  n += snprintf(buf + n, sizeof buf - n, "weft stats: blocked by kind:");
  for (int k = 1; k < WEFT_BLOCK_KINDS; k++)
    n += snprintf(buf + n, sizeof buf - n, " %s %llu", kind_names[k],
                  (unsigned long long)s.blocked_by_kind[k]);
  n += snprintf(buf + n, sizeof buf - n, "\nweft stats: run queue per worker:");
  for (unsigned i = 0; i < s.workers && i < WEFT_STATS_MAX_WORKERS; i++)
    n += snprintf(buf + n, sizeof buf - n, " %llu", (unsigned long long)s.queue_length[i]);
  n += snprintf(buf + n, sizeof buf - n, "\nweft stats: FPU control words: %s\n",
                s.fpu_every_switch ? "saved on every switch"
                                   : "shared per worker, own for threads that set them");
  syscall(SYS_write, fd, buf, n);
}

void weft_stats_at_exit(void) { weft_stats_print(2); }

/* In the child of fork only the calling kernel thread exists: it goes on
 * as a plain kernel thread (every interposed call behaves as libc's). */
void weft_sched_forked_child(void) {
  tls_worker = 0;
  weft_stack_limit_set(0);
}
