// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Each module's symbols, sections and init area, read from memory.  The
 * list itself (address, name, core base and size) is
 * lib/kernel/kmodules.c's, in its order (by base address).  Kernel facts relied on:
 *   - init area, by which member exists:
 *       mem[MOD_MEM_NUM_TYPES] of struct module_memory {base, size}
 *         (6.4+; enumerators MOD_INIT_* are the init areas);
 *       core_layout / init_layout, struct module_layout {base, size}
 *         (4.5 - 6.3);
 *       module_core / core_size, module_init / init_size (older).
 *   - symbols: module->kallsyms -> struct mod_kallsyms {symtab,
 *     num_symtab, strtab} (4.6+), else module->symtab/num_symtab/strtab;
 *     symtab is an array of Elf64_Sym, strtab their names.  Before the
 *     typetab (5.2), st_info held the nm letter.
 *   - sections: module->sect_attrs -> struct module_sect_attrs
 *     {nsections, attrs[]}, struct module_sect_attr {address, and
 *     battr.attr.name (5.8+) or name}.  Present with CONFIG_SYSFS.
 *   - the GNU build-id: the loaded .note.gnu.build-id section.
 * Everything read is bounds-checked; a module whose symbols cannot be
 * read keeps a note saying why and is still listed.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/kmodules.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#include "dlkm_internal.h"

/* Where things are in this kernel's struct module (offsets in bytes, -1
 * when the member does not exist). */
struct mod_layout {
	uint64_t size;
	int64_t mem, mem_stride, mem_base, mem_size;	/* 6.4+ */
	size_t mem_n;
	uint8_t mem_init[16];		/* mem[i] is an init area */
	int64_t init_base, init_size;
	int64_t kallsyms;		/* pointer to struct mod_kallsyms */
	int64_t ks_symtab, ks_num, ks_strtab;	/* in mod_kallsyms or module */
	int64_t sect_attrs, sa_n, sa_attrs, sa_stride, sa_addr, sa_name;
	int64_t percpu;
};

static int64_t member_off(struct kd_types *ts, const char *type,
			  const char *path)
{
	struct kd_type *t;
	struct kd_member_path mp;
	struct kd_error *err = kd_types_find(ts, type, &t);
	if (!err)
		err = kd_type_member_path(t, path, &mp);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	return (int64_t)(mp.bit_offset / 8);
}

static uint64_t type_size(struct kd_types *ts, const char *type)
{
	struct kd_type *t;
	struct kd_error *err = kd_types_find(ts, type, &t);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return kd_type_size(t);
}

/* mem[]: stride, count, and which entries are init areas. */
static void layout_mem(struct kd_types *ts, struct mod_layout *l)
{
	l->mem = member_off(ts, "struct module", "mem");
	if (l->mem < 0)
		return;
	l->mem_stride = (int64_t)type_size(ts, "struct module_memory");
	l->mem_base = member_off(ts, "struct module_memory", "base");
	l->mem_size = member_off(ts, "struct module_memory", "size");
	struct kd_type *e;
	const struct kd_enumerator *en;
	size_t n;
	struct kd_error *err = kd_types_find(ts, "enum mod_mem_type", &e);
	if (!err)
		err = kd_type_enumerators(e, &en, &n);
	if (err || l->mem_stride <= 0 || l->mem_base < 0 || l->mem_size < 0) {
		kd_error_destroy(err);
		l->mem = -1;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t v = en[i].value;
		if (v < 0 || v >= (int64_t)sizeof(l->mem_init))
			continue;
		if (strcmp(en[i].name, "MOD_MEM_NUM_TYPES") == 0) {
			l->mem_n = (size_t)v;
			continue;
		}
		l->mem_init[v] = strncmp(en[i].name, "MOD_INIT_", 9) == 0;
		if ((size_t)v + 1 > l->mem_n)
			l->mem_n = (size_t)v + 1;
	}
}

static void layout_init(struct kd_types *ts, struct mod_layout *l)
{
	int64_t init = member_off(ts, "struct module", "init_layout");
	int64_t base = member_off(ts, "struct module_layout", "base");
	int64_t size = member_off(ts, "struct module_layout", "size");
	if (init >= 0 && base >= 0 && size >= 0) {
		l->init_base = init + base;
		l->init_size = init + size;
		return;
	}
	l->init_base = member_off(ts, "struct module", "module_init");
	l->init_size = member_off(ts, "struct module", "init_size");
}

static void layout_syms(struct kd_types *ts, struct mod_layout *l)
{
	l->kallsyms = member_off(ts, "struct module", "kallsyms");
	const char *t = l->kallsyms >= 0 ? "struct mod_kallsyms" :
		"struct module";
	l->ks_symtab = member_off(ts, t, "symtab");
	l->ks_num = member_off(ts, t, "num_symtab");
	l->ks_strtab = member_off(ts, t, "strtab");
	l->sect_attrs = member_off(ts, "struct module", "sect_attrs");
	l->sa_n = member_off(ts, "struct module_sect_attrs", "nsections");
	l->sa_attrs = member_off(ts, "struct module_sect_attrs", "attrs");
	l->sa_stride = (int64_t)type_size(ts, "struct module_sect_attr");
	l->sa_addr = member_off(ts, "struct module_sect_attr", "address");
	l->sa_name = member_off(ts, "struct module_sect_attr", "battr.attr.name");
	if (l->sa_name < 0)
		l->sa_name = member_off(ts, "struct module_sect_attr", "name");
	l->percpu = member_off(ts, "struct module", "percpu");
}

static struct kd_error *get_layout(struct kd_session *s, struct mod_layout *l)
{
	struct kd_types *ts;
	struct kd_error *err = kd_session_types(s, &ts);
	if (err)
		return err;
	memset(l, 0, sizeof(*l));
	l->size = type_size(ts, "struct module");
	if (!l->size)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "struct module not in the debuginfo: "
				       "cannot read the modules");
	layout_mem(ts, l);
	layout_init(ts, l);
	layout_syms(ts, l);
	return NULL;
}

static uint64_t get_u64(const uint8_t *buf, uint64_t size, int64_t off)
{
	uint64_t v = 0;
	if (off >= 0 && (uint64_t)off + 8 <= size)
		memcpy(&v, buf + off, 8);
	return v;
}

static uint32_t get_u32(const uint8_t *buf, uint64_t size, int64_t off)
{
	uint32_t v = 0;
	if (off >= 0 && (uint64_t)off + 4 <= size)
		memcpy(&v, buf + off, 4);
	return v;
}

/* The init area (core base and size come with the list). */
static void module_init_area(const struct mod_layout *l, const uint8_t *buf,
			     struct kd_module_info *mi)
{
	if (l->mem >= 0) {
		for (size_t i = 0; i < l->mem_n; i++) {
			int64_t e = l->mem + (int64_t)i * l->mem_stride;
			uint64_t base = get_u64(buf, l->size, e + l->mem_base);
			uint64_t size = get_u32(buf, l->size, e + l->mem_size);
			if (!l->mem_init[i] || !base || !size)
				continue;
			if (!mi->init_base)
				mi->init_base = base;
			mi->init_size += size;
		}
		return;
	}
	mi->init_base = get_u64(buf, l->size, l->init_base);
	mi->init_size = l->init_base < 0 ? 0 :
		get_u32(buf, l->size, l->init_size);
}

static int in_module(const struct kd_module_info *mi, uint64_t a)
{
	return (a >= mi->base && a <= mi->base + mi->size) ||
	       (mi->init_base && a >= mi->init_base &&
		a <= mi->init_base + mi->init_size);
}

/* crash's letter for a module kallsyms entry (see ksyms.h). */
static char sym_letter(unsigned char info)
{
	if (info >= ' ' && info < 0x7f)
		return (char)info;
	if (info == ((STB_LOCAL << 4) | STT_FUNC))
		return 't';
	if (info == ((STB_GLOBAL << 4) | STT_FUNC))
		return 'T';
	return '?';
}

static int cmp_sym(const void *a, const void *b)
{
	const struct kd_dlkm_sym *x = a, *y = b;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/* ties keep kallsyms order: the index was parked in size's place */
	return x->size < y->size ? -1 : x->size > y->size;
}

/* The string table: names up to the largest st_name, read in one go. */
static struct kd_error *read_strtab(struct kd_session *s,
				    struct kd_dlkm_module *m, uint64_t strtab,
				    const Elf64_Sym *es, uint32_t n)
{
	uint64_t max = 0;
	for (uint32_t i = 0; i < n; i++)
		if (es[i].st_name > max)
			max = es[i].st_name;
	if (max > (64u << 20))
		return kd_error_create(KD_ERR_CORRUPT, "%s: symbol name offset "
				       "0x%llx is implausible", m->name,
				       (unsigned long long)max);
	m->strtab_size = max + 256;
	m->strtab = malloc(m->strtab_size + 1);
	if (!m->strtab)
		return &kd_error_nomem;
	struct kd_error *err = kd_read_kvaddr(s, strtab, m->strtab,
					      m->strtab_size);
	if (err) {	/* the tail may cross into an unreadable page */
		kd_error_destroy(err);
		m->strtab_size = max + 1;
		err = kd_read_kvaddr(s, strtab, m->strtab, m->strtab_size);
	}
	m->strtab[m->strtab_size] = '\0';
	return err;
}

/* crash names GCC clones by their origin: "foo" for "foo.isra.0" and
 * "foo.part.1" (as for vmlinux symbols).  Cut in place: each kallsyms
 * name is its own string in the module's strtab. */
static void strip_clone(char *name)
{
	char *p = strstr(name, ".isra.");
	if (!p)
		p = strstr(name, ".part.");
	if (p && p > name)
		*p = '\0';
}

static struct kd_error *keep_syms(struct kd_dlkm_module *m,
				  const Elf64_Sym *es, uint32_t n)
{
	m->syms = calloc(n ? n : 1, sizeof(*m->syms));
	if (!m->syms)
		return &kd_error_nomem;
	for (uint32_t i = 1; i < n; i++) {	/* entry 0 is the null symbol */
		const Elf64_Sym *e = &es[i];
		if (!in_module(&m->info, e->st_value) ||
		    e->st_shndx == SHN_UNDEF || e->st_name >= m->strtab_size ||
		    !m->strtab[e->st_name])
			continue;
		struct kd_dlkm_sym *ks = &m->syms[m->nsyms++];
		ks->value = e->st_value;
		ks->size = i;
		ks->name = e->st_name;
		ks->type = sym_letter(e->st_info);
		strip_clone(m->strtab + e->st_name);
	}
	kd_qsort(m->syms, m->nsyms, sizeof(*m->syms), cmp_sym);
	for (size_t i = 0; i < m->nsyms; i++)
		m->syms[i].size = es[m->syms[i].size].st_size;
	m->info.nsyms = m->nsyms;
	return NULL;
}

static struct kd_error *read_syms(struct kd_session *s,
				  const struct mod_layout *l,
				  const uint8_t *buf, struct kd_dlkm_module *m)
{
	uint8_t ks[64];
	const uint8_t *src = buf;
	uint64_t src_size = l->size;
	if (l->ks_symtab < 0 || l->ks_num < 0 || l->ks_strtab < 0)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "no kallsyms members in struct module");
	if (l->kallsyms >= 0) {
		uint64_t p = get_u64(buf, l->size, l->kallsyms);
		uint64_t need = (uint64_t)l->ks_strtab + 8;
		if (need < (uint64_t)l->ks_num + 4)
			need = (uint64_t)l->ks_num + 4;
		if (!p || need > sizeof(ks))
			return kd_error_create(KD_ERR_NOT_FOUND, "no kallsyms");
		struct kd_error *err = kd_read_kvaddr(s, p, ks, need);
		if (err)
			return err;
		src = ks;
		src_size = need;
	}
	uint64_t symtab = get_u64(src, src_size, l->ks_symtab);
	uint32_t n = get_u32(src, src_size, l->ks_num);
	uint64_t strtab = get_u64(src, src_size, l->ks_strtab);
	if (!in_module(&m->info, symtab) || !in_module(&m->info, strtab) ||
	    n > KD_DLKM_MAX_SYMS)
		return kd_error_create(KD_ERR_CORRUPT, "kallsyms outside the "
				       "module (symtab %#llx, %u symbols)",
				       (unsigned long long)symtab, n);
	Elf64_Sym *es = malloc((n ? n : 1) * sizeof(*es));
	if (!es)
		return &kd_error_nomem;
	struct kd_error *err = kd_read_kvaddr(s, symtab, es, n * sizeof(*es));
	if (!err)
		err = read_strtab(s, m, strtab, es, n);
	if (!err)
		err = keep_syms(m, es, n);
	free(es);
	return err;
}

static char *read_name(struct kd_session *s, uint64_t addr)
{
	char buf[256];
	struct kd_error *err = kd_read_cstring(s, addr, buf, sizeof(buf), NULL);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	return strdup(buf);
}

static struct kd_error *read_sections(struct kd_session *s,
				      const struct mod_layout *l,
				      const uint8_t *buf,
				      struct kd_dlkm_module *m)
{
	uint64_t sa = get_u64(buf, l->size, l->sect_attrs);
	uint32_t n;
	if (l->sect_attrs < 0 || l->sa_n < 0 || l->sa_attrs < 0 ||
	    l->sa_stride <= 0 || l->sa_addr < 0 || l->sa_name < 0 || !sa)
		return NULL;	/* no sysfs: no section addresses */
	struct kd_error *err = kd_read_u32(s, sa + (uint64_t)l->sa_n, &n);
	if (err)
		return err;
	if (n > KD_DLKM_MAX_SECTIONS)
		return kd_error_create(KD_ERR_CORRUPT, "%u sections", n);
	m->secs = calloc(n ? n : 1, sizeof(*m->secs));
	if (!m->secs)
		return &kd_error_nomem;
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t a = sa + (uint64_t)l->sa_attrs +
			(uint64_t)i * (uint64_t)l->sa_stride;
		uint64_t name, addr;
		err = kd_read_u64(s, a + (uint64_t)l->sa_name, &name);
		if (!err)
			err = kd_read_u64(s, a + (uint64_t)l->sa_addr, &addr);
		if (err)
			break;
		m->secs[m->nsecs].name = read_name(s, name);
		m->secs[m->nsecs].addr = addr;
		if (m->secs[m->nsecs].name)
			m->nsecs++;
	}
	return err;
}

/* The build-id note the kernel loaded with the module's sections. */
static void read_build_id(struct kd_session *s, struct kd_dlkm_module *m)
{
	for (size_t i = 0; i < m->nsecs; i++) {
		if (strcmp(m->secs[i].name, ".note.gnu.build-id") != 0)
			continue;
		uint8_t note[12 + 4 + 64];
		uint32_t namesz, descsz, type;
		struct kd_error *err = kd_read_kvaddr(s, m->secs[i].addr, note, 16);
		if (err) {
			kd_error_destroy(err);
			return;
		}
		memcpy(&namesz, note, 4);
		memcpy(&descsz, note + 4, 4);
		memcpy(&type, note + 8, 4);
		if (namesz != 4 || type != NT_GNU_BUILD_ID || !descsz ||
		    descsz > sizeof(m->build_id) || memcmp(note + 12, "GNU", 4))
			return;
		err = kd_read_kvaddr(s, m->secs[i].addr + 16, m->build_id, descsz);
		if (err)
			kd_error_destroy(err);
		else
			m->build_id_len = descsz;
		return;
	}
}

static void note_error(struct kd_dlkm_module *m, const char *what,
		       struct kd_error *err)
{
	snprintf(m->note, sizeof(m->note), "%s: %s", what, err->message);
	kd_error_destroy(err);
}

static struct kd_error *read_module(struct kd_session *s,
				    const struct mod_layout *l,
				    const struct kd_kmodule *km,
				    struct kd_dlkm_module *m)
{
	uint64_t addr = km->addr;
	uint8_t *buf = malloc(l->size);
	if (!buf)
		return &kd_error_nomem;
	snprintf(m->name, sizeof(m->name), "%s", km->name);
	m->info.addr = addr;
	m->info.name = m->name;
	m->info.base = km->base;
	m->info.size = km->size;
	struct kd_error *err = kd_read_kvaddr(s, addr, buf, l->size);
	if (err) {	/* listed, without symbols */
		note_error(m, "struct module", err);
		m->info.symbols_note = m->note;
		free(buf);
		return NULL;
	}
	module_init_area(l, buf, &m->info);
	if (l->percpu >= 0)
		m->percpu = get_u64(buf, l->size, l->percpu);
	if ((err = read_syms(s, l, buf, m)))
		note_error(m, "kallsyms", err);
	if ((err = read_sections(s, l, buf, m)))
		note_error(m, "section addresses", err);
	read_build_id(s, m);
	m->info.symbols_note = m->note[0] ? m->note : NULL;
	free(buf);
	return NULL;
}

void kd_dlkm_module_free(struct kd_dlkm_module *m)
{
	free(m->syms);
	free(m->strtab);
	for (size_t i = 0; i < m->nsecs; i++)
		free(m->secs[i].name);
	free(m->secs);
	free(m->debuginfo);
}

struct kd_error *kd_dlkm_read_list(struct kd_dlkm *dl)
{
	struct mod_layout l;
	struct kd_kmodule *km = NULL;
	size_t n = 0;
	int truncated = 0;
	struct kd_error *err = get_layout(dl->s, &l);
	if (!err)
		err = kd_kmodules_list(dl->s, &km, &n, &truncated);
	if (!err && n && !(dl->mods = calloc(n, sizeof(*dl->mods))))
		err = &kd_error_nomem;
	for (size_t i = 0; !err && i < n; i++) {
		if ((err = kd_cancel_check()))
			break;
		err = read_module(dl->s, &l, &km[i], &dl->mods[i]);
		dl->nmods += !err;
	}
	free(km);
	return err ? kd_error_prefix(err, "module list") : NULL;
}
