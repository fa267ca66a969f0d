// Failure is a value: with the stack arena capped (WEFT_ARENA_LIMIT, set by
// ctest for this program) spawning fails with EAGAIN, and works again once
// threads exit.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "weft/weft.h"

namespace {
weft_sem_t gate;
void *wait_gate(void *) {
  weft_sem_wait(&gate);
  return nullptr;
}

TEST(Arena, SpawnFailsWithEagainWhenTheArenaIsExhausted) {
  weft_sem_init(&gate, 0);
  std::vector<weft_thread_t *> ts;
  weft_attr_t a{};
  a.stack_size = 32 * 1024;
  int err = 0;
  for (int i = 0; i < 100000; i++) {
    weft_thread_t *t;
    err = weft_spawn(&t, &a, wait_gate, nullptr);
    if (err) break;
    ts.push_back(t);
  }
  EXPECT_EQ(err, EAGAIN);
  EXPECT_GT(ts.size(), 10u);
  EXPECT_LT(ts.size(), 100000u);
  for (size_t i = 0; i < ts.size(); i++) weft_sem_post(&gate);
  for (auto *t : ts) ASSERT_EQ(weft_join(t, nullptr), 0);
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, &a, wait_gate, nullptr), 0) << "freed segments are reused";
  weft_sem_post(&gate);
  weft_join(t, nullptr);
}
long vm_size_kib() {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmSize:", 7) == 0) kib = atol(line + 7);
  fclose(f);
  return kib;
}

TEST(Arena, SpawnFailsWithEnomemWithoutAddressSpace) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  GTEST_SKIP() << "the sanitizer's shadow memory needs the address space";
#endif
#endif
  struct rlimit old;
  getrlimit(RLIMIT_AS, &old);
  struct rlimit low = old;
  low.rlim_cur = (rlim_t)(vm_size_kib() + (256 << 10)) * 1024; // 256 MiB more
  ASSERT_EQ(setrlimit(RLIMIT_AS, &low), 0);
  weft_attr_t a{};
  a.stack_size = 3 << 20; // a size class nothing used yet: its arena cannot be reserved
  weft_thread_t *t;
  int err = weft_spawn(&t, &a, wait_gate, nullptr);
  setrlimit(RLIMIT_AS, &old);
  EXPECT_EQ(err, ENOMEM);
}
}  // namespace
