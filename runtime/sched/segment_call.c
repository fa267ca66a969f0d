/* sched: linked stack segments (__weft_call_on_new_segment).
 *
 * Code the weft plugin instruments checks, at its stack checkpoints, that
 * the stack pointer minus the frame it needs stays above the stack limit (%fs:0x70);
 * when it would not, it calls __weft_call_on_new_segment(fn, arg, bytes),
 * which runs fn(arg) on a fresh segment and comes back.
 *
 * A linked segment comes from the worker's segment cache (the same size
 * classes as thread stacks, at least 4 KiB) and has the usual layout:
 *
 *     lo                                                        lo + size
 *     | canary | red zone | fn's stack ... grows <- | struct weft_linked_seg |
 *
 * The header at the top links the thread's linked segments into a stack
 * (thread->seg_top), so that segments left behind by a longjmp or by a
 * thread that exits while on one can still be freed. The thread's cur_lo /
 * cur_size name the segment it runs on; the switch path uses them to check
 * the canary and to set the stack limit (%fs:0x70), so fn may block and resume on
 * another worker. When fn returns (or a C++ exception leaves it) a cleanup
 * on the caller's stack restores cur_lo, seg_top and the stack limit (%fs:0x70) and
 * gives the segment to the cache of the worker it is on by then. The worker
 * cache keeps freed segments (up to 64 MiB per class), so calling across a
 * boundary in a loop maps nothing after the first call.
 *
 * longjmp out of fn to a frame on an older segment skips the cleanup.
 * libweft therefore defines longjmp, _longjmp, siglongjmp and
 * __longjmp_chk (weak, so that a static link that pulls in libc's keeps
 * libc's): each reads the stack pointer the jmp_buf restores (glibc keeps
 * it mangled with the pointer guard at %fs:0x30), frees the linked
 * segments above the segment it lies in, names that segment in cur_lo and
 * the stack limit, and then jumps with libc's function. Without that the
 * limit kept naming the newest segment; where that lies below the target
 * in memory, every checkpoint passes and the code can run off the bottom
 * of the segment it jumped to. A jump that bypasses these (libc's own
 * calls) leaves the segments linked until the next call here, which frees
 * every linked segment above the one the stack pointer is in, or until
 * the thread exits.
 *
 * Signal handlers. A handler runs on the stack it interrupted, and if it was
 * built with checkpoints it may call here itself, at any instruction of the
 * call it interrupted. Two stretches of that call must not be entered again:
 * while it takes a segment from the worker cache or gives one back (the
 * cache's lists are half updated), and from the moment cur_lo and the stack
 * limit name the new segment until the stack pointer is on it (the stack
 * pointer is outside cur_lo's segment, which is what a longjmp leaves, so
 * the nested call would free the segment about to be used). `seg_busy`, a
 * word of the kernel thread, covers both: set on entry, cleared by the
 * trampoline once the stack pointer is on the new segment, set again in the
 * cleanup. A call that finds it set (a handler interrupted one of those
 * stretches) runs fn on a segment of its own from mmap, leaves the thread's
 * segment list alone and puts back exactly the stack limit it found. After
 * fn returns and before the cleanup sets seg_busy, a nested call sees the
 * stack pointer below the segment fn ran on, and frees it as a longjmp would
 * have left it; the cleanup then finds nothing more to free.
 *
 * On a weft worker, handlers installed with sigaction/signal do not run on
 * the interrupted stack at all: io/signal.c runs them on the worker's
 * alternate signal stack with seg_busy set and the stack limit set for
 * that stack, so every call here from a handler takes the call_in_handler
 * path, even one made while the worker ran no user thread (t null). The
 * paths above remain for handlers that reach the segments some other way
 * (a program's own sigaltstack replaced weft's, a handler installed with
 * the raw system call).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "sched/sched.h"

void weft_segment_call(void (*fn)(void *), void *arg, void *top, int *busy) WEFT_HIDDEN;

/* Nonzero while this kernel thread is inside one of the stretches above,
 * or running a signal handler on its worker's alternate stack (io/signal.c
 * sets it through weft_seg_busy). */
static WEFT_TLS int seg_busy;

WEFT_UNINSTRUMENTED int *weft_seg_busy(void) { return &seg_busy; }

static inline int contains(const char *lo, size_t size, const void *p) {
  return (const char *)p >= lo && (const char *)p < lo + size;
}

void weft_linked_segs_release(struct weft_worker *w, struct weft_thread *t,
                              struct weft_linked_seg *keep) {
  while (t->seg_top && t->seg_top != keep) {
    struct weft_linked_seg *s = t->seg_top;
    t->seg_top = s->prev;
    char *lo = s->lo;
    int cls = s->cls;
#ifdef WEFT_ASAN
    __asan_unpoison_memory_region(lo, weft_seg_class_size(cls));
#endif
    weft_seg_free(w ? &w->segs : 0, lo, cls);
  }
}

/* After a longjmp out of linked segments: the stack pointer is in an older
 * segment than seg_top. Free the segments above the one it is in. If it is
 * in none of the thread's segments (a signal on an alternate stack), leave
 * everything alone. */
static __attribute__((noinline)) void reclaim_abandoned(struct weft_thread *t, const void *sp) {
  struct weft_linked_seg *s = t->seg_top;
  char *lo = t->stack_lo;
  size_t size = t->stack_size;
  uint32_t guard = t->base_guard;
  for (s = s->prev;; s = s->prev) {
    if (s) {
      lo = s->lo;
      size = weft_seg_class_size(s->cls);
      guard = WEFT_SEG_GUARD;
    } else {
      lo = t->stack_lo;
      size = t->stack_size;
      guard = t->base_guard;
    }
    if (contains(lo, size, sp)) break;
    if (!s) return;
  }
  weft_linked_segs_release(weft_cur_worker(), t, s);
  weft_thread_on_segment(t, lo, size, guard);
  weft_stack_limit_set(weft_thread_limit(t));
}

struct seg_frame {
  struct weft_thread *t;
  struct weft_linked_seg *seg;
  char *old_lo;
  uint32_t old_size;
  uint32_t old_guard;
};

/* Runs when __weft_call_on_new_segment's frame is left, normally or by a C++
 * exception (C compiled with -fexceptions runs cleanups while unwinding),
 * always on the caller's stack. fn may have blocked: the worker is read
 * afresh. */
static __attribute__((noinline)) void seg_leave(struct seg_frame *f) {
  struct weft_thread *t = f->t;
  if (!t) return;
  seg_busy = 1;
  weft_thread_on_segment(t, f->old_lo, f->old_size, f->old_guard);
  weft_stack_limit_set(weft_thread_limit(t));
  weft_linked_segs_release(weft_cur_worker(), t, f->seg->prev);
  seg_busy = 0;
}

/* The overflow stack of a handler that needs more than its worker's
 * alternate stack holds (io/signal.c): WEFT_HANDLER_OVERFLOW bytes of
 * address space, mapped on first need and kept for the next handler, one
 * per kernel thread. It is larger than any one frame needs on purpose: a
 * deep handler then crosses one boundary, not one per level (with a
 * mapping the size of each frame's class, each crossing cost an mmap and
 * a munmap, and a handler under a 200 us timer did nothing else). Taking
 * and giving back are single atomic exchanges, so a nested handler on the
 * same kernel thread sees the mapping or none, never half of one; one that
 * finds none (or needs a larger class) maps its own and unmaps it after. */
#define WEFT_HANDLER_OVERFLOW ((size_t)1 << 20)
static WEFT_TLS char *_Atomic handler_spare;

/* A handler interrupted this kernel thread inside a call here, or runs on
 * its worker's alternate stack and needs more than that holds: fn(arg)
 * runs on a mapping of its own, touching neither the worker cache nor the
 * thread's segments (mmap and munmap are async-signal-safe). seg_busy
 * stays set, so calls fn makes come here too. */
static __attribute__((noinline)) void call_in_handler(void (*fn)(void *), void *arg, int cls) {
  size_t size = weft_seg_class_size(cls);
  int keepable = size <= WEFT_HANDLER_OVERFLOW;
  char *lo = 0;
  if (keepable) {
    size = WEFT_HANDLER_OVERFLOW;
    lo = atomic_exchange_explicit(&handler_spare, (char *)0, memory_order_relaxed);
  }
  if (!lo) {
    int saved = errno;
    lo = (char *)mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (lo == MAP_FAILED)
      weft_fatal("weft: a signal handler needs a %zu-byte stack segment and mmap failed", size);
    errno = saved;
  }
  uintptr_t limit = weft_stack_limit();
  weft_stack_limit_set((uintptr_t)lo + WEFT_SEG_GUARD); /* as on a linked segment */
  int ignored;
  weft_segment_call(fn, arg, lo + size - WEFT_LINKED_SEG_HEADER, &ignored);
  weft_stack_limit_set(limit);
  char *none = 0;
  if (!keepable || !atomic_compare_exchange_strong_explicit(&handler_spare, &none, lo,
                                                            memory_order_relaxed,
                                                            memory_order_relaxed)) {
    int saved = errno;
    (void)munmap(lo, size); /* a whole mapping of ours: nothing to report */
    errno = saved;
  }
}

void __weft_call_on_new_segment(void (*fn)(void *), void *arg, size_t bytes) {
  struct weft_thread *t = weft_current();
#if !defined(__x86_64__)
  fn(arg); /* no trampoline for this architecture yet: run on the current stack */
  return;
#endif
  if (weft_stack_limit() == 0 || (!t && !seg_busy)) {
    fn(arg);
    return;
  }
  size_t over = WEFT_SEG_GUARD + WEFT_LINKED_SEG_HEADER;
  int cls = bytes > ((size_t)1 << 40) ? -1 : weft_seg_class(bytes + over < 4096 ? 4096 : bytes + over);
  if (cls < 0)
    weft_fatal("weft: user thread %llu (0: a signal handler) asked for a %zu-byte stack segment; the largest "
               "is %zu bytes",
               (unsigned long long)(t ? t->id : 0), bytes,
               weft_seg_class_size(WEFT_SEG_CLASSES - 1) - WEFT_SEG_GUARD - WEFT_LINKED_SEG_HEADER);
  if (WEFT_UNLIKELY(seg_busy)) {
    call_in_handler(fn, arg, cls);
    return;
  }
  seg_busy = 1;
  const void *sp = __builtin_frame_address(0);
  if (WEFT_UNLIKELY(t->seg_top && !contains(t->cur_lo, t->cur_size, sp)))
    reclaim_abandoned(t, sp);
  struct weft_worker *w = weft_cur_worker();
  int saved = errno;
  char *lo = (char *)weft_seg_alloc(&w->segs, cls);
  if (!lo)
    weft_fatal("weft: user thread %llu needs a %zu-byte stack segment and none is left "
               "(%s)",
               (unsigned long long)t->id, weft_seg_class_size(cls),
               errno == EAGAIN ? "WEFT_ARENA_LIMIT reached" : "out of address space");
  errno = saved;
  size_t size = weft_seg_class_size(cls);
  struct weft_linked_seg *seg =
      (struct weft_linked_seg *)(lo + size - WEFT_LINKED_SEG_HEADER);
  seg->prev = t->seg_top;
  seg->lo = lo;
  seg->cls = cls;

  struct seg_frame frame __attribute__((cleanup(seg_leave))) = {t, seg, t->cur_lo,
                                                                 t->cur_size, t->cur_guard};
  t->seg_top = seg;
  weft_thread_on_segment(t, lo, size, WEFT_SEG_GUARD);
  weft_stack_limit_set(weft_thread_limit(t));
#if defined(__x86_64__)
  weft_segment_call(fn, arg, seg, &seg_busy); /* clears seg_busy once on the segment */
#endif
}

/* ---- longjmp out of linked segments -------------------------------------- */

typedef void (*jump_fn)(struct __jmp_buf_tag *, int) __attribute__((noreturn));
static jump_fn real_longjmp, real_siglongjmp, real_longjmp_chk;

__attribute__((constructor)) static void find_real_jumps(void) {
  real_longjmp = WEFT_REAL(jump_fn, longjmp);
  real_siglongjmp = WEFT_REAL(jump_fn, siglongjmp);
  real_longjmp_chk = (jump_fn)weft_libc_optional("__longjmp_chk"); /* glibc's fortify only */
}

/* The stack pointer a jmp_buf restores (glibc x86-64: slot 6, xor'ed with
 * the pointer guard at %fs:0x30 and then rotated left by 17). */
static uintptr_t jmpbuf_sp(const struct __jmp_buf_tag *env) {
  uintptr_t v = (uintptr_t)env->__jmpbuf[6], guard;
  __asm__("movq %%fs:0x30, %0" : "=r"(guard));
  return ((v >> 17) | (v << 47)) ^ guard;
}

/* Before a jump to `env`: free the linked segments above the one it lands
 * on and name that one in cur_lo and the stack limit. */
static void leave_segments_for(const struct __jmp_buf_tag *env) {
#if defined(__x86_64__)
  struct weft_thread *t = weft_current();
  if (!t || weft_stack_limit() == 0) return;
  const void *sp = (const void *)jmpbuf_sp(env);
  if (contains(t->cur_lo, t->cur_size, sp)) {
    /* Out of a handler on the worker's alternate stack (io/signal.c): put
     * back what its trampoline would have. */
    if (WEFT_UNLIKELY(weft_stack_limit() != weft_thread_limit(t))) {
      weft_stack_limit_set(weft_thread_limit(t));
      seg_busy = 0;
    }
    return;
  }
  if (!t->seg_top) return;
  seg_busy = 1;
  reclaim_abandoned(t, sp);
  seg_busy = 0;
#else
  (void)env;
#endif
}

/* libc's function. (A program linked with -static cannot link libweft,
 * which defines __libc_start_main, so dlsym always finds it.) */
static __attribute__((noreturn)) void jump(jump_fn real, struct __jmp_buf_tag *env, int val) {
  if (!real) weft_fatal("weft: longjmp: libc's longjmp/siglongjmp not found by dlsym");
  real(env, val);
}

#define EXPORT_WEAK __attribute__((visibility("default"), weak))
EXPORT_WEAK void longjmp(struct __jmp_buf_tag env[1], int val) {
  leave_segments_for(env);
  jump(real_longjmp, env, val);
}
EXPORT_WEAK void _longjmp(struct __jmp_buf_tag env[1], int val) {
  leave_segments_for(env);
  jump(real_longjmp, env, val);
}
EXPORT_WEAK void siglongjmp(struct __jmp_buf_tag env[1], int val) {
  leave_segments_for(env);
  jump(real_siglongjmp, env, val);
}
EXPORT_WEAK void __longjmp_chk(struct __jmp_buf_tag env[1], int val) {
  leave_segments_for(env);
  jump(real_longjmp_chk ? real_longjmp_chk : real_longjmp, env, val);
}
