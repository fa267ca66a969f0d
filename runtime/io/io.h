/* io: descriptors parked on epoll. See poller.c. */
#ifndef WEFT_IO_IO_H
#define WEFT_IO_IO_H

#include <stdint.h>

#include "sched/sched.h"

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
};

/* The state of `fd`, classified on first use; null if out of range. */
struct weft_fd *weft_fd_get(int fd) WEFT_HIDDEN;
/* The state of `fd` as it is (no classification, so the descriptor's mode
 * is not touched); null if out of range. */
struct weft_fd *weft_fd_peek(int fd) WEFT_HIDDEN;
/* mode and user_nonblock are written under the lock, read without it. */
#define WEFT_FD_MODE(s) __atomic_load_n(&(s)->mode, __ATOMIC_ACQUIRE)
#define WEFT_FD_USER_NB(s) __atomic_load_n(&(s)->user_nonblock, __ATOMIC_RELAXED)
/* Wait until `fd` may be ready in direction `dir` (0 in, 1 out) unless its
 * readiness sequence moved past `seq`. Returns 0, ETIMEDOUT, EBADF (closed
 * by another thread) or an epoll_ctl error. */
int weft_fd_wait(int fd, struct weft_fd *s, int dir, uint32_t seq, int64_t deadline,
                 int kind) WEFT_HIDDEN;
void weft_fd_closing(int fd) WEFT_HIDDEN;
void weft_fd_forget(int fd) WEFT_HIDDEN;
int weft_fd_register(int fd, struct weft_fd *s) WEFT_HIDDEN; /* with s->lock held */
/* Run op(args) on the file pool while the calling user thread is parked;
 * errno is carried back. Off a user thread it just calls op. */
long weft_file_offload(long (*op)(void *), void *args) WEFT_HIDDEN;
/* poll(2) for user threads. */
int weft_poll_fds(void *fds, unsigned long n, int64_t deadline) WEFT_HIDDEN;

#endif
