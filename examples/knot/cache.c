/* Knot's page cache: see cache.h.
 *
 * One mutex guards the hash table, the LRU list and the counters; it is
 * held only for table updates, never across I/O. The table holds one
 * reference to each entry it contains; each open file holds one more.
 */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NBUCKETS 16384
#define RECHECK_SECONDS 1.0

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct file *buckets[NBUCKETS];
static struct file lru = {.lru_prev = &lru, .lru_next = &lru};  /* most recent first */
static struct cache_stats stats;
static size_t max_file_size;
static int root;

void cache_init(int root_fd, size_t limit, size_t max_file) {
  root = root_fd;
  stats.limit = limit;
  max_file_size = max_file < limit ? max_file : limit;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h % NBUCKETS;
}

static void lru_unlink(struct file *f) {
  f->lru_prev->lru_next = f->lru_next;
  f->lru_next->lru_prev = f->lru_prev;
}

static void lru_push_front(struct file *f) {
  f->lru_next = lru.lru_next;
  f->lru_prev = &lru;
  lru.lru_next->lru_prev = f;
  lru.lru_next = f;
}

static void release(struct file *f) {  /* called with the lock held */
  if (--f->refs > 0)
    return;
  if (f->fd >= 0)
    close(f->fd);
  free((void *)f->data);
  free(f->path);
  free(f);
}

static void remove_entry(struct file *f) {  /* called with the lock held */
  struct file **p = &buckets[hash(f->path)];
  while (*p != f)
    p = &(*p)->hash_next;
  *p = f->hash_next;
  lru_unlink(f);
  f->cached = 0;
  stats.entries--;
  stats.bytes -= f->size;
  release(f);
}

static struct file *lookup(const char *path) {  /* called with the lock held */
  for (struct file *f = buckets[hash(path)]; f; f = f->hash_next)
    if (strcmp(f->path, path) == 0)
      return f;
  return NULL;
}

/* Opens path under the root. RESOLVE_BENEATH makes the kernel refuse any
 * resolution, through ".." or a symlink, that would leave the root. */
static int open_beneath(const char *path) {
  struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
  return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

static int read_whole(int fd, char *buf, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, buf + done, size - done, (off_t)done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    done += (size_t)n;
  }
  return 0;
}

int cache_open(const char *path, struct file **out) {
  double now = now_seconds();
  pthread_mutex_lock(&lock);
  struct file *f = lookup(path);
  if (f && now - f->checked_at < RECHECK_SECONDS) {
    f->refs++;
    lru_unlink(f);
    lru_push_front(f);
    stats.hits++;
    pthread_mutex_unlock(&lock);
    *out = f;
    return 0;
  }
  pthread_mutex_unlock(&lock);

  int fd = open_beneath(path);
  if (fd < 0)
    return errno == EISDIR ? EISDIR : ENOENT;
  struct stat st;
  if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
    close(fd);
    return ENOENT;
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return EISDIR;
  }

  /* Still the same file as the cached one? Then keep its bytes. */
  pthread_mutex_lock(&lock);
  f = lookup(path);
  if (f && f->ino == st.st_ino && f->dev == st.st_dev && f->size == (size_t)st.st_size &&
      f->mtime == st.st_mtime) {
    f->checked_at = now;
    f->refs++;
    stats.hits++;
    pthread_mutex_unlock(&lock);
    close(fd);
    *out = f;
    return 0;
  }
  stats.misses++;
  pthread_mutex_unlock(&lock);

  f = calloc(1, sizeof *f);
  if (!f) {
    close(fd);
    return ENOMEM;
  }
  f->fd = fd;
  f->size = (size_t)st.st_size;
  f->mtime = st.st_mtime;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->checked_at = now;
  f->refs = 1;
  struct tm tm;
  gmtime_r(&f->mtime, &tm);
  strftime(f->last_modified, sizeof f->last_modified, "%a, %d %b %Y %H:%M:%S GMT", &tm);

  if (f->size > max_file_size) {  /* served straight from the descriptor */
    *out = f;
    return 0;
  }
  char *data = malloc(f->size ? f->size : 1);
  if (!data || read_whole(fd, data, f->size) != 0) {
    free(data);
    *out = f;  /* fall back to sending from the descriptor */
    return 0;
  }
  close(fd);
  f->fd = -1;
  f->data = data;
  f->path = strdup(path);
  if (!f->path) {
    *out = f;
    return 0;
  }

  pthread_mutex_lock(&lock);
  struct file *old = lookup(path);
  if (old)
    remove_entry(old);
  while (stats.bytes + f->size > stats.limit && lru.lru_prev != &lru) {
    remove_entry(lru.lru_prev);
    stats.evictions++;
  }
  unsigned b = hash(path);
  f->hash_next = buckets[b];
  buckets[b] = f;
  lru_push_front(f);
  f->cached = 1;
  f->refs++;  /* the table's reference */
  stats.entries++;
  stats.bytes += f->size;
  pthread_mutex_unlock(&lock);
  *out = f;
  return 0;
}

void cache_close(struct file *f) {
  pthread_mutex_lock(&lock);
  release(f);
  pthread_mutex_unlock(&lock);
}

struct cache_stats cache_stats(void) {
  pthread_mutex_lock(&lock);
  struct cache_stats s = stats;
  pthread_mutex_unlock(&lock);
  return s;
}
