// no-atomic turns the check off.
// RUN: %clang_weft -fplugin-arg-weft-no-atomic -c %S/Inputs/bank.c -o /dev/null 2>&1 | FileCheck %s --allow-empty --implicit-check-not=weft-atomic
// CHECK-NOT: error
