/* arch: the context-switch entry for x86-64 System V.
 *
 * weft_context_jump(to, data) is Boost.Context's jump_fcontext with one
 * change in how it is reached, for the return-stack predictor: before the
 * call it pushes the address of the `ret` that follows the call. A context
 * that is resumed lands on that `ret` (jump_fcontext jumps to the saved
 * return address), which returns to itself once (matching the entry the
 * jumping side's `call` left in the predictor) and then to its real caller
 * (matching the jumping side's call to weft_context_jump when both sides
 * switch from the same place). A plain call to jump_fcontext mispredicts the
 * first return after every switch.
 *
 * Stack at the `ret` when resumed: [label 1][return address] -> CFA = rsp+16.
 */
        .text
        .globl  weft_context_jump
        .hidden weft_context_jump
        .type   weft_context_jump, @function
        .p2align 4
weft_context_jump:
        .cfi_startproc
        leaq    1f(%rip), %rax
        pushq   %rax
        .cfi_adjust_cfa_offset 8
        call    jump_fcontext@PLT
1:      ret
        .cfi_endproc
        .size   weft_context_jump, .-weft_context_jump

/* weft_context_jump_shared(to, data): weft_context_jump without the FPU
 * control words, for a switch between two threads that share the
 * worker's (sched/fpu.c). Storing MXCSR (stmxcsr) is most of the cost of
 * jump_fcontext here. The frame it leaves is an fcontext frame (the same
 * words at the same offsets, the resume address at 0x38) but for its first
 * word, mxcsr/x87 cw, which it does not write: a jump that loads them
 * (jump_fcontext) is preceded by a store of the shared words there
 * (sched/switch.c, switch_fpu). The resume address is the `ret` below, reached
 * with the return address into the caller on top (CFA = rsp+8): the same
 * return-predictor pairing as weft_context_jump, with one call fewer. */
        .globl  weft_context_jump_shared
        .hidden weft_context_jump_shared
        .type   weft_context_jump_shared, @function
        .p2align 4
weft_context_jump_shared:
        .cfi_startproc
        leaq    1f(%rip), %rax
        pushq   %rax
        .cfi_adjust_cfa_offset 8
        leaq    -0x38(%rsp), %rsp
        .cfi_adjust_cfa_offset 0x38
        movq    %r12, 0x8(%rsp)
        movq    %r13, 0x10(%rsp)
        movq    %r14, 0x18(%rsp)
        movq    %r15, 0x20(%rsp)
        movq    %rbx, 0x28(%rsp)
        movq    %rbp, 0x30(%rsp)
        movq    %rsp, %rax
        movq    %rdi, %rsp
        movq    0x38(%rsp), %r8
        movq    0x8(%rsp), %r12
        movq    0x10(%rsp), %r13
        movq    0x18(%rsp), %r14
        movq    0x20(%rsp), %r15
        movq    0x28(%rsp), %rbx
        movq    0x30(%rsp), %rbp
        leaq    0x40(%rsp), %rsp
        movq    %rsi, %rdx
        movq    %rax, %rdi
        jmp     *%r8
        .cfi_def_cfa_offset 8
1:      ret
        .cfi_endproc
        .size   weft_context_jump_shared, .-weft_context_jump_shared

/* weft_context_start(sp, data, fn, fpu): starts a thread that never ran,
 * for a thread that is leaving for good (sched/thread.c, thread_exit). Nothing of
 * the leaving context is saved: its stack goes with it. The new thread
 * gets the FPU control words `fpu` points at (mxcsr, then the x87 control
 * word, as in a Boost.Context frame), or keeps the running ones if `fpu`
 * is null (both threads use the worker's shared words), and calls
 * fn(data) with sp as its stack top (16-byte aligned) under a null return
 * address, which ends a backtrace there. fn does not return. */
        .globl  weft_context_start
        .hidden weft_context_start
        .type   weft_context_start, @function
        .p2align 4
weft_context_start:
        .cfi_startproc
        .cfi_undefined rip
        testq   %rcx, %rcx
        jz      1f
        ldmxcsr (%rcx)
        fldcw   4(%rcx)
1:      movq    %rdi, %rsp
        xorl    %ebp, %ebp
        pushq   $0
        movq    %rsi, %rdi
        jmp     *%rdx
        .cfi_endproc
        .size   weft_context_start, .-weft_context_start

        .section .note.GNU-stack,"",@progbits
