/* Descriptors open before and after a program's first regular-file I/O
 * (leveldb's env_posix_test counts them: "exactly one newly opened file
 * descriptor").
 *
 *   clang-19 -O2 test/corpus/repro/file-fds.c $(weft-config --libs) -o file-fds
 *   ./file-fds                 # "3 new descriptors": the file, an
 *                              # anon_inode:[io_uring] and an [eventfd]; exit 1
 *   WEFT_DISABLE=1 ./file-fds  # "1 new descriptors", exit 0 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int list(const char *when) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int n = 0;
  printf("%s:", when);
  while ((e = readdir(d)) != NULL) {
    char path[64], target[256];
    if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)) continue;
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t k = readlink(path, target, sizeof target - 1);
    target[k < 0 ? 0 : k] = 0;
    printf(" %s=%s", e->d_name, target);
    n++;
  }
  printf("\n");
  closedir(d);
  return n;
}

int main(void) {
  int before = list("before");
  int fd = open("file-fds.tmp", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
  if (write(fd, "0123456789", 10) != 10) return 2;
  close(fd);
  fd = open("file-fds.tmp", O_RDONLY | O_CLOEXEC);
  char buf[10];
  if (read(fd, buf, sizeof buf) != 10) return 2;
  int after = list("after (one file open)");
  close(fd);
  unlink("file-fds.tmp");
  printf("%d new descriptors\n", after - before);
  return after - before == 1 ? 0 : 1;
}
