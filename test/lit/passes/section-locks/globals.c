// Section locks: what each section's report entry and description get.
// RUN: rm -rf %t && %clang_weft -O0 -fplugin-arg-weft-report=%t -c %s -o /dev/null 2>/dev/null
// RUN: FileCheck %s --input-file=%t/globals.c.weft.json
// The same at -O2 (the inference runs before optimisation).
// RUN: rm -rf %t && %clang_weft -O2 -fplugin-arg-weft-report=%t -c %s -o /dev/null 2>/dev/null
// RUN: FileCheck %s --input-file=%t/globals.c.weft.json
#include <weft/weft.h>
#include <string.h>
#include <stdlib.h>
int counter, other;
struct account { long id; long balance; };
struct table { int slots[16]; int n; };
static struct table left, right;
void bump(void) { WEFT_ATOMIC { counter++; } }
void bump_other(void) { WEFT_ATOMIC { other++; } }
void both(void) { WEFT_ATOMIC { counter--; other++; } }
void through(int *p) { WEFT_ATOMIC { *p += 1; } }
void deposit(struct account *a, long v) { WEFT_ATOMIC { a->balance += v; } }
static void helper(void) { counter += 2; }
void calls(void) { WEFT_ATOMIC { helper(); } }
void move_left(int i, int j) { WEFT_ATOMIC { left.slots[i]--; left.slots[j]++; } }
void move_right(int i, int j) { WEFT_ATOMIC { right.slots[i]--; right.slots[j]++; } }
void copy(char *dst) { WEFT_ATOMIC { char local[8]; memcpy(local, "abc", 4); (void)local; } }
void ext(void);
void unknown(void) { WEFT_ATOMIC { ext(); } }


// CHECK-LABEL: "sections":
// CHECK:      "function": "bump",
// CHECK-NEXT: "line": 14,
// CHECK-NEXT: "locks": [
// CHECK-NEXT:   "global:counter"
// CHECK-NEXT: ]
// CHECK:      "function": "bump_other",
// CHECK:        "global:other"
// CHECK:      "function": "both",
// CHECK-NEXT: "line"
// CHECK-NEXT: "locks": [
// CHECK-NEXT:   "global:counter",
// CHECK-NEXT:   "global:other"
// CHECK-NEXT: ]
// A pointer that may point anywhere: the coarse lock, and why.
// CHECK:      "coarse_reason": "a pointer of unknown origin",
// CHECK-NEXT: "function": "through",
// CHECK-NEXT: "line"
// CHECK-NEXT: "locks": [
// CHECK-NEXT:   "coarse"
// CHECK-NEXT: ]
// Heap data through a struct field: every object of the type.
// CHECK:      "function": "deposit",
// CHECK:        "type:struct account.1"
// A call: what the callee touches.
// CHECK:      "function": "calls",
// CHECK:        "global:counter"
// Two static tables reached only by name: one lock each.
// CHECK:      "function": "move_left",
// CHECK-NEXT: "line"
// CHECK-NEXT: "locks": [
// CHECK-NEXT:   "global:left"
// CHECK-NEXT: ]
// CHECK:      "function": "move_right",
// CHECK-NEXT: "line"
// CHECK-NEXT: "locks": [
// CHECK-NEXT:   "global:right"
// CHECK-NEXT: ]
// Only the thread's own stack: no lock at all.
// CHECK:      "function": "copy",
// CHECK-NEXT: "line"
// CHECK-NEXT: "locks": []
// A function weft cannot see into.
// CHECK:      "coarse_reason": "calls 'ext', which weft cannot see into",
// CHECK-NEXT: "function": "unknown",
