; RUN: %opt_weft -passes='weft-checkpoints,verify' -S %s | FileCheck %s
; RUN: %opt_weft -passes='weft-checkpoints' -S %s | FileCheck %s --check-prefix=WEAK
; Recursion is checked where the recursive function is entered, not at each
; call around the cycle: after side-effect-free tests that return without
; calling (the base case), or in a new entry block; the slow path re-enters
; the function on a new segment with a tail call.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @use(ptr)

define i32 @rec(i32 %n) {
entry:
  %z = icmp eq i32 %n, 0
  br i1 %z, label %done, label %again
again:
  %m = sub i32 %n, 1
  %r = call i32 @rec(i32 %m)
  ret i32 %r
done:
  ret i32 0
}

; CHECK-LABEL: define i32 @rec(i32 %n)
; CHECK-NEXT: entry:
; CHECK-NEXT: %z = icmp eq i32 %n, 0
; CHECK-NEXT: br i1 %z, label %done, label %weft.entry
; CHECK: weft.entry:
; CHECK: %weft.room = sub i64 %{{.*}}, {{[0-9]+}}
; CHECK: %weft.limit = load i64, ptr addrspace(257) inttoptr (i64 112 to ptr addrspace(257))
; CHECK: br i1 %weft.low, label %weft.entry.slow, label %again, !prof
; CHECK: weft.entry.slow:
; CHECK-NEXT: [[NORT:%.*]] = icmp eq ptr @__weft_call_on_new_segment, null
; CHECK-NEXT: br i1 [[NORT]], label %again, label %[[LINKED:.*]]
; CHECK: [[LINKED]]:
; CHECK-NEXT: [[R:%.*]] = tail call i32 @__weft_slow.{{[0-9]+}}(i32 %n, i64 {{[0-9]+}})
; CHECK-NEXT: ret i32 [[R]]
; The recursive call itself is left as it was, but for its callee: a small
; function that recurses only into itself is unrolled, so that one check
; covers several levels: rec calls a copy without the check, rec.weft.1,
; which calls rec.weft.2, ..., and the last copy calls rec again.
; CHECK: again:
; CHECK-NEXT: %m = sub i32 %n, 1
; CHECK-NEXT: %r = call i32 @rec.weft.1(i32 %m)
; CHECK-NEXT: ret i32 %r

define void @stores(ptr %p, i32 %n) {
entry:
  %buf = alloca [16 x i8]
  store i32 %n, ptr %p
  %z = icmp eq i32 %n, 0
  br i1 %z, label %done, label %again
again:
  %m = sub i32 %n, 1
  call void @stores(ptr %p, i32 %m)
  br label %done
done:
  ret void
}

; A store comes first: the check is the new entry block, which keeps the
; static alloca.
; CHECK-LABEL: define void @stores(ptr %p, i32 %n)
; CHECK-NEXT: weft.entry:
; CHECK-NEXT: %buf = alloca [16 x i8]
; CHECK: br i1 %weft.low{{.*}}, label %weft.entry.slow, label %entry
; CHECK: weft.entry.slow:
; CHECK: tail call void @__weft_slow.{{[0-9]+}}(ptr %p, i32 %n, i64 {{[0-9]+}})
; CHECK-NEXT: ret void
; CHECK: entry:
; CHECK-NEXT: store i32 %n, ptr %p
; CHECK-NOT: weft.low
; CHECK: call void @stores.weft.1(ptr %p, i32 %m)
; CHECK-NOT: !weft.checkpoint

declare ptr @malloc(i64)

define ptr @allocs(i32 %n) {
entry:
  %z = icmp eq i32 %n, 0
  br i1 %z, label %done, label %again
again:
  %p = call ptr @malloc(i64 32)
  %m = sub i32 %n, 1
  %q = call ptr @allocs(i32 %m)
  store ptr %q, ptr %p
  ret ptr %p
done:
  ret ptr null
}

; malloc's bound (16 KiB) is past max-path, which would check the call; in
; a function checked at its entry, the entry check covers it instead.
; CHECK-LABEL: define ptr @allocs(i32 %n)
; CHECK: weft.entry:
; CHECK: br i1 %weft.low
; CHECK: again:
; CHECK-NEXT: %p = call ptr @malloc(i64 32)
; CHECK-NOT: !weft.checkpoint
; CHECK-NEXT: %m = sub i32 %n, 1

define i32 @ping(i32 %n) {
  %r = call i32 @pong(i32 %n)
  ret i32 %r
}
define i32 @pong(i32 %n) {
  %m = sub i32 %n, 1
  %r = call i32 @ping(i32 %m)
  ret i32 %r
}

; Mutual recursion: one check per cycle (Capriccio's rule) is enough, at
; the entry of one of its functions; the call into the other is left alone.
; CHECK-LABEL: define i32 @ping(
; CHECK-NOT: weft.entry
; CHECK: call i32 @pong(i32 %n)
; CHECK-NOT: !weft.checkpoint
; CHECK-LABEL: define i32 @pong(
; CHECK-NEXT: weft.entry:
; CHECK: tail call i32 @__weft_slow.{{[0-9]+}}(i32 %n, i64 {{[0-9]+}})

define void @big(i32 %n) {
  %buf = alloca [4096 x i8]
  %m = sub i32 %n, 1
  call void @big(i32 %m)
  call void @use(ptr %buf)
  ret void
}

; A frame larger than an entry check allows (it may run after the
; prologue): the recursive call is checked at the call site.
; CHECK-LABEL: define void @big(i32 %n)
; CHECK-NOT: weft.entry
; CHECK: br i1 %weft.low{{.*}}, label %[[SLOW:.*]], label %[[FAST:.*]], !prof
; CHECK: [[SLOW]]:
; CHECK: call void @__weft_slow.{{[0-9]+}}(i32 %m, i64 {{[0-9]+}})
; CHECK: [[FAST]]:
; CHECK-NEXT: call void @big(i32 %m), !weft.checkpoint

; The copies: no check, each calling the next, the last the checked one.
; CHECK-LABEL: define internal i32 @rec.weft.1(i32 %n)
; CHECK-NOT: weft.low
; CHECK: call i32 @rec.weft.2(i32 %m)
; Eight copies here: with the IR estimate's frames (opt has no backend to
; measure them), sixteen levels would pass max-path.
; CHECK-LABEL: define internal i32 @rec.weft.7(i32 %n)
; CHECK-NOT: weft.low
; CHECK: call i32 @rec(i32 %m)
; CHECK-NOT: @rec.weft.8

; The slow path of an entry check runs a thunk that calls the function
; itself, with its arguments.
; CHECK-LABEL: define internal void @__weft_thunk.{{[0-9]+}}(ptr %0)
; CHECK: call i32 @rec(i32

; The runtime's entry point is a weak reference: instrumented code links
; without libweft.
; WEAK: declare extern_weak void @__weft_call_on_new_segment(ptr, ptr, i64)
