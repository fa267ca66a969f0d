/* sched/thread.c: a user thread's life: spawn, entry and exit, join and
 * detach, and where its descriptor and segment come from and go back to.
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
#define _GNU_SOURCE
#include "sched/sched_internal.h"
#include "stack/needs.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

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
  /* The join word goes from 0 to one claim (a joiner, a detach or the
   * exit's mark), never back: a claim is a nonzero word. */
  WEFT_DCHECK(want != 0);
  uintptr_t j = 0;
  if (on_worker || weft_rt.nworkers > 1) {
    atomic_compare_exchange_strong_explicit(&t->join, &j, want, memory_order_acq_rel,
                                            memory_order_acquire);
    return j;
  }
  struct ext_claim c = {.t = t, .want = want};
  weft_spin_lock(&weft_rt.ext_lock);
  c.next = weft_rt.ext_head;
  weft_rt.ext_head = &c;
  atomic_fetch_add(&weft_rt.ext_count, 1);
  weft_spin_unlock(&weft_rt.ext_lock);
  weft_wake_idle_worker_from(0);
  while (!atomic_load_explicit(&c.replied, memory_order_acquire))
    weft_futex_wait(&c.replied, 0, 0);
  return c.seen;
}

/* On the one worker: the claims kernel threads asked for. */
void weft_ext_claims_run(void) {
  weft_spin_lock(&weft_rt.ext_lock);
  struct ext_claim *c = weft_rt.ext_head;
  weft_rt.ext_head = 0;
  atomic_store(&weft_rt.ext_count, 0);
  weft_spin_unlock(&weft_rt.ext_lock);
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
  weft_spin_lock(&weft_rt.all_lock);
  t->all_prev = 0;
  t->all_next = weft_rt.all_head;
  if (weft_rt.all_head) weft_rt.all_head->all_prev = t;
  weft_rt.all_head = t;
  weft_spin_unlock(&weft_rt.all_lock);
}

/* Only on the kernel thread of the worker whose list holds t (or under
 * weft_rt.all_lock for the global list). */
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
void weft_reclaim_local(struct weft_worker *w) {
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
  weft_reclaim_local(w);
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    struct weft_worker *v = &weft_rt.workers[i];
    if (v == w) continue;
    atomic_store(&v->reclaim, 1);
    atomic_store(&v->sleep_word, 1);
    weft_futex_wake(&v->sleep_word, 1);
    if (atomic_load(&v->polling) && weft_io.kick) weft_io.kick();
  }
  int64_t until = weft_now_ns() + 20000000;
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    while (atomic_load(&weft_rt.workers[i].reclaim) && weft_now_ns() < until)
      (void)syscall(SYS_sched_yield); /* cannot fail on Linux */
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
    weft_spin_lock(&weft_rt.all_lock);
    list_remove(&weft_rt.all_head, t);
    weft_spin_unlock(&weft_rt.all_lock);
    weft_seg_free(w ? &w->segs : 0, t->stack_lo, t->seg_class);
    return;
  }
  struct weft_worker *home = &weft_rt.workers[t->list_worker];
  struct weft_thread *h = atomic_load_explicit(&home->remote_free, memory_order_relaxed);
  do t->rq_next = h;
  while (!atomic_compare_exchange_weak_explicit(&home->remote_free, &h, t, memory_order_release,
                                                memory_order_relaxed));
}

void weft_thread_finish(struct weft_worker *w, struct weft_thread *t) {
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
  if (weft_rt.nworkers == 1) {
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
    wake(joiner, gen);
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
   * only after `done`, which weft_thread_finish sets once off this stack. */
  uintptr_t j = atomic_load_explicit(&self->join, memory_order_acquire);
  if (j > WEFT_JOIN_EXTERNAL) {
    struct weft_waiter *wt = (struct weft_waiter *)j;
    struct weft_thread *joiner = wt->thread;
    uint64_t gen = wt->gen;
    atomic_store_explicit(&self->join, WEFT_JOIN_DONE, memory_order_release);
    wake(joiner, gen);
  }
  struct weft_thread *next = pick_next_fast(w);
#ifdef WEFT_CONTEXT_START
  if (next && atomic_load_explicit(&next->ctx_ready, memory_order_acquire) == CTX_FRESH)
    exit_to_fresh(w, self, next);
#endif
  weft_switch_to(w, self, next, ACT_EXIT);
  __builtin_unreachable();
}

void weft_thread_entry(struct weft_transfer tr) {
  weft_after_switch(tr);
  struct weft_thread *self = weft_tls_worker->current;
  void *r = self->fn(self->arg);
  thread_exit(r);
}

#ifdef WEFT_CONTEXT_START
/* A thread that never ran, started by exit_to_fresh: what weft_after_switch
 * does for an exit, then fn. */
static __attribute__((noreturn)) void thread_start(void *data) {
  struct weft_worker *w = weft_tls_worker;
  weft_thread_finish(w, ((struct weft_switch_msg *)data)->prev);
  struct weft_thread *self = w->current;
  *w->errno_ptr = 0;
  thread_exit(self->fn(self->arg));
}

/* weft_switch_to(w, prev, next, ACT_EXIT) for a `next` that never ran: the
 * leaving thread's registers need no saving, and the new one needs no
 * frame to resume, so the stack pointer moves to next's stack top and
 * thread_start runs there (weft_context_start). This is the path of a
 * thread that exits while a spawned one waits: half the cost of a jump. */
static __attribute__((noreturn)) void exit_to_fresh(struct weft_worker *w,
                                                    struct weft_thread *prev,
                                                    struct weft_thread *next) {
  if (WEFT_UNLIKELY(!weft_seg_canary_ok(prev->cur_lo))) weft_overflow_abort(prev);
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
 * weft_thread_entry's), and below it for the calls the runtime makes on the
 * thread's stack before fn starts (weft_after_switch) and after it returns
 * (thread_exit: the switch away). test/lit/e2e/first-segment.c measures
 * them. __weft_call_on_new_segment's frames below the limit, up to the
 * switch to a new segment, count in the reserve. */
#define ENTRY_ABOVE 128
#define ENTRY_CHAIN 512
#define SEGMENT_CALL_STACK 512

/* What instrumented code may use below the stack limit on a default
 * segment: the slack a passed check leaves, the frame of a function
 * checked at its entry, and __weft_call_on_new_segment's frames up to the
 * switch (weft/abi.h: the plugin's side of the same numbers). */
_Static_assert(WEFT_SEG_UNWIND_RESERVE >=
                   WEFT_STACK_CHECK_SLACK + WEFT_STACK_ENTRY_FRAME_MAX + SEGMENT_CALL_STACK,
               "the reserve below the stack limit holds what checked code may use there");

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
  if (c < 0 || c >= weft_rt.default_class) return;
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
  runtime_ensure();
  int cls = weft_rt.default_class;
  size_t slack = weft_seg_class_size(cls) / 64; /* a default stack is the whole segment */
  uint32_t guard = WEFT_SEG_GUARD;
  if (!stack_size) {
    if (WEFT_UNLIKELY(weft_stack_needs_present())) {
      if (WEFT_LIKELY(weft_tls_worker != 0))
        first_segment_memo(weft_tls_worker, fn, &cls, &slack, &guard);
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
  struct weft_worker *w = weft_tls_worker;
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
    if (WEFT_UNLIKELY(!t) && err == EAGAIN && w && weft_rt.nworkers > 1) {
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
      w->id_next = atomic_fetch_add_explicit(&weft_rt.next_id, 1024, memory_order_relaxed) + 1;
      w->id_end = w->id_next + 1024;
    }
    t->id = w->id_next++;
  } else {
    t->id = atomic_fetch_add_explicit(&weft_rt.next_id, 1, memory_order_relaxed) + 1;
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
  /* Its context is made when something jumps to it (weft_switch_to); a thread
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
    atomic_fetch_add(&weft_rt.spawned, 1);
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
    weft_backoff(&spins);
}

int weft_join(weft_thread_t *thread, void **result) {
  struct weft_thread *t = (struct weft_thread *)thread;
  if (!t || t->magic != WEFT_THREAD_MAGIC) return ESRCH;
  struct weft_worker *w = weft_tls_worker;
  struct weft_thread *self = w ? w->current : 0;
  if (t == self) return EDEADLK;
  if (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
    uintptr_t j;
    if (self) {
      struct weft_waiter wt = {.thread = self};
      wt.gen = arm_for(self, WEFT_BLOCK_JOIN);
      j = join_claim(t, (uintptr_t)&wt, 1);
      if (j == 0) {
        weft_park(WEFT_BLOCK_JOIN);
      } else {
        unarm(self, wt.gen, WEFT_BLOCK_JOIN);
        if (j != WEFT_JOIN_DONE) return EINVAL;
      }
      w = weft_tls_worker;
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
  uintptr_t j = join_claim(t, WEFT_JOIN_DETACHED, weft_tls_worker != 0);
  if (j == 0) return 0;
  if (j != WEFT_JOIN_DONE) return EINVAL;
  wait_done(t);
  free_thread(weft_tls_worker, t);
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
