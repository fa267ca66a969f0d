// First segments sized from the plugin's table: built with linked stacks,
// a thread started with default attributes on a function in the object's
// table gets a first segment sized to what the function needs, and stays
// within it. The segment is painted before the thread first runs (one
// worker: it runs only when main waits), and after the thread finished
// the painted bytes it changed show how deep it went:
//   - a thread that returns at once: what the runtime itself uses around
//     the entry function (sched/thread.c: ENTRY_ABOVE, ENTRY_CHAIN);
//   - a thread that locks, waits on a condition variable, is woken and
//     returns: the need the table gives (its frame, the bounds of the
//     pthread calls) plus the runtime's part, all above the stack limit;
//   - a thread that recurses 20,000 levels: it starts on a small segment
//     too (the table's reserve covers the recursion's entry check and slow
//     path), links segments, and never touches the canary.
// A function whose code reaches a call of unknown stack use that has no
// checkpoint is not in the table; a program linked with lazy binding gets
// no small segments (its table is ignored).
//
// RUN: %clang_weft -O2 -fplugin-arg-weft-linked-stacks -I%weft_include %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=1 %t | FileCheck %s
// CHECK: returns: segment {{[0-9]+}} bytes (small), deepest {{[0-9]+}} bytes below the top, above the limit
// CHECK: waits: segment {{[0-9]+}} bytes (small), deepest {{[0-9]+}} bytes below the top, above the limit
// CHECK: recurses: segment {{[0-9]+}} bytes (small), sum right, canary untouched
// RUN: env WEFT_WORKERS=2 %t many | FileCheck %s --check-prefix=MANY
// MANY: 200 threads recursing on 2 workers: sums right
// The report gives each table entry.
// RUN: rm -rf %t.report && %clang_weft -O2 -fplugin-arg-weft-linked-stacks -fplugin-arg-weft-report=%t.report -I%weft_include -c %s -o %t.o
// RUN: python3 -c "import json,sys; [print(f['name'], f.get('first_segment')) for f in json.load(open(sys.argv[1]))['functions'] if f['name'] in ('waits', 'recurses', 'down')]" %t.report/first-segment.c.weft.json | FileCheck %s --check-prefix=REPORT
// REPORT-DAG: waits {'reserve_bytes': 0, 'stack_bytes': {{[1-9][0-9]*}}}
// REPORT-DAG: recurses {'reserve_bytes': {{[1-9][0-9]*}}, 'stack_bytes': {{[1-9][0-9]*}}}
// REPORT-DAG: down None
// RUN: %clang_weft -O2 -fplugin-arg-weft-linked-stacks -I%weft_include %s $(weft-config --libs) -Wl,-z,lazy -o %t.lazy
// RUN: env WEFT_WORKERS=1 %t.lazy | FileCheck %s --check-prefix=LAZY
// LAZY: returns: segment {{[0-9]+}} bytes (default)
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/weft.h"

enum { CANARY = 64, REDZONE = 256, ABOVE = 128 };

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static volatile int waiting, woken;

static void *returns(void *arg) { return arg; }

static void *waits(void *arg) {
  pthread_mutex_lock(&m);
  waiting = 1;
  while (!woken)
    pthread_cond_wait(&c, &m);
  pthread_mutex_unlock(&m);
  return arg;
}

__attribute__((noinline)) static long down(long n) {
  volatile char pad[64];
  pad[n & 63] = (char)n;
  return n == 0 ? 0 : n + down(n - 1) + (pad[n & 63] != (char)n);
}
static void *recurses(void *arg) {
  long n = (long)(intptr_t)arg;
  return (void *)(intptr_t)(down(n) == n * (n + 1) / 2);
}

static int is_small(size_t bytes) { return bytes < 64 * 1024; }

// Starts fn on a thread with default attributes, paints its first segment
// before it runs, wakes it if it waits, and reports how deep it went.
static void probe(const char *name, void *(*fn)(void *), void *arg) {
  waiting = woken = 0;
  pthread_t t;
  if (pthread_create(&t, NULL, fn, arg))
    abort();
  pthread_attr_t at;
  void *lo;
  size_t size;
  if (pthread_getattr_np(t, &at) || pthread_attr_getstack(&at, &lo, &size))
    abort();
  unsigned char *base = (unsigned char *)lo;
  if (is_small(size))
    memset(base + CANARY, 0xA5, size - CANARY - ABOVE);
  if (fn == waits) {
    while (!waiting)
      sched_yield();
    pthread_mutex_lock(&m);
    woken = 1;
    pthread_cond_signal(&c);
    pthread_mutex_unlock(&m);
  }
  void *r;
  pthread_join(t, &r);
  if (!is_small(size)) {
    printf("%s: segment %zu bytes (default)\n", name, size);
    return;
  }
  size_t lowest = CANARY;
  while (lowest < size && base[lowest] == 0xA5)
    lowest++;
  if (fn == recurses) {
    int canary = 1;
    for (size_t i = 0; i < CANARY; i++)
      canary &= base[i] == 0;
    printf("%s: segment %zu bytes (small), sum %s, canary %s\n", name, size,
           r ? "right" : "WRONG", canary && lowest >= CANARY ? "untouched" : "TOUCHED");
    return;
  }
  // No reserve for these two: the limit is the red zone's top.
  printf("%s: segment %zu bytes (small), deepest %zu bytes below the top, %s\n", name, size,
         size - lowest, lowest >= CANARY + REDZONE ? "above the limit" : "BELOW THE LIMIT");
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "many")) {
    // Many threads at once, recursing through segments.
    static pthread_t ts[200];
    int ok = 1;
    for (int i = 0; i < 200; i++)
      if (pthread_create(&ts[i], NULL, recurses, (void *)(intptr_t)(1000 + i * 37)))
        abort();
    for (int i = 0; i < 200; i++) {
      void *r;
      pthread_join(ts[i], &r);
      ok &= r != NULL;
    }
    printf("200 threads recursing on %u workers: sums %s\n", weft_workers(), ok ? "right" : "WRONG");
    return !ok;
  }
  probe("returns", returns, NULL);
  probe("waits", waits, NULL);
  probe("recurses", recurses, (void *)(intptr_t)20000);
  return 0;
}
