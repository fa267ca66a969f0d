/* sched: timers. One binary min-heap of deadlines under a spinlock; each
 * thread has one embedded timer (a thread waits for one deadline at a time).
 * A timer that fires wakes (thread, gen) under the heap lock and marks
 * itself index -2, so the woken thread can tell a timeout from a wake-up,
 * and a thread that was woken otherwise takes its timer out (cancel) under
 * the same lock before it goes on. */
#include <stdlib.h>

#include "sched/sched.h"

/* The heap holds each deadline next to its timer, so that sifting compares
 * within the array and touches a timer (in its thread's descriptor, most
 * likely cold in this cache) only to note its new index. With thousands of
 * timers, most of them cancelled long before they fire (idle timeouts),
 * that is the difference between one cache miss per level and none. */
struct entry {
  int64_t deadline;
  struct weft_timer *timer;
};

static weft_spinlock lock;
static struct entry *heap;
static size_t len, cap;
static _Atomic int64_t earliest = INT64_MAX;

static void set(size_t i, struct entry e) {
  heap[i] = e;
  e.timer->index = (int32_t)i;
}

static void up(size_t i) {
  struct entry e = heap[i];
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (heap[p].deadline <= e.deadline) break;
    set(i, heap[p]);
    i = p;
  }
  set(i, e);
}

static void down(size_t i) {
  struct entry e = heap[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= len) break;
    if (c + 1 < len && heap[c + 1].deadline < heap[c].deadline) c++;
    if (heap[c].deadline >= e.deadline) break;
    set(i, heap[c]);
    i = c;
  }
  set(i, e);
}

static void remove_at(size_t i) {
  heap[i].timer->index = -1;
  len--;
  if (i != len) {
    int64_t gone = heap[i].deadline;
    heap[i] = heap[len];
    if (heap[i].deadline < gone) up(i); else down(i);
  }
}

static void publish(void) {
  atomic_store_explicit(&earliest, len ? heap[0].deadline : INT64_MAX, memory_order_release);
}

void weft_timer_add(struct weft_timer *t) {
  weft_spin_lock(&lock);
  if (len == cap) {
    size_t ncap = cap ? cap * 2 : 1024;
    struct entry *n = (struct entry *)realloc(heap, ncap * sizeof *n);
    if (!n) weft_fatal("weft: out of memory for timers");
    heap = n;
    cap = ncap;
  }
  set(len, (struct entry){t->deadline, t});
  len++;
  up(len - 1);
  int first = heap[0].timer == t;
  publish();
  weft_spin_unlock(&lock);
  if (first) weft_sched_kick_poller();
}

void weft_timer_cancel(struct weft_timer *t) {
  weft_spin_lock(&lock);
  if (t->index >= 0) {
    remove_at((size_t)t->index);
    publish();
  }
  weft_spin_unlock(&lock);
}

int64_t weft_timer_next(void) { return atomic_load_explicit(&earliest, memory_order_acquire); }

void weft_timer_fire(int64_t now) {
  weft_spin_lock(&lock);
  while (len && heap[0].deadline <= now) {
    struct weft_timer *t = heap[0].timer;
    remove_at(0);
    t->index = weft_wake(t->thread, t->gen) ? -2 : -1;
  }
  publish();
  weft_spin_unlock(&lock);
}
