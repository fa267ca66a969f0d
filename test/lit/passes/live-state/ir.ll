; The analysis on IR without the frontend's scopes (opt): lifetimes come
; from llvm.lifetime.start/end, or are the whole function without them.
; RUN: %opt_weft -passes='print<weft-live>' -disable-output %s | FileCheck %s

declare i64 @read(i32, ptr, i64)
declare void @use(ptr)
declare i32 @compute(i32)
declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)

@keep = global ptr null

; The buffer's lifetime ends before the second read: neither live nor
; pinned there. %n has no markers and the second read uses it; %fd (4
; bytes) is an SSA value used after the first read. Calls to unknown
; functions count as points.
; CHECK-LABEL: function markers: max pinned 4104
; CHECK-NEXT: blocks 'read': live 4104, pinned 4104, spilled 4
; CHECK-NEXT:   stack object '%buf' 4096, used by the call
; CHECK-NEXT:   stack object '%n' 4
; CHECK-NEXT: unknown 'use': live 4104, pinned 4104, spilled 4
; CHECK:      blocks 'read': live 4, pinned 4, spilled 0
; CHECK-NEXT:   stack object '%n' 4, used by the call
define void @markers(i32 %fd) {
  %buf = alloca [4096 x i8]
  %n = alloca i32
  call void @llvm.lifetime.start.p0(i64 4096, ptr %buf)
  %r = call i64 @read(i32 %fd, ptr %buf, i64 4096)
  call void @use(ptr %buf)
  call void @llvm.lifetime.end.p0(i64 4096, ptr %buf)
  %r2 = call i64 @read(i32 %fd, ptr %n, i64 4)
  ret void
}

; Without markers every object is pinned everywhere; live is what is used
; after. The loop carries %i (a phi), %x and %fd across the read: 12 bytes.
; CHECK-LABEL: function nomarkers: max pinned 8204
; CHECK:      blocks 'read': live 8204, pinned 8204, spilled 12
; CHECK-NEXT:   stack object '%a' 4096, used by the call
; CHECK-NEXT:   stack object '%b' 4096
define i32 @nomarkers(i32 %fd, i32 %n) {
entry:
  %a = alloca [4096 x i8]
  %b = alloca [4096 x i8]
  %x = call i32 @compute(i32 %n)
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %r = call i64 @read(i32 %fd, ptr %a, i64 1)
  call void @use(ptr %b)
  %next = add i32 %i, %x
  %done = icmp sgt i32 %next, 100
  br i1 %done, label %exit, label %loop
exit:
  ret i32 %next
}

; An address stored to a global escapes: live wherever it is in its
; lifetime. A pointer kept in a local that is only loaded and stored is
; not an escape: what is loaded from it is the object. %c is overwritten
; whole after the call: dead across it, though pinned.
; CHECK-LABEL: function escapes: max pinned 1044
; CHECK-NEXT: blocks 'read': live 1040, pinned 1044, spilled 0
; CHECK-NEXT:   stack object '%e' 1024, escapes
; CHECK-NEXT:   stack object '%f' 8
; CHECK-NEXT:   stack object '%p' 8
; CHECK-NEXT: unknown 'use':
define void @escapes(i32 %fd) {
  %e = alloca [1024 x i8]
  %f = alloca i64
  %p = alloca ptr
  %c = alloca i32
  store ptr %e, ptr @keep
  store ptr %f, ptr %p
  %r = call i64 @read(i32 %fd, ptr null, i64 0)
  store i32 0, ptr %c
  call void @use(ptr %c)
  %q = load ptr, ptr %p
  call void @use(ptr %q)
  ret void
}
