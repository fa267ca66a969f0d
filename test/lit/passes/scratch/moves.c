// Which large stack objects move to scratch memory, through the plugin
// flag, optimising (Clang's lifetime markers give each variable's scope).
// RUN: %clang_weft -fplugin-arg-weft-no-linked-stacks -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang_weft -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=HANDLER
// RUN: %clang_weft -O2 -S -emit-llvm -fplugin-arg-weft-no-scratch %s -o - | FileCheck %s --check-prefix=OFF
// RUN: %clang_weft -O2 -S -emit-llvm -fplugin-arg-weft-scratch-threshold=100000 %s -o - | FileCheck %s --check-prefix=OFF
// RUN: %clang_weft -O2 -S -emit-llvm -fplugin-arg-weft-scratch-threshold=64 %s -o - | FileCheck %s --check-prefix=SMALL
// RUN: %clang_weft -O2 -c -fplugin-arg-weft-stats -Xclang -print-stats %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: rm -rf %t.r && %clang_weft -O2 -c -fplugin-arg-weft-report=%t.r %s -o /dev/null
// RUN: python3 -c "import json,sys; [print(x['function'], x['variable'], x['line'], x['bytes']) for x in json.load(open(sys.argv[1]))['scratch']]" %t.r/moves.c.weft.json | FileCheck %s --check-prefix=REPORT
// REPORT:      block_before_wait buf 47 32768
// REPORT-NEXT: in_loop buf 120 16384
// REPORT-NEXT: early_return rq 141 6004
#include <pthread.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
int ready;
void unknown(char *p);
static void fill(char *p, unsigned n, int seed) {
  for (unsigned i = 0; i < n; i++) p[i] = (char)(i * 7 + seed);
}
static long sum(const char *p, unsigned n) {
  long s = 0;
  for (unsigned i = 0; i < n; i++) s += p[i];
  return s;
}

// Dead before the wait: its block ends first. One push, one pop, no
// 32 KiB in the frame.
// CHECK-LABEL: define {{.*}} @block_before_wait(
// CHECK-NOT: alloca [32768 x i8]
// CHECK: call ptr @__weft_scratch_enter(i64 32768)
// CHECK: call void @__weft_scratch_leave(
// CHECK: call i32 @pthread_cond_wait(
// CHECK: ret i64
// OFF-LABEL: define {{.*}} @block_before_wait(
// OFF: alloca [32768 x i8]
// OFF-NOT: __weft_scratch_enter
// OFF: ret i64
long block_before_wait(int seed) {
  long s;
  {
    char buf[32768];
    fill(buf, sizeof buf, seed);
    s = sum(buf, sizeof buf);
  }
  pthread_mutex_lock(&mu);
  while (!ready) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  return s;
}

// The wait is inside the buffer's scope: it stays in the frame.
// CHECK-LABEL: define {{.*}} @wait_in_scope(
// CHECK: alloca [32768 x i8]
// CHECK-NOT: __weft_scratch_enter
// CHECK: ret i64
long wait_in_scope(int seed) {
  char buf[32768];
  fill(buf, sizeof buf, seed);
  pthread_mutex_lock(&mu);
  while (!ready) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  return sum(buf, sizeof buf);
}

// A function weft cannot see may block: the buffer stays.
// CHECK-LABEL: define {{.*}} @unknown_call(
// CHECK: alloca [8192 x i8]
// CHECK-NOT: __weft_scratch_enter
// CHECK: ret i64
long unknown_call(void) {
  char buf[8192];
  unknown(buf);
  return sum(buf, sizeof buf);
}

// read blocks, and it writes into the buffer: it stays.
// CHECK-LABEL: define {{.*}} @read_into(
// CHECK: alloca [8192 x i8]
// CHECK-NOT: __weft_scratch_enter
// CHECK: ret i64
long read_into(int fd) {
  char buf[8192];
  ssize_t n = read(fd, buf, sizeof buf);
  return n > 0 ? sum(buf, (unsigned)n) : -1;
}

// Below the threshold (4096 by default) an object stays; with
// scratch-threshold=64 it moves.
// CHECK-LABEL: define {{.*}} @small(
// CHECK: alloca [1024 x i8]
// CHECK-NOT: __weft_scratch_enter
// CHECK: ret i64
// SMALL-LABEL: define {{.*}} @small(
// SMALL-NOT: alloca [1024 x i8]
// SMALL: call ptr @__weft_scratch_enter(i64 1024)
// SMALL: ret i64
long small(int seed) {
  char buf[1024];
  fill(buf, sizeof buf, seed);
  return sum(buf, sizeof buf);
}

// In a loop's body: pushed and popped on every iteration, around the
// blocking call at the end of the body, which is outside the scope.
// CHECK-LABEL: define {{.*}} @in_loop(
// CHECK-NOT: alloca [16384 x i8]
// CHECK-DAG: call ptr @__weft_scratch_enter(i64 16384)
// CHECK-DAG: call void @__weft_scratch_leave(
// CHECK-DAG: call i64 @write(
long in_loop(int fd, int rounds) {
  long total = 0;
  for (int r = 0; r < rounds; r++) {
    {
      char buf[16384];
      fill(buf, sizeof buf, r);
      total += sum(buf, sizeof buf);
    }
    write(fd, &total, sizeof total);
  }
  return total;
}

// A struct member array, and an early return from inside the scope: the
// pop is on both ways out (which -O2 then merges into one).
struct request {
  int len;
  char body[6000];
};
// CHECK-LABEL: define {{.*}} @early_return(
// CHECK-NOT: alloca %struct.request
// CHECK: call ptr @__weft_scratch_enter(i64 6004)
// CHECK: call void @__weft_scratch_leave(
// CHECK-NEXT: ret i64
long early_return(int seed) {
  struct request rq;
  rq.len = seed;
  fill(rq.body, sizeof rq.body, seed);
  if (seed < 0) return -1;
  return sum(rq.body, sizeof rq.body) + rq.len;
}

// setjmp returns twice: the object stays.
// CHECK-LABEL: define {{.*}} @with_setjmp(
// CHECK: alloca [8192 x i8]
// CHECK-NOT: __weft_scratch_enter
// CHECK: ret i64
jmp_buf jb;
long with_setjmp(int seed) {
  char buf[8192];
  fill(buf, sizeof buf, seed);
  if (setjmp(jb)) return 0;
  return sum(buf, sizeof buf);
}

// The helpers: libweft's push through a weak reference, with its stack
// bound (linked stacks need no checkpoint before it); malloc without it, in
// functions that run only then (no stack limit is set without libweft).
// CHECK-DAG: declare extern_weak ptr @__weft_scratch_push(i64) [[PUSH:#[0-9]+]]
// CHECK-DAG: declare extern_weak void @__weft_scratch_pop(ptr) [[PUSH]]
// CHECK-LABEL: define linkonce_odr hidden ptr @__weft_scratch_heap(i64
// CHECK: call ptr @malloc(
// CHECK: call void @abort()
// CHECK-LABEL: define linkonce_odr hidden void @__weft_scratch_heap_free(ptr
// CHECK: call void @free(
// CHECK-LABEL: define linkonce_odr hidden ptr @__weft_scratch_enter(i64
// CHECK: icmp eq ptr @__weft_scratch_push, null
// CHECK: call ptr @__weft_scratch_push(
// CHECK: call ptr @__weft_scratch_heap(
// CHECK-LABEL: define linkonce_odr hidden void @__weft_scratch_leave(ptr
// CHECK: icmp eq ptr @__weft_scratch_pop, null
// CHECK: call void @__weft_scratch_pop(
// CHECK: call void @__weft_scratch_heap_free(
// CHECK: attributes [[PUSH]] = { "weft.stack-bound"="512" }

// block_before_wait, in_loop and early_return: 32768 + 16384 + 6004.
// STATS: remark: weft: moves.c: 3 stack objects (55,156 bytes) moved to scratch memory
// STATS-DAG: 55156 weft-scratch {{.*}} Bytes of stack objects moved to scratch memory
// STATS-DAG: 3 weft-scratch {{.*}} Stack objects moved to scratch memory

// A signal handler, and what it calls, keep their objects: off a worker
// the helpers fall back to malloc, which a handler must not call.
// HANDLER-LABEL: define {{.*}} @handler_work(
// HANDLER: alloca [8192 x i8]
// HANDLER-NOT: __weft_scratch_enter
// HANDLER: ret i64
#include <signal.h>
static volatile long handled;
__attribute__((noinline)) long handler_work(int seed) {
  char buf[8192];
  fill(buf, sizeof buf, seed);
  return sum(buf, sizeof buf);
}
static void on_signal(int sig) { handled += handler_work(sig); }
static void on_info(int sig, siginfo_t *si, void *uc) {
  (void)si, (void)uc;
  char local[8192];
  fill(local, sizeof local, sig);
  handled += sum(local, sizeof local);
}
void install(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_info;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR2, &sa, 0);
  signal(SIGUSR1, on_signal);
}
// HANDLER-LABEL: define internal void @on_info(
// HANDLER: alloca [8192 x i8]
// HANDLER-NOT: __weft_scratch_enter
// HANDLER: ret void
