; RUN: %opt_weft -passes='print<weft-stack>' -disable-output %s | FileCheck %s
; RUN: %opt_weft -passes='print<weft-stack;max-path=4096>' -disable-output %s | FileCheck %s --check-prefix=WIDE
; RUN: not %opt_weft -passes='print<weft-stack;max-path=x>' -disable-output %s 2>&1 | FileCheck %s --check-prefix=BAD
; Frame bounds, subtree bounds and Capriccio's checkpoints: recursion, a
; path past max-path, external callees without WEFT_STACK_BOUND, indirect
; calls, dynamic allocas.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @ext()
declare void @bounded() "weft.stack-bound"="100"

define void @leaf() {
  %buf = alloca [1000 x i8], align 16
  ret void
}
define void @small() {
  ret void
}
define void @caller() {
  call void @leaf()
  call void @small()
  call void @bounded()
  ret void
}
define void @top() {
  %big = alloca [1500 x i8], align 16
  call void @caller()
  ret void
}
define void @rec(i32 %n) {
  call void @rec(i32 %n)
  ret void
}
define void @dyn(i64 %n) {
  %p = alloca i8, i64 %n
  ret void
}
define void @calls_ext(ptr %f) {
  call void @ext()
  call void %f()
  ret void
}
; CHECK: function leaf: frame [[LEAF:[0-9]+]], subtree [[LEAF]], path [[LEAF]]
; The caller's subtree is its frame plus the deepest callee (leaf).
; CHECK: function caller: frame {{[0-9]+}}, subtree {{[0-9]+}}, path {{[0-9]+}}
; CHECK-NOT: checkpoint
; CHECK: function top: frame {{[0-9]+}}, subtree {{[0-9]+}}, path {{[0-9]+}}
; top's 1.5 KB frame plus caller's path passes 2048: check before the call.
; CHECK-NEXT: checkpoint before caller: max-path, needs {{[0-9]+}}
; CHECK: function rec: frame {{[0-9]+}}, subtree unbounded (recursion), path [[REC:[0-9]+]]
; CHECK-NEXT: checkpoint before rec: recursion, needs [[REC]]
; CHECK: function dyn: frame dynamic, subtree unbounded (dynamic alloca), path 4096
; CHECK: function calls_ext: frame {{[0-9]+}}, subtree unbounded (calls ext, which has no bound)
; CHECK-NEXT: checkpoint before ext: external without a bound, needs a large segment
; CHECK-NEXT: checkpoint before <indirect call>: indirect call, needs a large segment
; With a wider max-path, top needs no checkpoint.
; WIDE: function top:
; WIDE-NOT: checkpoint before caller
; WIDE: function rec:
; BAD: weft: -fplugin-arg-weft-max-path=x: expected a size in bytes (e.g. 2048)
