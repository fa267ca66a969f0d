// Locations are the same with and without -g, and the object has no debug
// info unless -g asked for it.
// RUN: not %clang_weft -g -c %S/Inputs/bank.c -o %t.g.o 2>&1 | FileCheck %s
// RUN: not %clang_weft -c %S/Inputs/bank.c -o %t.o 2>&1 | FileCheck %s
// CHECK: bank.c:15:7: error: call to 'slow_audit' may block
// RUN: %clang_weft -fplugin-arg-weft-no-atomic -c %S/Inputs/bank.c -o %t.o
// RUN: llvm-readelf -S %t.o | FileCheck %s --check-prefix=NODEBUG
// NODEBUG-NOT: .debug_info
