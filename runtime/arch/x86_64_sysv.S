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

/* weft_context_start(sp, data, fn, fpu): starts a thread that never ran,
 * for a thread that is leaving for good (sched.c, thread_exit). Nothing of
 * the leaving context is saved: its stack goes with it. The new thread
 * gets the FPU control words a fresh context has (`fpu` points at them:
 * mxcsr, then the x87 control word, as in a Boost.Context frame) and calls
 * fn(data) with sp as its stack top (16-byte aligned) under a null return
 * address, which ends a backtrace there. fn does not return. */
        .globl  weft_context_start
        .hidden weft_context_start
        .type   weft_context_start, @function
        .p2align 4
weft_context_start:
        .cfi_startproc
        .cfi_undefined rip
        ldmxcsr (%rcx)
        fldcw   4(%rcx)
        movq    %rdi, %rsp
        xorl    %ebp, %ebp
        pushq   $0
        movq    %rsi, %rdi
        jmp     *%rdx
        .cfi_endproc
        .size   weft_context_start, .-weft_context_start

        .section .note.GNU-stack,"",@progbits
