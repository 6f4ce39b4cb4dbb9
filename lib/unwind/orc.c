// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ORC entries: decoding a packed entry with the layout read from DWARF,
 * and finding the entry that covers an address (binary search over the
 * sorted relative ips; the kernel's orc_lookup block index only speeds
 * that up and is not needed here).  See orc.h for the table format.
 */
#include <stdlib.h>
#include <string.h>

#include "orc.h"

void kd_orc_layout_default(struct kd_orc_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->entry_size = 6;
	l->sp_reg = (struct kd_orc_field){ 32, 4 };
	l->bp_reg = (struct kd_orc_field){ 36, 4 };
	l->type = (struct kd_orc_field){ 40, 2 };
	l->end = (struct kd_orc_field){ 42, 1 };
}

/* The new numbering (Linux 7.x) mapped to ours (see orc.h). */
static const uint8_t new_regs[16] = {
	KD_ORC_REG_UNDEFINED, KD_ORC_REG_AX, KD_ORC_REG_DX, KD_ORC_REG_SP,
	KD_ORC_REG_BP, KD_ORC_REG_DI, KD_ORC_REG_R10, KD_ORC_REG_R13,
	KD_ORC_REG_PREV_SP, KD_ORC_REG_SP_INDIRECT, KD_ORC_REG_BP_INDIRECT,
	KD_ORC_REG_INVALID, KD_ORC_REG_INVALID, KD_ORC_REG_INVALID,
	KD_ORC_REG_INVALID, KD_ORC_REG_INVALID,
};
/* The old numbering: ours, but for numbers it never defined. */
static const uint8_t old_regs[16] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
	KD_ORC_REG_INVALID, KD_ORC_REG_INVALID, KD_ORC_REG_INVALID,
	KD_ORC_REG_INVALID, KD_ORC_REG_INVALID, KD_ORC_REG_INVALID,
};
#define OLD_SP	5	/* SP's number in each numbering */
#define NEW_SP	3

/* An entry's first (up to) 8 bytes as one little-endian number: the
 * bitfields lie in them.  Loaded once per entry, not once per field
 * (decoding is the inner loop of lookups and of the numbering
 * detection, which reads every entry). */
static uint64_t entry_word(const uint8_t *p, size_t size)
{
	uint64_t v = 0;
	for (size_t i = 0; i < size && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static unsigned get_bits(uint64_t v, size_t size, struct kd_orc_field f)
{
	if (!f.width || f.bit + f.width > size * 8 || f.bit + f.width > 64)
		return 0;
	return (unsigned)((v >> f.bit) & ((1u << f.width) - 1));
}

static enum kd_orc_type old_type(unsigned type, unsigned sp_reg, unsigned end)
{
	/* <= 6.2: an undefined sp_reg is the end of the stack when the end
	 * bit is set, and a hole in the table otherwise. */
	if (sp_reg == KD_ORC_REG_UNDEFINED)
		return end ? KD_ORC_END : KD_ORC_UNDEFINED;
	switch (type) {
	case 0: return KD_ORC_CALL;
	case 1: return KD_ORC_REGS;
	case 2: return KD_ORC_REGS_PARTIAL;
	default: return KD_ORC_UNDEFINED;
	}
}

static enum kd_orc_type new_type(unsigned type)
{
	switch (type) {
	case 1: return KD_ORC_END;
	case 2: return KD_ORC_CALL;
	case 3: return KD_ORC_REGS;
	case 4: return KD_ORC_REGS_PARTIAL;
	default: return KD_ORC_UNDEFINED;
	}
}

static unsigned map_reg(const struct kd_orc_layout *l, unsigned raw)
{
	return (l->regs ? l->regs : old_regs)[raw & 15];
}

void kd_orc_detect_regs(struct kd_orc_layout *l, const struct kd_orc_table *t)
{
	/* Count the raw sp_reg of CALL entries whose caller's sp is 8 above
	 * the base register: SP's number wins by far in either numbering
	 * (the old one's 3 is DI, used only by a few entry stubs). */
	size_t n_old = 0, n_new = 0;
	struct kd_orc_layout raw = *l;
	raw.regs = NULL;
	for (size_t i = 0; t && i < t->n; i++) {
		struct kd_orc_entry e;
		kd_orc_decode(&raw, t, i, &e);
		if (e.type != KD_ORC_CALL || e.sp_offset != 8)
			continue;
		n_old += e.sp_reg == OLD_SP;
		n_new += e.sp_reg == NEW_SP;
	}
	l->regs = n_new > n_old ? new_regs : NULL;
}

void kd_orc_decode(const struct kd_orc_layout *l, const struct kd_orc_table *t,
		   size_t i, struct kd_orc_entry *e)
{
	const uint8_t *p = t->entries + i * l->entry_size;
	uint64_t w = entry_word(p, l->entry_size);
	e->sp_offset = (int16_t)(p[0] | p[1] << 8);
	e->bp_offset = (int16_t)(p[2] | p[3] << 8);
	e->sp_reg = map_reg(l, get_bits(w, l->entry_size, l->sp_reg));
	e->bp_reg = map_reg(l, get_bits(w, l->entry_size, l->bp_reg));
	unsigned type = get_bits(w, l->entry_size, l->type);
	e->signal = (int)get_bits(w, l->entry_size, l->signal);
	if (l->new_types) {
		e->type = new_type(type);
		if (e->type == KD_ORC_CALL && e->sp_reg == KD_ORC_REG_UNDEFINED)
			e->type = KD_ORC_UNDEFINED;
	} else {
		e->type = old_type(type, e->sp_reg,
				   get_bits(w, l->entry_size, l->end));
	}
	/* Before the signal bit existed, regs frames implied it. */
	if (!l->signal.width)
		e->signal = e->type == KD_ORC_REGS ||
			    e->type == KD_ORC_REGS_PARTIAL;
}

int kd_orc_find(const struct kd_orc_layout *l, const struct kd_orc_table *t,
		uint64_t ip, struct kd_orc_entry *e)
{
	if (!t || !t->n || ip < t->text_lo || ip >= t->text_hi)
		return 0;
	if (ip < kd_orc_ip(t, 0))
		return 0;
	size_t lo = 0, hi = t->n;	/* last i with ip(i) <= ip */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (kd_orc_ip(t, mid) <= ip)
			lo = mid;
		else
			hi = mid;
	}
	kd_orc_decode(l, t, lo, e);
	return 1;
}

void kd_orc_table_free(struct kd_orc_table *t)
{
	if (!t)
		return;
	free(t->ips);
	free(t->entries);
	memset(t, 0, sizeof(*t));
}
