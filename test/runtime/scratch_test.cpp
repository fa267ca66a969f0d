// Scratch memory (sched/scratch.c) through the public ABI the plugin's
// code uses: __weft_scratch_push / __weft_scratch_pop from weft/weft.h.
// Run on 1 and several workers, and under ASan, UBSan and TSan.
#include <gtest/gtest.h>
#include <pthread.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "interposed.h"
#include "weft/weft.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define SCRATCH_TEST_ASAN 1
#endif
#endif

namespace {

// Under ASan what lies above the top is poisoned, so a use of a moved
// object after its pop is reported; elsewhere nothing is checked (both
// answer true).
bool poisoned(const void *p) {
#ifdef SCRATCH_TEST_ASAN
  return __asan_address_is_poisoned(p);
#else
  (void)p;
  return true;
#endif
}
bool usable(const void *p) {
#ifdef SCRATCH_TEST_ASAN
  return !__asan_address_is_poisoned(p);
#else
  (void)p;
  return true;
#endif
}

bool one_worker() {
  const char *w = getenv("WEFT_WORKERS");
  return w && strcmp(w, "1") == 0;
}

template <class F> void on_weft_thread(F fn) {
  struct box {
    F *f;
  } b{&fn};
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr,
                       [](void *a) -> void * {
                         (*static_cast<box *>(a)->f)();
                         return nullptr;
                       },
                       &b),
            0);
  ASSERT_EQ(weft_join(t, nullptr), 0);
}

TEST(Scratch, PushesStackAndPopsBackToTheObject) {
  on_weft_thread([] {
    char *a = static_cast<char *>(__weft_scratch_push(5000));
    char *b = static_cast<char *>(__weft_scratch_push(100));
    char *c = static_cast<char *>(__weft_scratch_push(7000));
    for (char *p : {a, b, c}) EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % WEFT_SCRATCH_ALIGN, 0u);
    // Above one another, each rounded to the alignment.
    EXPECT_GE(b, a + 5000);
    EXPECT_LT(b, a + 5000 + WEFT_SCRATCH_ALIGN);
    EXPECT_GE(c, b + 100);
    memset(a, 1, 5000);
    memset(b, 2, 100);
    memset(c, 3, 7000);
    EXPECT_EQ(a[4999], 1);
    EXPECT_EQ(b[99], 2);
    // Popping b takes c back too: the next push lands where b was.
    __weft_scratch_pop(b);
    EXPECT_TRUE(poisoned(b));
    EXPECT_TRUE(poisoned(c + 6999));
    EXPECT_TRUE(usable(a + 4999)); // a is still pushed
    char *d = static_cast<char *>(__weft_scratch_push(64));
    EXPECT_EQ(d, b);
    __weft_scratch_pop(d);
    __weft_scratch_pop(a);
    EXPECT_EQ(__weft_scratch_push(16), a);
    __weft_scratch_pop(a);
  });
}

// A push without its pop (as a longjmp out of a lifetime leaves) is taken
// back when the worker runs out of threads: here while this one sleeps.
TEST(Scratch, AnIdleWorkerEmptiesTheRegion) {
  on_weft_thread([] {
    void *base = __weft_scratch_push(16);
    __weft_scratch_pop(base);
    void *leaked = __weft_scratch_push(100000);
    EXPECT_EQ(leaked, base);
    weft_sleep(1000000);
    void *after = __weft_scratch_push(16);
    // On one worker the thread is back on the same region, empty again.
    if (one_worker()) EXPECT_EQ(after, base);
    memset(after, 7, 16);
    __weft_scratch_pop(after);
  });
}

// What does not fit in the region comes from the heap, and pop frees it
// (ASan's leak check sees it if not); the region goes on as before.
TEST(Scratch, TooLargeComesFromTheHeap) {
  on_weft_thread([] {
    void *small = __weft_scratch_push(32);
    char *big = static_cast<char *>(__weft_scratch_push(64u << 20));
    ASSERT_NE(big, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(big) % WEFT_SCRATCH_ALIGN, 0u);
    big[0] = 1;
    big[(64u << 20) - 1] = 2;
    void *next = __weft_scratch_push(32);
    EXPECT_EQ(static_cast<char *>(next), static_cast<char *>(small) + 32);
    __weft_scratch_pop(next);
    __weft_scratch_pop(big);
    __weft_scratch_pop(small);
  });
}

// On a kernel thread weft does not run, push is malloc and pop is free
// (ASan reports a leak or a bad free otherwise).
void *kernel_body(void *) {
  if (weft_self()) return reinterpret_cast<void *>(1);
  char *p = static_cast<char *>(__weft_scratch_push(4096));
  if (!p || reinterpret_cast<uintptr_t>(p) % WEFT_SCRATCH_ALIGN) return reinterpret_cast<void *>(2);
  memset(p, 9, 4096);
  __weft_scratch_pop(p);
  return nullptr;
}
TEST(Scratch, OnAKernelThreadUsesTheHeap) {
  call::kernel_threads kernel;
  ASSERT_NE(kernel.libc, nullptr);
  pthread_t k;
  ASSERT_EQ(kernel.create(&k, nullptr, kernel_body, nullptr), 0);
  void *r = reinterpret_cast<void *>(3);
  kernel.join(k, &r);
  EXPECT_EQ(r, nullptr);
}

// Threads on several workers fill their objects with their own pattern,
// yield between objects (never inside one), and check every byte: two
// threads running at once never share scratch memory.
void *pattern_body(void *arg) {
  unsigned char me = static_cast<unsigned char>(reinterpret_cast<uintptr_t>(arg));
  long bad = 0;
  for (int round = 0; round < 300; round++) {
    size_t n = 4096 + static_cast<size_t>(round % 7) * 1000;
    auto *outer = static_cast<unsigned char *>(__weft_scratch_push(n));
    auto *inner = static_cast<unsigned char *>(__weft_scratch_push(n / 2));
    memset(outer, me, n);
    memset(inner, me ^ 0xff, n / 2);
    for (volatile int k = 0; k < 50; k++) {
    }
    for (size_t i = 0; i < n; i++) bad += outer[i] != me;
    for (size_t i = 0; i < n / 2; i++) bad += inner[i] != (me ^ 0xff);
    __weft_scratch_pop(inner);
    __weft_scratch_pop(outer);
    weft_yield();
  }
  return reinterpret_cast<void *>(bad);
}

TEST(Scratch, ThreadsOnSeveralWorkersNeverShare) {
  std::vector<weft_thread_t *> ts(8);
  for (size_t i = 0; i < ts.size(); i++)
    ASSERT_EQ(weft_spawn(&ts[i], nullptr, pattern_body, reinterpret_cast<void *>(i + 1)), 0);
  long bad = 0;
  for (auto *t : ts) {
    void *r;
    weft_join(t, &r);
    bad += reinterpret_cast<long>(r);
  }
  EXPECT_EQ(bad, 0);
}

} // namespace
