// RUN: %clang -O0 -gline-tables-only -S -emit-llvm -o - %s | %opt_weft -passes='print<weft-sections>' -disable-output | FileCheck %s
// RUN: %clang -O2 -gline-tables-only -S -emit-llvm -o - %s | %opt_weft -passes='print<weft-sections>' -disable-output | FileCheck %s
// Sections and the calls in each, nested ones apart.
#include <weft/weft.h>
void a(void);
void b(void);
void c(void);
void f(int x) {
  WEFT_ATOMIC {
    a();
    WEFT_ATOMIC {
      b();
    }
    if (x)
      return;
    c();
  }
  a();
}
// CHECK: section 0 in f at line 9: 2 call(s)
// CHECK-NEXT: call a at line 10
// CHECK-NEXT: call c at line 16
// CHECK: section 1 in f at line 11, nested in section 0: 1 call(s)
// CHECK-NEXT: call b at line 12
