/* arch: settings from the environment, libc lookups, internal checks (env.h). */
#define _GNU_SOURCE
#include "arch/env.h"

#include <dlfcn.h>

#include "weft/weft.h" /* WEFT_UNINSTRUMENTED */

#include <errno.h>
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void weft_vsay(const char *fmt, va_list ap) {
  char buf[512];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  (void)syscall(SYS_write, 2, buf, n); /* a message on stderr: nothing to do if it fails */
}

WEFT_UNINSTRUMENTED void *weft_libc_optional(const char *name) {
  return dlsym(RTLD_NEXT, name);
}

WEFT_UNINSTRUMENTED void *weft_libc(const char *name) {
  void *p = dlsym(RTLD_NEXT, name);
  if (!p) {
    const char *why = dlerror();
    char buf[512];
    int n = snprintf(buf, sizeof buf, "weft: cannot find libc's %s (%s)\n", name,
                     why ? why : "no definition after libweft's");
    if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
    (void)syscall(SYS_write, 2, buf, n); /* a message on stderr: nothing to do if it fails */
    abort();
  }
  return p;
}

void weft_dcheck_failed(const char *cond, const char *file, int line) {
  char buf[512];
  int n = snprintf(buf, sizeof buf, "weft: internal check failed: %s (%s:%d)\n", cond, file, line);
  if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
  (void)syscall(SYS_write, 2, buf, n); /* a message on stderr: nothing to do if it fails */
  void *frames[32];
  int nf = backtrace(frames, 32);
  backtrace_symbols_fd(frames, nf, 2);
  abort();
}

void weft_config_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  weft_vsay(fmt, ap);
  va_end(ap);
  _exit(2);
}

/* Digits only (no sign, no spaces), then an optional suffix from `suffixes`
 * (empty: none allowed); 0 with *ok = 0 if malformed or out of range. */
static unsigned long long parse(const char *s, const char *suffixes, int *ok) {
  *ok = 0;
  if (*s < '0' || *s > '9') return 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno == ERANGE) return 0;
  if (*end) {
    int shift = -1;
    for (const char *p = suffixes; *p; p++)
      if ((*end | 0x20) == *p) shift = *p == 'k' ? 10 : *p == 'm' ? 20 : 30;
    if (shift < 0 || end[1]) return 0;
    if (v > (~0ull >> shift)) return 0;
    v <<= shift;
  }
  *ok = 1;
  return v;
}

/* v as the shortest exact form with a suffix: 1024 -> "1k". */
static void show_size(char out[32], size_t v) {
  const char *unit = "";
  if (v && v % (1u << 30) == 0) v >>= 30, unit = "g";
  else if (v && v % (1u << 20) == 0) v >>= 20, unit = "m";
  else if (v && v % (1u << 10) == 0) v >>= 10, unit = "k";
  snprintf(out, 32, "%zu%s", v, unit);
}

size_t weft_env_size(const char *name, size_t dflt, size_t min, size_t max) {
  const char *s = getenv(name);
  if (!s || !*s) return dflt;
  int ok;
  unsigned long long v = parse(s, "kmg", &ok);
  if (!ok || v < min || v > max) {
    char lo[32], hi[32], range[80];
    show_size(lo, min);
    show_size(hi, max);
    if (max == (size_t)-1) snprintf(range, sizeof range, "of at least %s", lo);
    else snprintf(range, sizeof range, "from %s to %s", lo, hi);
    weft_config_error("weft: %s=%s: expected a size in bytes %s, with an optional k, m or g "
                      "suffix (for example 256k)",
                      name, s, range);
  }
  return (size_t)v;
}

long weft_env_number(const char *name, long dflt, long min, long max) {
  const char *s = getenv(name);
  if (!s || !*s) return dflt;
  int ok;
  unsigned long long v = parse(s, "", &ok);
  if (!ok || v < (unsigned long long)min || v > (unsigned long long)max)
    weft_config_error("weft: %s=%s: expected a whole number from %ld to %ld", name, s, min,
                      max);
  return (long)v;
}

int weft_env_flag(const char *name, int dflt) {
  const char *s = getenv(name);
  if (!s || !*s) return dflt;
  if ((s[0] == '0' || s[0] == '1') && !s[1]) return s[0] - '0';
  weft_config_error("weft: %s=%s: expected 0 or 1", name, s);
}
