; RUN: %opt_weft -passes='print<weft-blocking>' -disable-output %s | FileCheck %s
; Recursion reaches a fixed point: a cycle blocks if any member blocks, and
; a cycle that never blocks stays "no".

declare i32 @usleep(i32)

define void @a(i32 %n) {
  call void @b(i32 %n)
  ret void
}
define void @b(i32 %n) {
  call void @c(i32 %n)
  ret void
}
define void @c(i32 %n) {
  %z = icmp eq i32 %n, 0
  br i1 %z, label %done, label %again
again:
  call void @a(i32 %n)
  ret void
done:
  %r = call i32 @usleep(i32 1)
  ret void
}
define i32 @selfloop(i32 %n) {
  %z = icmp eq i32 %n, 0
  br i1 %z, label %done, label %again
again:
  %m = sub i32 %n, 1
  %r = call i32 @selfloop(i32 %m)
  ret i32 %r
done:
  ret i32 0
}

; CHECK: function a: blocks, via b, chain length 3
; CHECK: function b: blocks, via c, chain length 2
; CHECK: function c: blocks, via usleep, chain length 1
; CHECK: function selfloop: no
