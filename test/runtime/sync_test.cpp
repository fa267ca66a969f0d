// Mutex, condition variable, semaphore, rwlock, barrier, once, channel.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "weft/weft.h"

namespace {

std::vector<weft_thread_t *> spawn_n(int n, void *(*fn)(void *), void *arg) {
  std::vector<weft_thread_t *> ts(n);
  for (auto &t : ts) EXPECT_EQ(weft_spawn(&t, nullptr, fn, arg), 0);
  return ts;
}
void join_all(const std::vector<weft_thread_t *> &ts) {
  for (auto *t : ts) weft_join(t, nullptr);
}

weft_mutex_t mu = WEFT_MUTEX_INITIALIZER;
long counter;
void *mutex_body(void *) {
  for (int i = 0; i < 5000; i++) {
    weft_mutex_lock(&mu);
    long v = counter;
    if (i % 100 == 0) weft_yield(); // hold it across a switch
    counter = v + 1;
    weft_mutex_unlock(&mu);
  }
  return nullptr;
}

TEST(Sync, MutexExcludes) {
  counter = 0;
  join_all(spawn_n(8, mutex_body, nullptr));
  EXPECT_EQ(counter, 8 * 5000);
  EXPECT_EQ(weft_mutex_trylock(&mu), 0);
  EXPECT_EQ(weft_mutex_timedlock(&mu, weft_now() + 1000000), ETIMEDOUT);
  weft_mutex_unlock(&mu);
}

weft_cond_t cv = WEFT_COND_INITIALIZER;
int ready_count, go;
void *cond_waiter(void *) {
  weft_mutex_lock(&mu);
  ready_count++;
  while (!go) weft_cond_wait(&cv, &mu);
  weft_mutex_unlock(&mu);
  return nullptr;
}

TEST(Sync, CondBroadcastAndSignal) {
  go = 0;
  ready_count = 0;
  auto ts = spawn_n(50, cond_waiter, nullptr);
  for (;;) {
    weft_mutex_lock(&mu);
    int r = ready_count;
    weft_mutex_unlock(&mu);
    if (r == 50) break;
    weft_yield();
  }
  weft_mutex_lock(&mu);
  go = 1;
  weft_cond_broadcast(&cv);
  weft_mutex_unlock(&mu);
  join_all(ts);
  EXPECT_EQ(weft_cond_signal(&cv), 0); // no waiters: nothing happens
}

TEST(Sync, CondTimedWaitTimesOut) {
  weft_mutex_lock(&mu);
  int64_t t0 = weft_now();
  EXPECT_EQ(weft_cond_timedwait(&cv, &mu, t0 + 5000000), ETIMEDOUT);
  EXPECT_GE(weft_now() - t0, 5000000);
  EXPECT_EQ(weft_mutex_trylock(&mu), EBUSY); // reacquired
  weft_mutex_unlock(&mu);
}

int pp_turn;
void *ping_pong(void *arg) {
  int me = (int)(intptr_t)arg;
  for (int i = 0; i < 20000; i++) {
    weft_mutex_lock(&mu);
    while (pp_turn != me) weft_cond_wait(&cv, &mu);
    pp_turn = !me;
    weft_cond_signal(&cv);
    weft_mutex_unlock(&mu);
  }
  return nullptr;
}

TEST(Sync, CondHandOff) {
  pp_turn = 0;
  weft_thread_t *a, *b;
  ASSERT_EQ(weft_spawn(&a, nullptr, ping_pong, (void *)0), 0);
  ASSERT_EQ(weft_spawn(&b, nullptr, ping_pong, (void *)1), 0);
  weft_join(a, nullptr);
  weft_join(b, nullptr);
}

weft_sem_t sem;
std::atomic<int> sem_done;
void *sem_body(void *) {
  weft_sem_wait(&sem);
  sem_done++;
  return nullptr;
}

TEST(Sync, Semaphore) {
  weft_sem_init(&sem, 0);
  sem_done = 0;
  EXPECT_EQ(weft_sem_trywait(&sem), EAGAIN);
  EXPECT_EQ(weft_sem_timedwait(&sem, weft_now() + 1000000), ETIMEDOUT);
  auto ts = spawn_n(20, sem_body, nullptr);
  weft_sleep(1000000);
  EXPECT_EQ(sem_done.load(), 0);
  for (int i = 0; i < 20; i++) weft_sem_post(&sem);
  join_all(ts);
  EXPECT_EQ(sem_done.load(), 20);
  weft_sem_post(&sem);
  EXPECT_EQ(weft_sem_value(&sem), 1u);
  EXPECT_EQ(weft_sem_trywait(&sem), 0);
}

weft_rwlock_t rw = WEFT_RWLOCK_INITIALIZER;
long rw_value;
std::atomic<int> readers_inside, max_readers;
void *rw_reader(void *) {
  for (int i = 0; i < 500; i++) {
    weft_rwlock_rdlock(&rw);
    int n = ++readers_inside;
    int m = max_readers.load();
    while (n > m && !max_readers.compare_exchange_weak(m, n)) {
    }
    long a = rw_value;
    weft_yield();
    EXPECT_EQ(rw_value, a);
    readers_inside--;
    weft_rwlock_unlock(&rw);
  }
  return nullptr;
}
void *rw_writer(void *) {
  for (int i = 0; i < 200; i++) {
    weft_rwlock_wrlock(&rw);
    EXPECT_EQ(readers_inside.load(), 0);
    rw_value++;
    weft_yield();
    weft_rwlock_unlock(&rw);
    weft_yield();
  }
  return nullptr;
}

void *second_reader(void *) {
  int r = weft_rwlock_tryrdlock(&rw);
  if (r == 0) weft_rwlock_unlock(&rw);
  return (void *)(intptr_t)r;
}

TEST(Sync, RwlockReadersShareWritersExclude) {
  rw_value = 0;
  auto rs = spawn_n(6, rw_reader, nullptr);
  auto ws = spawn_n(2, rw_writer, nullptr);
  join_all(rs);
  join_all(ws);
  EXPECT_EQ(rw_value, 400);
  // Readers share: a second thread gets a read lock while we hold one.
  EXPECT_EQ(weft_rwlock_rdlock(&rw), 0);
  weft_thread_t *t;
  ASSERT_EQ(weft_spawn(&t, nullptr, second_reader, nullptr), 0);
  void *r;
  weft_join(t, &r);
  EXPECT_EQ((intptr_t)r, 0);
  EXPECT_EQ(weft_rwlock_trywrlock(&rw), EBUSY);
  weft_rwlock_unlock(&rw);
  EXPECT_EQ(weft_rwlock_trywrlock(&rw), 0);
  weft_rwlock_unlock(&rw);
}

weft_barrier_t bar;
std::atomic<int> phase_count[3], serials;
void *barrier_body(void *) {
  for (int p = 0; p < 3; p++) {
    phase_count[p]++;
    if (weft_barrier_wait(&bar)) serials++;
    EXPECT_EQ(phase_count[p].load(), 10);
  }
  return nullptr;
}

TEST(Sync, Barrier) {
  ASSERT_EQ(weft_barrier_init(&bar, 10), 0);
  join_all(spawn_n(10, barrier_body, nullptr));
  EXPECT_EQ(serials.load(), 3);
}

weft_once_t once = WEFT_ONCE_INIT;
std::atomic<int> once_calls;
void once_fn() {
  weft_yield(); // others arrive while it runs
  once_calls++;
}
void *once_body(void *) {
  weft_once(&once, once_fn);
  EXPECT_EQ(once_calls.load(), 1);
  return nullptr;
}

TEST(Sync, OnceRunsOnce) {
  join_all(spawn_n(10, once_body, nullptr));
  EXPECT_EQ(once_calls.load(), 1);
}

struct chan_args {
  weft_channel_t *ch;
  int n;
};
void *producer(void *arg) {
  auto *a = (chan_args *)arg;
  for (int i = 1; i <= a->n; i++) EXPECT_EQ(weft_channel_send(a->ch, &i), 0);
  return nullptr;
}

TEST(Sync, BufferedAndRendezvousChannels) {
  for (size_t cap : {0ul, 1ul, 16ul}) {
    weft_channel_t *ch = weft_channel_create(sizeof(int), cap);
    ASSERT_NE(ch, nullptr);
    chan_args a{ch, 1000};
    auto ps = spawn_n(3, producer, &a);
    long sum = 0;
    for (int i = 0; i < 3000; i++) {
      int v;
      ASSERT_EQ(weft_channel_recv(ch, &v), 0);
      sum += v;
    }
    join_all(ps);
    EXPECT_EQ(sum, 3L * 1000 * 1001 / 2);
    weft_channel_close(ch);
    int v;
    EXPECT_EQ(weft_channel_recv(ch, &v), EPIPE);
    EXPECT_EQ(weft_channel_send(ch, &v), EPIPE);
    weft_channel_destroy(ch);
  }
}

}  // namespace

namespace {

// Timeouts racing with signals: a waiter is woken exactly once, either by
// the timer or by a signal, and nothing is lost or hangs.
weft_mutex_t race_mu = WEFT_MUTEX_INITIALIZER;
weft_cond_t race_cv = WEFT_COND_INITIALIZER;
weft_sem_t race_sem;
std::atomic<bool> race_stop;
std::atomic<long> race_waits, race_timeouts;
void *timed_waiter(void *arg) {
  unsigned seed = (unsigned)(intptr_t)arg;
  for (int i = 0; i < 1500; i++) {
    seed = seed * 1103515245u + 12345u;
    int64_t d = weft_now() + (seed >> 16) % 50000;
    weft_mutex_lock(&race_mu);
    int r = weft_cond_timedwait(&race_cv, &race_mu, d);
    weft_mutex_unlock(&race_mu);
    if (r == ETIMEDOUT) race_timeouts++;
    if (weft_sem_timedwait(&race_sem, weft_now() + (seed >> 8) % 30000) == 0) race_waits++;
    if (weft_mutex_timedlock(&race_mu, weft_now() + 20000) == 0) weft_mutex_unlock(&race_mu);
  }
  return nullptr;
}
void *race_signaller(void *arg) {
  long k = 0;
  while (!race_stop.load()) {
    if (arg) weft_cond_broadcast(&race_cv); else weft_cond_signal(&race_cv);
    weft_sem_post(&race_sem);
    if (++k % 8 == 0) weft_yield();
  }
  return nullptr;
}

TEST(SyncStress, TimeoutsRaceWithWakeUps) {
  weft_sem_init(&race_sem, 0);
  race_stop = false;
  std::vector<weft_thread_t *> ws(8), ss(2);
  for (size_t i = 0; i < ws.size(); i++)
    ASSERT_EQ(weft_spawn(&ws[i], nullptr, timed_waiter, (void *)(intptr_t)(i + 1)), 0);
  for (size_t i = 0; i < ss.size(); i++)
    ASSERT_EQ(weft_spawn(&ss[i], nullptr, race_signaller, (void *)(intptr_t)i), 0);
  for (auto *t : ws) weft_join(t, nullptr);
  race_stop = true;
  for (auto *t : ss) weft_join(t, nullptr);
  EXPECT_GT(race_waits.load() + race_timeouts.load(), 0);
}

}  // namespace
