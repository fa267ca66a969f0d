// fork without exec: the child goes on with the calling user thread as its
// only thread, on a fresh set of workers, and may spawn and join threads,
// block on descriptors and sleep (docs/runtime.md, "fork"). The parent
// forks while its other threads are busy on every worker, or parked in
// I/O and timers; a child forks again (the daemon pattern, by hand and
// with daemon(3)); pthread_atfork handlers run in POSIX order. Every child
// is waited for with a deadline and killed if it does not finish, so a
// hang fails the test instead of stopping the suite. ctest runs it on 1, 2
// and 4 workers.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "interposed.h"
#include "weft/weft.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
// TSan does not check the child of a multi-threaded fork: there it turns on
// ignores for the forking thread's accesses and synchronisation ("we cannot
// reasonably function after that", ForkChildAfter in tsan_rtl.cpp), and
// every user thread weft runs is a TSan fiber, so the child is always one.
// The other fibers of the child then see the forking one's accesses as
// unsynchronised and TSan reports races that are not there. TSan lets a
// program see its reports (__tsan::OnReport, weak in its runtime): in the
// children of this test they are dropped; the parent's are reported as
// usual and fail the test.
#include <unistd.h>
namespace __tsan {
struct ReportDesc;
static const pid_t weft_test_parent = getpid();
bool OnReport(const ReportDesc *rep, bool suppressed) {
  (void)rep;
  return suppressed || getpid() != weft_test_parent;
}
}  // namespace __tsan
#endif
#endif

namespace {

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define WEFT_TEST_SANITIZED 1
#endif
#if __has_feature(thread_sanitizer)
#define WEFT_TEST_TSAN 1
#endif
#endif
#if defined(WEFT_TEST_SANITIZED)
constexpr int kManyForks = 100;
#else
constexpr int kManyForks = 300;
#endif

constexpr int kChildOk = 42;
constexpr int64_t kChildDeadlineNs = 60ll * 1000000000;

int64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// Waits for `pid` at most kChildDeadlineNs; kills it past that. Returns its
// wait status, or -1 if it had to be killed.
int wait_child(pid_t pid) {
  int64_t until = now_ns() + kChildDeadlineNs;
  for (;;) {
    int st = 0;
    pid_t r = call::waitpid(pid, &st, WNOHANG);
    if (r == pid) return st;
    if (r < 0 && errno != EINTR) return -2;
    if (now_ns() > until) {
      kill(pid, SIGKILL);
      call::waitpid(pid, &st, 0);
      return -1;
    }
    weft_sleep(1000000);
  }
}

// Expects `pid` to exit with status `code` in time.
void expect_exit(pid_t pid, int code) {
  int st = wait_child(pid);
  ASSERT_NE(st, -1) << "child " << pid << " did not finish in time (killed)";
  ASSERT_TRUE(WIFEXITED(st)) << "child " << pid << " ended by signal "
                             << (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  EXPECT_EQ(WEXITSTATUS(st), code);
}

// ---- what a child does ------------------------------------------------------

void *add_one(void *arg) { return (void *)((uintptr_t)arg + 1); }

struct rw_args {
  int fd;
  char buf[64];
  long n;
};

void *reader(void *arg) {
  rw_args *a = (rw_args *)arg;
  size_t got = 0;
  while (got < 5) {
    long r = call::read(a->fd, a->buf + got, sizeof a->buf - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  a->n = (long)got;
  return nullptr;
}

void *late_writer(void *arg) {
  rw_args *a = (rw_args *)arg;
  weft_sleep(20 * 1000000);
  a->n = call::write(a->fd, "hello", 5);
  return nullptr;
}

void *pthread_entry(void *arg) { return (void *)((uintptr_t)arg * 2); }

// A regular file written, synced and read back (io_uring, or the file pool
// with WEFT_IO_URING=0): 0 if all went well.
int file_roundtrip() {
  char path[] = "/tmp/weft-fork-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return 1;
  unlink(path);
  std::vector<char> out(64 * 1024), in(out.size());
  for (size_t i = 0; i < out.size(); i++) out[i] = (char)(i * 7 + getpid());
  int r = 0;
  if (call::pwrite(fd, out.data(), out.size(), 0) != (ssize_t)out.size()) r = 2;
  else if (call::fsync(fd) != 0) r = 3;
  else if (call::pread(fd, in.data(), in.size(), 0) != (ssize_t)in.size()) r = 4;
  else if (in != out) r = 5;
  call::close(fd);
  return r;
}

// Threads, a blocking read and write between two threads over `fds` (or a
// new socketpair), sleeps. 0 if all went well, else the number of the step
// that failed.
int child_work(int rfd = -1, int wfd = -1) {
  // Spawn and join weft threads, some with a stack of their own size.
  for (int round = 0; round < 3; round++) {
    weft_thread_t *t[16];
    for (uintptr_t i = 0; i < 16; i++) {
      weft_attr_t attr = {};
      attr.stack_size = i % 2 ? 64 * 1024 : 0;
      if (weft_spawn(&t[i], &attr, add_one, (void *)i) != 0) return 1;
    }
    for (uintptr_t i = 0; i < 16; i++) {
      void *r = nullptr;
      if (weft_join(t[i], &r) != 0 || (uintptr_t)r != i + 1) return 2;
    }
  }
  // pthread_create and pthread_join (weft threads where the pthread layer
  // is linked).
  pthread_t pt;
  if (pthread_create(&pt, nullptr, pthread_entry, (void *)21) != 0) return 3;
  void *pr = nullptr;
  if (pthread_join(pt, &pr) != 0 || (uintptr_t)pr != 42) return 4;
  // A reader parks on a descriptor until a writer that sleeps first writes.
  int sv[2] = {-1, -1};
  if (rfd < 0) {
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 5;
    rfd = sv[0];
    wfd = sv[1];
  }
  rw_args ra = {rfd, {}, 0}, wa = {wfd, {}, 0};
  weft_thread_t *rt, *wt;
  if (weft_spawn(&rt, nullptr, reader, &ra) != 0) return 6;
  if (weft_spawn(&wt, nullptr, late_writer, &wa) != 0) return 7;
  weft_join(wt, nullptr);
  weft_join(rt, nullptr);
  if (wa.n != 5 || ra.n != 5 || memcmp(ra.buf, "hello", 5) != 0) return 8;
  if (sv[0] >= 0) {
    call::close(sv[0]);
    call::close(sv[1]);
  }
  // Timers: weft_sleep and nanosleep.
  int64_t t0 = now_ns();
  weft_sleep(10 * 1000000);
  struct timespec ts = {0, 10 * 1000000};
  call::nanosleep(&ts, nullptr);
  if (now_ns() - t0 < 20 * 1000000) return 9;
  // Regular-file I/O (the parent's io_uring ring is not the child's).
  if (file_roundtrip() != 0) return 10;
  return 0;
}

[[noreturn]] void child_exit(int step) { _exit(step == 0 ? kChildOk : step); }

// ---- busy and parked threads in the parent ----------------------------------

std::atomic<int> stop_busy{0};
std::atomic<int> busy_running{0};

void *busy(void *) {
  busy_running.fetch_add(1);
  volatile uint64_t x = 0;
  while (!stop_busy.load(std::memory_order_relaxed)) {
    for (int i = 0; i < 1000; i++) x = x + 1;
    weft_yield();
  }
  return nullptr;
}

struct busy_set {
  std::vector<weft_thread_t *> threads;
  busy_set() {
    stop_busy = 0;
    busy_running = 0;
    unsigned n = weft_workers() * 2;
    threads.resize(n);
    for (auto &t : threads) weft_spawn(&t, nullptr, busy, nullptr);
    while (busy_running.load() < (int)n) weft_yield();
  }
  ~busy_set() {
    stop_busy = 1;
    for (auto t : threads) weft_join(t, nullptr);
  }
};

struct forker_args {
  pid_t pid = -1;
};

void *fork_and_work(void *arg) {
  forker_args *a = (forker_args *)arg;
  // This worker has a ring (or the pool its threads) before the fork.
  if (file_roundtrip() != 0) return nullptr;
  pid_t pid = fork();
  if (pid == 0) child_exit(child_work());
  a->pid = pid;
  return nullptr;
}

// Fork from a spawned thread while every worker has busy threads.
TEST(Fork, ChildRunsThreadsIoAndTimersWhileParentIsBusy) {
  busy_set b;
  for (int i = 0; i < 5; i++) {
    forker_args a;
    weft_thread_t *t;
    ASSERT_EQ(weft_spawn(&t, nullptr, fork_and_work, &a), 0);
    weft_join(t, nullptr);
    ASSERT_GT(a.pid, 0);
    expect_exit(a.pid, kChildOk);
  }
}

// Fork from main itself, twice in a row from the same thread.
TEST(Fork, FromMainThread) {
  ASSERT_EQ(file_roundtrip(), 0);
  for (int i = 0; i < 2; i++) {
    pid_t pid = fork();
    if (pid == 0) child_exit(child_work());
    ASSERT_GT(pid, 0);
    expect_exit(pid, kChildOk);
  }
}

int open_fds() {
  int n = 0;
  for (int fd = 0; fd < 1024; fd++)
    if (fcntl(fd, F_GETFD) >= 0) n++;
  return n;
}

void *two_threads_then_exit(void *) {
  weft_thread_t *t[2];
  for (uintptr_t i = 0; i < 2; i++)
    if (weft_spawn(&t[i], nullptr, add_one, (void *)i) != 0) _exit(1);
  for (uintptr_t i = 0; i < 2; i++) {
    void *r;
    if (weft_join(t[i], &r) != 0 || (uintptr_t)r != i + 1) _exit(2);
  }
  weft_sleep(100000);
  _exit(7);
}

// Hundreds of forks: every child finishes, and the parent keeps no more
// threads, descriptors or stack arena than before.
TEST(Fork, HundredsOfForks) {
  busy_set b;
  int fds_before = open_fds();
  struct weft_stats before;
  weft_stats(&before);
  for (int i = 0; i < kManyForks; i++) {
    pid_t pid = fork();
    if (pid == 0) two_threads_then_exit(nullptr);
    ASSERT_GT(pid, 0);
    expect_exit(pid, 7);
    if (HasFatalFailure()) return;
  }
  struct weft_stats after;
  weft_stats(&after);
  EXPECT_EQ(after.live, before.live);
  EXPECT_EQ(open_fds(), fds_before);
  EXPECT_LE(after.arena_bytes, before.arena_bytes + (4u << 20));
}

int kernel_threads_now() {
  int n = 0;
  if (DIR *d = opendir("/proc/self/task")) {
    while (struct dirent *e = readdir(d))
      if (e->d_name[0] != '.') n++;
    closedir(d);
  }
  return n;
}

// Until its first spawn the child is one kernel thread (a child that only
// execs starts no other), and its one worker already parks and wakes its
// thread: a sleep, a read the parent answers.
TEST(Fork, ChildBlocksBeforeItsFirstSpawn) {
  busy_set b;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pid_t pid = fork();
  if (pid == 0) {
#if !defined(WEFT_TEST_SANITIZED)
    if (kernel_threads_now() != 1) _exit(20);
#endif
    struct timespec ts = {0, 5 * 1000000};
    if (call::nanosleep(&ts, nullptr) != 0) _exit(21);
    char c = 0;
    if (call::read(p[0], &c, 1) != 1 || c != 'p') _exit(22);
#if !defined(WEFT_TEST_SANITIZED)
    if (kernel_threads_now() != 1) _exit(23);
#endif
    child_exit(child_work());
  }
  ASSERT_GT(pid, 0);
  weft_sleep(20 * 1000000);
  ASSERT_EQ(call::write(p[1], "p", 1), 1);
  expect_exit(pid, kChildOk);
  call::close(p[0]);
  call::close(p[1]);
}

// A fork from a kernel thread weft does not run: the child's thread stays
// plain, and its first spawn starts every worker.
void *fork_on_kernel_thread(void *arg) {
  pid_t pid = fork();
  if (pid == 0) child_exit(child_work());
  *(pid_t *)arg = pid;
  return nullptr;
}

TEST(Fork, FromAKernelThreadWeftDoesNotRun) {
  busy_set b;
  call::kernel_threads kt;
  pid_t pid = -1;
  pthread_t th;
  ASSERT_EQ(kt.create(&th, nullptr, fork_on_kernel_thread, &pid), 0);
  ASSERT_EQ(kt.join(th, nullptr), 0);
  ASSERT_GT(pid, 0);
  expect_exit(pid, kChildOk);
}

// ---- fork while other threads are parked in I/O and timers ------------------

constexpr int kParked = 4;

struct parked_reader {
  int p[2];
  rw_args a;
  weft_thread_t *t;
};

void *long_sleeper(void *arg) {
  std::atomic<int> *wake = (std::atomic<int> *)arg;
  while (!wake->load()) weft_sleep(2 * 1000000);
  return nullptr;
}

void *read_one(void *arg) {
  rw_args *a = (rw_args *)arg;
  a->n = call::read(a->fd, a->buf, 1);
  return nullptr;
}

// A thread parks reading y[0] until a byte written to y[1] wakes it
// through the poller.
void read_through_poller(const int y[2], char byte) {
  rw_args a = {y[0], {}, 0};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, read_one, &a), 0);
  weft_sleep(5 * 1000000);
  ASSERT_EQ(call::write(y[1], &byte, 1), 1);
  weft_join(t, nullptr);
  EXPECT_EQ(a.n, 1);
}

TEST(Fork, WhileOthersAreBlockedInIo) {
  // A socketpair the parent has used (so registered with the parent's
  // epoll set), which the child then reads: the child must register it
  // with its own.
  int y[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, y), 0);
  read_through_poller(y, 'x');
  if (::testing::Test::HasFatalFailure()) return;
  // Threads parked on pipes and in sleeps at the moment of the fork.
  parked_reader r[kParked];
  for (auto &pr : r) {
    ASSERT_EQ(pipe(pr.p), 0);
    pr.a = {pr.p[0], {}, 0};
    ASSERT_EQ(weft_spawn(&pr.t, nullptr, read_one, &pr.a), 0);
  }
  std::atomic<int> wake{0};
  weft_thread_t *sleepers[kParked];
  for (auto &s : sleepers) ASSERT_EQ(weft_spawn(&s, nullptr, long_sleeper, &wake), 0);
  for (int i = 0; i < 2000; i++) {
    struct weft_stats s;
    weft_stats(&s);
    if (s.blocked_by_kind[WEFT_BLOCK_IO] >= (uint64_t)kParked) break;
    weft_sleep(1000000);
  }
  busy_set b;
  pid_t pid = fork();
  if (pid == 0) {
    // The parent's parked threads are not here; this one runs on alone.
    child_exit(child_work(y[0], y[1]));
  }
  ASSERT_GT(pid, 0);
  expect_exit(pid, kChildOk);
  // The parent's parked threads are still parked, and wake as usual.
  for (auto &pr : r) {
    ASSERT_EQ(call::write(pr.p[1], "z", 1), 1);
    weft_join(pr.t, nullptr);
    EXPECT_EQ(pr.a.n, 1);
    EXPECT_EQ(pr.a.buf[0], 'z');
    call::close(pr.p[0]);
    call::close(pr.p[1]);
  }
  wake = 1;
  for (auto s : sleepers) weft_join(s, nullptr);
  // The parent's poller still hears the socketpair.
  read_through_poller(y, 'w');
  call::close(y[0]);
  call::close(y[1]);
}

// ---- a child that forks again ----------------------------------------------

// Reads one byte from `fd`, waiting at most kChildDeadlineNs; -1 if none.
int read_status(int fd) {
  int64_t until = now_ns() + kChildDeadlineNs;
  while (now_ns() < until) {
    struct pollfd p = {fd, POLLIN, 0};
    int r = call::poll(&p, 1, 100);
    if (r > 0) {
      unsigned char c;
      return call::read(fd, &c, 1) == 1 ? c : -1;
    }
  }
  return -1;
}

// Runs `detach` in a child: it returns in the process that goes on (as
// daemon() does) with 0, or a failing step. That process then does the
// child's work and sends the result through a pipe, since it is no child
// of the test's.
void expect_detached_child_ok(int (*detach)()) {
  int st[2];
  ASSERT_EQ(pipe(st), 0);
  pid_t pid = fork();
  if (pid == 0) {
    call::close(st[0]);
    int step = detach();
    if (step != 0) _exit(step);
    unsigned char c = (unsigned char)(child_work() == 0 ? kChildOk : 1);
    call::write(st[1], &c, 1);
    _exit(0);
  }
  call::close(st[1]);
  ASSERT_GT(pid, 0);
  expect_exit(pid, 0);
  EXPECT_EQ(read_status(st[0]), kChildOk);
  call::close(st[0]);
}

// The middle process has a runtime too: threads first, then fork.
int double_fork_by_hand() {
  if (child_work() != 0) return 3;
  pid_t g = fork();
  if (g < 0) return 4;
  if (g > 0) _exit(0); // as daemon() does
  return 0;
}

// daemon(3) forks inside libc (not through the interposed fork): the
// pthread_atfork handlers still rebuild the runtime.
int daemon_call() { return daemon(1, 1) != 0 ? 5 : 0; }

TEST(Fork, DoubleForkByHand) {
  busy_set b;
  expect_detached_child_ok(double_fork_by_hand);
}

TEST(Fork, Daemon) { expect_detached_child_ok(daemon_call); }

// ---- pthread_atfork ----------------------------------------------------------

char order[64];
std::atomic<int> order_len{0};
void note(char c) {
  int i = order_len.fetch_add(1);
  if (i < (int)sizeof order - 1) order[i] = c;
}
int spawn_in_handler = -1;
void prepare1() { note('a'); }
void prepare2() { note('b'); }
void prepare3() { note('c'); }
void parent1() { note('1'); }
void parent2() { note('2'); }
void parent3() { note('3'); }
void child1() {
  note('x');
  // weft's own child handler ran before this one: threads work here.
  weft_thread_t *t;
  void *r = nullptr;
  spawn_in_handler = weft_spawn(&t, nullptr, add_one, (void *)1) == 0 && weft_join(t, &r) == 0 &&
                     (uintptr_t)r == 2;
}
void child2() { note('y'); }
void child3() { note('z'); }

// ---- signals and statistics in the child --------------------------------------

std::atomic<int> child_handled{0};
std::atomic<int> child_handler_on_altstack{0};
void child_on_usr1(int) {
  stack_t ss;
  char here;
  if (sigaltstack(nullptr, &ss) == 0 && (ss.ss_flags & SS_ONSTACK) && &here >= (char *)ss.ss_sp &&
      &here < (char *)ss.ss_sp + ss.ss_size)
    child_handler_on_altstack.fetch_add(1);
  child_handled.fetch_add(1);
}

struct parked_read {
  int fd;
  long result;
  int error;
};
void *read_until_interrupted(void *arg) {
  parked_read *r = (parked_read *)arg;
  char c;
  r->result = call::read(r->fd, &c, 1);
  r->error = r->result < 0 ? errno : 0;
  return nullptr;
}

// In the child: a handler without SA_RESTART interrupts a read parked in
// another thread (EINTR, as on native threads), the handler runs on the
// worker's alternate signal stack, and weft_stats counts the child's
// threads only.
int child_signals_and_stats() {
  struct weft_stats st;
  weft_stats(&st);
  if (st.live != 1) return 30; // the calling thread alone
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = child_on_usr1;
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) return 31;
  int p[2];
  if (pipe(p) != 0) return 32;
  parked_read r = {p[0], 0, 0};
  weft_thread_t *t;
  if (weft_spawn(&t, nullptr, read_until_interrupted, &r) != 0) return 33;
  weft_sleep(20 * 1000000); // the read has parked by then
  weft_stats(&st);
  if (st.live != 2) return 34;
  if (raise(SIGUSR1) != 0) return 35;
  weft_join(t, nullptr);
  if (r.result != -1 || r.error != EINTR) return 36;
  if (child_handled.load() != 1) return 37;
#if !defined(WEFT_TEST_TSAN)
  // (TSan delivers signals later, from a point of its own: not on the
  // alternate stack.)
  if (child_handler_on_altstack.load() != 1) return 38;
#endif
  call::close(p[0]);
  call::close(p[1]);
  return 0;
}

TEST(Fork, SignalsAndStatsInTheChild) {
  busy_set b;
  pid_t pid = fork();
  if (pid == 0) child_exit(child_signals_and_stats());
  ASSERT_GT(pid, 0);
  expect_exit(pid, kChildOk);
}

TEST(Fork, AtforkHandlersRunInPosixOrder) {
  static bool registered = false;
  if (!registered) {
    ASSERT_EQ(pthread_atfork(prepare1, parent1, child1), 0);
    ASSERT_EQ(pthread_atfork(prepare2, parent2, child2), 0);
    ASSERT_EQ(pthread_atfork(prepare3, parent3, child3), 0);
    registered = true;
  }
  busy_set b;
  memset(order, 0, sizeof order);
  order_len = 0;
  pid_t pid = fork();
  if (pid == 0) {
    // Prepare handlers in reverse order of registration, child handlers
    // in order.
    if (strcmp(order, "cbaxyz") != 0) _exit(10);
    if (spawn_in_handler != 1) _exit(11);
    child_exit(child_work());
  }
  ASSERT_GT(pid, 0);
  EXPECT_STREQ(order, "cba123");
  expect_exit(pid, kChildOk);
}

}  // namespace
