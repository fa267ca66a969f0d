/* sched/sched_internal.h: what the files of sched/ share and nothing
 * outside sched/ uses: the switch protocol's constants, the scheduler's
 * tunables, the helpers of the hot paths (inline, always: a yield, a
 * spawn or a wake-up must not pay a call for them because they live in
 * another file) and the functions one file of sched/ calls in another. */
#ifndef WEFT_SCHED_SCHED_INTERNAL_H
#define WEFT_SCHED_SCHED_INTERNAL_H

#include "sched/sched.h"

/* What the context a switch lands in does with the thread it left
 * (weft_after_switch, switch.c). */
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

static inline __attribute__((always_inline)) void stat_inc(_Atomic uint64_t *c) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                        memory_order_relaxed);
}
static inline __attribute__((always_inline)) void stat_add(_Atomic int64_t *c, int64_t d) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
                        memory_order_relaxed);
}

/* ---- run queues (runq.c) ---------------------------------------------- */

struct weft_thread *weft_queue_pop(struct weft_queue *q) WEFT_HIDDEN;
uint32_t weft_rq_move_half(struct weft_worker *w, struct weft_thread *t, uint32_t h,
                           uint32_t tl) WEFT_HIDDEN;
struct weft_thread *weft_rq_steal(struct weft_worker *w, struct weft_worker *v) WEFT_HIDDEN;
struct weft_thread *weft_global_take(struct weft_worker *w) WEFT_HIDDEN;
struct weft_thread *weft_prio_pop(struct weft_worker *w) WEFT_HIDDEN;
struct weft_thread *weft_prio_steal(struct weft_worker *w, struct weft_worker *v) WEFT_HIDDEN;
void weft_backlog_grows(struct weft_worker *w, uint32_t n) WEFT_HIDDEN;
void weft_wake_idle_worker_from(int on_worker) WEFT_HIDDEN;

static inline __attribute__((always_inline)) uint32_t rq_len(struct weft_worker *w) {
  uint32_t h = atomic_load_explicit(&w->head, memory_order_acquire);
  uint32_t t = atomic_load_explicit(&w->tail, memory_order_acquire);
  return t - h;
}

/* Owner only. Returns the queue length after the push. */
static inline __attribute__((always_inline)) uint32_t rq_push(struct weft_worker *w, struct weft_thread *t) {
  for (;;) {
    uint32_t h = atomic_load_explicit(&w->head, memory_order_acquire);
    uint32_t tl = atomic_load_explicit(&w->tail, memory_order_relaxed);
    WEFT_DCHECK(t && tl - h <= WEFT_RQ_SIZE);
    if (WEFT_LIKELY(tl - h < WEFT_RQ_SIZE)) {
      atomic_store_explicit(&w->ring[tl % WEFT_RQ_SIZE], t, memory_order_relaxed);
      atomic_store_explicit(&w->tail, tl + 1, memory_order_release);
      return tl + 1 - h;
    }
    uint32_t n = weft_rq_move_half(w, t, h, tl);
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
static inline __attribute__((always_inline)) void rq_prefetch(struct weft_worker *w, uint32_t h) {
  if (h == atomic_load_explicit(&w->tail, memory_order_relaxed)) return;
  prefetch_two_lines(atomic_load_explicit(&w->ring[h % WEFT_RQ_SIZE], memory_order_relaxed));
}

/* Owner only: the thread at the front of w's ring, or null. */
static inline __attribute__((always_inline)) struct weft_thread *rq_pop(struct weft_worker *w) {
  if (weft_rt.nworkers == 1) {
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
    WEFT_DCHECK(tl - h <= WEFT_RQ_SIZE); /* a ring never holds more than its size */
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
static inline int ring_stealable(struct weft_worker *v, int64_t now) {
  int64_t since = atomic_load_explicit(&v->backlog_since, memory_order_relaxed);
  return since && now - since >= STEAL_AGE && rq_len(v);
}

/* t onto w's ring (w is the caller's worker); see weft_backlog_grows. */
static inline __attribute__((always_inline)) void ready_local(struct weft_worker *w,
                                                              struct weft_thread *t) {
  uint32_t n = rq_push(w, t);
  if (WEFT_UNLIKELY(n == WAKE_BACKLOG + 1 || n == WEFT_RQ_SIZE)) weft_backlog_grows(w, n);
}

static inline void wake_idle_worker(void) { weft_wake_idle_worker_from(1); }

/* ---- start-up (startup.c) ------------------------------------------- */

/* weft_runtime_ensure's check, inline: a spawn makes it first. started is
 * 1 once the workers run; 0 before the runtime starts, and
 * WEFT_STARTED_FORKED in a fork child until its first spawn starts the
 * child's other workers. */
static inline __attribute__((always_inline)) void runtime_ensure(void) {
  if (WEFT_UNLIKELY(atomic_load_explicit(&weft_rt.started, memory_order_acquire) != 1))
    weft_runtime_ensure();
}

/* ---- switching (switch.c) --------------------------------------------- */

__attribute__((noreturn)) void weft_overflow_abort(struct weft_thread *t) WEFT_HIDDEN;
void weft_after_switch(struct weft_transfer tr) WEFT_HIDDEN;
void weft_switch_to(struct weft_worker *w, struct weft_thread *prev, struct weft_thread *next,
                    int action) WEFT_HIDDEN;

/* The bookkeeping of a switch from prev to next (either may be null: the
 * worker's own context), up to the jump, once prev's canary is checked:
 * next's state and stack limit, the worker's current thread and the
 * message that the arriving side reads (weft_after_switch, thread_start).
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

/* The FPU control words a thread that never ran starts with: its
 * creator's copy, or the shared ones. */
static inline const uint32_t *start_fpu(const struct weft_thread *t) {
  return t->fpu == WEFT_FPU_OWN ? t->fpu_env : weft_context_proto.fpu;
}

/* The blocking protocol's steps (sched.h), the bodies of weft_arm,
 * weft_unarm and weft_wake: inline for the join and the exit (thread.c). */
static inline __attribute__((always_inline)) uint64_t arm(struct weft_thread *self) {
  uint64_t g = (atomic_load_explicit(&self->wake_token, memory_order_relaxed) >> 1) + 1;
  atomic_store_explicit(&self->wake_token, g * 2 + 1, memory_order_seq_cst);
  return g;
}
static inline __attribute__((always_inline)) uint64_t arm_for(struct weft_thread *self,
                                                              int kind) {
  atomic_store_explicit(&self->block_kind, kind, memory_order_relaxed);
  return arm(self);
}
static inline __attribute__((always_inline)) void unarm(struct weft_thread *self, uint64_t gen,
                                                        int kind) {
  uint64_t armed = gen * 2 + 1;
  if (!atomic_compare_exchange_strong(&self->wake_token, &armed, gen * 2)) weft_park(kind);
}
static inline __attribute__((always_inline)) int wake(struct weft_thread *t, uint64_t gen) {
  uint64_t armed = gen * 2 + 1;
  if (!atomic_compare_exchange_strong(&t->wake_token, &armed, gen * 2)) return 0;
  weft_ready(t);
  return 1;
}

/* The next thread to run without going through g0, or null. */
static inline __attribute__((always_inline)) struct weft_thread *pick_next_fast(
    struct weft_worker *w) {
  uint32_t tick = ++w->tick;
  if ((tick & 255) == 0) return 0;
  if (atomic_load_explicit(&weft_rt.prio.count, memory_order_relaxed)) return 0;
  struct weft_thread *t;
  if (WEFT_LIKELY(!atomic_load_explicit(&w->prio.count, memory_order_relaxed))) return rq_pop(w);
  if ((tick & 15) && (t = weft_prio_pop(w))) return t;
  if ((t = rq_pop(w))) return t;
  return weft_prio_pop(w);
}

/* ---- threads (thread.c) ----------------------------------------------- */

/* Where every thread starts (its first frame's entry). */
void weft_thread_entry(struct weft_transfer tr) WEFT_HIDDEN;
/* The exit's bookkeeping, once off the finished thread's stack. */
void weft_thread_finish(struct weft_worker *w, struct weft_thread *t) WEFT_HIDDEN;
/* On the one worker: the join claims kernel threads asked for. */
void weft_ext_claims_run(void) WEFT_HIDDEN;
/* Everything w keeps free goes to the global segment lists. */
void weft_reclaim_local(struct weft_worker *w) WEFT_HIDDEN;

/* ---- workers (worker.c) ----------------------------------------------- */

/* Makes the calling kernel thread worker w. */
void weft_worker_bind(struct weft_worker *w) WEFT_HIDDEN;
__attribute__((noreturn)) void weft_worker_loop(struct weft_worker *w) WEFT_HIDDEN;
/* Starts the workers from index `first` on as new kernel threads. */
void weft_start_workers(unsigned first) WEFT_HIDDEN;
/* Starts every worker but `skip` (-1: none skipped) as a new kernel
 * thread: the child of a fork, whose caller is worker `skip`. */
void weft_start_workers_except(int skip) WEFT_HIDDEN;

#endif
