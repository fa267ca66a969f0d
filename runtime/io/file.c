/* io: reads and writes of regular files on user threads.
 *
 * Regular files (and block devices) cannot be polled: a read that misses
 * the page cache, or a write that waits for the journal or for dirty-page
 * throttling, sleeps in the kernel with no readiness to park on. So a call
 * on one goes in two steps:
 *
 *   1. Without waiting: preadv2/pwritev2 with RWF_NOWAIT. Data in the page
 *      cache comes back at once, with no hand-off. A filesystem that
 *      refuses RWF_NOWAIT for a direction (EOPNOTSUPP: buffered writes on
 *      ext4, say) is remembered per descriptor and not asked again.
 *   2. What is left (all of it, or the part that was not cached) goes to
 *      the worker's io_uring (uring.c), or to the file pool (filepool.c)
 *      when there is no ring, while the thread is parked.
 *
 * The result is the kernel's own: the second step is one read or write of
 * the rest, which the kernel (io_uring included) finishes unless it meets
 * the end of the file or an error, so a read is short only at EOF, and an
 * error after a partial transfer returns the count, as read(2) does.
 *
 * Calls on the file position (read, write, readv, writev) hold the
 * descriptor's position lock across both steps (threads that want it
 * meanwhile park), so concurrent reads of one descriptor still get
 * disjoint, contiguous pieces, as the kernel's f_pos lock gives them.
 * pread/pwrite take no lock. fsync/fdatasync go to the ring (or the pool)
 * directly.
 */
#define _GNU_SOURCE
#include "io/io.h"

#include <errno.h>
#include <limits.h>
#include <sys/syscall.h>
#include <sys/uio.h>

/* The most one read or write transfers on Linux (MAX_RW_COUNT). */
#define MAX_RW ((size_t)0x7ffff000)

static void pos_lock(struct weft_fd *s) {
  struct weft_thread *self = weft_current();
  weft_spin_lock(&s->lock);
  while (s->pos_busy) {
    struct weft_waiter w = {.thread = self, .result = -1};
    w.gen = weft_arm_for(self, WEFT_BLOCK_FILE);
    weft_waitq_push(&s->pos_q, &w);
    weft_spin_unlock(&s->lock);
    weft_park(WEFT_BLOCK_FILE);
    self = weft_current();
    weft_spin_lock(&s->lock);
  }
  s->pos_busy = 1;
  weft_spin_unlock(&s->lock);
}

static void pos_unlock(struct weft_fd *s) {
  weft_spin_lock(&s->lock);
  s->pos_busy = 0;
  struct weft_waiter *w = weft_waitq_pop(&s->pos_q);
  if (w) {
    w->result = 0;
    weft_wake(w->thread, w->gen);
  }
  weft_spin_unlock(&s->lock);
}

struct pool_rw {
  int fd, write, cnt;
  const struct iovec *iov;
  off_t off;
};

static long pool_rw(void *a) {
  struct pool_rw *x = a;
  if (x->off < 0)
    return syscall(x->write ? SYS_writev : SYS_readv, x->fd, x->iov, x->cnt);
  return syscall(x->write ? SYS_pwritev : SYS_preadv, x->fd, x->iov, x->cnt, (long)x->off, 0L);
}

/* One read or write of iov[0..cnt) at `off` (or the position), parked on
 * the ring or the pool. A write the filesystem cannot do without waiting
 * (no RWF_NOWAIT) skips io_uring's inline try too: it goes straight to
 * io_uring's workers (+25% throughput for 4 KiB writes on ext4). Reads
 * keep the inline try, which arms io_uring's async buffered read. */
static long rw_parked(struct weft_fd *s, int fd, int write, const struct iovec *iov, int cnt,
                      off_t off) {
  long res;
  int async = write && __atomic_load_n(&s->no_nowait[1], __ATOMIC_RELAXED);
  if (weft_uring_run(write ? WEFT_URING_WRITE : WEFT_URING_READ, fd, iov, cnt, off, async,
                     &res)) {
    if (res < 0) {
      weft_set_errno((int)-res);
      return -1;
    }
    return res;
  }
  struct pool_rw x = {fd, write, cnt, iov, off};
  return weft_file_offload(pool_rw, &x);
}

static long rw_nowait(int fd, int write, const struct iovec *iov, int cnt, off_t off) {
  return syscall(write ? SYS_pwritev2 : SYS_preadv2, fd, iov, cnt, (long)off, 0L, RWF_NOWAIT);
}

/* Both steps. A partial first try (some of the range cached) goes on piece
 * by piece from where it stopped, without waiting while that works (so
 * the end of a cached file costs one more try that returns 0, not a
 * hand-off), parked from the first piece that would wait; no iovec is
 * copied. */
static long rw(struct weft_fd *s, int fd, int write, const struct iovec *iov, int cnt, off_t off,
               size_t total) {
  int nowait = !__atomic_load_n(&s->no_nowait[write], __ATOMIC_RELAXED);
  size_t done = 0;
  if (nowait) {
    long r = rw_nowait(fd, write, iov, cnt, off);
    if (r >= 0 && ((size_t)r == total || (r == 0 && !write))) return r;
    if (r > 0) {
      done = (size_t)r;
    } else {
      int e = r < 0 ? weft_get_errno() : 0;
      /* EOPNOTSUPP: not for this file (buffered writes on ext4, say);
       * EINVAL/ENOSYS: a kernel from before RWF_NOWAIT, or a call that
       * step 2 rejects the same way. */
      if (e == EOPNOTSUPP || e == EINVAL || e == ENOSYS)
        __atomic_store_n(&s->no_nowait[write], 1, __ATOMIC_RELAXED);
      return rw_parked(s, fd, write, iov, cnt, off);
    }
  } else {
    return rw_parked(s, fd, write, iov, cnt, off);
  }
  int i = 0;
  size_t skip = done;
  while (i < cnt && skip >= iov[i].iov_len) skip -= iov[i++].iov_len;
  while (i < cnt) {
    size_t len = iov[i].iov_len - skip;
    if (len == 0) {
      i++;
      skip = 0;
      continue;
    }
    struct iovec piece = {(char *)iov[i].iov_base + skip, len};
    off_t at = off < 0 ? -1 : off + (off_t)done;
    long r;
    if (nowait) {
      r = rw_nowait(fd, write, &piece, 1, at);
      if (r == 0 && !write) break; /* end of file */
      if (r <= 0) {
        nowait = 0; /* would wait (or fails): this piece again, parked */
        continue;
      }
    } else {
      r = rw_parked(s, fd, write, &piece, 1, at);
      if (r < 0) break; /* an error after a partial transfer: the count */
    }
    done += (size_t)r;
    if ((size_t)r < len) {
      if (!nowait) break; /* parked and short: end of file, or an error next */
      skip += (size_t)r;
      continue;
    }
    i++;
    skip = 0;
  }
  return (long)done;
}

int weft_file_rw(int fd, int write, const struct iovec *iov, int cnt, off_t off, long *result) {
  if (!weft_current()) return 0;
  struct weft_fd *s = weft_fd_get(fd);
  if (!s || !__atomic_load_n(&s->file, __ATOMIC_ACQUIRE)) return 0;
  if (cnt <= 0 || cnt > IOV_MAX) return 0;
  size_t total = 0;
  for (int i = 0; i < cnt; i++) {
    if (iov[i].iov_len > MAX_RW - total) return 0; /* the kernel caps it: let it */
    total += iov[i].iov_len;
  }
  if (total == 0) return 0;
  int saved = weft_get_errno();
  if (off < 0) pos_lock(s);
  long r = rw(s, fd, write, iov, cnt, off, total);
  int e = weft_get_errno();
  if (off < 0) pos_unlock(s);
  /* A failed try on the way (EAGAIN) is no business of the caller's. */
  weft_set_errno(r < 0 ? e : saved);
  *result = r;
  return 1;
}

static long pool_sync(void *a) {
  long *x = a;
  return syscall(x[1] ? SYS_fdatasync : SYS_fsync, (int)x[0]);
}

long weft_file_sync(int fd, int datasync) {
  long res;
  struct weft_fd *s = weft_current() ? weft_fd_get(fd) : 0;
  if (s && WEFT_FD_MODE(s) == WEFT_FD_PASS &&
      weft_uring_run(datasync ? WEFT_URING_FDATASYNC : WEFT_URING_FSYNC, fd, 0, 0, 0, 1, &res)) {
    if (res < 0) {
      weft_set_errno((int)-res);
      return -1;
    }
    return res;
  }
  long x[2] = {fd, datasync};
  return weft_file_offload(pool_sync, x);
}
