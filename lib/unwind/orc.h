/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ORC tables (x86_64 "Oops Rewind Capability"): for every range of kernel
 * text, how to find the caller's stack pointer (sp_reg + sp_offset), the
 * caller's frame pointer (bp_reg + bp_offset) and what sits at the top of
 * the frame (a return address, or a pt_regs / iret frame).
 *
 *   .orc_unwind_ip  s32[n]   ip[i] = &ip_table[i] + ip_table[i]  (sorted)
 *   .orc_unwind     struct orc_entry[n]  (6 bytes on every version so far)
 *     s16 sp_offset; s16 bp_offset; then bitfields whose order and width
 *     changed: <= 6.2 "sp_reg:4 bp_reg:4 type:2 end:1" (type CALL=0,
 *     REGS=1, REGS_PARTIAL=2; sp_reg UNDEFINED + end = end of stack);
 *     >= 6.3 "sp_reg:4 bp_reg:4 type:3 signal:1" (UNDEFINED=0,
 *     END_OF_STACK=1, CALL=2, REGS=3, REGS_PARTIAL=4).
 * The layout is read from DWARF struct orc_entry; a kernel without it gets
 * the <= 6.2 layout.  An entry covers its ip up to the next entry's ip.
 *
 * The register numbers are #defines (not in DWARF) and were renumbered
 * once (Linux 7.x, arch/x86/include/asm/orc_types.h):
 *     old: UNDEFINED 0, PREV_SP 1, DX 2, DI 3, BP 4, SP 5, R10 6, R13 7,
 *          BP_INDIRECT 8, SP_INDIRECT 9
 *     new: UNDEFINED 0, AX 1, DX 2, SP 3, BP 4, DI 5, R10 6, R13 7,
 *          PREV_SP 8, SP_INDIRECT 9, BP_INDIRECT 10
 * The table itself says which: at every function's entry and in most of
 * its code the caller's sp is sp + 8 (a CALL entry, sp_reg SP, offset
 * 8), so the sp_reg most of those entries name is SP's number
 * (kd_orc_detect_regs).  Decoded entries carry our own numbering below.
 *
 * This part is pure (tables in caller memory) so unit tests can build
 * synthetic tables.
 */
#ifndef PYKDUMP_UNWIND_ORC_H
#define PYKDUMP_UNWIND_ORC_H

#include <stddef.h>
#include <stdint.h>

/* ORC registers: the old numbering's values, plus AX (new numbering
 * only) and INVALID for numbers a numbering does not define. */
enum kd_orc_reg {
	KD_ORC_REG_UNDEFINED = 0,
	KD_ORC_REG_PREV_SP = 1,
	KD_ORC_REG_DX = 2,
	KD_ORC_REG_DI = 3,
	KD_ORC_REG_BP = 4,
	KD_ORC_REG_SP = 5,
	KD_ORC_REG_R10 = 6,
	KD_ORC_REG_R13 = 7,
	KD_ORC_REG_BP_INDIRECT = 8,
	KD_ORC_REG_SP_INDIRECT = 9,
	KD_ORC_REG_AX = 10,
	KD_ORC_REG_INVALID = 15,
};

/* Entry types, normalised over both numberings. */
enum kd_orc_type {
	KD_ORC_UNDEFINED,	/* no unwind information: error */
	KD_ORC_END,		/* end of stack (old: sp_reg UNDEFINED + end) */
	KD_ORC_CALL,		/* return address at sp - 8 */
	KD_ORC_REGS,		/* full pt_regs at sp */
	KD_ORC_REGS_PARTIAL,	/* iret frame at sp (pt_regs.ip) */
};

struct kd_orc_field {
	uint16_t bit;		/* bit offset from the start of the entry */
	uint8_t width;		/* 0: absent */
};

struct kd_orc_layout {
	uint32_t entry_size;	/* 6 */
	struct kd_orc_field sp_reg, bp_reg, type, end, signal;
	int new_types;		/* 6.3+ numbering (no end bit) */
	/* raw register number -> enum kd_orc_reg; NULL: the old numbering
	 * (identity) */
	const uint8_t *regs;
};

struct kd_orc_entry {
	int16_t sp_offset, bp_offset;
	unsigned sp_reg, bp_reg;
	enum kd_orc_type type;
	int signal;		/* ip is exact in the next frame (6.3+ bit) */
};

/* One table: the vmlinux's or a module's, copied from the dump. */
struct kd_orc_table {
	uint64_t ip_addr;	/* address of ips[0] in the kernel */
	int32_t *ips;		/* n relative ips (owned) */
	uint8_t *entries;	/* n * entry_size bytes (owned) */
	size_t n;
	uint64_t text_lo, text_hi;	/* text range the table covers */
};

/* The layout of Linux <= 6.2 (used when DWARF has no struct orc_entry). */
void kd_orc_layout_default(struct kd_orc_layout *l);
/* The register numbering table t uses (see above): sets l->regs. */
void kd_orc_detect_regs(struct kd_orc_layout *l, const struct kd_orc_table *t);
/* Decode entry i. */
void kd_orc_decode(const struct kd_orc_layout *l, const struct kd_orc_table *t,
		   size_t i, struct kd_orc_entry *e);
/* The entry covering ip: 1 and *e, or 0 when ip is outside the table. */
int kd_orc_find(const struct kd_orc_layout *l, const struct kd_orc_table *t,
		uint64_t ip, struct kd_orc_entry *e);
static inline uint64_t kd_orc_ip(const struct kd_orc_table *t, size_t i)
{
	return t->ip_addr + 4 * (uint64_t)i + (uint64_t)(int64_t)t->ips[i];
}
void kd_orc_table_free(struct kd_orc_table *t);

#endif /* PYKDUMP_UNWIND_ORC_H */
