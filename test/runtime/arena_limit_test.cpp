// Failure is a value: with the stack arena capped (WEFT_ARENA_LIMIT, set by
// ctest for this program) spawning fails with EAGAIN, and works again once
// threads exit.
#include <gtest/gtest.h>

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
}  // namespace
