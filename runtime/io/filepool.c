/* io: the file pool. Regular files cannot be polled, so a call on one that
 * would wait for the disk runs on a small pool of kernel threads while the
 * user thread that made it is parked. file.c sends a call here when the
 * worker has no io_uring (uring.c). WEFT_FILE_THREADS sets the pool size
 * (default 4); the threads start on first use, are named "weft-file" and
 * block every signal, so handlers run on workers. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "io/io.h"

struct weft_file_job {
  long (*op)(void *args);
  void *args;
  long result;
  int err;
  struct weft_thread *thread;
  uint64_t gen;
  struct weft_file_job *next;
};

static weft_spinlock lock;
static struct weft_file_job *head, *tail;
static _Atomic uint32_t signal_word;
static _Atomic int started;
static weft_spinlock start_lock;

static void *pool_thread(void *arg) {
  (void)arg;
  sigset_t all;
  sigfillset(&all);
  (void)pthread_sigmask(SIG_BLOCK, &all, 0);         /* cannot fail with a valid set */
  (void)prctl(PR_SET_NAME, "weft-file", 0, 0, 0);   /* a name for debuggers only */
  for (;;) {
    uint32_t seen = atomic_load(&signal_word);
    weft_spin_lock(&lock);
    struct weft_file_job *j = head;
    if (j) {
      head = j->next;
      if (!head) tail = 0;
    }
    weft_spin_unlock(&lock);
    if (!j) {
      weft_futex_wait(&signal_word, seen, 0);
      continue;
    }
    long r = j->op(j->args);
    j->result = r;
    j->err = r < 0 ? errno : 0;
    /* The job lives on the parked thread's stack: do not touch it after. */
    struct weft_thread *t = j->thread;
    weft_wake(t, j->gen);
  }
  return 0;
}

static int pool_threads = 4;

void weft_filepool_init(void) {
  pool_threads = (int)weft_env_number("WEFT_FILE_THREADS", 4, 1, 256);
}

static void start_pool(void) {
  weft_spin_lock(&start_lock);
  if (!atomic_load(&started)) {
    int n = pool_threads;
    for (int i = 0; i < n; i++) {
      pthread_t th;
      pthread_attr_t a;
      pthread_attr_init(&a);
      pthread_attr_setstacksize(&a, 128 * 1024);
      pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
      int r = weft_real_pthread_create(&th, &a, pool_thread, 0);
      pthread_attr_destroy(&a);
      if (r) weft_fatal("weft: cannot start the file pool");
    }
    atomic_store(&started, 1);
  }
  weft_spin_unlock(&start_lock);
}

long weft_file_offload(long (*op)(void *), void *args) {
  struct weft_thread *self = weft_current();
  if (!self) return op(args);
  if (!atomic_load_explicit(&started, memory_order_acquire)) start_pool();
  struct weft_file_job j = {.op = op, .args = args, .thread = self};
  j.gen = weft_arm_for(self, WEFT_BLOCK_FILE);
  weft_spin_lock(&lock);
  if (tail) tail->next = &j; else head = &j;
  tail = &j;
  weft_spin_unlock(&lock);
  atomic_fetch_add(&signal_word, 1);
  weft_futex_wake(&signal_word, 1);
  weft_park(WEFT_BLOCK_FILE);
  if (j.result < 0) weft_set_errno(j.err);
  return j.result;
}

/* In a fork child: the pool's threads are not there; it starts again on
 * first use, with an empty queue (the jobs were threads' the child does
 * not have). */
void weft_filepool_forked_child(void) {
  weft_spin_unlock(&lock);
  head = tail = 0;
  atomic_store(&signal_word, 0);
  atomic_store(&started, 0);
  weft_spin_unlock(&start_lock);
}
