// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Session-wide symbols (include/pykdump/ksyms.h): the vmlinux table for
 * the kernel image and per-CPU data, the modules' kallsyms copies for
 * addresses inside a module (binary search in the module's sorted
 * array).  When several symbols share an address, crash's value_search
 * rule decides: an address equal to it gets the first of them (kallsyms
 * order), an address past it the last ("loop_exit" but
 * "cleanup_module+3").
 */
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>

#include "dlkm_internal.h"

static void from_module(const struct kd_dlkm_module *m, size_t i,
			struct kd_ksym *ret)
{
	const struct kd_dlkm_sym *ks = &m->syms[i];
	ret->name = m->strtab + ks->name;
	ret->value = ks->value;
	ret->size = ks->size;
	ret->type = ks->type;
	ret->module = m->name;
}

/* Index of the symbol of the highest value <= addr (the first of those
 * at that value when it is addr, else the last), or -1. */
static long module_sym_at(const struct kd_dlkm_module *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	long i = (long)lo - 1;
	while (m->syms[i].value == addr && i > 0 &&
	       m->syms[i - 1].value == addr)
		i--;
	/* a region's start symbol (type 'm', first at its address) names
	 * the address only when no kallsyms symbol is there (crash) */
	for (long k = i; k < (long)m->nsyms && m->syms[k].value ==
	     m->syms[i].value; k++)
		if (m->syms[k].type != 'm' && m->syms[i].type == 'm') {
			i = k;
			break;
		}
	return i;
}

static int vmlinux_by_addr(struct kd_session *s, uint64_t addr,
			   struct kd_ksym *sym, uint64_t *off)
{
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol ks, next;
	if (!st || !kd_symtab_by_addr(st, addr, &ks, off))
		return 0;
	while (*off && kd_symtab_get(st, ks.index + 1, &next) &&
	       next.value == ks.value)
		ks = next;
	sym->name = ks.name;
	sym->value = ks.value;
	sym->size = ks.size;
	sym->type = ks.type;
	sym->module = NULL;
	return 1;
}

int kd_ksym_by_addr(struct kd_session *s, uint64_t addr, struct kd_ksym *sym,
		    uint64_t *off)
{
	struct kd_dlkm *dl;
	size_t mi;
	if (vmlinux_by_addr(s, addr, sym, off))
		return 1;
	if (!kd_modules_by_addr(s, addr, &mi))
		return 0;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	long i = module_sym_at(&dl->mods[mi], addr);
	if (i < 0)
		return 0;
	from_module(&dl->mods[mi], (size_t)i, sym);
	*off = addr - sym->value;
	return 1;
}

int kd_ksym_next(struct kd_session *s, uint64_t addr, struct kd_ksym *ret)
{
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol ks, next;
	struct kd_dlkm *dl;
	uint64_t off;
	size_t mi;
	if (st && kd_symtab_by_addr(st, addr, &ks, &off)) {
		for (size_t i = ks.index + 1; kd_symtab_get(st, i, &next); i++) {
			if (next.value <= addr)
				continue;
			ret->name = next.name;
			ret->value = next.value;
			ret->size = next.size;
			ret->type = next.type;
			ret->module = NULL;
			return 1;
		}
		return 0;
	}
	if (!kd_modules_by_addr(s, addr, &mi))
		return 0;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	const struct kd_dlkm_module *m = &dl->mods[mi];
	long i = module_sym_at(m, addr);
	for (size_t k = i < 0 ? 0 : (size_t)i; k < m->nsyms; k++) {
		if (m->syms[k].value > addr) {
			from_module(m, k, ret);
			return 1;
		}
	}
	return 0;
}

int kd_ksym_lookup_addr(struct kd_session *s, uint64_t addr, const char **name,
			uint64_t *off, const char **module)
{
	struct kd_ksym sym;
	uint64_t o;
	if (!kd_ksym_by_addr(s, addr, &sym, &o))
		return 0;
	if (name)
		*name = sym.name;
	if (off)
		*off = o;
	if (module)
		*module = sym.module;
	return 1;
}

static int module_by_name(const struct kd_dlkm_module *m, const char *name,
			  struct kd_ksym *ret)
{
	for (size_t i = 0; i < m->nsyms; i++) {
		if (m->syms[i].type == 'm')	/* a region's, not a name */
			continue;
		if (strcmp(m->strtab + m->syms[i].name, name) == 0) {
			from_module(m, i, ret);
			return 1;
		}
	}
	return 0;
}

struct kd_error *kd_ksym_by_name(struct kd_session *s, const char *name,
				 struct kd_ksym *ret)
{
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol ks;
	const char *colon = strchr(name, ':');
	struct kd_error *err = colon || !st ? NULL :
		kd_symtab_lookup(st, name, &ks);
	if (!colon && st && !err) {
		ret->name = ks.name;
		ret->value = ks.value;
		ret->size = ks.size;
		ret->type = ks.type;
		ret->module = NULL;
		return NULL;
	}
	kd_error_destroy(err);
	struct kd_dlkm *dl;
	err = kd_dlkm_get(s, &dl);
	if (err)
		return err;
	for (size_t i = 0; i < dl->nmods; i++) {
		const struct kd_dlkm_module *m = &dl->mods[i];
		if (colon && (strlen(m->name) != (size_t)(colon - name) ||
			      strncmp(m->name, name, (size_t)(colon - name))))
			continue;
		if (module_by_name(m, colon ? colon + 1 : name, ret))
			return NULL;
	}
	return kd_error_create(KD_ERR_NOT_FOUND, "no symbol %s", name);
}

size_t kd_ksym_module_count(struct kd_session *s, size_t mi)
{
	struct kd_dlkm *dl;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return mi < dl->nmods ? dl->mods[mi].nsyms : 0;
}

int kd_ksym_module_get(struct kd_session *s, size_t mi, size_t i,
		       struct kd_ksym *ret)
{
	struct kd_dlkm *dl;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (mi >= dl->nmods || i >= dl->mods[mi].nsyms)
		return 0;
	from_module(&dl->mods[mi], i, ret);
	return 1;
}
