// Stack objects moved to scratch memory, at run time: threads that fill
// large buffers in nested, recursive and looping functions, then block (so
// threads interleave on each worker and move between workers), and a
// longjmp out of a lifetime from a signal handler that interrupts one. The
// output must be the same with the transform and without it (no-scratch),
// on 1 and 2 workers, and without libweft at all (the fallback to malloc).
// RUN: %clang_weft -O2 %s $(weft-config --libs) -o %t
// RUN: %clang_weft -O2 -fplugin-arg-weft-no-scratch %s $(weft-config --libs) -o %t.off
// RUN: %clang_weft -O2 %s -lpthread -o %t.nolib
// RUN: %clang_weft -O2 -fplugin-arg-weft-stats %s -c -o /dev/null 2>&1 | FileCheck %s --check-prefix=MOVED
// RUN: nm %t.nolib | FileCheck %s --check-prefix=NOLIB
// RUN: env WEFT_WORKERS=1 timeout 120 %t > %t.w1
// RUN: env WEFT_WORKERS=2 timeout 120 %t > %t.w2
// RUN: env WEFT_WORKERS=2 timeout 120 %t.off > %t.ref
// RUN: timeout 120 %t.nolib > %t.native
// RUN: FileCheck %s < %t.ref
// RUN: diff %t.ref %t.w1
// RUN: diff %t.ref %t.w2
// RUN: diff %t.ref %t.native
// Under ASan, without libweft (the objects come from malloc, so ASan checks
// every access to them); its SIGSEGV handler stands aside for the
// program's, and the pushes a siglongjmp skipped stay allocated (without
// libweft nothing takes them back), so leak checking is off.
// RUN: %clang_weft -O2 -fsanitize=address %s -lpthread -o %t.asan
// RUN: env ASAN_OPTIONS=handle_segv=0:allow_user_segv_handler=1:detect_leaks=0 timeout 300 %t.asan > %t.asan.out
// RUN: diff %t.ref %t.asan.out
// level, frame and doomed: 6000 + 16384 + 8192 (mine, which the signal
// handler runs, stays in its frame).
// MOVED: remark: weft: scratch-memory.c: 3 stack objects (30,576 bytes) moved to scratch memory
// NOLIB: w __weft_scratch_pop
// NOLIB: w __weft_scratch_push
// CHECK: threads 64 rounds 40 checksum {{[0-9a-f]+}}
// CHECK: longjmp 1000 checksum {{[0-9a-f]+}}
// CHECK: faults 1000 handler checksums ok
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { THREADS = 64, ROUNDS = 40 };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static unsigned turn;

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

static void fill(unsigned char *p, size_t n, uint64_t seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed * 131 + i * 7);
}
static uint64_t digest(const unsigned char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = mix(h, p[i]);
  return h;
}

// Recursion: each level has its own moved buffer, all alive together.
__attribute__((noinline)) static uint64_t nested(int depth, uint64_t seed) {
  unsigned char level[6000];
  fill(level, sizeof level, seed + (uint64_t)depth);
  uint64_t below = depth ? nested(depth - 1, seed * 3 + 1) : 0;
  // The buffer must be intact after the deeper levels pushed and popped.
  return mix(below, digest(level, sizeof level));
}

// A loop whose body holds a buffer and ends in a blocking call: the
// buffer is pushed and popped every iteration, around the wait.
static uint64_t rounds(unsigned id) {
  uint64_t h = 0;
  for (unsigned r = 0; r < ROUNDS; r++) {
    {
      unsigned char frame[16384];
      fill(frame, sizeof frame, id * 1000u + r);
      h = mix(h, digest(frame, sizeof frame));
      h = mix(h, nested((int)(r % 5), id + r));
    }
    // Blocks: other threads run on this worker, and this one may wake on
    // another, while nothing of it is in scratch memory.
    pthread_mutex_lock(&mu);
    turn++;
    pthread_cond_broadcast(&cv);
    if (turn % 3) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
  }
  return h;
}

static uint64_t results[THREADS];
static unsigned finished;
static void *body(void *arg) {
  unsigned id = (unsigned)(uintptr_t)arg;
  uint64_t h = rounds(id);
  pthread_mutex_lock(&mu);
  results[id] = h;
  finished++;
  pthread_mutex_unlock(&mu);
  return NULL;
}

// A fault inside a moved buffer's lifetime: the SIGSEGV handler runs (its
// own buffer stays in its frame: what a handler runs keeps its objects)
// and siglongjmps out of the lifetime, leaving a push without its pop. Every buffer pushed
// later must still be right: the runtime takes the leftovers back at the
// next switch, and until then pushes past them (to the heap once the
// region is full, since 1,000 jumps leave 8 MiB behind).
static sigjmp_buf back;
static volatile int *volatile nowhere;
static volatile sig_atomic_t faults, handler_bad;
__attribute__((noinline)) static uint64_t handler_work(void) {
  unsigned char mine[8192];
  fill(mine, sizeof mine, 77);
  return digest(mine, sizeof mine);
}
static void on_fault(int sig) {
  (void)sig;
  static uint64_t first;
  uint64_t h = handler_work();
  if (!first) first = h;
  if (h != first) handler_bad = 1;
  faults++;
  siglongjmp(back, 1);
}
__attribute__((noinline)) static uint64_t fault_inside(uint64_t seed) {
  unsigned char doomed[8192];
  fill(doomed, sizeof doomed, seed);
  uint64_t h = digest(doomed, sizeof doomed);
  if (h) *nowhere = 1; // SIGSEGV, inside doomed's lifetime
  return h;
}
static uint64_t longjmps(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  uint64_t h = 0;
  for (int i = 0; i < 1000; i++) {
    if (!sigsetjmp(back, 1)) h = mix(h, fault_inside((uint64_t)i));
    h = mix(h, nested(2, (uint64_t)i));
  }
  signal(SIGSEGV, SIG_DFL);
  return h;
}

int main(void) {
  pthread_t t[THREADS];
  for (unsigned i = 0; i < THREADS; i++)
    if (pthread_create(&t[i], NULL, body, (void *)(uintptr_t)i)) return 1;
  // Keep the turns going until every thread is done.
  for (unsigned done = 0; done < THREADS;) {
    pthread_mutex_lock(&mu);
    turn++;
    pthread_cond_broadcast(&cv);
    done = finished;
    pthread_mutex_unlock(&mu);
    usleep(100);
  }
  uint64_t h = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    pthread_join(t[i], NULL);
    h = mix(h, results[i]);
  }
  printf("threads %d rounds %d checksum %llx\n", THREADS, ROUNDS, (unsigned long long)h);
  printf("longjmp 1000 checksum %llx\n", (unsigned long long)longjmps());
  printf("faults %d handler checksums %s\n", (int)faults, handler_bad ? "BAD" : "ok");
  return 0;
}
