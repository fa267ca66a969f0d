// What the stack-bound tests (sync-stack-bound.c, io-stack-bound.c) share:
// paint the stack below a frame with a pattern, note that frame in
// `stack_top`, then count the bytes below it that no longer hold the
// pattern: the most a call made from there touched.
#ifndef STACK_PAINT_H
#define STACK_PAINT_H

#include <stddef.h>
#include <stdint.h>

enum { PAINT = 16384 };
static volatile uintptr_t stack_top;

// Fills the stack below its caller with the pattern.
__attribute__((noinline)) static void paint(void) {
  volatile char buf[PAINT + 1024];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = (char)0xA5;
}
// The caller's stack_top: the frame address of a call made from it.
__attribute__((noinline)) static uintptr_t here(void) {
  return (uintptr_t)__builtin_frame_address(0);
}
// Bytes below stack_top that no longer hold the pattern.
static size_t touched(void) {
  const volatile unsigned char *p = (const volatile unsigned char *)(stack_top - PAINT);
  size_t i = 0;
  while (i < PAINT && p[i] == 0xA5)
    i++;
  return PAINT - i;
}

#endif
