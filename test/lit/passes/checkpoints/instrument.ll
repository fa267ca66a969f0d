; RUN: %opt_weft -passes='weft-checkpoints' -S %s | FileCheck %s
; RUN: %opt_weft -passes='weft-checkpoints' -S %s | FileCheck %s --check-prefix=JMP
; RUN: %opt_weft -passes='weft-checkpoints' -S %s | FileCheck %s --check-prefix=TRAMP
; Each checkpointed call gets the check (the limit at %fs:0x70), in a
; trampoline shared by calls of its kind or at the call, and an out-of-line
; slow path through the runtime; the thunk makes the call exactly as written.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.big = type { [40 x i8] }

declare i32 @printf(ptr, ...)
declare void @takes_byval(ptr byval(%struct.big) align 8)
declare void @makes_sret(ptr sret(%struct.big) align 8)

declare i32 @work(i32)

define i32 @rec(i32 %n) {
  %z = icmp eq i32 %n, 0
  br i1 %z, label %done, label %again
again:
  %m = sub i32 %n, 1
  %r = call i32 @work(i32 %m)
  ret i32 %r
done:
  ret i32 0
}

define i32 @indirect(ptr %f, i64 %x) {
  %r = call i32 %f(i64 %x)
  ret i32 %r
}

define i32 @indirect_twice(ptr %g, ptr %h, i64 %x) {
  %a = call i32 %g(i64 %x)
  %b = call i32 %h(i64 %x)
  %s = add i32 %a, %b
  ret i32 %s
}

define void @kinds(ptr %fmt, ptr %b) {
  %p = call i32 (ptr, ...) @printf(ptr %fmt, i32 1, double 2.0)
  call void @takes_byval(ptr byval(%struct.big) align 8 %b)
  call void @makes_sret(ptr sret(%struct.big) align 8 %b)
  ret void
}

; A call of a kind a trampoline can make (C convention, no varargs, byval
; or sret) calls a checking trampoline shared by every call of its kind; the
; caller keeps its code as written.
; CHECK-LABEL: define i32 @rec(i32 %n)
; CHECK-NOT: stacksave
; CHECK: %r = call i32 @__weft_check.0(i32 %m)
; CHECK-NEXT: ret i32 %r

; An indirect call: the callee travels to the trampoline last.
; CHECK-LABEL: define i32 @indirect(
; CHECK: call i32 @__weft_check.1(i64 %x, ptr %f)

; Calls of the same kind share one trampoline and slow path: here every call
; through a pointer of type i32(i64).
; CHECK-LABEL: define i32 @indirect_twice(
; CHECK: call i32 @__weft_check.1(i64 %x, ptr %g)
; CHECK: call i32 @__weft_check.1(i64 %x, ptr %h)

; Other calls carry the check where they are: a varargs call here.
; CHECK-LABEL: define void @kinds(
; CHECK: [[SP:%.*]] = call ptr @llvm.stacksave.p0()
; CHECK: [[SPI:%.*]] = ptrtoint ptr [[SP]] to i64
; A call of unknown stack use asks for a large segment (256 KiB); the
; limit keeps 256 bytes free below it, so the check subtracts 256 less.
; CHECK: [[ROOM:%.*]] = sub i64 [[SPI]], 261888
; CHECK: [[LIM:%.*]] = load i64, ptr addrspace(257) inttoptr (i64 112 to ptr addrspace(257))
; CHECK: [[LOW:%.*]] = icmp ult i64 [[ROOM]], [[LIM]]
; CHECK: br i1 [[LOW]], label %[[SLOW:.*]], label %[[FAST:.*]], !prof
; CHECK: [[SLOW]]:
; CHECK-NEXT: [[SLOWR:%.*]] = call i32 @__weft_slow.2(ptr %fmt, i32 1, double 2.000000e+00, i64 {{26[0-9]+}})
; CHECK: [[FAST]]:
; CHECK: [[FASTR:%.*]] = call i32 (ptr, ...) @printf(ptr %fmt, i32 1, double 2.000000e+00), !weft.checkpoint
; CHECK: %weft.result = phi i32 [ [[SLOWR]], %[[SLOW]] ], [ [[FASTR]], %[[FAST]] ]

; The trampoline: the check at its entry, then a tail call of the callee
; (the checkpoint: a jump, so the callee runs where the call as written
; would have run it) or of the slow path.
; TRAMP-LABEL: define internal i32 @__weft_check.0(i32 %0)
; TRAMP: [[TSP:%.*]] = call ptr @llvm.stacksave.p0()
; TRAMP: [[TROOM:%.*]] = sub i64 %{{.*}}, {{26[0-9]+}}
; TRAMP: [[TLOW:%.*]] = icmp ult i64 [[TROOM]], %weft.limit
; TRAMP: br i1 [[TLOW]], label %slow, label %fast, !prof
; TRAMP: fast:
; TRAMP-NEXT: [[TR:%.*]] = tail call i32 @work(i32 %0), !weft.checkpoint
; TRAMP-NEXT: ret i32 [[TR]]
; TRAMP: slow:
; TRAMP-NEXT: [[TS:%.*]] = tail call i32 @__weft_slow.0(i32 %0, i64 {{26[0-9]+}})
; TRAMP-NEXT: ret i32 [[TS]]
; TRAMP-LABEL: define internal i32 @__weft_check.1(i64 %0, ptr %1)
; TRAMP: tail call i32 %1(i64 %0), !weft.checkpoint

; Varargs, byval and sret calls keep their types and attributes in the thunk.
; CHECK-LABEL: define internal void @__weft_thunk.0(ptr %0)
; CHECK: call i32 @work(i32
; The slow path, out of line and cold, keeps the operands in a context on
; its own frame and runs the thunk on a new segment whose size the call
; passes last.
; CHECK-LABEL: define internal i32 @__weft_slow.0(i32 %0, i64 %1)
; CHECK: %weft.ctx = alloca { i32, i32 }
; CHECK: store i32 %0, ptr
; Without libweft linked (the runtime's entry point is a weak reference;
; the limit was set by something else), the thunk makes the call in place.
; CHECK: [[NORT:%.*]] = icmp eq ptr @__weft_call_on_new_segment, null
; CHECK-NEXT: br i1 [[NORT]], label %in.place, label %linked
; CHECK: in.place:
; CHECK-NEXT: call void @__weft_thunk.0(ptr %weft.ctx)
; CHECK: linked:
; CHECK-NEXT: call void @__weft_call_on_new_segment(ptr @__weft_thunk.0, ptr %weft.ctx, i64 %1)
; CHECK: [[R:%.*]] = load i32, ptr
; CHECK: ret i32 [[R]]
; CHECK-LABEL: define internal void @__weft_thunk.1(ptr %0)
; CHECK: call i32 %{{.*}}(i64
; CHECK-LABEL: define internal i32 @__weft_slow.1(i64 %0, ptr %1, i64 %2)
; CHECK: %weft.ctx = alloca { i64, ptr, i32 }
; CHECK-LABEL: define internal void @__weft_thunk.2(ptr %0)
; CHECK: call i32 (ptr, ...) @printf(ptr %{{.*}}, i32 %{{.*}}, double %{{.*}})
; CHECK-LABEL: define internal void @__weft_thunk.3(ptr %0)
; CHECK: call void @takes_byval(ptr byval(%struct.big) align 8
; CHECK-LABEL: define internal void @__weft_thunk.4(ptr %0)
; CHECK: call void @makes_sret(ptr sret(%struct.big) align 8

; A call that returns twice (setjmp) is never moved to another segment: it
; would return the second time into a frame that is gone.
declare i32 @_setjmp(ptr) returns_twice
declare i32 @mystery_setjmp(ptr) returns_twice
define i32 @jumps(ptr %buf) {
  %a = call i32 @_setjmp(ptr %buf)
  %b = call i32 @mystery_setjmp(ptr %buf) returns_twice
  %s = add i32 %a, %b
  ret i32 %s
}
; JMP-LABEL: define i32 @jumps(
; JMP-NOT: weft.low
; JMP: ret i32
