// The same library works as an LLVM pass plugin: -fpass-plugin= runs the
// check (annotations come from llvm.global.annotations there).
// RUN: clang-19 -I%weft_include -fpass-plugin=%weft_plugin -gline-tables-only -c %S/Inputs/bank.c -o /dev/null 2>&1 | FileCheck %s
// CHECK: bank.c:15:7: error: call to 'slow_audit' may block inside an atomic section [weft-atomic]
// CHECK: bank.c:11:3: note: atomic section begins here
