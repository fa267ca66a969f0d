/* sync: atomic sections (WEFT_ATOMIC) at run time.
 *
 * On one worker a section needs nothing: scheduling is cooperative and a
 * section never reaches a blocking point. The runtime still counts the
 * nesting depth per thread, and weft_park aborts with a clear message if a
 * thread blocks inside a section.
 *
 * On several workers a section takes locks: a section the plugin described
 * takes its listed lock ids (indexes into a table of striped spinlocks, in
 * the ascending order the plugin emits) plus the global section lock in
 * shared mode; a section without a description (code built without the
 * plugin, or WEFT_SECTION_COARSE) takes the global section lock in
 * exclusive mode, so it excludes every other section. Nested sections run
 * under the outermost section's locks. Lock ids are taken modulo the table
 * size; ids that collide are taken once.
 */
#include <errno.h>

#include "sched/sched.h"

#define STRIPES 1024

static weft_spinlock stripes[STRIPES];
/* Readers-writer spinlock: bit 31 writer, low bits readers. */
static _Atomic uint32_t global_lock;
static WEFT_TLS unsigned kernel_depth; /* for kernel threads weft does not own */

static void global_shared(void) {
  for (unsigned spins = 0;;) {
    uint32_t v = atomic_load_explicit(&global_lock, memory_order_relaxed);
    if (!(v & 0x80000000u) &&
        atomic_compare_exchange_weak_explicit(&global_lock, &v, v + 1, memory_order_acquire,
                                              memory_order_relaxed))
      return;
    weft_backoff(&spins);
  }
}

static void global_exclusive(void) {
  for (unsigned spins = 0;;) {
    uint32_t v = 0;
    if (atomic_compare_exchange_weak_explicit(&global_lock, &v, 0x80000000u, memory_order_acquire,
                                              memory_order_relaxed))
      return;
    weft_backoff(&spins);
  }
}

static unsigned *depth_of(void) {
  struct weft_thread *t = weft_current();
  return t ? &t->section_depth : &kernel_depth;
}

static int coarse(const struct weft_section *s) {
  return !s || s->nlocks == WEFT_SECTION_COARSE;
}

struct weft_section_guard __weft_section_enter(const struct weft_section *section) {
  struct weft_section_guard g = {section, 1};
  unsigned *depth = depth_of();
  if ((*depth)++ || weft_workers() <= 1) return g;
  if (coarse(section)) {
    global_exclusive();
  } else {
    global_shared();
    for (unsigned i = 0; i < section->nlocks; i++)
      if (i == 0 || section->locks[i] % STRIPES != section->locks[i - 1] % STRIPES)
        weft_spin_lock(&stripes[section->locks[i] % STRIPES]);
  }
  return g;
}

void __weft_section_leave(struct weft_section_guard *guard) {
  unsigned *depth = depth_of();
  if (--(*depth) || weft_workers() <= 1) return;
  const struct weft_section *s = guard->section;
  if (coarse(s)) {
    atomic_store_explicit(&global_lock, 0, memory_order_release);
  } else {
    for (unsigned i = s->nlocks; i-- > 0;)
      if (i == 0 || s->locks[i] % STRIPES != s->locks[i - 1] % STRIPES)
        weft_spin_unlock(&stripes[s->locks[i] % STRIPES]);
    atomic_fetch_sub_explicit(&global_lock, 1, memory_order_release);
  }
}

/* In a fork child: the sections the parent's other threads were in are
 * not left by anyone, so every lock is free again (sched/startup.c). A
 * fork from inside a section is not supported on several workers: the
 * child would not hold that section's locks. */
static void section_forked_child(void) {
  for (unsigned i = 0; i < STRIPES; i++) weft_spin_unlock(&stripes[i]);
  atomic_store_explicit(&global_lock, 0, memory_order_relaxed);
}

__attribute__((constructor)) static void section_fork_register(void) {
  weft_fork_child_hook(section_forked_child);
}
