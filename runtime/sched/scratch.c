/* sched/scratch.c: per-worker scratch memory for stack objects the weft
 * plugin moves out of the frame (docs/plugin.md, "Scratch memory").
 *
 * A blocked thread keeps every stack page it has touched, so a 32 KiB
 * buffer a thread filled once and no longer needs costs 32 KiB for as long
 * as the thread lives. The plugin moves such an object (large, and with no
 * blocking point and no call that may block in its lifetime) into memory
 * of the worker that runs it: __weft_scratch_push at the start of its
 * lifetime, __weft_scratch_pop at the end. Between the two the thread
 * cannot be switched out (a switch happens only at a blocking point), so
 * it cannot move to another worker, and no other thread of this worker
 * runs: one region per worker, used as a stack, is enough. pop resets the
 * top to the object it is given, which also takes back whatever a longjmp
 * out of a lifetime left pushed above it. What such a longjmp leaves with
 * nothing below it goes when the worker runs out of threads: its scheduler
 * loop empties the region (worker.c), since no user thread runs there.
 * Until then pushes go on above it (and to the heap once the region is
 * full). The switch path itself does not look: a compare there cost about
 * 1 ns of a 9 ns switch.
 *
 * A signal handler interrupting an object's lifetime pushes above it and
 * pops back before it returns; handlers never park (a parked handler would
 * leave the kernel thread's handler stack to the next one anyway).
 *
 * The region is WEFT_SCRATCH_REGION bytes of address space per worker,
 * mapped on first use without reserving swap; pages are touched as objects
 * reach them and stay, so a worker's resident cost is its deepest use.
 * Off a worker (kernel threads weft does not run, the file pool) and for
 * what does not fit, push falls back to malloc and pop to free: the
 * region's bounds tell the two apart. Both stay within
 * WEFT_SCRATCH_STACK_BOUND of their caller's stack (weft/abi.h): what calls
 * into libc runs on a segment of its own.
 */
#define _GNU_SOURCE
#include "sched/sched_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Under ASan, memory above the top is poisoned: a use of a moved object
 * after its pop (or after the switch that emptied the region) is reported
 * as it would be for the stack. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define SCRATCH_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define SCRATCH_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#endif
#ifndef SCRATCH_POISON
#define SCRATCH_POISON(p, n) ((void)(p), (void)(n))
#define SCRATCH_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define WEFT_SCRATCH_REGION ((size_t)4 << 20)

_Static_assert((WEFT_SCRATCH_ALIGN & (WEFT_SCRATCH_ALIGN - 1)) == 0,
               "scratch alignment is a power of two");

/* The slow paths (the heap, mapping the region) call into libc, whose stack
 * use is far above WEFT_SCRATCH_STACK_BOUND: on a user thread they run on a
 * segment of their own (__weft_call_on_new_segment), so that a caller on a
 * small linked segment stays within the bound. */
struct scratch_slow {
  size_t bytes;
  void *p;
};

static void heap_alloc(void *arg) {
  struct scratch_slow *s = (struct scratch_slow *)arg;
  s->p = aligned_alloc(WEFT_SCRATCH_ALIGN,
                       (s->bytes + WEFT_SCRATCH_ALIGN - 1) & ~(size_t)(WEFT_SCRATCH_ALIGN - 1));
  if (!s->p) weft_fatal("weft: out of memory for a stack object moved to scratch memory");
}

static void heap_free(void *arg) { free(((struct scratch_slow *)arg)->p); }

static void map_region(void *arg) {
  struct scratch_slow *s = (struct scratch_slow *)arg;
  s->p = mmap(0, WEFT_SCRATCH_REGION, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

#define SLOW_SEGMENT 65536

static __attribute__((noinline, cold)) void *scratch_heap(size_t bytes) {
  struct scratch_slow s = {bytes, 0};
  __weft_call_on_new_segment(heap_alloc, &s, SLOW_SEGMENT);
  return s.p;
}

static __attribute__((noinline, cold)) void *scratch_map(struct weft_worker *w, size_t bytes) {
  struct scratch_slow s = {0, 0};
  __weft_call_on_new_segment(map_region, &s, SLOW_SEGMENT);
  if (s.p == MAP_FAILED) return scratch_heap(bytes); /* stays unmapped: heap from now on */
  SCRATCH_POISON(s.p, WEFT_SCRATCH_REGION);
  w->scratch_lo = w->scratch_top = (char *)s.p;
  w->scratch_hi = (char *)s.p + WEFT_SCRATCH_REGION;
  return __weft_scratch_push(bytes);
}

void *__weft_scratch_push(size_t bytes) {
  struct weft_worker *w = weft_tls_worker;
  if (WEFT_UNLIKELY(!w || !w->current)) return scratch_heap(bytes);
  if (WEFT_UNLIKELY(!w->scratch_lo)) return scratch_map(w, bytes);
  char *p = w->scratch_top;
  size_t room = (size_t)(w->scratch_hi - p);
  size_t need = (bytes + WEFT_SCRATCH_ALIGN - 1) & ~(size_t)(WEFT_SCRATCH_ALIGN - 1);
  if (WEFT_UNLIKELY(need > room || need < bytes)) return scratch_heap(bytes);
  w->scratch_top = p + need;
  SCRATCH_UNPOISON(p, need);
  return p;
}

static __attribute__((noinline, cold)) void scratch_free(void *p) {
  struct scratch_slow s = {0, p};
  __weft_call_on_new_segment(heap_free, &s, SLOW_SEGMENT);
}

void __weft_scratch_pop(void *p) {
  struct weft_worker *w = weft_tls_worker;
  char *c = (char *)p;
  if (w && c >= w->scratch_lo && c < w->scratch_hi) {
    WEFT_DCHECK(c <= w->scratch_top);
    SCRATCH_POISON(c, (size_t)(w->scratch_top - c));
    w->scratch_top = c;
    return;
  }
  scratch_free(p);
}

void weft_scratch_empty(struct weft_worker *w) {
  SCRATCH_POISON(w->scratch_lo, (size_t)(w->scratch_top - w->scratch_lo));
  w->scratch_top = w->scratch_lo;
}
