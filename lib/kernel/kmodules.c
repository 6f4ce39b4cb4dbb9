// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The loaded modules: see include/pykdump/kmodules.h.  Kernel facts:
 *   - `modules` is a list_head; each struct module is on it by .list,
 *     newest first (crash shows them sorted by base address instead);
 *   - the name is a char array inside struct module;
 *   - memory, by which member exists:
 *       mem[MOD_MEM_NUM_TYPES] of struct module_memory {base, size}
 *         (6.4+): the regions before MOD_INIT_TEXT are the core ones,
 *         the MOD_INIT_* ones the init area;
 *       core_layout / init_layout, struct module_layout {base, size,
 *         text_size} (4.5 - 6.3);
 *       module_core, core_size, core_text_size / module_init,
 *         init_size (older);
 *   - taints: unsigned long taints (an unsigned int on old kernels);
 *   - symbols: CONFIG_KALLSYMS modules point .kallsyms (4.6+) at a
 *     struct mod_kallsyms {symtab, num_symtab, strtab}; before, those
 *     three are in struct module itself.
 * The list is walked once per memocache generation with the kernel
 * layer's list walker (bounded, cycle-checked); each struct module is
 * read in one piece and decoded from the buffer.  A broken list or an
 * unreadable module ends the list with the modules read so far.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/kmodules.h>
#include <pykdump/memocache.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#include "kernel_internal.h"

#define MAX_MODULES 65536
#define MAX_MEM_TYPES 16

struct mod_layout {
	uint64_t size;				/* sizeof(struct module) */
	uint64_t list, name, percpu, sect_attrs;
	uint64_t mem, mem_stride, mem_base, mem_size;	/* 6.4+ */
	uint64_t core_base, core_size, core_text_size;	/* before */
	uint64_t init_base, init_size;
	uint64_t kallsyms;			/* struct mod_kallsyms * */
	uint64_t ks_size, ks_symtab, ks_num, ks_strtab;	/* in it */
	uint64_t symtab, num, strtab;		/* in struct module */
	uint64_t taints, taints_size;
	/* enum mod_mem_type */
	uint64_t ncore;				/* MOD_INIT_TEXT */
	uint64_t nmem;				/* MOD_MEM_NUM_TYPES */
	uint8_t mem_init[MAX_MEM_TYPES];	/* mem[i] is an init area */
};

#define M "struct module"
#define KS "struct mod_kallsyms"
#define MM "struct module_memory"
static const struct kd_layout_field fields[] = {
	KD_LF(struct mod_layout, size, M, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(struct mod_layout, list, M, "list", KD_LF_REQUIRED),
	KD_LF(struct mod_layout, name, M, "name", KD_LF_REQUIRED),
	KD_LF(struct mod_layout, percpu, M, "percpu", 0),
	KD_LF(struct mod_layout, sect_attrs, M, "sect_attrs", 0),
	KD_LF(struct mod_layout, mem, M, "mem", 0),
	KD_LF(struct mod_layout, mem_stride, MM, NULL, KD_LF_SIZE),
	KD_LF(struct mod_layout, mem_base, MM, "base", 0),
	KD_LF(struct mod_layout, mem_size, MM, "size", 0),
	KD_LF(struct mod_layout, core_base, M, "core_layout.base|module_core",
	      0),
	KD_LF(struct mod_layout, core_size, M, "core_layout.size|core_size",
	      0),
	KD_LF(struct mod_layout, core_text_size, M,
	      "core_layout.text_size|core_text_size", 0),
	KD_LF(struct mod_layout, init_base, M, "init_layout.base|module_init",
	      0),
	KD_LF(struct mod_layout, init_size, M, "init_layout.size|init_size",
	      0),
	KD_LF(struct mod_layout, kallsyms, M, "kallsyms", 0),
	KD_LF(struct mod_layout, ks_size, KS, NULL, KD_LF_SIZE),
	KD_LF(struct mod_layout, ks_symtab, KS, "symtab", 0),
	KD_LF(struct mod_layout, ks_num, KS, "num_symtab", 0),
	KD_LF(struct mod_layout, ks_strtab, KS, "strtab", 0),
	KD_LF(struct mod_layout, symtab, M, "symtab", 0),
	KD_LF(struct mod_layout, num, M, "num_symtab", 0),
	KD_LF(struct mod_layout, strtab, M, "strtab", 0),
	KD_LF(struct mod_layout, taints, M, "taints", 0),
	KD_LF(struct mod_layout, taints_size, M, "taints", KD_LF_SIZE),
};

/* 6.4+: which mem[] regions are core and which init. */
static void mem_types(struct kd_session *s, struct mod_layout *l)
{
	struct kd_types *types;
	struct kd_type *e;
	const struct kd_enumerator *en;
	size_t n;
	int64_t v;
	struct kd_error *err = kd_enum_value(s, "MOD_INIT_TEXT", &v);
	l->ncore = !err && v > 0 && v < MAX_MEM_TYPES ? (uint64_t)v : 4;
	kd_error_destroy(err);
	err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, "enum mod_mem_type", &e);
	if (!err)
		err = kd_type_enumerators(e, &en, &n);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		v = en[i].value;
		if (v < 0 || v >= MAX_MEM_TYPES)
			continue;
		if (strcmp(en[i].name, "MOD_MEM_NUM_TYPES") == 0) {
			l->nmem = (uint64_t)v;
			continue;
		}
		l->mem_init[v] = strncmp(en[i].name, "MOD_INIT_", 9) == 0;
		if ((uint64_t)v + 1 > l->nmem)
			l->nmem = (uint64_t)v + 1;
	}
}

static struct kd_error *layout_get(struct kd_session *s, struct mod_layout *l)
{
	memset(l, 0, sizeof(*l));
	struct kd_error *err = kd_layout_fill(s, fields, KD_ARRAY_SIZE(fields),
					      l);
	if (err)
		return kd_error_prefix(err, "struct module: unknown layout");
	if (kd_present(l->mem) && kd_present(l->mem_stride) &&
	    kd_present(l->mem_base) && kd_present(l->mem_size)) {
		mem_types(s, l);
		return NULL;
	}
	l->mem = KD_ABSENT;
	if (!kd_present(l->core_base) || !kd_present(l->core_size))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "struct module: unknown layout (no "
				       "core base/size members)");
	return NULL;
}

/* Bounds-checked reads from the struct's bytes (0 when absent). */
#define get kd_field_get

static void read_mem(const struct mod_layout *l, const uint8_t *buf,
		     struct kd_kmodule *m)
{
	uint64_t sz = l->size;
	for (uint64_t i = 0; i < l->nmem && i < MAX_MEM_TYPES; i++) {
		uint64_t e = l->mem + i * l->mem_stride;
		uint64_t base = get(buf, sz, e + l->mem_base, 8);
		uint64_t size = get(buf, sz, e + l->mem_size, 4);
		if (i < l->ncore && i < KD_KMODULE_MAX_REGIONS) {
			m->region[i].base = base;
			m->region[i].size = size;
			m->size += size;
			m->nregion = (int)i + 1;
		}
		if (!l->mem_init[i] || !base || !size)
			continue;
		if (!m->init_base)
			m->init_base = base;
		m->init_size += size;
	}
	m->base = get(buf, sz, l->mem + l->mem_base, 8);
	m->text_size = get(buf, sz, l->mem + l->mem_size, 4);
}

static void read_layout(const struct mod_layout *l, const uint8_t *buf,
			struct kd_kmodule *m)
{
	uint64_t sz = l->size;
	m->base = get(buf, sz, l->core_base, 8);
	m->size = get(buf, sz, l->core_size, 4);
	m->text_size = get(buf, sz, l->core_text_size, 4);
	m->region[0].base = m->base;
	m->region[0].size = m->size;
	m->nregion = 1;
	m->init_base = get(buf, sz, l->init_base, 8);
	m->init_size = get(buf, sz, l->init_size, 4);
}

/* The module's own symbol table: in struct mod_kallsyms (4.6+) or in
 * struct module. */
static void read_kallsyms(struct kd_session *s, const struct mod_layout *l,
			  const uint8_t *buf, struct kd_kmodule *m)
{
	if (!kd_present(l->kallsyms)) {
		m->symtab = get(buf, l->size, l->symtab, 8);
		m->num_symtab = (uint32_t)get(buf, l->size, l->num, 4);
		m->strtab = get(buf, l->size, l->strtab, 8);
		m->kallsyms = m->symtab != 0;
		return;
	}
	uint64_t p = get(buf, l->size, l->kallsyms, 8);
	uint8_t ks[256];
	m->kallsyms = p != 0;
	if (!p || !kd_present(l->ks_size) || l->ks_size > sizeof(ks))
		return;
	struct kd_error *err = kd_read_kvaddr(s, p, ks, l->ks_size);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	m->symtab = get(ks, l->ks_size, l->ks_symtab, 8);
	m->num_symtab = (uint32_t)get(ks, l->ks_size, l->ks_num, 4);
	m->strtab = get(ks, l->ks_size, l->ks_strtab, 8);
}

static struct kd_error *read_module(struct kd_session *s,
				    const struct mod_layout *l, uint8_t *buf,
				    uint64_t mod, struct kd_kmodule *m)
{
	memset(m, 0, sizeof(*m));
	m->addr = mod;
	struct kd_error *err = kd_read_kvaddr(s, mod, buf, l->size);
	if (err)
		return err;
	uint64_t n = l->size - l->name;
	if (l->name >= l->size)
		n = 0;
	if (n > sizeof(m->name) - 1)
		n = sizeof(m->name) - 1;
	memcpy(m->name, buf + l->name, n);
	m->name[n] = '\0';
	if (kd_present(l->mem)) {
		read_mem(l, buf, m);
		m->flags |= KD_KMODULE_MEM;
	} else {
		read_layout(l, buf, m);
	}
	if (kd_present(l->taints_size) && l->taints_size <= 8)
		m->taints = get(buf, l->size, l->taints, l->taints_size);
	m->percpu = get(buf, l->size, l->percpu, 8);
	m->sect_attrs = get(buf, l->size, l->sect_attrs, 8);
	read_kallsyms(s, l, buf, m);
	return NULL;
}

static int by_base(const void *a, const void *b)
{
	const struct kd_kmodule *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

/* Walk the list and read every module: the cache's new contents. */
static struct kd_error *walk(struct kd_session *s, struct kd_kmodule **ret,
			     size_t *n, int *truncated)
{
	struct mod_layout l;
	struct kd_addr_list found = { 0 };
	uint64_t head;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = layout_get(s, &l);
	if (!err)
		err = kd_symbol_addr(s, "modules", &head);
	if (err)
		return err;
	struct kd_error *broken = kd_list_walk(s, head, l.list, KD_WALK_NOLOG,
					       MAX_MODULES, &found);
	struct kd_kmodule *v = calloc(found.n ? found.n : 1, sizeof(*v));
	uint8_t *buf = malloc(l.size);
	size_t cnt = 0;
	if (!v || !buf) {
		err = &kd_error_nomem;
		goto out_free;
	}
	for (; cnt < found.n; cnt++) {
		struct kd_error *e = read_module(s, &l, buf, found.addrs[cnt],
						 &v[cnt]);
		if (e) {	/* the list ends at an unreadable module */
			kd_error_destroy(broken);
			broken = e;
			break;
		}
	}
	if (cnt)
		kd_qsort(v, cnt, sizeof(*v), by_base);
	*truncated = broken != NULL;
	*ret = v;
	*n = cnt;
	v = NULL;
out_free:
	kd_error_destroy(broken);
	kd_addr_list_free(&found);
	free(buf);
	free(v);
	return err;
}

struct kd_error *kd_kmodules_get(struct kd_session *s,
				 const struct kd_kmodule **ret, size_t *n,
				 int *truncated)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	uint64_t gen = kd_memocache_generation(kd_session_memocache(s));
	if (!k)
		return &kd_error_nomem;
	if (k->modules_generation != gen) {
		struct kd_kmodule *v;
		size_t cnt;
		int broken = 0;
		struct kd_error *err = walk(s, &v, &cnt, &broken);
		if (err)
			return err;
		free(k->modules);
		k->modules = v;
		k->nmodules = cnt;
		k->modules_truncated = broken;
		k->modules_generation = gen;
	}
	*ret = k->modules;
	*n = k->nmodules;
	if (truncated)
		*truncated = k->modules_truncated;
	return NULL;
}

struct kd_error *kd_kmodules_list(struct kd_session *s,
				  struct kd_kmodule **ret, size_t *n,
				  int *truncated)
{
	const struct kd_kmodule *v;
	size_t cnt;
	struct kd_error *err = kd_kmodules_get(s, &v, &cnt, truncated);
	if (err)
		return err;
	*ret = malloc((cnt ? cnt : 1) * sizeof(**ret));
	if (!*ret)
		return &kd_error_nomem;
	if (cnt)
		memcpy(*ret, v, cnt * sizeof(**ret));
	*n = cnt;
	return NULL;
}

int kd_kmodule_contains(const struct kd_kmodule *m, uint64_t addr)
{
	for (int i = 0; i < m->nregion; i++)
		if (addr >= m->region[i].base &&
		    addr - m->region[i].base < m->region[i].size)
			return 1;
	return 0;
}
