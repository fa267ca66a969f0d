/* stack: the plugin's table of entry-function stack needs. See needs.c. */
#ifndef WEFT_STACK_NEEDS_H
#define WEFT_STACK_NEEDS_H

#include "weft/weft.h"

#include "arch/cpu.h"

/* The entry of `fn` in the registered tables, or null. */
const struct weft_stack_need *weft_stack_need_of(const void *fn) WEFT_HIDDEN;
struct weft_need_set;
extern struct weft_need_set *_Atomic weft_stack_needs WEFT_HIDDEN;
/* The registered set now: a new one at a new address after each change. */
static inline const void *weft_stack_needs_set(void) {
  return __atomic_load_n((struct weft_need_set **)&weft_stack_needs, __ATOMIC_RELAXED);
}
/* Nonzero once a table was registered (one load on the spawn path). */
static inline int weft_stack_needs_present(void) { return weft_stack_needs_set() != 0; }
/* In a fork child: the registration lock, which a thread that no longer
 * exists may have held, is free again (a set is published with one atomic
 * store, so the published one is whole). */
void weft_stack_needs_forked_child(void) WEFT_HIDDEN;

#endif
