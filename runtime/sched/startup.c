/* sched/startup.c: the runtime's state and its start: at main, whose
 * kernel thread becomes worker 0 while main runs as a user thread
 * (__libc_start_main), or at the first spawn of a program whose main weft
 * did not wrap (weft_runtime_ensure); and its end in the child of a fork.
 */
#define _GNU_SOURCE
#include "sched/sched_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct weft_runtime weft_rt;
WEFT_TLS struct weft_worker *weft_tls_worker;

/* Read by the gdb extension: the threads spawned by each worker, and by
 * kernel threads weft does not own. */
struct weft_thread **weft_gdb_all_threads = &weft_rt.all_head;
struct weft_worker **weft_gdb_workers = &weft_rt.workers;
unsigned *weft_gdb_nworkers = &weft_rt.nworkers;

void (*weft_exit_hook)(struct weft_thread *) = 0;
void (*weft_main_hook)(struct weft_thread *) = 0;
int (*weft_real_pthread_create)(void *, const void *, void *(*)(void *), void *);

/* The io layer's table (sched.h): empty unless io is linked in, whose
 * definition then replaces this one. */
__attribute__((weak)) struct weft_io_ops weft_io;

void weft_fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  weft_vsay(fmt, ap);
  va_end(ap);
  void *frames[32];
  int nf = backtrace(frames, 32);
  backtrace_symbols_fd(frames, nf, 2);
  abort();
}

/* ---- start-up --------------------------------------------------------- */

static void runtime_init(void) {
#if defined(WEFT_NO_PTHREAD_LAYER)
  weft_real_pthread_create = (int (*)(void *, const void *, void *(*)(void *), void *))pthread_create;
#else
  weft_real_pthread_create =
      (int (*)(void *, const void *, void *(*)(void *), void *))dlsym(RTLD_NEXT, "pthread_create");
  if (!weft_real_pthread_create) weft_fatal("weft: cannot find libc's pthread_create");
#endif
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  if (cpus > WEFT_MAX_WORKERS) cpus = WEFT_MAX_WORKERS;
  weft_rt.nworkers = (unsigned)weft_env_number("WEFT_WORKERS", cpus, 1, WEFT_MAX_WORKERS);
  weft_rt.default_stack = weft_env_size("WEFT_STACK_SIZE", 256 * 1024, 1024, (size_t)1 << 30);
  weft_rt.default_class = weft_seg_class(weft_rt.default_stack);
  if (weft_rt.default_class < 0) weft_rt.default_class = WEFT_SEG_CLASSES - 1;
  weft_context_proto_init(weft_thread_entry);
  weft_fpu_init();
  weft_rt.workers = (struct weft_worker *)aligned_alloc(WEFT_CACHELINE,
                                                   sizeof(struct weft_worker) * weft_rt.nworkers);
  memset(weft_rt.workers, 0, sizeof(struct weft_worker) * weft_rt.nworkers);
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    weft_rt.workers[i].index = i;
    weft_rt.workers[i].rng = i * 7919u + 1;
  }
  if (weft_io.init) weft_io.init();
  if (weft_env_flag("WEFT_STATS", 0)) atexit(weft_stats_at_exit);
}

int weft_runtime_started(void) {
  return atomic_load_explicit(&weft_rt.started, memory_order_acquire);
}

/* Start the runtime for a program whose main() weft did not wrap (libweft
 * loaded late): all N workers are new kernel threads. */
void weft_runtime_ensure(void) {
  if (WEFT_LIKELY(atomic_load_explicit(&weft_rt.started, memory_order_acquire))) return;
  weft_spin_lock(&weft_rt.start_lock);
  if (!atomic_load(&weft_rt.started)) {
    runtime_init();
    weft_start_workers(0);
    atomic_store_explicit(&weft_rt.started, 1, memory_order_release);
  }
  weft_spin_unlock(&weft_rt.start_lock);
}

/* ---- main() as a user thread ----------------------------------------- */

static int (*user_main)(int, char **, char **);
static int main_argc;
static char **main_argv, **main_envp;

/* main may be declared with fewer parameters; libc calls it the same way. */
__attribute__((no_sanitize("function"))) static void *main_thunk(void *arg) {
  (void)arg;
  exit(user_main(main_argc, main_argv, main_envp));
}

static int main_trampoline(int argc, char **argv, char **envp) {
  main_argc = argc;
  main_argv = argv;
  main_envp = envp;
  int already;
  weft_spin_lock(&weft_rt.start_lock);
  already = atomic_load(&weft_rt.started);
  if (!already) {
    runtime_init();
    weft_worker_bind(&weft_rt.workers[0]);
    weft_start_workers(1);
    atomic_store_explicit(&weft_rt.started, 1, memory_order_release);
  }
  weft_spin_unlock(&weft_rt.start_lock);
  struct weft_thread *m;
  size_t main_stack = weft_env_size("WEFT_MAIN_STACK_SIZE", 8u << 20, 64 * 1024, (size_t)1 << 30);
  int r = weft_spawn_internal(&m, main_stack - 1024, 1, main_thunk, 0);
  if (r) weft_fatal("weft: cannot create the main user thread: %s", strerror(r));
  weft_set_name((weft_thread_t *)m, "main");
  if (weft_main_hook) weft_main_hook(m);
  if (already) {
    for (;;) pause();
  }
  weft_worker_loop(&weft_rt.workers[0]);
}

typedef int (*libc_start_main_fn)(int (*)(int, char **, char **), int, char **,
                                  void (*)(void), void (*)(void), void (*)(void), void *);

/* The program's entry calls this before main; weft wraps main so that it
 * runs as a user thread and the main kernel thread becomes worker 0. */
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                      void *stack_end) {
  libc_start_main_fn real = (libc_start_main_fn)dlsym(RTLD_NEXT, "__libc_start_main");
  if (!real) weft_fatal("weft: cannot find libc's __libc_start_main");
  if (weft_env_flag("WEFT_DISABLE", 0)) return real(main, argc, argv, init, fini, rtld_fini, stack_end);
  user_main = main;
  return real(main_trampoline, argc, argv, init, fini, rtld_fini, stack_end);
}


/* In the child of fork only the calling kernel thread exists: it goes on
 * as a plain kernel thread (every interposed call behaves as libc's). */
void weft_sched_forked_child(void) {
  weft_tls_worker = 0;
  weft_stack_limit_set(0);
}

