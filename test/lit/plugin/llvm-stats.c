// The passes count what they do in LLVM statistics (DEBUG_TYPE weft-*).
// Debian's LLVM is a release build: -mllvm -stats and opt -stats only say
// "Statistics are disabled", but Clang's -stats-file and -print-stats
// print whatever registered, and weft's counters always do.
// RUN: %clang_weft -O2 -fplugin-arg-weft-linked-stacks -Xclang -stats-file=%t.json -c %s -o /dev/null
// RUN: FileCheck %s < %t.json
// RUN: %clang_weft -O2 -Xclang -print-stats -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=PRINT
#include <unistd.h>
#include <weft/weft.h>

int counter;

void bump(int fd) {
  WEFT_ATOMIC { counter++; }
  write(fd, "x", 1);
}

int twice(int n) { return 2 * n; }

int depth(int n) {
  char buf[100];
  buf[n % 100] = 1;
  return n ? depth(n - 1) + buf[3] : 0;
}

// CHECK-DAG: "weft-blocking.NumBlockingDefined": 1,
// CHECK-DAG: "weft-blocking.NumTableFunctions": 1,
// CHECK-DAG: "weft-checkpoints.NumCallChecks": {{[1-9][0-9]*}},
// CHECK-DAG: "weft-checkpoints.NumEntryChecks": 1,
// CHECK-DAG: "weft-sections.NumSectionsChecked": 1,
// CHECK-DAG: "weft-stack.NumBounded": {{[1-9][0-9]*}},
// CHECK-DAG: "weft-stack.NumPlaced": {{[1-9][0-9]*}},
// CHECK-DAG: "weft-stack.NumUnbounded": {{[1-9][0-9]*}}
// PRINT-DAG: 1 weft-sections - Atomic sections checked
// PRINT-DAG: 1 weft-blocking - Blocking functions found in runtime/blocking_calls.def
