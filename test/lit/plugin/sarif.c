// Findings appear in SARIF output, with their level and location.
// RUN: not %clang_weft -fdiagnostics-format=sarif -Wno-sarif-format-unstable -c %S/Inputs/bank.c -o /dev/null 2>%t.sarif
// RUN: python3 %s.py %t.sarif | FileCheck %s
// CHECK: error 15:7 call to 'slow_audit' may block inside an atomic section [weft-atomic]
// CHECK: note 11:3 atomic section begins here
// CHECK: note 7:45 'slow_audit' calls 'write', a blocking call
// CHECK: warning 24:5 call to 'log_line' inside an atomic section
