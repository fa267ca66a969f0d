// Atomic sections at run time (sync/section.c), through the public ABI only:
// hand-written `struct weft_section` descriptors passed to
// __weft_section_enter / __weft_section_leave, as the code the plugin
// generates for WEFT_ATOMIC calls them. Run on 1, 2 and 4 workers.
#include <gtest/gtest.h>
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include "weft/weft.h"
#include "interposed.h"

namespace {

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SECTION_TEST_TSAN 1
#endif
#endif
#ifdef SECTION_TEST_TSAN
constexpr int kScale = 8; // TSan runs every access through its runtime
#else
constexpr int kScale = 1;
#endif

// Some work between a read and the write that depends on it, so that two
// sections that wrongly overlap lose an update.
inline void widen() {
  for (volatile int k = 0; k < 8; k++) {
  }
}

struct guard {
  weft_section_guard g;
  explicit guard(const weft_section *s) : g(__weft_section_enter(s)) {}
  ~guard() { __weft_section_leave(&g); }
};

// The workers that ran a section body (bit i: worker i), to check that the
// tests on several workers did run sections on more than one.
std::atomic<uint64_t> seen_workers;
void seen() {
  int w = weft_current_worker();
  if (w >= 0 && w < 64) seen_workers.fetch_or(1ull << w, std::memory_order_relaxed);
}

std::vector<weft_thread_t *> spawn_n(int n, void *(*fn)(void *)) {
  std::vector<weft_thread_t *> ts(n);
  for (int i = 0; i < n; i++)
    EXPECT_EQ(weft_spawn(&ts[i], nullptr, fn, (void *)(intptr_t)i), 0);
  return ts;
}
void join_all(const std::vector<weft_thread_t *> &ts) {
  for (auto *t : ts) weft_join(t, nullptr);
}

// ---- lock order -------------------------------------------------------------

// Ids ascending are not stripes ascending: with 1024 stripes, {5, 1030} are
// stripes 5 then 6 and {6, 1029} stripes 6 then 5. Taken in id order, two
// such sections on two workers deadlock; the runtime takes stripes in
// stripe order.
long crossed;
constexpr int kCrossed = 500000 / kScale;
const unsigned ids_a[] = {5, 1030}, ids_b[] = {6, 1029};
const weft_section sec_a = {__FILE__, __LINE__, 2, ids_a};
const weft_section sec_b = {__FILE__, __LINE__, 2, ids_b};
void *crossed_body(void *arg) {
  const weft_section *s = (intptr_t)arg & 1 ? &sec_b : &sec_a;
  for (int i = 0; i < kCrossed; i++) {
    guard g(s);
    if (i % 64 == 0) seen();
    long v = crossed;
    widen();
    crossed = v + 1;
  }
  return nullptr;
}

TEST(SectionLocks, StripesOutOfIdOrderDoNotDeadlock) {
  crossed = 0;
  seen_workers = 0;
  auto ts = spawn_n(8, crossed_body);
  join_all(ts);
  if (weft_workers() > 1) // the stripes were contended across workers
    EXPECT_GE(__builtin_popcountll(seen_workers.load()), 2);
  EXPECT_EQ(crossed, 8L * kCrossed);
}

// More ids than the small sorted array holds, out of order and with
// duplicates, and ids of different value on one stripe: they exclude each
// other all the same.
long many_counter;
unsigned many_ids[40], many_rev[40];
const unsigned one_of_many[] = {7 + 1024 * 9}; // stripe 7, as many_ids[0]
weft_section sec_many = {__FILE__, __LINE__, 40, many_ids};
weft_section sec_rev = {__FILE__, __LINE__, 40, many_rev};
const weft_section sec_one = {__FILE__, __LINE__, 1, one_of_many};
void *many_body(void *arg) {
  intptr_t k = (intptr_t)arg % 3;
  const weft_section *s = k == 0 ? &sec_many : k == 1 ? &sec_rev : &sec_one;
  for (int i = 0; i < 10000 / kScale; i++) {
    guard g(s);
    long v = many_counter;
    widen();
    many_counter = v + 1;
  }
  return nullptr;
}

TEST(SectionLocks, ManyIdsUnsortedWithDuplicates) {
  for (unsigned i = 0; i < 40; i++) {
    many_ids[i] = 7 + (i % 20) * 1023 + (i / 20) * 1024 * 3; // 20 stripes, each twice
    many_rev[39 - i] = many_ids[i] + 1024;                    // same stripes, reversed
  }
  many_counter = 0;
  auto ts = spawn_n(9, many_body);
  join_all(ts);
  EXPECT_EQ(many_counter, 9L * (10000 / kScale));
}

// A section with no ids (it touches nothing shared) and nested sections:
// the inner ones run under the outermost's locks and take none of their
// own (an inner section with the outer's id would otherwise wait for
// itself).
long nested_counter;
const unsigned id_n[] = {77};
const weft_section sec_n = {__FILE__, __LINE__, 1, id_n};
const weft_section sec_none = {__FILE__, __LINE__, 0, nullptr};
const weft_section sec_coarse = {__FILE__, __LINE__, WEFT_SECTION_COARSE, nullptr};
void *nested_body(void *arg) {
  for (int i = 0; i < 5000 / kScale; i++) {
    if ((intptr_t)arg & 1) {
      guard outer(&sec_n);
      guard inner(&sec_n);
      guard innermost(&sec_coarse);
      long v = nested_counter;
      widen();
      nested_counter = v + 1;
    } else {
      guard outer(&sec_coarse);
      guard inner(&sec_n);
      guard none(&sec_none);
      long v = nested_counter;
      widen();
      nested_counter = v + 1;
    }
    guard empty(&sec_none);
  }
  return nullptr;
}

TEST(SectionLocks, NestedSectionsRunUnderTheOutermost) {
  nested_counter = 0;
  auto ts = spawn_n(6, nested_body);
  join_all(ts);
  EXPECT_EQ(nested_counter, 6L * (5000 / kScale));
}

// Sections on kernel threads weft does not run (libc's pthread_create):
// described or not they exclude the user threads' sections, on one worker
// as on several.
long kernel_counter;
const unsigned id_k[] = {300};
const weft_section sec_k = {__FILE__, __LINE__, 1, id_k};
void *kernel_section_body(void *arg) {
  for (int i = 0; i < 20000 / kScale; i++) {
    intptr_t k = ((intptr_t)arg + i) % 3;
    guard g(k == 0 ? &sec_k : k == 1 ? &sec_coarse : nullptr);
    long v = kernel_counter;
    widen();
    kernel_counter = v + 1;
  }
  return nullptr;
}
void *user_section_body(void *arg) {
  for (int i = 0; i < 20000 / kScale; i++) {
    {
      guard g((intptr_t)arg & 1 ? &sec_k : &sec_coarse);
      long v = kernel_counter;
      widen();
      kernel_counter = v + 1;
    }
    if (i % 256 == 0) weft_yield();
  }
  return nullptr;
}

TEST(SectionLocks, KernelThreadsExcludeUserThreads) {
  call::kernel_threads kernel;
  ASSERT_NE(kernel.libc, nullptr);
  kernel_counter = 0;
  pthread_t k[2];
  for (int i = 0; i < 2; i++)
    ASSERT_EQ(kernel.create(&k[i], nullptr, kernel_section_body, (void *)(intptr_t)i), 0);
  auto ts = spawn_n(4, user_section_body);
  join_all(ts);
  for (auto th : k) kernel.join(th, nullptr);
  EXPECT_EQ(kernel_counter, 6L * (20000 / kScale));
}

// Disjoint sections overlap in time on several workers; sections that
// share an id, or a coarse one, never do. Eight threads (a backlog that
// idle workers take from), half in one section, half in the other.
std::atomic<int> inside[2];
std::atomic<long> overlaps;
std::atomic<int> overlap_done;
const unsigned id_x[] = {11}, id_y[] = {12};
const weft_section sec_x = {__FILE__, __LINE__, 1, id_x};
const weft_section sec_y = {__FILE__, __LINE__, 1, id_y};
const weft_section *overlap_pair[2];
int64_t overlap_until;
void *overlap_body(void *arg) {
  int me = (int)(intptr_t)arg & 1;
  int64_t until = overlap_until;
  for (long i = 0; !overlap_done.load(std::memory_order_relaxed); i++) {
    {
      guard g(overlap_pair[me]);
      inside[me]++;
      for (int k = 0; k < 100; k++)
        if (inside[1 - me].load()) {
          overlaps++;
          break;
        }
      inside[me]--;
    }
    if (overlaps.load(std::memory_order_relaxed) >= 100 || (i % 1024 == 0 && weft_now() > until))
      overlap_done = 1;
    if (i % 64 == 0) weft_yield(); // the pairs on the workers change
  }
  return nullptr;
}
// Runs until 100 overlaps are seen or for `ns`.
long run_overlap(const weft_section *a, const weft_section *b, int64_t ns) {
  overlap_until = weft_now() + ns;
  overlap_pair[0] = a;
  overlap_pair[1] = b;
  overlaps = 0;
  overlap_done = 0;
  auto ts = spawn_n(8, overlap_body);
  join_all(ts);
  return overlaps.load();
}

TEST(SectionLocks, DisjointSectionsRunInParallel) {
  if (weft_workers() < 2) GTEST_SKIP() << "one worker";
  EXPECT_GT(run_overlap(&sec_x, &sec_y, 10000000000LL), 0);
  EXPECT_EQ(run_overlap(&sec_x, &sec_x, 500000000), 0);
  EXPECT_EQ(run_overlap(&sec_x, &sec_coarse, 500000000), 0);
  EXPECT_EQ(run_overlap(nullptr, &sec_y, 500000000), 0);
}

// ---- moving units between tables --------------------------------------------

// Tables of slots; movers take units from one slot and put them in another,
// inside sections: within one table under that table's id, across two
// tables under both ids, and some under the coarse lock (a null section or
// WEFT_SECTION_COARSE), one mover on a kernel thread. An auditor sums every
// slot under all the ids, or coarse, and the sum never changes.
constexpr int kTables = 4, kSlots = 32;
constexpr long kStart = 1000;
constexpr long kTotal = kTables * kSlots * kStart;
long tables[kTables][kSlots];
// Stable ids as the plugin derives them from names (hashes): any values.
const unsigned table_id[kTables] = {0x8f3a11c5u, 0x1b2c3d4eu, 0x5e6f7081u, 0xc0ffee12u};
unsigned within_ids[kTables][1];
unsigned cross_ids[kTables][kTables][2];
unsigned all_ids[kTables];
weft_section within_sec[kTables];
weft_section cross_sec[kTables][kTables];
weft_section all_sec;
std::atomic<int> movers_left;
std::atomic<long> audits, bad_audits, moves_done;

void build_descriptors() {
  for (int t = 0; t < kTables; t++) {
    within_ids[t][0] = table_id[t];
    within_sec[t] = {__FILE__, __LINE__, 1, within_ids[t]};
    all_ids[t] = table_id[t];
    for (int u = 0; u < kTables; u++) {
      cross_ids[t][u][0] = std::min(table_id[t], table_id[u]);
      cross_ids[t][u][1] = std::max(table_id[t], table_id[u]);
      cross_sec[t][u] = {__FILE__, __LINE__, 2, cross_ids[t][u]};
    }
  }
  std::sort(all_ids, all_ids + kTables);
  all_sec = {__FILE__, __LINE__, kTables, all_ids};
  for (auto &t : tables)
    for (long &s : t) s = kStart;
}

unsigned next_rand(unsigned *x) {
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

void move_units(long *from, long *to, long n) {
  long f = *from;
  widen();
  *from = f - n;
  long t = *to;
  *to = t + n;
}

void one_move(unsigned *rng, int home) {
  unsigned r = next_rand(rng);
  int a = home, b = (int)(r >> 8) % kTables;
  int sa = (int)(r >> 12) % kSlots, sb = (int)(r >> 20) % kSlots;
  long n = (long)(r >> 27);
  switch (r % 20) {
  case 0: { // coarse, any two tables
    guard g(&sec_coarse);
    move_units(&tables[a][sa], &tables[b][sb], n);
    break;
  }
  case 1: { // no description: coarse
    guard g(nullptr);
    move_units(&tables[b][sa], &tables[a][sb], n);
    break;
  }
  case 2: case 3: case 4: case 5: case 6: { // across two tables: both ids
    guard g(&cross_sec[a][b]);
    move_units(&tables[a][sa], &tables[b][sb], n);
    break;
  }
  default: { // within the home table: its id
    guard g(&within_sec[a]);
    move_units(&tables[a][sa], &tables[a][sb], n);
    break;
  }
  }
}

constexpr int kMoves = 40000 / kScale;
void *mover(void *arg) {
  unsigned rng = 0x9e3779b9u * (unsigned)((intptr_t)arg + 1);
  int home = (int)(intptr_t)arg % kTables;
  for (int i = 0; i < kMoves; i++) {
    one_move(&rng, home);
    if (i % 128 == 0) weft_yield();
  }
  moves_done += kMoves;
  movers_left--;
  return nullptr;
}
void *kernel_mover(void *arg) {
  unsigned rng = 0x12345u + (unsigned)(intptr_t)arg;
  for (int i = 0; i < kMoves; i++) one_move(&rng, (int)(intptr_t)arg % kTables);
  moves_done += kMoves;
  movers_left--;
  return nullptr;
}
void *auditor(void *) {
  for (long i = 0; movers_left.load() > 0 || i < 10; i++) {
    long sum = 0;
    {
      guard g(i % 3 == 0 ? &sec_coarse : &all_sec);
      for (auto &t : tables)
        for (long s : t) sum += s;
    }
    audits++;
    if (sum != kTotal) bad_audits++;
    weft_yield();
  }
  return nullptr;
}

TEST(SectionStress, MovesBetweenTablesKeepTheTotal) {
  build_descriptors();
  call::kernel_threads kernel;
  ASSERT_NE(kernel.libc, nullptr);
  constexpr int kMovers = 8;
  movers_left = kMovers + 1;
  audits = bad_audits = moves_done = 0;
  pthread_t k;
  ASSERT_EQ(kernel.create(&k, nullptr, kernel_mover, (void *)(intptr_t)3), 0);
  auto ts = spawn_n(kMovers, mover);
  weft_thread_t *a;
  ASSERT_EQ(weft_spawn(&a, nullptr, auditor, nullptr), 0);
  join_all(ts);
  kernel.join(k, nullptr);
  weft_join(a, nullptr);
  long sum = 0;
  for (auto &t : tables)
    for (long s : t) sum += s;
  EXPECT_EQ(sum, kTotal);
  EXPECT_EQ(moves_done.load(), (long)(kMovers + 1) * kMoves);
  EXPECT_GE(audits.load(), 10);
  EXPECT_EQ(bad_audits.load(), 0);
}

// ---- a section must not block ----------------------------------------------------

weft_mutex_t held = WEFT_MUTEX_INITIALIZER;
void *park_in_described_section(void *) {
  guard g(&sec_x);
  weft_mutex_lock(&held); // held by the test: parks
  return nullptr;
}

TEST(SectionDeathTest, ParkingInsideADescribedSectionAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        weft_mutex_lock(&held);
        weft_thread_t *t;
        weft_spawn(&t, nullptr, park_in_described_section, nullptr);
        weft_join(t, nullptr);
      },
      "reached a blocking point \\(mutex\\) inside a WEFT_ATOMIC section");
}

} // namespace
