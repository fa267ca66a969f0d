// Regular-file reads and writes on user threads: io_uring (the default) or
// the file pool (WEFT_IO_URING=0). ctest runs this program both ways, on
// one worker and on several; every test checks data and errors against
// the kernel's own answers on real files.
#include <gtest/gtest.h>

#include <dirent.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "interposed.h"
#include "weft/weft.h"

namespace {


// io_uring is used unless libweft was built without liburing, the
// program asks for the pool, or the kernel refuses io_uring.
bool uring_expected() {
#if !defined(WEFT_TEST_HAVE_LIBURING)
  return false;
#endif
  const char *s = getenv("WEFT_IO_URING");
  return !(s && *s == '0') && !getenv("WEFT_TEST_URING_REFUSED");
}

// The byte at `off` of a test file: depends on the offset and a seed, so
// a piece read from the wrong place shows.
char pattern(uint64_t off, unsigned seed) {
  uint64_t x = (off + 1) * 0x9e3779b97f4a7c15ull + seed;
  return (char)(x >> 56);
}

struct temp_file {
  std::string path;
  int fd = -1;
  explicit temp_file(int flags = 0) {
    char p[] = "/tmp/weft-file-XXXXXX";
    fd = mkostemp(p, flags);
    path = p;
  }
  ~temp_file() {
    if (fd >= 0) call::close(fd);
    unlink(path.c_str());
  }
};

// Write `size` bytes of pattern(seed) with plain system calls, flush them
// and drop them from the page cache, so the test's reads miss.
void fill_uncached(int fd, size_t size, unsigned seed) {
  std::vector<char> buf(size);
  for (size_t i = 0; i < size; i++) buf[i] = pattern(i, seed);
  ASSERT_EQ(syscall(SYS_pwrite64, fd, buf.data(), size, 0), (long)size);
  ASSERT_EQ(syscall(SYS_fsync, fd), 0);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

bool has_uring_fd() {
  DIR *d = opendir("/proc/self/fd");
  bool found = false;
  while (struct dirent *e = readdir(d)) {
    char link[256] = {};
    std::string p = std::string("/proc/self/fd/") + e->d_name;
    if (readlink(p.c_str(), link, sizeof link - 1) > 0 && strstr(link, "io_uring")) found = true;
  }
  closedir(d);
  return found;
}

int file_pool_threads() {
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  while (struct dirent *e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string p = std::string("/proc/self/task/") + e->d_name + "/comm";
    int fd = open(p.c_str(), O_RDONLY);
    if (fd < 0) continue;
    char comm[32] = {};
    if (call::read(fd, comm, sizeof comm - 1) > 0 && strncmp(comm, "weft-file", 9) == 0) n++;
    call::close(fd);
  }
  closedir(d);
  return n;
}

TEST(FileIo, UsesTheBackendAskedFor) {
  temp_file f;
  ASSERT_GE(f.fd, 0);
  fill_uncached(f.fd, 1 << 20, 1);
  std::vector<char> buf(1 << 20);
  ASSERT_EQ(call::pread(f.fd, buf.data(), buf.size(), 0), (ssize_t)buf.size());
  ASSERT_EQ(call::write(f.fd, "x", 1), 1);
  ASSERT_EQ(call::fsync(f.fd), 0); // never inline: parks on the ring or the pool
  if (uring_expected()) {
    EXPECT_TRUE(has_uring_fd());
    EXPECT_EQ(file_pool_threads(), 0);
  } else {
    EXPECT_FALSE(has_uring_fd());
    EXPECT_GT(file_pool_threads(), 0);
  }
}

// A kernel that refuses io_uring (here a seccomp filter: io_uring_setup
// fails with EPERM, as under Docker's default profile): the same calls run
// on the file pool. The test runs this program again under the filter.
TEST(FileIo, FallsBackToThePoolWhenIoUringIsRefused) {
  if (getenv("WEFT_TEST_URING_REFUSED")) GTEST_SKIP() << "already the refused run";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
      _exit(3);
    setenv("WEFT_TEST_URING_REFUSED", "1", 1);
    unsetenv("WEFT_IO_URING");
    char self[4096] = {};
    if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0) _exit(4);
    char *argv[] = {self, (char *)"--gtest_filter=FileIo.UsesTheBackendAskedFor:"
                                   "FileIo.ManyThreadsWriteAndReadTheirRegions", nullptr};
    execv(self, argv);
    _exit(5);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A long fsync (64 MiB of dirty pages) parks only its own thread: on one
// worker another thread keeps running meanwhile.
struct ticker {
  std::atomic<bool> stop{false};
  std::atomic<long> ticks{0};
};

void *tick(void *arg) {
  auto *t = (ticker *)arg;
  while (!t->stop.load()) {
    t->ticks.fetch_add(1);
    weft_sleep(500000);
  }
  return nullptr;
}

TEST(FileIo, FsyncParksOnlyItsThread) {
  temp_file f;
  ASSERT_GE(f.fd, 0);
  std::vector<char> buf(1 << 20, 'd');
  for (int i = 0; i < 64; i++)
    ASSERT_EQ(syscall(SYS_write, f.fd, buf.data(), buf.size()), (long)buf.size());
  ticker t;
  weft_thread_t *th;
  ASSERT_EQ(weft_spawn(&th, nullptr, tick, &t), 0);
  weft_sleep(2000000);
  long before = t.ticks.load();
  int64_t t0 = weft_now();
  ASSERT_EQ(call::fsync(f.fd), 0);
  int64_t took = weft_now() - t0;
  long during = t.ticks.load() - before;
  t.stop = true;
  weft_join(th, nullptr);
  // Only meaningful when the disk made fsync slow enough to tick through:
  // then the ticker ran at least once meanwhile. Not a count of ticks,
  // which a busy machine (or ThreadSanitizer) slows without any parking.
  if (took > 100000000) EXPECT_GE(during, 1) << "fsync took " << took / 1000000 << " ms";
  std::cout << "fsync of 64 MiB: " << took / 1000000 << " ms, " << during << " ticks meanwhile\n";
}

// Many threads, each with its own region of one file: pwrite it in
// chunks, fsync, drop the cache, pread it back (and the same through
// writev/readv on a descriptor of its own, on the file position).
constexpr int kThreads = 48;
constexpr size_t kRegion = 192 * 1024;
constexpr size_t kChunk = 24 * 1024 + 13; // not page-aligned on purpose

struct region_job {
  int fd;
  const char *path;
  int index;
  std::atomic<int> *failures;
};

void *region_worker(void *arg) {
  auto *j = (region_job *)arg;
  const uint64_t base = (uint64_t)j->index * kRegion;
  std::vector<char> buf(kRegion);
  for (size_t i = 0; i < kRegion; i++) buf[i] = pattern(base + i, 7);
  for (size_t done = 0; done < kRegion;) {
    size_t n = std::min(kChunk, kRegion - done);
    ssize_t w = call::pwrite(j->fd, buf.data() + done, n, (off_t)(base + done));
    if (w != (ssize_t)n) { j->failures->fetch_add(1); return nullptr; }
    done += n;
    weft_yield();
  }
  if (call::fdatasync(j->fd) != 0) j->failures->fetch_add(1);
  posix_fadvise(j->fd, (off_t)base, kRegion, POSIX_FADV_DONTNEED);
  std::vector<char> back(kRegion, 0);
  for (size_t done = 0; done < kRegion;) {
    size_t n = std::min(kChunk, kRegion - done);
    ssize_t r = call::pread(j->fd, back.data() + done, n, (off_t)(base + done));
    if (r != (ssize_t)n) { j->failures->fetch_add(1); return nullptr; }
    done += n;
  }
  if (back != buf) j->failures->fetch_add(1);

  // Vectored, on the position of a descriptor of this thread's own: write
  // the region again (other seed) as three uneven pieces, read it back.
  int fd = open(j->path, O_RDWR);
  if (fd < 0) { j->failures->fetch_add(1); return nullptr; }
  for (size_t i = 0; i < kRegion; i++) buf[i] = pattern(base + i, 11);
  if (lseek(fd, (off_t)base, SEEK_SET) != (off_t)base) j->failures->fetch_add(1);
  struct iovec out[3] = {{buf.data(), 1000}, {buf.data() + 1000, 70000},
                         {buf.data() + 71000, kRegion - 71000}};
  if (call::writev(fd, out, 3) != (ssize_t)kRegion) j->failures->fetch_add(1);
  if (call::fsync(fd) != 0) j->failures->fetch_add(1);
  posix_fadvise(fd, (off_t)base, kRegion, POSIX_FADV_DONTNEED);
  std::fill(back.begin(), back.end(), 0);
  if (lseek(fd, (off_t)base, SEEK_SET) != (off_t)base) j->failures->fetch_add(1);
  struct iovec in[3] = {{back.data(), 4096}, {back.data() + 4096, 5},
                        {back.data() + 4101, kRegion - 4101}};
  if (call::readv(fd, in, 3) != (ssize_t)kRegion) j->failures->fetch_add(1);
  if (lseek(fd, 0, SEEK_CUR) != (off_t)(base + kRegion)) j->failures->fetch_add(1);
  if (back != buf) j->failures->fetch_add(1);
  call::close(fd);
  return nullptr;
}

TEST(FileIo, ManyThreadsWriteAndReadTheirRegions) {
  temp_file f;
  ASSERT_GE(f.fd, 0);
  std::atomic<int> failures{0};
  std::vector<region_job> jobs(kThreads);
  std::vector<weft_thread_t *> ts(kThreads);
  for (int i = 0; i < kThreads; i++) {
    jobs[i] = {f.fd, f.path.c_str(), i, &failures};
    ASSERT_EQ(weft_spawn(&ts[i], nullptr, region_worker, &jobs[i]), 0);
  }
  for (auto *t : ts) weft_join(t, nullptr);
  EXPECT_EQ(failures.load(), 0);
  struct stat st;
  ASSERT_EQ(fstat(f.fd, &st), 0);
  EXPECT_EQ((size_t)st.st_size, kThreads * kRegion);
  // The whole file, checked with plain system calls.
  std::vector<char> all(kThreads * kRegion);
  ASSERT_EQ(syscall(SYS_pread64, f.fd, all.data(), all.size(), 0), (long)all.size());
  size_t bad = 0;
  for (size_t i = 0; i < all.size(); i++) bad += all[i] != pattern(i, 11);
  EXPECT_EQ(bad, 0u);
}

// Threads reading one shared descriptor on its position: every read gets
// a contiguous piece, no two get the same one, together they are the file
// (the kernel's f_pos lock gives that to threads; weft must keep it).
constexpr size_t kShared = 4 << 20;
constexpr size_t kPiece = 10000;

struct shared_job {
  int fd;
  std::vector<uint64_t> starts;
  int failures = 0;
};

void *shared_reader(void *arg) {
  auto *j = (shared_job *)arg;
  std::vector<char> buf(kPiece);
  for (;;) {
    ssize_t n = call::read(j->fd, buf.data(), kPiece);
    if (n == 0) break;
    if (n < 0) { j->failures++; break; }
    // Find where the piece came from: pattern is not periodic within the
    // file, so the first 16 bytes name the offset; the rest must follow.
    uint64_t at = UINT64_MAX;
    for (uint64_t o = 0; o + (uint64_t)n <= kShared; o += kPiece)
      if (buf[0] == pattern(o, 3)) {
        bool ok = true;
        for (ssize_t i = 0; i < n && ok; i++) ok = buf[i] == pattern(o + i, 3);
        if (ok) { at = o; break; }
      }
    if (at == UINT64_MAX) { j->failures++; break; }
    j->starts.push_back(at);
  }
  return nullptr;
}

TEST(FileIo, SharedPositionReadsAreContiguousAndDisjoint) {
  temp_file f;
  ASSERT_GE(f.fd, 0);
  fill_uncached(f.fd, kShared, 3);
  ASSERT_EQ(lseek(f.fd, 0, SEEK_SET), 0);
  constexpr int n = 8;
  std::vector<shared_job> jobs(n);
  std::vector<weft_thread_t *> ts(n);
  for (int i = 0; i < n; i++) {
    jobs[i].fd = f.fd;
    ASSERT_EQ(weft_spawn(&ts[i], nullptr, shared_reader, &jobs[i]), 0);
  }
  std::vector<int> seen((kShared + kPiece - 1) / kPiece, 0);
  for (int i = 0; i < n; i++) {
    weft_join(ts[i], nullptr);
    EXPECT_EQ(jobs[i].failures, 0);
    for (uint64_t s : jobs[i].starts) seen[s / kPiece]++;
  }
  for (size_t i = 0; i < seen.size(); i++) EXPECT_EQ(seen[i], 1) << "piece " << i;
}

// O_APPEND writers: every record lands whole, one after another.
void *appender(void *arg) {
  int fd = *(int *)arg;
  char rec[64];
  for (int i = 0; i < 100; i++) {
    memset(rec, 'a' + i % 26, sizeof rec);
    rec[63] = '\n';
    if (call::write(fd, rec, sizeof rec) != (ssize_t)sizeof rec) return (void *)1;
  }
  return nullptr;
}

TEST(FileIo, AppendsFromManyThreadsStayWhole) {
  temp_file f;
  ASSERT_GE(f.fd, 0);
  int fd = open(f.path.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  std::vector<weft_thread_t *> ts(16);
  for (auto &t : ts) ASSERT_EQ(weft_spawn(&t, nullptr, appender, &fd), 0);
  for (auto *t : ts) {
    void *r;
    weft_join(t, &r);
    EXPECT_EQ(r, nullptr);
  }
  call::close(fd);
  std::vector<char> all(16 * 100 * 64 + 1);
  ASSERT_EQ(syscall(SYS_pread64, f.fd, all.data(), all.size(), 0), 16 * 100 * 64);
  for (size_t r = 0; r < 1600; r++) {
    const char *p = all.data() + r * 64;
    for (int i = 1; i < 63; i++) ASSERT_EQ(p[i], p[0]) << "record " << r;
    ASSERT_EQ(p[63], '\n');
  }
}

// A read over a range whose first half is cached and second half is not:
// the cached part comes at once, the rest parked, the result is whole.
TEST(FileIo, HalfCachedReadsAreWhole) {
  temp_file f;
  ASSERT_GE(f.fd, 0);
  const size_t size = 8 << 20;
  fill_uncached(f.fd, size, 5);
  std::vector<char> buf(size);
  ASSERT_EQ(syscall(SYS_pread64, f.fd, buf.data(), size / 2, 0), (long)(size / 2)); // cache it
  std::fill(buf.begin(), buf.end(), 0);
  ASSERT_EQ(call::pread(f.fd, buf.data(), size, 0), (ssize_t)size);
  size_t bad = 0;
  for (size_t i = 0; i < size; i++) bad += buf[i] != pattern(i, 5);
  EXPECT_EQ(bad, 0u);
  // The same through readv, pieces cut across the cached boundary.
  posix_fadvise(f.fd, (off_t)(size / 2), 0, POSIX_FADV_DONTNEED);
  std::fill(buf.begin(), buf.end(), 0);
  struct iovec v[3] = {{buf.data(), size / 2 - 100}, {buf.data() + size / 2 - 100, 200},
                       {buf.data() + size / 2 + 100, size / 2 - 100}};
  ASSERT_EQ(lseek(f.fd, 0, SEEK_SET), 0);
  ASSERT_EQ(call::readv(f.fd, v, 3), (ssize_t)size);
  bad = 0;
  for (size_t i = 0; i < size; i++) bad += buf[i] != pattern(i, 5);
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(lseek(f.fd, 0, SEEK_CUR), (off_t)size);
}

// Results and errno as the kernel gives them, cached and uncached.
struct outcome {
  long r;
  int err;
};
bool operator==(const outcome &a, const outcome &b) { return a.r == b.r && a.err == b.err; }
std::ostream &operator<<(std::ostream &o, const outcome &x) {
  return o << "{" << x.r << ", " << strerror(x.err) << "}";
}
// errno is read in functions of its own: a blocking call may resume on
// another worker, whose errno is elsewhere (see docs/runtime.md).
__attribute__((noinline)) void set_errno(int e) { errno = e; }
__attribute__((noinline)) int get_errno() { return errno; }
template <class F> outcome run(F f) {
  set_errno(0);
  long r = f();
  return {r, r < 0 ? get_errno() : 0};
}

TEST(FileIo, ErrorsAndShortReadsMatchTheKernel) {
  temp_file f;
  ASSERT_GE(f.fd, 0);
  for (int cached = 0; cached < 2; cached++) {
    // (No SCOPED_TRACE: gtest keeps it per kernel thread, and this thread
    // may move between workers.)
    const char *how = cached ? "cached" : "uncached";
    fill_uncached(f.fd, 1000, 9);
    if (cached) {
      char tmp[1000];
      ASSERT_EQ(syscall(SYS_pread64, f.fd, tmp, 1000, 0), 1000);
    }
    char a[4096], b[4096];
    // Short reads at the end of the file, and past it.
    for (off_t off : {(off_t)0, (off_t)900, (off_t)999, (off_t)1000, (off_t)5000}) {
      EXPECT_EQ(run([&] { return (long)call::pread(f.fd, a, sizeof a, off); }),
                run([&] { return syscall(SYS_pread64, f.fd, b, sizeof b, off); }))
          << how << " at " << off;
      long n = std::max(0L, 1000L - (long)off);
      EXPECT_EQ(memcmp(a, b, (size_t)n), 0) << how;
    }
    ASSERT_EQ(lseek(f.fd, 600, SEEK_SET), 600);
    EXPECT_EQ(call::read(f.fd, a, sizeof a), 400) << how;
    EXPECT_EQ(call::read(f.fd, a, sizeof a), 0) << how;
    EXPECT_EQ(lseek(f.fd, 0, SEEK_CUR), 1000) << how;
    ASSERT_EQ(lseek(f.fd, 990, SEEK_SET), 990);
    struct iovec v[2] = {{a, 5}, {a + 5, 100}};
    EXPECT_EQ(call::readv(f.fd, v, 2), 10) << how;
    // Bad offsets and lengths.
    EXPECT_EQ(run([&] { return (long)call::pread(f.fd, a, 10, -1); }),
              run([&] { return syscall(SYS_pread64, f.fd, b, 10, -1L); })) << how;
    EXPECT_EQ(run([&] { return (long)call::pread(f.fd, a, 0, 10); }), (outcome{0, 0})) << how;
    EXPECT_EQ(run([&] { return (long)call::pread(f.fd, nullptr, 10, 10); }),
              run([&] { return syscall(SYS_pread64, f.fd, nullptr, 10, 10L); })) << how;
  }
  // EBADF: a closed descriptor, reading a write-only one, writing a
  // read-only one. EISDIR: reading a directory.
  int closed = open("/dev/null", O_RDONLY);
  call::close(closed);
  char c[16];
  EXPECT_EQ(run([&] { return (long)call::read(closed, c, 1); }), (outcome{-1, EBADF}));
  EXPECT_EQ(run([&] { return (long)call::pread(closed, c, 1, 0); }), (outcome{-1, EBADF}));
  EXPECT_EQ(run([&] { return (long)call::fsync(closed); }), (outcome{-1, EBADF}));
  int wo = open(f.path.c_str(), O_WRONLY);
  ASSERT_GE(wo, 0);
  EXPECT_EQ(run([&] { return (long)call::read(wo, c, 1); }), (outcome{-1, EBADF}));
  EXPECT_EQ(run([&] { return (long)call::pread(wo, c, 1, 0); }), (outcome{-1, EBADF}));
  call::close(wo);
  int ro = open(f.path.c_str(), O_RDONLY);
  ASSERT_GE(ro, 0);
  EXPECT_EQ(run([&] { return (long)call::write(ro, "x", 1); }), (outcome{-1, EBADF}));
  EXPECT_EQ(run([&] { return (long)call::pwrite(ro, "x", 1, 0); }), (outcome{-1, EBADF}));
  struct iovec one = {(void *)"x", 1};
  EXPECT_EQ(run([&] { return (long)call::writev(ro, &one, 1); }), (outcome{-1, EBADF}));
  EXPECT_EQ(run([&] { return (long)call::fsync(ro); }), (outcome{0, 0})); // fsync needs no write access
  call::close(ro);
  int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir, 0);
  EXPECT_EQ(run([&] { return (long)call::read(dir, c, sizeof c); }), (outcome{-1, EISDIR}));
  EXPECT_EQ(run([&] { return (long)call::pread(dir, c, sizeof c, 0); }), (outcome{-1, EISDIR}));
  EXPECT_EQ(run([&] { return (long)call::fsync(dir); }), (outcome{0, 0}));
  call::close(dir);
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  EXPECT_EQ(run([&] { return (long)call::fsync(p[0]); }), (outcome{-1, EINVAL}));
  call::close(p[0]);
  call::close(p[1]);
  // A successful call leaves errno alone (the tries on the way do not show).
  fill_uncached(f.fd, 1000, 9);
  set_errno(12345);
  EXPECT_EQ(call::pread(f.fd, c, sizeof c, 0), (ssize_t)sizeof c);
  EXPECT_EQ(get_errno(), 12345);
}

// On a kernel thread weft does not run (made with libc's pthread_create,
// or the sanitizer's where libweft has no pthread layer), the calls are the
// kernel's, unchanged.
void *foreign_thread(void *arg) {
  int fd = *(int *)arg;
  char buf[100];
  long ok = call::pread(fd, buf, sizeof buf, 950) == 50 && call::write(fd, "tail", 4) == 4 &&
            call::fsync(fd) == 0 && call::read(-1, buf, 1) == -1 && errno == EBADF && !weft_self();
  return (void *)ok;
}

TEST(FileIo, OffAUserThreadCallsAreTheKernels) {
  call::kernel_threads kernel;
  ASSERT_NE(kernel.libc, nullptr);
  auto create = kernel.create;
  auto join = kernel.join;
  temp_file f;
  ASSERT_GE(f.fd, 0);
  fill_uncached(f.fd, 1000, 2);
  ASSERT_EQ(lseek(f.fd, 0, SEEK_END), 1000);
  pthread_t th;
  ASSERT_EQ(create(&th, nullptr, foreign_thread, &f.fd), 0);
  void *r = nullptr;
  // libc's join blocks this worker; the foreign thread needs none.
  ASSERT_EQ(join(th, &r), 0);
  EXPECT_EQ((long)r, 1);
  EXPECT_EQ(lseek(f.fd, 0, SEEK_END), 1004);
}

} // namespace
