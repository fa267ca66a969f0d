// The threshold, no-live-state, -Werror and -w, and the same findings at
// every -O level.
// RUN: %clang_weft -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULT --implicit-check-not=warning:
// DEFAULT: options.c:30:3: warning: 'usleep' blocks while 20,004 bytes of this frame are live [weft-live-state]
// DEFAULT: options.c:28:8: note: 'table' (20,000 bytes) is used after the call; end its scope before the call, shrink it, or make it static or heap-allocated
// DEFAULT: 1 warning generated.
// RUN: %clang_weft -fplugin-arg-weft-live-state-threshold=1k -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOW --implicit-check-not=warning:
// LOW: options.c:30:3: warning: 'usleep' blocks while 20,004 bytes
// LOW: options.c:37:3: warning: 'usleep' blocks while 2,004 bytes
// RUN: %clang_weft -fplugin-arg-weft-live-state-threshold=20004 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=NONE --allow-empty --implicit-check-not=warning:
// RUN: %clang_weft -fplugin-arg-weft-no-live-state -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=NONE --allow-empty --implicit-check-not=warning:
// RUN: %clang_weft -w -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=NONE --allow-empty --implicit-check-not=note:
// NONE-NOT: weft-live-state
// RUN: not %clang_weft -Werror -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=WERROR
// WERROR: error: 'usleep' blocks while 20,004 bytes of this frame are live [weft-live-state]
// WERROR: 1 error generated.
// RUN: %clang_weft -O0 -c %s -o /dev/null 2> %t.O0
// RUN: %clang_weft -O1 -c %s -o /dev/null 2> %t.O1
// RUN: %clang_weft -O2 -c %s -o /dev/null 2> %t.O2
// RUN: %clang_weft -O3 -c %s -o /dev/null 2> %t.O3
// RUN: diff %t.O0 %t.O1
// RUN: diff %t.O0 %t.O2
// RUN: diff %t.O0 %t.O3
#include <unistd.h>
void fill(char *p, int n);

int lookup(int i) {
  char table[20000];
  fill(table, sizeof table);
  usleep(10);
  return table[i];
}

int small(int i) {
  char table[2000];
  fill(table, sizeof table);
  usleep(10);
  return table[i];
}
