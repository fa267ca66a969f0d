/* sched/startup.c: the runtime's state and its start: at main, whose
 * kernel thread becomes worker 0 while main runs as a user thread
 * (__libc_start_main), or at the first spawn of a program whose main weft
 * did not wrap (weft_runtime_ensure); and its rebuilding in the child of a
 * fork.
 */
#define _GNU_SOURCE
#include "sched/sched_internal.h"
#include "stack/needs.h"

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
      WEFT_REAL(int (*)(void *, const void *, void *(*)(void *), void *), pthread_create);
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
  if (WEFT_LIKELY(atomic_load_explicit(&weft_rt.started, memory_order_acquire) == 1)) return;
  weft_spin_lock(&weft_rt.start_lock);
  int started = atomic_load(&weft_rt.started);
  if (!started) {
    runtime_init();
    weft_start_workers(0);
    atomic_store_explicit(&weft_rt.started, 1, memory_order_release);
  } else if (started == WEFT_STARTED_FORKED) {
    /* The first spawn in a fork child (see "fork" below). */
    weft_start_workers_except(weft_rt.fork_skip);
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
  libc_start_main_fn real = WEFT_REAL(libc_start_main_fn, __libc_start_main);
  if (weft_env_flag("WEFT_DISABLE", 0)) return real(main, argc, argv, init, fini, rtld_fini, stack_end);
  user_main = main;
  return real(main_trampoline, argc, argv, init, fini, rtld_fini, stack_end);
}


/* ---- fork ---------------------------------------------------------------
 *
 * In the child of a fork only the calling kernel thread exists. If it was
 * running a user thread, that thread goes on in the child as its only
 * thread, on a fresh set of workers: its kernel thread stays the worker it
 * was (whose g0 context and stack the child has, suspended where the
 * switch to the thread left them), and the other workers start again as
 * new kernel threads at the child's first spawn (weft_runtime_ensure), so
 * a child that only execs starts none. A fork from a kernel thread that
 * runs no user thread (a program's own, or code before main) leaves that
 * thread plain in the child, and all the workers start anew at its first
 * spawn, so it can still spawn and join.
 *
 * Everything another kernel thread of the parent may have been changing at
 * the moment of the fork is either held across it or rebuilt in the child:
 *   - held: the segment arenas' locks (the child goes on allocating from
 *     the arenas, so they must be whole). fork_prepare takes them after the
 *     program's own prepare handlers (which may block, and so switch to
 *     threads that allocate), and fork_parent / fork_child drop them
 *     before the program's parent and child handlers;
 *   - rebuilt: the run queues, the global and priority queues and their
 *     locks, the idle and poller state, the other workers' descriptor and
 *     segment caches (dropped: the segments stay mapped in the child, unused),
 *     the lists of live threads (the caller's is its only entry), the
 *     statistics, the timer heap, the join claims of kernel threads, and
 *     through weft_io.forked_child the poller, io_uring, the file pool and
 *     the signal lists; the layers above io free their locks through
 *     weft_fork_child_hook.
 * The handlers are registered with pthread_atfork by a constructor that
 * runs before the program's own (libweft's constructors run before those
 * of the objects that depend on it), so POSIX's order makes weft's prepare
 * the last to run and its parent and child handlers the first: the
 * program's child handlers already find a working runtime. glibc's fork,
 * its daemon() (which calls fork without the PLT) and libweft's
 * interposed fork all run them; vfork, _Fork and posix_spawn do not (their
 * child may only exec or _exit, which needs no runtime). */

static void (*fork_hooks[WEFT_FORK_HOOKS])(void);
static _Atomic int fork_nhooks;

void weft_fork_child_hook(void (*fn)(void)) {
  int i = atomic_fetch_add(&fork_nhooks, 1);
  if (i >= WEFT_FORK_HOOKS) weft_fatal("weft: more than %d fork hooks", WEFT_FORK_HOOKS);
  fork_hooks[i] = fn;
}

/* This kernel thread holds the arenas across its fork. Between weft's
 * prepare and its parent or child handler glibc makes no call weft
 * interposes, so the user thread does not move to another kernel thread. */
static WEFT_TLS int fork_held;

static void fork_prepare(void) {
  if (!weft_runtime_started()) return;
  if (weft_io.fork_prepare) weft_io.fork_prepare();
  weft_seg_fork_prepare();
  fork_held = 1;
}

static void fork_parent(void) {
  if (!fork_held) return;
  fork_held = 0;
  weft_seg_fork_release();
  if (weft_io.fork_parent) weft_io.fork_parent();
}

/* Only this kernel thread runs in the child, and no other ever will run
 * what the parent's others were doing: their state is dropped, not
 * undone. */
static void fork_child(void) {
  if (!fork_held) return;
  fork_held = 0;
  struct weft_worker *w = weft_tls_worker;
  struct weft_thread *self = w ? w->current : 0;
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    struct weft_worker *v = &weft_rt.workers[i];
    if (v == w) continue;
    memset((void *)v, 0, sizeof *v);
    v->index = i;
    v->rng = i * 7919u + 1;
  }
  if (w) {
    /* The caller's worker keeps what only its own kernel thread touches
     * and the child still needs: g0's context, the running thread, its
     * segment cache, its block of thread ids. */
    atomic_store(&w->spawned, 0);
    atomic_store(&w->exited, 0);
    for (int k = 0; k < WEFT_BLOCK_KINDS; k++) atomic_store(&w->blocked[k], 0);
    w->all_head = 0;
    memset(w->free_threads, 0, sizeof w->free_threads);
    memset(w->free_count, 0, sizeof w->free_count);
    atomic_store(&w->remote_free, 0);
    atomic_store(&w->reclaim, 0);
    atomic_store(&w->backlog_since, 0);
    w->lingering = 0;
    w->linger_until = 0;
    atomic_store(&w->idle, 0);
    atomic_store(&w->woken, 0);
    atomic_store(&w->polling, 0);
    atomic_store(&w->sleep_word, 0);
    memset((void *)&w->prio, 0, sizeof w->prio);
    atomic_store(&w->head, 0);
    atomic_store(&w->tail, 0);
  }
  memset((void *)&weft_rt.global, 0, sizeof weft_rt.global);
  memset((void *)&weft_rt.prio, 0, sizeof weft_rt.prio);
  atomic_store(&weft_rt.nidle, 0);
  atomic_store(&weft_rt.nspinning, 0);
  atomic_store(&weft_rt.nlinger, 0);
  atomic_store(&weft_rt.poller_taken, 0);
  atomic_store(&weft_rt.spawned, self ? 1 : 0);
  atomic_store(&weft_rt.exited, 0);
  weft_spin_unlock(&weft_rt.all_lock);
  weft_rt.all_head = 0;
  weft_spin_unlock(&weft_rt.start_lock);
  weft_spin_unlock(&weft_rt.ext_lock);
  weft_rt.ext_head = 0;
  atomic_store(&weft_rt.ext_count, 0);
  if (self) {
    /* The only live thread, in the list it was in; its timer's entry went
     * with the heap. */
    self->all_next = self->all_prev = 0;
    if (self->list_worker < 0) weft_rt.all_head = self;
    else weft_rt.workers[self->list_worker].all_head = self;
    if (self->timer.index >= 0) self->timer.index = -1;
  }
  weft_timer_forked_child();
  weft_seg_fork_release();
  weft_stack_needs_forked_child();
  if (weft_io.forked_child) weft_io.forked_child();
  int n = atomic_load(&fork_nhooks);
  for (int i = 0; i < n && i < WEFT_FORK_HOOKS; i++) fork_hooks[i]();
  if (!w) weft_stack_limit_set(0);
  /* The other workers start with the child's first spawn: until then the
   * caller is the only thread, and its worker (if any) is all it needs. A
   * child that only execs or _exits starts no kernel thread. */
  weft_rt.fork_skip = w ? (int)w->index : -1;
  atomic_store_explicit(&weft_rt.started, WEFT_STARTED_FORKED, memory_order_release);
}

/* Before the program's constructors register theirs (see above). */
__attribute__((constructor(101))) static void fork_handlers_register(void) {
  pthread_atfork(fork_prepare, fork_parent, fork_child);
}
