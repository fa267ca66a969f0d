; RUN: %opt_weft -passes='print<weft-stack>' -disable-output %s | FileCheck %s
; Frame bounds and subtree bounds: recursion, dynamic allocas and external
; callees without WEFT_STACK_BOUND have no subtree bound.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @ext()
declare void @bounded() "weft.stack-bound"="100"

define void @leaf() {
  %buf = alloca [1000 x i8], align 16
  ret void
}
define void @caller() {
  call void @leaf()
  call void @bounded()
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
define void @calls_ext() {
  call void @ext()
  ret void
}
; CHECK: function leaf: frame [[LEAF:[0-9]+]], subtree [[LEAF]]
; The caller's subtree is its frame plus the deeper of leaf and bounded.
; CHECK: function caller: frame {{[0-9]+}}, subtree {{[0-9]+}}
; CHECK: function rec: frame {{[0-9]+}}, subtree unbounded (recursion)
; CHECK: function dyn: frame dynamic, subtree unbounded (dynamic alloca)
; CHECK: function calls_ext: frame {{[0-9]+}}, subtree unbounded (calls ext, which has no bound)
