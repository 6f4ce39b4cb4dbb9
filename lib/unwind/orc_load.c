// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the ORC tables come from: the dump's memory, so that what was
 * sorted or patched at boot is what we use.
 *   vmlinux: [__start_orc_unwind_ip, __stop_orc_unwind_ip) and
 *            __start_orc_unwind (same count), covering [_stext, _etext)
 *            and init text;
 *   modules: the `modules` list; struct module .arch.orc_unwind_ip,
 *            .arch.orc_unwind, .arch.num_orcs; text from core_layout
 *            (<= 6.3) or mem[MOD_TEXT] (>= 6.4), module_core (older).
 * The entry layout comes from DWARF struct orc_entry (see orc.h).
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>

#include "unwind_internal.h"

#define MAX_ORC_ENTRIES	(8u << 20)
#define MAX_MODULES	4096

static struct kd_orc_field field(struct kd_type *t, const char *name)
{
	struct kd_member m;
	struct kd_error *err = kd_type_find_member(t, name, &m);
	if (err) {
		kd_error_destroy(err);
		return (struct kd_orc_field){ 0, 0 };
	}
	uint32_t width = m.bit_size ? m.bit_size : 8 * kd_type_size(m.type);
	return (struct kd_orc_field){ (uint16_t)m.bit_offset, (uint8_t)width };
}

static void layout_from_dwarf(struct kd_unwind_ctx *c)
{
	kd_orc_layout_default(&c->layout);
	struct kd_type *t;
	struct kd_error *err = kd_types_find(c->types, "struct orc_entry", &t);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	struct kd_orc_layout l = { .entry_size = (uint32_t)kd_type_size(t) };
	l.sp_reg = field(t, "sp_reg");
	l.bp_reg = field(t, "bp_reg");
	l.type = field(t, "type");
	l.end = field(t, "end");
	l.signal = field(t, "signal");
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
	t->text_lo = kd_orc_ip(t, 0);
	t->text_hi = kd_orc_ip(t, t->n - 1) + 1;
	if (c->inittext_hi > t->text_hi)
		t->text_hi = c->inittext_hi;
	if (c->text_hi > t->text_hi)
		t->text_hi = c->text_hi;
}

/* ---- modules ---- */

struct mod_offsets {
	uint64_t list, name, base, size, orc_ip, orc, num;
	uint64_t size_bytes;	/* sizeof the size member */
};

static int module_offsets(struct kd_unwind_ctx *c, struct mod_offsets *o)
{
	const char *m = "struct module";
	o->list = kd_unwind_member_off(c, m, "list");
	o->name = kd_unwind_member_off(c, m, "name");
	o->base = kd_unwind_member_off(c, m, "core_layout.base");
	o->size = kd_unwind_member_off(c, m, "core_layout.text_size");
	if (o->base == KD_NO_OFFSET) {	/* 6.4+: mem[MOD_TEXT = 0] */
		o->base = kd_unwind_member_off(c, m, "mem[0].base");
		o->size = kd_unwind_member_off(c, m, "mem[0].size");
	}
	if (o->base == KD_NO_OFFSET) {	/* before 4.5 */
		o->base = kd_unwind_member_off(c, m, "module_core");
		o->size = kd_unwind_member_off(c, m, "core_text_size");
	}
	o->orc_ip = kd_unwind_member_off(c, m, "arch.orc_unwind_ip");
	o->orc = kd_unwind_member_off(c, m, "arch.orc_unwind");
	o->num = kd_unwind_member_off(c, m, "arch.num_orcs");
	return o->list != KD_NO_OFFSET && o->name != KD_NO_OFFSET &&
	       o->base != KD_NO_OFFSET && o->size != KD_NO_OFFSET;
}

static int read_module(struct kd_unwind_ctx *c, const struct mod_offsets *o,
		       uint64_t mod, struct kd_unwind_module *m)
{
	uint64_t base = 0;
	uint32_t size = 0;	/* unsigned int in every layout */
	struct kd_error *err = kd_read_u64(c->s, mod + o->base, &base);
	if (!err)
		err = kd_read_u32(c->s, mod + o->size, &size);
	if (!err)
		err = kd_read_cstring(c->s, mod + o->name, m->name,
				      sizeof(m->name), NULL);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	m->text_lo = base;
	m->text_hi = base + size;
	return 1;
}

static void load_modules(struct kd_unwind_ctx *c)
{
	c->modules_loaded = 1;
	struct mod_offsets o;
	uint64_t head = 0, next = 0;
	if (!module_offsets(c, &o) || !kd_symbol_try_addr(c->s, "modules", &head))
		return;
	struct kd_error *err = kd_read_u64(c->s, head, &next);
	for (size_t i = 0; !err && next != head && i < MAX_MODULES; i++) {
		struct kd_unwind_module m = { .orc_tried = 0 };
		uint64_t mod = next - o.list;
		if (read_module(c, &o, mod, &m)) {
			void *p = realloc(c->modules,
					  (c->nmodules + 1) * sizeof(m));
			if (!p)
				break;
			c->modules = p;
			m.mod = mod;
			c->modules[c->nmodules++] = m;
		}
		err = kd_read_u64(c->s, next, &next);
	}
	kd_error_destroy(err);
}

static void module_table(struct kd_unwind_ctx *c, struct kd_unwind_module *m)
{
	struct mod_offsets o;
	uint64_t mod = m->mod;
	m->orc_tried = 1;
	if (!module_offsets(c, &o) || o.orc_ip == KD_NO_OFFSET ||
	    o.orc == KD_NO_OFFSET || o.num == KD_NO_OFFSET)
		return;
	uint64_t ip = 0, orc = 0;
	uint32_t num = 0;
	struct kd_error *err = kd_read_u64(c->s, mod + o.orc_ip, &ip);
	if (!err)
		err = kd_read_u64(c->s, mod + o.orc, &orc);
	if (!err)
		err = kd_read_u32(c->s, mod + o.num, &num);
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
