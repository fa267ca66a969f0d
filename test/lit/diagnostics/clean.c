// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// expected-no-diagnostics
// Blocking outside sections and non-blocking code inside them: no finding.
#include <weft/weft.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

struct table { int n; int items[64]; };
static struct table t;

static int find(int v) {
  for (int i = 0; i < t.n; i++)
    if (t.items[i] == v)
      return i;
  return -1;
}

int insert_unique(int v) {
  int added = 0;
  WEFT_ATOMIC {
    if (find(v) < 0 && t.n < 64) {
      t.items[t.n++] = v;
      added = 1;
    }
  }
  return added;
}

void serve(int fd) {
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n > 0) {
    int v = atoi(buf);
    insert_unique(v);
    char *copy = malloc((size_t)n);
    memcpy(copy, buf, (size_t)n);
    write(fd, copy, (size_t)n);
    free(copy);
  }
}
