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

        .section .note.GNU-stack,"",@progbits
