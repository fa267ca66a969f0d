/* io: io_uring for regular files.
 *
 * Each worker owns one ring, created the first time a user thread on that
 * worker reads, writes or syncs a file that the page cache cannot serve at
 * once (file.c). A call fills one submission entry whose user_data points
 * at a request on the calling thread's stack, submits it (io_uring_enter),
 * and parks the thread; the completion wakes it through weft_wake like any
 * other wake-up.
 *
 *   Submission queue: touched only by the owning worker's kernel thread,
 *     between two blocking points, so it takes no lock.
 *   Completion queue: read by whoever reaps, under `cq_lock`. Two reap:
 *     the submitting thread right after io_uring_enter (a request the
 *     kernel finished inline completes without parking), and the poller.
 *   Notification: each ring has an eventfd (io_uring_register_eventfd) in
 *     the poller's epoll set, tagged WEFT_POLL_TAG_RING | worker. An idle
 *     worker therefore still sleeps in epoll_pwait2, and a completion wakes
 *     it like a readable socket would. A parked file call counts as an I/O
 *     waiter (weft_io_wait_begin), so some idle worker does poll, and a
 *     busy one looks every 256th switch.
 *
 * A request is finished under cq_lock: the reaper stores the result, marks
 * it done and, unless the reaper is the requesting thread itself, wakes
 * (thread, gen) before unlocking. A thread that finds its request done
 * under the same lock withdraws its wake-up token (weft_unarm), which parks
 * once to absorb the wake if a reaper on another worker got there first;
 * so the request is never touched after its thread resumes.
 *
 * At most RING_INFLIGHT requests are in flight per ring, fewer than the
 * completion queue holds, so completions never overflow; past that a call
 * goes to the file pool. The file pool is also the whole story when
 * io_uring is not there: liburing missing at build time, io_uring_setup
 * refused (seccomp, old kernel, io_uring_disabled), an operation the
 * kernel does not know, or WEFT_IO_URING=0.
 */
#define _GNU_SOURCE
#include "io/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if defined(WEFT_HAVE_LIBURING)
#include <liburing.h>
#include <sys/eventfd.h>

#define RING_SQ 64
#define RING_CQ 4096
#define RING_INFLIGHT (RING_CQ - RING_SQ)

struct ring {
  struct io_uring ring;
  int efd;
  weft_spinlock cq_lock;
  _Atomic int inflight;
};

enum { RING_NONE, RING_READY, RING_FAILED };

struct request {
  struct weft_thread *thread;
  uint64_t gen;
  long res;
  int done; /* under cq_lock */
};

/* 1: use rings; 0: the pool only (WEFT_IO_URING=0, or the first ring
 * could not be set up). */
static _Atomic int enabled = 1;
static struct ring *_Atomic rings[WEFT_MAX_WORKERS];
static _Atomic int ring_state[WEFT_MAX_WORKERS];

void weft_uring_init(void) {
  if (!weft_env_flag("WEFT_IO_URING", 1)) atomic_store(&enabled, 0);
}

static int probe_ok(struct io_uring *r) {
  struct io_uring_probe *p = io_uring_get_probe_ring(r);
  if (!p) return 0;
  int ok = io_uring_opcode_supported(p, IORING_OP_READ) &&
           io_uring_opcode_supported(p, IORING_OP_WRITE) &&
           io_uring_opcode_supported(p, IORING_OP_READV) &&
           io_uring_opcode_supported(p, IORING_OP_WRITEV) &&
           io_uring_opcode_supported(p, IORING_OP_FSYNC);
  io_uring_free_probe(p);
  return ok;
}

/* Called on worker `i`'s kernel thread only, so nobody races for slot i. */
static struct ring *ring_create(unsigned i) {
  struct ring *r = calloc(1, sizeof *r);
  if (!r) return 0;
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  p.cq_entries = RING_CQ;
  int e = io_uring_queue_init_params(RING_SQ, &r->ring, &p);
  if (e < 0) {
    free(r);
    /* No io_uring in this process (ENOSYS, EPERM from seccomp or
     * kernel.io_uring_disabled): every worker uses the pool. ENOMEM and
     * the like may be this worker's bad luck only. */
    if (e == -ENOSYS || e == -EPERM || e == -EACCES || e == -EINVAL)
      atomic_store(&enabled, 0);
    return 0;
  }
  /* IORING_FEAT_RW_CUR_POS: an offset of -1 means the file position. */
  if (!(p.features & IORING_FEAT_RW_CUR_POS) || !probe_ok(&r->ring)) {
    io_uring_queue_exit(&r->ring);
    free(r);
    atomic_store(&enabled, 0);
    return 0;
  }
  io_uring_ring_dontfork(&r->ring);
  r->efd = (int)syscall(SYS_eventfd2, 0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (r->efd < 0 || io_uring_register_eventfd(&r->ring, r->efd) != 0) {
    if (r->efd >= 0) syscall(SYS_close, r->efd);
    io_uring_queue_exit(&r->ring);
    free(r);
    return 0;
  }
  atomic_store_explicit(&rings[i], r, memory_order_release);
  if (weft_poller_watch(r->efd, WEFT_POLL_TAG_RING | i) != 0) {
    /* Without the eventfd in the epoll set nobody would hear completions. */
    atomic_store_explicit(&rings[i], 0, memory_order_relaxed);
    (void)syscall(SYS_close, r->efd); /* giving up on this ring: nothing to report */
    io_uring_queue_exit(&r->ring);
    free(r);
    return 0;
  }
  return r;
}

static struct ring *ring_of(struct weft_worker *w) {
  if (!atomic_load_explicit(&enabled, memory_order_relaxed)) return 0;
  unsigned i = w->index;
  int st = atomic_load_explicit(&ring_state[i], memory_order_acquire);
  if (WEFT_LIKELY(st == RING_READY)) return atomic_load_explicit(&rings[i], memory_order_relaxed);
  if (st == RING_FAILED) return 0;
  struct ring *r = ring_create(i);
  atomic_store_explicit(&ring_state[i], r ? RING_READY : RING_FAILED, memory_order_release);
  return r;
}

/* With r->cq_lock held. `self` is the thread reaping (null on g0): its own
 * request is marked done without a wake-up. */
static void reap_locked(struct ring *r, struct weft_thread *self) {
  struct io_uring_cqe *cqe;
  unsigned head, n = 0;
  io_uring_for_each_cqe(&r->ring, head, cqe) {
    struct request *q = (struct request *)io_uring_cqe_get_data(cqe);
    n++;
    if (!q) continue; /* a submission turned into a no-op (see submit) */
    WEFT_TSAN_ACQUIRE(q);
    q->res = cqe->res;
    q->done = 1;
    if (q->thread != self) weft_wake(q->thread, q->gen);
  }
  if (n) {
    io_uring_cq_advance(&r->ring, n);
    atomic_fetch_sub_explicit(&r->inflight, (int)n, memory_order_relaxed);
  }
}

void weft_uring_reap(unsigned index) {
  if (index >= WEFT_MAX_WORKERS) return;
  struct ring *r = atomic_load_explicit(&rings[index], memory_order_acquire);
  if (!r) return;
  weft_spin_lock(&r->cq_lock);
  reap_locked(r, weft_current());
  weft_spin_unlock(&r->cq_lock);
}

/* Submit the one entry just filled. Returns 0, or -1 if the kernel would
 * not take it (the entry is then a no-op nobody waits for). */
static int submit(struct ring *r, struct io_uring_sqe *sqe) {
  for (int tries = 0; tries < 100; tries++) {
    int n = io_uring_submit(&r->ring);
    if (n > 0) return 0;
    if (n == -EINTR) continue;
    if (n == -EAGAIN || n == -EBUSY) {
      weft_spin_lock(&r->cq_lock);
      reap_locked(r, weft_current());
      weft_spin_unlock(&r->cq_lock);
      (void)syscall(SYS_sched_yield); /* cannot fail on Linux */
      continue;
    }
    break;
  }
  /* The entry stays in the queue; make sure that whenever the kernel does
   * take it, it neither runs the call nor points at this stack. */
  io_uring_prep_nop(sqe);
  io_uring_sqe_set_data(sqe, 0);
  return -1;
}

int weft_uring_run(int op, int fd, const struct iovec *iov, int cnt, off_t off, int async,
                   long *res) {
  struct weft_thread *self = weft_current();
  struct weft_worker *w = weft_cur_worker();
  if (!self || !w) return 0;
  struct ring *r = ring_of(w);
  if (!r) return 0;
  if (atomic_load_explicit(&r->inflight, memory_order_relaxed) >= RING_INFLIGHT) return 0;
  struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
  if (!sqe) return 0;
  uint64_t pos = off < 0 ? (uint64_t)-1 : (uint64_t)off;
  switch (op) {
  case WEFT_URING_READ:
    if (cnt == 1) io_uring_prep_read(sqe, fd, iov[0].iov_base, (unsigned)iov[0].iov_len, pos);
    else io_uring_prep_readv(sqe, fd, iov, (unsigned)cnt, pos);
    break;
  case WEFT_URING_WRITE:
    if (cnt == 1) io_uring_prep_write(sqe, fd, iov[0].iov_base, (unsigned)iov[0].iov_len, pos);
    else io_uring_prep_writev(sqe, fd, iov, (unsigned)cnt, pos);
    break;
  default:
    io_uring_prep_fsync(sqe, fd, op == WEFT_URING_FDATASYNC ? IORING_FSYNC_DATASYNC : 0);
    break;
  }
  /* Known to fail without waiting: skip the kernel's inline try. */
  if (async) sqe->flags |= IOSQE_ASYNC;
  struct request q = {.thread = self};
  io_uring_sqe_set_data(sqe, &q);
  q.gen = weft_arm_for(self, WEFT_BLOCK_FILE);
  atomic_fetch_add_explicit(&r->inflight, 1, memory_order_relaxed);
  WEFT_TSAN_RELEASE(&q);
  if (submit(r, sqe) != 0) {
    weft_unarm(self, q.gen, WEFT_BLOCK_FILE);
    atomic_store_explicit(&ring_state[w->index], RING_FAILED, memory_order_relaxed);
    return 0;
  }
  /* The kernel may have finished it inline (a cached read, say). */
  weft_spin_lock(&r->cq_lock);
  reap_locked(r, self);
  int done = q.done;
  weft_spin_unlock(&r->cq_lock);
  if (done) {
    weft_unarm(self, q.gen, WEFT_BLOCK_FILE);
  } else {
    weft_io_wait_begin();
    weft_park(WEFT_BLOCK_FILE);
    weft_io_wait_end();
  }
  *res = q.res;
  return 1;
}

/* The child of a fork has the parent's ring descriptors but not their
 * memory (io_uring_ring_dontfork): it closes them, and each worker makes a
 * ring of its own on first use. The requests in flight were those of
 * threads the child does not have. */
void weft_uring_forked_child(void) {
  for (unsigned i = 0; i < WEFT_MAX_WORKERS; i++) {
    struct ring *r = atomic_load_explicit(&rings[i], memory_order_relaxed);
    if (r) {
      /* The parent's descriptors, useless here: closing is all there is. */
      (void)syscall(SYS_close, r->efd);
      (void)syscall(SYS_close, r->ring.ring_fd);
      free(r);
    }
    atomic_store_explicit(&rings[i], 0, memory_order_relaxed);
    atomic_store_explicit(&ring_state[i], RING_NONE, memory_order_relaxed);
  }
}

#else /* !WEFT_HAVE_LIBURING */

void weft_uring_forked_child(void) {}

void weft_uring_init(void) {}
void weft_uring_reap(unsigned index) { (void)index; }
int weft_uring_run(int op, int fd, const struct iovec *iov, int cnt, off_t off, int async,
                   long *res) {
  (void)op; (void)fd; (void)iov; (void)cnt; (void)off; (void)async; (void)res;
  return 0;
}

#endif
