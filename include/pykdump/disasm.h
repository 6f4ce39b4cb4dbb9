/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disassembly of the dumped machine's code, from its memory (the text as
 * the kernel patched it at boot: alternatives, static keys, ftrace nops),
 * in AT&T syntax as gdb prints it (binutils' libopcodes, the disassembler
 * gdb and therefore crash use).
 *
 * An instruction's text is libopcodes' ("mov    %gs:0x1fb80,%rbx",
 * "call   0xffffffffa6f43e90"); each address operand libopcodes shows
 * (branch targets, rip-relative operands after "# ") is recorded in
 * kd_insn.addrs, and a symbolizer the caller gives may follow it with
 * " <name+off>" as gdb does.
 */
#ifndef PYKDUMP_DISASM_H
#define PYKDUMP_DISASM_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_disasm;

#define KD_INSN_TEXT_MAX	256
#define KD_INSN_MAX_ADDRS	2
#define KD_INSN_MAX_LEN		15	/* x86 */

struct kd_insn {
	uint64_t addr;
	unsigned len;			/* bytes */
	uint8_t bytes[KD_INSN_MAX_LEN];
	char text[KD_INSN_TEXT_MAX];	/* with the symbolizer's names */
	size_t naddrs;			/* address operands shown */
	uint64_t addrs[KD_INSN_MAX_ADDRS];
};

/*
 * Names an address operand: fill buf with what goes between "<" and ">"
 * and return 1, or return 0 for none.  text is the instruction's text up
 * to the operand (mnemonic first), addr the operand's value.
 */
typedef int kd_disasm_symbolize_fn(void *arg, uint64_t addr,
				   const char *text, char *buf, size_t size);

struct kd_disasm_options {
	/* 0: kernel virtual addresses; else the kernel virtual address of
	 * the top-level page table (mm->pgd) of the address space to read. */
	uint64_t pgd;
	kd_disasm_symbolize_fn *symbolize;	/* NULL: no names */
	void *symbolize_arg;
};

/* A disassembler for the session's machine (x86_64 only for now:
 * KD_ERR_UNSUPPORTED otherwise).  opts may be NULL. */
KD_PUBLIC struct kd_error *kd_disasm_create(struct kd_session *s,
					    const struct kd_disasm_options *opts,
					    struct kd_disasm **ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_disasm_destroy(struct kd_disasm *d);

/* The instruction at addr.  A memory error names the address that could
 * not be read. */
KD_PUBLIC struct kd_error *kd_disasm_insn(struct kd_disasm *d, uint64_t addr,
					  struct kd_insn *ret) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_DISASM_H */
