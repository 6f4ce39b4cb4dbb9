// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The loaded modules: see include/pykdump/kmodules.h.  Kernel facts:
 *   - `modules` is a list_head; each struct module is on it by .list,
 *     newest first (crash shows them sorted by base address instead);
 *   - the name is a char array inside struct module;
 *   - CONFIG_KALLSYMS modules point .kallsyms (4.5+) or .symtab (older)
 *     at their own symbol table.
 * The walk is bounded and cancellable; a cycle or an unreadable node
 * ends it with the modules read so far.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/kmodules.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#define MAX_MODULES 65536
#define NO_OFF UINT64_MAX

struct mod_layout {
	uint64_t list, name, base, size, text_size, kallsyms;
	int nmem;		/* 6.4+: core regions summed into size */
	uint64_t mem_stride;	/* sizeof(struct module_memory) */
};

static uint64_t member_off(struct kd_type *t, const char *path)
{
	struct kd_member_path mp;
	struct kd_error *err = kd_type_member_path(t, path, &mp);
	if (err) {
		kd_error_destroy(err);
		return NO_OFF;
	}
	if (mp.stopped_at_pointer && mp.rest)
		return NO_OFF;
	return mp.bit_offset / 8;
}

/* 6.4+: the regions before MOD_INIT_TEXT are the core ones. */
static int core_regions(struct kd_types *types)
{
	struct kd_enum_value ev;
	struct kd_error *err = kd_types_find_enumerator(types, "MOD_INIT_TEXT",
							&ev);
	if (err) {
		kd_error_destroy(err);
		return 4;
	}
	return ev.value > 0 && ev.value < 16 ? (int)ev.value : 4;
}

static struct kd_error *layout_get(struct kd_session *s, struct mod_layout *l)
{
	struct kd_types *types;
	struct kd_type *t;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, "struct module", &t);
	if (err)
		return err;
	memset(l, 0, sizeof(*l));
	l->list = member_off(t, "list");
	l->name = member_off(t, "name");
	l->kallsyms = member_off(t, "kallsyms");
	if (l->kallsyms == NO_OFF)
		l->kallsyms = member_off(t, "symtab");
	l->base = member_off(t, "mem[0].base");
	if (l->base != NO_OFF) {
		l->size = member_off(t, "mem[0].size");
		l->mem_stride = member_off(t, "mem[1].base") - l->base;
		l->nmem = core_regions(types);
		l->text_size = l->size;
	} else if ((l->base = member_off(t, "core_layout.base")) != NO_OFF) {
		l->size = member_off(t, "core_layout.size");
		l->text_size = member_off(t, "core_layout.text_size");
	} else {
		l->base = member_off(t, "module_core");
		l->size = member_off(t, "core_size");
		l->text_size = member_off(t, "core_text_size");
	}
	if (l->list == NO_OFF || l->name == NO_OFF || l->base == NO_OFF ||
	    l->size == NO_OFF)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "struct module: unknown layout (no "
				       "list/name/core base/size members)");
	return NULL;
}

static uint64_t read_u32_or0(struct kd_session *s, uint64_t addr)
{
	uint32_t v = 0;
	struct kd_error *err = kd_read_u32(s, addr, &v);
	kd_error_destroy(err);
	return err ? 0 : v;
}

/* 1 (error destroyed) when err is an error. */
static int kd_error_destroy_ok(struct kd_error *err)
{
	kd_error_destroy(err);
	return err != NULL;
}

static struct kd_error *read_module(struct kd_session *s,
				    const struct mod_layout *l, uint64_t mod,
				    struct kd_kmodule *m)
{
	memset(m, 0, sizeof(*m));
	m->addr = mod;
	struct kd_error *err = kd_read_cstring(s, mod + l->name, m->name,
					       sizeof(m->name), NULL);
	if (!err)
		err = kd_read_ptr(s, mod + l->base, &m->base);
	if (err)
		return err;
	if (l->nmem) {
		for (int i = 0; i < l->nmem && i < 8; i++) {
			uint64_t at = mod + i * l->mem_stride;
			m->region[i].size = read_u32_or0(s, at + l->size);
			m->size += m->region[i].size;
			if (kd_error_destroy_ok(kd_read_ptr(s, at + l->base,
							    &m->region[i].base)))
				m->region[i].size = 0;
		}
		m->nregion = l->nmem < 8 ? l->nmem : 8;
		m->text_size = read_u32_or0(s, mod + l->text_size);
	} else {
		m->size = read_u32_or0(s, mod + l->size);
		if (l->text_size != NO_OFF)
			m->text_size = read_u32_or0(s, mod + l->text_size);
		m->region[0].base = m->base;
		m->region[0].size = m->size;
		m->nregion = 1;
	}
	uint64_t ks = 0;
	if (l->kallsyms != NO_OFF) {
		struct kd_error *e = kd_read_ptr(s, mod + l->kallsyms, &ks);
		kd_error_destroy(e);
	}
	m->kallsyms = ks != 0;
	return NULL;
}

static int by_base(const void *a, const void *b)
{
	const struct kd_kmodule *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

static int push(struct kd_kmodule **v, size_t *n, size_t *cap,
		const struct kd_kmodule *m)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct kd_kmodule *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *m;
	return 0;
}

/* 1 when node was met before (a cycle not through the head). */
static int seen(const struct kd_kmodule *v, size_t n, uint64_t mod)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr == mod)
			return 1;
	return 0;
}

struct kd_error *kd_kmodules_list(struct kd_session *s,
				  struct kd_kmodule **ret, size_t *n,
				  int *truncated)
{
	struct mod_layout l;
	uint64_t head, node;
	struct kd_kmodule *v = NULL;
	size_t cnt = 0, cap = 0;
	int broken = 0;
	struct kd_error *err = layout_get(s, &l);
	if (!err)
		err = kd_symbol_addr(s, "modules", &head);
	if (!err)
		err = kd_read_ptr(s, head, &node);
	if (err)
		return err;
	while (node != head) {
		struct kd_kmodule m;
		uint64_t mod = node - l.list;
		if (cnt >= MAX_MODULES || seen(v, cnt, mod) ||
		    kd_cancel_pending()) {
			broken = 1;
			break;
		}
		err = read_module(s, &l, mod, &m);
		if (!err)
			err = kd_read_ptr(s, node, &node);
		if (err) {
			kd_error_destroy(err);
			broken = 1;
			break;
		}
		if (push(&v, &cnt, &cap, &m) < 0) {
			free(v);
			return &kd_error_nomem;
		}
	}
	if (cnt)
		kd_qsort(v, cnt, sizeof(*v), by_base);
	*ret = v;
	*n = cnt;
	if (truncated)
		*truncated = broken;
	return NULL;
}

/* ---- module symbols ---- */

#define MAX_MODSYMS (1u << 20)
#define ELF64_SYM_SIZE 24

struct ksym_layout {
	uint64_t kallsyms, symtab, num, strtab;	/* kallsyms NO_OFF: in module */
};

static int ksym_layout(struct kd_session *s, struct ksym_layout *k)
{
	struct kd_types *types;
	struct kd_type *t;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, "struct module", &t);
	if (kd_error_destroy_ok(err))
		return 0;
	k->kallsyms = member_off(t, "kallsyms");
	if (k->kallsyms != NO_OFF) {
		err = kd_types_find(types, "struct mod_kallsyms", &t);
		if (kd_error_destroy_ok(err))
			return 0;
	}
	k->symtab = member_off(t, "symtab");
	k->num = member_off(t, "num_symtab");
	k->strtab = member_off(t, "strtab");
	return k->symtab != NO_OFF && k->num != NO_OFF && k->strtab != NO_OFF;
}

static int in_module(const struct kd_kmodule *m, uint64_t addr)
{
	for (int i = 0; i < m->nregion; i++)
		if (addr >= m->region[i].base &&
		    addr - m->region[i].base < m->region[i].size)
			return 1;
	return 0;
}

/* Best symbol <= addr in one module's table: its index, or -1. */
static long best_symbol(const unsigned char *tab, uint32_t num, uint64_t addr,
			uint64_t *value)
{
	long best = -1;
	for (uint32_t i = 1; i < num; i++) {
		const unsigned char *e = tab + (size_t)i * ELF64_SYM_SIZE;
		uint64_t v;
		uint32_t st_name;
		memcpy(&st_name, e, 4);
		memcpy(&v, e + 8, 8);
		if (!st_name || v > addr || (best >= 0 && v <= *value))
			continue;
		best = i;
		*value = v;
	}
	return best;
}

static int module_symbol(struct kd_session *s, const struct ksym_layout *k,
			 const struct kd_kmodule *m, uint64_t addr, char *name,
			 size_t size, uint64_t *offset)
{
	uint64_t ks = m->addr, symtab, strtab, value = 0;
	uint32_t num;
	if (k->kallsyms != NO_OFF &&
	    kd_error_destroy_ok(kd_read_ptr(s, m->addr + k->kallsyms, &ks)))
		return 0;
	if (!ks || kd_error_destroy_ok(kd_read_ptr(s, ks + k->symtab, &symtab)) ||
	    kd_error_destroy_ok(kd_read_u32(s, ks + k->num, &num)) ||
	    kd_error_destroy_ok(kd_read_ptr(s, ks + k->strtab, &strtab)) ||
	    num == 0 || num > MAX_MODSYMS)
		return 0;
	unsigned char *tab = malloc((size_t)num * ELF64_SYM_SIZE);
	if (!tab)
		return 0;
	long i = -1;
	if (!kd_error_destroy_ok(kd_read_kvaddr(s, symtab, tab,
						(size_t)num * ELF64_SYM_SIZE)))
		i = best_symbol(tab, num, addr, &value);
	uint32_t st_name = 0;
	if (i >= 0)
		memcpy(&st_name, tab + (size_t)i * ELF64_SYM_SIZE, 4);
	free(tab);
	if (i < 0 || kd_error_destroy_ok(kd_read_cstring(s, strtab + st_name,
							 name, size, NULL)))
		return 0;
	*offset = addr - value;
	return 1;
}

int kd_kmodules_symbol(struct kd_session *s, uint64_t addr, char *name,
		       size_t size, uint64_t *offset, char *modname,
		       size_t modsize)
{
	struct ksym_layout k;
	struct kd_kmodule *v;
	size_t n;
	int found = 0;
	if (!size || !ksym_layout(s, &k) ||
	    kd_error_destroy_ok(kd_kmodules_list(s, &v, &n, NULL)))
		return 0;
	for (size_t i = 0; i < n && !found; i++) {
		if (!in_module(&v[i], addr))
			continue;
		found = module_symbol(s, &k, &v[i], addr, name, size, offset);
		if (found && modname && modsize)
			snprintf(modname, modsize, "%s", v[i].name);
	}
	free(v);
	return found;
}
