// At -O0 Clang emits no lifetime markers: an object's lifetime is then its
// whole function, so an object moves only out of a function with no
// blocking point and no call that may block.
// RUN: %clang_weft -O0 -S -emit-llvm %s -o - | FileCheck %s
#include <pthread.h>
#include <string.h>

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

// CHECK-LABEL: define {{.*}} @parse(
// CHECK-NOT: alloca [8192 x i8]
// CHECK: call ptr @__weft_scratch_enter(i64 8192)
// CHECK: call void @__weft_scratch_leave(
// CHECK-NEXT: ret i32
int parse(const char *in) {
  char copy[8192];
  strncpy(copy, in, sizeof copy - 1);
  copy[sizeof copy - 1] = 0;
  return (int)strlen(copy);
}

// CHECK-LABEL: define {{.*}} @parse_locked(
// CHECK: alloca [8192 x i8]
// CHECK-NOT: __weft_scratch_enter
// CHECK: ret i32
int parse_locked(const char *in) {
  int n;
  {
    char copy[8192];
    strncpy(copy, in, sizeof copy - 1);
    copy[sizeof copy - 1] = 0;
    n = (int)strlen(copy);
  }
  pthread_mutex_lock(&mu);
  pthread_mutex_unlock(&mu);
  return n;
}
