; RUN: %opt_weft -passes='weft-checkpoints,verify' -S %s | FileCheck %s
; RUN: %opt_weft -passes='weft-checkpoints,print<weft-stack>' -disable-output %s 2>&1 | FileCheck %s --check-prefix=PRINT
; With linked stacks, the module carries a table of the first-segment needs
; of its address-taken functions (those a thread can start on) and a
; constructor that registers it with the runtime through a weak reference:
; {function, stack above the limit, reserve below it}. The reserve is 0
; when nothing the function reaches is checked, and ~0 (the unwinder's)
; when it reaches a landing pad. Functions that are not address-taken, or
; whose frame has no bound (a dynamic alloca), are not in it.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@entries = global [5 x ptr] [ptr @locks, ptr @recurses, ptr @calls_unknown, ptr @cleans_up, ptr @dynamic]

declare i32 @pthread_mutex_lock(ptr)
declare void @unknown(ptr)
declare i32 @__gxx_personality_v0(...)

define ptr @locks(ptr %m) {
  %r = call i32 @pthread_mutex_lock(ptr %m)
  call void @helper(ptr %m)
  ret ptr null
}

define void @helper(ptr %m) {
  %r = call i32 @pthread_mutex_lock(ptr %m)
  ret void
}

define i32 @down(i32 %n) {
entry:
  %z = icmp eq i32 %n, 0
  br i1 %z, label %done, label %again
again:
  %m = sub i32 %n, 1
  %r = call i32 @down(i32 %m)
  %s = add i32 %r, %n
  ret i32 %s
done:
  ret i32 0
}

define ptr @recurses(ptr %a) {
  %r = call i32 @down(i32 1000)
  ret ptr null
}

define ptr @calls_unknown(ptr %a) {
  call void @unknown(ptr %a)
  ret ptr null
}

define ptr @cleans_up(ptr %a) personality ptr @__gxx_personality_v0 {
entry:
  invoke void @helper(ptr %a) to label %ok unwind label %lp
ok:
  ret ptr null
lp:
  %e = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %e
}

define ptr @dynamic(i64 %n) {
  %p = alloca i8, i64 %n
  call void @helper(ptr %p)
  ret ptr null
}

; CHECK: @__weft_stack_needs = private constant [4 x { ptr, i32, i32 }] [{ ptr, i32, i32 } { ptr @locks, i32 [[LOCKS:[0-9]+]], i32 0 }, { ptr, i32, i32 } { ptr @recurses, i32 {{[0-9]+}}, i32 [[RESERVE:[1-9][0-9]*]] }, { ptr, i32, i32 } { ptr @calls_unknown, i32 {{[0-9]+}}, i32 {{[1-9][0-9]*}} }, { ptr, i32, i32 } { ptr @cleans_up, i32 {{[0-9]+}}, i32 -1 }]
; CHECK: @llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @__weft_register_stack_needs.ctor, ptr null }]
; CHECK: @llvm.global_dtors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @__weft_unregister_stack_needs.dtor, ptr null }]
; CHECK: declare extern_weak void @__weft_register_stack_needs(ptr, i64)
; CHECK: define internal void @__weft_register_stack_needs.ctor()
; CHECK: icmp ne ptr @__weft_register_stack_needs, null
; CHECK: call void @__weft_register_stack_needs(ptr @__weft_stack_needs, i64 4)
; CHECK: define internal void @__weft_unregister_stack_needs.dtor()
; CHECK: icmp ne ptr @__weft_unregister_stack_needs, null
; CHECK: call void @__weft_unregister_stack_needs(ptr @__weft_stack_needs, i64 4)

; PRINT: function locks: {{.*}}, first segment: stack {{[0-9]+}}, reserve 0
; PRINT: function helper: {{.*}}, first segment: stack {{[0-9]+}}, reserve 0
; PRINT: function recurses: {{.*}}, first segment: stack {{[0-9]+}}, reserve {{[1-9][0-9]*}}
; PRINT: function cleans_up: {{.*}}, first segment: stack {{[0-9]+}}, reserve unwinder
; PRINT-NOT: function dynamic: {{.*}} first segment
