// The libc stack bounds in runtime/libc_stack_bounds.def hold: each function
// runs on a painted stack with inputs that make it work hardest, and the
// stack it touched must be at most its bound. Every function of the table
// is probed. Bound with -z now, as programs linked with libweft are: lazy
// symbol resolution is not the function's own use.
// RUN: %clang -O1 -fno-builtin -I%weft_src/runtime %s -Wl,-z,now -lpthread -o %t
// RUN: %t | FileCheck %s
// CHECK: libc bounds: {{[1-9][0-9]*}} functions probed, 0 over their bound, 0 not probed
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum { STACK = 1 << 20 };
static unsigned char *stack;
static void (*current)(void);
static void *run(void *a) {
  (void)a;
  current();
  return NULL;
}
// Bytes of the painted stack the probe touched.
static size_t touched(void (*probe)(void)) {
  memset(stack, 0xA5, STACK);
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setstack(&at, stack, STACK);
  current = probe;
  pthread_t t;
  if (pthread_create(&t, &at, run, NULL) || pthread_join(t, NULL))
    abort();
  size_t i = 0;
  while (i < STACK && stack[i] == 0xA5)
    i++;
  return STACK - i;
}

// The fortified variants, as <bits/*_chk.h> would declare them.
void *__memcpy_chk(void *, const void *, size_t, size_t);
void *__memmove_chk(void *, const void *, size_t, size_t);
void *__memset_chk(void *, int, size_t, size_t);
char *__strcpy_chk(char *, const char *, size_t);
char *__strncpy_chk(char *, const char *, size_t, size_t);
char *__stpcpy_chk(char *, const char *, size_t);
char *__strcat_chk(char *, const char *, size_t);
char *__strncat_chk(char *, const char *, size_t, size_t);
int __snprintf_chk(char *, size_t, int, size_t, const char *, ...);
int __sprintf_chk(char *, int, size_t, const char *, ...);
int __vsnprintf_chk(char *, size_t, int, size_t, const char *, va_list);
int __vsprintf_chk(char *, int, size_t, const char *, va_list);

static volatile long sink;
static jmp_buf jb;
static sigjmp_buf sjb;
int _setjmp(struct __jmp_buf_tag *);
int __sigsetjmp(struct __jmp_buf_tag *, int);
static char a[1 << 16], b[1 << 16];
static void fill(char *s, size_t n, char c) {
  memset(s, c, n - 1);
  s[n - 1] = 0;
}
static char *many9(void) { fill(a, 4000, '9'); return a; }
static long vs(char *out, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  long r = vsnprintf(out, n, fmt, ap);
  va_end(ap);
  return r;
}
static long vsp(char *out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  long r = vsprintf(out, fmt, ap);
  va_end(ap);
  return r;
}
static long vsc(char *out, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  long r = __vsnprintf_chk(out, n, 1, n, fmt, ap);
  va_end(ap);
  return r;
}
static long vspc(char *out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  long r = __vsprintf_chk(out, 1, sizeof b, fmt, ap);
  va_end(ap);
  return r;
}
static long allocs(void *(*one)(size_t)) {
  static void *p[512]; // not on the stack: the probe measures the calls
  long r = 0;
  for (int i = 0; i < 512; i++) p[i] = one((size_t)i * 977 + 1);
  for (int i = 0; i < 512; i++) r += p[i] != NULL, free(p[i]);
  return r;
}
static void *m_calloc(size_t n) { return calloc(n, 3); }
static void *m_aligned(size_t n) { return aligned_alloc(64, (n + 63) & ~(size_t)63); }
static void *m_memalign(size_t n) { return memalign(4096, n); }
static void *m_posix(size_t n) { void *p = NULL; return posix_memalign(&p, 256, n) ? NULL : p; }
static void *m_realloc(size_t n) { return realloc(realloc(malloc(16), n), n * 40 + 300000); }
static void *m_reallocarray(size_t n) { return reallocarray(malloc(8), n, 40); }
static void *m_strdup(size_t n) { fill(b, n % 60000 + 2, 'x'); return strdup(b); }
static void *m_strndup(size_t n) { fill(b, sizeof b, 'x'); return strndup(b, n); }

// The mutex and condition-variable calls on their slow paths: a lock held
// by another thread for a moment (the futex wait), an unlock that wakes a
// waiter, a wait that another thread signals, a timed wait that times out,
// a signal to a waiting thread. These probes start other threads first
// (which takes kilobytes of stack), so they measure the call alone: paint
// the stack below their frame, make the call, count what it touched.
enum { BELOW = 16384 };
static long self_measured = -1;
__attribute__((noinline)) static void paint_below(void) {
  volatile unsigned char buf[BELOW];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = 0xA5;
}
__attribute__((noinline)) static uintptr_t sp_here(void) {
  return (uintptr_t)__builtin_frame_address(0);
}
__attribute__((noinline)) static void note_use(uintptr_t top) {
  const volatile unsigned char *p = (const volatile unsigned char *)(top - BELOW);
  size_t i = 0;
  while (i < BELOW && p[i] == 0xA5)
    i++;
  if ((long)(BELOW - i) > self_measured)
    self_measured = (long)(BELOW - i);
}
#define MEASURE(call)                                                                \
  do {                                                                               \
    paint_below();                                                                   \
    uintptr_t top_ = sp_here();                                                      \
    call;                                                                            \
    note_use(top_);                                                                  \
  } while (0)
static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static volatile int pflag;
static void pause_ms(long ms) {
  struct timespec ts = {0, ms * 1000000};
  nanosleep(&ts, NULL);
}
static void *holder(void *a) {
  (void)a;
  pthread_mutex_lock(&pm);
  pflag = 1;
  pause_ms(5);
  pthread_mutex_unlock(&pm);
  return NULL;
}
static void *signaller(void *a) {
  (void)a;
  pause_ms(5);
  pthread_mutex_lock(&pm);
  pflag = 1;
  pthread_cond_signal(&pc);
  pthread_mutex_unlock(&pm);
  return NULL;
}
static void *waiter(void *a) {
  (void)a;
  pthread_mutex_lock(&pm);
  pflag = 1;
  while (pflag != 2)
    pthread_cond_wait(&pc, &pm);
  pthread_mutex_unlock(&pm);
  return NULL;
}
static pthread_t other(void *(*fn)(void *)) {
  pthread_t t;
  pflag = 0;
  if (pthread_create(&t, NULL, fn, NULL))
    abort();
  return t;
}
static long contended_lock(int (*lock)(pthread_mutex_t *)) {
  pthread_t t = other(holder);
  while (!pflag)
    ;
  long r;
  MEASURE(r = lock(&pm));
  pthread_mutex_unlock(&pm);
  pthread_join(t, NULL);
  return r;
}
static void *locker(void *a) {
  (void)a;
  pflag = 1;
  pthread_mutex_lock(&pm);
  pthread_mutex_unlock(&pm);
  return NULL;
}
static long unlock_with_waiter(void) {
  pthread_mutex_lock(&pm);
  pthread_t t = other(locker);
  while (!pflag)
    ;
  pause_ms(2); // the locker is in the futex wait
  long r;
  MEASURE(r = pthread_mutex_unlock(&pm));
  pthread_join(t, NULL);
  return r;
}
static int trylock_then_lock(pthread_mutex_t *m) {
  return pthread_mutex_trylock(m) ? pthread_mutex_lock(m) : 0;
}
static long signalled_wait(int timed) {
  pthread_t t = other(signaller);
  pthread_mutex_lock(&pm);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += 10;
  long r = 0;
  while (!pflag)
    MEASURE(r = timed ? pthread_cond_timedwait(&pc, &pm, &ts) : pthread_cond_wait(&pc, &pm));
  pthread_mutex_unlock(&pm);
  pthread_join(t, NULL);
  return r;
}
static long timed_out(void) {
  pthread_mutex_lock(&pm);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 2000000;
  if (ts.tv_nsec >= 1000000000)
    ts.tv_sec++, ts.tv_nsec -= 1000000000;
  long r;
  MEASURE(r = pthread_cond_timedwait(&pc, &pm, &ts));
  pthread_mutex_unlock(&pm);
  return r;
}
static long wake(int all) {
  pthread_t t = other(waiter);
  for (;;) {
    pthread_mutex_lock(&pm);
    if (pflag == 1)
      break;
    pthread_mutex_unlock(&pm);
    pause_ms(1);
  }
  pflag = 2;
  pthread_mutex_unlock(&pm);
  pause_ms(1); // the waiter is back in the futex wait
  long r;
  MEASURE(r = all ? pthread_cond_broadcast(&pc) : pthread_cond_signal(&pc));
  pthread_join(t, NULL);
  return r;
}

#define FMT "%s %d %ld %f %e %g %Lf %x %p %*.*s|%.4000Lf", "abc", 1, 2L, 1e300, 1e-300, \
            3.3, 1e4000L, 5, (void *)a, 10, 5, "abcdefgh", 1e-4000L

// One probe per function of the table, each calling just that function.
// Socket and descriptor calls, each made so that it does its work at once
// (glibc's are system call wrappers; libweft's, which park, are measured
// by test/lit/e2e/io-stack-bound.c): data waiting, a connection pending.
static int io_pair[2] = {-1, -1}, io_listener = -1;
static struct sockaddr_in io_addr;
static void io_setup(void) {
  if (io_pair[0] >= 0) return;
  socklen_t len = sizeof io_addr;
  io_addr.sin_family = AF_INET;
  io_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  io_listener = socket(AF_INET, SOCK_STREAM, 0);
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, io_pair) || io_listener < 0 ||
      bind(io_listener, (struct sockaddr *)&io_addr, sizeof io_addr) || listen(io_listener, 16) ||
      getsockname(io_listener, (struct sockaddr *)&io_addr, &len))
    abort();
}
// One byte waiting on io_pair[0] for the probe to read.
static void io_byte(void) {
  io_setup();
  if (write(io_pair[1], "x", 1) != 1) abort();
}
// A connection pending on the listener; its client end is closed later.
static int io_client = -1;
static void io_pending(void) {
  io_setup();
  if (io_client >= 0) close(io_client);
  io_client = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(io_client, (struct sockaddr *)&io_addr, sizeof io_addr)) abort();
}
static char io_buf[64];
static long io_read(int how) {
  io_byte();
  struct iovec v = {io_buf, sizeof io_buf};
  return how == 0 ? read(io_pair[0], io_buf, sizeof io_buf)
         : how == 1 ? recv(io_pair[0], io_buf, sizeof io_buf, 0)
                    : readv(io_pair[0], &v, 1);
}
static long io_write(int how) {
  io_setup();
  struct iovec v = {io_buf, sizeof io_buf};
  long r = how == 0 ? write(io_pair[0], io_buf, sizeof io_buf)
           : how == 1 ? send(io_pair[0], io_buf, sizeof io_buf, 0)
                      : writev(io_pair[0], &v, 1);
  char sink_buf[256];
  if (read(io_pair[1], sink_buf, sizeof sink_buf) <= 0) abort();
  return r;
}
static long io_accept(int four) {
  io_pending();
  int fd = four ? accept4(io_listener, NULL, NULL, SOCK_CLOEXEC) : accept(io_listener, NULL, NULL);
  return fd;
}
static long io_close(int shut) {
  io_pending();
  int fd = accept(io_listener, NULL, NULL);
  return shut ? shutdown(fd, SHUT_RDWR) + close(fd) : close(fd);
}

#define PROBES(X)                                                                    \
  X(memcpy, sink = (long)memcpy(a, b, sizeof a))                                     \
  X(memmove, sink = (long)memmove(a + 1, a, sizeof a - 1))                           \
  X(memset, sink = (long)memset(a, 1, sizeof a))                                     \
  X(memcmp, sink = memcmp(a, b, sizeof a))                                           \
  X(memchr, sink = (long)memchr(a, 7, sizeof a))                                     \
  X(memrchr, sink = (long)memrchr(a, 7, sizeof a))                                   \
  X(bcmp, sink = bcmp(a, b, sizeof a))                                               \
  X(strlen, (fill(a, sizeof a, 'a'), sink = strlen(a)))                              \
  X(strnlen, (fill(a, sizeof a, 'a'), sink = strnlen(a, sizeof a)))                  \
  X(strcmp, (fill(a, sizeof a, 'a'), fill(b, sizeof b, 'a'), sink = strcmp(a, b)))   \
  X(strncmp, (fill(a, sizeof a, 'a'), sink = strncmp(a, a, sizeof a)))               \
  X(strcasecmp, (fill(a, sizeof a, 'a'), fill(b, sizeof b, 'A'), sink = strcasecmp(a, b))) \
  X(strncasecmp, (fill(a, sizeof a, 'a'), sink = strncasecmp(a, b, sizeof a)))       \
  X(strchr, (fill(a, sizeof a, 'a'), sink = (long)strchr(a, 'b')))                   \
  X(strrchr, (fill(a, sizeof a, 'a'), sink = (long)strrchr(a, 'b')))                 \
  X(strchrnul, (fill(a, sizeof a, 'a'), sink = (long)strchrnul(a, 'b')))             \
  X(strcpy, (fill(b, sizeof b, 'a'), sink = (long)strcpy(a, b)))                     \
  X(strncpy, (fill(b, sizeof b, 'a'), sink = (long)strncpy(a, b, sizeof a)))         \
  X(stpcpy, (fill(b, sizeof b, 'a'), sink = (long)stpcpy(a, b)))                     \
  X(stpncpy, (fill(b, sizeof b, 'a'), sink = (long)stpncpy(a, b, sizeof a)))         \
  X(strcat, (a[0] = 0, fill(b, sizeof b, 'a'), sink = (long)strcat(a, b)))           \
  X(strncat, (a[0] = 0, fill(b, sizeof b, 'a'), sink = (long)strncat(a, b, sizeof a - 1))) \
  X(__memcpy_chk, sink = (long)__memcpy_chk(a, b, sizeof a, sizeof a))               \
  X(__memmove_chk, sink = (long)__memmove_chk(a + 1, a, sizeof a - 1, sizeof a))     \
  X(__memset_chk, sink = (long)__memset_chk(a, 1, sizeof a, sizeof a))               \
  X(__strcpy_chk, (fill(b, sizeof b, 'a'), sink = (long)__strcpy_chk(a, b, sizeof a))) \
  X(__strncpy_chk, (fill(b, sizeof b, 'a'), sink = (long)__strncpy_chk(a, b, sizeof a, sizeof a))) \
  X(__stpcpy_chk, (fill(b, sizeof b, 'a'), sink = (long)__stpcpy_chk(a, b, sizeof a))) \
  X(__strcat_chk, (a[0] = 0, fill(b, sizeof b, 'a'), sink = (long)__strcat_chk(a, b, sizeof a))) \
  X(__strncat_chk, (a[0] = 0, fill(b, sizeof b, 'a'), sink = (long)__strncat_chk(a, b, sizeof a - 1, sizeof a))) \
  X(strstr, (fill(a, sizeof a, 'a'), fill(b, 3000, 'a'), b[2998] = 'b', sink = (long)strstr(a, b))) \
  X(strcasestr, (fill(a, sizeof a, 'a'), fill(b, 3000, 'A'), b[2998] = 'b', sink = (long)strcasestr(a, b))) \
  X(memmem, (fill(a, sizeof a, 'a'), fill(b, 3000, 'a'), b[2998] = 'b', sink = (long)memmem(a, sizeof a, b, 2999))) \
  X(strspn, (fill(a, sizeof a, 'a'), fill(b, 256, 'a'), sink = strspn(a, "abcdefghijklmnopqrstuvwxyz"))) \
  X(strcspn, (fill(a, sizeof a, 'a'), sink = strcspn(a, "bcdefghijklmnopqrstuvwxyz0123456789"))) \
  X(strpbrk, (fill(a, sizeof a, 'a'), sink = (long)strpbrk(a, "bcdefghijklmnopqrstuvwxyz"))) \
  X(setjmp, sink = setjmp(jb))                                                       \
  X(_setjmp, sink = _setjmp(jb))                                                     \
  X(sigsetjmp, sink = sigsetjmp(sjb, 1))                                             \
  X(__sigsetjmp, sink = __sigsetjmp(sjb, 1))                                         \
  X(__ctype_b_loc, sink = (long)*__ctype_b_loc())                                    \
  X(__ctype_tolower_loc, sink = (long)*__ctype_tolower_loc())                        \
  X(__ctype_toupper_loc, sink = (long)*__ctype_toupper_loc())                        \
  X(toupper, sink = toupper('a'))                                                    \
  X(tolower, sink = tolower('A'))                                                    \
  X(__errno_location, sink = (long)__errno_location())                               \
  X(strtol, sink = strtol("-9223372036854775808", NULL, 0))                          \
  X(strtoul, sink = (long)strtoul("0xffffffffffffffff", NULL, 0))                    \
  X(strtoll, sink = strtoll("  -0777777777777777777777", NULL, 0))                   \
  X(strtoull, sink = (long)strtoull("18446744073709551615", NULL, 10))               \
  X(atoi, sink = atoi("-2147483648"))                                                \
  X(atol, sink = atol("-9223372036854775808"))                                       \
  X(atoll, sink = atoll("9223372036854775807"))                                      \
  X(strtod, (sink = (long)strtod(many9(), NULL), sink += (long)strtod("4.9e-324", NULL))) \
  X(strtof, (sink = (long)strtof(many9(), NULL), sink += (long)strtof("1.4e-45", NULL))) \
  X(strtold, (sink = (long)strtold(many9(), NULL), sink += (long)strtold("3.6e-4951", NULL))) \
  X(atof, sink = (long)atof(many9()))                                                \
  X(malloc, sink = allocs(malloc))                                                   \
  X(free, sink = allocs(malloc))                                                     \
  X(calloc, sink = allocs(m_calloc))                                                 \
  X(realloc, sink = allocs(m_realloc))                                               \
  X(reallocarray, sink = allocs(m_reallocarray))                                     \
  X(posix_memalign, sink = allocs(m_posix))                                          \
  X(aligned_alloc, sink = allocs(m_aligned))                                         \
  X(memalign, sink = allocs(m_memalign))                                             \
  X(strdup, sink = allocs(m_strdup))                                                 \
  X(strndup, sink = allocs(m_strndup))                                               \
  X(snprintf, sink = snprintf(b, sizeof b, FMT))                                     \
  X(sprintf, sink = sprintf(b, FMT))                                                 \
  X(vsnprintf, sink = vs(b, sizeof b, FMT))                                          \
  X(vsprintf, sink = vsp(b, FMT))                                                    \
  X(__snprintf_chk, sink = __snprintf_chk(b, sizeof b, 1, sizeof b, FMT))            \
  X(__sprintf_chk, sink = __sprintf_chk(b, 1, sizeof b, FMT))                        \
  X(__vsnprintf_chk, sink = vsc(b, sizeof b, FMT))                                   \
  X(__vsprintf_chk, sink = vspc(b, FMT))                                            \
  X(pthread_mutex_lock, sink = contended_lock(pthread_mutex_lock))                   \
  X(pthread_mutex_trylock, sink = contended_lock(trylock_then_lock))                 \
  X(pthread_mutex_unlock, sink = unlock_with_waiter())                 \
  X(pthread_cond_wait, sink = signalled_wait(0))                                     \
  X(pthread_cond_timedwait, (sink = signalled_wait(1), sink += timed_out()))         \
  X(pthread_cond_signal, sink = wake(0))                                             \
  X(pthread_cond_broadcast, sink = wake(1))                                          \
  X(read, sink = io_read(0))                                                         \
  X(recv, sink = io_read(1))                                                         \
  X(readv, sink = io_read(2))                                                        \
  X(write, sink = io_write(0))                                                       \
  X(send, sink = io_write(1))                                                        \
  X(writev, sink = io_write(2))                                                      \
  X(accept, sink = io_accept(0))                                                     \
  X(accept4, sink = io_accept(1))                                                    \
  X(close, sink = io_close(0))                                                       \
  X(shutdown, sink = io_close(1))

#define DEFINE(fn, code) \
  static void probe_##fn(void) { code; }
PROBES(DEFINE)
static void baseline(void) { sink = 0; }

// The probe harness's own use, measured with a probe that calls nothing.
static size_t base;
static int probed, over, missing;
static void check(const char *name, void (*probe)(void), size_t bound) {
  // Twice, keeping the larger: the first call may set things up (a
  // thread's malloc arena, locale data), which the bound must cover too.
  size_t own = 0;
  for (int round = 0; round < 2; round++) {
    self_measured = -1;
    size_t used = touched(probe);
    size_t this_one = used > base ? used - base : 0;
    if (self_measured >= 0)
      this_one = (size_t)self_measured;
    if (this_one > own)
      own = this_one;
  }
  probed++;
  printf("%-20s used %6zu bound %6zu\n", name, own, bound);
  if (own > bound) {
    printf("OVER: %s used %zu bytes, bound %zu\n", name, own, bound);
    over++;
  }
}

int main(void) {
  stack = aligned_alloc(4096, STACK);
  base = touched(baseline);
  base = touched(baseline);
#define ENTRY(fn, code) {#fn, probe_##fn},
  static const struct { const char *name; void (*probe)(void); } probes[] = {PROBES(ENTRY)};
#define WEFT_LIBC_STACK_BOUND(fn, bytes)                                              \
  {                                                                                   \
    int found = 0;                                                                    \
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)                       \
      if (!strcmp(probes[i].name, #fn)) check(#fn, probes[i].probe, bytes), found = 1;   \
    if (!found) printf("NOT PROBED: %s\n", #fn), missing++;                           \
  }
#include "libc_stack_bounds.def"
  printf("libc bounds: %d functions probed, %d over their bound, %d not probed\n", probed, over,
         missing);
  return 0;
}
