// A mixed workload on every worker: threads that spawn, join and detach
// threads, sleep, yield, lock, wait with and without timeouts, and pass
// bytes through pipes, all at once. Checks that everything finishes and
// that the counts add up.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <vector>

#include "weft/weft.h"

namespace {

// Under TSan the pipe calls go through TSan's own read/write interceptors,
// which hide the runtime's synchronisation (docs/runtime.md): no pipes there.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NO_PIPES 1
#endif
#endif
#ifndef NO_PIPES
#define NO_PIPES 0
#endif

weft_mutex_t mu = WEFT_MUTEX_INITIALIZER;
weft_cond_t cv = WEFT_COND_INITIALIZER;
long shared_total;
std::atomic<long> leaves, bytes_moved;

void *leaf(void *arg) {
  leaves++;
  if ((intptr_t)arg & 1) weft_yield();
  return arg;
}

struct pipe_job {
  int rfd, wfd, n;
};
void *pipe_reader(void *arg) {
  auto *j = (pipe_job *)arg;
  char buf[64];
  long got = 0;
  while (got < j->n) {
    ssize_t r = read(j->rfd, buf, sizeof buf);
    if (r <= 0) break;
    got += r;
  }
  bytes_moved += got;
  return nullptr;
}

void *mixer(void *arg) {
  unsigned seed = (unsigned)(intptr_t)arg * 2654435761u + 1;
  for (int i = 0; i < 300; i++) {
    seed = seed * 1103515245u + 12345u;
    switch ((seed >> 16) % (NO_PIPES ? 6 : 7)) {
    case 0: {  // spawn and join a few
      weft_thread_t *t[4];
      weft_attr_t a{};
      a.stack_size = 16 * 1024;
      for (auto &x : t) EXPECT_EQ(weft_spawn(&x, &a, leaf, (void *)(intptr_t)i), 0);
      for (auto *x : t) weft_join(x, nullptr);
      break;
    }
    case 1: {  // detached
      weft_attr_t a{};
      a.detached = 1;
      a.stack_size = 16 * 1024;
      EXPECT_EQ(weft_spawn(nullptr, &a, leaf, nullptr), 0);
      break;
    }
    case 2:
      weft_sleep((seed >> 8) % 200000);
      break;
    case 3:
      weft_yield();
      break;
    case 4:
      weft_mutex_lock(&mu);
      shared_total++;
      if (seed & 1) weft_yield();
      weft_cond_broadcast(&cv);
      weft_mutex_unlock(&mu);
      break;
    case 5:
      weft_mutex_lock(&mu);
      weft_cond_timedwait(&cv, &mu, weft_now() + (seed >> 8) % 300000);
      shared_total++;
      weft_mutex_unlock(&mu);
      break;
    case 6: {  // a pipe between us and a reader thread
      int fds[2];
      if (pipe(fds) != 0) {
        ADD_FAILURE() << "pipe";
        return nullptr;
      }
      pipe_job j{fds[0], fds[1], 1000};
      weft_thread_t *r;
      EXPECT_EQ(weft_spawn(&r, nullptr, pipe_reader, &j), 0);
      char buf[100] = {};
      for (int k = 0; k < 10; k++) EXPECT_EQ(write(fds[1], buf, sizeof buf), 100);
      weft_join(r, nullptr);
      close(fds[0]);
      close(fds[1]);
      break;
    }
    }
  }
  return nullptr;
}

int favour_waits(weft_thread_t *, enum weft_block_kind kind, void *) {
  return kind == WEFT_BLOCK_SLEEP || kind == WEFT_BLOCK_COND || kind == WEFT_BLOCK_IO;
}
const struct weft_policy favour_waits_policy = {"favour-waits", favour_waits, nullptr};

void run_mixed_workload() {
  std::vector<weft_thread_t *> ts(32);
  for (size_t i = 0; i < ts.size(); i++)
    ASSERT_EQ(weft_spawn(&ts[i], nullptr, mixer, (void *)(intptr_t)i), 0);
  for (auto *t : ts) ASSERT_EQ(weft_join(t, nullptr), 0);
  // Let detached leaves finish.
  for (int i = 0; i < 1000; i++) {
    struct weft_stats s;
    weft_stats(&s);
    if (s.live <= 1) break;
    weft_sleep(1000000);
  }
  EXPECT_GT(leaves.load(), 0);
  EXPECT_EQ(bytes_moved.load() % 1000, 0);
}

TEST(Stress, MixedWorkload) { run_mixed_workload(); }

// The same with a policy: woken threads go through the priority lists
// (and are stolen from them).
TEST(Stress, MixedWorkloadWithPolicy) {
  weft_set_policy(&favour_waits_policy);
  run_mixed_workload();
  weft_set_policy(nullptr);
}

}  // namespace
