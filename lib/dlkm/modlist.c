// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Each module's symbols and sections, read from memory.  The list itself
 * and what struct module says (address, name, core and init areas, where
 * its kallsyms are, per-CPU area, sect_attrs) is the kernel layer's
 * (include/pykdump/kmodules.h), in its order (by base address).  Kernel
 * facts relied on:
 *   - symbols: symtab is an array of Elf64_Sym, strtab their names.
 *     Before the typetab (5.2), st_info held the nm letter.
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
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#include "dlkm_internal.h"

/* struct module_sect_attrs and struct module_sect_attr. */
struct sect_layout {
	uint64_t nsections, attrs, stride, address, name;
};

#define SL struct sect_layout
static const struct kd_layout_field sect_fields[] = {
	KD_LF(SL, nsections, "struct module_sect_attrs", "nsections",
	      KD_LF_REQUIRED),
	KD_LF(SL, attrs, "struct module_sect_attrs", "attrs", KD_LF_REQUIRED),
	KD_LF(SL, stride, "struct module_sect_attr", NULL,
	      KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(SL, address, "struct module_sect_attr", "address",
	      KD_LF_REQUIRED),
	KD_LF(SL, name, "struct module_sect_attr", "battr.attr.name|name",
	      KD_LF_REQUIRED),
};
#undef SL

int kd_dlkm_in_module(const struct kd_dlkm_module *m, uint64_t a)
{
	const struct kd_module_info *mi = &m->info;
	for (int i = 0; i < m->nregion; i++)
		if (a >= m->region[i].base &&
		    a - m->region[i].base <= m->region[i].size)
			return 1;
	return mi->init_base && a >= mi->init_base &&
	       a <= mi->init_base + mi->init_size;
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

/*
 * 6.4+ keeps a module in mem[] regions (text, data, rodata,
 * ro_after_init ...).  crash gives each a start and an end symbol of type
 * 'm', "_MODULE_TEXT_START_<module>" at its base and
 * "_MODULE_TEXT_END_<module>" at its last byte, so that an address with
 * no kallsyms symbol below it in its region is named after the region
 * ("_MODULE_RODATA_START_dummy+72"), not after a symbol of another one,
 * and sym -m frames each region.  The core regions in mem[] order.
 */
static const char *const region_tag[] = { "TEXT", "DATA", "RODATA",
					  "RO_AFTER_INIT" };

static struct kd_error *add_region_syms(struct kd_dlkm_module *m)
{
	struct kd_dlkm_sym pseudo[2 * KD_KMODULE_MAX_REGIONS];
	size_t np = 0, need = 0;
	int nr = m->nregion < (int)KD_ARRAY_SIZE(region_tag) ?
		 m->nregion : (int)KD_ARRAY_SIZE(region_tag);
	for (int t = 0; t < nr; t++)
		if (m->region[t].size)
			need += 2 * (strlen("_MODULE__START_") +
				     strlen(region_tag[t]) + strlen(m->name) + 1);
	if (!need)
		return NULL;
	char *tab = realloc(m->strtab, m->strtab_size + need + 1);
	struct kd_dlkm_sym *v = malloc((m->nsyms + 2 * (size_t)nr + 1) *
				       sizeof(*v));
	if (tab)
		m->strtab = tab;
	if (!tab || !v) {
		free(v);
		return &kd_error_nomem;
	}
	size_t at = m->strtab_size;
	for (int t = 0; t < nr; t++) {
		if (!m->region[t].size)
			continue;
		for (int end = 0; end < 2; end++) {
			int len = sprintf(tab + at, "_MODULE_%s_%s_%s",
					  region_tag[t], end ? "END" : "START",
					  m->name);
			/* size: 1 for an end while merging (0 after) */
			pseudo[np++] = (struct kd_dlkm_sym){
				.value = m->region[t].base +
					 (end ? m->region[t].size - 1 : 0),
				.size = (uint64_t)end,
				.name = (uint32_t)at, .type = 'm' };
			at += (size_t)len + 1;
		}
	}
	m->strtab_size = at;
	tab[at] = '\0';
	/* the regions are not in address order (6.12's loop: data below
	 * text); a region's start sorts before its end (cmp_sym: size) */
	kd_qsort(pseudo, np, sizeof(*pseudo), cmp_sym);
	/* merge by value: a start before the symbols at its address, an
	 * end after them (both lists are in address order) */
	size_t i = 0, k = 0, o = 0;
	while (i < m->nsyms || k < np) {
		int take_pseudo;
		if (k == np)
			take_pseudo = 0;
		else if (i == m->nsyms)
			take_pseudo = 1;
		else if (pseudo[k].value != m->syms[i].value)
			take_pseudo = pseudo[k].value < m->syms[i].value;
		else	/* a start first, an end last */
			take_pseudo = pseudo[k].size == 0;
		v[o++] = take_pseudo ? pseudo[k++] : m->syms[i++];
	}
	for (size_t j = 0; j < o; j++)
		if (v[j].type == 'm')
			v[j].size = 0;
	free(m->syms);
	m->syms = v;
	m->nsyms = o;
	return NULL;
}

static struct kd_error *keep_syms(struct kd_dlkm_module *m,
				  const Elf64_Sym *es, uint32_t n)
{
	m->syms = calloc(n ? n : 1, sizeof(*m->syms));
	if (!m->syms)
		return &kd_error_nomem;
	for (uint32_t i = 1; i < n; i++) {	/* entry 0 is the null symbol */
		const Elf64_Sym *e = &es[i];
		if (!kd_dlkm_in_module(m, e->st_value) ||
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
				  const struct kd_kmodule *km,
				  struct kd_dlkm_module *m)
{
	uint64_t symtab = km->symtab, strtab = km->strtab;
	uint32_t n = km->num_symtab;
	if (!symtab)
		return kd_error_create(KD_ERR_NOT_FOUND, "no kallsyms");
	/* The whole table, not only its start, lies in the module: a
	 * damaged count is caught before it sizes an allocation. */
	if (!kd_dlkm_in_module(m, symtab) || !kd_dlkm_in_module(m, strtab) ||
	    n > KD_DLKM_MAX_SYMS ||
	    !kd_dlkm_in_module(m, symtab + (uint64_t)n * sizeof(Elf64_Sym)))
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
				      uint64_t sa, struct kd_dlkm_module *m)
{
	struct sect_layout l;
	uint32_t n;
	struct kd_error *err = kd_layout_fill(s, sect_fields,
					      KD_ARRAY_SIZE(sect_fields), &l);
	if (err || !sa) {	/* no sysfs: no section addresses */
		kd_error_destroy(err);
		return NULL;
	}
	if ((err = kd_read_u32(s, sa + l.nsections, &n)))
		return err;
	if (n > KD_DLKM_MAX_SECTIONS)
		return kd_error_create(KD_ERR_CORRUPT, "%u sections", n);
	m->secs = calloc(n ? n : 1, sizeof(*m->secs));
	if (!m->secs)
		return &kd_error_nomem;
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t a = sa + l.attrs + (uint64_t)i * l.stride;
		uint64_t name, addr;
		err = kd_read_u64(s, a + l.name, &name);
		if (!err)
			err = kd_read_u64(s, a + l.address, &addr);
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

static void read_module(struct kd_session *s, const struct kd_kmodule *km,
			struct kd_dlkm_module *m)
{
	struct kd_error *err;
	snprintf(m->name, sizeof(m->name), "%s", km->name);
	m->info.addr = km->addr;
	m->info.name = m->name;
	m->info.base = km->base;
	m->info.size = km->size;
	m->info.init_base = km->init_base;
	m->info.init_size = km->init_size;
	m->percpu = km->percpu;
	for (int i = 0; i < km->nregion && i < KD_KMODULE_MAX_REGIONS; i++) {
		m->region[i].base = km->region[i].base;
		m->region[i].size = km->region[i].size;
	}
	m->nregion = km->nregion;
	m->mem_regions = (km->flags & KD_KMODULE_MEM) != 0;
	if ((err = read_syms(s, km, m)))
		note_error(m, "kallsyms", err);
	/* the regions' symbols, kallsyms or not (as crash) */
	if (m->mem_regions && (err = add_region_syms(m)))
		note_error(m, "region symbols", err);
	if ((err = read_sections(s, km->sect_attrs, m)))
		note_error(m, "section addresses", err);
	read_build_id(s, m);
	m->info.symbols_note = m->note[0] ? m->note : NULL;
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
	const struct kd_kmodule *km = NULL;
	size_t n = 0;
	struct kd_error *err = kd_kmodules_get(dl->s, &km, &n, NULL);
	if (!err && n && !(dl->mods = calloc(n, sizeof(*dl->mods))))
		err = &kd_error_nomem;
	for (size_t i = 0; !err && i < n; i++) {
		if ((err = kd_cancel_check()))
			break;
		read_module(dl->s, &km[i], &dl->mods[i]);
		dl->nmods++;
	}
	return err ? kd_error_prefix(err, "module list") : NULL;
}
