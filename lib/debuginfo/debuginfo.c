// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The debuginfo handle (include/pykdump/debuginfo.h).  Set-up order:
 *   1. kd_debuginfo_open: map the vmlinux, check ELF + DWARF, build-id;
 *   2. on first use: the symbol table; the DWARF index (cache file or
 *      build); the type table over the indexed sources.
 */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pykdump/vector.h>

#include "debuginfo_internal.h"

char *kd_debuginfo_cache_dir(const struct kd_debuginfo_options *opts)
{
	char *dir = NULL;
	const char *env;
	if (opts && opts->cache_dir)
		return strdup(opts->cache_dir);
	if ((env = getenv("PYKDUMP_CACHE_DIR")) && *env)
		return strdup(env);
	if ((env = getenv("XDG_CACHE_HOME")) && *env) {
		if (asprintf(&dir, "%s/pykdump", env) < 0)
			return NULL;
		return dir;
	}
	/* A $HOME that does not exist is not ours to create: no cache. */
	struct stat st;
	if ((env = getenv("HOME")) && *env && stat(env, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		if (asprintf(&dir, "%s/.cache/pykdump", env) < 0)
			return NULL;
		return dir;
	}
	return NULL;
}

struct kd_error *kd_debuginfo_open(const char *vmlinux,
				   const struct kd_debuginfo_options *opts,
				   struct kd_debuginfo **ret)
{
	struct kd_debuginfo *di = calloc(1, sizeof(*di));
	if (!di)
		return &kd_error_nomem;
	if (opts)
		di->opts = *opts;
	di->opts.cache_dir = NULL;	/* the caller's string is not ours */
	if (!di->opts.no_cache)
		di->cache_dir = kd_debuginfo_cache_dir(opts);
	struct kd_error *err = kd_debuginfo_add_source(di, "vmlinux", vmlinux);
	if (err) {
		kd_debuginfo_close(di);
		return err;
	}
	GElf_Ehdr eh;
	if (gelf_getehdr(di->sources[0]->elf, &eh))
		di->machine = eh.e_machine;
	*ret = di;
	return NULL;
}

void kd_debuginfo_close(struct kd_debuginfo *di)
{
	if (!di)
		return;
	if (di->types)
		di->types_ops->destroy(di->types);
	kd_symtab_destroy(di->symtab);
	for (size_t i = 0; i < di->nsources; i++)
		kd_dwarf_source_close(di->sources[i]);
	free(di->sources);
	free(di->cache_dir);
	free(di->banner);
	free(di);
}

const char *kd_debuginfo_path(const struct kd_debuginfo *di)
{
	return di->sources[0]->path;
}

int kd_debuginfo_machine(const struct kd_debuginfo *di)
{
	return di->machine;
}

const uint8_t *kd_debuginfo_build_id(const struct kd_debuginfo *di,
				     size_t *len)
{
	*len = di->sources[0]->build_id_len;
	return *len ? di->sources[0]->build_id : NULL;
}

const char *kd_debuginfo_build_id_hex(const struct kd_debuginfo *di)
{
	return di->sources[0]->build_id_hex;
}


/* Copies the NUL-terminated string at link address addr from the file. */
static char *read_string_at(Elf *elf, uint64_t addr, uint64_t max)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || addr < sh.sh_addr ||
		    addr - sh.sh_addr >= sh.sh_size)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		uint64_t off = addr - sh.sh_addr;
		if (!d || off >= d->d_size)
			return NULL;
		const char *s = (const char *)d->d_buf + off;
		size_t left = d->d_size - off;
		return strndup(s, max && max < left ? max : left);
	}
	return NULL;
}

const char *kd_debuginfo_banner(const struct kd_debuginfo *di)
{
	struct kd_debuginfo *mdi = (struct kd_debuginfo *)di;
	struct kd_symtab *st;
	struct kd_symbol sym;
	if (di->banner)
		return di->banner;
	struct kd_error *err = kd_debuginfo_symtab(mdi, &st);
	if (!err)
		err = kd_symtab_lookup(st, "linux_banner", &sym);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	uint64_t link = sym.value - (sym.flags & KD_SYM_RELOC ?
				     kd_symtab_relocation(st) : 0);
	mdi->banner = read_string_at(di->sources[0]->elf, link, sym.size);
	return di->banner;
}

static char *cache_file(const struct kd_debuginfo *di,
			const struct kd_dwarf_source *src)
{
	char *path = NULL;
	if (!di->cache_dir)
		return NULL;
	int r;
	if (src->build_id_len)
		r = asprintf(&path, "%s/index/%s", di->cache_dir,
			     src->build_id_hex);
	else
		r = asprintf(&path, "%s/index/nobuildid-%016llx-%llx-%llx",
			     di->cache_dir,
			     (unsigned long long)kd_name_hash(src->path,
							      strlen(src->path)),
			     (unsigned long long)src->file_size,
			     (unsigned long long)src->mtime_ns);
	return r < 0 ? NULL : path;
}

static struct kd_index_source_id source_id(const struct kd_dwarf_source *src)
{
	struct kd_index_source_id id = {
		.build_id = src->build_id,
		.build_id_len = src->build_id_len,
		.size = src->file_size,
		.mtime_ns = src->mtime_ns,
	};
	return id;
}

struct kd_error *kd_debuginfo_symtab(struct kd_debuginfo *di,
				     struct kd_symtab **ret)
{
	if (!di->symtab) {
		struct kd_dwarf_source *src = di->sources[0];
		struct kd_index_source_id id = source_id(src);
		char *index = cache_file(di, src), *file = NULL;
		if (index && asprintf(&file, "%s.symtab", index) < 0)
			file = NULL;
		free(index);
		if (di->cache_dir && !file)
			return &kd_error_nomem;
		struct kd_error *err = kd_symtab_create(src->elf, src->path,
							file, &id,
							di->opts.rebuild,
							&di->symtab);
		free(file);
		if (err)
			return err;
	}
	*ret = di->symtab;
	return NULL;
}

size_t kd_debuginfo_nsources(const struct kd_debuginfo *di)
{
	return di->nsources;
}

Dwarf *kd_debuginfo_source_dwarf(const struct kd_debuginfo *di, size_t i)
{
	return di->sources[i]->dwarf;
}

Dwarf_Die *kd_debuginfo_source_offdie(struct kd_debuginfo *di, size_t i,
				      uint64_t off, Dwarf_Die *die)
{
	return kd_dwarf_source_offdie(di->sources[i], off, die);
}

struct kd_error *kd_debuginfo_source_lost(const struct kd_debuginfo *di,
					  size_t i)
{
	return i < di->nsources ? kd_dwarf_source_lost(di->sources[i]) : NULL;
}

struct kd_error *kd_debuginfo_lost(const struct kd_debuginfo *di)
{
	struct kd_error *err = NULL;
	for (size_t i = 0; di && !err && i < di->nsources; i++)
		if (!di->sources[i]->hidden)	/* an unloaded module's */
			err = kd_dwarf_source_lost(di->sources[i]);
	return err;
}

struct kd_memocache *kd_debuginfo_memocache(const struct kd_debuginfo *di)
{
	return di->opts.memocache;
}

struct kd_error *kd_debuginfo_source_index(struct kd_debuginfo *di, size_t i,
					   struct kd_dwarf_index **ret)
{
	struct kd_dwarf_source *src = di->sources[i];
	if (!src->index) {
		struct kd_index_source_id id = source_id(src);
		char *file = cache_file(di, src);
		if (di->cache_dir && !file)
			return &kd_error_nomem;
		/* a build runs in the background (and drops the pages it
		 * read when it ends); lookups answer meanwhile */
		struct kd_error *err = kd_dwarf_index_start(&src->secs, &id,
							    file, &di->opts,
							    &src->index,
							    &src->info);
		free(file);
		if (err)
			return err;
	}
	/* a failed build (corrupt DWARF) leaves an empty index: say why */
	const struct kd_error *failed = kd_dwarf_index_failure(src->index);
	*ret = src->index;
	return failed ? kd_error_create(failed->code, "%s", failed->message) :
			NULL;
}

const struct kd_error *kd_debuginfo_source_problem(struct kd_debuginfo *di,
						  size_t i)
{
	struct kd_dwarf_index *idx = di->sources[i]->index;
	const struct kd_error *e = kd_dwarf_index_failure(idx);
	return e ? e : kd_dwarf_index_partial(idx);
}

struct kd_error *kd_debuginfo_start_index(struct kd_debuginfo *di)
{
	for (size_t i = 0; i < di->nsources; i++) {
		struct kd_dwarf_index *idx;
		struct kd_error *err = kd_debuginfo_source_index(di, i, &idx);
		if (err)
			return err;
	}
	return NULL;
}

void kd_debuginfo_stop_index(struct kd_debuginfo *di)
{
	for (size_t i = 0; di && i < di->nsources; i++)
		kd_dwarf_index_abandon(di->sources[i]->index);
}

struct kd_error *kd_debuginfo_load_index(struct kd_debuginfo *di,
					 struct kd_index_info *info)
{
	for (size_t i = 0; i < di->nsources; i++) {
		struct kd_dwarf_index *idx;
		struct kd_error *err = kd_debuginfo_source_index(di, i, &idx);
		if (!err)
			err = kd_dwarf_index_wait(idx);
		if (err)
			return err;
	}
	if (info)
		*info = di->sources[0]->info;
	return NULL;
}

/* ---- the type model's place (kd_debuginfo_types is lib/types') ---- */

struct kd_types *kd_debuginfo_attached_types(const struct kd_debuginfo *di)
{
	return di->types;
}

void kd_debuginfo_attach_types(struct kd_debuginfo *di, struct kd_types *types,
			       const struct kd_debuginfo_types_ops *ops)
{
	di->types = types;
	di->types_ops = ops;
}

static void types_sources_changed(struct kd_debuginfo *di)
{
	if (di->types)
		di->types_ops->sources_changed(di->types);
}

static struct kd_error *add_source(struct kd_debuginfo *di, const char *name,
				   const char *path, kd_section_addr_fn *secaddr,
				   void *arg)
{
	struct kd_dwarf_source *src;
	struct kd_error *err = kd_array_reserve(&di->sources, &di->sources_cap,
						di->nsources + 1);
	if (err)
		return err;
	err = kd_dwarf_source_open(name, path, secaddr, arg, &src);
	if (err)
		return err;
	di->sources[di->nsources++] = src;
	types_sources_changed(di);
	return NULL;
}

struct kd_error *kd_debuginfo_add_source(struct kd_debuginfo *di,
					 const char *name, const char *path)
{
	return add_source(di, name, path, NULL, NULL);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n && i < 64; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * (n < 64 ? n : 64)] = '\0';
}

/* The new source's build-id against the expected one, then its index. */
static struct kd_error *check_module(struct kd_debuginfo *di,
				     struct kd_dwarf_source *src,
				     const uint8_t *want, size_t want_len)
{
	if (want_len && src->build_id_len &&
	    (want_len != src->build_id_len ||
	     memcmp(want, src->build_id, want_len) != 0)) {
		char w[129];
		hex(want, want_len, w);
		return kd_error_create(KD_ERR_MISMATCH,
				       "%s: build-id %s does not match module "
				       "%s in the dump (build-id %s): wrong file "
				       "or another kernel build", src->path,
				       src->build_id_hex, src->name, w);
	}
	struct kd_dwarf_index *idx;
	struct kd_error *err = kd_debuginfo_source_index(di, di->nsources - 1,
							 &idx);
	/* a module's index is small: its errors belong to the load */
	return err ? err : kd_dwarf_index_wait(idx);
}

struct kd_error *kd_debuginfo_add_module(struct kd_debuginfo *di,
					 const char *name, const char *path,
					 kd_section_addr_fn *secaddr, void *arg,
					 const uint8_t *build_id,
					 size_t build_id_len)
{
	struct kd_error *err = add_source(di, name, path, secaddr, arg);
	if (err)
		return err;
	struct kd_dwarf_source *src = di->sources[di->nsources - 1];
	src->secaddr = NULL;	/* the callback's arg is not ours to keep */
	src->secaddr_arg = NULL;
	/* errors belong to the load, not to a later lookup; nothing can
	 * refer to the new source yet, so it can go again */
	err = check_module(di, src, build_id, build_id_len);
	if (err) {
		kd_dwarf_source_close(src);
		di->nsources--;
		types_sources_changed(di);
	}
	return err;
}

int kd_debuginfo_hide_source(struct kd_debuginfo *di, const char *name,
			     const char *path, int hide)
{
	int n = 0;
	for (size_t i = 1; i < di->nsources; i++) {
		struct kd_dwarf_source *src = di->sources[i];
		if (strcmp(src->name, name) != 0 ||
		    (path && strcmp(src->path, path) != 0) ||
		    src->hidden == !!hide)
			continue;
		src->hidden = !!hide;
		n++;
		if (!hide)
			break;	/* show one copy only */
	}
	if (n)
		types_sources_changed(di);
	return n;
}

int kd_debuginfo_source_hidden(const struct kd_debuginfo *di, size_t i)
{
	return i < di->nsources && di->sources[i]->hidden;
}
