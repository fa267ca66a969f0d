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
#define WEFT_SECTION_COARSE 0xffffffffu

struct weft_section_guard {
  const struct weft_section *section;
  int active;
};

/* ABI used by WEFT_ATOMIC; `section` is null unless the plugin filled it. */
struct weft_section_guard __weft_section_enter(const struct weft_section *section)
    __attribute__((nothrow));
void __weft_section_leave(struct weft_section_guard *guard) __attribute__((nothrow));

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

#ifdef __cplusplus
}
#endif

#endif /* WEFT_WEFT_H */
