// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the ORC tables come from: the dump's memory, so that what was
 * sorted or patched at boot is what we use.
 *   vmlinux: [__start_orc_unwind_ip, __stop_orc_unwind_ip) and
 *            __start_orc_unwind (same count), covering [_stext, _etext)
 *            and init text;
 *   modules: the kernel layer's module list (kmodules.h) for their
 *            text; struct module .arch.orc_unwind_ip, .arch.orc_unwind,
 *            .arch.num_orcs for their tables.
 * The entry layout comes from DWARF struct orc_entry (see orc.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/kmodules.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>

#include "unwind_internal.h"

#define MAX_ORC_ENTRIES	(8u << 20)

/* struct orc_entry's bitfields: bit offset and width of each (absent:
 * KD_ABSENT, width 0 below). */
struct orc_bits {
	uint64_t size;
	uint64_t sp_reg, sp_reg_w, bp_reg, bp_reg_w, type, type_w;
	uint64_t end, end_w, signal, signal_w;
};

#define OB struct orc_bits
#define OE "struct orc_entry"
#define BITS(f) KD_LF(OB, f, OE, #f, KD_LF_BITS), \
		KD_LF(OB, f##_w, OE, #f, KD_LF_WIDTH)
static const struct kd_layout_field orc_entry_fields[] = {
	KD_LF(OB, size, OE, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	BITS(sp_reg), BITS(bp_reg), BITS(type), BITS(end), BITS(signal),
};
#undef BITS
#undef OB
#undef OE

static struct kd_orc_field field(uint64_t bit, uint64_t width)
{
	if (!kd_present(bit) || !kd_present(width) || bit > UINT16_MAX ||
	    width > UINT8_MAX)
		return (struct kd_orc_field){ 0, 0 };
	return (struct kd_orc_field){ (uint16_t)bit, (uint8_t)width };
}

static void layout_from_dwarf(struct kd_unwind_ctx *c)
{
	struct orc_bits b;
	kd_orc_layout_default(&c->layout);
	struct kd_error *err = kd_layout_fill(c->s, orc_entry_fields,
					      KD_ARRAY_SIZE(orc_entry_fields),
					      &b);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	struct kd_orc_layout l = { .entry_size = (uint32_t)b.size };
	l.sp_reg = field(b.sp_reg, b.sp_reg_w);
	l.bp_reg = field(b.bp_reg, b.bp_reg_w);
	l.type = field(b.type, b.type_w);
	l.end = field(b.end, b.end_w);
	l.signal = field(b.signal, b.signal_w);
	l.new_types = !l.end.width && l.type.width >= 3;
	if (l.entry_size < 6 || !l.sp_reg.width || !l.type.width)
		return;
	c->layout = l;
}

/* Copies n ips at ip_addr and n entries at orc_addr from memory. */
static struct kd_error *read_table(struct kd_session *s, uint64_t ip_addr,
				   uint64_t orc_addr, size_t n,
				   size_t entry_size, struct kd_orc_table *t)
{
	if (!n || n > MAX_ORC_ENTRIES)
		return kd_error_create(KD_ERR_CORRUPT,
				       "implausible ORC table size %zu", n);
	t->ips = malloc(n * 4);
	t->entries = malloc(n * entry_size);
	if (!t->ips || !t->entries) {
		kd_orc_table_free(t);
		return &kd_error_nomem;
	}
	struct kd_error *err = kd_read_kvaddr(s, ip_addr, t->ips, n * 4);
	if (!err)
		err = kd_read_kvaddr(s, orc_addr, t->entries, n * entry_size);
	if (err) {
		kd_orc_table_free(t);
		return err;
	}
	t->ip_addr = ip_addr;
	t->n = n;
	return NULL;
}

static void vmlinux_table(struct kd_unwind_ctx *c)
{
	uint64_t ip = 0, ip_end = 0, orc = 0;
	if (!kd_symbol_try_addr(c->s, "__start_orc_unwind_ip", &ip) ||
	    !kd_symbol_try_addr(c->s, "__stop_orc_unwind_ip", &ip_end) ||
	    !kd_symbol_try_addr(c->s, "__start_orc_unwind", &orc) ||
	    ip_end <= ip) {
		c->orc_problem = strdup("the kernel has no ORC tables");
		return;
	}
	struct kd_orc_table *t = &c->vmlinux_orc;
	struct kd_error *err = read_table(c->s, ip, orc, (ip_end - ip) / 4,
					  c->layout.entry_size, t);
	if (err) {
		if (asprintf(&c->orc_problem, "cannot read the ORC tables: %s",
			     err->message) < 0)
			c->orc_problem = NULL;
		kd_error_destroy(err);
		return;
	}
	kd_orc_detect_regs(&c->layout, t);
	t->text_lo = kd_orc_ip(t, 0);
	t->text_hi = kd_orc_ip(t, t->n - 1) + 1;
	if (c->inittext_hi > t->text_hi)
		t->text_hi = c->inittext_hi;
	if (c->text_hi > t->text_hi)
		t->text_hi = c->text_hi;
}

/* ---- modules ---- */

struct orc_offsets {
	uint64_t orc_ip, orc, num;
};

#define MA "struct module"
static const struct kd_layout_field orc_fields[] = {
	KD_LF(struct orc_offsets, orc_ip, MA, "arch.orc_unwind_ip",
	      KD_LF_REQUIRED),
	KD_LF(struct orc_offsets, orc, MA, "arch.orc_unwind", KD_LF_REQUIRED),
	KD_LF(struct orc_offsets, num, MA, "arch.num_orcs", KD_LF_REQUIRED),
};

/* The modules' text ranges, from the kernel layer's module list. */
static void load_modules(struct kd_unwind_ctx *c)
{
	const struct kd_kmodule *km;
	size_t n;
	c->modules_loaded = 1;
	struct kd_error *err = kd_kmodules_get(c->s, &km, &n, NULL);
	if (err || !n) {
		kd_error_destroy(err);
		return;
	}
	c->modules = calloc(n, sizeof(*c->modules));
	if (!c->modules)
		return;
	for (size_t i = 0; i < n; i++) {
		struct kd_unwind_module *m = &c->modules[c->nmodules++];
		snprintf(m->name, sizeof(m->name), "%s", km[i].name);
		m->mod = km[i].addr;
		m->text_lo = km[i].base;
		m->text_hi = km[i].base + km[i].text_size;
	}
}

static void module_table(struct kd_unwind_ctx *c, struct kd_unwind_module *m)
{
	struct orc_offsets o;
	uint64_t ip = 0, orc = 0;
	uint32_t num = 0;
	m->orc_tried = 1;
	struct kd_error *err = kd_layout_fill(c->s, orc_fields,
					      KD_ARRAY_SIZE(orc_fields), &o);
	if (!err)
		err = kd_field_ptr(c->s, m->mod, o.orc_ip, &ip);
	if (!err)
		err = kd_field_ptr(c->s, m->mod, o.orc, &orc);
	if (!err)
		err = kd_field_u32(c->s, m->mod, o.num, &num);
	if (!err)
		err = read_table(c->s, ip, orc, num, c->layout.entry_size,
				 &m->orc);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	m->orc.text_lo = m->text_lo;
	m->orc.text_hi = m->text_hi;
}

const struct kd_unwind_module *kd_unwind_module_of(struct kd_unwind_ctx *c,
						   uint64_t ip)
{
	if (!c->modules_loaded)
		load_modules(c);
	for (size_t i = 0; i < c->nmodules; i++)
		if (ip >= c->modules[i].text_lo && ip < c->modules[i].text_hi)
			return &c->modules[i];
	return NULL;
}

/* The vmlinux table is read from the dump on the first unwind: listing
 * tasks or the CPUs' current tasks needs no ORC, and on a compressed dump
 * reading the table is most of a warm start-up. */
const char *kd_unwind_orc_load(struct kd_unwind_ctx *c)
{
	if (!c->orc_loaded) {
		c->orc_loaded = 1;
		layout_from_dwarf(c);
		vmlinux_table(c);
	}
	return c->orc_problem;
}

int kd_unwind_orc_lookup(struct kd_unwind_ctx *c, uint64_t ip,
			 struct kd_orc_entry *e)
{
	kd_unwind_orc_load(c);
	if (kd_orc_find(&c->layout, &c->vmlinux_orc, ip, e))
		return 1;
	struct kd_unwind_module *m =
		(struct kd_unwind_module *)kd_unwind_module_of(c, ip);
	if (!m)
		return 0;
	if (!m->orc_tried)
		module_table(c, m);
	return kd_orc_find(&c->layout, &m->orc, ip, e);
}

void kd_unwind_orc_fini(struct kd_unwind_ctx *c)
{
	kd_orc_table_free(&c->vmlinux_orc);
	for (size_t i = 0; i < c->nmodules; i++)
		if (c->modules[i].orc_tried)
			kd_orc_table_free(&c->modules[i].orc);
	free(c->modules);
	free(c->orc_problem);
}
