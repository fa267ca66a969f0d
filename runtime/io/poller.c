/* io: the poller.
 *
 * A descriptor a user thread blocks on is made non-blocking (sockets, and
 * pipes other than 0-2) and added once to one epoll set, edge-triggered for
 * both directions. Each descriptor has, per direction, a readiness sequence
 * number and a queue of waiting threads. A thread reads the sequence, tries
 * the call, and on EAGAIN queues itself unless the sequence moved meanwhile
 * (an edge it would otherwise miss). An event bumps the sequence and wakes
 * every waiter of that direction; they retry.
 *
 * Descriptors that other processes may share in blocking mode (0-2, ttys)
 * are not switched to non-blocking: the thread waits for readiness, then
 * makes the call. Regular files cannot be polled; their reads and writes
 * go to file.c (io_uring or the file pool).
 *
 * Besides descriptors the epoll set holds the kick eventfd and the eventfd
 * of each worker's io_uring (uring.c), whose events reap that ring.
 *
 * Idle workers take turns being the poller (sched/worker.c, which calls
 * it through weft_io, below): it sleeps in epoll_pwait2 until an event,
 * the next timer, or a kick through an eventfd that is part of the same
 * set.
 */
#define _GNU_SOURCE
#include "io/io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define KICK_TAG UINT64_MAX

static int epfd = -1, kickfd = -1;
static struct weft_fd *table;
static int table_len;
/* One past the highest descriptor whose entry may hold locks, waiters or a
 * registration: what a fork child resets. */
static _Atomic int table_hi;

static void table_note(int fd) {
  int hi = atomic_load_explicit(&table_hi, memory_order_relaxed);
  while (fd >= hi && !atomic_compare_exchange_weak_explicit(&table_hi, &hi, fd + 1,
                                                           memory_order_relaxed,
                                                           memory_order_relaxed)) {
  }
}

static void kick(void) {
  uint64_t one = 1;
  /* Fails only with EAGAIN, when the counter is already at its maximum:
   * the poller is woken then anyway. */
  (void)syscall(SYS_write, kickfd, &one, sizeof one);
}

/* From a signal handler (signal.c): no sanitizer instrumentation. */
WEFT_UNINSTRUMENTED void weft_poller_kick(void) {
  int fd = __atomic_load_n(&kickfd, __ATOMIC_RELAXED);
  uint64_t one = 1;
  if (fd >= 0) syscall(SYS_write, fd, &one, sizeof one);
}

static void wake_dir(struct weft_fd *s, int dir, int result) {
  atomic_fetch_add_explicit(&s->seq[dir], 1, memory_order_release);
  struct weft_waiter *w;
  while ((w = weft_waitq_pop(&s->q[dir]))) {
    w->result = result;
    weft_wake(w->thread, w->gen);
  }
}

static void poll_events(int64_t timeout_ns) {
  struct epoll_event ev[256];
  struct timespec ts, *tp = 0;
  /* A signal handler may have run while nobody was polling (signal.c);
   * the threads it interrupted are work: do not sleep then. */
  if (weft_intr_poll()) timeout_ns = 0;
  if (timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1000000000;
    ts.tv_nsec = timeout_ns % 1000000000;
    tp = &ts;
  }
  long n = syscall(SYS_epoll_pwait2, epfd, ev, 256, tp, 0, 8);
  if (n < 0) {
    /* EINTR: a signal came; the loop polls again. Anything else means the
     * epoll set is gone (a program closed weft's descriptor), and every
     * parked thread would wait forever: stop with the reason. */
    int e = weft_get_errno();
    if (e != EINTR)
      weft_fatal("weft: the poller's epoll_pwait2 failed: %s (did the program close descriptor %d?)",
                 strerror(e), epfd);
    n = 0;
  }
  for (long i = 0; i < n; i++) {
    if (ev[i].data.u64 == KICK_TAG) {
      uint64_t v;
      /* Resets the counter; EAGAIN (another poller read it first) is fine:
       * the kick has woken this one either way. */
      (void)syscall(SYS_read, kickfd, &v, sizeof v);
      continue;
    }
    if (ev[i].data.u64 & WEFT_POLL_TAG_RING) {
      weft_uring_reap((unsigned)(ev[i].data.u64 & ~WEFT_POLL_TAG_RING));
      continue;
    }
    int fd = (int)ev[i].data.u64;
    if (fd < 0 || fd >= table_len) continue;
    struct weft_fd *s = &table[fd];
    uint32_t e = ev[i].events;
    weft_spin_lock(&s->lock);
    if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR | EPOLLPRI)) wake_dir(s, WEFT_FD_IN, 0);
    if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) wake_dir(s, WEFT_FD_OUT, 0);
    weft_spin_unlock(&s->lock);
  }
  weft_intr_poll(); /* a handler that ran during the wait (EINTR, or a kick) */
}

/* ---- waiters --------------------------------------------------------- */

/* Threads parked on descriptors, on io_uring (uring.c) or in calls a
 * signal handler may interrupt (signal.c): counted per worker, each count
 * in a cache line of its own (no shared line on the I/O path), summed when
 * a worker decides whether to poll (weft_io.waiting). A thread may block
 * on one worker and wake on another, so one worker's count can go
 * negative. */
static struct {
  _Alignas(WEFT_CACHELINE) _Atomic int64_t n;
} waiters[WEFT_MAX_WORKERS];

static void waiters_add(int64_t d) {
  struct weft_worker *w = weft_cur_worker();
  if (!w) return;
  _Atomic int64_t *c = &waiters[w->index].n;
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
                        memory_order_relaxed);
}
void weft_io_wait_begin(void) { waiters_add(1); }
void weft_io_wait_end(void) { waiters_add(-1); }

static int io_waiting(void) {
  int64_t n = 0;
  for (unsigned i = 0, nw = weft_workers(); i < nw; i++)
    n += atomic_load_explicit(&waiters[i].n, memory_order_relaxed);
  return n > 0;
}

/* ---- start-up --------------------------------------------------------- */

static void poller_create(void) {
  epfd = (int)syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
  kickfd = (int)syscall(SYS_eventfd2, 0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epfd < 0 || kickfd < 0) weft_fatal("weft: cannot create the poller's epoll/eventfd");
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = KICK_TAG};
  if (syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_ADD, kickfd, &ev) != 0)
    weft_fatal("weft: cannot add the poller's kick eventfd to its epoll set: %s",
               strerror(weft_get_errno()));
}

static void io_init(void) {
  poller_create();
  struct rlimit rl;
  rlim_t n = 65536;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY) n = rl.rlim_max;
  if (n > (1u << 20)) n = 1u << 20;
  void *p = mmap(0, n * sizeof(struct weft_fd), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) weft_fatal("weft: cannot map the descriptor table");
  table = (struct weft_fd *)p;
  table_len = (int)n;
  weft_uring_init();
  weft_filepool_init();
}

/* ---- fork ------------------------------------------------------------- */

/* In a fork child (sched/startup.c), before its new workers start. The
 * epoll set and the kick eventfd are the parent's too (a descriptor copied
 * by fork names the same instance): the child makes its own, and closes
 * its copies of the parent's. Each descriptor's entry keeps what it says
 * about the descriptor (its mode: weft made it non-blocking, and the open
 * file description the child shares still is; whether the program asked
 * for O_NONBLOCK; its timeouts), and forgets the rest: its lock and
 * waiters (threads the child does not have) and its registration, so that
 * the first wait in the child adds it to the child's set. */
static void io_forked_child(void) {
  int old_ep = epfd, old_kick = kickfd;
  poller_create();
  if (old_ep >= 0) syscall(SYS_close, old_ep);
  if (old_kick >= 0) syscall(SYS_close, old_kick);
  int hi = atomic_load(&table_hi);
  for (int fd = 0; fd < hi && fd < table_len; fd++) {
    struct weft_fd *s = &table[fd];
    weft_spin_unlock(&s->lock);
    __atomic_store_n(&s->registered, 0, __ATOMIC_RELAXED);
    s->q[0] = s->q[1] = (struct weft_waitq){0, 0};
    s->pos_busy = 0;
    s->pos_q = (struct weft_waitq){0, 0};
  }
  for (unsigned i = 0; i < WEFT_MAX_WORKERS; i++) atomic_store(&waiters[i].n, 0);
  weft_uring_forked_child();
  weft_filepool_forked_child();
  weft_signal_forked_child();
}

/* io's side of its contract with the scheduler (sched/sched.h): what the
 * scheduler may call. This definition replaces the scheduler's empty one. */
struct weft_io_ops weft_io = {
    .init = io_init,
    .worker_init = weft_signal_stack_init,
    .poll = poll_events,
    .kick = kick,
    .waiting = io_waiting,
    .forked_child = io_forked_child,
};

int weft_poller_watch(int fd, uint64_t tag) {
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = tag};
  return syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : weft_get_errno();
}

static void classify(int fd, struct weft_fd *s) {
  struct stat st;
  if (syscall(SYS_fstat, fd, &st) != 0) return; /* EBADF: leave unknown */
  long fl = syscall(SYS_fcntl, fd, F_GETFL);
  if (S_ISSOCK(st.st_mode) || (S_ISFIFO(st.st_mode) && fd > 2)) {
    __atomic_store_n(&s->user_nonblock, (fl & O_NONBLOCK) != 0, __ATOMIC_RELAXED);
    if (!(fl & O_NONBLOCK)) syscall(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK);
    __atomic_store_n(&s->mode, WEFT_FD_NONBLOCK, __ATOMIC_RELEASE);
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    __atomic_store_n(&s->user_nonblock, (fl & O_NONBLOCK) != 0, __ATOMIC_RELAXED);
    __atomic_store_n(&s->mode, WEFT_FD_READINESS, __ATOMIC_RELEASE);
  } else {
    __atomic_store_n(&s->file, S_ISREG(st.st_mode) || S_ISBLK(st.st_mode), __ATOMIC_RELAXED);
    __atomic_store_n(&s->mode, WEFT_FD_PASS, __ATOMIC_RELEASE);
  }
}

struct weft_fd *weft_fd_peek(int fd) {
  if (fd < 0 || fd >= table_len || !table) return 0;
  return &table[fd];
}

struct weft_fd *weft_fd_get(int fd) {
  if (fd < 0 || fd >= table_len || !table) return 0;
  struct weft_fd *s = &table[fd];
  if (WEFT_UNLIKELY(WEFT_FD_MODE(s) == WEFT_FD_UNKNOWN)) {
    table_note(fd);
    weft_spin_lock(&s->lock);
    if (s->mode == WEFT_FD_UNKNOWN) classify(fd, s);
    weft_spin_unlock(&s->lock);
  }
  return s;
}

int weft_fd_register(int fd, struct weft_fd *s) {
  if (s->registered) return 0;
  table_note(fd);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                           .data.u64 = (uint64_t)fd};
  if (syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    int e = weft_get_errno();
    if (e != EEXIST) return e;
    /* Already in the set (a descriptor number reused after a close weft
     * did not see): take it over with weft's events. */
    if (syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_MOD, fd, &ev) != 0) return weft_get_errno();
  }
  __atomic_store_n(&s->registered, 1, __ATOMIC_RELAXED);
  return 0;
}

int weft_fd_wait(int fd, struct weft_fd *s, int dir, uint32_t seq, int64_t deadline, int kind,
                 uint64_t intr_since, int intr_mode) {
  struct weft_thread *self = weft_current();
  struct weft_waiter w = {.thread = self, .result = -1};
  weft_spin_lock(&s->lock);
  int e = weft_fd_register(fd, s);
  if (e) {
    weft_spin_unlock(&s->lock);
    return e;
  }
  if (atomic_load_explicit(&s->seq[dir], memory_order_acquire) != seq) {
    weft_spin_unlock(&s->lock);
    return 0;
  }
  w.gen = weft_arm_for(self, kind);
  weft_waitq_push(&s->q[dir], &w);
  weft_spin_unlock(&s->lock);
  struct weft_intr ir;
  int r;
  if (intr_mode && weft_intr_begin(&ir, w.gen, intr_since, intr_mode)) {
    weft_unarm(self, w.gen, kind); /* a handler ran since the call began */
    weft_intr_end(&ir);
    r = EINTR;
  } else {
    if (!intr_mode) weft_io_wait_begin();
    r = weft_park_until(kind, deadline, w.gen);
    if (!intr_mode) weft_io_wait_end();
    if (intr_mode && weft_intr_end(&ir)) r = EINTR;
  }
  if (r == ETIMEDOUT || r == EINTR) {
    weft_spin_lock(&s->lock);
    if (w.result == -1) weft_waitq_remove(&s->q[dir], &w);
    weft_spin_unlock(&s->lock);
    return r;
  }
  return w.result < 0 ? 0 : w.result;
}

int weft_io_sleep_until(int64_t deadline, uint64_t intr_since, int intr_mode) {
  struct weft_thread *self = weft_current();
  for (;;) {
    if (weft_now_ns() >= deadline) return 0;
    uint64_t gen = weft_arm_for(self, WEFT_BLOCK_SLEEP);
    struct weft_intr ir;
    if (intr_mode && weft_intr_begin(&ir, gen, intr_since, intr_mode)) {
      weft_unarm(self, gen, WEFT_BLOCK_SLEEP);
      weft_intr_end(&ir);
      return EINTR;
    }
    weft_park_until(WEFT_BLOCK_SLEEP, deadline, gen);
    self = weft_current();
    if (intr_mode && weft_intr_end(&ir) && weft_now_ns() < deadline) return EINTR;
  }
}

void weft_fd_closing(int fd) {
  if (fd < 0 || fd >= table_len || !table) return;
  struct weft_fd *s = &table[fd];
  if (WEFT_FD_MODE(s) == WEFT_FD_UNKNOWN && !__atomic_load_n(&s->registered, __ATOMIC_RELAXED))
    return;
  weft_spin_lock(&s->lock);
  /* The descriptor is about to close, which takes it out of the set
   * anyway; the DEL only makes that happen now (ignored if it fails). */
  if (s->registered) (void)syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_DEL, fd, 0);
  __atomic_store_n(&s->registered, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&s->mode, WEFT_FD_UNKNOWN, __ATOMIC_RELEASE);
  __atomic_store_n(&s->user_nonblock, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&s->file, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&s->no_nowait[0], 0, __ATOMIC_RELAXED);
  __atomic_store_n(&s->no_nowait[1], 0, __ATOMIC_RELAXED);
  atomic_store_explicit(&s->timeout_ns[0], 0, memory_order_relaxed);
  atomic_store_explicit(&s->timeout_ns[1], 0, memory_order_relaxed);
  wake_dir(s, WEFT_FD_IN, EBADF);
  wake_dir(s, WEFT_FD_OUT, EBADF);
  weft_spin_unlock(&s->lock);
}

/* A new descriptor got number fd: forget what we knew about the old one. */
void weft_fd_forget(int fd) {
  if (fd < 0 || fd >= table_len || !table) return;
  weft_fd_closing(fd);
}

int weft_poll_fds(void *fdsv, unsigned long n, int64_t deadline, uint64_t intr_since,
                  int intr_mode) {
  struct pollfd *fds = (struct pollfd *)fdsv;
  struct weft_waiter small[32];
  struct weft_waiter *ws = n * 2 <= 32 ? small : (struct weft_waiter *)calloc(n * 2, sizeof *ws);
  if (!ws) {
    weft_set_errno(ENOMEM);
    return -1;
  }
  int r;
  for (;;) {
    /* Note each descriptor's readiness sequence, then look (level). */
    for (unsigned long i = 0; i < n; i++) {
      struct weft_fd *s = weft_fd_get(fds[i].fd);
      for (int dir = 0; dir < 2; dir++)
        ws[2 * i + dir].data =
            s ? (void *)(uintptr_t)atomic_load_explicit(&s->seq[dir], memory_order_acquire) : 0;
    }
    r = (int)syscall(SYS_poll, fds, n, 0);
    if (r != 0 || (deadline >= 0 && weft_now_ns() >= deadline)) break;
    /* Nothing yet: queue on every descriptor, unless one moved since. */
    struct weft_thread *self = weft_current();
    uint64_t gen = weft_arm_for(self, WEFT_BLOCK_POLL);
    int queued = 0, moved = 0;
    for (unsigned long i = 0; i < n; i++) {
      ws[2 * i].result = ws[2 * i + 1].result = -2; /* not queued */
      int fd = fds[i].fd;
      struct weft_fd *s = weft_fd_get(fd);
      if (!s) continue;
      weft_spin_lock(&s->lock);
      if (weft_fd_register(fd, s) == 0) {
        for (int dir = 0; dir < 2; dir++) {
          int want = dir ? (fds[i].events & POLLOUT)
                         : ((fds[i].events & (POLLIN | POLLPRI)) || !(fds[i].events & POLLOUT));
          if (!want) continue;
          struct weft_waiter *w = &ws[2 * i + dir];
          if (atomic_load_explicit(&s->seq[dir], memory_order_relaxed) != (uint32_t)(uintptr_t)w->data)
            moved = 1;
          w->thread = self;
          w->gen = gen;
          w->result = -1;
          weft_waitq_push(&s->q[dir], w);
          queued++;
        }
      }
      weft_spin_unlock(&s->lock);
    }
    int timed_out = 0, interrupted = 0;
    if (!moved) {
      struct weft_intr ir;
      if (intr_mode && weft_intr_begin(&ir, gen, intr_since, intr_mode)) {
        weft_unarm(weft_current(), gen, WEFT_BLOCK_POLL); /* a handler ran since the call began */
        weft_intr_end(&ir);
        interrupted = 1;
      } else {
        if (queued && !intr_mode) weft_io_wait_begin();
        timed_out = weft_park_until(WEFT_BLOCK_POLL, deadline, gen) == ETIMEDOUT;
        if (queued && !intr_mode) weft_io_wait_end();
        if (intr_mode) interrupted = weft_intr_end(&ir);
      }
    }
    for (unsigned long i = 0; i < n; i++) {
      for (int dir = 0; dir < 2; dir++) {
        struct weft_waiter *w = &ws[2 * i + dir];
        if (w->result == -2) continue;
        struct weft_fd *s = weft_fd_get(fds[i].fd);
        weft_spin_lock(&s->lock);
        if (w->result == -1) weft_waitq_remove(&s->q[dir], w);
        weft_spin_unlock(&s->lock);
      }
    }
    /* Not parked: a waker may have taken our token already. */
    if (moved) weft_unarm(weft_current(), gen, WEFT_BLOCK_POLL);
    if (interrupted) {
      weft_set_errno(EINTR);
      r = -1;
      break;
    }
    if (timed_out) {
      r = (int)syscall(SYS_poll, fds, n, 0);
      break;
    }
  }
  if (ws != small) free(ws);
  return r;
}
