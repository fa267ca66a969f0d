/* context: switching between stacks, on Boost.Context's fcontext.
 *
 * The two entry points below are Boost.Context's own (libboost_context),
 * declared here for C; context_check.cpp verifies against
 * <boost/context/detail/fcontext.hpp> that the declarations agree. A saved
 * context is a stack pointer; on x86-64 the words at it are mxcsr/x87 cw,
 * r12, r13, r14, r15, rbx, rbp and the resume address (the gdb extension
 * reads them). The sanitizer hooks tell ASan and TSan that the stack
 * changed. */
#ifndef WEFT_CONTEXT_CONTEXT_H
#define WEFT_CONTEXT_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"

struct weft_transfer {
  void *fctx;
  void *data;
};

struct weft_transfer jump_fcontext(void *const to, void *vp);
void *make_fcontext(void *sp, size_t size, void (*fn)(struct weft_transfer));

/* Switch to `to`, passing `data`; returns when something switches back.
 * On x86-64 it goes through arch/x86_64_sysv.S, which keeps the CPU's
 * return predictor in step; elsewhere it is jump_fcontext itself. */
#if defined(__x86_64__)
struct weft_transfer weft_context_jump(void *const to, void *data) WEFT_HIDDEN;
/* weft_context_jump leaving the FPU control words alone: for a switch
 * between two threads that use the worker's shared ones (sched/fpu.c). The
 * frame it saves has no valid FPU words; store them before resuming it
 * with a jump that loads them (weft_context_fpu_set). */
struct weft_transfer weft_context_jump_shared(void *const to, void *data) WEFT_HIDDEN;
/* Start a context that never ran, from one that ends (nothing of it is
 * saved): fn(data) on the stack below sp (16-byte aligned), with the FPU
 * control words at `fpu` (mxcsr, x87 cw; null: the running ones). A
 * jump_fcontext into a fresh
 * Boost.Context frame does the same with a save of the leaving side and
 * a trampoline: this skips both (arch/x86_64_sysv.S). */
__attribute__((noreturn)) void weft_context_start(void *sp, void *data, void (*fn)(void *),
                                                  const void *fpu) WEFT_HIDDEN;
#if !defined(WEFT_ASAN) && !defined(WEFT_TSAN)
#define WEFT_CONTEXT_START 1
#endif
#else
#define weft_context_jump jump_fcontext
#define weft_context_jump_shared jump_fcontext
#endif

/* A new context for a thread's stack, the same as
 * make_fcontext(top, size, fn) for the `fn` weft_context_proto_init was
 * given. Boost's make_fcontext stores the FPU control words into every
 * context it makes (fnstcw and stmxcsr, slow instructions), and the start
 * frame it writes below the stack top is the same for every stack, so
 * weft makes one at start-up and copies it (context.c checks that frames
 * made at two places agree; if they do not, it calls make_fcontext). */
struct weft_context_proto {
  uint32_t fpu[2];            /* the FPU control words a new context gets */
  int ok;
  unsigned below;             /* bytes from the context to the aligned top */
  unsigned char bytes[64];    /* the 64 bytes below the aligned top */
};
extern struct weft_context_proto weft_context_proto WEFT_HIDDEN;
void weft_context_proto_init(void (*fn)(struct weft_transfer)) WEFT_HIDDEN;
static inline void *weft_context_make(void *top, size_t size, void (*fn)(struct weft_transfer)) {
  if (WEFT_UNLIKELY(!weft_context_proto.ok)) return make_fcontext(top, size, fn);
  char *aligned = (char *)((uintptr_t)top & ~(uintptr_t)15);
  __builtin_memcpy(aligned - sizeof weft_context_proto.bytes, weft_context_proto.bytes,
                   sizeof weft_context_proto.bytes);
  return aligned - weft_context_proto.below;
}

/* The FPU control words (mxcsr, x87 cw: 8 bytes) of the saved context
 * ctx, which the next jump_fcontext to it loads. */
static inline void weft_context_fpu_set(void *ctx, const uint32_t fpu[2]) {
#if defined(__x86_64__)
  __builtin_memcpy(ctx, fpu, 8);
#else
  (void)ctx; (void)fpu;
#endif
}

/* The running context's FPU control words, as a frame holds them. */
static inline void weft_fpu_store(uint32_t fpu[2]) {
#if defined(__x86_64__)
  uint16_t cw;
  __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(fpu[0]), "=m"(cw));
  fpu[1] = cw;
#else
  fpu[0] = fpu[1] = 0;
#endif
}

/* Per-context sanitizer state. */
struct weft_fiber {
  const void *stack_bottom;
  size_t stack_size;
#ifdef WEFT_ASAN
  void *asan_fake_stack;
#endif
#ifdef WEFT_TSAN
  void *tsan_fiber;
#endif
};

#ifdef WEFT_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
                                    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
                                     const void **bottom_old, size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#endif
#ifdef WEFT_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif

/* Call before jumping from `from` to `to`; `from_dies` when the stack we
 * leave will never be resumed. */
static inline void weft_fiber_leave(struct weft_fiber *from,
                                    const struct weft_fiber *to, int from_dies) {
#ifdef WEFT_ASAN
  __sanitizer_start_switch_fiber(from_dies ? 0 : &from->asan_fake_stack,
                                 to->stack_bottom, to->stack_size);
#endif
#ifdef WEFT_TSAN
  __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
  (void)from; (void)to; (void)from_dies;
}
/* Call first thing after a jump lands in `self`. */
static inline void weft_fiber_arrive(struct weft_fiber *self) {
#ifdef WEFT_ASAN
  __sanitizer_finish_switch_fiber(self->asan_fake_stack, 0, 0);
#endif
  (void)self;
}
static inline void weft_fiber_init(struct weft_fiber *f, const void *bottom,
                                   size_t size, int current_kernel_stack) {
  f->stack_bottom = bottom;
  f->stack_size = size;
#ifdef WEFT_ASAN
  f->asan_fake_stack = 0;
  if (!current_kernel_stack) __asan_unpoison_memory_region(bottom, size);
#endif
#ifdef WEFT_TSAN
  f->tsan_fiber = current_kernel_stack ? __tsan_get_current_fiber()
                                       : __tsan_create_fiber(0);
#endif
  (void)current_kernel_stack;
}
static inline void weft_fiber_destroy(struct weft_fiber *f) {
#ifdef WEFT_TSAN
  __tsan_destroy_fiber(f->tsan_fiber);
#endif
  (void)f;
}

#endif
