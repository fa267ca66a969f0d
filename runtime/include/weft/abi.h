/* weft/abi.h: the numbers the code the weft plugin generates and libweft
 * must agree on. weft/weft.h includes it (the runtime and programs see it
 * there); the passes include it directly (passes/Checkpoints.h). Macros
 * only, for C, C++ and assembly.
 *
 * docs/plugin.md ("Linked stacks") and docs/runtime.md ("Linked segments")
 * say how the two halves use them.
 */
#ifndef WEFT_ABI_H
#define WEFT_ABI_H

/* The stack limit: the word at %fs:WEFT_STACK_LIMIT_SLOT, in the thread
 * control block, which glibc reserves for split stacks and leaves 0 on
 * every thread it creates. A checkpoint compares the stack pointer with it;
 * the runtime keeps it at the running segment's low end plus its reserve
 * (0 when no user thread runs). x86-64 only. */
#define WEFT_STACK_LIMIT_SLOT 0x70

/* How far below the limit instrumented code may run, which the runtime's
 * reserve below the limit must hold (the `reserve` of a weft_stack_need
 * counts what the function's code uses of them):
 *
 * WEFT_STACK_CHECK_SLACK: a checkpoint whose need is at most this many
 *   bytes compares the stack pointer itself with the limit, so that much of
 *   the frames it lets through may lie below the limit.
 * WEFT_STACK_ENTRY_FRAME_MAX: the largest frame of a function checked at
 *   its entry; the check can run after the prologue has pushed the frame. */
#define WEFT_STACK_CHECK_SLACK 256
#define WEFT_STACK_ENTRY_FRAME_MAX 2048

/* The `reserve` of a weft_stack_need (weft/weft.h) that asks for the
 * runtime's full reserve, for the C++ unwinder. */
#define WEFT_STACK_NEED_UNWINDS 0xFFFFFFFFu

/* The `nlocks` of a `struct weft_section` (weft/weft.h) that takes the one
 * coarse lock, which excludes every other section: what the plugin emits
 * for a section whose memory it cannot bound. Otherwise `locks` holds the
 * section's lock ids, ascending, each a hash of an abstract location's name
 * (passes/Locations.h), so that two units agree on them. */
#define WEFT_SECTION_COARSE 0xffffffffu

/* Scratch memory (weft/weft.h, __weft_scratch_push): the alignment of what
 * push returns, the largest object alignment the plugin moves there, and
 * the default size from which it moves an object (-fplugin-arg-weft-
 * scratch-threshold): a page, below which a frame's resident cost is the
 * page it shares with the rest of the stack anyway. */
#define WEFT_SCRATCH_ALIGN 16
#define WEFT_SCRATCH_MIN_BYTES 4096
/* The stack a call to __weft_scratch_push or __weft_scratch_pop uses below
 * its caller, for the plugin's linked stacks: their slow paths (mapping the
 * region, the heap) run on a segment of their own. */
#define WEFT_SCRATCH_STACK_BOUND 512

#endif /* WEFT_ABI_H */
