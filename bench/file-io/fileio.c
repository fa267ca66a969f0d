/* file-io: regular-file throughput on weft user threads, for comparing the
 * io_uring path with the file pool (WEFT_IO_URING=0).
 *
 *   fileio seq   FILE THREADS CHUNK      each thread preads its own slice,
 *                                        page cache dropped first (MB/s)
 *   fileio rand  FILE THREADS COUNT      COUNT random 4 KiB preads per
 *                                        thread, cache dropped (reads/s)
 *   fileio cached FILE THREADS CHUNK     as seq, file in the page cache
 *   fileio write FILE THREADS CHUNK      each thread pwrites its slice
 *                                        in CHUNK pieces (MB/s)
 * Prints one number. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft/weft.h"

static const char *mode;
static int fd;
static off_t size;
static long threads, param;

static void *run(void *arg) {
  long i = (long)(intptr_t)arg;
  if (!strcmp(mode, "rand")) {
    char *buf = aligned_alloc(4096, 4096);
    unsigned seed = (unsigned)i * 2654435761u + 1;
    long pages = (long)(size / 4096);
    for (long k = 0; k < param; k++) {
      seed = seed * 1103515245u + 12345u;
      off_t off = (off_t)((seed >> 4) % (unsigned long)pages) * 4096;
      if (pread(fd, buf, 4096, off) != 4096) abort();
    }
    free(buf);
    return 0;
  }
  off_t slice = size / threads, lo = slice * i;
  char *buf = malloc((size_t)param);
  memset(buf, 'w', (size_t)param);
  for (off_t off = lo; off < lo + slice; off += param) {
    size_t n = (size_t)(lo + slice - off < param ? lo + slice - off : param);
    ssize_t r = !strcmp(mode, "write") ? pwrite(fd, buf, n, off) : pread(fd, buf, n, off);
    if (r != (ssize_t)n) abort();
  }
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: fileio seq|rand|cached|write FILE THREADS CHUNK|COUNT\n");
    return 2;
  }
  mode = argv[1];
  threads = atol(argv[3]);
  param = atol(argv[4]);
  fd = open(argv[2], !strcmp(mode, "write") ? O_RDWR : O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    perror(argv[2]);
    return 1;
  }
  size = st.st_size;
  if (!strcmp(mode, "cached")) {
    /* Twice: pages read once after a drop are slower to read again than
     * pages read twice (the first run after a drop was 20% slower). */
    char *b = malloc(1 << 20);
    for (int k = 0; k < 2; k++)
      for (off_t o = 0; o < size; o += 1 << 20) pread(fd, b, 1 << 20, o);
    free(b);
  } else {
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  }
  weft_thread_t **ts = calloc((size_t)threads, sizeof *ts);
  int64_t t0 = weft_now();
  for (long i = 0; i < threads; i++) weft_spawn(&ts[i], 0, run, (void *)(intptr_t)i);
  for (long i = 0; i < threads; i++) weft_join(ts[i], 0);
  double s = (double)(weft_now() - t0) / 1e9;
  if (!strcmp(mode, "rand")) printf("%.0f\n", (double)threads * (double)param / s);
  else printf("%.1f\n", (double)size / s / 1e6);
  return 0;
}
