/* sched: timers. One binary min-heap of deadlines under a spinlock; each
 * thread has one embedded timer (a thread waits for one deadline at a time).
 * A timer that fires wakes (thread, gen) under the heap lock and marks
 * itself index -2, so the woken thread can tell a timeout from a wake-up.
 *
 * A thread woken before its deadline leaves its entry in the heap: most
 * deadlines are idle timeouts (a socket read with SO_RCVTIMEO) that are
 * armed again at once, later, for the next read, and taking an entry out
 * of a heap of thousands moves a dozen others, each a write to a timer in
 * a cold thread descriptor (3.4% of Knot's time at 9,000 connections).
 * So arming a timer whose entry is still queued only moves the entry if
 * the new deadline is earlier; the timer itself holds the deadline that
 * counts, never earlier than its entry's. An entry that comes due for a
 * timer whose deadline is later goes back into the heap at that deadline;
 * one whose thread no longer waits on that generation wakes nobody
 * (weft_wake ignores a stale generation) and leaves. A thread's entry is
 * taken out when the thread exits. */
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

void weft_timer_arm(struct weft_timer *t, struct weft_thread *thread, int64_t deadline,
                    uint64_t gen) {
  weft_spin_lock(&lock);
  t->thread = thread;
  t->gen = gen;
  t->deadline = deadline;
  if (t->index >= 0) {
    /* Still queued from an earlier wait. A later deadline waits for the
     * entry to come due; an earlier one moves it up now. */
    size_t i = (size_t)t->index;
    if (deadline < heap[i].deadline) {
      heap[i].deadline = deadline;
      up(i);
    }
  } else {
    if (len == cap) {
      size_t ncap = cap ? cap * 2 : 1024;
      struct entry *n = (struct entry *)realloc(heap, ncap * sizeof *n);
      if (!n) weft_fatal("weft: out of memory for timers");
      heap = n;
      cap = ncap;
    }
    set(len, (struct entry){deadline, t});
    len++;
    up(len - 1);
  }
  int first = heap[0].timer == t;
  publish();
  weft_spin_unlock(&lock);
  if (first) weft_sched_kick_poller();
}

int weft_timer_timed_out(struct weft_timer *t, uint64_t gen) {
  weft_spin_lock(&lock);
  int fired = t->gen == gen && t->index == -2;
  if (fired) t->index = -1;
  weft_spin_unlock(&lock);
  return fired;
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
    if (t->deadline > now) { /* armed again since: due later */
      heap[0].deadline = t->deadline;
      down(0);
      continue;
    }
    remove_at(0);
    if (weft_wake(t->thread, t->gen)) t->index = -2;
  }
  publish();
  weft_spin_unlock(&lock);
}

/* The array is dropped, not freed: a worker of the parent may have been
 * inside realloc for it, so the pointer may be stale. */
void weft_timer_forked_child(void) {
  heap = 0;
  len = cap = 0;
  atomic_store_explicit(&earliest, INT64_MAX, memory_order_relaxed);
  weft_spin_unlock(&lock);
}
