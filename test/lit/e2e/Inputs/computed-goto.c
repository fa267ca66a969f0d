// A bytecode interpreter in the style of Lua's and CPython's VMs: a table
// of label addresses (`&&label`, GNU C's computed goto) dispatches every
// opcode. CALL runs a nested program by recursing into the interpreter, so
// a program that calls itself DEPTH times needs far more stack than the
// 16 KiB first segment of the user thread it runs in: with linked stacks
// every level past the first segment's end runs on a linked segment.
//
// `small` is a short self-recursive function with a jump table of its own,
// the shape weft would otherwise copy to check its recursion less often (a
// copy would jump through the same table into the original's blocks).
#include <stdio.h>
#include <string.h>

#include "segments-common.h"

enum { PUSH, ADD, CALL, RET, DEPTH = 20000 };

struct insn {
  unsigned char op;
  int arg;
};

// PUSH k; CALL (if depth left); ADD; RET
static long run(const struct insn *code, int depth) {
  static void *const dispatch[] = {&&op_push, &&op_add, &&op_call, &&op_ret};
  long stack[32];
  char scratch[128];
  int sp = 0, pc = 0;
  memset(scratch, depth & 0x7f, sizeof scratch);
#define NEXT goto *dispatch[code[pc++].op]
  NEXT;
op_push:
  stack[sp++] = code[pc - 1].arg;
  NEXT;
op_call:
  stack[sp++] = depth > 0 ? run(code, depth - 1) : 0;
  NEXT;
op_add:
  sp--;
  stack[sp - 1] += stack[sp];
  NEXT;
op_ret:
  // The scratch buffer must be intact after the nested calls.
  return stack[sp - 1] + (scratch[depth % 128] != (char)(depth & 0x7f));
#undef NEXT
}

static int small(int n, int op) {
  static void *const table[] = {&&dec, &&halve};
  if (n <= 1)
    return n;
  goto *table[op & 1];
dec:
  return 1 + small(n - 1, op + 1);
halve:
  return 1 + small(n / 2, op + 1);
}

static void *thread_main(void *arg) {
  (void)arg;
  static const struct insn program[] = {{PUSH, 1}, {CALL, 0}, {ADD, 0}, {RET, 0}};
  printf("interpreter: depth %d, result %ld\n", DEPTH, run(program, DEPTH));
  printf("small: %d\n", small(1000, 0));
  return NULL;
}

int main(void) { return run_in_thread(thread_main, NULL, 16384); }
