// The stack bounds of the socket and descriptor calls in
// runtime/libc_stack_bounds.def hold for libweft's interposed versions,
// which park the thread and switch away when the call would wait (glibc's
// own are probed by test/lit/passes/stack-bounds/libc-bounds.c): a thread
// paints the stack below it, then makes each call so that it waits (recv
// and read on an empty socket, accept with no connection yet, send and
// write into a full socket) and is woken by the main thread; the bytes
// touched below the caller, measured while it is parked and after it
// finished, stay within the bound. With the bounds, a checkpoint before
// one of these calls asks for 2 KiB, not for a large linked segment of
// unknown use at every call of a thread-per-connection server's recv.
// The calls wait on a socket whose buffers are small, so send, write and
// writev write in several parts: each must still write everything, as
// Linux's blocking calls do (writev returned after 8 KiB of 1 MiB before).
// RUN: %clang -O2 -I%weft_include %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=1 %t | FileCheck %s
// RUN: env WEFT_WORKERS=2 %t | FileCheck %s
// CHECK: io: parked: {{[1-9][0-9]*}} bytes, finished: {{[1-9][0-9]*}} bytes, bound 2048: within
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "weft/weft.h"
#include "Inputs/stack-paint.h"

enum { BOUND = 2048 };
static volatile int stage; // how far body has come; main answers each stage
static int pair[2], listener;
static char big[1 << 20];


// Each call waits: main supplies what it waits for after `stage` moves.
__attribute__((noinline)) void body(void) {
  char c[64];
  stage = 1;
  ssize_t n = recv(pair[0], c, sizeof c, 0); // waits for main's byte
  stage = 2;
  n += read(pair[0], c, sizeof c); // waits for another
  struct iovec v = {c, sizeof c};
  stage = 3;
  n += readv(pair[0], &v, 1);
  stage = 4;
  int fd = accept(listener, NULL, NULL); // waits for main's connect
  stage = 5;
  int fd2 = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  // The socket's buffer is full: these wait until main drains it.
  stage = 6;
  n += send(pair[0], big, sizeof big, 0);
  stage = 7;
  n += write(pair[0], big, sizeof big);
  struct iovec w = {big, sizeof big};
  stage = 8;
  n += writev(pair[0], &w, 1);
  shutdown(fd, SHUT_RDWR);
  close(fd);
  close(fd2);
  stage = n > 0 ? 9 : -1;
}

static void *thread(void *arg) {
  (void)arg;
  paint();
  stack_top = here();
  body();
  return NULL;
}

static void wait_stage(int s) {
  while (stage < s)
    weft_yield();
  weft_sleep(2000000); // 2 ms: the call has parked by then
}

int main(void) {
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
    return 1;
  int small = 4096;
  setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  setsockopt(pair[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  if (bind(listener, (struct sockaddr *)&a, sizeof a) || listen(listener, 4) ||
      getsockname(listener, (struct sockaddr *)&a, &len))
    return 1;
  weft_thread_t *t;
  if (weft_spawn(&t, NULL, thread, NULL) != 0)
    return 1;
  size_t parked = 0;
  for (int s = 1; s <= 3; s++) {
    wait_stage(s);
    size_t p = touched();
    parked = p > parked ? p : parked;
    if (write(pair[1], "x", 1) != 1)
      return 1;
  }
  int c1 = -1, c2 = -1;
  for (int s = 4; s <= 5; s++) {
    wait_stage(s);
    size_t p = touched();
    parked = p > parked ? p : parked;
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0)
      return 1;
    if (s == 4)
      c1 = c;
    else
      c2 = c;
  }
  static char drain[1 << 16];
  size_t got = 0; // counted across the three calls: a read may take the next one's first bytes
  for (int s = 6; s <= 8; s++) {
    wait_stage(s);
    size_t p = touched();
    parked = p > parked ? p : parked;
    while (got < (size_t)(s - 5) * sizeof big) {
      ssize_t n = read(pair[1], drain, sizeof drain);
      if (n <= 0)
        return 1;
      got += (size_t)n;
    }
  }
  weft_join(t, NULL);
  close(c1);
  close(c2);
  size_t finished = touched();
  size_t most = parked > finished ? parked : finished;
  printf("io: parked: %zu bytes, finished: %zu bytes, bound %d: %s\n", parked, finished, BOUND,
         stage == 9 && most <= BOUND ? "within" : "OVER");
  return most > BOUND || stage != 9;
}
