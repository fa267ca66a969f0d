// The report's live_bytes, pinned_bytes and max_pinned_bytes, against
// numbers computed by hand, the same at -O0 and -O2.
// RUN: rm -rf %t
// RUN: %clang_weft -O0 -fplugin-arg-weft-no-live-state -fplugin-arg-weft-report=%t/O0 -c %s -o /dev/null
// RUN: %clang_weft -O2 -fplugin-arg-weft-no-live-state -fplugin-arg-weft-report=%t/O2 -c %s -o /dev/null
// RUN: python3 %s.py %t/O0/report.c.weft.json
// RUN: python3 %s.py %t/O2/report.c.weft.json
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int go;
long checksum(const char *p, int n);
void fill(char *p, int n);
int cheap(int x) { return x + 1; }

// read: buf (32,768) is used by the call; fd (4) is not used after it.
//   live 32,768; pinned 32,768 + 4 = 32,772.
// pthread_mutex_lock and pthread_cond_wait: sum (8) is used after them.
//   live 8; pinned 32,768 + 4 + 8 = 32,780.
long serve(int fd) {
  char buf[32768];
  read(fd, buf, sizeof buf);
  long sum = checksum(buf, sizeof buf);
  pthread_mutex_lock(&m);
  while (!go)
    pthread_cond_wait(&c, &m);
  pthread_mutex_unlock(&m); // not a blocking point
  return sum;
}

// cheap's result is an SSA value that must survive read: 4 bytes spilled.
//   live 4; pinned fd (4) + 4 = 8.
int spill(int fd) {
  return cheap(fd) + (int)read(fd, 0, 0);
}

// The call to serve blocks: big (1,000) is used after it, fd and r are not
// read after it (r is overwritten whole). live 1,000; pinned 1,000 + 4 + 4
// = 1,008; the chain down to serve's largest point: 1,008 + 32,780.
int outer(int fd) {
  char big[1000];
  fill(big, sizeof big);
  int r = (int)serve(fd);
  return r + big[0];
}

// Recursion: the chain has no bound. Both points: nothing is read after
// them; pinned n (4). The slot Clang makes for the return value of a
// function with two returns is not counted (whether it exists depends on
// the -O level).
int rec(int n) {
  if (n)
    return rec(n - 1);
  return (int)sleep(1);
}

// A thread entry: the report lists it with the largest pinned total below
// it: its own frame at the call to outer (arg, 8 bytes, not read after it:
// live 0) plus outer's chain, 8 + 1,008 + 32,780 = 33,796. In start,
// pthread_create is a call weft cannot classify: a point of the analysis,
// but not of the report's blocking_points, and no chain ends there, so
// start's max_pinned_bytes is 0.
static void *entry(void *arg) {
  outer((int)(long)arg);
  return 0;
}
void start(void) {
  pthread_t t;
  pthread_create(&t, 0, entry, 0);
}
