/* io: the interposed libc calls.
 *
 * libweft defines the socket, pipe, waiting and sleeping calls of
 * runtime/blocking_calls.def (plus close, fcntl, dup2/dup3 and fork, which
 * keep the descriptor table right). Being linked before libc, these
 * definitions are the ones a program's calls bind to. On a user thread a
 * call that would block parks only that thread (io/poller.c); on any other
 * kernel thread it is exactly the system call libc would make. The runtime
 * itself goes through syscall(2), never through these.
 *
 * Reads, writes and syncs of regular files go to file.c (the page cache
 * without waiting, else io_uring or the file pool). A call that parks
 * notes when it began, so that a signal handler that runs meanwhile can
 * make it fail with EINTR (signal.c). stdio is not interposed: glibc's
 * stdio calls its internal write, so printf to a pipe that is full blocks
 * the worker.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/io.h"

#define EXPORT __attribute__((visibility("default")))

typedef long (*io_op)(int fd, void *args);

/* The blocking-call loop shared by every descriptor call. */
static long do_io(int fd, int dir, int kind, io_op op, void *args) {
  struct weft_thread *self = weft_current();
  if (!self) return op(fd, args);
  struct weft_fd *s = weft_fd_get(fd);
  if (!s) return op(fd, args);
  switch (WEFT_FD_MODE(s)) {
  case WEFT_FD_NONBLOCK:
    if (WEFT_FD_USER_NB(s)) return op(fd, args);
    int64_t timeout = atomic_load_explicit(&s->timeout_ns[dir], memory_order_relaxed);
    int64_t deadline = timeout > 0 ? weft_now_ns() + timeout : -1;
    /* Linux restarts these under SA_RESTART, unless the socket has a
     * timeout for this direction (signal(7)). */
    int intr = timeout > 0 ? WEFT_INTR_ALWAYS : WEFT_INTR_RESTART;
    uint64_t since = weft_intr_now();
    for (;;) {
      uint32_t seq = atomic_load_explicit(&s->seq[dir], memory_order_acquire);
      long r = op(fd, args);
      if (r >= 0) return r;
      int e = weft_get_errno();
      if (e != EAGAIN && e != EWOULDBLOCK) return r;
      int w = weft_fd_wait(fd, s, dir, seq, deadline, kind, since, intr);
      if (w == EBADF || w == ETIMEDOUT || w == EINTR) {
        weft_set_errno(w == ETIMEDOUT ? EAGAIN : w); /* SO_RCVTIMEO/SO_SNDTIMEO */
        return -1;
      }
      if (w) return op(fd, args); /* cannot poll: just block */
    }
  case WEFT_FD_READINESS:
    if (WEFT_FD_USER_NB(s)) return op(fd, args);
    since = weft_intr_now();
    for (;;) {
      uint32_t seq = atomic_load_explicit(&s->seq[dir], memory_order_acquire);
      struct pollfd p = {fd, (short)(dir ? POLLOUT : POLLIN), 0};
      if (syscall(SYS_poll, &p, 1, 0) != 0) return op(fd, args);
      int w = weft_fd_wait(fd, s, dir, seq, -1, kind, since, WEFT_INTR_RESTART);
      if (w == EBADF || w == EINTR) {
        weft_set_errno(w);
        return -1;
      }
      if (w && w != ETIMEDOUT) return op(fd, args);
    }
  default:
    return op(fd, args);
  }
}

struct rw { void *buf; size_t len; int flags; const void *addr; socklen_t alen; socklen_t *alenp; off_t off; };

static long op_read(int fd, void *a) { struct rw *x = a; return syscall(SYS_read, fd, x->buf, x->len); }
static long op_write(int fd, void *a) { struct rw *x = a; return syscall(SYS_write, fd, x->buf, x->len); }
static long op_pread(int fd, void *a) { struct rw *x = a; return syscall(SYS_pread64, fd, x->buf, x->len, x->off); }
static long op_pwrite(int fd, void *a) { struct rw *x = a; return syscall(SYS_pwrite64, fd, x->buf, x->len, x->off); }
static long op_recvfrom(int fd, void *a) {
  struct rw *x = a;
  return syscall(SYS_recvfrom, fd, x->buf, x->len, x->flags, x->addr, x->alenp);
}
static long op_sendto(int fd, void *a) {
  struct rw *x = a;
  return syscall(SYS_sendto, fd, x->buf, x->len, x->flags, x->addr, x->alen);
}

/* Blocking writes to sockets and pipes write everything (or fail). */
static ssize_t write_all(int fd, int kind, io_op op, struct rw *x) {
  struct weft_fd *s = weft_current() ? weft_fd_get(fd) : 0;
  if (!s || WEFT_FD_MODE(s) != WEFT_FD_NONBLOCK || WEFT_FD_USER_NB(s) || (x->flags & MSG_DONTWAIT))
    return do_io(fd, WEFT_FD_OUT, kind, op, x);
  size_t done = 0, total = x->len;
  char *base = x->buf;
  while (done < total) {
    x->buf = base + done;
    x->len = total - done;
    long r = do_io(fd, WEFT_FD_OUT, kind, op, x);
    if (r < 0) return done ? (ssize_t)done : -1;
    done += (size_t)r;
    if (r == 0) break;
  }
  return (ssize_t)done;
}

EXPORT ssize_t read(int fd, void *buf, size_t n) {
  struct iovec v = {buf, n};
  long r;
  if (weft_file_rw(fd, 0, &v, 1, -1, &r)) return r;
  struct rw x = {.buf = buf, .len = n};
  return do_io(fd, WEFT_FD_IN, WEFT_BLOCK_IO, op_read, &x);
}
EXPORT ssize_t write(int fd, const void *buf, size_t n) {
  struct iovec v = {(void *)buf, n};
  long r;
  if (weft_file_rw(fd, 1, &v, 1, -1, &r)) return r;
  struct rw x = {.buf = (void *)buf, .len = n};
  return write_all(fd, WEFT_BLOCK_IO, op_write, &x);
}
EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off) {
  struct iovec v = {buf, n};
  long r;
  if (off >= 0 && weft_file_rw(fd, 0, &v, 1, off, &r)) return r;
  struct rw x = {.buf = buf, .len = n, .off = off};
  return do_io(fd, WEFT_FD_IN, WEFT_BLOCK_IO, op_pread, &x);
}

EXPORT int fsync(int fd) { return (int)weft_file_sync(fd, 0); }
EXPORT int fdatasync(int fd) { return (int)weft_file_sync(fd, 1); }
EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  struct iovec v = {(void *)buf, n};
  long r;
  if (off >= 0 && weft_file_rw(fd, 1, &v, 1, off, &r)) return r;
  struct rw x = {.buf = (void *)buf, .len = n, .off = off};
  return do_io(fd, WEFT_FD_OUT, WEFT_BLOCK_IO, op_pwrite, &x);
}
EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off) { return pread(fd, buf, n, off); }
EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) { return pwrite(fd, buf, n, off); }

EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags) {
  struct rw x = {.buf = buf, .len = n, .flags = flags};
  if (flags & MSG_DONTWAIT) return op_recvfrom(fd, &x);
  return do_io(fd, WEFT_FD_IN, WEFT_BLOCK_IO, op_recvfrom, &x);
}
EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                        socklen_t *alen) {
  struct rw x = {.buf = buf, .len = n, .flags = flags, .addr = addr, .alenp = alen};
  if (flags & MSG_DONTWAIT) return op_recvfrom(fd, &x);
  return do_io(fd, WEFT_FD_IN, WEFT_BLOCK_IO, op_recvfrom, &x);
}
EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags) {
  struct rw x = {.buf = (void *)buf, .len = n, .flags = flags};
  return write_all(fd, WEFT_BLOCK_IO, op_sendto, &x);
}
EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
                      socklen_t alen) {
  struct rw x = {.buf = (void *)buf, .len = n, .flags = flags, .addr = addr, .alen = alen};
  return write_all(fd, WEFT_BLOCK_IO, op_sendto, &x);
}

struct vec { const struct iovec *iov; int cnt; const struct msghdr *msg; int flags; };
static long op_readv(int fd, void *a) { struct vec *x = a; return syscall(SYS_readv, fd, x->iov, x->cnt); }
static long op_writev(int fd, void *a) { struct vec *x = a; return syscall(SYS_writev, fd, x->iov, x->cnt); }
static long op_recvmsg(int fd, void *a) { struct vec *x = a; return syscall(SYS_recvmsg, fd, x->msg, x->flags); }
static long op_sendmsg(int fd, void *a) { struct vec *x = a; return syscall(SYS_sendmsg, fd, x->msg, x->flags); }

EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt) {
  long r;
  if (weft_file_rw(fd, 0, iov, cnt, -1, &r)) return r;
  struct vec x = {.iov = iov, .cnt = cnt};
  return do_io(fd, WEFT_FD_IN, WEFT_BLOCK_IO, op_readv, &x);
}
/* Whether a write to fd is one the program made blocking, so that Linux
 * would write everything before returning (write_all). */
static int writes_all(int fd, int flags) {
  struct weft_fd *s = weft_current() ? weft_fd_get(fd) : 0;
  return s && WEFT_FD_MODE(s) == WEFT_FD_NONBLOCK && !WEFT_FD_USER_NB(s) && !(flags & MSG_DONTWAIT);
}

/* write_all for a gather write: after a short write, the rest of the entry
 * it stopped in goes alone, then the entries after it, until everything is
 * written (or an error, after which the count so far is returned). The
 * caller's array is never copied or changed (it may hold IOV_MAX entries,
 * more than a small stack holds). `msg`, if given, is sendmsg's header:
 * its ancillary data goes with the first call only. */
static ssize_t gather_all(int fd, const struct iovec *iov, int cnt, const struct msghdr *msg,
                          int flags, io_op op) {
  struct msghdr m;
  if (msg) m = *msg;
  struct iovec part;
  struct vec x = {.iov = iov, .cnt = cnt, .msg = msg ? &m : 0, .flags = flags};
  size_t total = 0;
  for (int i = 0; i < cnt; i++) total += iov[i].iov_len;
  size_t done = 0;
  int idx = 0;     /* the first entry not wholly written */
  size_t off = 0;  /* bytes of it written */
  for (;;) {
    long r = do_io(fd, WEFT_FD_OUT, WEFT_BLOCK_IO, op, &x);
    if (r < 0) return done ? (ssize_t)done : -1;
    done += (size_t)r;
    if (r == 0 || done >= total) return (ssize_t)done;
    size_t left = (size_t)r;
    if (x.iov == &part) { /* the call wrote part of the one entry's rest */
      off += left;
      left = 0;
      if (off == iov[idx].iov_len) idx++, off = 0;
    }
    while (left > 0) {
      size_t rest = iov[idx].iov_len - off;
      if (left < rest) {
        off += left;
        break;
      }
      left -= rest;
      idx++;
      off = 0;
    }
    while (idx < cnt && iov[idx].iov_len == 0) idx++;
    if (off > 0) {
      part.iov_base = (char *)iov[idx].iov_base + off;
      part.iov_len = iov[idx].iov_len - off;
      x.iov = &part;
      x.cnt = 1;
    } else {
      x.iov = iov + idx;
      x.cnt = cnt - idx;
    }
    if (msg) {
      m.msg_iov = (struct iovec *)x.iov;
      m.msg_iovlen = (size_t)x.cnt;
      m.msg_control = 0; /* sent with the first part */
      m.msg_controllen = 0;
    }
  }
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt) {
  long r;
  if (weft_file_rw(fd, 1, iov, cnt, -1, &r)) return r;
  if (writes_all(fd, 0) && cnt > 0) return gather_all(fd, iov, cnt, 0, 0, op_writev);
  struct vec x = {.iov = iov, .cnt = cnt};
  return do_io(fd, WEFT_FD_OUT, WEFT_BLOCK_IO, op_writev, &x);
}
EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  struct vec x = {.msg = msg, .flags = flags};
  if (flags & MSG_DONTWAIT) return op_recvmsg(fd, &x);
  return do_io(fd, WEFT_FD_IN, WEFT_BLOCK_IO, op_recvmsg, &x);
}
EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  struct vec x = {.msg = msg, .flags = flags};
  if (flags & MSG_DONTWAIT) return op_sendmsg(fd, &x);
  /* A stream socket the program made blocking sends everything, as
   * Linux does; datagrams go whole or not at all anyway. */
  int type = 0;
  socklen_t tl = sizeof type;
  if (msg && msg->msg_iovlen > 0 && writes_all(fd, flags) &&
      getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM)
    return gather_all(fd, msg->msg_iov, (int)msg->msg_iovlen, msg, flags, op_sendmsg);
  return do_io(fd, WEFT_FD_OUT, WEFT_BLOCK_IO, op_sendmsg, &x);
}

struct sf { int in; off_t *off; size_t count; };
static long op_sendfile(int fd, void *a) { struct sf *x = a; return syscall(SYS_sendfile, fd, x->in, x->off, x->count); }
EXPORT ssize_t sendfile(int out, int in, off_t *off, size_t count) {
  struct sf x = {in, off, count};
  return do_io(out, WEFT_FD_OUT, WEFT_BLOCK_IO, op_sendfile, &x);
}
EXPORT ssize_t sendfile64(int out, int in, off_t *off, size_t count) { return sendfile(out, in, off, count); }

struct acc { struct sockaddr *addr; socklen_t *alen; int flags; };
static long op_accept(int fd, void *a) {
  struct acc *x = a;
  return syscall(SYS_accept4, fd, x->addr, x->alen, x->flags);
}
EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *alen, int flags) {
  struct acc x = {addr, alen, flags};
  int r = (int)do_io(fd, WEFT_FD_IN, WEFT_BLOCK_ACCEPT, op_accept, &x);
  if (r >= 0) weft_fd_forget(r);
  return r;
}
EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *alen) { return accept4(fd, addr, alen, 0); }

EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t alen) {
  struct weft_thread *self = weft_current();
  /* Classify first, so the socket is non-blocking before it connects. */
  struct weft_fd *s = self ? weft_fd_get(fd) : 0;
  long r = syscall(SYS_connect, fd, addr, alen);
  if (r == 0 || !s) return (int)r;
  int e = weft_get_errno();
  if (e != EINPROGRESS) return (int)r;
  if (WEFT_FD_MODE(s) != WEFT_FD_NONBLOCK || WEFT_FD_USER_NB(s)) return (int)r;
  /* Interrupted, the connection goes on being made, as connect(2) says. */
  int intr = atomic_load_explicit(&s->timeout_ns[WEFT_FD_OUT], memory_order_relaxed) > 0
                 ? WEFT_INTR_ALWAYS : WEFT_INTR_RESTART;
  uint64_t since = weft_intr_now();
  for (;;) {
    uint32_t seq = atomic_load_explicit(&s->seq[WEFT_FD_OUT], memory_order_acquire);
    struct pollfd p = {fd, POLLOUT, 0};
    if (syscall(SYS_poll, &p, 1, 0) > 0) break;
    int w = weft_fd_wait(fd, s, WEFT_FD_OUT, seq, -1, WEFT_BLOCK_CONNECT, since, intr);
    if (w == EBADF || w == EINTR) {
      weft_set_errno(w);
      return -1;
    }
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -1;
  if (err) {
    weft_set_errno(err);
    return -1;
  }
  return 0;
}

/* On a user thread make sure the descriptor's state reflects the real mode
 * before a fresh classification. */
EXPORT int socket(int domain, int type, int proto) {
  int r = (int)syscall(SYS_socket, domain, type, proto);
  if (r >= 0) weft_fd_forget(r);
  return r;
}
EXPORT int pipe2(int fds[2], int flags) {
  int r = (int)syscall(SYS_pipe2, fds, flags);
  if (r == 0) {
    weft_fd_forget(fds[0]);
    weft_fd_forget(fds[1]);
  }
  return r;
}
EXPORT int pipe(int fds[2]) { return pipe2(fds, 0); }
EXPORT int socketpair(int d, int t, int p, int fds[2]) {
  int r = (int)syscall(SYS_socketpair, d, t, p, fds);
  if (r == 0) {
    weft_fd_forget(fds[0]);
    weft_fd_forget(fds[1]);
  }
  return r;
}

/* Socket timeouts: the socket is non-blocking underneath, so the runtime
 * applies them itself. */
EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
  long r = syscall(SYS_setsockopt, fd, level, name, val, len);
  if (r == 0 && level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) &&
      len >= sizeof(struct timeval)) {
    struct weft_fd *s = weft_fd_peek(fd);
    const struct timeval *tv = val;
    if (s)
      atomic_store_explicit(&s->timeout_ns[name == SO_SNDTIMEO],
                            (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000,
                            memory_order_relaxed);
  }
  return (int)r;
}

EXPORT int close(int fd) {
  weft_fd_closing(fd);
  return (int)syscall(SYS_close, fd);
}
EXPORT int dup2(int old, int new_fd) {
  if (old != new_fd) weft_fd_closing(new_fd);
  return (int)syscall(SYS_dup2, old, new_fd);
}
EXPORT int dup3(int old, int new_fd, int flags) {
  if (old != new_fd) weft_fd_closing(new_fd);
  return (int)syscall(SYS_dup3, old, new_fd, flags);
}
EXPORT int dup(int old) {
  int r = (int)syscall(SYS_dup, old);
  if (r >= 0) weft_fd_forget(r);
  return r;
}

static int fcntl_common(int fd, int cmd, unsigned long arg) {
  if (cmd == F_GETFL || cmd == F_SETFL) {
    /* Classify only on user threads: elsewhere the descriptor stays as the
     * program left it. */
    struct weft_fd *s = weft_current() ? weft_fd_get(fd) : weft_fd_peek(fd);
    if (s && WEFT_FD_MODE(s) == WEFT_FD_NONBLOCK) {
      if (cmd == F_GETFL) {
        long r = syscall(SYS_fcntl, fd, F_GETFL);
        if (r >= 0 && !WEFT_FD_USER_NB(s)) r &= ~O_NONBLOCK;
        return (int)r;
      }
      __atomic_store_n(&s->user_nonblock, (arg & O_NONBLOCK) != 0, __ATOMIC_RELAXED);
      return (int)syscall(SYS_fcntl, fd, F_SETFL, arg | O_NONBLOCK);
    }
    if (s && WEFT_FD_MODE(s) == WEFT_FD_READINESS && cmd == F_SETFL)
      __atomic_store_n(&s->user_nonblock, (arg & O_NONBLOCK) != 0, __ATOMIC_RELAXED);
  }
  long r = syscall(SYS_fcntl, fd, cmd, arg);
  if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) weft_fd_forget((int)r);
  return (int)r;
}
EXPORT int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  unsigned long arg = va_arg(ap, unsigned long);
  va_end(ap);
  return fcntl_common(fd, cmd, arg);
}
EXPORT int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  unsigned long arg = va_arg(ap, unsigned long);
  va_end(ap);
  return fcntl_common(fd, cmd, arg);
}

/* ---- waiting --------------------------------------------------------- */

static int64_t deadline_ms(int timeout) {
  return timeout < 0 ? -1 : weft_now_ns() + (int64_t)timeout * 1000000;
}
static int64_t deadline_ts(const struct timespec *ts) {
  if (!ts) return -1;
  return weft_now_ns() + (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout) {
  if (!weft_current() || timeout == 0) return (int)syscall(SYS_poll, fds, n, timeout);
  return weft_poll_fds(fds, n, deadline_ms(timeout), weft_intr_now(), WEFT_INTR_ALWAYS);
}
EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask) {
  if (!weft_current() || (ts && ts->tv_sec == 0 && ts->tv_nsec == 0) || mask)
    return (int)syscall(SYS_ppoll, fds, n, ts, mask, 8);
  return weft_poll_fds(fds, n, deadline_ts(ts), weft_intr_now(), WEFT_INTR_ALWAYS);
}

static int select_common(int nfds, fd_set *r, fd_set *w, fd_set *e, int64_t deadline) {
  uint64_t since = weft_intr_now();
  struct pollfd small[64];
  struct pollfd *p = small;
  int n = 0;
  for (int fd = 0; fd < nfds; fd++) {
    short ev = 0;
    if (r && FD_ISSET(fd, r)) ev |= POLLIN;
    if (w && FD_ISSET(fd, w)) ev |= POLLOUT;
    if (e && FD_ISSET(fd, e)) ev |= POLLPRI;
    if (!ev) continue;
    if (n == 64 && p == small) {
      p = calloc((size_t)nfds, sizeof *p);
      if (!p) { weft_set_errno(ENOMEM); return -1; }
      memcpy(p, small, sizeof small);
    }
    p[n].fd = fd;
    p[n].events = ev;
    p[n].revents = 0;
    n++;
  }
  int rc = weft_poll_fds(p, (unsigned long)n, deadline, since, WEFT_INTR_ALWAYS);
  if (rc >= 0) {
    int count = 0;
    if (r) FD_ZERO(r);
    if (w) FD_ZERO(w);
    if (e) FD_ZERO(e);
    for (int i = 0; i < n; i++) {
      short re = p[i].revents;
      if (re & POLLNVAL) { weft_set_errno(EBADF); rc = -1; break; }
      if (r && (re & (POLLIN | POLLHUP | POLLERR)) && (p[i].events & POLLIN)) { FD_SET(p[i].fd, r); count++; }
      if (w && (re & (POLLOUT | POLLERR)) && (p[i].events & POLLOUT)) { FD_SET(p[i].fd, w); count++; }
      if (e && (re & POLLPRI)) { FD_SET(p[i].fd, e); count++; }
    }
    if (rc >= 0) rc = count;
  }
  if (p != small) free(p);
  return rc;
}

EXPORT int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv) {
  if (!weft_current() || (tv && tv->tv_sec == 0 && tv->tv_usec == 0))
    return (int)syscall(SYS_select, nfds, r, w, e, tv);
  int64_t d = tv ? weft_now_ns() + (int64_t)tv->tv_sec * 1000000000 + tv->tv_usec * 1000 : -1;
  return select_common(nfds, r, w, e, d);
}
EXPORT int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
                   const sigset_t *mask) {
  if (!weft_current() || mask || (ts && ts->tv_sec == 0 && ts->tv_nsec == 0)) {
    struct { const sigset_t *m; size_t n; } sm = {mask, 8};
    return (int)syscall(SYS_pselect6, nfds, r, w, e, ts, mask ? &sm : 0);
  }
  return select_common(nfds, r, w, e, deadline_ts(ts));
}

EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout) {
  if (!weft_current() || timeout == 0) return (int)syscall(SYS_epoll_wait, epfd, ev, max, timeout);
  int64_t d = deadline_ms(timeout);
  uint64_t since = weft_intr_now();
  for (;;) {
    int r = (int)syscall(SYS_epoll_wait, epfd, ev, max, 0);
    if (r != 0) return r;
    struct pollfd p = {epfd, POLLIN, 0};
    int pr = weft_poll_fds(&p, 1, d, since, WEFT_INTR_ALWAYS);
    if (pr < 0) return pr;
    if (pr == 0) return 0;
  }
}
EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout, const sigset_t *m) {
  if (m) return (int)syscall(SYS_epoll_pwait, epfd, ev, max, timeout, m, 8);
  return epoll_wait(epfd, ev, max, timeout);
}

/* ---- sleeping --------------------------------------------------------- */

/* Sleeps fail with EINTR after any handler (signal(7)); a relative one
 * reports the time left in *rem. */
static int64_t sleep_ns(const struct timespec *req) {
  if (req->tv_sec > INT64_MAX / 1000000000 - 1) return INT64_MAX / 2;
  return (int64_t)req->tv_sec * 1000000000 + req->tv_nsec;
}
static int sleep_for(int64_t ns, struct timespec *rem) {
  int64_t deadline = weft_now_ns() + ns;
  if (weft_io_sleep_until(deadline, weft_intr_now(), WEFT_INTR_ALWAYS) == 0) return 0;
  if (rem) {
    int64_t left = deadline - weft_now_ns();
    if (left < 0) left = 0;
    rem->tv_sec = (time_t)(left / 1000000000);
    rem->tv_nsec = (long)(left % 1000000000);
  }
  return EINTR;
}
EXPORT int nanosleep(const struct timespec *req, struct timespec *rem) {
  if (!weft_current()) return (int)syscall(SYS_nanosleep, req, rem);
  if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0) {
    weft_set_errno(EINVAL);
    return -1;
  }
  if (sleep_for(sleep_ns(req), rem)) {
    weft_set_errno(EINTR);
    return -1;
  }
  return 0;
}
EXPORT int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                           struct timespec *rem) {
  if (!weft_current()) {
    long r = syscall(SYS_clock_nanosleep, clk, flags, req, rem);
    return r < 0 ? weft_get_errno() : 0;
  }
  if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0) return EINVAL;
  int64_t ns = sleep_ns(req);
  if (flags & TIMER_ABSTIME) {
    struct timespec now;
    if (clock_gettime(clk, &now) != 0) return EINVAL;
    ns -= (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    if (ns <= 0) return 0;
    return sleep_for(ns, 0); /* an absolute sleep leaves *rem alone */
  }
  return sleep_for(ns, rem);
}
EXPORT unsigned sleep(unsigned s) {
  struct timespec ts = {s, 0}, left = {0, 0};
  if (nanosleep(&ts, &left) == 0) return 0;
  return (unsigned)left.tv_sec + (left.tv_nsec >= 500000000); /* as glibc rounds */
}
EXPORT int usleep(useconds_t us) {
  struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
  return nanosleep(&ts, 0);
}

/* ---- processes -------------------------------------------------------- */

/* waitpid for one child parks on a pidfd (readable once the child exits). */
EXPORT pid_t waitpid(pid_t pid, int *status, int options) {
  if (!weft_current() || (options & WNOHANG))
    return (pid_t)syscall(SYS_wait4, pid, status, options, 0);
  if (pid <= 0) {
    /* Any child (or a group): poll with a growing pause, up to 10 ms. */
    uint64_t pause_ns = 100000, since = weft_intr_now();
    for (;;) {
      pid_t r = (pid_t)syscall(SYS_wait4, pid, status, options | WNOHANG, 0);
      if (r != 0) return r;
      if (weft_io_sleep_until(weft_now_ns() + (int64_t)pause_ns, since, WEFT_INTR_RESTART)) {
        weft_set_errno(EINTR);
        return -1;
      }
      if (pause_ns < 10000000) pause_ns *= 2;
    }
  }
  int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pfd < 0) return (pid_t)syscall(SYS_wait4, pid, status, options, 0);
  weft_fd_forget(pfd);
  struct pollfd p = {pfd, POLLIN, 0};
  pid_t r;
  uint64_t since = weft_intr_now();
  for (;;) {
    r = (pid_t)syscall(SYS_wait4, pid, status, options | WNOHANG, 0);
    if (r != 0) break;
    if (weft_poll_fds(&p, 1, -1, since, WEFT_INTR_RESTART) < 0 && weft_get_errno() == EINTR) {
      r = -1;
      break;
    }
  }
  weft_fd_closing(pfd);
  (void)syscall(SYS_close, pfd); /* our pidfd: nothing to report if closing it fails */
  return r;
}

EXPORT pid_t wait(int *status) { return waitpid(-1, status, 0); }

/* system(3) as libc does it (sh -c, SIGINT and SIGQUIT ignored and SIGCHLD
 * blocked in the caller meanwhile), but the wait parks only this thread. */
extern char **environ;
EXPORT int system(const char *cmd) {
  int (*real)(const char *) = WEFT_REAL(int (*)(const char *), system);
  if (!weft_current() || !cmd) return real(cmd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, dfl;
  sigemptyset(&none);
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGINT);
  sigaddset(&dfl, SIGQUIT);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &dfl);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  char *argv[] = {(char *)"sh", (char *)"-c", (char *)cmd, 0};
  pid_t pid;
  int e = posix_spawn(&pid, "/bin/sh", 0, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  if (e) {
    weft_set_errno(e);
    return -1;
  }
  int status;
  pid_t r;
  while ((r = waitpid(pid, &status, 0)) < 0 && weft_get_errno() == EINTR) {
  }
  if (r < 0) return -1;
  return status;
}

/* libc's fork, which runs the pthread_atfork handlers: the program's, and
 * weft's (sched/startup.c), which rebuild the runtime in the child. */
EXPORT pid_t fork(void) {
  pid_t (*real)(void) = WEFT_REAL(pid_t(*)(void), fork);
  return real();
}
