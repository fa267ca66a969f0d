/* stack: the segment allocator.
 *
 * Every user thread runs on a segment: a block of 1 KiB to 8 MiB, in size
 * classes two per octave (1, 1.5, 2, 3, 4, 6 KiB, ...). Segments are never mapped one by one (Linux allows 65,530 mappings
 * per process and a pthread costs at least two). Instead each size class
 * owns one arena: a single MAP_NORESERVE reservation of ARENA_SPAN bytes
 * made the first time the class is used, carved by a bump pointer. Memory
 * is only committed by the kernel when a page is first written, so a
 * 256 KiB segment whose thread used 3 KiB of stack costs one page.
 *
 * Layout of a segment (addresses grow upwards):
 *
 *     lo                                                       lo + size
 *     | canary (64 B of zeros) | red zone | stack ... grows <- | thread |
 *
 * The canary is the zero page: it is never written, only read, so checking
 * it (on every switch away from a thread) maps no memory. Any nonzero byte
 * in it means the stack ran past its end; the scheduler then reports the
 * thread and aborts. The thread descriptor sits at the top, so spawning a
 * thread is one allocation.
 *
 * Invariants:
 *   - a segment of class c lies in arena c at an offset that is a multiple
 *     of the class's stride (its size, or for a segment of several pages
 *     an odd number of pages: seg_stride), so any stack address maps back
 *     to its segment;
 *   - a free segment's first word at the top (where the thread descriptor
 *     goes) links it into a free list; its canary is still zero;
 *   - a free segment is in exactly one list: a worker's cache (bounded per
 *     class, see cache_max) or
 *     the class's global list under its lock.
 *
 * WEFT_ARENA_LIMIT (bytes, suffixes k/m/g accepted) caps the total carved
 * from all arenas; past it spawning fails with EAGAIN, which tests use to
 * drive the failure path.
 */
#include "stack/segment.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "arch/cpu.h"
#include "arch/env.h"

/* Address space reserved per class; a build may set it smaller (valgrind
 * refuses reservations of terabytes). */
#ifdef ARENA_SPAN
#elif defined(WEFT_TSAN)
#define ARENA_SPAN ((size_t)1 << 36) /* TSan leaves less address space to the program */
#else
#define ARENA_SPAN ((size_t)1 << 41) /* 2 TiB of address space per class */
#endif
/* A worker caches up to 64 MiB of address space per class (at most 512
 * and at least 4 segments), and moves free segments to and from the global
 * lists CACHE_BATCH at a time (fewer for large classes). */
#define CACHE_BATCH 64
static uint32_t cache_max(int cls) {
  size_t n = ((size_t)64 << 20) / weft_seg_class_size(cls);
  return n > 512 ? 512 : n < 4 ? 4 : (uint32_t)n;
}

struct arena {
  weft_spinlock lock;
  char *base;                /* null until first used */
  size_t next;               /* bump offset */
  void *free_head;           /* global free list */
  size_t free_count;
};

static struct arena arenas[WEFT_SEG_CLASSES];
static _Atomic size_t carved_bytes;
static size_t arena_limit = (size_t)-1;
static _Atomic int limit_read;

/* Distance between neighbouring segments of a class in its arena: the
 * size, but for a segment of several pages an odd number of pages. The
 * TLB, like a cache, picks a set by the low bits of the page number; at a
 * power-of-two stride the tops of 256 KiB segments (64 pages apart) would
 * all fall in a few sets of the second-level TLB, and a batch of threads
 * would miss in it on every touch (spawn: 31 ns per thread against 24 ns
 * at a 192 KiB class, 48 pages apart). The page in between is never
 * touched, so it costs no memory. */
static size_t seg_stride(int cls) {
  size_t size = weft_seg_class_size(cls);
  if (size < 8192) return size;
  size_t pages = (size + 4095) / 4096;
  return (pages | 1) * 4096;
}

static void **link_of(void *lo, int cls) {
  return (void **)((char *)lo + weft_seg_class_size(cls) - 64);
}

int weft_seg_class(size_t bytes) {
  if (bytes <= weft_seg_class_size(0)) return 0;
  /* The power of two at or above `bytes`, or the class halfway below it. */
  int c = 2 * (64 - __builtin_clzll((unsigned long long)bytes - 1) - WEFT_SEG_MIN_SHIFT);
  if (bytes <= weft_seg_class_size(c - 1)) c--;
  return c < WEFT_SEG_CLASSES ? c : -1;
}

static void read_limit(void) {
  if (atomic_load_explicit(&limit_read, memory_order_acquire)) return;
  arena_limit = weft_env_size("WEFT_ARENA_LIMIT", (size_t)-1, 1, (size_t)-1);
  atomic_store_explicit(&limit_read, 1, memory_order_release);
}

/* Carve a batch of up to `n` fresh segments into a list; returns the count. */
static size_t carve(struct arena *a, int cls, size_t n, void **out_head) {
  size_t size = weft_seg_class_size(cls), stride = seg_stride(cls);
  if (!a->base) {
    void *p = mmap(0, ARENA_SPAN, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return 0;
    a->base = p;
  }
  size_t got = 0;
  void *head = 0;
  while (got < n && a->next + stride <= ARENA_SPAN - seg_stride(WEFT_SEG_CLASSES - 1)) {
    size_t before = atomic_fetch_add(&carved_bytes, size);
    if (before + size > arena_limit) {
      atomic_fetch_sub(&carved_bytes, size);
      break;
    }
    void *lo = a->base + a->next;
    a->next += stride;
    *link_of(lo, cls) = head;
    head = lo;
    got++;
  }
  *out_head = head;
  return got;
}

void *weft_seg_alloc(struct weft_seg_cache *cache, int cls) {
  if (cls < 0 || cls >= WEFT_SEG_CLASSES) {
    errno = EINVAL;
    return 0;
  }
  if (cache && cache->head[cls]) {
    void *lo = cache->head[cls];
    cache->head[cls] = *link_of(lo, cls);
    cache->count[cls]--;
    return lo;
  }
  read_limit();
  struct arena *a = &arenas[cls];
  size_t want = cache ? (2u << 20) / weft_seg_class_size(cls) : 1;
  if (want < 1) want = 1;
  if (want > CACHE_BATCH) want = CACHE_BATCH;
  void *head = 0;
  size_t got = 0;
  weft_spin_lock(&a->lock);
  while (a->free_head && got < want) {
    void *lo = a->free_head;
    a->free_head = *link_of(lo, cls);
    a->free_count--;
    *link_of(lo, cls) = head;
    head = lo;
    got++;
  }
  if (got == 0) {
    int had_base = a->base != 0;
    got = carve(a, cls, want, &head);
    if (got == 0) {
      weft_spin_unlock(&a->lock);
      errno = (had_base || a->base) ? EAGAIN : ENOMEM;
      return 0;
    }
  }
  weft_spin_unlock(&a->lock);
  void *lo = head;
  head = *link_of(lo, cls);
  if (cache) {
    /* The rest of the batch goes to the cache. */
    while (head) {
      void *n = *link_of(head, cls);
      *link_of(head, cls) = cache->head[cls];
      cache->head[cls] = head;
      cache->count[cls]++;
      head = n;
    }
  }
  return lo;
}

void weft_seg_free(struct weft_seg_cache *cache, void *lo, int cls) {
  /* Ownership: a segment of class cls lies in that class's arena at a
   * multiple of the stride (the invariants at the top). The arena's base
   * was set before the segment was carved; its bump offset moves under
   * the lock, so it is not read here. */
  WEFT_DCHECK(cls >= 0 && cls < WEFT_SEG_CLASSES);
  WEFT_DCHECK(arenas[cls].base && (char *)lo >= arenas[cls].base &&
              (size_t)((char *)lo - arenas[cls].base) < ARENA_SPAN);
  WEFT_DCHECK((size_t)((char *)lo - arenas[cls].base) % seg_stride(cls) == 0);
  if (cache && cache->count[cls] < cache_max(cls)) {
    *link_of(lo, cls) = cache->head[cls];
    cache->head[cls] = lo;
    cache->count[cls]++;
    return;
  }
  struct arena *a = &arenas[cls];
  /* Hand the segment plus half the cache back to the global list. */
  void *head = lo, *tail = lo;
  size_t n = 1;
  *link_of(lo, cls) = 0;
  uint32_t keep = cache_max(cls) / 2;
  while (cache && cache->count[cls] > keep) {
    void *s = cache->head[cls];
    cache->head[cls] = *link_of(s, cls);
    cache->count[cls]--;
    *link_of(s, cls) = head;
    head = s;
    n++;
  }
  weft_spin_lock(&a->lock);
  *link_of(tail, cls) = a->free_head;
  a->free_head = head;
  a->free_count += n;
  weft_spin_unlock(&a->lock);
}

void weft_seg_cache_flush(struct weft_seg_cache *cache) {
  for (int cls = 0; cls < WEFT_SEG_CLASSES; cls++) {
    void *head = cache->head[cls];
    if (!head) continue;
    void *tail = head;
    while (*link_of(tail, cls)) tail = *link_of(tail, cls);
    struct arena *a = &arenas[cls];
    weft_spin_lock(&a->lock);
    *link_of(tail, cls) = a->free_head;
    a->free_head = head;
    a->free_count += cache->count[cls];
    weft_spin_unlock(&a->lock);
    cache->head[cls] = 0;
    cache->count[cls] = 0;
  }
}

size_t weft_seg_arena_bytes(void) { return atomic_load(&carved_bytes); }

int weft_seg_owner(const void *addr, void **lo, int *cls) {
  for (int c = 0; c < WEFT_SEG_CLASSES; c++) {
    char *b = arenas[c].base;
    if (b && (const char *)addr >= b && (const char *)addr < b + ARENA_SPAN) {
      size_t off = (size_t)((const char *)addr - b), stride = seg_stride(c);
      if (off % stride >= weft_seg_class_size(c)) return 0; /* between two segments */
      if (lo) *lo = b + off - off % stride;
      if (cls) *cls = c;
      return 1;
    }
  }
  return 0;
}

void weft_seg_fork_prepare(void) {
  for (int c = 0; c < WEFT_SEG_CLASSES; c++) weft_spin_lock(&arenas[c].lock);
}

void weft_seg_fork_release(void) {
  for (int c = WEFT_SEG_CLASSES; c-- > 0;) weft_spin_unlock(&arenas[c].lock);
}
