// Interposed blocking calls on real pipes, sockets and files: each blocks
// only its own user thread.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "weft/weft.h"

namespace {

struct pipe_pair {
  int r, w;
};

void *pipe_reader(void *arg) {
  auto *p = (pipe_pair *)arg;
  char buf[16] = {};
  ssize_t n = read(p->r, buf, sizeof buf);
  return (void *)(intptr_t)(n == 5 && memcmp(buf, "hello", 5) == 0);
}

TEST(Io, PipeReadBlocksOnlyItsThread) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pipe_pair p{fds[0], fds[1]};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, pipe_reader, &p), 0);
  weft_sleep(5000000); // the reader is parked; we still run
  struct weft_stats s;
  weft_stats(&s);
  EXPECT_GE(s.blocked_by_kind[WEFT_BLOCK_IO], 1u);
  ASSERT_EQ(write(fds[1], "hello", 5), 5);
  void *r;
  weft_join(t, &r);
  EXPECT_EQ((intptr_t)r, 1);
  // The program still sees a blocking descriptor.
  EXPECT_EQ(fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
  close(fds[0]);
  close(fds[1]);
}

void *big_writer(void *arg) {
  int fd = (int)(intptr_t)arg;
  std::vector<char> buf(1 << 20, 'x');
  ssize_t n = write(fd, buf.data(), buf.size()); // more than a pipe holds
  return (void *)(intptr_t)n;
}

TEST(Io, LargeBlockingWriteIsComplete) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, big_writer, (void *)(intptr_t)fds[1]), 0);
  size_t total = 0;
  char buf[4096];
  while (total < (1u << 20)) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    ASSERT_GT(n, 0);
    total += (size_t)n;
  }
  void *r;
  weft_join(t, &r);
  EXPECT_EQ((intptr_t)r, 1 << 20);
  close(fds[0]);
  close(fds[1]);
}

TEST(Io, UserNonblockingDescriptorSeesEagain) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK), 0);
  char c;
  EXPECT_EQ(read(fds[0], &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);
  int fl = fcntl(fds[0], F_GETFL);
  EXPECT_NE(fl & O_NONBLOCK, 0);
  // Switch it to blocking: reads now wait (for a writer thread).
  ASSERT_EQ(fcntl(fds[0], F_SETFL, fl & ~O_NONBLOCK), 0);
  EXPECT_EQ(fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
  pipe_pair p{fds[0], fds[1]};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, pipe_reader, &p), 0);
  weft_sleep(1000000);
  ASSERT_EQ(write(fds[1], "hello", 5), 5);
  void *r;
  weft_join(t, &r);
  EXPECT_EQ((intptr_t)r, 1);
  close(fds[0]);
  close(fds[1]);
}

void *read_until_closed(void *arg) {
  int fd = (int)(intptr_t)arg;
  char c;
  ssize_t n = read(fd, &c, 1);
  return (void *)(intptr_t)(n == -1 && errno == EBADF);
}

TEST(Io, CloseWakesAWaiterWithEbadf) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, read_until_closed, (void *)(intptr_t)fds[0]), 0);
  weft_sleep(5000000);
  close(fds[0]);
  void *r;
  weft_join(t, &r);
  EXPECT_EQ((intptr_t)r, 1);
  close(fds[1]);
}

int listen_loopback(int *port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (sockaddr *)&a, sizeof a) != 0) return -1;
  socklen_t len = sizeof a;
  getsockname(s, (sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  listen(s, 4096);
  return s;
}

int connect_loopback(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  if (connect(s, (sockaddr *)&a, sizeof a) != 0) {
    close(s);
    return -1;
  }
  return s;
}

void *echo_conn(void *arg) {
  int c = (int)(intptr_t)arg;
  char buf[512];
  ssize_t n;
  while ((n = recv(c, buf, sizeof buf, 0)) > 0)
    if (send(c, buf, (size_t)n, 0) != n) break;
  close(c);
  return nullptr;
}

struct server {
  int lfd;
  int count;
};
void *acceptor(void *arg) {
  auto *s = (server *)arg;
  weft_attr_t a{};
  a.detached = 1;
  for (int i = 0; i < s->count; i++) {
    int c = accept(s->lfd, nullptr, nullptr);
    if (c < 0) return (void *)(intptr_t)errno;
    weft_spawn(nullptr, &a, echo_conn, (void *)(intptr_t)c);
  }
  return nullptr;
}

std::atomic<int> clients_ok;
void *client(void *arg) {
  int port = (int)(intptr_t)arg;
  int s = connect_loopback(port);
  if (s < 0) return nullptr;
  for (int round = 0; round < 3; round++) {
    char msg[64], back[64];
    int len = snprintf(msg, sizeof msg, "message %d from %d", round, s);
    if (write(s, msg, (size_t)len) != len) break;
    int got = 0;
    while (got < len) {
      ssize_t n = read(s, back + got, (size_t)(len - got));
      if (n <= 0) break;
      got += (int)n;
    }
    if (got != len || memcmp(msg, back, (size_t)len) != 0) break;
    if (round == 2) clients_ok++;
  }
  close(s);
  return nullptr;
}

TEST(Io, TcpEchoThreadPerConnection) {
  const int n = 1000;
  int port;
  int lfd = listen_loopback(&port);
  ASSERT_GE(lfd, 0);
  server srv{lfd, n};
  weft_thread_t *acc;
  ASSERT_EQ(weft_spawn(&acc, nullptr, acceptor, &srv), 0);
  clients_ok = 0;
  std::vector<weft_thread_t *> cs(n);
  weft_attr_t a{};
  a.stack_size = 32 * 1024;
  for (int i = 0; i < n; i++) ASSERT_EQ(weft_spawn(&cs[i], &a, client, (void *)(intptr_t)port), 0);
  for (auto *c : cs) weft_join(c, nullptr);
  void *r;
  weft_join(acc, &r);
  EXPECT_EQ(r, nullptr);
  EXPECT_EQ(clients_ok.load(), n);
  close(lfd);
}

TEST(Io, SocketReceiveTimeoutGivesEagain) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  struct timeval tv = {0, 20000};
  ASSERT_EQ(setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  char c;
  int64_t t0 = weft_now();
  EXPECT_EQ(read(fds[0], &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_GE(weft_now() - t0, 20000000);
  ASSERT_EQ(write(fds[1], "z", 1), 1);
  EXPECT_EQ(read(fds[0], &c, 1), 1);
  close(fds[0]);
  close(fds[1]);
}

TEST(Io, ConnectRefusedIsReported) {
  int port;
  int lfd = listen_loopback(&port);
  close(lfd);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  EXPECT_EQ(connect(s, (sockaddr *)&a, sizeof a), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
  close(s);
}

TEST(Io, AcceptReturnsEmfile) {
  int port;
  int lfd = listen_loopback(&port);
  int c = connect_loopback(port);
  ASSERT_GE(c, 0);
  struct rlimit old;
  getrlimit(RLIMIT_NOFILE, &old);
  int lowest_free = dup(0);
  close(lowest_free);
  struct rlimit low = old;
  low.rlim_cur = (rlim_t)lowest_free; // every descriptor below it is in use
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  int r = accept(lfd, nullptr, nullptr);
  int e = errno;
  setrlimit(RLIMIT_NOFILE, &old);
  EXPECT_EQ(r, -1);
  EXPECT_EQ(e, EMFILE);
  close(c);
  close(lfd);
}

TEST(Io, PollTimesOutAndSeesReadiness) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  struct pollfd p = {fds[0], POLLIN, 0};
  int64_t t0 = weft_now();
  EXPECT_EQ(poll(&p, 1, 20), 0);
  EXPECT_GE(weft_now() - t0, 20000000);
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  EXPECT_EQ(poll(&p, 1, -1), 1);
  EXPECT_TRUE(p.revents & POLLIN);
  close(fds[0]);
  close(fds[1]);
}

void *late_writer(void *arg) {
  weft_sleep(5000000);
  write((int)(intptr_t)arg, "y", 1);
  return nullptr;
}

TEST(Io, PollWaitsForAnotherThreadsWrite) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, late_writer, (void *)(intptr_t)fds[1]), 0);
  struct pollfd p[2] = {{fds[0], POLLIN, 0}, {-1, POLLIN, 0}};
  EXPECT_EQ(poll(p, 2, 10000), 1);
  EXPECT_TRUE(p[0].revents & POLLIN);
  weft_join(t, nullptr);
  close(fds[0]);
  close(fds[1]);
}

// Two threads bounce a byte through two pipes, each polling both read ends
// before reading: readiness often arrives while the poller is still
// registering, the case where a thread is woken without having parked.
void *bounce_side(void *arg) {
  auto **pp = (int **)arg;
  int in = pp[0][0], out = pp[1][1], other = pp[2][0];
  for (int i = 0; i < 3000; i++) {
    struct pollfd p[2] = {{in, POLLIN, 0}, {other, POLLIN, 0}};
    if (poll(p, 2, 1000) < 0) return (void *)1;
    if (p[0].revents & POLLIN) {
      char c;
      if (read(in, &c, 1) != 1) return (void *)1;
      if (write(out, "x", 1) != 1) return (void *)1;
    } else {
      i--;
    }
  }
  return nullptr;
}

TEST(Io, PollRacesWithWakers) {
  weft_set_policy(&weft_policy_favor_active); // woken pollers go to the priority queue
  const int pairs = 8;
  std::vector<weft_thread_t *> ts;
  std::vector<std::array<int, 2>> pipes(pairs * 3);
  std::vector<std::array<int *, 3>> args(pairs * 2);
  for (auto &p : pipes) ASSERT_EQ(pipe(p.data()), 0);
  for (int k = 0; k < pairs; k++) {
    int *ab = pipes[3 * k].data(), *ba = pipes[3 * k + 1].data(), *idle = pipes[3 * k + 2].data();
    args[2 * k] = {ab, ba, idle};
    args[2 * k + 1] = {ba, ab, idle};
  }
  for (auto &a : args) {
    weft_thread_t *t;
    ASSERT_EQ(weft_spawn(&t, nullptr, bounce_side, a.data()), 0);
    ts.push_back(t);
  }
  for (int k = 0; k < pairs; k++) ASSERT_EQ(write(pipes[3 * k][1], "x", 1), 1);
  for (auto *t : ts) {
    void *r;
    weft_join(t, &r);
    EXPECT_EQ(r, nullptr);
  }
  weft_set_policy(nullptr);
  for (auto &p : pipes) {
    close(p[0]);
    close(p[1]);
  }
}

TEST(Io, SelectWaitsAndTimesOut) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(fds[0], &r);
  struct timeval tv = {0, 10000};
  EXPECT_EQ(select(fds[0] + 1, &r, nullptr, nullptr, &tv), 0);
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, late_writer, (void *)(intptr_t)fds[1]), 0);
  FD_ZERO(&r);
  FD_SET(fds[0], &r);
  EXPECT_EQ(select(fds[0] + 1, &r, nullptr, nullptr, nullptr), 1);
  EXPECT_TRUE(FD_ISSET(fds[0], &r));
  weft_join(t, nullptr);
  close(fds[0]);
  close(fds[1]);
}

TEST(Io, EpollWaitParksOnTheProgramsEpollSet) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int ep = epoll_create1(0);
  struct epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.fd = fds[0];
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev), 0);
  struct epoll_event out[4];
  EXPECT_EQ(epoll_wait(ep, out, 4, 10), 0);
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, late_writer, (void *)(intptr_t)fds[1]), 0);
  EXPECT_EQ(epoll_wait(ep, out, 4, -1), 1);
  EXPECT_EQ(out[0].data.fd, fds[0]);
  weft_join(t, nullptr);
  close(ep);
  close(fds[0]);
  close(fds[1]);
}

TEST(Io, SleepCallsParkTheThread) {
  int64_t t0 = weft_now();
  struct timespec ts = {0, 2000000};
  EXPECT_EQ(nanosleep(&ts, nullptr), 0);
  EXPECT_EQ(usleep(2000), 0);
  EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr), 0);
  EXPECT_EQ(sleep(0), 0u);
  EXPECT_GE(weft_now() - t0, 6000000);
  ts.tv_nsec = -1;
  EXPECT_EQ(nanosleep(&ts, nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST(Io, VectoredAndMessageCalls) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  char a[] = "ab", b[] = "cd";
  struct iovec iov[2] = {{a, 2}, {b, 2}};
  EXPECT_EQ(writev(fds[0], iov, 2), 4);
  char x[2], y[2];
  struct iovec in[2] = {{x, 2}, {y, 2}};
  EXPECT_EQ(readv(fds[1], in, 2), 4);
  EXPECT_EQ(memcmp(x, "ab", 2), 0);
  struct msghdr m = {};
  m.msg_iov = iov;
  m.msg_iovlen = 2;
  EXPECT_EQ(sendmsg(fds[1], &m, 0), 4);
  struct msghdr r = {};
  r.msg_iov = in;
  r.msg_iovlen = 2;
  EXPECT_EQ(recvmsg(fds[0], &r, 0), 4);
  EXPECT_EQ(memcmp(y, "cd", 2), 0);
  char c;
  EXPECT_EQ(recv(fds[0], &c, 1, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);
  close(fds[0]);
  close(fds[1]);
}

TEST(Io, RegularFilesPassThrough) {
  char path[] = "/tmp/weft-io-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(write(fd, "file data", 9), 9);
  EXPECT_EQ(pwrite(fd, "F", 1, 0), 1);
  char buf[16] = {};
  EXPECT_EQ(pread(fd, buf, 9, 0), 9);
  EXPECT_STREQ(buf, "File data");
  struct pollfd p = {fd, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, -1), 1);
  close(fd);
  unlink(path);
}

TEST(Io, FileReadsAreCompleteAndFsyncRunsOnThePool) {
  char path[] = "/tmp/weft-file-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::vector<char> data(3 << 20);
  for (size_t i = 0; i < data.size(); i++) data[i] = (char)(i * 7);
  ASSERT_EQ(write(fd, data.data(), data.size()), (ssize_t)data.size());
  EXPECT_EQ(fsync(fd), 0);
  EXPECT_EQ(fdatasync(fd), 0);
  // Drop the file from the page cache so reads miss and go to the pool.
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  std::vector<char> back(data.size());
  ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
  EXPECT_EQ(read(fd, back.data(), back.size()), (ssize_t)back.size());
  EXPECT_EQ(back, data);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  char part[100];
  EXPECT_EQ(pread(fd, part, sizeof part, 1000), (ssize_t)sizeof part);
  EXPECT_EQ(memcmp(part, data.data() + 1000, sizeof part), 0);
  EXPECT_EQ(fsync(-1), -1);
  EXPECT_EQ(errno, EBADF);
  close(fd);
  unlink(path);
}

TEST(Io, SystemAndPopenStillWork) {
  EXPECT_EQ(system("exit 3"), 3 << 8);
  FILE *p = popen("echo weft", "r");
  ASSERT_NE(p, nullptr);
  char buf[16] = {};
  ASSERT_NE(fgets(buf, sizeof buf, p), nullptr);
  EXPECT_STREQ(buf, "weft\n");
  EXPECT_EQ(pclose(p), 0);
}

void *counter_body(void *arg) {
  auto *n = (std::atomic<long> *)arg;
  while (n->load() >= 0) {
    n->fetch_add(1);
    weft_sleep(1000000);
  }
  return nullptr;
}

TEST(Io, SystemAndWaitParkOnlyTheirThread) {
  std::atomic<long> ticks{0};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, counter_body, &ticks), 0);
  long before = ticks.load();
  EXPECT_EQ(system("sleep 0.05; exit 5"), 5 << 8);
  EXPECT_GT(ticks.load(), before); // other threads ran meanwhile, even on one worker
  pid_t pid = fork();
  if (pid == 0) _exit(9);
  int status = 0;
  EXPECT_EQ(wait(&status), pid);
  EXPECT_EQ(WEXITSTATUS(status), 9);
  ticks = -1000000000L;
  weft_join(t, nullptr);
}

TEST(Io, WaitpidParksOnTheChild) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    usleep(5000); // the child has no runtime: plain libc
    _exit(7);
  }
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
}

}  // namespace
