/* arch: the few machine- and kernel-facing primitives every other layer of
 * libweft uses: a pause hint, a small spinlock, futex wait/wake and a
 * monotonic clock. Nothing here knows about threads or schedulers. The
 * runtime calls the kernel through syscall(2) directly so that its own
 * work never goes through the libc functions it interposes. */
#ifndef WEFT_ARCH_CPU_H
#define WEFT_ARCH_CPU_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WEFT_CACHELINE 64
#define WEFT_HIDDEN __attribute__((visibility("hidden")))
#define WEFT_TLS __thread __attribute__((tls_model("initial-exec")))
#define WEFT_LIKELY(x) __builtin_expect(!!(x), 1)
#define WEFT_UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline void weft_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Waiting for another kernel thread to finish a few instructions: spin
 * with the pause hint for WEFT_SPINS_BEFORE_YIELD rounds, then give the
 * kernel thread away on every round, so that a holder preempted on a busy
 * machine gets to run. `*spins` starts at 0 for each wait. */
#define WEFT_SPINS_BEFORE_YIELD 128
static inline void weft_backoff(unsigned *spins) {
  if (++*spins < WEFT_SPINS_BEFORE_YIELD)
    weft_cpu_relax();
  else
    (void)syscall(SYS_sched_yield); /* cannot fail on Linux */
}

/* A test-and-test-and-set lock. Held only for a few instructions (queue
 * links, never across a blocking point); after a while it yields the
 * kernel thread, so a preempted holder on a busy machine gets to run. */
typedef struct { _Atomic uint32_t word; } weft_spinlock;

static inline int weft_spin_trylock(weft_spinlock *l) {
  return atomic_load_explicit(&l->word, memory_order_relaxed) == 0 &&
         atomic_exchange_explicit(&l->word, 1, memory_order_acquire) == 0;
}
static inline void weft_spin_lock(weft_spinlock *l) {
  unsigned spins = 0;
  while (!weft_spin_trylock(l))
    weft_backoff(&spins);
}
static inline void weft_spin_unlock(weft_spinlock *l) {
  atomic_store_explicit(&l->word, 0, memory_order_release);
}

static inline long weft_futex_wait(_Atomic uint32_t *addr, uint32_t expect,
                                   const struct timespec *rel) {
  return syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expect, rel,
                 0, 0);
}
static inline long weft_futex_wake(_Atomic uint32_t *addr, int n) {
  return syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, 0, 0, 0);
}

static inline int64_t weft_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The sanitizer the runtime was built with, as one switch for every layer. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define WEFT_TSAN 1
#endif
#endif

#endif
