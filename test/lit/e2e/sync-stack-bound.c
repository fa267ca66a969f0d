// WEFT_SYNC_STACK_BOUND (weft/weft.h), the bound the mutex and condition
// variable calls carry for the plugin's linked stacks, holds: a thread
// paints the stack below it, locks, waits on a condition variable (parking
// and switching away), is signalled, unlocks; the bytes it touched below
// the caller, measured while it is parked and after it finished, stay
// within the bound. The same for the pthread calls of libweft's pthread
// layer, whose entries in runtime/libc_stack_bounds.def are the same bound.
// And with the bounds, calls to them need no checkpoint.
// RUN: %clang -O2 -I%weft_include %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=1 %t | FileCheck %s
// RUN: env WEFT_WORKERS=2 %t | FileCheck %s
// CHECK: weft: parked: {{[1-9][0-9]*}} bytes, finished: {{[1-9][0-9]*}} bytes, bound 512: within
// CHECK: pthread: parked: {{[1-9][0-9]*}} bytes, finished: {{[1-9][0-9]*}} bytes, bound 512: within
// RUN: rm -rf %t.report && %clang_weft -O2 -fplugin-arg-weft-linked-stacks -fplugin-arg-weft-report=%t.report -c %s -o %t.o
// RUN: python3 -c "import json,sys; [print(f['name'], 'checkpoints', f['checkpoints']) for f in json.load(open(sys.argv[1]))['functions'] if f['name'] in ('body', 'pbody')]" %t.report/sync-stack-bound.c.weft.json | FileCheck %s --check-prefix=PLUGIN
// PLUGIN: body checkpoints 0
// PLUGIN: pbody checkpoints 0
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "weft/weft.h"
#include "Inputs/stack-paint.h"

static weft_mutex_t m = WEFT_MUTEX_INITIALIZER;
static weft_cond_t c = WEFT_COND_INITIALIZER;
static volatile int ready, go;

__attribute__((noinline)) void body(void) {
  weft_mutex_lock(&m);
  ready = 1;
  while (!go)
    weft_cond_wait(&c, &m);
  weft_mutex_unlock(&m);
  weft_mutex_lock(&m);
  weft_cond_signal(&c);
  weft_cond_broadcast(&c);
  weft_mutex_unlock(&m);
}
static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static struct timespec soon; // 1 ms after the thread starts
static volatile int timed_out;
__attribute__((noinline)) void pbody(void) {
  pthread_mutex_lock(&pm);
  timed_out = pthread_cond_timedwait(&pc, &pm, &soon) == ETIMEDOUT;
  ready = 1;
  while (!go)
    pthread_cond_wait(&pc, &pm);
  pthread_mutex_unlock(&pm);
  pthread_mutex_lock(&pm);
  pthread_cond_signal(&pc);
  pthread_cond_broadcast(&pc);
  pthread_mutex_unlock(&pm);
}
static void *waiter(void *arg) {
  clock_gettime(CLOCK_REALTIME, &soon);
  soon.tv_nsec += 1000000;
  if (soon.tv_nsec >= 1000000000)
    soon.tv_sec++, soon.tv_nsec -= 1000000000;
  paint();
  stack_top = here();
  if (arg)
    pbody();
  else
    body();
  return NULL;
}

// Runs the waiter (weft's calls, or with `posix` the pthread layer's) and
// reports the most it touched below its caller.
static int measure(const char *what, int posix) {
  ready = go = 0;
  weft_thread_t *t;
  if (weft_spawn(&t, NULL, waiter, posix ? &pm : NULL) != 0)
    return 1;
  while (!ready)
    weft_yield();
  if (posix)
    pthread_mutex_lock(&pm);
  else
    weft_mutex_lock(&m);
  size_t parked = touched();
  go = 1;
  if (posix) {
    pthread_cond_signal(&pc);
    pthread_mutex_unlock(&pm);
  } else {
    weft_cond_signal(&c);
    weft_mutex_unlock(&m);
  }
  weft_join(t, NULL);
  size_t finished = touched();
  size_t most = parked > finished ? parked : finished;
  printf("%s: parked: %zu bytes, finished: %zu bytes, bound %d: %s\n", what, parked, finished,
         WEFT_SYNC_STACK_BOUND, most <= WEFT_SYNC_STACK_BOUND ? "within" : "OVER");
  return most > WEFT_SYNC_STACK_BOUND;
}

int main(void) {
  int over = measure("weft", 0);
  over |= measure("pthread", 1);
  if (!timed_out)
    printf("pthread_cond_timedwait did not time out\n");
  return over || !timed_out;
}
