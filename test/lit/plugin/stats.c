// stats prints what the analyses found.
// RUN: not %clang_weft -fplugin-arg-weft-stats -c %S/Inputs/bank.c -o /dev/null 2>&1 | FileCheck %s
// CHECK: remark: weft: bank.c: 4 functions (3 may block, 1 unknown), 4 blocking points, 2 atomic sections; 1 errors, 1 warnings
