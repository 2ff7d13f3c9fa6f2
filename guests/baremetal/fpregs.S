/* FP/SIMD state for the register-leak check (regs.c): the C code is built
 * with general registers only. */
	.arch	armv8-a+fp+simd
	.text

/* fp_fill(pattern): q<n> = pattern + n in both halves. */
	.globl	fp_fill
fp_fill:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x1, x0, #\n
	dup	v\n\().2d, x1
	.endr
	ret

/* fp_nonzero_mask(): bit n set when q<n> is not all zeros. */
	.globl	fp_nonzero_mask
fp_nonzero_mask:
	mov	x0, #0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	mov	x1, v\n\().d[0]
	mov	x2, v\n\().d[1]
	orr	x1, x1, x2
	cmp	x1, #0
	cset	x1, ne
	orr	x0, x0, x1, lsl #\n
	.endr
	ret

	.globl	fp_read_fpcr
fp_read_fpcr:
	mrs	x0, fpcr
	ret

	.globl	fp_read_fpsr
fp_read_fpsr:
	mrs	x0, fpsr
	ret

/* fp_write_status(fpcr, fpsr) */
	.globl	fp_write_status
fp_write_status:
	msr	fpcr, x0
	msr	fpsr, x1
	ret
