; RUN: %opt_weft -passes='weft-checkpoints,verify' -S %s | FileCheck %s
; RUN: %opt_weft -passes='weft-checkpoints,verify' -S %s | FileCheck %s --check-prefix=TRAMP
; An invoke keeps its landing pad on both paths (the slow path invokes its
; out-of-line function, which lets exceptions through); the landing pad's
; phis get the slow path as a predecessor too.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare i32 @__gxx_personality_v0(...)
declare void @cleanup(i32)
; Varargs: checked at the call (a trampoline cannot pass them on).
declare i32 @may_throw(i32, ...)
declare i32 @may_throw_fixed(i32)

define i32 @rec(i32 %n) personality ptr @__gxx_personality_v0 {
entry:
  %m = sub i32 %n, 1
  %r = invoke i32 (i32, ...) @may_throw(i32 %m) to label %ok unwind label %lp
ok:
  %s = add i32 %r, 1
  ret i32 %s
lp:
  %v = phi i32 [ %m, %entry ]
  %l = landingpad { ptr, i32 } cleanup
  call void @cleanup(i32 %v)
  resume { ptr, i32 } %l
}

; CHECK-LABEL: define i32 @rec(
; CHECK: br i1 %{{.*}}, label %[[SLOW:.*]], label %[[FAST:.*]], !prof
; CHECK: [[SLOW]]:
; CHECK-NEXT: [[SLOWR:%.*]] = invoke i32 @__weft_slow.0(i32 %m, i64 {{[0-9]+}})
; CHECK-NEXT: to label %[[MERGE:.*]] unwind label %lp
; CHECK: [[FAST]]:
; CHECK: %r = invoke i32 (i32, ...) @may_throw(i32 %m)
; CHECK-NEXT: to label %[[MERGE]] unwind label %lp
; CHECK: [[MERGE]]:
; CHECK-NEXT: %weft.result = phi i32 [ [[SLOWR]], %[[SLOW]] ], [ %r, %[[FAST]] ]
; CHECK-NEXT: br label %ok
; CHECK: ok:
; CHECK-NEXT: %s = add i32 %weft.result, 1
; CHECK: lp:
; CHECK-NEXT: %v = phi i32 [ %m, %[[FAST]] ], [ %m, %[[SLOW]] ]
; CHECK-LABEL: define internal i32 @__weft_slow.0(i32 %0, i64 %1)
; CHECK-NOT: nounwind
; CHECK: call void @__weft_call_on_new_segment(ptr @__weft_thunk.0, ptr %weft.ctx, i64 %1)

; A call a trampoline can make invokes the trampoline, with the same landing
; pad; the trampoline lets exceptions through (it is not nounwind).
define i32 @through(i32 %n) personality ptr @__gxx_personality_v0 {
entry:
  %r = invoke i32 @may_throw_fixed(i32 %n) to label %ok unwind label %lp
ok:
  ret i32 %r
lp:
  %l = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %l
}
; TRAMP-LABEL: define i32 @through(
; TRAMP: %r = invoke i32 @__weft_check.[[T:[0-9]+]](i32 %n)
; TRAMP-NEXT: to label %ok unwind label %lp
; TRAMP: define internal i32 @__weft_check.[[T]](i32 %0)
; TRAMP-NOT: nounwind
; TRAMP: tail call i32 @may_throw_fixed(i32 %0), !weft.checkpoint
