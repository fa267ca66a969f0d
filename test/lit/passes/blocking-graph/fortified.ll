; RUN: %opt_weft -passes='print<weft-blocking>' -disable-output %s | FileCheck %s
; Fortified and versioned libc spellings map to the table's names.
declare i64 @__read_chk(i32, ptr, i64, i64)
declare i32 @__isoc99_fscanf(ptr, ptr, ...)
declare ptr @__memcpy_chk(ptr, ptr, i64, i64)
define void @f(ptr %p) {
  %a = call i64 @__read_chk(i32 0, ptr %p, i64 1, i64 1)
  %b = call ptr @__memcpy_chk(ptr %p, ptr %p, i64 1, i64 1)
  ret void
}
; CHECK: function f: blocks, via __read_chk
; CHECK: declare __read_chk: blocks (blocking_calls.def: io)
; CHECK: declare __memcpy_chk: no
