// Linked stack segments: __weft_call_on_new_segment.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "weft/weft.h"

namespace {

// Read afresh on every call: the caller may have moved to another worker.
__attribute__((noinline)) uintptr_t stack_limit() {
  __asm__ __volatile__("" ::: "memory");
  return weft_stack_limit();
}

__attribute__((noinline)) uintptr_t sp_now() {
  return (uintptr_t)__builtin_frame_address(0);
}

uint64_t arena_bytes() {
  struct weft_stats s{};
  weft_stats(&s);
  return s.arena_bytes;
}

// Spawns a thread with a `stack`-byte stack running fn(arg) and joins it.
void run_on_thread(size_t stack, void *(*fn)(void *), void *arg) {
  weft_attr_t a{};
  a.stack_size = stack;
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, &a, fn, arg), 0);
  ASSERT_EQ(weft_join(t, nullptr), 0);
}

// ---- deep recursion, each level on its own segment ----------------------

struct Rec {
  long depth;   // levels still to go
  long result;  // sum of the levels below, filled on return
  bool ok;
};

void rec(void *p) {
  Rec *r = static_cast<Rec *>(p);
  uintptr_t lim = stack_limit();
  uintptr_t sp = sp_now();
  // The limit is this segment's low end + canary + red zone + the unwind
  // reserve: below the stack pointer, within the segment a 512-byte request
  // gets (32 KiB, the reserve included).
  if (!(lim < sp && sp - lim < 32768)) r->ok = false;
  if (r->depth == 0) {
    r->result = 0;
    return;
  }
  Rec next{r->depth - 1, 0, true};
  __weft_call_on_new_segment(rec, &next, 512);
  if (stack_limit() != lim) r->ok = false;
  if (!next.ok) r->ok = false;
  r->result = next.result + r->depth;
}

void *deep(void *) {
  uintptr_t before = stack_limit();
  Rec r{100000, 0, true};
  __weft_call_on_new_segment(rec, &r, 512);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.result, 100000L * 100001L / 2);
  EXPECT_EQ(stack_limit(), before);
  // And the thread's own stack limit names its stack (a 16 KiB request
  // gets a 32 KiB segment, descriptor included).
  EXPECT_LT(before, sp_now());
  EXPECT_LT(sp_now() - before, 32768u);
  return nullptr;
}

TEST(Segment, DeepRecursionOnSmallStack) { run_on_thread(16384, deep, nullptr); }

// ---- blocking while on a linked segment ------------------------------------

struct BlockArg {
  int fds[2];
  int id;
  std::atomic<int> *errors;
  int level;
  int worker;  // the worker it last ran on
};

std::atomic<int> migrations{0};

__attribute__((noinline)) void check_on_segment(BlockArg *b) {
  uintptr_t lim = stack_limit(), sp = sp_now();
  if (!(lim < sp && sp - lim < 65536)) b->errors->fetch_add(1);
  int w = weft_current_worker();
  if (b->worker >= 0 && w != b->worker) migrations++;
  b->worker = w;
}

void blocker(void *p) {
  BlockArg *b = static_cast<BlockArg *>(p);
  char buf[64] = {1};
  check_on_segment(b);
  if (b->level < 2) {
    // Nest once more, so the thread blocks two segments deep too.
    BlockArg inner = *b;
    inner.level++;
    __weft_call_on_new_segment(blocker, &inner, 2000);
    check_on_segment(b);
  }
  for (int i = 0; i < 50; i++) {
    weft_yield();
    check_on_segment(b);
    if (i % 10 == 0) {
      weft_sleep(100000);  // 0.1 ms
      check_on_segment(b);
    }
    char c;
    if (read(b->fds[0], &c, 1) != 1 || c != (char)i) b->errors->fetch_add(1);
    check_on_segment(b);
    buf[i % 64] = (char)i;
  }
  if (buf[0] != 0 && buf[0] != 1) b->errors->fetch_add(1);
}

void *block_thread(void *p) {
  BlockArg *b = static_cast<BlockArg *>(p);
  uintptr_t before = stack_limit();
  __weft_call_on_new_segment(blocker, b, 1000);
  if (stack_limit() != before || sp_now() - before > 32768) b->errors->fetch_add(1);
  return nullptr;
}

void *feeder(void *p) {
  BlockArg *b = static_cast<BlockArg *>(p);
  // Two nested levels read 50 bytes each after the innermost one: 150 bytes
  // for levels 0..2, values 0..49 each time.
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < 50; i++) {
      char c = (char)i;
      if (i % 7 == 0) weft_sleep(50000);
      if (write(b->fds[1], &c, 1) != 1) b->errors->fetch_add(1);
    }
  return nullptr;
}

TEST(Segment, BlockOnLinkedSegment) {
  const int n = 8;
  std::atomic<int> errors{0};
  std::vector<BlockArg> args(n);
  std::vector<weft_thread_t *> ts, fs;
  for (int i = 0; i < n; i++) {
    ASSERT_EQ(pipe(args[i].fds), 0);
    args[i].id = i;
    args[i].errors = &errors;
    args[i].level = 0;
    args[i].worker = -1;
    weft_attr_t a{};
    a.stack_size = 16384;
    weft_thread_t *t;
    ASSERT_EQ(weft_spawn(&t, &a, block_thread, &args[i]), 0);
    ts.push_back(t);
    ASSERT_EQ(weft_spawn(&t, &a, feeder, &args[i]), 0);
    fs.push_back(t);
  }
  for (auto *t : ts) ASSERT_EQ(weft_join(t, nullptr), 0);
  for (auto *t : fs) ASSERT_EQ(weft_join(t, nullptr), 0);
  for (auto &a : args) {
    close(a.fds[0]);
    close(a.fds[1]);
  }
  EXPECT_EQ(errors.load(), 0);
  std::printf("resumed on another worker while on a linked segment: %d times\n",
              migrations.load());
}

// ---- C++ exceptions across the boundary -------------------------------------

std::atomic<int> live_objects{0};
struct Counted {
  Counted() { live_objects++; }
  ~Counted() { live_objects--; }
};

// Throwing runs the unwinder on the segment: a few KiB of uninstrumented
// code, so the segments are asked for 16 KiB.
void thrower(void *p) {
  Counted c1;
  int depth = *static_cast<int *>(p);
  if (depth > 0) {
    int d = depth - 1;
    __weft_call_on_new_segment(thrower, &d, 16384);
  }
  Counted c2;
  weft_yield();  // may move to another worker before throwing
  throw std::runtime_error("from the segment");
}

void *exceptions(void *) {
  uint64_t arena0 = 0;
  uintptr_t before = stack_limit();
  for (int i = 0; i < 20000; i++) {
    if (i == 100) arena0 = arena_bytes();
    Counted outer;
    int depth = i % 3;
    bool caught = false;
    try {
      Counted inner;
      __weft_call_on_new_segment(thrower, &depth, 16384);
    } catch (const std::runtime_error &e) {
      caught = std::string(e.what()) == "from the segment";
    }
    EXPECT_TRUE(caught);
    EXPECT_EQ(live_objects.load(), 1);  // only `outer`
    EXPECT_EQ(stack_limit(), before);
    if (!caught) break;
  }
  // 20,000 leaked 4 KiB segments would be 80 MiB.
  EXPECT_LE(arena_bytes(), arena0 + (4u << 20));
  return nullptr;
}

TEST(Segment, CxxExceptionCrossesBoundary) {
  run_on_thread(16384, exceptions, nullptr);
  EXPECT_EQ(live_objects.load(), 0);
}

// ---- longjmp out of a segment ---------------------------------------------

std::jmp_buf jb;
void jumper(void *p) {
  int depth = *static_cast<int *>(p);
  if (depth > 0) {
    int d = depth - 1;
    __weft_call_on_new_segment(jumper, &d, 100);
  }
  std::longjmp(jb, 1);
}

void count_calls(void *p) { ++*static_cast<long *>(p); }

void *longjmps(void *) {
  uintptr_t before = stack_limit();
  uint64_t arena0 = 0;
  for (int i = 0; i < 5000; i++) {
    if (i == 100) arena0 = arena_bytes();
    volatile int depth = i % 4;
    if (setjmp(jb) == 0) {
      int d = depth;
      __weft_call_on_new_segment(jumper, &d, 100);
      ADD_FAILURE() << "jumper returned";
    }
    // The next call frees the segments the longjmp left behind.
    long n = 0;
    __weft_call_on_new_segment(count_calls, &n, 100);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(stack_limit(), before);
  }
  EXPECT_LE(arena_bytes(), arena0 + (4u << 20));
  // Leave some behind: the thread's exit frees them.
  if (setjmp(jb) == 0) {
    int d = 3;
    __weft_call_on_new_segment(jumper, &d, 100);
  }
  return nullptr;
}

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WEFT_TEST_TSAN 1
#endif
#endif

TEST(Segment, LongjmpOutOfSegments) {
#ifdef WEFT_TEST_TSAN
  // TSan's longjmp interceptor matches jmp_bufs by stack pointer and drops
  // the records of "deeper" frames by comparing addresses, which means
  // nothing across segments: it corrupts its shadow stack (later tests crash).
  GTEST_SKIP() << "longjmp across stack segments is not supported under TSan";
#endif
  run_on_thread(16384, longjmps, nullptr);
}

// ---- a thread that exits while on a linked segment ----------------------

void exit_now(void *p) {
  int depth = *static_cast<int *>(p);
  if (depth > 0) {
    int d = depth - 1;
    __weft_call_on_new_segment(exit_now, &d, 100);
  }
  weft_exit((void *)(intptr_t)(7 + depth));
}

void *exit_thread(void *) {
  int d = 2;
  __weft_call_on_new_segment(exit_now, &d, 100);
  return nullptr;
}

TEST(Segment, ThreadExitsOnLinkedSegment) {
  uint64_t arena0 = 0;
  for (int i = 0; i < 5000; i++) {
    if (i == 100) arena0 = arena_bytes();
    weft_attr_t a{};
    a.stack_size = 16384;
    weft_thread_t *t;
    ASSERT_EQ(weft_spawn(&t, &a, exit_thread, nullptr), 0);
    void *r = nullptr;
    ASSERT_EQ(weft_join(t, &r), 0);
    EXPECT_EQ((intptr_t)r, 7);
  }
  // 15,000 leaked 4 KiB segments would be 60 MiB.
  EXPECT_LE(arena_bytes(), arena0 + (8u << 20));
}

// ---- a boundary in a loop: no mapping, arena flat --------------------------

__attribute__((noinline)) void leaf(void *p) {
  __asm__ __volatile__("" ::: "memory");
  ++*static_cast<long *>(p);
}

void *loop(void *) {
  long n = 0;
  for (int i = 0; i < 1000; i++) __weft_call_on_new_segment(leaf, &n, 100);
  uint64_t arena0 = arena_bytes();
  const long iters = 10000000;
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < iters; i++) {
    __weft_call_on_new_segment(leaf, &n, 100);
    if ((i & 0xfffff) == 0) weft_yield();  // and sometimes move to another worker
  }
  auto t1 = std::chrono::steady_clock::now();
  for (long i = 0; i < iters; i++) leaf(&n);
  auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(n, 1000 + 2 * iters);
  EXPECT_EQ(arena_bytes(), arena0);
  double seg = std::chrono::duration<double, std::nano>(t1 - t0).count() / iters;
  double plain = std::chrono::duration<double, std::nano>(t2 - t1).count() / iters;
  std::printf("boundary call %.1f ns, plain call %.1f ns (%ld calls)\n", seg, plain, iters);
  return nullptr;
}

TEST(Segment, TenMillionBoundaryCallsArenaFlat) { run_on_thread(16384, loop, nullptr); }

// ---- outside a user thread --------------------------------------------------

TEST(Segment, LimitZeroJustCalls) {
  // With no limit in force (as on a kernel thread weft does not own) the
  // call runs fn on the current stack.
  uintptr_t saved = weft_stack_limit();
  weft_stack_limit_set(0);
  long n = 0;
  uintptr_t sp = sp_now();
  struct Probe {
    long *n;
    uintptr_t sp, seen;
  } probe{&n, sp, 0};
  __weft_call_on_new_segment(
      [](void *p) {
        Probe *pr = static_cast<Probe *>(p);
        ++*pr->n;
        pr->seen = (uintptr_t)__builtin_frame_address(0);
      },
      &probe, 100);
  weft_stack_limit_set(saved);
  EXPECT_EQ(n, 1);
  EXPECT_LT(probe.sp - probe.seen, 4096u);  // same stack
}

}  // namespace
