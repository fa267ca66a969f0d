// RUN: %clang_weft_verify -O0 %s
// RUN: %clang_weft_verify -O2 %s
// [weft-live-state]: a blocking call while more than 4,096 bytes of the
// frame are live (the default threshold), with the largest objects as notes.
// The totals count the small variables too: in loop_live, buf (16,384),
// sum (8), n and i (4 each); in some_paths, log and verbose.
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int go;
long checksum(const char *p, int n);
void fill(char *p, int n);

static void wait_go(void) {
  pthread_mutex_lock(&m);
  while (!go)
    pthread_cond_wait(&c, &m);
  pthread_mutex_unlock(&m);
}

// The buffer is dead before the thread waits: no warning at the wait. The
// read fills it while blocked, so it is live there.
long dead_before_wait(int fd) {
  char buf[32768]; // expected-note {{'buf' (32,768 bytes) is used by the blocking call itself; shrink it, or make it static or heap-allocated}}
  read(fd, buf, sizeof buf); // expected-warning {{'read' blocks while 32,768 bytes of this frame are live [weft-live-state]}}
  long sum = checksum(buf, sizeof buf);
  wait_go();
  return sum;
}

// Used after the wait: live across it.
long live_after_wait(int fd) {
  char buf[32768]; // expected-note {{'buf' (32,768 bytes) is used after the call; end its scope before the call, shrink it, or make it static or heap-allocated}}
  fill(buf, sizeof buf);
  wait_go(); // expected-warning {{call to 'wait_go' may block while 32,768 bytes of this frame are live [weft-live-state]}}
  return checksum(buf, sizeof buf);
}

// A scope that ends before the blocking call.
long scope_ends(int fd) {
  long sum;
  {
    char buf[32768];
    fill(buf, sizeof buf);
    sum = checksum(buf, sizeof buf);
  }
  wait_go();
  return sum;
}

// Declared in a loop's body: each iteration has a new one, so a buffer
// used before the call in the same iteration is dead across it, even
// though the next iteration's code follows.
long loop_dead(int fd, int n) {
  long sum = 0;
  for (int i = 0; i < n; i++) {
    char buf[16384];
    fill(buf, sizeof buf);
    sum += checksum(buf, sizeof buf);
    wait_go();
  }
  while (sum > 0) {
    char more[16384];
    memset(more, 0, sizeof more);
    sum -= checksum(more, 1);
    wait_go();
  }
  return sum;
}

// ...and live when it is used after the call in the same iteration.
long loop_live(int fd, int n) {
  long sum = 0;
  for (int i = 0; i < n; i++) {
    char buf[16384]; // expected-note {{'buf' (16,384 bytes) is used after the call}}
    fill(buf, sizeof buf);
    wait_go(); // expected-warning {{call to 'wait_go' may block while 16,400 bytes of this frame are live [weft-live-state]}}
    sum += checksum(buf, sizeof buf);
  }
  return sum;
}

// Only one path uses it after the call: it may be needed, so it is live.
long some_paths(int fd, int verbose) {
  char log[8192]; // expected-note {{'log' (8,192 bytes) is used after the call}}
  fill(log, sizeof log);
  wait_go(); // expected-warning {{call to 'wait_go' may block while 8,196 bytes of this frame are live [weft-live-state]}}
  if (verbose)
    return checksum(log, sizeof log);
  return 0;
}

// A struct whose one member is used after the call keeps the whole struct.
struct request {
  int fd;
  char header[4096];
  char body[8192];
};
int member(struct request *in) {
  struct request r; // expected-note {{'r' (12,292 bytes) is used after the call}}
  memcpy(&r, in, sizeof r);
  wait_go(); // expected-warning {{call to 'wait_go' may block while 12,292 bytes of this frame are live [weft-live-state]}}
  return r.fd;
}

// Overwritten whole before it is read again: dead across the call.
long overwritten(int fd) {
  char buf[8192];
  fill(buf, sizeof buf);
  long sum = checksum(buf, sizeof buf);
  wait_go();
  memset(buf, 0, sizeof buf);
  return sum + checksum(buf, 1);
}

// The largest objects first, three at most.
long several(int fd) {
  char a[6000]; // expected-note {{'a' (6,000 bytes) is used after the call}}
  char b[5000]; // expected-note {{'b' (5,000 bytes) is used after the call}}
  char c[4000]; // expected-note {{'c' (4,000 bytes) is used after the call}}
  char d[3000];
  fill(a, 1), fill(b, 1), fill(c, 1), fill(d, 1);
  wait_go(); // expected-warning {{call to 'wait_go' may block while 18,000 bytes of this frame are live [weft-live-state]}}
  return checksum(a, 1) + checksum(b, 1) + checksum(c, 1) + checksum(d, 1);
}

// Below the threshold: no warning.
int small(int fd) {
  char buf[4096];
  fill(buf, sizeof buf);
  wait_go();
  return buf[0];
}

// A return from inside a scope leaves the function: the buffer is dead
// after the second call, although the code after the scope reads it. When
// optimising, Clang sends both ways out of the scope through one cleanup
// block and a slot saying where to go next; the analysis follows the slot,
// so -O2 agrees with -O0.
long early_return(int fd) {
  char big[8192]; // expected-note {{'big' (8,192 bytes) is used after the call}}
  fill(big, sizeof big);
  {
    int n = 0;
    wait_go(); // expected-warning {{call to 'wait_go' may block while 8,200 bytes of this frame are live [weft-live-state]}}
    if (n == fd) {
      usleep(1);
      return 1;
    }
  }
  return checksum(big, sizeof big);
}
