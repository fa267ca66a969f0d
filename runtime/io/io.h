/* io: descriptors parked on epoll (poller.c), regular files on io_uring or
 * the file pool (file.c, uring.c, filepool.c), signal handlers that
 * interrupt parked calls (signal.c). */
#ifndef WEFT_IO_IO_H
#define WEFT_IO_IO_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "sched/sched.h"

/* An ordering the kernel provides and TSan cannot see (a request written
 * before io_uring_enter, read back from its completion), said explicitly. */
#if defined(WEFT_TSAN)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define WEFT_TSAN_RELEASE(p) __tsan_release(p)
#define WEFT_TSAN_ACQUIRE(p) __tsan_acquire(p)
#else
#define WEFT_TSAN_RELEASE(p) ((void)0)
#define WEFT_TSAN_ACQUIRE(p) ((void)0)
#endif

enum { WEFT_FD_IN = 0, WEFT_FD_OUT = 1 };
enum { WEFT_FD_UNKNOWN, WEFT_FD_NONBLOCK, WEFT_FD_READINESS, WEFT_FD_PASS };

struct weft_fd {
  weft_spinlock lock;
  uint8_t mode;        /* WEFT_FD_* */
  uint8_t user_nonblock; /* the program itself asked for O_NONBLOCK */
  uint8_t registered;  /* in the epoll set */
  _Atomic uint32_t seq[2];
  _Atomic int64_t timeout_ns[2]; /* SO_RCVTIMEO, SO_SNDTIMEO; 0: none */
  struct weft_waitq q[2];
  /* Regular files and block devices (file.c). */
  uint8_t file;          /* S_ISREG or S_ISBLK: reads and writes go to file.c */
  uint8_t no_nowait[2];  /* RWF_NOWAIT is refused for reads / writes: skip the try */
  uint8_t pos_busy;      /* a call that uses the file position is in progress */
  struct weft_waitq pos_q; /* threads waiting for the file position */
};

/* Threads parked on I/O: between these the calling worker counts one
 * more, and idle workers poll while any is counted (poller.c). */
void weft_io_wait_begin(void) WEFT_HIDDEN;
void weft_io_wait_end(void) WEFT_HIDDEN;

/* The state of `fd`, classified on first use; null if out of range. */
struct weft_fd *weft_fd_get(int fd) WEFT_HIDDEN;
/* The state of `fd` as it is (no classification, so the descriptor's mode
 * is not touched); null if out of range. */
struct weft_fd *weft_fd_peek(int fd) WEFT_HIDDEN;
/* mode and user_nonblock are written under the lock, read without it. */
#define WEFT_FD_MODE(s) __atomic_load_n(&(s)->mode, __ATOMIC_ACQUIRE)
#define WEFT_FD_USER_NB(s) __atomic_load_n(&(s)->user_nonblock, __ATOMIC_RELAXED)
/* Wait until `fd` may be ready in direction `dir` (0 in, 1 out) unless its
 * readiness sequence moved past `seq`. Returns 0, ETIMEDOUT, EINTR (a
 * signal handler, see weft_intr_begin), EBADF (closed by another thread)
 * or an epoll_ctl error. */
int weft_fd_wait(int fd, struct weft_fd *s, int dir, uint32_t seq, int64_t deadline,
                 int kind, uint64_t intr_since, int intr_mode) WEFT_HIDDEN;
void weft_fd_closing(int fd) WEFT_HIDDEN;
void weft_fd_forget(int fd) WEFT_HIDDEN;
int weft_fd_register(int fd, struct weft_fd *s) WEFT_HIDDEN; /* with s->lock held */
/* Run op(args) on the file pool while the calling user thread is parked;
 * errno is carried back. Off a user thread it just calls op. */
long weft_file_offload(long (*op)(void *), void *args) WEFT_HIDDEN;
/* Reads the pool's settings (WEFT_FILE_THREADS) at start-up; the pool
 * itself starts on first use. */
void weft_filepool_init(void) WEFT_HIDDEN;
/* poll(2) for user threads; -1 with EINTR when a handler interrupts it
 * (intr_mode, see weft_intr_begin). */
int weft_poll_fds(void *fds, unsigned long n, int64_t deadline, uint64_t intr_since,
                  int intr_mode) WEFT_HIDDEN;
/* Sleep until `deadline` (CLOCK_MONOTONIC ns); returns 0 or EINTR. */
int weft_io_sleep_until(int64_t deadline, uint64_t intr_since, int intr_mode) WEFT_HIDDEN;
/* Add `fd` to the poller's epoll set (edge-triggered input); its events
 * come back as `tag` (one of the WEFT_POLL_TAG_* ranges). */
int weft_poller_watch(int fd, uint64_t tag) WEFT_HIDDEN;
#define WEFT_POLL_TAG_RING (1ull << 62) /* | worker index: that worker's ring */
/* Make the poller look (async-signal-safe: one write to its eventfd). */
void weft_poller_kick(void) WEFT_HIDDEN;

/* Regular files (file.c). On a user thread, a read or write of a regular
 * file or block device: returns 1 with the call's result in *result (errno
 * set when it is -1), or 0 when the caller should make the call the usual
 * way. `off` < 0: the file position (read/write/readv/writev). */
int weft_file_rw(int fd, int write, const struct iovec *iov, int cnt, off_t off,
                 long *result) WEFT_HIDDEN;
/* fsync/fdatasync on a user thread (io_uring, else the pool). */
long weft_file_sync(int fd, int datasync) WEFT_HIDDEN;

/* Signal handlers interrupting parked calls (signal.c). A call notes
 * weft_intr_now() when it begins; before parking (armed with `gen`) it
 * registers with weft_intr_begin, which returns 1 if a handler that
 * interrupts it has already run (then it does not park: unarm, end,
 * EINTR). After the park, weft_intr_end returns 1 if it was interrupted. */
enum {
  WEFT_INTR_NONE,    /* not interruptible */
  WEFT_INTR_RESTART, /* interrupted by handlers without SA_RESTART */
  WEFT_INTR_ALWAYS   /* interrupted by any handler (never restarted) */
};
struct weft_intr {
  struct weft_intr *next, *prev;
  struct weft_thread *thread;
  uint64_t gen, since;
  int mode, list;
  _Atomic int fired;
};
uint64_t weft_intr_now(void) WEFT_HIDDEN;
int weft_intr_begin(struct weft_intr *r, uint64_t gen, uint64_t since, int mode) WEFT_HIDDEN;
int weft_intr_end(struct weft_intr *r) WEFT_HIDDEN;
/* The poller: wake the registered calls a handler interrupted since the
 * last look. Returns how many it woke. */
int weft_intr_poll(void) WEFT_HIDDEN;

/* io_uring (uring.c): one ring per worker, created on first use. */
enum { WEFT_URING_READ, WEFT_URING_WRITE, WEFT_URING_FSYNC, WEFT_URING_FDATASYNC };
/* Run one operation on the calling worker's ring while the user thread is
 * parked. Returns 1 with the result (or -errno) in *res, 0 when there is
 * no ring to use (the caller goes to the file pool). off < 0: the file
 * position. async: the call is known to wait (IOSQE_ASYNC: no inline
 * try). */
int weft_uring_run(int op, int fd, const struct iovec *iov, int cnt, off_t off, int async,
                   long *res) WEFT_HIDDEN;
/* Reap the completions of worker `index`'s ring (the poller, on an event
 * of its eventfd). */
void weft_uring_reap(unsigned index) WEFT_HIDDEN;
/* Read WEFT_IO_URING; called once at io's start-up (poller.c). */
void weft_uring_init(void) WEFT_HIDDEN;

/* Signals (signal.c). A worker's alternate signal stack, mapped and
 * installed by the worker kernel thread at start-up. */
void weft_signal_stack_init(void) WEFT_HIDDEN;

/* In a fork child (poller.c, io_forked_child): forget the rings (their
 * memory is not in the child; it makes its own on first use), the file
 * pool's queue and threads (it starts again on first use), the lists of
 * interruptible calls. */
void weft_uring_forked_child(void) WEFT_HIDDEN;
void weft_filepool_forked_child(void) WEFT_HIDDEN;
void weft_signal_forked_child(void) WEFT_HIDDEN;

#endif
