/* Knot's page cache: whole files kept in memory, keyed by their path under
 * the document root, bounded by a memory limit with least-recently-used
 * eviction. Entries are reference counted, so an entry evicted while a
 * response is still sending it stays alive until that response is done.
 * An entry is re-checked against the file (inode, size, mtime) when it is
 * older than one second, so edits show up without a restart.
 */
#ifndef KNOT_CACHE_H
#define KNOT_CACHE_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct file {
  const char *data;      /* the whole file, or null if it was too large to cache */
  int fd;                /* when data is null: an open descriptor to send from */
  size_t size;
  time_t mtime;
  char last_modified[32];  /* the Last-Modified value, IMF-fixdate */

  /* private to cache.c */
  char *path;
  dev_t dev;
  ino_t ino;
  double checked_at;
  int refs;
  int cached;
  struct file *hash_next, *lru_prev, *lru_next;
};

struct cache_stats {
  unsigned long long hits, misses, evictions;
  size_t entries, bytes, limit;
};

/* Sets up the cache for files under the directory root_fd, keeping at most
 * limit bytes, no single file larger than max_file. */
void cache_init(int root_fd, size_t limit, size_t max_file);

/* Opens path (relative to the root, never leaving it: symlinks that point
 * outside fail) and returns it in *out. 0 on success, or an errno value:
 * ENOENT (and everything that means "not there for you"), EISDIR. */
int cache_open(const char *path, struct file **out);

/* Gives back a file from cache_open. */
void cache_close(struct file *f);

struct cache_stats cache_stats(void);

#endif
