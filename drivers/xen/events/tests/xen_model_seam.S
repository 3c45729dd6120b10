/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry from the xen_hypercall static call into the software model of Xen.
 *
 * Hypercall sites pass the op in RAX and up to five arguments in RDI, RSI,
 * RDX, R10 and R8, and expect RAX back. They do not list RCX, R9 or R11 as
 * clobbered (a real VMCALL/VMMCALL leaves them alone), so those three must
 * survive the call into C, where the ABI lets the compiler use them freely.
 */
#include <linux/linkage.h>
#include <asm/frame.h>

	.text
SYM_FUNC_START(xen_model_hypercall_entry)
	FRAME_BEGIN
	push %rcx
	push %r9
	push %r11
#ifdef CONFIG_FRAME_POINTER
	push $0
#endif
	/* C arguments: op, a1..a5 = RDI, RSI, RDX, RCX, R8, R9. */
	mov %r8, %r9
	mov %r10, %r8
	mov %rdx, %rcx
	mov %rsi, %rdx
	mov %rdi, %rsi
	mov %rax, %rdi
	call xen_model_hypercall
#ifdef CONFIG_FRAME_POINTER
	add $8, %rsp
#endif
	pop %r11
	pop %r9
	pop %rcx
	FRAME_END
	RET
SYM_FUNC_END(xen_model_hypercall_entry)
