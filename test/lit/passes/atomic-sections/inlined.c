// Code inlined before the check runs: the finding stays at the call the user
// wrote in the section, with a note for the inlined frame.
// RUN: %clang -O2 -gline-tables-only -Xclang -disable-llvm-passes -S -emit-llvm -o %t.ll %s
// RUN: opt -passes='default<O2>' -S %t.ll -o %t.opt.ll
// RUN: grep -q 'call.*@helper' %t.opt.ll && exit 1 || true
// RUN: %opt_weft -passes='weft-check' -disable-output %t.opt.ll 2>&1 | FileCheck %s
#include <weft/weft.h>
#include <unistd.h>
int n;
static inline void helper(int fd) { write(fd, "x", 1); }
void f(int fd) {
  WEFT_ATOMIC {
    n++;
    helper(fd);
  }
}
// CHECK: inlined.c:14:5: error: blocking call to 'write' inside an atomic section [weft-atomic]
// CHECK: inlined.c:12:3: note: atomic section begins here
// CHECK: inlined.c:10:37: note: inlined from 'helper', which calls it here
