/* sched: whose FPU control words a user thread runs with.
 *
 * The x86-64 ABI makes the control bits of MXCSR and the x87 control word
 * (rounding mode, exception masks, flush-to-zero) callee-saved, and a
 * pthread keeps its own. jump_fcontext therefore saves and loads them on
 * every switch, and storing MXCSR is the slowest instruction of a switch
 * here: about 2.8 of the 5.9 ns a jump_fcontext takes (bench/switch).
 * Almost no thread ever changes them, so weft keeps one set per worker,
 * the words the process started with, which every thread shares
 * (WEFT_FPU_SHARED), and a switch between two such threads leaves the
 * registers alone (weft_context_jump_shared).
 *
 * A thread that changes them through <fenv.h> (fesetround, fesetenv,
 * feupdateenv, feholdexcept, feenableexcept, fedisableexcept,
 * fesetexceptflag, fesetexcept, feclearexcept, feraiseexcept, fesetmode)
 * calls weft's definition first, which marks it WEFT_FPU_OWN: from then on
 * every switch from or to it saves and loads the words (switch.c,
 * switch_fpu), so it keeps its own and the others keep the shared ones, as
 * with pthreads. Threads it creates start with a copy of its words (so do
 * those of a WEFT_FPU_SAVED thread, below).
 *
 * Two cases weft cannot see, for which every thread gets WEFT_FPU_SAVED
 * (its words saved and loaded on every switch, as jump_fcontext does):
 * - WEFT_FPU=thread in the environment, for a program that writes MXCSR
 *   itself (_mm_setcsr, inline assembly);
 * - a program in which the fenv calls bind to libm's definitions rather
 *   than weft's (libm linked before libweft, or libweft.a in a program that
 *   does not export its symbols), checked at start-up.
 * WEFT_FPU=shared keeps the per-worker words even then. Any other value is
 * an error at start-up.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fenv.h>
#include <stdlib.h>
#include <string.h>

#include "sched/sched.h"

#define EXPORT __attribute__((visibility("default")))

uint8_t weft_fpu_default;

/* The calling user thread changes its FPU control words. */
static void fpu_own(void) {
  struct weft_thread *self = weft_current();
  if (self) self->fpu = WEFT_FPU_OWN;
}

/* libm's definition of `name`, looked up once. */
static void *libm(void *_Atomic *slot, const char *name) {
  void *p = atomic_load_explicit(slot, memory_order_relaxed);
  if (WEFT_UNLIKELY(!p)) {
    p = weft_libc(name);
    atomic_store_explicit(slot, p, memory_order_relaxed);
  }
  return p;
}

/* Each call: mark the thread, then libm's. The hidden weft_<name> is
 * weft's own definition, which weft_fpu_init compares with the one the
 * program's calls bind to; <name> is its exported alias. */
#define FENV_CALL(name, params, args)                                          \
  int weft_##name params WEFT_HIDDEN;                                          \
  int weft_##name params {                                                     \
    static void *_Atomic real;                                                 \
    fpu_own();                                                                 \
    return ((int(*) params)libm(&real, #name))args;                            \
  }                                                                            \
  EXPORT int name params __attribute__((alias("weft_" #name)));

FENV_CALL(fesetround, (int mode), (mode))
FENV_CALL(fesetenv, (const fenv_t *env), (env))
FENV_CALL(feupdateenv, (const fenv_t *env), (env))
FENV_CALL(feholdexcept, (fenv_t *env), (env))
FENV_CALL(feenableexcept, (int excepts), (excepts))
FENV_CALL(fedisableexcept, (int excepts), (excepts))
FENV_CALL(fesetexceptflag, (const fexcept_t *flags, int excepts), (flags, excepts))
FENV_CALL(fesetexcept, (int excepts), (excepts))
FENV_CALL(feclearexcept, (int excepts), (excepts))
FENV_CALL(feraiseexcept, (int excepts), (excepts))
FENV_CALL(fesetmode, (const femode_t *mode), (mode))

void weft_fpu_init(void) {
  const char *mode = getenv("WEFT_FPU");
  if (mode && *mode) {
    if (!strcmp(mode, "thread")) {
      weft_fpu_default = WEFT_FPU_SAVED;
      return;
    }
    if (!strcmp(mode, "shared")) {
      weft_fpu_default = WEFT_FPU_SHARED;
      return;
    }
    weft_config_error("weft: WEFT_FPU=%s: expected `thread` (every thread saves its FPU "
                      "control words on every switch) or `shared` (only threads that change "
                      "them through <fenv.h>)",
                      mode);
  }
  static const struct {
    const char *name;
    void *ours;
  } calls[] = {
      {"fesetround", (void *)weft_fesetround},
      {"fesetenv", (void *)weft_fesetenv},
      {"feupdateenv", (void *)weft_feupdateenv},
      {"feholdexcept", (void *)weft_feholdexcept},
      {"feenableexcept", (void *)weft_feenableexcept},
      {"fedisableexcept", (void *)weft_fedisableexcept},
      {"fesetexceptflag", (void *)weft_fesetexceptflag},
      {"fesetexcept", (void *)weft_fesetexcept},
      {"feclearexcept", (void *)weft_feclearexcept},
      {"feraiseexcept", (void *)weft_feraiseexcept},
      {"fesetmode", (void *)weft_fesetmode},
  };
  weft_fpu_default = WEFT_FPU_SHARED;
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    void *bound = dlsym(RTLD_DEFAULT, calls[i].name);
    if (bound && bound != calls[i].ours) weft_fpu_default = WEFT_FPU_SAVED;
  }
}
