// The same findings at every -O level.
// RUN: not %clang_weft -O0 -c %S/Inputs/bank.c -o /dev/null 2> %t.O0
// RUN: not %clang_weft -O1 -c %S/Inputs/bank.c -o /dev/null 2> %t.O1
// RUN: not %clang_weft -O2 -c %S/Inputs/bank.c -o /dev/null 2> %t.O2
// RUN: not %clang_weft -O3 -c %S/Inputs/bank.c -o /dev/null 2> %t.O3
// RUN: not %clang_weft -Os -flto -c %S/Inputs/bank.c -o /dev/null 2> %t.lto
// RUN: diff %t.O0 %t.O2
// RUN: diff %t.O0 %t.O1
// RUN: diff %t.O0 %t.O3
// RUN: diff %t.O0 %t.lto
// RUN: FileCheck %s < %t.O2
// CHECK: error: call to 'slow_audit' may block
