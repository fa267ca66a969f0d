/* arch: the runtime's settings, read from the environment (docs/runtime.md,
 * "Environment"). A malformed value stops the program at start-up with a
 * message naming the variable and what it takes (exit status 2): a typo in
 * WEFT_ARENA_LIMIT must not become a limit of zero bytes. An unset or empty
 * variable gives the default. */
#ifndef WEFT_ARCH_ENV_H
#define WEFT_ARCH_ENV_H

#include <stdarg.h>
#include <stddef.h>

#include "arch/cpu.h"

/* A size in bytes with an optional k, m or g suffix (binary), in [min, max]. */
size_t weft_env_size(const char *name, size_t dflt, size_t min, size_t max) WEFT_HIDDEN;
/* A whole number in [min, max]. */
long weft_env_number(const char *name, long dflt, long min, long max) WEFT_HIDDEN;
/* 0 or 1. */
int weft_env_flag(const char *name, int dflt) WEFT_HIDDEN;

/* One line on stderr, written directly (no stdio, no allocation). */
void weft_vsay(const char *fmt, va_list ap) WEFT_HIDDEN;

/* A setting the program was started with is malformed: the message, then
 * exit status 2 (no backtrace: nothing in weft went wrong). */
void weft_config_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)))
    WEFT_HIDDEN;

/* libc's (or libm's) definition of a function libweft defines too: the
 * next one after libweft in the lookup order (dlsym RTLD_NEXT). A missing
 * one stops the program with a message naming it, since every caller
 * would otherwise call through a null pointer. weft_libc_optional returns
 * null instead, for functions a libc may lack. Free of sanitizer
 * instrumentation: sigaction's lookup runs inside the sanitizers' start-up.
 * WEFT_REAL(type, name): the same, cast to the function's pointer type. */
void *weft_libc(const char *name) WEFT_HIDDEN;
void *weft_libc_optional(const char *name) WEFT_HIDDEN;
#define WEFT_REAL(type, name) ((type)weft_libc(#name))

/* WEFT_DCHECK(cond): an internal invariant of the runtime, checked in
 * debug and sanitizer builds (WEFT_DCHECKS, set by the build) and free in
 * release builds, where `cond` is not evaluated. A failure names the
 * condition and where it is, then aborts with a backtrace. */
void weft_dcheck_failed(const char *cond, const char *file, int line)
    __attribute__((noreturn, cold)) WEFT_HIDDEN;
#if defined(WEFT_DCHECKS) && WEFT_DCHECKS
#define WEFT_DCHECK(cond) \
  (WEFT_LIKELY(cond) ? (void)0 : weft_dcheck_failed(#cond, __FILE__, __LINE__))
#else
#define WEFT_DCHECK(cond) ((void)sizeof((cond) ? 1 : 0))
#endif

#endif
