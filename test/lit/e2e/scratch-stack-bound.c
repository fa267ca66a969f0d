// WEFT_SCRATCH_STACK_BOUND (weft/abi.h), the bound the plugin gives
// __weft_scratch_push and __weft_scratch_pop for its linked stacks, holds:
// a user thread paints the stack below it, then pushes and pops on every
// path (the first push of a worker maps its region; an object larger than
// the region comes from the heap, and its pop frees it), and the bytes it
// touched below the caller stay within the bound. And with the bound, a
// thread entry whose buffer moved to scratch memory needs no checkpoint
// and gets a small first segment.
// RUN: %clang -O2 -I%weft_include %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=1 %t | FileCheck %s
// RUN: env WEFT_WORKERS=2 %t | FileCheck %s
// CHECK: first push (maps the region): {{[1-9][0-9]*}} bytes, within 512
// CHECK: push and pop: {{[1-9][0-9]*}} bytes, within 512
// CHECK: heap push and pop: {{[1-9][0-9]*}} bytes, within 512
// RUN: rm -rf %t.report && %clang_weft -O2 -fplugin-arg-weft-linked-stacks -fplugin-arg-weft-report=%t.report -c %S/../../../bench/live-state/blocked_buffer.c -o %t.o
// RUN: python3 -c "import json,sys; [print(f['name'], 'checkpoints', f['checkpoints'], 'first segment', f['first_segment']['stack_bytes']) for f in json.load(open(sys.argv[1]))['functions'] if f['name'] == 'body']" %t.report/blocked_buffer.c.weft.json | FileCheck %s --check-prefix=PLUGIN
// PLUGIN: body checkpoints 0 first segment {{[1-9][0-9]?[0-9]?$}}
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "weft/weft.h"
#include "Inputs/stack-paint.h"

static int failures;

static void report(const char *what) {
  size_t used = touched();
  printf("%s: %zu bytes, %s %d\n", what, used, used <= WEFT_SCRATCH_STACK_BOUND ? "within" : "OVER",
         WEFT_SCRATCH_STACK_BOUND);
  failures += used > WEFT_SCRATCH_STACK_BOUND;
}

__attribute__((noinline)) static void first_push(void) {
  void *p = __weft_scratch_push(4096);
  memset(p, 1, 4096);
  __weft_scratch_pop(p);
}
__attribute__((noinline)) static void push_pop(void) {
  void *p = __weft_scratch_push(8192);
  void *q = __weft_scratch_push(100);
  __weft_scratch_pop(q);
  __weft_scratch_pop(p);
}
__attribute__((noinline)) static void heap_push_pop(void) {
  char *p = __weft_scratch_push(16u << 20); // more than a region holds
  p[0] = 1;
  __weft_scratch_pop(p);
}

static void *body(void *arg) {
  (void)arg;
  paint();
  stack_top = here();
  first_push();
  report("first push (maps the region)");
  paint();
  push_pop();
  report("push and pop");
  paint();
  heap_push_pop();
  report("heap push and pop");
  return NULL;
}

int main(void) {
  weft_thread_t *t;
  if (weft_spawn(&t, NULL, body, NULL) != 0)
    return 1;
  weft_join(t, NULL);
  return failures != 0;
}
