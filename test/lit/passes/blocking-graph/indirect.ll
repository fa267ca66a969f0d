; RUN: %opt_weft -passes='print<weft-blocking>' -disable-output %s | FileCheck %s
; Indirect calls: candidates are the address-taken functions of the call's
; type; a call with no candidate is unknown.

declare i64 @write(i32, ptr, i64)

@table = global [2 x ptr] [ptr @fast, ptr @slow]
@other = global ptr @takes_two

define i32 @fast(i32 %x) {
  ret i32 %x
}
define i32 @slow(i32 %x) {
  %r = call i64 @write(i32 %x, ptr null, i64 0)
  ret i32 0
}
define i32 @takes_two(i32 %x, i32 %y) {
  %r = call i64 @write(i32 %x, ptr null, i64 0)
  ret i32 0
}
; Not address-taken: never a candidate.
define i32 @private_slow(i32 %x) {
  %r = call i64 @write(i32 %x, ptr null, i64 0)
  ret i32 0
}

define i32 @call_one(ptr %f) {
  %r = call i32 %f(i32 1)
  ret i32 %r
}
define i64 @call_nothing(ptr %f) {
  %r = call i64 %f(i64 1, i64 2, i64 3)
  ret i64 %r
}

; CHECK: function call_one: blocks, via slow
; CHECK-NEXT: blocking point: indirect call, may call slow
; CHECK: function call_nothing: unknown, via an indirect call with no known target
