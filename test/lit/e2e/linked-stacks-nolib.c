// Code built with linked-stack checkpoints links and runs without libweft:
// the runtime's entry point is a weak reference, the limit at %fs:0x70 is 0
// on threads glibc creates, so every check passes. If something else sets
// the limit (here the program itself, as a split-stack runtime would), the
// checks fail and the slow path makes the call in place.
// RUN: %clang_weft -O2 -fplugin-arg-weft-linked-stacks %s -lpthread -o %t
// RUN: nm %t | FileCheck %s --check-prefix=SYMS
// RUN: nm %t | FileCheck %s --check-prefix=SLOW
// RUN: llvm-objdump-19 -d --no-show-raw-insn %t | FileCheck %s --check-prefix=ASM
// RUN: %t | FileCheck %s
// SYMS: w __weft_call_on_new_segment
// SLOW: t __weft_slow.{{[0-9]+}}
// ASM-LABEL: <sum>:
// ASM: cmpq %fs:0x70, %r{{[a-z0-9]+}}
// CHECK: limit 0: sum 500500, 500500 in a pthread
// CHECK: limit high: sum 500500
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) static long sum(long n) {
  volatile long keep = n; // a real frame, and recursion the optimiser keeps
  if (n == 0)
    return 0;
  long r = sum(n - 1);
  return r + keep;
}

static void *in_thread(void *arg) {
  *(long *)arg = sum(1000);
  return NULL;
}

int main(void) {
  long a = sum(1000), b = 0;
  pthread_t t;
  if (pthread_create(&t, NULL, in_thread, &b) != 0 || pthread_join(t, NULL) != 0)
    return 1;
  printf("limit 0: sum %ld, %ld in a pthread\n", a, b);
  // Every check fails now: each recursive call takes the slow path.
  uintptr_t high = UINTPTR_MAX;
  __asm__ volatile("movq %0, %%fs:0x70" : : "r"(high) : "memory");
  long c = sum(1000);
  __asm__ volatile("movq %0, %%fs:0x70" : : "r"((uintptr_t)0) : "memory");
  printf("limit high: sum %ld\n", c);
  return 0;
}
