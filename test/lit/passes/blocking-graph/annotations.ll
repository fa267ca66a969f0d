; RUN: %opt_weft -passes='print<weft-blocking>' -disable-output %s | FileCheck %s
; RUN: %opt_weft -passes='weft-annotations,print<weft-blocking>' -disable-output %s | FileCheck %s --check-prefix=GLOBAL
; Annotations arrive as function attributes (from the frontend plugin) or
; in llvm.global.annotations (weft-annotations imports those).

declare i32 @sleep(i32)
declare void @ext_blocking() "weft.blocking"
declare void @ext_trusted() "weft.nonblocking"

define void @spin() "weft.blocking" {
  ret void
}
define void @uses_spin() {
  call void @spin()
  ret void
}
define void @uses_ext() {
  call void @ext_blocking()
  call void @ext_trusted()
  ret void
}
define void @liar() "weft.nonblocking" {
  %r = call i32 @sleep(i32 1)
  ret void
}
define void @trusts_liar() {
  call void @liar()
  ret void
}

@.str = private constant [17 x i8] c"weft.nonblocking\00", section "llvm.metadata"
@.file = private constant [4 x i8] c"a.c\00", section "llvm.metadata"
@llvm.global.annotations = appending global [1 x { ptr, ptr, ptr, i32, ptr }] [{ ptr, ptr, ptr, i32, ptr } { ptr @annotated_later, ptr @.str, ptr @.file, i32 3, ptr null }], section "llvm.metadata"
define void @annotated_later() {
  %r = call i32 @sleep(i32 1)
  ret void
}
define void @calls_annotated_later() {
  call void @annotated_later()
  ret void
}

; CHECK: function spin: blocks (WEFT_BLOCKING)
; CHECK: function uses_spin: blocks, via spin
; CHECK: function uses_ext: blocks, via ext_blocking
; CHECK: function liar: no [WEFT_NONBLOCKING; body blocks, via sleep
; CHECK: function trusts_liar: no
; CHECK: function calls_annotated_later: blocks, via annotated_later
; GLOBAL: function annotated_later: no [WEFT_NONBLOCKING; body blocks, via sleep
; GLOBAL: function calls_annotated_later: no
