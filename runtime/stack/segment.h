/* stack: stack segments carved from large arenas. See segment.c. */
#ifndef WEFT_STACK_SEGMENT_H
#define WEFT_STACK_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#define WEFT_SEG_MIN_SHIFT 10 /* 1 KiB */
/* Two classes per octave, 1 KiB .. 8 MiB: 1, 1.5, 2, 3, 4, 6, 8 KiB, ... A
 * thread whose first segment the plugin sized (sched/thread.c) wastes at most a
 * third of it; 1.5 KiB holds a small thread blocked on a condition
 * variable. */
#define WEFT_SEG_CLASSES 27
#define WEFT_SEG_CANARY 64    /* bytes at the low end that must stay zero */
#define WEFT_SEG_REDZONE 256  /* slack between the stack limit and the canary */
/* Room the stack limit keeps below it for code that runs without a
 * checkpoint where a checkpointed frame stands: the C++ unwinder (a cleanup
 * calls _Unwind_Resume from its own frame, and that takes several KiB),
 * signal handlers, uninstrumented callees. */
#define WEFT_SEG_UNWIND_RESERVE 16384
/* From a segment's low end to its stack limit, reserve included; a first
 * segment the plugin sized may keep a smaller reserve (sched/thread.c). */
#define WEFT_SEG_GUARD (WEFT_SEG_CANARY + WEFT_SEG_REDZONE + WEFT_SEG_UNWIND_RESERVE)

/* A per-worker cache of free segments, one list per size class. */
struct weft_seg_cache {
  void *head[WEFT_SEG_CLASSES];
  uint32_t count[WEFT_SEG_CLASSES];
};

/* The size class that holds `bytes`, or -1 if larger than the largest. */
int weft_seg_class(size_t bytes);
/* Even classes are powers of two, odd ones halfway (times 1.5) between. */
static inline size_t weft_seg_class_size(int cls) {
  return ((size_t)2 + (cls & 1)) << (WEFT_SEG_MIN_SHIFT - 1 + (cls >> 1));
}
/* A segment of class `cls` (its low address), or null with errno set to
 * EAGAIN (arena limit reached) or ENOMEM (no address space). `cache` may be
 * null (callers that are not workers). */
void *weft_seg_alloc(struct weft_seg_cache *cache, int cls);
void weft_seg_free(struct weft_seg_cache *cache, void *lo, int cls);
/* Moves every segment of the cache to the global lists (for other workers). */
void weft_seg_cache_flush(struct weft_seg_cache *cache);
/* Nonzero if the canary at the low end of the segment is intact. A stack
 * that grows down into the canary writes its highest word first, so that
 * is the word checked on every switch. */
static inline int weft_seg_canary_ok(const void *lo) {
  return ((const uint64_t *)lo)[WEFT_SEG_CANARY / 8 - 1] == 0;
}
/* Bytes of arena handed out so far (whole classes, cached ones included). */
size_t weft_seg_arena_bytes(void);
/* The address range of class `cls`'s arena, for the gdb extension and for
 * telling whether an address is a weft stack. */
int weft_seg_owner(const void *addr, void **lo, int *cls);
/* fork (sched/startup.c): the arenas stay consistent in the child because
 * the forking thread holds every class's lock across the fork. prepare
 * takes them (in class order, in the parent); release drops them, once in
 * the parent and once in the child. */
void weft_seg_fork_prepare(void);
void weft_seg_fork_release(void);

#endif
