/* sched: user threads, workers and their queues; the scheduler.
 *
 * weft runs user threads on N workers (kernel threads; WEFT_WORKERS, by
 * default one per core). Scheduling is cooperative: a user thread runs
 * until it reaches a blocking point (weft_park) or yields.
 *
 * The files of sched/, each opening with the design of its part:
 *   runq.c     the run queues (rings, the global queue, priority lists),
 *              making a thread runnable (weft_ready) and waking idle
 *              workers for it, the scheduling policy
 *   switch.c   the switch between threads and the blocking protocol
 *              (arm, park, wake, yield, sleep)
 *   thread.c   a thread's life: spawn, entry, exit, join, detach, and its
 *              descriptor and segment
 *   worker.c   the workers' loop (g0): taking work, polling, idling
 *   timer.c    the timer heap (deadlines of waits)
 *   fpu.c      the FPU control words a thread runs with
 *   segment_call.c  linked stack segments
 *   stats.c    weft_stats
 *   startup.c  the runtime's state, its start (main as a user thread,
 *              __libc_start_main) and its rebuilding in a fork child
 * This header holds the types they share; sched_internal.h the inline
 * helpers and functions only they use.
 */
#ifndef WEFT_SCHED_SCHED_H
#define WEFT_SCHED_SCHED_H

#include <stdint.h>

#include "arch/cpu.h"
#include "arch/env.h"
#include "context/context.h"
#include "stack/segment.h"
#include "weft/weft.h"

#define WEFT_THREAD_MAGIC 0x77656674u /* "weft" */
#define WEFT_MAX_WORKERS 256
#define WEFT_RQ_SIZE 256

enum weft_thread_state { WEFT_RUNNABLE, WEFT_RUNNING, WEFT_BLOCKED, WEFT_DONE };

/* A thread waiting for something. It lives on the waiting thread's stack
 * and sits in the wait queue of what it waits for; the waker removes it
 * under that queue's lock and wakes (thread, gen). */
struct weft_waiter {
  struct weft_waiter *next, *prev;
  struct weft_thread *thread;
  uint64_t gen;
  int result;  /* set by the waker: 0, EBADF, ... */
  void *data;
};

/* An intrusive FIFO of waiters (doubly linked, so a waiter that times out
 * can take itself out). The owner provides the lock. */
struct weft_waitq {
  struct weft_waiter *head, *tail;
};
static inline void weft_waitq_push(struct weft_waitq *q, struct weft_waiter *w) {
  w->next = 0;
  w->prev = q->tail;
  if (q->tail) q->tail->next = w; else q->head = w;
  q->tail = w;
}
static inline void weft_waitq_remove(struct weft_waitq *q, struct weft_waiter *w) {
  if (w->prev) w->prev->next = w->next; else q->head = w->next;
  if (w->next) w->next->prev = w->prev; else q->tail = w->prev;
  w->next = w->prev = 0;
}
static inline struct weft_waiter *weft_waitq_pop(struct weft_waitq *q) {
  struct weft_waiter *w = q->head;
  if (w) weft_waitq_remove(q, w);
  return w;
}

struct weft_timer {
  int64_t deadline;          /* CLOCK_MONOTONIC ns */
  int32_t index;             /* in the heap, -1 when not queued */
  uint64_t gen;
  struct weft_thread *thread;
};

/* A user thread's descriptor, at the top of its segment (64-byte aligned).
 * The fields a spawn, a switch, an exit and a join touch fill the first
 * three cache lines; the rest come after. */
struct weft_thread {
  /* line 0 */
  void *ctx;                       /* saved fcontext while not running */
  _Atomic int ctx_ready;           /* ctx is saved and may be resumed */
  uint32_t magic;
  uint64_t id;
  _Atomic uint64_t wake_token;     /* gen*2 + armed */
  struct weft_thread *rq_next;     /* link in the global/priority queue */
  _Atomic int state;
  _Atomic int block_kind;          /* read by wakers (policy) while parking */
  int saved_errno;
  int16_t last_worker;
  uint8_t timer_used;              /* armed its timer since it started (timer.c) */
  unsigned section_depth;
  uint32_t placed;                 /* bytes from stack_lo to the descriptor */
  /* line 1 */
  void *(*fn)(void *);
  void *arg;
  void *result;
  /* Join protocol (thread.c): 0, WEFT_JOIN_DETACHED, WEFT_JOIN_EXTERNAL, the
   * joining thread's waiter, or WEFT_JOIN_DONE once the thread finished. */
  _Atomic uintptr_t join;
  int done;                        /* finished: written last, with release */
  _Atomic uint32_t done_word;      /* futex of a joiner that is no user thread */
  /* The segment the thread runs on now: its base segment (stack_lo) or the
   * newest linked segment (see segment_call.c). The switch path sets
   * the stack limit (%fs:0x70) to cur_lo + cur_guard and checks the canary
   * at cur_lo. */
  char *cur_lo;
  uint32_t cur_size;
  uint32_t cur_guard;
  int16_t list_worker;             /* whose all-threads list holds it; -1: global */
  int8_t seg_class;
  uint8_t fpu;                     /* whose FPU control words it runs with: WEFT_FPU_* */
  uint32_t base_guard;             /* cur_guard on the base segment (set by spawn) */
  /* line 2 */
  /* The live threads, for gdb: each in the list of the worker that spawned
   * it, which only that worker's kernel thread changes (no lock), or in
   * the global list (locked) if no worker spawned it. */
  struct weft_thread *all_next, *all_prev;
  char name[16];
  void **specific;                 /* pthread keys, allocated on first use */
  struct weft_linked_seg *seg_top; /* newest linked segment, null on the base */
  char *stack_lo;
  /* cold */
  size_t stack_size;
  struct weft_timer timer;
  struct weft_fiber fiber;
  uint32_t fpu_env[2];             /* WEFT_FPU_OWN: the words it starts with */
};

/* Whose FPU control words (MXCSR and the x87 control word: rounding,
 * exception masks, flush-to-zero) a thread runs with (sched/fpu.c).
 * SHARED: the worker's, which every SHARED thread leaves as it found
 * them, so a switch between two of them neither saves nor loads them.
 * SAVED: its own, saved and loaded on every switch, for every thread when
 * weft cannot see the changes (WEFT_FPU=thread, or libm's fenv calls bound
 * before weft's). OWN: a thread that changed them through <fenv.h>; its
 * new threads start with a copy of them (fpu_env). */
enum { WEFT_FPU_SHARED = 0, WEFT_FPU_SAVED = 1, WEFT_FPU_OWN = 2 };
/* The value a new thread starts with: SHARED, or SAVED (sched/fpu.c). */
extern uint8_t weft_fpu_default WEFT_HIDDEN;
/* Decide weft_fpu_default (WEFT_FPU, and whether the program's fenv calls
 * reach weft); at start-up. */
void weft_fpu_init(void) WEFT_HIDDEN;

struct weft_worker;

/* The header at the top of a linked segment (sched/segment_call.c): the
 * thread's linked segments form a stack through `prev`. */
struct weft_linked_seg {
  struct weft_linked_seg *prev;
  char *lo;
  int cls;
};
#define WEFT_LINKED_SEG_HEADER 64 /* bytes reserved for the header at the top */

/* t now runs on the segment [lo, lo + size), whose stack limit is `guard`
 * above lo (WEFT_SEG_GUARD, or a sized base segment's base_guard). */
static inline void weft_thread_on_segment(struct weft_thread *t, char *lo, size_t size,
                                          uint32_t guard) {
  t->cur_lo = lo;
  t->cur_size = (uint32_t)size;
  t->cur_guard = guard;
}
/* The stack limit (%fs:0x70) while t runs. */
static inline uintptr_t weft_thread_limit(const struct weft_thread *t) {
  return (uintptr_t)t->cur_lo + t->cur_guard;
}

/* Frees the linked segments a thread still holds (it exited, or longjmp'd
 * out of them), from the newest down to (not including) `keep`. */
void weft_linked_segs_release(struct weft_worker *w, struct weft_thread *t,
                              struct weft_linked_seg *keep) WEFT_HIDDEN;

struct weft_switch_msg {
  struct weft_thread *prev;
  int action;
};

#define WEFT_FIRST_SEG_MEMO 4

/* A FIFO of threads linked through rq_next under a spinlock, with a count
 * to look at without the lock: the global queue, the runtime's priority
 * queue and each worker's priority list. */
struct weft_queue {
  weft_spinlock lock;
  struct weft_thread *head, *tail;
  _Atomic long count;
};

struct weft_worker {
  unsigned index;
  struct weft_thread *current;
  void *g0_ctx;
  struct weft_fiber g0_fiber;
  struct weft_switch_msg msg;
  int *errno_ptr;                  /* this kernel thread's errno */
  uint32_t tick;
  unsigned rng;
  /* Scratch memory (scratch.c): a stack of the plugin's moved objects,
   * [scratch_lo, scratch_hi) mapped on first use. */
  char *scratch_lo, *scratch_top;
  _Atomic uint64_t switches, steals;
  /* Statistics written only by this worker's kernel thread; summed on read.
   * A thread may block on one worker and wake on another, so one worker's
   * blocked count can go negative. */
  _Atomic uint64_t spawned, exited;
  _Atomic int64_t blocked[WEFT_BLOCK_KINDS];
  uint64_t id_next, id_end;        /* a block of thread ids */
  struct weft_thread *all_head;    /* the live threads spawned here (gdb) */
  /* Descriptors of finished threads spawned here, with their segments,
   * per size class: a spawn takes one back as it is (mapped and warm).
   * Other workers hand theirs back through remote_free. */
  struct weft_thread *free_threads[WEFT_SEG_CLASSES];
  uint32_t free_count[WEFT_SEG_CLASSES];
  struct weft_thread *_Atomic remote_free;
  _Atomic int reclaim;             /* asked to give its free segments back */
  /* When its ring's backlog began (it passed WAKE_BACKLOG threads and has
   * not been empty since), 0 if none: other workers steal from the ring
   * only once it is STEAL_AGE old. */
  _Atomic int64_t backlog_since;
  int lingering;                   /* idle, looking again every STEAL_AGE */
  int64_t linger_until;
  struct weft_seg_cache segs;
  char *scratch_hi;                /* scratch memory's end (below) */
  /* The first segments of the last entry functions spawned here (thread.c,
   * first_segment_memo). */
  struct weft_first_seg {
    const void *set;
    void *(*fn)(void *);
    int cls;
    uint32_t slack, guard;
  } first_seg[WEFT_FIRST_SEG_MEMO];
  _Atomic int idle;
  _Atomic int woken;               /* woken and not yet settled: spinning */
  _Atomic int polling;
  _Atomic uint32_t sleep_word;
  /* Threads the policy favours, made runnable on this worker (idle
   * workers take half). */
  struct weft_queue prio;
  _Alignas(WEFT_CACHELINE) _Atomic uint32_t head;
  _Alignas(WEFT_CACHELINE) _Atomic uint32_t tail;
  struct weft_thread *_Atomic ring[WEFT_RQ_SIZE];
};

/* ---- state the files of sched/ share (defined in startup.c) ---------- */

/* A locked FIFO of threads, linked through rq_next (runq.c). */

struct weft_runtime {
  unsigned nworkers;
  struct weft_worker *workers;
  struct weft_queue global, prio;
  _Atomic int started;   /* 0, 1, or WEFT_STARTED_FORKED (startup.c, fork) */
  int fork_skip;         /* in a fork child: the caller's worker, -1 if none */
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
   * there is one worker (see thread.c). */
  weft_spinlock ext_lock;
  struct ext_claim *ext_head;
  _Atomic int ext_count;
};
extern struct weft_runtime weft_rt WEFT_HIDDEN;
/* Takes back what a longjmp left in w's scratch memory (scratch.c); the
 * worker's scheduler loop calls it when the region is not empty. */
void weft_scratch_empty(struct weft_worker *w) WEFT_HIDDEN;
#define WEFT_STARTED_FORKED 2
/* This kernel thread's worker, null if it is none. Code that may have
 * switched since it last looked (and so moved to another kernel thread)
 * reads it through weft_cur_worker; g0, which never moves, and code
 * before its first switch read it directly. */
extern WEFT_TLS struct weft_worker *weft_tls_worker WEFT_HIDDEN;

/* The running user thread / worker of this kernel thread (null outside).
 * Never inlined, so a caller that may have switched (and migrated to
 * another kernel thread) reads them afresh. */
/* This kernel thread's seg_busy word (segment_call.c), for the signal
 * handlers of the io layer. */
int *weft_seg_busy(void) WEFT_HIDDEN;
struct weft_thread *weft_current(void) WEFT_HIDDEN;
/* Whether t was started or made detached (pthread_getattr_np). */
int weft_thread_detached(struct weft_thread *t) WEFT_HIDDEN;
struct weft_worker *weft_cur_worker(void) WEFT_HIDDEN;
int weft_get_errno(void) WEFT_HIDDEN;
void weft_set_errno(int e) WEFT_HIDDEN;

/* Blocking protocol:
 *     gen = weft_arm(self);            // before publishing the waiter
 *     lock(q); push waiter{self, gen}; unlock(q);
 *     weft_park(kind);                 // returns once woken
 * and a waker, holding the lock of the queue it found the waiter in:
 *     if (weft_wake(w->thread, w->gen)) ... it was woken by us
 * A wake with a stale gen does nothing, so a timeout and a signal racing
 * for one thread wake it once. */
uint64_t weft_arm(struct weft_thread *self) WEFT_HIDDEN;
/* weft_arm, recording first the blocking point the thread will park at, so
 * a waker that comes before the park already sees it (the policy uses it). */
static inline uint64_t weft_arm_for(struct weft_thread *self, int kind) {
  atomic_store_explicit(&self->block_kind, kind, memory_order_relaxed);
  return weft_arm(self);
}
/* For a thread that armed but will not park after all: withdraw the token.
 * If a waker already took it (the thread is being made runnable), park to
 * absorb that wake-up, so the thread is never queued while it runs. */
void weft_unarm(struct weft_thread *self, uint64_t gen, int kind) WEFT_HIDDEN;
int weft_wake(struct weft_thread *t, uint64_t gen) WEFT_HIDDEN;
void weft_park(int kind) WEFT_HIDDEN;
/* Arms, parks with a deadline; returns 0 if woken, ETIMEDOUT on timeout
 * (the caller must then take its waiter out of its queue, under the lock,
 * if still queued). deadline < 0: no deadline. */
int weft_park_until(int kind, int64_t deadline, uint64_t gen) WEFT_HIDDEN;
void weft_ready(struct weft_thread *t) WEFT_HIDDEN;

/* Timers (sched/timer.c). */
/* Arms t: `thread` is woken with `gen` at `deadline` unless woken before.
 * Its entry may still be queued from an earlier wait (timer.c). */
void weft_timer_arm(struct weft_timer *t, struct weft_thread *thread, int64_t deadline,
                    uint64_t gen) WEFT_HIDDEN;
/* After the wait of generation `gen`: whether t's deadline ended it. */
int weft_timer_timed_out(struct weft_timer *t, uint64_t gen) WEFT_HIDDEN;
/* Takes t's entry out of the heap, if it has one. */
void weft_timer_cancel(struct weft_timer *t) WEFT_HIDDEN;
int64_t weft_timer_next(void) WEFT_HIDDEN;       /* INT64_MAX if none */
void weft_timer_fire(int64_t now) WEFT_HIDDEN;
/* In a fork child: the heap is empty (its timers were those of threads
 * the child does not have) and its lock free. */
void weft_timer_forked_child(void) WEFT_HIDDEN;

/* The contract between the scheduler and the io layer above it. The
 * scheduler calls into io only through this table and knows nothing else
 * of io: nothing in sched/ includes an io header or names an io function.
 * io calls the scheduler as any layer above it does (weft_park, weft_wake,
 * weft_cur_worker, ...).
 *
 * startup.c defines weft_io empty (a weak definition: every member null,
 * and the scheduler checks a member before it calls it); io/poller.c
 * defines it again, filled, and that definition replaces the empty one
 * wherever the two are linked together. They always are in libweft.so. A
 * program linked with libweft.a gets io with the first call io interposes
 * that it makes (read, sleep, sigaction, ...); one that makes none runs
 * with the empty table, and its idle workers sleep on their futex until
 * the next timer is due. The table is data fixed at link time: there is
 * no order of initialisation to get right, it is filled before any code
 * runs (a constructor that registered it could run after another
 * library's constructor has started the runtime).
 *
 * What the scheduler calls, and when:
 *   init         once, from runtime_init (startup.c), after the workers
 *                are allocated (weft_workers() is set) and before any of
 *                them runs a thread: the poller's epoll set and the
 *                settings of io_uring and the file pool.
 *   worker_init  on each worker's kernel thread before it runs a thread
 *                (worker.c, weft_worker_bind): its alternate signal stack.
 *   poll         wait up to `timeout_ns` (0: do not wait, <0: forever) for
 *                descriptor events and wake their waiters; by one worker at
 *                a time (the poller, weft_rt.poller_taken).
 *   kick         make a worker waiting in poll return (from any thread).
 *   waiting      whether some thread is parked on a descriptor, on
 *                io_uring or in an interruptible call, so that a worker
 *                should poll; io counts them (weft_io_wait_begin/end).
 *   fork_prepare, fork_parent, forked_child
 *                around a fork of a started runtime (startup.c, "fork"):
 *                prepare in the parent before the fork, after the
 *                program's own prepare handlers; parent in the parent
 *                after it; forked_child in the child, after the scheduler
 *                has rebuilt its own state and before the child's new
 *                workers start and the program's child handlers run. The
 *                child's io must share nothing with the parent's that a
 *                kernel thread of the parent could change (the epoll set,
 *                the kick eventfd, io_uring rings) and must forget what
 *                threads that do not exist in the child were doing (waiter
 *                queues, per-descriptor locks, the file pool, the lists
 *                of interruptible calls). */
struct weft_io_ops {
  void (*init)(void);
  void (*worker_init)(void);
  void (*poll)(int64_t timeout_ns);
  void (*kick)(void);
  int (*waiting)(void);
  void (*fork_prepare)(void);
  void (*fork_parent)(void);
  void (*forked_child)(void);
};
extern struct weft_io_ops weft_io WEFT_HIDDEN;
/* Run at thread exit by the pthread layer (key destructors). */
extern void (*weft_exit_hook)(struct weft_thread *t) WEFT_HIDDEN;
/* Run on the main kernel thread when main's user thread is created (the
 * pthread layer hands it the key values set before main). */
extern void (*weft_main_hook)(struct weft_thread *t) WEFT_HIDDEN;
/* Wakes an idle worker when the poller should look again (new earlier timer). */
void weft_sched_kick_poller(void) WEFT_HIDDEN;

/* The runtime. */
int weft_runtime_started(void) WEFT_HIDDEN;
/* Prints weft_stats to stderr (WEFT_STATS=1, at exit; stats.c). */
void weft_stats_at_exit(void) WEFT_HIDDEN;
/* fork (startup.c): layers above io (sync, pthread) that keep locks of
 * their own register a function that frees them in the child, from a
 * constructor; the child runs them after io's forked_child, before the
 * program's child handlers. At most WEFT_FORK_HOOKS of them. */
#define WEFT_FORK_HOOKS 8
void weft_fork_child_hook(void (*fn)(void)) WEFT_HIDDEN;
/* Starts the runtime, or in a fork child the workers other than the
 * caller's, if not done yet. */
void weft_runtime_ensure(void) WEFT_HIDDEN;
int weft_spawn_internal(struct weft_thread **out, size_t stack_size, int detached,
                        void *(*fn)(void *), void *arg) WEFT_HIDDEN;
/* The real pthread_create, for the runtime's own kernel threads. */
extern int (*weft_real_pthread_create)(void *, const void *, void *(*)(void *),
                                       void *) WEFT_HIDDEN;
void weft_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2))) WEFT_HIDDEN;


#endif
