// Each WEFT_ATOMIC section's enter call gets a description: file, line,
// lock count and the ids, ascending; a section weft cannot bound gets
// WEFT_SECTION_COARSE (0xffffffff, -1 as i32). no-section-locks leaves
// every section undescribed (the runtime's coarse lock).
// RUN: %clang_weft -fplugin-arg-weft-no-linked-stacks -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang_weft -fplugin-arg-weft-no-linked-stacks -O2 -S -emit-llvm -fplugin-arg-weft-no-section-locks %s -o - | FileCheck %s --check-prefix=OFF
#include <weft/weft.h>
int a, b;
void one(void) { WEFT_ATOMIC { a++; } }
// Nested sections run under the outermost one's locks: the outer one
// takes both.
void nested(void) { WEFT_ATOMIC { b++; WEFT_ATOMIC { a++; } } }
void anywhere(int *p) { WEFT_ATOMIC { *p = 1; } }

// CHECK-DAG: @[[D1:__weft_section[.0-9]*]] = private constant { ptr, i32, i32, ptr } { ptr @[[FILE:__weft_section.file[.0-9]*]], i32 9, i32 1, ptr @[[L1:__weft_section.locks[.0-9]*]] }
// CHECK-DAG: @[[D2:__weft_section[.0-9]*]] = private constant { ptr, i32, i32, ptr } { ptr @[[FILE]], i32 12, i32 2, ptr @[[L2:__weft_section.locks[.0-9]*]] }
// CHECK-DAG: @{{__weft_section[.0-9]*}} = private constant { ptr, i32, i32, ptr } { ptr @[[FILE]], i32 13, i32 -1, ptr null }
// CHECK-DAG: @[[FILE]] = private unnamed_addr constant [{{[0-9]+}} x i8] c"{{.*}}descriptions.c\00"
// CHECK-DAG: @[[L1]] = private unnamed_addr constant [1 x i32] [i32 [[A:-?[0-9]+]]]
// CHECK-DAG: @[[L2]] = private unnamed_addr constant [2 x i32] [i32 {{-?[0-9]+}}, i32 {{-?[0-9]+}}]
// CHECK-LABEL: define {{.*}}void @one(
// CHECK: call { ptr, i32 } @__weft_section_enter(ptr noundef nonnull @[[D1]])

// OFF-NOT: @__weft_section
// OFF: call { ptr, i32 } @__weft_section_enter(ptr noundef null)
