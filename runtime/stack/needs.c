/* stack: the plugin's table of what a thread's entry function needs.
 *
 * With linked stacks, the weft plugin emits for every object file a table
 * of the address-taken functions it compiled (the ones a thread can start
 * on) with two figures each:
 *
 *   stack    bytes from the caller's stack pointer down to the deepest point
 *            the function can reach before its next checkpoint (its frame,
 *            its return address, the paths of the calls it makes unchecked)
 *   reserve  bytes below the stack limit that the code it reaches may use:
 *            the 256 bytes a passed check leaves to the next frame, a
 *            failed check's slow path, the frame of a function checked at
 *            its entry; 0 when nothing it reaches has a checkpoint;
 *            WEFT_STACK_NEED_UNWINDS when it reaches C++ cleanups or
 *            handlers (the unwinder then runs on the segment: the full
 *            reserve)
 *
 * and a constructor that passes it to __weft_register_stack_needs. spawn()
 * looks the entry function up here when no stack size was asked for, and
 * sizes the first segment to the need (see first_segment() in sched/thread.c).
 *
 * A table is only used when its object binds its symbols at load time
 * (-z now, which `weft-config --libs` passes, or LD_BIND_NOW): the dynamic
 * linker's lazy resolver runs on the caller's stack, takes kilobytes, and
 * the plugin cannot see it. Tables of lazily bound objects are ignored, and
 * their threads get the default first segment.
 *
 * The tables form a hash set keyed by function address, rebuilt whole on
 * each registration (constructors, dlopen) and published with one atomic
 * store, so lookups take no lock. The sets a registration replaces are kept
 * (a spawn may still be reading one); they are small and few. An object's
 * destructor (dlclose) unregisters its table, so that code loaded later at
 * the same addresses is not taken for it.
 */
#define _GNU_SOURCE
#include "stack/needs.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "arch/cpu.h"

struct weft_need_set {
  size_t mask; /* slots - 1, a power of two minus one */
  size_t count;
  struct weft_stack_need slot[];
};

struct weft_need_set *_Atomic weft_stack_needs;
static weft_spinlock reg_lock;

/* Nonzero if the object holding `addr` resolves its symbols at load time. */
static int binds_now(const void *addr) {
  const char *env = getenv("LD_BIND_NOW");
  if (env && *env) return 1;
  Dl_info info;
  struct link_map *map = 0;
  if (!dladdr1(addr, &info, (void **)&map, RTLD_DL_LINKMAP) || !map || !map->l_ld) return 0;
  for (const ElfW(Dyn) *d = map->l_ld; d->d_tag != DT_NULL; d++) {
    if (d->d_tag == DT_BIND_NOW) return 1;
    if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_BIND_NOW)) return 1;
    if (d->d_tag == DT_FLAGS_1 && (d->d_un.d_val & DF_1_NOW)) return 1;
  }
  return 0;
}

static size_t hash(const void *fn, size_t mask) {
  uint64_t h = (uint64_t)(uintptr_t)fn * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 32) & mask;
}

static void insert(struct weft_need_set *s, const struct weft_stack_need *e) {
  size_t i = hash(e->fn, s->mask);
  while (s->slot[i].fn && s->slot[i].fn != e->fn) i = (i + 1) & s->mask;
  if (!s->slot[i].fn) s->count++;
  s->slot[i] = *e; /* a function in two tables (a comdat): the last one */
}

static int in_table(const void *fn, const struct weft_stack_need *table, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (table[i].fn == fn) return 1;
  return 0;
}

/* The current set, less the functions of `drop`, plus the entries of `add`
 * (either may be empty), published in one store. Under reg_lock. */
static void rebuild(const struct weft_stack_need *drop, size_t ndrop,
                    const struct weft_stack_need *add, size_t nadd) {
  struct weft_need_set *old = atomic_load_explicit(&weft_stack_needs, memory_order_relaxed);
  size_t want = (old ? old->count : 0) + nadd, slots = 16;
  while (slots < 2 * want) slots *= 2;
  struct weft_need_set *s = (struct weft_need_set *)calloc(1, sizeof *s + slots * sizeof s->slot[0]);
  if (!s) { /* no memory: leave the set as it is (a drop empties it) */
    if (ndrop) atomic_store_explicit(&weft_stack_needs, 0, memory_order_release);
    return;
  }
  s->mask = slots - 1;
  if (old)
    for (size_t i = 0; i <= old->mask; i++)
      if (old->slot[i].fn && !in_table(old->slot[i].fn, drop, ndrop)) insert(s, &old->slot[i]);
  for (size_t i = 0; i < nadd; i++)
    if (add[i].fn) insert(s, &add[i]);
  atomic_store_explicit(&weft_stack_needs, s, memory_order_release);
}

void __weft_register_stack_needs(const struct weft_stack_need *table, size_t n) {
  if (!table || n == 0 || !binds_now(table)) return;
  weft_spin_lock(&reg_lock);
  rebuild(0, 0, table, n);
  weft_spin_unlock(&reg_lock);
}

void __weft_unregister_stack_needs(const struct weft_stack_need *table, size_t n) {
  if (!table || n == 0 || !atomic_load_explicit(&weft_stack_needs, memory_order_relaxed)) return;
  weft_spin_lock(&reg_lock);
  rebuild(table, n, 0, 0);
  weft_spin_unlock(&reg_lock);
}

const struct weft_stack_need *weft_stack_need_of(const void *fn) {
  struct weft_need_set *s = atomic_load_explicit(&weft_stack_needs, memory_order_acquire);
  if (!s) return 0;
  for (size_t i = hash(fn, s->mask);; i = (i + 1) & s->mask) {
    if (s->slot[i].fn == fn) return &s->slot[i];
    if (!s->slot[i].fn) return 0;
  }
}

void weft_stack_needs_forked_child(void) { weft_spin_unlock(&reg_lock); }
