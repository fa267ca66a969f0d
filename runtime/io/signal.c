/* io: signal handlers that interrupt parked calls (EINTR).
 *
 * A user thread parked in an interposed call is not in a system call, so
 * the kernel has nothing to interrupt when a signal comes: the handler
 * runs on whichever kernel thread the kernel picked (a worker running
 * some other user thread, an idle worker, a thread weft does not own), and
 * the kernel cannot know which user thread the program meant. weft
 * therefore applies a handler to the process:
 *
 *   When a handler installed with sigaction/signal (wrapped here) returns,
 *   every interposed call that is parked at that moment, and began before
 *   the handler returned, fails with EINTR, if Linux would have failed it
 *   for a thread it interrupted: calls restarted under SA_RESTART
 *   (read/write/recv/send/accept/connect on sockets, pipes and ttys,
 *   wait/waitpid) fail only when the handler was installed without
 *   SA_RESTART; the calls Linux never restarts (poll, ppoll, select,
 *   pselect, epoll_wait, epoll_pwait, nanosleep, clock_nanosleep, usleep,
 *   sleep, and socket calls with SO_RCVTIMEO/SO_SNDTIMEO set) fail
 *   after any handler. Disk-file I/O, pthread and weft synchronisation and
 *   weft_sleep are not interrupted, as the kernel does not interrupt disk
 *   I/O and glibc restarts the others.
 *
 * The wrapper ("trampoline") is what the kernel sees installed; it calls
 * the program's handler, then counts the handler in `intr_seq` (low 32
 * bits: every handler; high 32 bits: handlers without SA_RESTART) and
 * kicks the poller. Nothing more runs in the handler: it takes no lock.
 * A call notes intr_seq when it begins; before parking it registers in the
 * list of its worker (under that list's lock) and looks whether a handler
 * has run since; the poller, seeing intr_seq move, walks the lists and
 * wakes the registered calls that are due (weft_wake), which then fail
 * with EINTR. A registered call counts as an I/O waiter, so some worker
 * polls while one is parked.
 *
 * Alternate stack. A handler must not run on the stack it interrupted:
 * that is a user thread's stack segment, perhaps a small linked one, and
 * the stack limit (%fs:0x70) and the thread's segment chain may be half
 * updated there (in the scheduler's switch the limit names the next
 * thread before the stack pointer is on it; in __weft_call_on_new_segment
 * between the segment call's return and its cleanup). Every worker kernel
 * thread therefore has an alternate signal stack (weft_signal_stack_init,
 * from worker start-up: WEFT_ALTSTACK_SIZE bytes above a guard page, mapped
 * once and never freed, as workers live as long as the process), and the
 * kernel sees every wrapped handler with SA_ONSTACK. When the trampoline
 * finds itself on its worker's alternate stack it saves the stack limit
 * and the kernel thread's seg_busy word (sched/segment_call.c), sets the
 * limit for the alternate stack (its low end plus the canary, red zone and
 * unwind reserve, as for any segment) and seg_busy, runs the handler, and
 * puts both back. A handler built with checkpoints thus checks against
 * the stack it runs on, and only when it needs more than the whole
 * alternate stack (256 KiB of address space, the handlers' reserve) does
 * it take a mapping of its own (call_in_handler, which keeps it for the
 * next call), never the interrupted thread's segments or the worker's
 * segment cache. Elsewhere (threads weft does not own, a program that replaced the alternate stack with its own
 * sigaltstack, TSan's deferred delivery) the trampoline changes neither:
 * the limit there is 0, or whatever the program set up.
 *
 * sigaction(oldact) reports the program's handler and flags (without the
 * SA_ONSTACK and SA_SIGINFO added for the trampoline), not the
 * trampoline; SIG_DFL and SIG_IGN are installed as they are.
 */
#define _GNU_SOURCE
#include "io/io.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#define EXPORT __attribute__((visibility("default")))

#ifndef _NSIG
#define _NSIG 65
#endif

static _Atomic uint64_t intr_seq;
static _Atomic uint64_t intr_seen; /* the poller's last walk */

struct handler {
  void *_Atomic fn;  /* the program's sa_handler / sa_sigaction */
  _Atomic int flags; /* the program's sa_flags */
};
static struct handler handlers[_NSIG];
static sigset_t no_restart; /* signals siginterrupt(sig, 1) was called for */

/* Per worker and mode, so that a handler with SA_RESTART (a profiling
 * timer, say) walks only the calls it interrupts. */
struct intr_list {
  weft_spinlock lock;
  struct weft_intr *head;
};
static struct intr_list lists[WEFT_MAX_WORKERS][2];

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);
static sigaction_fn real_sigaction;

/* sigaction runs inside sanitizer start-up (TSan installs its handlers
 * before it can take instrumented code), and the trampoline in signal
 * context, perhaps on top of the sanitizer's own code: neither is
 * instrumented (WEFT_UNINSTRUMENTED, weft.h), and neither calls code that
 * is. */

WEFT_UNINSTRUMENTED __attribute__((constructor)) static void find_real_sigaction(void) {
  real_sigaction = WEFT_REAL(sigaction_fn, sigaction);
}

/* ---- the workers' alternate signal stacks -------------------------------- */

/* The handlers' reserve: what a handler on a worker may use before it
 * crosses into a mapping of its own (sched/segment_call.c). Address space
 * only: a handler touches the pages at the top, where the kernel puts its
 * signal frame, and the deeper pages only if it goes that deep. A nested
 * signal that comes while a handler runs here lands below that handler's
 * frame, since the kernel sees the stack pointer on the alternate stack;
 * beyond the reserve it would not, and would start again at the top. */
#define WEFT_ALTSTACK_SIZE (256 * 1024)
#define WEFT_ALTSTACK_GUARD 4096

/* This kernel thread's alternate stack, if it is a worker (null
 * otherwise). */
static WEFT_TLS char *altstack_lo;

void weft_signal_stack_init(void) {
  char *m = (char *)mmap(0, WEFT_ALTSTACK_GUARD + WEFT_ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (m == MAP_FAILED)
    weft_fatal("weft: cannot map a %d-byte alternate signal stack for a worker: %s",
               WEFT_ALTSTACK_SIZE, strerror(errno));
  if (mprotect(m, WEFT_ALTSTACK_GUARD, PROT_NONE) != 0)
    weft_fatal("weft: cannot protect the guard page of a worker's alternate signal stack: %s",
               strerror(errno));
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = m + WEFT_ALTSTACK_GUARD;
  ss.ss_size = WEFT_ALTSTACK_SIZE;
  if (sigaltstack(&ss, 0) != 0)
    weft_fatal("weft: sigaltstack for a worker failed: %s", strerror(errno));
  altstack_lo = m + WEFT_ALTSTACK_GUARD;
}

/* In a fork child: the lists of parked interruptible calls were those of
 * threads the child does not have. The calling kernel thread keeps its
 * alternate stack (the kernel copies its sigaltstack), and altstack_lo,
 * thread-local, still says so; new workers map their own. */
void weft_signal_forked_child(void) {
  for (unsigned i = 0; i < WEFT_MAX_WORKERS; i++) {
    for (int m = 0; m < 2; m++) {
      weft_spin_unlock(&lists[i][m].lock);
      lists[i][m].head = 0;
    }
  }
}

/* The program's handler, then count it and kick the poller: lock-free and
 * async-signal-safe. A registered call counts as an I/O waiter, so while
 * one is parked some worker polls (or a busy one looks every 256th switch),
 * and the kick reaches it. On a worker's alternate stack the handler runs
 * with the stack limit of that stack and seg_busy set (see the top). */
WEFT_UNINSTRUMENTED static void trampoline(int sig, siginfo_t *info, void *uc) {
  void *fn = atomic_load_explicit(&handlers[sig].fn, memory_order_acquire);
  int flags = atomic_load_explicit(&handlers[sig].flags, memory_order_relaxed);
  if (fn == (void *)SIG_DFL || fn == (void *)SIG_IGN) return; /* changed meanwhile */
  char *lo = altstack_lo;
  char *sp = (char *)__builtin_frame_address(0);
  int on_alt = lo && sp >= lo && sp < lo + WEFT_ALTSTACK_SIZE;
  uintptr_t limit = 0;
  int *busy = 0, was_busy = 0;
  if (on_alt) {
    limit = weft_stack_limit();
    busy = weft_seg_busy();
    was_busy = *busy;
    *busy = 1;
    weft_stack_limit_set((uintptr_t)lo + WEFT_SEG_GUARD);
    atomic_signal_fence(memory_order_seq_cst);
  }
  if (flags & SA_SIGINFO) ((void (*)(int, siginfo_t *, void *))fn)(sig, info, uc);
  else ((void (*)(int))fn)(sig);
  if (on_alt) {
    atomic_signal_fence(memory_order_seq_cst);
    weft_stack_limit_set(limit);
    *busy = was_busy;
  }
  int e = errno;
  atomic_fetch_add_explicit(&intr_seq, 1 | (flags & SA_RESTART ? 0 : 1ull << 32),
                            memory_order_release);
  weft_poller_kick();
  errno = e;
}

uint64_t weft_intr_now(void) { return atomic_load_explicit(&intr_seq, memory_order_acquire); }

static int due(uint64_t since, uint64_t now, int mode) {
  if (mode == WEFT_INTR_ALWAYS) return (uint32_t)now != (uint32_t)since;
  return (now >> 32) != (since >> 32);
}

int weft_intr_begin(struct weft_intr *r, uint64_t gen, uint64_t since, int mode) {
  struct weft_worker *w = weft_cur_worker();
  r->thread = weft_current();
  r->gen = gen;
  r->since = since;
  r->mode = mode;
  r->list = (int)w->index;
  atomic_store_explicit(&r->fired, 0, memory_order_relaxed);
  struct intr_list *l = &lists[r->list][mode == WEFT_INTR_ALWAYS];
  weft_spin_lock(&l->lock);
  r->prev = 0;
  r->next = l->head;
  if (l->head) l->head->prev = r;
  l->head = r;
  int now_due = due(since, weft_intr_now(), mode);
  weft_spin_unlock(&l->lock);
  weft_io_wait_begin();
  return now_due;
}

int weft_intr_end(struct weft_intr *r) {
  weft_io_wait_end();
  struct intr_list *l = &lists[r->list][r->mode == WEFT_INTR_ALWAYS];
  weft_spin_lock(&l->lock);
  if (r->prev) r->prev->next = r->next; else l->head = r->next;
  if (r->next) r->next->prev = r->prev;
  weft_spin_unlock(&l->lock);
  return atomic_load_explicit(&r->fired, memory_order_relaxed);
}

static int walk(uint64_t seen, uint64_t now);

/* Pollers may run this concurrently: each walks for the handlers between
 * the `intr_seen` it advanced from and the one it advanced to. */
int weft_intr_poll(void) {
  int woke = 0;
  for (;;) {
    uint64_t seen = atomic_load_explicit(&intr_seen, memory_order_acquire);
    uint64_t now = weft_intr_now();
    if (now == seen) return woke;
    if (atomic_compare_exchange_strong(&intr_seen, &seen, now)) woke += walk(seen, now);
  }
}

static int walk(uint64_t seen, uint64_t now) {
  int woke = 0;
  unsigned n = weft_workers();
  for (unsigned k = 0; k < 2 * n && k < 2 * WEFT_MAX_WORKERS; k++) {
    /* Only handlers without SA_RESTART (the high half) concern the
     * restartable calls (list 0). */
    if (k % 2 == 0 && (now >> 32) == (seen >> 32)) continue;
    /* Every list walked is locked, even an empty one: a call that
     * registers after the walk has passed its list then sees `now` itself
     * (begin). */
    struct intr_list *l = &lists[k / 2][k % 2];
    weft_spin_lock(&l->lock);
    for (struct weft_intr *r = l->head; r; r = r->next) {
      if (!due(r->since, now, r->mode) || atomic_load_explicit(&r->fired, memory_order_relaxed))
        continue;
      atomic_store_explicit(&r->fired, 1, memory_order_relaxed);
      woke += weft_wake(r->thread, r->gen);
    }
    weft_spin_unlock(&l->lock);
  }
  return woke;
}

/* ---- installing handlers ------------------------------------------------ */

WEFT_UNINSTRUMENTED EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  if (!real_sigaction) find_real_sigaction();
  if (sig <= 0 || sig >= _NSIG) return real_sigaction(sig, act, old);
  struct handler *h = &handlers[sig];
  void *old_fn = atomic_load_explicit(&h->fn, memory_order_relaxed);
  int old_flags = atomic_load_explicit(&h->flags, memory_order_relaxed);
  struct sigaction k, prev;
  const struct sigaction *pass = act;
  if (act && act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN) {
    k = *act;
    k.sa_sigaction = trampoline;
    k.sa_flags |= SA_SIGINFO | SA_ONSTACK;
    /* Recorded first, so a signal that comes as soon as the kernel has
     * the trampoline finds the handler. */
    atomic_store_explicit(&h->flags, act->sa_flags, memory_order_relaxed);
    atomic_store_explicit(&h->fn, (void *)act->sa_handler, memory_order_release);
    pass = &k;
  }
  int r = real_sigaction(sig, pass, &prev);
  if (r != 0) {
    if (pass == &k) {
      atomic_store_explicit(&h->flags, old_flags, memory_order_relaxed);
      atomic_store_explicit(&h->fn, old_fn, memory_order_release);
    }
    return r;
  }
  if (old) {
    *old = prev;
    if (prev.sa_sigaction == trampoline) {
      old->sa_handler = (void (*)(int))old_fn;
      old->sa_flags = old_flags;
    }
  }
  return 0;
}
WEFT_UNINSTRUMENTED EXPORT int __sigaction(int sig, const struct sigaction *act,
                                      struct sigaction *old) {
  return sigaction(sig, act, old);
}

static sighandler_t install(int sig, sighandler_t fn, int flags, int mask_self) {
  if (fn == SIG_ERR || sig <= 0 || sig >= _NSIG) {
    weft_set_errno(EINVAL);
    return SIG_ERR;
  }
  struct sigaction a, o;
  memset(&a, 0, sizeof a);
  a.sa_handler = fn;
  sigemptyset(&a.sa_mask);
  if (mask_self) sigaddset(&a.sa_mask, sig);
  a.sa_flags = flags;
  if (sigaction(sig, &a, &o) < 0) return SIG_ERR;
  return o.sa_handler;
}

/* BSD semantics, as glibc's signal: restarted unless siginterrupt said so. */
EXPORT sighandler_t signal(int sig, sighandler_t fn) {
  int restart = sig > 0 && sig < _NSIG && !sigismember(&no_restart, sig);
  return install(sig, fn, restart ? SA_RESTART : 0, 1);
}
EXPORT sighandler_t bsd_signal(int sig, sighandler_t fn) { return signal(sig, fn); }
EXPORT sighandler_t ssignal(int sig, sighandler_t fn) { return signal(sig, fn); }
/* System V semantics (what signal means under strict ISO C). */
EXPORT sighandler_t __sysv_signal(int sig, sighandler_t fn) {
  return install(sig, fn, SA_RESETHAND | SA_NODEFER, 0);
}
EXPORT sighandler_t sysv_signal(int sig, sighandler_t fn) { return __sysv_signal(sig, fn); }

EXPORT int siginterrupt(int sig, int flag) {
  struct sigaction a;
  if (sig <= 0 || sig >= _NSIG || sigaction(sig, 0, &a) < 0) {
    weft_set_errno(EINVAL);
    return -1;
  }
  if (flag) {
    sigaddset(&no_restart, sig);
    a.sa_flags &= ~SA_RESTART;
  } else {
    sigdelset(&no_restart, sig);
    a.sa_flags |= SA_RESTART;
  }
  return sigaction(sig, &a, 0);
}

/* sigset(3) as glibc has it: SIG_HOLD blocks; otherwise install with no
 * flags and unblock; the old disposition, or SIG_HOLD if it was blocked. */
EXPORT sighandler_t sigset(int sig, sighandler_t fn) {
  if (fn == SIG_ERR || sig <= 0 || sig >= _NSIG) {
    weft_set_errno(EINVAL);
    return SIG_ERR;
  }
  sigset_t one, was;
  sigemptyset(&one);
  sigaddset(&one, sig);
  struct sigaction o;
  if (fn == SIG_HOLD) {
    if (sigprocmask(SIG_BLOCK, &one, &was) < 0 || sigaction(sig, 0, &o) < 0) return SIG_ERR;
    return sigismember(&was, sig) ? SIG_HOLD : o.sa_handler;
  }
  struct sigaction a;
  memset(&a, 0, sizeof a);
  a.sa_handler = fn;
  sigemptyset(&a.sa_mask);
  if (sigaction(sig, &a, &o) < 0 || sigprocmask(SIG_UNBLOCK, &one, &was) < 0) return SIG_ERR;
  return sigismember(&was, sig) ? SIG_HOLD : o.sa_handler;
}
