// Signal handlers and parked calls: a handler installed without SA_RESTART
// makes a parked read/accept/write/waitpid fail with EINTR; with SA_RESTART
// they keep waiting; poll and the sleeps fail either way (signal(7)), and
// nanosleep reports the time left. Real signals: kill, raise, setitimer.
// ctest runs it on one worker and on two.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "interposed.h"
#include "weft/weft.h"

namespace {

std::atomic<int> handled{0};
void on_signal(int) { handled.fetch_add(1); }

// TSan defers a program's handler to a point of its choosing (the
// trampoline weft installs calls TSan's own handler, which queues it), so
// there a call may fail with EINTR before the handler has run; and TSan's
// signal() installs without SA_RESTART.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WEFT_TEST_TSAN 1
#endif
#endif
#if defined(WEFT_TEST_TSAN)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif

// Wait until the handler has run `n` times in all.
void wait_handled(int n) {
  for (int i = 0; i < 2000 && handled.load() < n; i++) weft_sleep(1000000);
  EXPECT_EQ(handled.load(), n);
}

__attribute__((noinline)) int get_errno() { return errno; }

// Install on_signal for `sig`, with or without SA_RESTART.
void install(int sig, bool restart) {
  struct sigaction a = {};
  a.sa_handler = on_signal;
  sigemptyset(&a.sa_mask);
  a.sa_flags = restart ? SA_RESTART : 0;
  ASSERT_EQ(sigaction(sig, &a, nullptr), 0);
}
void uninstall(int sig) { signal(sig, SIG_DFL); }

// Wait until `n` threads are parked at blocking point `kind`.
void wait_parked(enum weft_block_kind kind, uint64_t n) {
  for (int i = 0; i < 2000; i++) {
    struct weft_stats s;
    weft_stats(&s);
    if (s.blocked_by_kind[kind] >= n) return;
    weft_sleep(1000000);
  }
  FAIL() << "no thread parked at " << weft_block_kind_name(kind);
}

struct call_result {
  long r = 0;
  int err = 0;
  int handled_before_return = -1;
  std::atomic<bool> returned{false};
};

struct pipe_call {
  int fd;
  call_result res;
};

void *read_pipe(void *arg) {
  auto *c = (pipe_call *)arg;
  char buf[8];
  c->res.r = call::read(c->fd, buf, sizeof buf);
  c->res.err = c->res.r < 0 ? get_errno() : 0;
  c->res.handled_before_return = handled.load();
  c->res.returned = true;
  return nullptr;
}

TEST(Signal, ReadFailsWithEintrWithoutSaRestart) {
  install(SIGUSR1, false);
  handled = 0;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pipe_call c{p[0], {}};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, read_pipe, &c), 0);
  wait_parked(WEFT_BLOCK_IO, 1);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  weft_join(t, nullptr);
  EXPECT_EQ(c.res.r, -1);
  EXPECT_EQ(c.res.err, EINTR);
  if (!kTsan) EXPECT_EQ(c.res.handled_before_return, 1); // the handler ran first
  wait_handled(1);
  close(p[0]);
  close(p[1]);
  uninstall(SIGUSR1);
}

TEST(Signal, ReadKeepsWaitingWithSaRestart) {
  install(SIGUSR1, true);
  handled = 0;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pipe_call c{p[0], {}};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, read_pipe, &c), 0);
  wait_parked(WEFT_BLOCK_IO, 1);
  ASSERT_EQ(raise(SIGUSR1), 0);
  wait_handled(1);
  weft_sleep(30000000);
  EXPECT_FALSE(c.res.returned.load());
  ASSERT_EQ(write(p[1], "data", 4), 4);
  weft_join(t, nullptr);
  EXPECT_EQ(c.res.r, 4);
  close(p[0]);
  close(p[1]);
  uninstall(SIGUSR1);
}

// signal() has BSD semantics (SA_RESTART) unless siginterrupt says not.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations" // siginterrupt
TEST(Signal, SignalRestartsUnlessSiginterrupt) {
  if (kTsan) GTEST_SKIP() << "TSan's signal() has no SA_RESTART";
  ASSERT_NE(signal(SIGUSR2, on_signal), SIG_ERR);
  struct sigaction a;
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &a), 0);
  EXPECT_EQ(a.sa_handler, on_signal); // the program's, not weft's wrapper
  EXPECT_TRUE(a.sa_flags & SA_RESTART);
  EXPECT_FALSE(a.sa_flags & SA_SIGINFO);
  ASSERT_EQ(siginterrupt(SIGUSR2, 1), 0);
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &a), 0);
  EXPECT_EQ(a.sa_handler, on_signal);
  EXPECT_FALSE(a.sa_flags & SA_RESTART);
  handled = 0;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pipe_call c{p[0], {}};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, read_pipe, &c), 0);
  wait_parked(WEFT_BLOCK_IO, 1);
  ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
  weft_join(t, nullptr);
  EXPECT_EQ(c.res.err, EINTR);
  EXPECT_EQ(signal(SIGUSR2, SIG_DFL), on_signal);
  siginterrupt(SIGUSR2, 0);
  close(p[0]);
  close(p[1]);
}
#pragma clang diagnostic pop

// A handler installed after the thread parked still interrupts it; an
// ignored signal, or one with no handler that does nothing, does not.
TEST(Signal, OnlyHandlersInterrupt) {
  handled = 0;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pipe_call c{p[0], {}};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, read_pipe, &c), 0);
  wait_parked(WEFT_BLOCK_IO, 1);
  ASSERT_EQ(kill(getpid(), SIGURG), 0); // default action: ignore
  signal(SIGUSR1, SIG_IGN);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  weft_sleep(20000000);
  EXPECT_FALSE(c.res.returned.load());
  install(SIGUSR1, false);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  weft_join(t, nullptr);
  EXPECT_EQ(c.res.err, EINTR);
  close(p[0]);
  close(p[1]);
  wait_handled(1);
  uninstall(SIGUSR1);
}

struct accept_call {
  int fd;
  call_result res;
};

void *do_accept(void *arg) {
  auto *c = (accept_call *)arg;
  c->res.r = call::accept(c->fd, nullptr, nullptr);
  c->res.err = c->res.r < 0 ? get_errno() : 0;
  c->res.returned = true;
  return nullptr;
}

int listener(uint16_t *port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, (struct sockaddr *)&a, sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  listen(s, 8);
  return s;
}

TEST(Signal, AcceptFailsWithoutSaRestartAndWaitsWithIt) {
  handled = 0;
  uint16_t port;
  int s = listener(&port);
  for (bool restart : {false, true}) {
    install(SIGUSR1, restart);
    accept_call c{s, {}};
    weft_thread_t *t;
    ASSERT_EQ(weft_spawn(&t, nullptr, do_accept, &c), 0);
    wait_parked(WEFT_BLOCK_ACCEPT, 1);
    ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
    if (restart) {
      weft_sleep(30000000);
      EXPECT_FALSE(c.res.returned.load());
      int cl = socket(AF_INET, SOCK_STREAM, 0);
      struct sockaddr_in a = {};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(port);
      ASSERT_EQ(connect(cl, (struct sockaddr *)&a, sizeof a), 0);
      weft_join(t, nullptr);
      EXPECT_GE(c.res.r, 0);
      close((int)c.res.r);
      close(cl);
    } else {
      weft_join(t, nullptr);
      EXPECT_EQ(c.res.r, -1);
      EXPECT_EQ(c.res.err, EINTR);
    }
  }
  close(s);
  wait_handled(2);
  uninstall(SIGUSR1);
}

struct poll_call {
  int fd;
  call_result res;
};

void *do_poll(void *arg) {
  auto *c = (poll_call *)arg;
  struct pollfd p = {c->fd, POLLIN, 0};
  c->res.r = call::poll(&p, 1, -1);
  c->res.err = c->res.r < 0 ? get_errno() : 0;
  c->res.returned = true;
  return nullptr;
}

// Linux never restarts poll: EINTR under SA_RESTART too.
TEST(Signal, PollFailsWithEintrEvenWithSaRestart) {
  handled = 0;
  for (bool restart : {false, true}) {
    install(SIGUSR1, restart);
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    poll_call c{p[0], {}};
    weft_thread_t *t;
    ASSERT_EQ(weft_spawn(&t, nullptr, do_poll, &c), 0);
    wait_parked(WEFT_BLOCK_POLL, 1);
    ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
    weft_join(t, nullptr);
    EXPECT_EQ(c.res.r, -1) << "SA_RESTART " << restart;
    EXPECT_EQ(c.res.err, EINTR);
    close(p[0]);
    close(p[1]);
  }
  wait_handled(2);
  uninstall(SIGUSR1);
}

// The calls Linux never restarts (signal(7)) fail under SA_RESTART too:
// select, epoll_wait, a recv on a socket with SO_RCVTIMEO, clock_nanosleep
// (which reports the time left). All parked at once, one signal.
struct never_restarted {
  int pipe_r, epfd, sock;
  long select_r = 0, epoll_r = 0, recv_r = 0, sleep_r = 0;
  int select_e = 0, epoll_e = 0, recv_e = 0;
  struct timespec left = {};
};

void *do_select(void *arg) {
  auto *c = (never_restarted *)arg;
  fd_set r;
  FD_ZERO(&r);
  FD_SET(c->pipe_r, &r);
  c->select_r = call::select(c->pipe_r + 1, &r, nullptr, nullptr, nullptr);
  c->select_e = c->select_r < 0 ? get_errno() : 0;
  return nullptr;
}
void *do_epoll_wait(void *arg) {
  auto *c = (never_restarted *)arg;
  struct epoll_event ev;
  c->epoll_r = call::epoll_wait(c->epfd, &ev, 1, -1);
  c->epoll_e = c->epoll_r < 0 ? get_errno() : 0;
  return nullptr;
}
void *do_recv(void *arg) {
  auto *c = (never_restarted *)arg;
  char b[4];
  c->recv_r = call::recv(c->sock, b, sizeof b, 0);
  c->recv_e = c->recv_r < 0 ? get_errno() : 0;
  return nullptr;
}
void *do_clock_nanosleep(void *arg) {
  auto *c = (never_restarted *)arg;
  struct timespec req = {3, 0};
  c->sleep_r = call::clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &c->left);
  return nullptr;
}

TEST(Signal, NeverRestartedCallsFailUnderSaRestart) {
  install(SIGUSR1, true);
  handled = 0;
  int p[2], sv[2];
  ASSERT_EQ(pipe(p), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  struct timeval tv = {5, 0};
  ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  int epfd = epoll_create1(0);
  struct epoll_event ev = {};
  ev.events = EPOLLIN;
  ASSERT_EQ(epoll_ctl(epfd, EPOLL_CTL_ADD, p[0], &ev), 0);
  never_restarted c{p[0], epfd, sv[0]};
  weft_thread_t *ts[4];
  ASSERT_EQ(weft_spawn(&ts[0], nullptr, do_select, &c), 0);
  ASSERT_EQ(weft_spawn(&ts[1], nullptr, do_epoll_wait, &c), 0);
  ASSERT_EQ(weft_spawn(&ts[2], nullptr, do_recv, &c), 0);
  ASSERT_EQ(weft_spawn(&ts[3], nullptr, do_clock_nanosleep, &c), 0);
  wait_parked(WEFT_BLOCK_POLL, 2);
  wait_parked(WEFT_BLOCK_IO, 1);
  wait_parked(WEFT_BLOCK_SLEEP, 1);
  int64_t t0 = weft_now();
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  for (auto *t : ts) weft_join(t, nullptr);
  EXPECT_LT(weft_now() - t0, 1000000000);
  EXPECT_EQ(c.select_r, -1);
  EXPECT_EQ(c.select_e, EINTR);
  EXPECT_EQ(c.epoll_r, -1);
  EXPECT_EQ(c.epoll_e, EINTR);
  EXPECT_EQ(c.recv_r, -1);
  EXPECT_EQ(c.recv_e, EINTR);
  EXPECT_EQ(c.sleep_r, EINTR); // clock_nanosleep returns the error
  EXPECT_GT(c.left.tv_sec, 1);
  EXPECT_LE(c.left.tv_sec, 3);
  wait_handled(1);
  close(epfd);
  close(p[0]);
  close(p[1]);
  close(sv[0]);
  close(sv[1]);
  uninstall(SIGUSR1);
}

struct sleep_call {
  struct timespec req, rem;
  call_result res;
};

void *do_nanosleep(void *arg) {
  auto *c = (sleep_call *)arg;
  c->res.r = call::nanosleep(&c->req, &c->rem);
  c->res.err = c->res.r < 0 ? get_errno() : 0;
  c->res.returned = true;
  return nullptr;
}

void *do_sleep(void *arg) {
  auto *c = (sleep_call *)arg;
  c->res.r = call::sleep(5);
  c->res.returned = true;
  return nullptr;
}

// setitimer's SIGALRM cuts a 2 s nanosleep after about 50 ms: EINTR, and
// the time left is what is left of the 2 s.
TEST(Signal, NanosleepReportsTheTimeLeft) {
  install(SIGALRM, true);
  handled = 0;
  sleep_call c = {};
  c.req = {2, 0};
  int64_t t0 = weft_now();
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, do_nanosleep, &c), 0);
  wait_parked(WEFT_BLOCK_SLEEP, 1);
  struct itimerval it = {};
  it.it_value.tv_usec = 50000;
  ASSERT_EQ(setitimer(ITIMER_REAL, &it, nullptr), 0);
  weft_join(t, nullptr);
  int64_t slept = weft_now() - t0;
  EXPECT_EQ(c.res.r, -1);
  EXPECT_EQ(c.res.err, EINTR);
  wait_handled(1);
  int64_t left = (int64_t)c.rem.tv_sec * 1000000000 + c.rem.tv_nsec;
  EXPECT_LT(slept, 1500000000);
  EXPECT_GT(left, 2000000000 - slept - 20000000);
  EXPECT_LE(left, 2000000000 - slept + 20000000);
  // sleep(3) returns the seconds left, rounded as glibc does.
  sleep_call s = {};
  ASSERT_EQ(weft_spawn(&t, nullptr, do_sleep, &s), 0);
  wait_parked(WEFT_BLOCK_SLEEP, 1);
  it.it_value.tv_usec = 50000;
  ASSERT_EQ(setitimer(ITIMER_REAL, &it, nullptr), 0);
  weft_join(t, nullptr);
  EXPECT_EQ(s.res.r, 5);
  wait_handled(2);
  uninstall(SIGALRM);
}

// A blocking write that has written part of its data when interrupted
// returns the count, as pipe_write does.
struct write_call {
  int fd;
  call_result res;
};

void *big_write(void *arg) {
  auto *c = (write_call *)arg;
  std::vector<char> buf(1 << 20, 'w');
  c->res.r = call::write(c->fd, buf.data(), buf.size());
  c->res.err = c->res.r < 0 ? get_errno() : 0;
  return nullptr;
}

TEST(Signal, InterruptedWriteReturnsWhatItWrote) {
  handled = 0;
  install(SIGUSR1, false);
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  write_call c{p[1], {}};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, big_write, &c), 0);
  wait_parked(WEFT_BLOCK_IO, 1);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  weft_join(t, nullptr);
  int cap = fcntl(p[1], F_GETPIPE_SZ);
  EXPECT_EQ(c.res.r, cap);
  close(p[0]);
  close(p[1]);
  wait_handled(1);
  uninstall(SIGUSR1);
}

struct wait_call {
  pid_t pid;
  call_result res;
};

void *do_waitpid(void *arg) {
  auto *c = (wait_call *)arg;
  int status;
  c->res.r = call::waitpid(c->pid, &status, 0);
  c->res.err = c->res.r < 0 ? get_errno() : 0;
  return nullptr;
}

TEST(Signal, WaitpidFailsWithEintrWithoutSaRestart) {
  handled = 0;
  install(SIGUSR1, false);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    pause();
    _exit(0);
  }
  wait_call c{pid, {}};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, do_waitpid, &c), 0);
  wait_parked(WEFT_BLOCK_POLL, 1);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  weft_join(t, nullptr);
  EXPECT_EQ(c.res.r, -1);
  EXPECT_EQ(c.res.err, EINTR);
  kill(pid, SIGKILL);
  int status;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  wait_handled(1);
  uninstall(SIGUSR1);
}

// system() restarts its own wait: a SIGCHLD handler without SA_RESTART
// (it runs when the shell exits) does not make it fail.
TEST(Signal, SystemSurvivesASigchldHandler) {
  install(SIGCHLD, false);
  handled = 0;
  EXPECT_EQ(system("exit 3"), 3 << 8);
  wait_handled(1);
  uninstall(SIGCHLD);
}

// A timer firing every half millisecond with an SA_RESTART handler (as a
// profiler's would) never shows in restartable calls or in file I/O:
// pipe ping-pong and file writes and reads all complete, with no EINTR.
struct busy_pair {
  int to[2], from[2];
  int file;
  int index;
  int errors = 0;
};

void *ping(void *arg) {
  auto *b = (busy_pair *)arg;
  char c = 'p', buf[4096];
  for (int i = 0; i < 2000; i++) {
    if (call::write(b->to[1], &c, 1) != 1 || call::read(b->from[0], &c, 1) != 1) b->errors++;
    if (i % 100 == 0) {
      memset(buf, 'a' + b->index, sizeof buf);
      off_t off = (off_t)(b->index * 20 + i / 100) * 4096;
      if (call::pwrite(b->file, buf, sizeof buf, off) != (ssize_t)sizeof buf) b->errors++;
      if (call::pread(b->file, buf, sizeof buf, off) != (ssize_t)sizeof buf ||
          buf[4095] != 'a' + b->index)
        b->errors++;
    }
  }
  c = 0;
  call::write(b->to[1], &c, 1);
  return nullptr;
}

void *pong(void *arg) {
  auto *b = (busy_pair *)arg;
  char c;
  for (;;) {
    if (call::read(b->to[0], &c, 1) != 1) {
      b->errors++;
      break;
    }
    if (c == 0) break;
    if (call::write(b->from[1], &c, 1) != 1) b->errors++;
  }
  return nullptr;
}

TEST(Signal, RestartableCallsSurviveAProfilingTimer) {
  install(SIGALRM, true);
  handled = 0;
  char path[] = "/tmp/weft-signal-XXXXXX";
  int file = mkstemp(path);
  ASSERT_GE(file, 0);
  constexpr int n = 8;
  std::vector<busy_pair> pairs(n);
  std::vector<weft_thread_t *> ts(2 * n);
  struct itimerval it = {};
  it.it_interval.tv_usec = 500;
  it.it_value.tv_usec = 500;
  ASSERT_EQ(setitimer(ITIMER_REAL, &it, nullptr), 0);
  for (int i = 0; i < n; i++) {
    ASSERT_EQ(pipe(pairs[i].to), 0);
    ASSERT_EQ(pipe(pairs[i].from), 0);
    pairs[i].file = file;
    pairs[i].index = i;
    ASSERT_EQ(weft_spawn(&ts[2 * i], nullptr, ping, &pairs[i]), 0);
    ASSERT_EQ(weft_spawn(&ts[2 * i + 1], nullptr, pong, &pairs[i]), 0);
  }
  for (auto *t : ts) weft_join(t, nullptr);
  it = {};
  ASSERT_EQ(setitimer(ITIMER_REAL, &it, nullptr), 0);
  for (auto &p : pairs) {
    EXPECT_EQ(p.errors, 0);
    for (int fd : {p.to[0], p.to[1], p.from[0], p.from[1]}) close(fd);
  }
  EXPECT_GT(handled.load(), 0);
  close(file);
  unlink(path);
  weft_sleep(5000000); // a last SIGALRM already queued runs its handler
  uninstall(SIGALRM);
}

// Waiting on a condition variable is not interrupted (glibc restarts it).
struct cond_wait {
  weft_mutex_t m = {};
  weft_cond_t cv = {};
  bool go = false;
  std::atomic<bool> returned{false};
};

void *wait_cond(void *arg) {
  auto *c = (cond_wait *)arg;
  weft_mutex_lock(&c->m);
  while (!c->go) weft_cond_wait(&c->cv, &c->m);
  weft_mutex_unlock(&c->m);
  c->returned = true;
  return nullptr;
}

TEST(Signal, ConditionWaitsAreNotInterrupted) {
  handled = 0;
  install(SIGUSR1, false);
  cond_wait c;
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, wait_cond, &c), 0);
  wait_parked(WEFT_BLOCK_COND, 1);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  weft_sleep(20000000);
  EXPECT_FALSE(c.returned.load());
  struct weft_stats s;
  weft_stats(&s);
  EXPECT_GE(s.blocked_by_kind[WEFT_BLOCK_COND], 1u);
  weft_mutex_lock(&c.m);
  c.go = true;
  weft_cond_signal(&c.cv);
  weft_mutex_unlock(&c.m);
  weft_join(t, nullptr);
  wait_handled(1);
  uninstall(SIGUSR1);
}

// Many readers parked at once, on every worker: one handler interrupts
// them all (weft applies a handler to the whole process).
TEST(Signal, OneHandlerInterruptsEveryParkedCall) {
  handled = 0;
  install(SIGUSR1, false);
  constexpr int n = 16;
  std::vector<int> fds(2 * n);
  std::vector<pipe_call> calls(n);
  std::vector<weft_thread_t *> ts(n);
  for (int i = 0; i < n; i++) {
    ASSERT_EQ(pipe(&fds[2 * i]), 0);
    calls[i].fd = fds[2 * i];
    ASSERT_EQ(weft_spawn(&ts[i], nullptr, read_pipe, &calls[i]), 0);
  }
  wait_parked(WEFT_BLOCK_IO, n);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  for (int i = 0; i < n; i++) {
    weft_join(ts[i], nullptr);
    EXPECT_EQ(calls[i].res.err, EINTR);
  }
  for (int fd : fds) close(fd);
  wait_handled(1);
  uninstall(SIGUSR1);
}

// Handlers run on the worker's alternate signal stack, with the stack
// limit set within it; on a kernel thread weft does not run they run as
// before, with the limit 0. sigaction(oldact)
// reports the program's flags, without the SA_ONSTACK libweft adds.
struct where_handled {
  std::atomic<int> runs{0};
  bool on_altstack = false;
  bool frame_in_altstack = false;
  bool limit_in_altstack = false;
  uintptr_t limit = 1;
  void reset() {
    runs = 0;
    on_altstack = frame_in_altstack = limit_in_altstack = false;
    limit = 1;
  }
};
where_handled where;

void note_where(int) {
  stack_t ss;
  // The frame itself, not a local's address: under ASan a local whose
  // address is taken may live in ASan's fake stack instead.
  char *here = (char *)__builtin_frame_address(0);
  where.limit = weft_stack_limit();
  if (sigaltstack(nullptr, &ss) == 0) {
    char *lo = (char *)ss.ss_sp;
    where.on_altstack = ss.ss_flags & SS_ONSTACK;
    where.frame_in_altstack = here >= lo && here < lo + ss.ss_size;
    where.limit_in_altstack = where.limit > (uintptr_t)lo && where.limit < (uintptr_t)lo + ss.ss_size;
  }
  where.runs.fetch_add(1);
}

void *raise_usr2(void *) {
  raise(SIGUSR2);
  return nullptr;
}

TEST(Signal, HandlersRunOnTheWorkersAlternateStack) {
  struct sigaction a = {}, old = {};
  a.sa_handler = note_where;
  sigemptyset(&a.sa_mask);
  a.sa_flags = SA_RESTART;
  ASSERT_EQ(sigaction(SIGUSR2, &a, nullptr), 0);
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &old), 0);
  EXPECT_EQ(old.sa_handler, note_where);
  EXPECT_EQ(old.sa_flags & (SA_RESTART | SA_ONSTACK), SA_RESTART);
  a.sa_flags = SA_ONSTACK;
  ASSERT_EQ(sigaction(SIGUSR2, &a, &old), 0);
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &old), 0);
  EXPECT_EQ(old.sa_flags & (SA_RESTART | SA_ONSTACK), SA_ONSTACK);

  // TSan runs the handler later, from a point of its own, not on the
  // alternate stack.
  if (!kTsan) {
    where.reset();
    ASSERT_EQ(raise(SIGUSR2), 0);
    EXPECT_EQ(where.runs.load(), 1);
    EXPECT_TRUE(where.on_altstack);
    EXPECT_TRUE(where.frame_in_altstack);
    EXPECT_TRUE(where.limit_in_altstack);
  }

  call::kernel_threads kernel;
  where.reset();
  pthread_t k;
  ASSERT_EQ(kernel.create(&k, nullptr, raise_usr2, nullptr), 0);
  ASSERT_EQ(kernel.join(k, nullptr), 0);
  for (int i = 0; i < 2000 && where.runs.load() < 1; i++) weft_sleep(1000000);
  EXPECT_EQ(where.runs.load(), 1);
  // (It may be on an alternate stack of someone else's: ASan installs one
  // on every thread it starts.)
  EXPECT_EQ(where.limit, 0u);
  signal(SIGUSR2, SIG_DFL);
}

// siglongjmp out of a handler on the alternate stack back to the user
// thread puts back the thread's stack limit.
sigjmp_buf out_of_handler;
void jump_out(int) { siglongjmp(out_of_handler, 1); }

TEST(Signal, SiglongjmpOutOfAHandlerRestoresTheStackLimit) {
  if (kTsan) GTEST_SKIP() << "TSan runs the handler from a point of its own";
  signal(SIGUSR2, jump_out);
  uintptr_t limit = weft_stack_limit();
  volatile int jumped = 0;
  if (sigsetjmp(out_of_handler, 1) == 0) raise(SIGUSR2);
  else jumped = 1;
  EXPECT_EQ(jumped, 1);
  EXPECT_EQ(weft_stack_limit(), limit);
  signal(SIGUSR2, SIG_DFL);
}

} // namespace
