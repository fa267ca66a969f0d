// The FPU control words (rounding mode, exception masks, flush-to-zero)
// belong to each user thread, as they do to each pthread, whichever way
// weft carries them (docs/runtime.md, "FPU control words"): threads that
// change them through <fenv.h> keep theirs across switches and workers,
// the others keep the ones the process started with.
//
// WEFT_TEST_FPU_EVERY_SWITCH (0 or 1) is the mode the test registration
// expects weft to pick: 0 normally, 1 under WEFT_FPU=thread and in the
// build linked with libm before libweft.
#include <fenv.h>
#include <gtest/gtest.h>
#include <xmmintrin.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "weft/weft.h"

#pragma STDC FENV_ACCESS ON

namespace {

constexpr double kThirdNearest = 0x1.5555555555555p-2; // 1/3 rounded to nearest (down)
constexpr double kThirdUp = 0x1.5555555555556p-2;
constexpr int kYields = 200;

// 1/3 and -1/3 as this thread's rounding mode gives them.
double third() {
  volatile double one = 1.0, three = 3.0;
  return one / three;
}
double minus_third() {
  volatile double one = -1.0, three = 3.0;
  return one / three;
}

// True if the running thread rounds as `mode` says, by fegetround and by
// arithmetic (which reads MXCSR, not what libm remembers).
bool rounds(int mode) {
  if (fegetround() != mode) return false;
  switch (mode) {
  case FE_TONEAREST: return third() == kThirdNearest && minus_third() == -kThirdNearest;
  case FE_UPWARD: return third() == kThirdUp && minus_third() == -kThirdNearest;
  case FE_DOWNWARD: return third() == kThirdNearest && minus_third() == -kThirdUp;
  case FE_TOWARDZERO: return third() == kThirdNearest && minus_third() == -kThirdNearest;
  }
  return false;
}

weft_thread_t *spawn(void *(*fn)(void *), void *arg) {
  weft_thread_t *t = nullptr;
  EXPECT_EQ(weft_spawn(&t, nullptr, fn, arg), 0);
  return t;
}

struct ModeRun {
  int mode;        // the mode this thread sets (-1: sets none)
  int bad = 0;     // yields after which it did not round as expected
};

void *keep_mode(void *p) {
  auto *r = static_cast<ModeRun *>(p);
  int want = r->mode < 0 ? FE_TONEAREST : r->mode;
  if (r->mode >= 0 && fesetround(r->mode) != 0) r->bad = -1;
  for (int i = 0; i < kYields; i++) {
    if (!rounds(want)) r->bad++;
    weft_yield();
  }
  return nullptr;
}

TEST(Fpu, WeftPicksTheExpectedMode) {
  const char *e = std::getenv("WEFT_TEST_FPU_EVERY_SWITCH");
  ASSERT_NE(e, nullptr) << "the test registration sets WEFT_TEST_FPU_EVERY_SWITCH";
  struct weft_stats s;
  weft_stats(&s);
  EXPECT_EQ(s.fpu_every_switch, (unsigned)std::atoi(e));
}

TEST(Fpu, RoundingModeBelongsToEachThread) {
  const int modes[] = {FE_UPWARD, -1, FE_DOWNWARD, -1, FE_TOWARDZERO, -1, FE_TONEAREST, -1};
  constexpr int n = 24;
  ModeRun runs[n];
  weft_thread_t *t[n];
  for (int i = 0; i < n; i++) {
    runs[i].mode = modes[i % 8];
    t[i] = spawn(keep_mode, &runs[i]);
  }
  for (int i = 0; i < n; i++) {
    ASSERT_EQ(weft_join(t[i], nullptr), 0);
    EXPECT_EQ(runs[i].bad, 0) << "thread " << i << " with mode " << runs[i].mode;
  }
  EXPECT_TRUE(rounds(FE_TONEAREST)) << "main's mode changed";
}

void *inherit_child(void *p) {
  *static_cast<int *>(p) = rounds(FE_DOWNWARD) ? 1 : 0;
  return nullptr;
}
void *inherit_parent(void *p) {
  fesetround(FE_DOWNWARD);
  weft_thread_t *c = spawn(inherit_child, p);
  weft_join(c, nullptr);
  return nullptr;
}

TEST(Fpu, NewThreadsStartWithTheirCreatorsWords) {
  int child_downward = -1;
  weft_join(spawn(inherit_parent, &child_downward), nullptr);
  EXPECT_EQ(child_downward, 1);
  // A thread made by one that never set its words starts with the process's.
  int sibling_downward = -1;
  weft_join(spawn(inherit_child, &sibling_downward), nullptr);
  EXPECT_EQ(sibling_downward, 0);
}

std::atomic<int> divided{0};

void *trap_divbyzero(void *p) {
  auto *ok = static_cast<int *>(p);
  feenableexcept(FE_DIVBYZERO);
  for (int i = 0; i < kYields; i++) {
    if (!(fegetexcept() & FE_DIVBYZERO)) *ok = 0;
    weft_yield();
  }
  fedisableexcept(FE_DIVBYZERO);
  return nullptr;
}
void *divide_by_zero(void *) {
  for (int i = 0; i < kYields; i++) {
    volatile double one = 1.0, zero = 0.0;
    volatile double inf = one / zero; // a SIGFPE here if the trap leaked
    if (inf > 1.0) divided.fetch_add(1, std::memory_order_relaxed);
    weft_yield();
  }
  return nullptr;
}

TEST(Fpu, ExceptionMasksBelongToEachThread) {
  int ok = 1;
  divided = 0;
  weft_thread_t *a = spawn(trap_divbyzero, &ok);
  weft_thread_t *b = spawn(divide_by_zero, nullptr);
  weft_thread_t *c = spawn(divide_by_zero, nullptr);
  weft_join(a, nullptr);
  weft_join(b, nullptr);
  weft_join(c, nullptr);
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(divided.load(), 2 * kYields);
  EXPECT_EQ(fegetexcept() & FE_DIVBYZERO, 0);
}

// Flush-to-zero is an MXCSR bit only (fesetround also sets the x87 word).
constexpr unsigned kMxcsrFtz = 1u << 15;

double tiny_product() {
  volatile double tiny = 0x1p-1000, scale = 0x1p-60; // a subnormal result
  return tiny * scale;
}

// Yields kYields times, counting in *bad the times a subnormal product was
// not flushed to zero.
void count_unflushed(int *bad) {
  for (int i = 0; i < kYields; i++) {
    if (tiny_product() != 0.0) (*bad)++;
    weft_yield();
  }
}

void *flush_to_zero(void *p) {
  fenv_t env;
  fegetenv(&env);
  env.__mxcsr |= kMxcsrFtz;
  fesetenv(&env);
  count_unflushed(static_cast<int *>(p));
  return nullptr;
}
void *keep_subnormals(void *p) {
  auto *bad = static_cast<int *>(p);
  for (int i = 0; i < kYields; i++) {
    if (tiny_product() == 0.0 || (_mm_getcsr() & kMxcsrFtz)) (*bad)++;
    weft_yield();
  }
  return nullptr;
}

// A thread that sets flush-to-zero (through `setter`) beside one that
// does not: each keeps its own across the yields.
void expect_ftz_stays_in_its_thread(void *(*setter)(void *)) {
  int bad_ftz = 0, bad_plain = 0;
  weft_thread_t *a = spawn(setter, &bad_ftz);
  weft_thread_t *b = spawn(keep_subnormals, &bad_plain);
  weft_join(a, nullptr);
  weft_join(b, nullptr);
  EXPECT_EQ(bad_ftz, 0);
  EXPECT_EQ(bad_plain, 0);
}

TEST(Fpu, FlushToZeroBelongsToEachThread) {
  expect_ftz_stays_in_its_thread(flush_to_zero);
  EXPECT_NE(tiny_product(), 0.0);
}

// Only with WEFT_FPU=thread: words written without <fenv.h>.
void *set_ftz_directly(void *p) {
  _mm_setcsr(_mm_getcsr() | kMxcsrFtz);
  count_unflushed(static_cast<int *>(p));
  _mm_setcsr(_mm_getcsr() & ~kMxcsrFtz);
  return nullptr;
}

TEST(FpuThreadMode, DirectMxcsrWritesStayInTheirThread) {
  expect_ftz_stays_in_its_thread(set_ftz_directly);
}

} // namespace
