/* sync: atomic sections (WEFT_ATOMIC) at run time.
 *
 * A section never reaches a blocking point (the plugin checks it; weft_park
 * aborts with a message naming the thread if one does), so a user thread
 * stays on one worker from the start of a section to its end, and every
 * lock below is held only while its holder runs: the waits spin.
 *
 * Two kinds of sections:
 *   described  the plugin listed the lock ids of what the section touches
 *              (struct weft_section, nlocks ids; maybe none);
 *   coarse     no description (code built without the plugin) or
 *              nlocks == WEFT_SECTION_COARSE: it excludes every other
 *              section.
 *
 * The locks, on several workers:
 *   - a big-reader lock (brlock) between described and coarse sections:
 *     each worker has a flag on a cache line of its own, which only that
 *     worker's kernel thread writes. A described section sets its worker's
 *     flag (a store with a full barrier; on x86-64 the locked exchange
 *     that takes its first stripe is that barrier, see described_enter)
 *     and then reads the coarse word; a
 *     coarse section takes the coarse word (a compare-and-swap, which also
 *     serialises coarse sections) and then waits until every worker's flag
 *     has been seen clear. One of the two sees the other (both orders are
 *     sequentially consistent); a described section that sees the coarse
 *     word taken clears its flag and waits for the word to be free. So a
 *     described section writes no line but its own worker's flag and its
 *     stripes: two of them on two workers share nothing written.
 *   - stripes: 1024 spinlocks, one per cache line. Id i is stripe
 *     i % 1024. A described section maps its ids to stripes, sorts them and
 *     drops duplicates, and takes them in ascending stripe order, which is
 *     one global order, so sections that take several stripes do not
 *     deadlock (ids in ascending order would not do: with 1024 stripes ids
 *     5 and 1030 are stripes 5 and 6, ids 6 and 1029 stripes 6 and 5). Up
 *     to SMALL ids are sorted in a small array on the stack; more go
 *     through a 1024-bit map of the stripes, also on the stack. A section
 *     whose ids share a stripe with another's waits for it even if their
 *     ids differ (a false conflict, never a missed one).
 *
 * On one worker, sections on that worker cannot overlap (scheduling is
 * cooperative), so a section takes no stripe and no coarse word; it only
 * sets the worker's flag, for the kernel threads below, without the full
 * barrier when the kernel has membarrier(2): a kernel thread's section
 * then issues the barrier on the worker's behalf (MEMBARRIER_CMD_PRIVATE_
 * EXPEDITED) before it reads the flag.
 *
 * Kernel threads weft does not own (and a worker's own loop) have no
 * worker flag: every section they run is coarse, whatever its description.
 *
 * Nested sections run under the outermost section's locks: a depth counter
 * per user thread (per kernel thread for the others) makes inner enters and
 * leaves do nothing else. A user thread that yields inside a section (the
 * plugin rejects it, weft_yield being a blocking call) may come back on
 * another worker: on several workers, leaving a described section on a
 * worker whose flag is not set is reported and aborts.
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <string.h>

#include "sched/sched.h"

#define STRIPES 1024
#define SMALL 16

struct stripe {
  _Alignas(WEFT_CACHELINE) weft_spinlock lock;
};
struct flag {
  _Alignas(WEFT_CACHELINE) _Atomic uint32_t in;
};

static struct stripe stripes[STRIPES];
static struct flag flags[WEFT_MAX_WORKERS];
/* Held by a coarse section (or a kernel thread's). */
static _Alignas(WEFT_CACHELINE) _Atomic uint32_t coarse_word;
/* membarrier for the one-worker flag: 0 not asked yet, 1 registered,
 * 2 not available (the flag then takes the full barrier). */
static _Alignas(WEFT_CACHELINE) _Atomic int asym_state;
static WEFT_TLS unsigned kernel_depth;

static int coarse(const struct weft_section *s) {
  return !s || s->nlocks == WEFT_SECTION_COARSE;
}

/* ---- the stripes -------------------------------------------------------- */

/* The distinct stripes of s's ids, ascending, when s has at most SMALL ids. */
static unsigned small_set(const struct weft_section *s, uint16_t *out) {
  unsigned n = 0;
  for (unsigned i = 0; i < s->nlocks; i++) {
    uint16_t v = (uint16_t)(s->locks[i] % STRIPES);
    unsigned j = n;
    while (j > 0 && out[j - 1] > v) j--;
    if (j > 0 && out[j - 1] == v) continue;
    for (unsigned k = n; k > j; k--) out[k] = out[k - 1];
    out[j] = v;
    n++;
  }
  return n;
}

static void big_set(const struct weft_section *s, uint64_t *bits) {
  memset(bits, 0, STRIPES / 8);
  for (unsigned i = 0; i < s->nlocks; i++) {
    unsigned v = s->locks[i] % STRIPES;
    bits[v / 64] |= 1ull << (v % 64);
  }
}

__attribute__((noinline)) static void lock_stripes(const struct weft_section *s) {
  if (s->nlocks <= SMALL) {
    uint16_t set[SMALL];
    unsigned n = small_set(s, set);
    for (unsigned i = 0; i < n; i++) weft_spin_lock(&stripes[set[i]].lock);
  } else {
    uint64_t bits[STRIPES / 64];
    big_set(s, bits);
    for (unsigned w = 0; w < STRIPES / 64; w++)
      for (uint64_t b = bits[w]; b; b &= b - 1)
        weft_spin_lock(&stripes[w * 64 + (unsigned)__builtin_ctzll(b)].lock);
  }
}

/* Releases each stripe once (a second release could free a stripe another
 * section has taken since). */
__attribute__((noinline)) static void unlock_stripes(const struct weft_section *s) {
  if (s->nlocks <= SMALL) {
    uint16_t set[SMALL];
    unsigned n = small_set(s, set);
    for (unsigned i = n; i-- > 0;) weft_spin_unlock(&stripes[set[i]].lock);
  } else {
    uint64_t bits[STRIPES / 64];
    big_set(s, bits);
    for (unsigned w = 0; w < STRIPES / 64; w++)
      for (uint64_t b = bits[w]; b; b &= b - 1)
        weft_spin_unlock(&stripes[w * 64 + (unsigned)__builtin_ctzll(b)].lock);
  }
}

/* ---- the brlock ----------------------------------------------------------- */

/* Whether a kernel thread's section issues the barrier for the one-worker
 * flag. Every caller computes the same answer (registering is idempotent),
 * so racing first calls agree. Not under TSan, which does not know that
 * membarrier orders the worker's accesses. */
#ifndef WEFT_TSAN
__attribute__((noinline)) static int asymmetric_first(void) {
  int st = syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 ? 1 : 2;
  atomic_store_explicit(&asym_state, st, memory_order_relaxed);
  return st;
}
#endif
static inline int asymmetric(void) {
#ifdef WEFT_TSAN
  return 0;
#else
  int st = atomic_load_explicit(&asym_state, memory_order_relaxed);
  if (WEFT_UNLIKELY(!st)) st = asymmetric_first();
  return st == 1;
#endif
}

static void wait_coarse_free(void) {
  for (unsigned spins = 0; atomic_load_explicit(&coarse_word, memory_order_relaxed);)
    weft_backoff(&spins);
}

/* The described side, on worker `me`. */
static void shared_enter(struct flag *me, int fenced) {
  for (;;) {
    if (fenced) {
      atomic_store_explicit(&me->in, 1, memory_order_seq_cst);
      if (!atomic_load_explicit(&coarse_word, memory_order_seq_cst)) return;
    } else {
      atomic_store_explicit(&me->in, 1, memory_order_relaxed);
      atomic_signal_fence(memory_order_seq_cst);
      if (!atomic_load_explicit(&coarse_word, memory_order_acquire)) return;
    }
    atomic_store_explicit(&me->in, 0, memory_order_release);
    wait_coarse_free();
  }
}

static inline void take_stripes(const struct weft_section *s) {
  if (s->nlocks == 1)
    weft_spin_lock(&stripes[s->locks[0] % STRIPES].lock);
  else
    lock_stripes(s);
}
static inline void release_stripes(const struct weft_section *s) {
  if (s->nlocks == 1)
    weft_spin_unlock(&stripes[s->locks[0] % STRIPES].lock);
  else
    unlock_stripes(s);
}

/* A described section on several workers. On x86-64 the flag is stored
 * without a barrier of its own: the locked exchange that takes the first
 * stripe drains it before the coarse word is read (a locked instruction
 * is a full barrier there), so a section with ids makes one locked
 * instruction per stripe and no other. If the coarse word is taken it
 * gives its stripes back before it waits. Elsewhere, and under TSan
 * (which reasons from the C11 orders only), the flag takes the barrier. */
static inline void described_enter(struct flag *me, const struct weft_section *s) {
#if defined(__x86_64__) && !defined(WEFT_TSAN)
  if (s->nlocks) {
    for (;;) {
      atomic_store_explicit(&me->in, 1, memory_order_relaxed);
      atomic_signal_fence(memory_order_seq_cst); /* the compiler keeps the order */
      take_stripes(s);
      atomic_signal_fence(memory_order_seq_cst);
      if (!atomic_load_explicit(&coarse_word, memory_order_acquire)) return;
      release_stripes(s);
      atomic_store_explicit(&me->in, 0, memory_order_release);
      wait_coarse_free();
    }
  }
#endif
  shared_enter(me, 1);
  if (s->nlocks) take_stripes(s);
}

static void shared_leave(struct flag *me) {
  atomic_store_explicit(&me->in, 0, memory_order_release);
}

__attribute__((noinline)) static void coarse_enter(void) {
  for (unsigned spins = 0;;) {
    uint32_t v = 0;
    if (atomic_compare_exchange_weak_explicit(&coarse_word, &v, 1, memory_order_seq_cst,
                                              memory_order_relaxed))
      break;
    weft_backoff(&spins);
  }
  unsigned n = weft_rt.nworkers;
  if (n == 1 && asymmetric())
    (void)syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
  for (unsigned i = 0; i < n; i++)
    for (unsigned spins = 0; atomic_load_explicit(&flags[i].in, memory_order_seq_cst);)
      weft_backoff(&spins);
}

static void coarse_leave(void) {
  atomic_store_explicit(&coarse_word, 0, memory_order_release);
}

/* ---- enter and leave ------------------------------------------------------ */

/* The common paths are inline and keep a small frame: one id, or none, on
 * a user thread; the rest are calls. */

__attribute__((noinline)) static void kernel_enter(void) {
  if (!kernel_depth++) coarse_enter();
}
__attribute__((noinline)) static void kernel_leave(void) {
  if (!--kernel_depth) coarse_leave();
}

struct weft_section_guard __weft_section_enter(const struct weft_section *section) {
  struct weft_section_guard g = {section, 1};
  struct weft_worker *w = weft_tls_worker;
  struct weft_thread *t = w ? w->current : 0;
  if (WEFT_UNLIKELY(!t)) {
    kernel_enter();
    return g;
  }
  if (t->section_depth++) return g;
  if (weft_rt.nworkers <= 1) {
    shared_enter(&flags[w->index], !asymmetric());
  } else if (coarse(section)) {
    coarse_enter();
  } else {
    described_enter(&flags[w->index], section);
  }
  return g;
}

__attribute__((noinline, noreturn)) static void left_elsewhere(struct weft_thread *t,
                                                                const struct weft_section *s) {
  weft_fatal("weft: user thread %llu left a WEFT_ATOMIC section (%s:%u) on another worker "
             "than the one it entered it on; a section must not yield or block",
             (unsigned long long)t->id, s->file ? s->file : "?", s->line);
}

void __weft_section_leave(struct weft_section_guard *guard) {
  struct weft_worker *w = weft_tls_worker;
  struct weft_thread *t = w ? w->current : 0;
  if (WEFT_UNLIKELY(!t)) {
    kernel_leave();
    return;
  }
  if (--t->section_depth) return;
  const struct weft_section *s = guard->section;
  struct flag *me = &flags[w->index];
  if (weft_rt.nworkers <= 1) {
    shared_leave(me);
  } else if (coarse(s)) {
    coarse_leave();
  } else {
    if (WEFT_UNLIKELY(!atomic_load_explicit(&me->in, memory_order_relaxed))) left_elsewhere(t, s);
    if (s->nlocks) release_stripes(s);
    shared_leave(me);
  }
}

/* In a fork child: the sections the parent's other threads were in are
 * not left by anyone, so every lock is free again (sched/startup.c). A
 * fork from inside a section is not supported on several workers: the
 * child would not hold that section's locks. The child registers for
 * membarrier again on first use (registering is idempotent). */
static void section_forked_child(void) {
  for (unsigned i = 0; i < STRIPES; i++) weft_spin_unlock(&stripes[i].lock);
  for (unsigned i = 0; i < WEFT_MAX_WORKERS; i++)
    atomic_store_explicit(&flags[i].in, 0, memory_order_relaxed);
  atomic_store_explicit(&coarse_word, 0, memory_order_relaxed);
  atomic_store_explicit(&asym_state, 0, memory_order_relaxed);
}

__attribute__((constructor)) static void section_fork_register(void) {
  weft_fork_child_hook(section_forked_child);
}
