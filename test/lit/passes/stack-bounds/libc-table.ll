; RUN: %opt_weft -passes='print<weft-stack>' -disable-output %s | FileCheck %s
; Calls to libc functions of runtime/libc_stack_bounds.def use their bound:
; a small one fits in the caller's path and needs no checkpoint, a large one
; gets a checkpoint that asks for exactly the bound; a function in neither
; the table nor annotated asks for a large segment.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare i64 @strlen(ptr)
declare ptr @memcpy(ptr, ptr, i64)
declare ptr @malloc(i64)
declare void @unknown()

define i64 @small(ptr %s) {
  %n = call i64 @strlen(ptr %s)
  ret i64 %n
}
define ptr @allocates(i64 %n) {
  %p = call ptr @malloc(i64 %n)
  ret ptr %p
}
define void @other() {
  call void @unknown()
  ret void
}

; CHECK-LABEL: function small: frame {{[0-9]+}}, subtree {{[0-9]+}}, path {{[0-9]+}}
; CHECK-NOT: checkpoint
; CHECK-LABEL: function allocates:
; CHECK-NEXT: checkpoint before malloc: max-path, needs 16384
; CHECK-LABEL: function other:
; CHECK-NEXT: checkpoint before unknown: external without a bound, needs a large segment
