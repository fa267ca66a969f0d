/* sched/switch.c: switching between user threads, and the blocking
 * protocol (arm, park, wake, yield).
 *
 * Switches go directly from one user thread to the next in the local ring
 * (no detour through the scheduler), so a yield or a hand-off costs one
 * fcontext jump. A worker with nothing local switches to its scheduler
 * context, g0 (worker.c).
 *
 * The switch protocol. A jump passes a message {prev, action} that the
 * landing context handles on its own stack ("weft_after_switch"): it saves
 * prev's context, then either marks it resumable (park), queues it (yield)
 * or finishes it (exit: wake the joiner or free the segment). Because a
 * thread may be woken (made runnable) before it has finished parking, a
 * worker that picks a thread waits for its `ctx_ready` before jumping;
 * that window is a few instructions long. Wake-ups carry the generation
 * the waiter armed, so a timeout and a signal never wake a thread twice.
 * A thread that exits when the next one to run has never run does not
 * jump at all: nothing of it needs saving and the new one needs no frame
 * to resume, so its stack pointer is set and it starts (exit_to_fresh,
 * thread.c).
 *
 * On each switch the canary of the thread being left is checked (see
 * stack/segment.c), errno is saved and restored (it lives in the kernel
 * thread's TLS), and the stack limit (%fs:0x70) is set for the thread coming in.
 * The FPU control words move only if either thread has its own
 * (sched/fpu.c): most switches use weft_context_jump_shared.
 * Both use the segment the thread runs on now (cur_lo): its base segment,
 * or the linked segment __weft_call_on_new_segment put it on.
 *
 * hand_over and pick_next_fast, which the exit path (thread.c) shares, are
 * inline in sched_internal.h.
 */
#define _GNU_SOURCE
#include "sched/sched_internal.h"

#include <errno.h>

/* The running user thread / worker of this kernel thread, and its errno,
 * never inlined (sched.h). */
__attribute__((noinline)) struct weft_worker *weft_cur_worker(void) {
  __asm__ __volatile__("" ::: "memory");
  return weft_tls_worker;
}
__attribute__((noinline)) struct weft_thread *weft_current(void) {
  __asm__ __volatile__("" ::: "memory");
  struct weft_worker *w = weft_tls_worker;
  return w ? w->current : 0;
}
__attribute__((noinline)) int weft_get_errno(void) {
  __asm__ __volatile__("" ::: "memory");
  return errno;
}
__attribute__((noinline)) void weft_set_errno(int e) {
  __asm__ __volatile__("" ::: "memory");
  errno = e;
}

/* ---- switching -------------------------------------------------------- */

void weft_overflow_abort(struct weft_thread *t) {
  weft_fatal("weft: stack overflow in user thread %llu%s%s%s: the canary at the low end "
             "of its %zu-byte stack segment [%p, %p) was overwritten. Give the thread "
             "a larger stack (weft_attr_t.stack_size, pthread_attr_setstacksize or "
             "WEFT_STACK_SIZE) or build it with the weft plugin.",
             (unsigned long long)t->id, t->name[0] ? " (" : "", t->name,
             t->name[0] ? ")" : "", (size_t)t->cur_size, (void *)t->cur_lo,
             (void *)(t->cur_lo + t->cur_size));
}

__attribute__((noinline)) void weft_after_switch(struct weft_transfer tr) {
  struct weft_worker *w = weft_tls_worker;
  struct weft_switch_msg *m = (struct weft_switch_msg *)tr.data;
  struct weft_thread *self = w->current;
  weft_fiber_arrive(self ? &self->fiber : &w->g0_fiber);
  struct weft_thread *prev = m->prev;
  if (!prev) {
    w->g0_ctx = tr.fctx;
  } else {
    prev->ctx = tr.fctx;
    switch (m->action) {
    case ACT_PARK:
      atomic_store_explicit(&prev->ctx_ready, 1, memory_order_release);
      break;
    case ACT_READY:
      atomic_store_explicit(&prev->ctx_ready, 1, memory_order_release);
      atomic_store_explicit(&prev->state, WEFT_RUNNABLE, memory_order_relaxed);
      if (self) ready_local(w, prev); else rq_push(w, prev);
      break;
    case ACT_EXIT:
      weft_thread_finish(w, prev);
      break;
    }
  }
  if (self) *w->errno_ptr = self->saved_errno;
}

/* next's context is being saved by the worker it parked on: a few
 * instructions, unless the kernel preempted that worker in them; then
 * give it the CPU. Out of line: weft_switch_to's common path keeps few
 * registers. */
static __attribute__((noinline)) int wait_ctx_ready(struct weft_thread *next) {
  int ready;
  for (unsigned spins = 0; !(ready = atomic_load_explicit(&next->ctx_ready, memory_order_acquire));)
    weft_backoff(&spins);
  return ready;
}

/* The jump of a switch in which prev or next has FPU control words of its
 * own (sched/fpu.c): jump_fcontext saves prev's and loads those in next's
 * frame, which for a SHARED next (or the worker) are set to the shared
 * ones first. (A new thread's frame already holds the words it starts
 * with: weft_switch_to.) It runs after the sanitizers were told of the switch
 * (weft_fiber_leave), so it carries no instrumentation: TSan would record
 * its entry on next's fiber and its exit on prev's. */
static __attribute__((noinline)) WEFT_UNINSTRUMENTED struct weft_transfer switch_fpu(
    struct weft_worker *w, struct weft_thread *next) {
  void *to = next ? next->ctx : w->g0_ctx;
  if (!next || next->fpu == WEFT_FPU_SHARED) weft_context_fpu_set(to, weft_context_proto.fpu);
  return weft_context_jump(to, &w->msg);
}

/* weft_switch_to's rare cases, before anything of the switch is done: next's
 * context is still being saved by the worker it parked on, or next never
 * ran and weft_context_make cannot copy a frame. weft_switch_to then starts
 * again. Out of line, and reached by a tail call: weft_switch_to's common
 * path makes no call but the jump, so it keeps no registers. */
static __attribute__((noinline)) void switch_to_slow(struct weft_worker *w,
                                                     struct weft_thread *prev,
                                                     struct weft_thread *next, int action) {
  int ready = wait_ctx_ready(next);
  if (ready == CTX_FRESH && !weft_context_proto.ok) {
    next->ctx = make_fcontext((char *)next, (size_t)((char *)next - next->cur_lo),
                              weft_thread_entry);
    weft_context_fpu_set(next->ctx, start_fpu(next));
    atomic_store_explicit(&next->ctx_ready, CTX_SAVED, memory_order_relaxed);
  }
  weft_switch_to(w, prev, next, action);
}

void weft_switch_to(struct weft_worker *w, struct weft_thread *prev,
                    struct weft_thread *next, int action) {
  if (prev) {
    if (WEFT_UNLIKELY(!weft_seg_canary_ok(prev->cur_lo))) weft_overflow_abort(prev);
    if (action != ACT_EXIT) prev->saved_errno = *w->errno_ptr;
  }
  if (next) {
    int ready = atomic_load_explicit(&next->ctx_ready, memory_order_acquire);
    if (WEFT_UNLIKELY(ready != CTX_SAVED)) {
      if (WEFT_UNLIKELY(!ready || !weft_context_proto.ok)) {
        switch_to_slow(w, prev, next, action);
        return;
      }
      /* Never ran: a frame that starts weft_thread_entry, with the FPU control
       * words it starts with (the shared ones, which the copied frame
       * holds, or its creator's). */
      next->ctx = weft_context_make((char *)next, (size_t)((char *)next - next->cur_lo),
                                    weft_thread_entry);
      if (WEFT_UNLIKELY(next->fpu == WEFT_FPU_OWN)) weft_context_fpu_set(next->ctx, next->fpu_env);
    }
  }
  hand_over(w, prev, next, action);
  weft_fiber_leave(prev ? &prev->fiber : &w->g0_fiber, next ? &next->fiber : &w->g0_fiber,
                   action == ACT_EXIT);
  struct weft_transfer tr;
  if (WEFT_LIKELY(!((prev ? prev->fpu : 0) | (next ? next->fpu : 0))))
    tr = weft_context_jump_shared(next ? next->ctx : w->g0_ctx, &w->msg);
  else
    tr = switch_fpu(w, next);
  weft_after_switch(tr);
}

uint64_t weft_arm(struct weft_thread *self) { return arm(self); }
void weft_unarm(struct weft_thread *self, uint64_t gen, int kind) { unarm(self, gen, kind); }
int weft_wake(struct weft_thread *t, uint64_t gen) { return wake(t, gen); }

void weft_park(int kind) {
  struct weft_worker *w = weft_tls_worker;
  struct weft_thread *self = w->current;
  if (WEFT_UNLIKELY(self->section_depth))
    weft_fatal("weft: user thread %llu reached a blocking point (%s) inside a WEFT_ATOMIC "
               "section; a section must not block",
               (unsigned long long)self->id, weft_block_kind_name(kind));
  atomic_store_explicit(&self->block_kind, kind, memory_order_relaxed);
  stat_add(&w->blocked[kind], 1);
  atomic_store_explicit(&self->state, WEFT_BLOCKED, memory_order_relaxed);
  struct weft_thread *next = pick_next_fast(w);
  if (next == self) {
    atomic_store_explicit(&self->state, WEFT_RUNNING, memory_order_relaxed);
  } else {
    weft_switch_to(w, self, next, ACT_PARK);
    w = weft_cur_worker();
  }
  stat_add(&w->blocked[kind], -1);
}

int weft_park_until(int kind, int64_t deadline, uint64_t gen) {
  struct weft_thread *self = weft_current();
  if (deadline >= 0) {
    self->timer_used = 1;
    weft_timer_arm(&self->timer, self, deadline, gen);
  }
  weft_park(kind);
  /* A wake-up before the deadline leaves the timer's entry queued: the
   * next wait with a deadline, or the exit, deals with it (timer.c). */
  if (deadline >= 0 && weft_timer_timed_out(&weft_current()->timer, gen)) return ETIMEDOUT;
  return 0;
}

static __attribute__((noinline)) void yield_slow(struct weft_worker *w, struct weft_thread *self) {
  weft_switch_to(w, self, pick_next_fast(w), ACT_READY);
}

void weft_yield(void) {
  struct weft_worker *w = weft_tls_worker;
  if (!w || !w->current) {
    (void)syscall(SYS_sched_yield); /* cannot fail on Linux */
    return;
  }
  struct weft_thread *self = w->current;
  /* pick_next_fast's common case inline, the rest by a tail call: the
   * yield then keeps no registers before its tail call to weft_switch_to. */
  uint32_t tick = w->tick + 1;
  if (WEFT_UNLIKELY((tick & 255) == 0 ||
                    atomic_load_explicit(&weft_rt.prio.count, memory_order_relaxed) ||
                    atomic_load_explicit(&w->prio.count, memory_order_relaxed))) {
    yield_slow(w, self);
    return;
  }
  w->tick = tick;
  weft_switch_to(w, self, rq_pop(w), ACT_READY);
}

/* ---- sleeping --------------------------------------------------------- */

int weft_sleep(uint64_t ns) {
  struct weft_thread *self = weft_current();
  if (!self) {
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (syscall(SYS_nanosleep, &ts, &ts) != 0 && errno == EINTR) {
    }
    return 0;
  }
  int64_t deadline = weft_now_ns() + (int64_t)ns;
  while (weft_now_ns() < deadline) {
    uint64_t gen = weft_arm_for(self, WEFT_BLOCK_SLEEP);
    weft_park_until(WEFT_BLOCK_SLEEP, deadline, gen);
    self = weft_current();
  }
  return 0;
}
int64_t weft_now(void) { return weft_now_ns(); }
