// C++: a call that may throw inside the lifetime keeps the object in its
// frame (the unwinder would leave the lifetime without the pop); with
// only calls that cannot throw, it moves, and a class object's
// constructor and destructor see the moved storage.
// RUN: %clangxx_weft -O2 -S -emit-llvm %s -o - | FileCheck %s
#include <cstring>

// Defined here, so the blocking graph knows neither blocks.
__attribute__((noinline)) void may_throw(char *p) {
  if (!p[0])
    throw 1;
}
__attribute__((noinline)) void cannot_throw(char *p) noexcept { p[1] = 2; }

struct Buffer {
  char bytes[16384];
  unsigned used = 0;
  Buffer() noexcept { std::memset(bytes, 0, sizeof bytes); }
  ~Buffer() { used = 0; }
};

// CHECK-LABEL: define {{.*}} @_Z6throwsv(
// CHECK: alloca [16384 x i8]
// CHECK-NOT: __weft_scratch_enter
// CHECK: ret i32
int throws() {
  char buf[16384];
  may_throw(buf);
  return buf[7];
}

// CHECK-LABEL: define {{.*}} @_Z8nothrowsv(
// CHECK-NOT: alloca %struct.Buffer
// CHECK: call ptr @__weft_scratch_enter(i64 16388)
// CHECK: call void @__weft_scratch_leave(
// CHECK: ret i32
int nothrows() {
  Buffer b;
  cannot_throw(b.bytes);
  return b.bytes[3] + (int)b.used;
}
