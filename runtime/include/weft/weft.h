/* weft: compiler-assisted cooperative threads.
 *
 * This header holds two things:
 *   1. the annotations the weft Clang plugin reads (WEFT_BLOCKING, ...);
 *      without the plugin they compile to attributes that change nothing;
 *   2. the C API of the runtime, libweft.
 *
 * See docs/annotations.md and docs/runtime.md.
 */
#ifndef WEFT_WEFT_H
#define WEFT_WEFT_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Annotations                                                          */
/* ------------------------------------------------------------------ */

#if defined(__has_attribute)
#if __has_attribute(annotate) && defined(__clang__)
#define WEFT__ANNOTATE(...) __attribute__((annotate(__VA_ARGS__)))
#endif
#endif
#ifndef WEFT__ANNOTATE
#define WEFT__ANNOTATE(...)
#endif

/* The function may block: every call to it is a blocking point. */
#define WEFT_BLOCKING WEFT__ANNOTATE("weft.blocking")
/* The function never blocks. Checked where it is defined (an error if its
 * body can reach a blocking point), trusted where it is only declared. */
#define WEFT_NONBLOCKING WEFT__ANNOTATE("weft.nonblocking")
/* Trusted upper bound, in bytes, of the stack the function and everything
 * it calls uses. `n` must be a positive integer constant. */
#define WEFT_STACK_BOUND(n) WEFT__ANNOTATE("weft.stack_bound", n)
/* No race warnings for this variable. */
#define WEFT_NORACE WEFT__ANNOTATE("weft.norace")

/* Atomic sections.
 *
 *     WEFT_ATOMIC {
 *         balance -= amount;
 *     }
 *
 * The block must not reach a blocking point (the plugin rejects it with
 * [weft-atomic]). On one worker a section is atomic because scheduling is
 * cooperative; on several, the runtime takes the locks the plugin inferred
 * for it (or one coarse lock when the code was built without the plugin).
 *
 * Leaving the block any way at all (end of block, return, goto, break,
 * a C++ exception) leaves the section: a cleanup runs
 * __weft_section_leave. In C the block is the body of a one-shot `for`, so
 * `break` and `continue` directly inside it leave the section, not an
 * enclosing loop; in C++17 and later it is the body of an `if`, so they
 * act on the enclosing loop as usual.
 */
struct weft_section {
  const char *file;               /* where the section is, for statistics */
  unsigned line;
  unsigned nlocks;                /* WEFT_SECTION_COARSE: the one coarse lock */
  const unsigned *locks;          /* lock ids, ascending: the global order */
};

struct weft_section_guard {
  const struct weft_section *section;
  int active;
};

/* ABI used by WEFT_ATOMIC; `section` is null unless the plugin filled it. */
struct weft_section_guard __weft_section_enter(const struct weft_section *section)
    __attribute__((nothrow));
void __weft_section_leave(struct weft_section_guard *guard __attribute__((noescape)))
    __attribute__((nothrow));

#define WEFT__CAT2(a, b) a##b
#define WEFT__CAT(a, b) WEFT__CAT2(a, b)
#if defined(__cplusplus) && __cplusplus >= 201703L
#define WEFT__ATOMIC(g)                                                        \
  if (struct weft_section_guard g __attribute__((cleanup(__weft_section_leave))) = \
          __weft_section_enter(0);                                             \
      1)
#else
#define WEFT__ATOMIC(g)                                                        \
  for (struct weft_section_guard g __attribute__((cleanup(__weft_section_leave))) = \
           __weft_section_enter(0);                                            \
       g.active; g.active = 0)
#endif
#define WEFT_ATOMIC WEFT__ATOMIC(WEFT__CAT(__weft_guard_, __COUNTER__))

/* ------------------------------------------------------------------ */
/* Runtime API (libweft)                                                */
/* ------------------------------------------------------------------ */
/* WEFT-RUNTIME-API: the runtime's declarations follow this line. */

/* Runs fn(arg) on a fresh stack segment with at least `bytes` usable bytes
 * (the runtime rounds up to its minimum chunk, 4 KiB by default), then
 * switches back to the caller's stack, returns the segment to the
 * per-worker cache and restores the stack limit. Called by code the
 * weft plugin instruments, when a checkpoint finds the current segment too
 * small. On a thread the runtime does not own it just calls fn(arg). */
void __weft_call_on_new_segment(void (*fn)(void *), void *arg, size_t bytes);

/* Scratch memory for stack objects the weft plugin moves out of the frame
 * (docs/plugin.md, "Scratch memory"): a large local whose lifetime holds no
 * blocking point and no call that may block. __weft_scratch_push returns
 * `bytes` bytes aligned to WEFT_SCRATCH_ALIGN (weft/abi.h) from the running
 * worker's scratch region, a stack (no thread holds scratch memory while it
 * is switched out, so the region is empty whenever its worker runs out of
 * threads); __weft_scratch_pop gives back what push returned, and
 * everything pushed after it. Off a worker, or
 * when the region is full, push returns malloc'd memory and pop frees it.
 * Never returns null: it aborts with a message when memory is exhausted. */
void *__weft_scratch_push(size_t bytes);
void __weft_scratch_pop(void *p);

/* What a thread started on `fn` needs of its first segment, computed by the
 * weft plugin with linked stacks: `stack` bytes above the stack limit and
 * `reserve` bytes below it (WEFT_STACK_NEED_UNWINDS, weft/abi.h: the full
 * reserve, for the C++ unwinder). A constructor the plugin emits in each
 * object file registers its table; a thread spawned with no stack size on a
 * function in a table gets a first segment of that size (docs/plugin.md,
 * "First segments"). */
struct weft_stack_need {
  const void *fn;
  uint32_t stack;
  uint32_t reserve;
};
void __weft_register_stack_needs(const struct weft_stack_need *table, size_t n);
/* The object's destructor: its functions leave the tables (dlclose). */
void __weft_unregister_stack_needs(const struct weft_stack_need *table, size_t n);

/* Threads. Every function returns 0 or an errno value unless it says
 * otherwise; none of them sets errno. */
typedef struct weft_thread weft_thread_t;

typedef struct weft_attr {
  size_t stack_size;   /* bytes of the (first) stack segment; 0: default */
  int detached;        /* start detached: no weft_join */
  const char *name;    /* shown by weft_stats and the gdb extension */
} weft_attr_t;

/* Start fn(arg) on a new user thread. EAGAIN: the stack arenas are
 * exhausted (see WEFT_ARENA_LIMIT); ENOMEM: no address space left. */
int weft_spawn(weft_thread_t **thread, const weft_attr_t *attr,
               void *(*fn)(void *), void *arg);
int weft_join(weft_thread_t *thread, void **result);
int weft_detach(weft_thread_t *thread);
void weft_exit(void *result) __attribute__((noreturn));
void weft_yield(void);
/* Sleep for `ns` nanoseconds; only this user thread waits. */
int weft_sleep(uint64_t ns);
/* The running user thread, or null on a kernel thread weft does not own. */
weft_thread_t *weft_self(void);
uint64_t weft_thread_id(const weft_thread_t *thread);
int weft_set_name(weft_thread_t *thread, const char *name);
unsigned weft_workers(void);
/* The worker (0 .. weft_workers()-1) running the caller, or -1. */
int weft_current_worker(void);

/* Scheduling policy. When a blocked thread becomes runnable the runtime
 * asks the policy for its priority: threads with a positive priority run
 * before every thread of priority 0. `kind` is the blocking point the
 * thread waited on: WEFT_BLOCK_ACCEPT, WEFT_BLOCK_IO, ..., one for each
 * WEFT_BLOCK_KIND of weft/block_kinds.def, in its order. */
enum weft_block_kind {
#define WEFT_BLOCK_KIND(ID, name) WEFT_BLOCK_##ID,
#include "block_kinds.def"
  WEFT_BLOCK_KINDS
};
struct weft_policy {
  const char *name;
  int (*priority)(weft_thread_t *thread, enum weft_block_kind kind, void *arg);
  void *arg;
};
/* The default policy (null) gives every thread priority 0 (FIFO). */
void weft_set_policy(const struct weft_policy *policy);
/* Knot's two policies: run threads that just became readable/writable
 * first, or run threads that just accepted a connection first. */
extern const struct weft_policy weft_policy_favor_active;
extern const struct weft_policy weft_policy_favor_accept;

/* Statistics (weft_stats; WEFT_STATS=1 prints them at exit). */
#define WEFT_STATS_MAX_WORKERS 64
struct weft_stats {
  uint64_t spawned;          /* threads ever created */
  uint64_t live;             /* threads not yet exited */
  uint64_t running;          /* on a worker now */
  uint64_t runnable;         /* in a run queue */
  uint64_t blocked;          /* parked at a blocking point */
  uint64_t blocked_by_kind[WEFT_BLOCK_KINDS];
  uint64_t switches;
  uint64_t steals;           /* threads taken from another worker's queue */
  uint64_t arena_bytes;      /* stack arena carved so far */
  unsigned workers;
  uint64_t queue_length[WEFT_STATS_MAX_WORKERS];
  /* 1 if every switch saves and loads the FPU control words (WEFT_FPU=thread,
   * or the program's <fenv.h> calls do not reach weft); 0 if only the
   * threads that changed them through <fenv.h> carry their own
   * (docs/runtime.md, "FPU control words"). */
  unsigned fpu_every_switch;
};
void weft_stats(struct weft_stats *out);
void weft_stats_print(int fd);
const char *weft_block_kind_name(enum weft_block_kind kind);

/* Synchronisation. Objects are plain memory: zero-filled storage is a valid
 * unlocked mutex / empty condition variable / rwlock, and the
 * *_INITIALIZER macros give that. Uncontended operations make no system
 * call. They also work (by spinning and sleeping) on kernel threads weft
 * does not own. */
typedef struct __attribute__((aligned(8))) { unsigned char opaque[40]; } weft_mutex_t;
typedef struct __attribute__((aligned(8))) { unsigned char opaque[48]; } weft_cond_t;
typedef struct __attribute__((aligned(8))) { unsigned char opaque[56]; } weft_rwlock_t;
typedef struct __attribute__((aligned(8))) { unsigned char opaque[32]; } weft_sem_t;
typedef struct __attribute__((aligned(8))) { unsigned char opaque[32]; } weft_barrier_t;
typedef struct { int state; } weft_once_t;
#define WEFT_MUTEX_INITIALIZER {{0}}
#define WEFT_COND_INITIALIZER {{0}}
#define WEFT_RWLOCK_INITIALIZER {{0}}
#define WEFT_ONCE_INIT {0}

/* The stack the mutex and condition-variable calls use, parking and the
 * switch to another thread included, for the plugin's linked stacks: a call
 * to them needs no checkpoint of its own. About 300 bytes are used;
 * test/lit/e2e/sync-stack-bound.c measures it and checks the bound. */
#define WEFT_SYNC_STACK_BOUND 512

int weft_mutex_init(weft_mutex_t *m);
int weft_mutex_lock(weft_mutex_t *m) WEFT_STACK_BOUND(WEFT_SYNC_STACK_BOUND);
int weft_mutex_trylock(weft_mutex_t *m) WEFT_STACK_BOUND(WEFT_SYNC_STACK_BOUND);
/* `deadline_ns`: CLOCK_MONOTONIC time in ns; ETIMEDOUT after it. */
int weft_mutex_timedlock(weft_mutex_t *m, int64_t deadline_ns);
int weft_mutex_unlock(weft_mutex_t *m) WEFT_STACK_BOUND(WEFT_SYNC_STACK_BOUND);
int weft_cond_init(weft_cond_t *c);
int weft_cond_wait(weft_cond_t *c, weft_mutex_t *m) WEFT_STACK_BOUND(WEFT_SYNC_STACK_BOUND);
int weft_cond_timedwait(weft_cond_t *c, weft_mutex_t *m, int64_t deadline_ns);
int weft_cond_signal(weft_cond_t *c) WEFT_STACK_BOUND(WEFT_SYNC_STACK_BOUND);
int weft_cond_broadcast(weft_cond_t *c) WEFT_STACK_BOUND(WEFT_SYNC_STACK_BOUND);
int weft_rwlock_rdlock(weft_rwlock_t *l);
int weft_rwlock_wrlock(weft_rwlock_t *l);
int weft_rwlock_tryrdlock(weft_rwlock_t *l);
int weft_rwlock_trywrlock(weft_rwlock_t *l);
int weft_rwlock_unlock(weft_rwlock_t *l);
int weft_sem_init(weft_sem_t *s, unsigned value);
int weft_sem_wait(weft_sem_t *s);
int weft_sem_trywait(weft_sem_t *s);
int weft_sem_timedwait(weft_sem_t *s, int64_t deadline_ns);
int weft_sem_post(weft_sem_t *s);
unsigned weft_sem_value(weft_sem_t *s);
int weft_barrier_init(weft_barrier_t *b, unsigned count);
/* Returns 1 in exactly one of the threads released together, else 0. */
int weft_barrier_wait(weft_barrier_t *b);
int weft_once(weft_once_t *once, void (*fn)(void));
/* The current CLOCK_MONOTONIC time in ns (for the deadlines above). */
int64_t weft_now(void);

/* Channels: a bounded FIFO of fixed-size elements. capacity 0 makes a
 * rendezvous channel (send waits until a receiver took the element).
 * send/recv return EPIPE once the channel is closed (recv only when it is
 * also empty). */
typedef struct weft_channel weft_channel_t;
weft_channel_t *weft_channel_create(size_t elem_size, size_t capacity);
int weft_channel_send(weft_channel_t *ch, const void *elem);
int weft_channel_recv(weft_channel_t *ch, void *elem);
int weft_channel_close(weft_channel_t *ch);
void weft_channel_destroy(weft_channel_t *ch);

/* For the segmented stacks: the lowest address the running user thread may
 * use on this worker (its segment's low end plus a reserve), 0 when no user
 * thread runs. Kept right on every switch. It lives at %fs:0x70
 * (WEFT_STACK_LIMIT_SLOT, weft/abi.h), the word of the thread control block
 * that glibc reserves for split stacks and leaves 0 on every thread it
 * creates, so the check the plugin inserts is one comparison with a memory
 * operand and needs no TLS address. */
#define WEFT__STR2(x) #x
#define WEFT__STR(x) WEFT__STR2(x)
/* Both are free of sanitizer instrumentation (WEFT_UNINSTRUMENTED, which
 * the runtime also puts on its code that runs in a signal handler), so
 * that code which must not enter a sanitizer's runtime (the signal
 * trampoline, which may interrupt that runtime) can inline them; in an
 * instrumented caller they stay calls, which only sanitized builds see. */
#if defined(__has_attribute)
#if __has_attribute(disable_sanitizer_instrumentation)
#define WEFT_UNINSTRUMENTED __attribute__((disable_sanitizer_instrumentation))
#endif
#endif
#ifndef WEFT_UNINSTRUMENTED
#define WEFT_UNINSTRUMENTED
#endif
WEFT_UNINSTRUMENTED static inline uintptr_t weft_stack_limit(void) {
  uintptr_t v;
  __asm__ volatile("movq %%fs:" WEFT__STR(WEFT_STACK_LIMIT_SLOT) ", %0" : "=r"(v));
  return v;
}
/* Sets the running kernel thread's limit; the runtime's own business, and
 * tests' (0 makes instrumented code behave as on a thread weft does not own). */
WEFT_UNINSTRUMENTED static inline void weft_stack_limit_set(uintptr_t v) {
  __asm__ volatile("movq %0, %%fs:" WEFT__STR(WEFT_STACK_LIMIT_SLOT) : : "r"(v) : "memory");
}

#ifdef __cplusplus
}
#endif

#endif /* WEFT_WEFT_H */
