/* sched/runq.c: the run queues, and making a thread runnable.
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
 * A worker that makes a thread runnable wakes an idle one when its ring's
 * backlog passes WAKE_BACKLOG threads, or when the thread went to a global
 * queue; a lone hand-off (signal then wait) therefore makes no system call.
 * Other workers take from a ring only a backlog STEAL_AGE (50 us) old (see
 * worker.c for how idle workers look for one).
 *
 * The push (rq_push), the ring's length and ready_local are inline in
 * sched_internal.h: the switch and the spawn use them.
 */
#define _GNU_SOURCE
#include "sched/sched_internal.h"

/* ---- queues ----------------------------------------------------------- */

/* Returns the queue's length after the push. */
static long queue_push(struct weft_queue *q, struct weft_thread *t) {
  t->rq_next = 0;
  weft_spin_lock(&q->lock);
  if (q->tail) q->tail->rq_next = t; else q->head = t;
  q->tail = t;
  long n = atomic_fetch_add_explicit(&q->count, 1, memory_order_relaxed) + 1;
  weft_spin_unlock(&q->lock);
  return n;
}

static void queue_push_list(struct weft_queue *q, struct weft_thread *h,
                            struct weft_thread *t, long n) {
  weft_spin_lock(&q->lock);
  if (q->tail) q->tail->rq_next = h; else q->head = h;
  q->tail = t;
  atomic_fetch_add_explicit(&q->count, n, memory_order_relaxed);
  weft_spin_unlock(&q->lock);
}

/* Up to `max` threads from the front of q, in order (linked through
 * rq_next; the last link is stale); *n says how many. */
static struct weft_thread *queue_take(struct weft_queue *q, long max, long *n) {
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
    last->rq_next = 0; /* the chain taken ends with its last thread */
    atomic_fetch_sub_explicit(&q->count, *n, memory_order_relaxed);
  }
  weft_spin_unlock(&q->lock);
  return *n ? first : 0;
}

struct weft_thread *weft_queue_pop(struct weft_queue *q) {
  long n;
  return queue_take(q, 1, &n);
}

/* Moves the older half of the ring [h, tl), and then t if not null, to
 * the back of the global queue: rq_push's full case, and weft_global_take's
 * turn-taking. Claims the slots first; only the owner (us) writes slots,
 * so they stay valid after. (No array on the stack: this may run on a
 * 1 KiB thread stack.) Out of line, so that the common push keeps few
 * registers. Returns 0 when a thief moved head meanwhile (try again). */
__attribute__((noinline)) uint32_t weft_rq_move_half(struct weft_worker *w,
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
  queue_push_list(&weft_rt.global, first, last, n + (t != 0));
  return WEFT_RQ_SIZE; /* plenty: wake someone */
}

/* Take half of v's queue into w's (empty) queue; returns one to run. */
struct weft_thread *weft_rq_steal(struct weft_worker *w, struct weft_worker *v) {
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
struct weft_thread *weft_global_take(struct weft_worker *w) {
  long count = atomic_load_explicit(&weft_rt.global.count, memory_order_relaxed);
  if (count == 0) return 0;
  uint32_t h = atomic_load_explicit(&w->head, memory_order_acquire);
  uint32_t tl = atomic_load_explicit(&w->tail, memory_order_relaxed);
  if (tl - h > WEFT_RQ_SIZE / 2) weft_rq_move_half(w, 0, h, tl);
  long want = count / (long)weft_rt.nworkers + 1;
  long room = (long)(WEFT_RQ_SIZE - rq_len(w)) / 2;
  if (want > room + 1) want = room + 1;
  long got;
  struct weft_thread *first = queue_take(&weft_rt.global, want, &got);
  if (!first) return 0;
  for (struct weft_thread *t = first->rq_next; got > 1; got--) {
    struct weft_thread *next = t->rq_next;
    rq_push(w, t);
    t = next;
  }
  return first;
}

/* ---- waking idle workers ---------------------------------------------- */

/* Wakes v if it is idle; returns whether it was. */
static int wake_worker(struct weft_worker *v) {
  int one = 1;
  if (!atomic_load_explicit(&v->idle, memory_order_relaxed) ||
      !atomic_compare_exchange_strong(&v->idle, &one, 0))
    return 0;
  atomic_fetch_sub(&weft_rt.nidle, 1);
  atomic_fetch_add(&weft_rt.nspinning, 1);
  atomic_store(&v->woken, 1);
  if (v->polling) {
    if (weft_io.kick) weft_io.kick();
  } else {
    atomic_store(&v->sleep_word, 1);
    weft_futex_wake(&v->sleep_word, 1);
  }
  return 1;
}

void weft_wake_idle_worker_from(int on_worker) {
  if (weft_rt.nworkers == 1 && on_worker) return; /* the only worker is the caller */
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(&weft_rt.nidle, memory_order_relaxed) == 0) return;
  /* A worker already woken and looking will find this work (and wake the
   * next one if it finds more): one wake-up at a time. */
  if (atomic_load_explicit(&weft_rt.nspinning, memory_order_relaxed)) return;
  for (unsigned i = 0; i < weft_rt.nworkers; i++)
    if (wake_worker(&weft_rt.workers[i])) return;
}

/* w's ring just passed WAKE_BACKLOG: record when, and wake an idle worker
 * unless one lingers (it will look once the backlog is STEAL_AGE old). */
static __attribute__((noinline)) void backlog_begins(struct weft_worker *w) {
  if (!atomic_load_explicit(&w->backlog_since, memory_order_relaxed))
    atomic_store_explicit(&w->backlog_since, weft_now_ns(), memory_order_relaxed);
  atomic_thread_fence(memory_order_seq_cst); /* pairs with idle_sleep's */
  if (atomic_load_explicit(&weft_rt.nlinger, memory_order_relaxed)) return;
  wake_idle_worker();
}

void weft_sched_kick_poller(void) {
  if (atomic_load(&weft_rt.poller_taken)) {
    if (weft_io.kick) weft_io.kick();
  } else {
    wake_idle_worker();
  }
}

/* w's priority list is a queue like the global one. */
static long prio_push(struct weft_worker *w, struct weft_thread *t) {
  return queue_push(&w->prio, t);
}
static struct weft_thread *prio_take(struct weft_worker *w, long max, long *got) {
  return queue_take(&w->prio, max, got);
}

struct weft_thread *weft_prio_pop(struct weft_worker *w) {
  long got;
  return prio_take(w, 1, &got);
}

/* Take half of v's priority list: run the first, keep the rest. */
struct weft_thread *weft_prio_steal(struct weft_worker *w, struct weft_worker *v) {
  long n = atomic_load_explicit(&v->prio.count, memory_order_relaxed), got;
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
__attribute__((noinline)) void weft_backlog_grows(struct weft_worker *w, uint32_t n) {
  if (weft_rt.nworkers == 1) return;
  if (n == WEFT_RQ_SIZE) wake_idle_worker(); /* spilled to the global queue */
  else if (n == WAKE_BACKLOG + 1) backlog_begins(w);
}

void weft_ready(struct weft_thread *t) {
  /* Only a thread that has not finished is made runnable again. */
  WEFT_DCHECK(atomic_load_explicit(&t->state, memory_order_relaxed) != WEFT_DONE);
  atomic_store_explicit(&t->state, WEFT_RUNNABLE, memory_order_relaxed);
  const struct weft_policy *p = atomic_load_explicit(&weft_rt.policy, memory_order_relaxed);
  struct weft_worker *w = weft_tls_worker;
  if (p && p->priority && p->priority((weft_thread_t *)t,
                             atomic_load_explicit(&t->block_kind, memory_order_relaxed), p->arg) > 0) {
    /* Home affinity: a favoured thread goes back to the worker it last ran
     * on, whoever wakes it (usually the poller, on either worker). Its
     * socket, stack and descriptor stay in that CPU's caches; an idle
     * worker still steals half of a priority list, so the load evens out
     * and the stolen threads make a new home. */
    if (w && t->last_worker >= 0 && t->last_worker != (int)w->index) {
      struct weft_worker *home = &weft_rt.workers[t->last_worker];
      prio_push(home, t);
      atomic_thread_fence(memory_order_seq_cst); /* pairs with idle_sleep's */
      wake_worker(home);
    } else if (w) {
      if (prio_push(w, t) + (long)rq_len(w) > WAKE_BACKLOG) wake_idle_worker();
    } else {
      queue_push(&weft_rt.prio, t);
      weft_wake_idle_worker_from(0);
    }
  } else if (w) {
    ready_local(w, t);
  } else {
    queue_push(&weft_rt.global, t);
    weft_wake_idle_worker_from(0);
  }
}

/* ---- the policy ------------------------------------------------------- */

void weft_set_policy(const struct weft_policy *policy) {
  atomic_store(&weft_rt.policy, policy);
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

