/* arch: the linked-segment trampoline for x86-64 System V.
 *
 * void weft_segment_call(void (*fn)(void *), void *arg, void *top, int *busy)
 *
 * Runs fn(arg) with the stack pointer at `top` (the 16-byte aligned top of
 * a linked segment, see sched/segment_call.c), then returns on the caller's
 * stack. Once the stack pointer is at `top` it stores 0 to *busy (a signal
 * handler that calls onto a segment before that store must not use the
 * thread's segments, see sched/segment_call.c). The frame is an ordinary rbp frame: the caller's rsp lives in rbp
 * (callee-saved, so fn and everything it calls preserve it or describe where
 * they saved it), and the CFI says CFA = rbp + 16. The unwinder (C++
 * exceptions, gdb, backtrace()) therefore steps from fn's frame on the
 * linked segment back to the caller's frame on the old stack.
 *
 * The call and the instructions after it are a function of their own,
 * __morestack (local, with a size, so it clashes with nothing): gdb stops a
 * backtrace whose frames go "inwards" (the caller's stack at a lower
 * address than the segment it called onto, which happens at about every
 * other boundary) unless the frame that switched stacks is in a function of
 * that name, the name of GCC's split-stack switcher. gdb names a pc by the
 * sized symbol that contains it, so weft_segment_call's size must end where
 * __morestack begins; a bare label inside weft_segment_call is not enough
 * (test: test/lit/e2e/segments-gdb.test). One FDE covers both.
 */
        .text
        .globl  weft_segment_call
        .hidden weft_segment_call
        .type   weft_segment_call, @function
        .p2align 4
weft_segment_call:
        .cfi_startproc
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp
        movq    %rdi, %rax
        movq    %rsi, %rdi
        movq    %rdx, %rsp
        movl    $0, (%rcx)
        .size   weft_segment_call, .-weft_segment_call
        .type   __morestack, @function
__morestack:
        call    *%rax
        movq    %rbp, %rsp
        popq    %rbp
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size   __morestack, .-__morestack

        .section .note.GNU-stack,"",@progbits
