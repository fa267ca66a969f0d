/* sched/stats.c: weft_stats, from per-worker counters that only each
 * worker's kernel thread writes (summed on read), and their printing
 * (WEFT_STATS=1 prints them at exit). */
#define _GNU_SOURCE
#include "sched/sched_internal.h"

#include <stdio.h>
#include <string.h>

/* The names from the one list of kinds (weft/block_kinds.def), in the
 * enum's order. */
static const char *const kind_names[WEFT_BLOCK_KINDS] = {
#define WEFT_BLOCK_KIND(ID, name) #name,
#include <weft/block_kinds.def>
#undef WEFT_BLOCK_KIND
};

const char *weft_block_kind_name(enum weft_block_kind kind) {
  return (unsigned)kind < WEFT_BLOCK_KINDS ? kind_names[kind] : "?";
}

void weft_stats(struct weft_stats *out) {
  memset(out, 0, sizeof *out);
  uint64_t spawned = atomic_load(&weft_rt.spawned), exited = atomic_load(&weft_rt.exited);
  int64_t blocked[WEFT_BLOCK_KINDS] = {0};
  uint64_t runnable = (uint64_t)atomic_load_explicit(&weft_rt.global.count, memory_order_relaxed) +
                      (uint64_t)atomic_load_explicit(&weft_rt.prio.count, memory_order_relaxed);
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    struct weft_worker *w = &weft_rt.workers[i];
    spawned += atomic_load_explicit(&w->spawned, memory_order_relaxed);
    exited += atomic_load_explicit(&w->exited, memory_order_relaxed);
    for (int k = 0; k < WEFT_BLOCK_KINDS; k++)
      blocked[k] += atomic_load_explicit(&w->blocked[k], memory_order_relaxed);
    runnable += rq_len(w) + (uint64_t)atomic_load_explicit(&w->prio.count, memory_order_relaxed);
  }
  /* From counters, not by walking the threads: the counts are read one
   * after the other while threads change state, so they are a snapshot
   * only when the program is quiet. */
  uint64_t live = spawned - exited, nblocked = 0;
  for (int k = 0; k < WEFT_BLOCK_KINDS; k++) nblocked += blocked[k] > 0 ? (uint64_t)blocked[k] : 0;
  if (nblocked > live) nblocked = live;
  if (runnable > live - nblocked) runnable = live - nblocked;
  out->blocked = nblocked;
  out->runnable = runnable;
  out->running = live - nblocked - runnable;
  if (out->running > weft_rt.nworkers) out->running = weft_rt.nworkers;
  out->spawned = spawned;
  out->live = spawned - exited;
  for (int k = 0; k < WEFT_BLOCK_KINDS; k++) out->blocked_by_kind[k] = blocked[k] > 0 ? (uint64_t)blocked[k] : 0;
  out->workers = weft_rt.nworkers;
  out->fpu_every_switch = weft_fpu_default == WEFT_FPU_SAVED;
  for (unsigned i = 0; i < weft_rt.nworkers; i++) {
    struct weft_worker *w = &weft_rt.workers[i];
    out->switches += atomic_load_explicit(&w->switches, memory_order_relaxed);
    out->steals += atomic_load_explicit(&w->steals, memory_order_relaxed);
    if (i < WEFT_STATS_MAX_WORKERS)
      out->queue_length[i] = rq_len(w) + (uint64_t)atomic_load_explicit(&w->prio.count, memory_order_relaxed);
  }
  out->arena_bytes = weft_seg_arena_bytes();
}

void weft_stats_print(int fd) {
  struct weft_stats s;
  weft_stats(&s);
  char buf[2048];
  int n = snprintf(buf, sizeof buf,
                   "weft stats: workers %u, threads spawned %llu, live %llu (running %llu, "
                   "runnable %llu, blocked %llu), switches %llu, steals %llu, stack arena %llu KiB\n",
                   s.workers, (unsigned long long)s.spawned, (unsigned long long)s.live,
                   (unsigned long long)s.running, (unsigned long long)s.runnable,
                   (unsigned long long)s.blocked, (unsigned long long)s.switches,
                   (unsigned long long)s.steals, (unsigned long long)(s.arena_bytes >> 10));
  n += snprintf(buf + n, sizeof buf - n, "weft stats: blocked by kind:");
  for (int k = 1; k < WEFT_BLOCK_KINDS; k++)
    n += snprintf(buf + n, sizeof buf - n, " %s %llu", kind_names[k],
                  (unsigned long long)s.blocked_by_kind[k]);
  n += snprintf(buf + n, sizeof buf - n, "\nweft stats: run queue per worker:");
  for (unsigned i = 0; i < s.workers && i < WEFT_STATS_MAX_WORKERS; i++)
    n += snprintf(buf + n, sizeof buf - n, " %llu", (unsigned long long)s.queue_length[i]);
  n += snprintf(buf + n, sizeof buf - n, "\nweft stats: FPU control words: %s\n",
                s.fpu_every_switch ? "saved on every switch"
                                   : "shared per worker, own for threads that set them");
  (void)syscall(SYS_write, fd, buf, n); /* statistics at exit: best effort */
}

void weft_stats_at_exit(void) { weft_stats_print(2); }

