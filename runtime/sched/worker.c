/* sched/worker.c: the workers: their loop (g0), where they find work, and
 * how they poll and sleep when there is none.
 *
 * Each worker has a scheduler context ("g0") on its kernel stack: a thread
 * whose worker has nothing local jumps to g0, which fires timers, polls
 * descriptors, takes work from the global queue, steals, and finally
 * sleeps. Every 256th switch goes through g0 too (pick_next_fast), so
 * the global queue, timers and descriptors cannot be starved by two
 * threads that yield to each other.
 *
 * Idle workers sleep in the kernel: one of them (the poller) in
 * epoll_pwait2 with the next timer's deadline, the others in futex_wait.
 * (The poller is the io layer's, called through weft_io: see sched.h.)
 * Other workers take from a ring only a backlog STEAL_AGE (50 us) old: a
 * thread that spawns a batch and joins it runs the batch on its own worker,
 * in its caches, when that takes less time, and gets help when it takes
 * more. A worker that went idle while some ring had a backlog lingers: it
 * sleeps with a timeout and looks again (every STEAL_AGE, for LINGER_NS),
 * and while one lingers a new backlog wakes nobody.
 */
#define _GNU_SOURCE
#include "sched/sched_internal.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

/* Whether threads are parked on I/O (the io layer counts them). */
static int io_waiting(void) { return weft_io.waiting && weft_io.waiting(); }

/* Work w may take now: its own, the global queues', and other workers'
 * priority lists and rings old enough to steal from. */
static int work_visible(struct weft_worker *w, int64_t now) {
  if (atomic_load_explicit(&weft_rt.global.count, memory_order_relaxed) ||
      atomic_load_explicit(&weft_rt.prio.count, memory_order_relaxed) ||
      atomic_load_explicit(&weft_rt.ext_count, memory_order_relaxed))
    return 1;
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    struct weft_worker *v = &weft_rt.workers[i];
    if (atomic_load_explicit(&v->prio.count, memory_order_relaxed)) return 1;
    if (v == w ? rq_len(v) != 0 : ring_stealable(v, now)) return 1;
  }
  return 0;
}

/* The oldest backlog in another worker's ring (its start), 0 if none. */
static int64_t oldest_backlog(struct weft_worker *w) {
  int64_t oldest = 0;
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    struct weft_worker *v = &weft_rt.workers[i];
    int64_t since = v == w ? 0 : atomic_load_explicit(&v->backlog_since, memory_order_relaxed);
    if (since && (!oldest || since < oldest)) oldest = since;
  }
  return oldest;
}

static void linger_stop(struct weft_worker *w) {
  if (!w->lingering) return;
  w->lingering = 0;
  atomic_fetch_sub(&weft_rt.nlinger, 1);
}


static struct weft_thread *take_work(struct weft_worker *w) {
  struct weft_thread *t = weft_queue_pop(&weft_rt.prio);
  if (t) return t;
  if ((w->tick & 15) && (t = weft_prio_pop(w))) return t;
  if ((w->tick & 63) == 0 || !rq_len(w)) {
    t = weft_global_take(w);
    if (t) return t;
  }
  t = rq_pop(w);
  if (t) return t;
  if ((t = weft_prio_pop(w))) return t;
  if (weft_rt.nworkers > 1) {
    unsigned start = w->rng = w->rng * 1103515245u + 12345u;
    int64_t now = 0;
    for (unsigned i = 0; i < weft_rt.nworkers; i++) {
      struct weft_worker *v = &weft_rt.workers[(start + i) % weft_rt.nworkers];
      if (v == w) continue;
      if ((t = weft_prio_steal(w, v))) return t;
      if (!atomic_load_explicit(&v->backlog_since, memory_order_relaxed)) continue;
      if (!now) now = weft_now_ns();
      if (ring_stealable(v, now) && (t = weft_rq_steal(w, v))) return t;
    }
  }
  return 0;
}

static void poll_now(struct weft_worker *w) {
  int64_t next = weft_timer_next();
  if (next != INT64_MAX && next <= weft_now_ns()) weft_timer_fire(weft_now_ns());
  /* A busy worker looks at descriptors now and then; an idle one does so
   * in idle_sleep, as the poller. */
  if ((w->tick & 63) == 0 && io_waiting() && weft_io.poll && !atomic_load(&weft_rt.poller_taken))
    weft_io.poll(0);
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
  if (IDLE_SPIN_NS <= 0 || (weft_rt.nworkers == 1 && !io_waiting())) return 0;
  int64_t until = weft_now_ns() + IDLE_SPIN_NS;
  do {
    for (int i = 0; i < 64; i++) {
      if (work_visible(w, weft_now_ns())) return 1;
      weft_cpu_relax();
    }
    if (io_waiting() && weft_io.poll && !atomic_load(&weft_rt.poller_taken)) {
      int zero = 0;
      if (atomic_compare_exchange_strong(&weft_rt.poller_taken, &zero, 1)) {
        weft_io.poll(0);
        atomic_store(&weft_rt.poller_taken, 0);
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
                  weft_io.poll;
  int zero = 0;
  w->polling = want_poll && atomic_compare_exchange_strong(&weft_rt.poller_taken, &zero, 1);
  atomic_store(&w->idle, 1);
  atomic_fetch_add(&weft_rt.nidle, 1);
  if (weft_rt.nworkers > 1 && !w->lingering) {
    w->lingering = 1;
    atomic_fetch_add(&weft_rt.nlinger, 1);
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
      weft_io.poll(timeout);
    } else if (WEFT_UNLIKELY(!weft_io.poll) && weft_timer_next() != INT64_MAX) {
      /* No io layer (a static link that uses no I/O): nobody polls, so
       * the worker sleeps on its futex until the next timer is due. */
      int64_t next = weft_timer_next();
      int64_t timeout = next > now ? next - now : 0;
      if (linger >= 0 && linger < timeout) timeout = linger;
      struct timespec ts = {(time_t)(timeout / 1000000000), (long)(timeout % 1000000000)};
      weft_futex_wait(&w->sleep_word, 0, &ts);
    } else if (linger >= 0) {
      struct timespec ts = {0, (long)linger};
      weft_futex_wait(&w->sleep_word, 0, &ts);
    } else {
      weft_futex_wait(&w->sleep_word, 0, 0);
    }
  }
  int one = 1;
  if (atomic_compare_exchange_strong(&w->idle, &one, 0)) atomic_fetch_sub(&weft_rt.nidle, 1);
  if (w->polling) {
    w->polling = 0;
    atomic_store(&weft_rt.poller_taken, 0);
    int64_t next = weft_timer_next();
    if (next != INT64_MAX && next <= weft_now_ns()) weft_timer_fire(weft_now_ns());
  }
}

static void settle(struct weft_worker *w) {
  if (atomic_load_explicit(&w->woken, memory_order_relaxed) && atomic_exchange(&w->woken, 0)) {
    atomic_fetch_sub(&weft_rt.nspinning, 1);
    /* Pass the baton: there may be more work than this worker takes. */
    if (work_visible(w, weft_now_ns())) wake_idle_worker();
  }
}

__attribute__((noreturn)) void weft_worker_loop(struct weft_worker *w) {
  for (;;) {
    if (WEFT_UNLIKELY(atomic_load_explicit(&weft_rt.ext_count, memory_order_relaxed)))
      weft_ext_claims_run();
    if (WEFT_UNLIKELY(atomic_load_explicit(&w->reclaim, memory_order_relaxed))) {
      weft_reclaim_local(w);
      atomic_store(&w->reclaim, 0);
    }
    /* No user thread runs here now, so none holds scratch memory: what a
     * longjmp out of an object's lifetime left pushed goes (scratch.c). */
    if (WEFT_UNLIKELY(w->scratch_top != w->scratch_lo)) weft_scratch_empty(w);
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
      weft_switch_to(w, 0, t, ACT_NONE);
      w = weft_tls_worker;
      continue;
    }
    idle_sleep(w);
  }
}

void weft_worker_bind(struct weft_worker *w) {
  weft_tls_worker = w;
  w->errno_ptr = &errno;
  pthread_attr_t a;
  void *addr = 0;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &a) == 0) {
    pthread_attr_getstack(&a, &addr, &size);
    pthread_attr_destroy(&a);
  }
  weft_fiber_init(&w->g0_fiber, addr, size, 1);
  /* The io layer's part: an alternate signal stack, so that handlers
   * never run on a user thread's segment. */
  if (weft_io.worker_init) weft_io.worker_init();
}

static void *worker_start(void *arg) {
  struct weft_worker *w = (struct weft_worker *)arg;
  weft_worker_bind(w);
  weft_worker_loop(w);
}

static void start_worker(unsigned i) {
  pthread_t th;
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, 256 * 1024);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  int r = weft_real_pthread_create(&th, &a, worker_start, &weft_rt.workers[i]);
  pthread_attr_destroy(&a);
  if (r) weft_fatal("weft: cannot start worker %u: %s", i, strerror(r));
}

void weft_start_workers(unsigned first) {
  for (unsigned i = first; i < weft_rt.nworkers; i++) start_worker(i);
}

void weft_start_workers_except(int skip) {
  for (unsigned i = 0; i < weft_rt.nworkers; i++)
    if ((int)i != skip) start_worker(i);
}

unsigned weft_workers(void) { return weft_rt.nworkers; }
int weft_current_worker(void) {
  struct weft_worker *w = weft_cur_worker();
  return w ? (int)w->index : -1;
}
