; RUN: %opt_weft -passes='print<weft-blocking>' -disable-output %s | FileCheck %s
; Three answers: blocks (with a shortest chain), unknown, no.

declare i64 @read(i32, ptr, i64)
declare void @mystery()
declare i64 @strlen(ptr)

define i64 @leaf(i32 %fd, ptr %b) {
  %r = call i64 @read(i32 %fd, ptr %b, i64 1)
  ret i64 %r
}
define i64 @mid(i32 %fd, ptr %b) {
  %r = call i64 @leaf(i32 %fd, ptr %b)
  ret i64 %r
}
define i64 @top(i32 %fd, ptr %b) {
  %a = call i64 @mid(i32 %fd, ptr %b)
  %c = call i64 @leaf(i32 %fd, ptr %b)
  ret i64 %a
}
define void @vague() {
  call void @mystery()
  ret void
}
define i64 @pure(ptr %s) {
  %n = call i64 @strlen(ptr %s)
  ret i64 %n
}
; A function that is unknown through one callee and blocks through another
; blocks.
define void @both(i32 %fd, ptr %b) {
  call void @vague()
  %r = call i64 @leaf(i32 %fd, ptr %b)
  ret void
}

; CHECK-LABEL: weft blocking graph for
; CHECK: function leaf: blocks, via read, chain length 1
; CHECK-NEXT: blocking point: call read
; CHECK: function mid: blocks, via leaf, chain length 2
; The shortest chain: top -> leaf -> read, not top -> mid -> leaf -> read.
; CHECK: function top: blocks, via leaf, chain length 2
; CHECK-NEXT: blocking point: call mid
; CHECK-NEXT: blocking point: call leaf
; CHECK: function vague: unknown, via mystery, chain length 1
; CHECK: function pure: no
; CHECK: function both: blocks, via leaf
; CHECK: declare read: blocks (blocking_calls.def: io)
; CHECK: declare mystery: unknown (external, not annotated)
; CHECK: declare strlen: no
