// Calls of one varargs function with different argument types each get a
// thunk and a slow path of their own: their FunctionType is the same,
// `int (ptr, ...)`, but what they pass is not. When one thunk served both,
// the second call passed arguments that did not match the slow path's
// parameters: invalid IR, which the backend compiled into wrong code and
// -emit-llvm (and so -flto) wrote as bitcode no reader accepts. The module
// must verify and read back, and each call must print its own values on
// the linked segment its checkpoint takes (printf has no stack bound).
// RUN: %clang_weft -O2 -fplugin-arg-weft-linked-stacks -c -emit-llvm %s -o %t.bc
// RUN: opt -passes=verify -disable-output %t.bc
// RUN: %clang_weft -O2 -fplugin-arg-weft-linked-stacks %s $(weft-config --libs) -o %t
// RUN: env WEFT_WORKERS=1 %t | FileCheck %s
// CHECK: ints 7 8
// CHECK: string and long: seven 8000000000
// CHECK: double 2.50
#include <stdio.h>

#include "Inputs/segments-common.h"

static void *body(void *arg) {
  volatile int a = 7, b = 8;
  volatile long big = 8000000000L;
  volatile double d = 2.5;
  printf("ints %d %d\n", a, b);
  printf("string and long: %s %ld\n", (const char *)arg, big);
  printf("double %.2f\n", d);
  return NULL;
}

int main(void) { return run_in_thread(body, "seven", 16384); }
