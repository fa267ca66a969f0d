/* pthread: the POSIX threads layer.
 *
 * libweft defines the pthread calls a thread-per-connection program uses,
 * so that a program linked with `weft-config --libs` (libweft before libc)
 * runs every pthread, and main, as a weft user thread without changes;
 * libstdc++'s std::thread, std::mutex and std::condition_variable go
 * through the same calls. A pthread_t is the address of the weft thread.
 * Mutexes, condition variables, rwlocks, barriers and semaphores are the
 * sync layer's objects placed in the pthread types' storage (glibc's
 * static initialisers, all zeros except the mutex kind, stay valid).
 *
 * Attributes are read from glibc's pthread_attr_t: the detach state through
 * libc's getter, the stack size from the raw field (0 means "not set", in
 * which case the weft default segment is used; libc's getter would report
 * 8 MiB). A stack address set by pthread_attr_setstack is ignored.
 *
 * Not supported on weft threads: pthread_cancel (ENOTSUP), signals to a
 * particular thread (pthread_kill with a nonzero signal: ENOTSUP), stack
 * unwinding on pthread_exit (destructors of C++ objects on the exiting
 * thread's stack do not run; key destructors do).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync/sync.h"

#define EXPORT __attribute__((visibility("default")))
#define KEYS_MAX 1024

static int is_weft(pthread_t th) {
  return th && ((struct weft_thread *)th)->magic == WEFT_THREAD_MAGIC;
}

static void *real(const char *name) { return weft_libc(name); }

/* ---- threads ---------------------------------------------------------- */

EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg) {
  size_t stack = 0;
  int detached = 0;
  if (attr) {
    const unsigned char *raw = (const unsigned char *)attr;
    memcpy(&stack, raw + 32, sizeof stack); /* glibc 2.36 struct pthread_attr.stacksize */
    int ds = PTHREAD_CREATE_JOINABLE;
    pthread_attr_getdetachstate(attr, &ds);
    detached = ds == PTHREAD_CREATE_DETACHED;
  }
  struct weft_thread *t;
  int r = weft_spawn_internal(&t, stack, detached, fn, arg);
  if (r == ENOMEM) r = EAGAIN;
  if (r) return r;
  *th = (pthread_t)t;
  return 0;
}

EXPORT int pthread_join(pthread_t th, void **ret) {
  if (!is_weft(th)) return ESRCH;
  return weft_join((weft_thread_t *)th, ret);
}
EXPORT int pthread_tryjoin_np(pthread_t th, void **ret) {
  if (!is_weft(th)) return ESRCH;
  struct weft_thread *t = (struct weft_thread *)th;
  if (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) return EBUSY;
  return weft_join((weft_thread_t *)th, ret);
}
EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime) {
  if (!is_weft(th)) return ESRCH;
  struct weft_thread *t = (struct weft_thread *)th;
  while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (abstime && (now.tv_sec > abstime->tv_sec ||
                    (now.tv_sec == abstime->tv_sec && now.tv_nsec >= abstime->tv_nsec)))
      return ETIMEDOUT;
    weft_sleep(1000000);
  }
  return weft_join((weft_thread_t *)th, ret);
}
EXPORT int pthread_detach(pthread_t th) {
  if (!is_weft(th)) return ESRCH;
  return weft_detach((weft_thread_t *)th);
}
EXPORT void pthread_exit(void *ret) {
  if (weft_current()) weft_exit(ret);
  ((void (*)(void *))real("pthread_exit"))(ret);
  __builtin_unreachable();
}
EXPORT pthread_t pthread_self(void) {
  struct weft_thread *t = weft_current();
  if (t) return (pthread_t)t;
  static pthread_t (*real_self)(void);
  if (!real_self) real_self = (pthread_t(*)(void))real("pthread_self");
  return real_self();
}
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }
EXPORT int sched_yield(void) {
  weft_yield();
  return 0;
}
EXPORT int pthread_cancel(pthread_t th) {
  if (is_weft(th)) return ENOTSUP;
  return ((int (*)(pthread_t))real("pthread_cancel"))(th);
}
EXPORT int pthread_kill(pthread_t th, int sig) {
  if (is_weft(th)) return sig == 0 ? 0 : ENOTSUP;
  return ((int (*)(pthread_t, int))real("pthread_kill"))(th, sig);
}
EXPORT int pthread_setname_np(pthread_t th, const char *name) {
  if (is_weft(th)) {
    if (strlen(name) > 15) return ERANGE;
    return weft_set_name((weft_thread_t *)th, name);
  }
  return ((int (*)(pthread_t, const char *))real("pthread_setname_np"))(th, name);
}
EXPORT int pthread_getname_np(pthread_t th, char *buf, size_t len) {
  if (is_weft(th)) {
    struct weft_thread *t = (struct weft_thread *)th;
    if (len < strlen(t->name) + 1) return ERANGE;
    strcpy(buf, t->name);
    return 0;
  }
  return ((int (*)(pthread_t, char *, size_t))real("pthread_getname_np"))(th, buf, len);
}
EXPORT int pthread_getattr_np(pthread_t th, pthread_attr_t *attr) {
  if (is_weft(th)) {
    struct weft_thread *t = (struct weft_thread *)th;
    pthread_attr_init(attr);
    size_t size = (size_t)((char *)t - t->stack_lo);
    if (pthread_attr_setstack(attr, t->stack_lo, size) != 0) {
      /* Under PTHREAD_STACK_MIN (a first segment sized by the plugin):
       * glibc 2.36's struct pthread_attr keeps the stack's top at offset
       * 24, its size at 32, and flags at 8 (ATTR_FLAG_STACKADDR 0x8). */
      unsigned char *raw = (unsigned char *)attr;
      void *top = (char *)t;
      int flags;
      memcpy(raw + 24, &top, sizeof top);
      memcpy(raw + 32, &size, sizeof size);
      memcpy(&flags, raw + 8, sizeof flags);
      flags |= 0x8;
      memcpy(raw + 8, &flags, sizeof flags);
    }
    if (weft_thread_detached(t)) pthread_attr_setdetachstate(attr, PTHREAD_CREATE_DETACHED);
    return 0;
  }
  return ((int (*)(pthread_t, pthread_attr_t *))real("pthread_getattr_np"))(th, attr);
}

EXPORT int pthread_once(pthread_once_t *once, void (*fn)(void)) {
  return weft_once_impl((_Atomic int *)once, fn);
}

/* ---- keys ----------------------------------------------------------- */

static struct {
  weft_spinlock lock;
  unsigned used[KEYS_MAX];   /* 0 free, else 1 */
  void (*dtor[KEYS_MAX])(void *);
} keys;
static WEFT_TLS void *kernel_specific[KEYS_MAX];

EXPORT int pthread_key_create(pthread_key_t *key, void (*dtor)(void *)) {
  weft_spin_lock(&keys.lock);
  for (unsigned k = 0; k < KEYS_MAX; k++) {
    if (!keys.used[k]) {
      keys.used[k] = 1;
      keys.dtor[k] = dtor;
      weft_spin_unlock(&keys.lock);
      *key = k;
      return 0;
    }
  }
  weft_spin_unlock(&keys.lock);
  return EAGAIN;
}
EXPORT int pthread_key_delete(pthread_key_t key) {
  if (key >= KEYS_MAX) return EINVAL;
  weft_spin_lock(&keys.lock);
  int r = keys.used[key] ? 0 : EINVAL;
  keys.used[key] = 0;
  keys.dtor[key] = 0;
  weft_spin_unlock(&keys.lock);
  return r;
}

/* A user thread's values: slot 0 holds the capacity. */
EXPORT void *pthread_getspecific(pthread_key_t key) {
  if (key >= KEYS_MAX) return 0;
  struct weft_thread *t = weft_current();
  if (!t) return kernel_specific[key];
  void **v = t->specific;
  return v && key < (uintptr_t)v[0] ? v[key + 1] : 0;
}
EXPORT int pthread_setspecific(pthread_key_t key, const void *value) {
  if (key >= KEYS_MAX) return EINVAL;
  struct weft_thread *t = weft_current();
  if (!t) {
    kernel_specific[key] = (void *)value;
    return 0;
  }
  void **v = t->specific;
  uintptr_t cap = v ? (uintptr_t)v[0] : 0;
  if (key >= cap) {
    uintptr_t ncap = cap ? cap : 16;
    while (ncap <= key) ncap *= 2;
    void **n = (void **)realloc(v, (ncap + 1) * sizeof(void *));
    if (!n) return ENOMEM;
    memset(n + cap + 1, 0, (ncap - cap) * sizeof(void *));
    n[0] = (void *)ncap;
    t->specific = v = n;
  }
  v[key + 1] = (void *)value;
  return 0;
}

static void run_key_destructors(struct weft_thread *t) {
  for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS && t->specific; round++) {
    int any = 0;
    uintptr_t cap = (uintptr_t)t->specific[0];
    for (uintptr_t k = 0; k < cap; k++) {
      void *val = t->specific[k + 1];
      void (*d)(void *) = keys.dtor[k];
      if (val && d && keys.used[k]) {
        t->specific[k + 1] = 0;
        d(val);
        t = weft_current(); /* a destructor may block and move us */
        any = 1;
      }
    }
    if (!any) break;
  }
  free(t->specific);
  t->specific = 0;
}

/* Values that code before main (constructors) stored on the main kernel
 * thread stay visible to main, which runs as a user thread. */
static void inherit_keys(struct weft_thread *t) {
  for (pthread_key_t k = 0; k < KEYS_MAX; k++) {
    if (!kernel_specific[k]) continue;
    void **v = t->specific;
    uintptr_t cap = v ? (uintptr_t)v[0] : 0;
    if (k >= cap) {
      uintptr_t ncap = cap ? cap : 16;
      while (ncap <= k) ncap *= 2;
      void **n = (void **)realloc(v, (ncap + 1) * sizeof(void *));
      if (!n) return;
      memset(n + cap + 1, 0, (ncap - cap) * sizeof(void *));
      n[0] = (void *)ncap;
      t->specific = v = n;
    }
    v[k + 1] = kernel_specific[k];
  }
}

/* In a fork child: a thread the child does not have may have held the
 * key table's lock (sched/startup.c). */
static void keys_forked_child(void) { weft_spin_unlock(&keys.lock); }

__attribute__((constructor)) static void pthread_layer_init(void) {
  weft_exit_hook = run_key_destructors;
  weft_fork_child_hook(keys_forked_child);
  weft_main_hook = inherit_keys;
}

/* ---- mutexes ------------------------------------------------------------ */

static int64_t mono_deadline(clockid_t clk, const struct timespec *abs) {
  if (!abs) return -1;
  if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000) return -2;
  int64_t a = (int64_t)abs->tv_sec * 1000000000 + abs->tv_nsec;
  if (clk == CLOCK_MONOTONIC) return a < 0 ? 0 : a;
  struct timespec now;
  clock_gettime(clk, &now);
  int64_t d = weft_now_ns() + (a - ((int64_t)now.tv_sec * 1000000000 + now.tv_nsec));
  return d < 0 ? 0 : d;
}

EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
  memset(m, 0, sizeof *m);
  int type = PTHREAD_MUTEX_NORMAL;
  if (attr) pthread_mutexattr_gettype(attr, &type);
  MUTEX(m)->kind = type & 3;
  return 0;
}
EXPORT int pthread_mutex_destroy(pthread_mutex_t *m) {
  return atomic_load(&MUTEX(m)->state) ? EBUSY : 0;
}
EXPORT int pthread_mutex_lock(pthread_mutex_t *m) { return weft_mutex_impl_lock(MUTEX(m), -1, 0); }
EXPORT int pthread_mutex_trylock(pthread_mutex_t *m) { return weft_mutex_impl_lock(MUTEX(m), -1, 1); }
EXPORT int pthread_mutex_unlock(pthread_mutex_t *m) { return weft_mutex_impl_unlock(MUTEX(m)); }
EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *abs) {
  int64_t d = mono_deadline(clk, abs);
  if (d == -2) return EINVAL;
  return weft_mutex_impl_lock(MUTEX(m), d, 0);
}
EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs) {
  return pthread_mutex_clocklock(m, CLOCK_REALTIME, abs);
}
EXPORT int pthread_mutex_consistent(pthread_mutex_t *m) {
  (void)m;
  return 0;
}

/* ---- condition variables ---------------------------------------------- */

EXPORT int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr) {
  memset(c, 0, sizeof *c);
  clockid_t clk = CLOCK_REALTIME;
  if (attr) pthread_condattr_getclock(attr, &clk);
  COND(c)->clock = (int)clk;
  return 0;
}
EXPORT int pthread_cond_destroy(pthread_cond_t *c) {
  (void)c;
  return 0;
}
EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) {
  return weft_cond_impl_wait(COND(c), MUTEX(m), -1);
}
EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
                                  const struct timespec *abs) {
  int64_t d = mono_deadline(clk, abs);
  if (d == -2) return EINVAL;
  return weft_cond_impl_wait(COND(c), MUTEX(m), d);
}
EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs) {
  return pthread_cond_clockwait(c, m, (clockid_t)COND(c)->clock, abs);
}
EXPORT int pthread_cond_signal(pthread_cond_t *c) { return weft_cond_impl_signal(COND(c), 0); }
EXPORT int pthread_cond_broadcast(pthread_cond_t *c) { return weft_cond_impl_signal(COND(c), 1); }

/* ---- rwlocks ------------------------------------------------------------- */

EXPORT int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr) {
  (void)attr;
  memset(l, 0, sizeof *l);
  return 0;
}
EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l) {
  (void)l;
  return 0;
}
EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 0, -1, 0); }
EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 1, -1, 0); }
EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 0, -1, 1); }
EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { return weft_rwlock_impl_lock(RWLOCK(l), 1, -1, 1); }
EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l) { return weft_rwlock_impl_unlock(RWLOCK(l)); }
EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk, const struct timespec *abs) {
  int64_t d = mono_deadline(clk, abs);
  return d == -2 ? EINVAL : weft_rwlock_impl_lock(RWLOCK(l), 0, d, 0);
}
EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk, const struct timespec *abs) {
  int64_t d = mono_deadline(clk, abs);
  return d == -2 ? EINVAL : weft_rwlock_impl_lock(RWLOCK(l), 1, d, 0);
}
EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abs) {
  return pthread_rwlock_clockrdlock(l, CLOCK_REALTIME, abs);
}
EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abs) {
  return pthread_rwlock_clockwrlock(l, CLOCK_REALTIME, abs);
}

/* ---- barriers ------------------------------------------------------------ */

EXPORT int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
                                unsigned count) {
  (void)attr;
  return weft_barrier_init((weft_barrier_t *)b, count);
}
EXPORT int pthread_barrier_destroy(pthread_barrier_t *b) {
  (void)b;
  return 0;
}
EXPORT int pthread_barrier_wait(pthread_barrier_t *b) {
  return weft_barrier_wait((weft_barrier_t *)b) ? PTHREAD_BARRIER_SERIAL_THREAD : 0;
}

/* ---- semaphores (unnamed) ----------------------------------------------- */

static int sem_result(int r) {
  if (!r) return 0;
  weft_set_errno(r);
  return -1;
}
EXPORT int sem_init(sem_t *s, int pshared, unsigned value) {
  (void)pshared;
  return weft_sem_init((weft_sem_t *)s, value);
}
EXPORT int sem_destroy(sem_t *s) {
  (void)s;
  return 0;
}
EXPORT int sem_wait(sem_t *s) { return sem_result(weft_sem_impl_wait(SEM(s), -1, 0)); }
EXPORT int sem_trywait(sem_t *s) { return sem_result(weft_sem_impl_wait(SEM(s), -1, 1)); }
EXPORT int sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *abs) {
  int64_t d = mono_deadline(clk, abs);
  if (d == -2) return sem_result(EINVAL);
  return sem_result(weft_sem_impl_wait(SEM(s), d, 0));
}
EXPORT int sem_timedwait(sem_t *s, const struct timespec *abs) {
  return sem_clockwait(s, CLOCK_REALTIME, abs);
}
EXPORT int sem_post(sem_t *s) { return sem_result(weft_sem_impl_post(SEM(s))); }
EXPORT int sem_getvalue(sem_t *s, int *value) {
  *value = (int)atomic_load(&SEM(s)->value);
  return 0;
}
