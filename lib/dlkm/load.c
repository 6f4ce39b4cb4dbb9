// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading and unloading a module's debuginfo.  Steps of a load:
 *   1. the file: given, or found (search.c); a .ko.zst is inflated into
 *      the cache directory first;
 *   2. it must be this module's object: its .modinfo "name=" (when
 *      present) must be the module's name, and its GNU build-id must be
 *      the one loaded with the module (checked in kd_debuginfo_add_module);
 *   3. its debug sections are relocated to the section addresses in
 *      module->sect_attrs, moved into the DWARF address space (minus
 *      the KASLR offset, like the vmlinux's link addresses), and indexed;
 *   4. every KD_CU_LOAD cache is purged (types, readers, symbols, Python
 *      classes): the generation moves on.
 * A failed load leaves the session as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <pykdump/debuginfo.h>
#include <pykdump/inputfile.h>
#include <pykdump/memocache.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>

#include "dlkm_internal.h"

struct secaddr_arg {
	const struct kd_dlkm_module *m;
	uint64_t kaslr;
};

static int section_addr(void *arg, const char *section, uint64_t *addr)
{
	const struct secaddr_arg *a = arg;
	if (strcmp(section, ".data..percpu") == 0 && a->m->percpu) {
		*addr = a->m->percpu;	/* a per-CPU offset: not relocated */
		return 1;
	}
	for (size_t i = 0; i < a->m->nsecs; i++) {
		if (strcmp(a->m->secs[i].name, section) == 0) {
			*addr = a->m->secs[i].addr - a->kaslr;
			return 1;
		}
	}
	return 0;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static struct kd_error *inflate_zstd(const char *in, const char *out)
{
	FILE *fi = NULL, *fo = NULL;
	int fd;
	struct kd_error *err = kd_open_input(in, "module", &fd);
	if (err)
		return err;
	ZSTD_DStream *ds = ZSTD_createDStream();
	char tmp[4096 + 16];
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", out, (int)getpid());
	if (!(fi = fdopen(fd, "rb"))) {
		err = kd_error_os(errno, in, "cannot open");
		close(fd);
		goto out_close;
	}
	if (!ds || !(fo = fopen(tmp, "wb"))) {
		err = ds ? kd_error_os(errno, tmp, "cannot open") : &kd_error_nomem;
		goto out_close;
	}
	static uint8_t ibuf[1 << 16], obuf[1 << 17];
	size_t n, r = 1;
	while ((n = fread(ibuf, 1, sizeof(ibuf), fi)) > 0) {
		ZSTD_inBuffer ib = { ibuf, n, 0 };
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { obuf, sizeof(obuf), 0 };
			r = ZSTD_decompressStream(ds, &ob, &ib);
			if (ZSTD_isError(r) || fwrite(obuf, 1, ob.pos, fo) != ob.pos) {
				err = kd_error_create(KD_ERR_CORRUPT, "%s: zstd: %s",
						      in, ZSTD_isError(r) ?
						      ZSTD_getErrorName(r) :
						      "write error");
				goto out_close;
			}
		}
	}
	if (r != 0)
		err = kd_error_create(KD_ERR_TRUNCATED, "%s: zstd stream ends "
				      "early", in);
out_close:
	if (fo && fclose(fo) != 0 && !err)
		err = kd_error_os(errno, tmp, "cannot write");
	if (!err && rename(tmp, out) != 0)
		err = kd_error_os(errno, out, "cannot rename");
	if (err)
		unlink(tmp);
	if (fi)
		fclose(fi);
	ZSTD_freeDStream(ds);
	return err;
}

/* mkdir -p of dir's components below an existing ancestor; a missing
 * $HOME is never made (kd_debuginfo_cache_dir gives none then). */
static struct kd_error *make_dirs(const char *dir)
{
	char *d = strdup(dir);
	if (!d)
		return &kd_error_nomem;
	for (char *p = d + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(d, 0755) != 0 && errno != EEXIST) {
			struct kd_error *err = kd_error_os(errno, d,
							   "cannot create");
			free(d);
			return err;
		}
		if (!c)
			break;
		*p = c;
	}
	free(d);
	return NULL;
}

/* A plain ELF path for file: itself, or its inflated copy in the
 * session's cache directory (--cache-dir, else the default one): never
 * anywhere else. */
static struct kd_error *plain_file(struct kd_session *s, const char *file,
				   const char *name, char **ret)
{
	if (has_suffix(file, ".xz"))
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "%s: xz-compressed module: decompress it "
				       "(unxz -k) and give the .ko", file);
	if (!has_suffix(file, ".zst")) {
		*ret = strdup(file);
		return *ret ? NULL : &kd_error_nomem;
	}
	const struct kd_session_options *so = kd_session_options(s);
	struct kd_debuginfo_options o = { .cache_dir = so->cache_dir };
	char *dir = so->no_index_cache ? NULL : kd_debuginfo_cache_dir(&o);
	char *out = NULL;
	struct stat st;
	if (!dir)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "%s: a zstd-compressed module is "
				       "inflated into the cache directory, and "
				       "there is none (--no-index-cache, or no "
				       "$HOME): give --cache-dir or the "
				       "decompressed .ko", file);
	if (stat(file, &st) != 0) {
		free(dir);
		return kd_error_os(errno, file, "cannot stat");
	}
	if (asprintf(&out, "%s/modules/%s-%lld-%lld.ko", dir, name,
		     (long long)st.st_size, (long long)st.st_mtime) < 0) {
		free(dir);
		return &kd_error_nomem;
	}
	char *sub = NULL;
	struct kd_error *err = asprintf(&sub, "%s/modules", dir) < 0 ?
			       &kd_error_nomem : make_dirs(sub);
	free(sub);
	free(dir);
	if (!err)
		err = access(out, R_OK) == 0 ? NULL : inflate_zstd(file, out);
	if (err)
		free(out);
	else
		*ret = out;
	return err;
}

/* "name=" in .modinfo, compared with the module's name ('-' == '_'). */
static struct kd_error *check_modinfo(const char *path, const char *name)
{
	int fd;
	struct kd_error *err = kd_open_input(path, "module", &fd);
	if (err)
		return err;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	size_t shstrndx;
	if (!elf || elf_kind(elf) != ELF_K_ELF ||
	    elf_getshdrstrndx(elf, &shstrndx) < 0) {
		err = kd_error_create(KD_ERR_FORMAT, "%s: not an ELF object "
				      "(corrupt or truncated?)", path);
		goto out_close;
	}
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh) || eh.e_type != ET_REL) {
		err = kd_error_create(KD_ERR_FORMAT, "%s: not a kernel module "
				      "(not a relocatable object)", path);
		goto out_close;
	}
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		const char *sn;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    !(sn = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(sn, ".modinfo") != 0)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		const char *p = d ? d->d_buf : NULL, *end = p ? p + d->d_size : NULL;
		for (; p && p < end; p += strnlen(p, (size_t)(end - p)) + 1) {
			size_t len = strnlen(p, (size_t)(end - p));
			char got[64];
			if (len < 5 || len - 5 >= sizeof(got) || strncmp(p, "name=", 5))
				continue;
			memcpy(got, p + 5, len - 5);
			got[len - 5] = '\0';
			if (!kd_dlkm_name_eq(got, name))
				err = kd_error_create(KD_ERR_MISMATCH,
						      "%s: this is module %s, "
						      "not %s", path, got, name);
			break;
		}
	}
out_close:
	elf_end(elf);
	close(fd);
	return err;
}

static void purge(struct kd_session *s)
{
	kd_memocache_purge(kd_session_memocache(s), KD_CU_LOAD);
}

static struct kd_error *load_file(struct kd_session *s,
				  struct kd_dlkm_module *m, const char *path)
{
	struct kd_debuginfo *di = kd_session_debuginfo(s);
	struct kd_symtab *st = kd_session_symtab(s);
	if (!di || !st)
		return kd_error_create(KD_ERR_INVALID, "no vmlinux debuginfo");
	if (!m->nsecs)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: its section "
				       "addresses are unknown (%s)", m->name,
				       m->note[0] ? m->note :
				       "no module->sect_attrs in memory");
	struct kd_error *err = check_modinfo(path, m->name);
	if (err)
		return err;
	/* loaded before from the same file: show that copy again */
	if (kd_debuginfo_hide_source(di, m->name, path, 0))
		return NULL;
	struct secaddr_arg a = { m, kd_symtab_relocation(st) };
	return kd_debuginfo_add_module(di, m->name, path, section_addr, &a,
				       m->build_id, m->build_id_len);
}

struct kd_error *kd_modules_load_debuginfo(struct kd_session *s,
					   const char *name, const char *file)
{
	struct kd_dlkm *dl;
	size_t i;
	char *found = NULL, *path = NULL;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (!err)
		err = kd_modules_find(s, name, &i);
	if (!err && !file)
		err = kd_modules_find_debuginfo(s, name, NULL, &found);
	if (!err)
		err = plain_file(s, file ? file : found, dl->mods[i].name,
				 &path);
	free(found);
	if (err)
		return err;
	struct kd_dlkm_module *m = &dl->mods[i];
	struct kd_debuginfo *di = kd_session_debuginfo(s);
	char *old = m->debuginfo;
	if (old && di)	/* replaced: hide the old copy while loading */
		kd_debuginfo_hide_source(di, m->name, NULL, 1);
	err = load_file(s, m, path);
	if (err) {
		if (old && di)
			kd_debuginfo_hide_source(di, m->name, old, 0);
		free(path);
		purge(s);
		return kd_error_prefix(err, "module %s", m->name);
	}
	free(old);
	m->debuginfo = path;
	purge(s);
	return NULL;
}

struct kd_error *kd_modules_unload_debuginfo(struct kd_session *s,
					     const char *name)
{
	struct kd_dlkm *dl;
	size_t i;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (!err)
		err = kd_modules_find(s, name, &i);
	if (err)
		return err;
	struct kd_dlkm_module *m = &dl->mods[i];
	if (!m->debuginfo)
		return kd_error_create(KD_ERR_NOT_FOUND, "%s: no debuginfo "
				       "loaded", m->name);
	if (kd_session_debuginfo(s))
		kd_debuginfo_hide_source(kd_session_debuginfo(s), m->name,
					 NULL, 1);
	free(m->debuginfo);
	m->debuginfo = NULL;
	purge(s);
	return NULL;
}

void kd_modules_unload_all(struct kd_session *s)
{
	struct kd_dlkm *dl = kd_session_slot(s, KD_SLOT_MODULES);
	int any = 0;
	for (size_t i = 0; dl && i < dl->nmods; i++) {
		struct kd_dlkm_module *m = &dl->mods[i];
		if (!m->debuginfo)
			continue;
		kd_debuginfo_hide_source(kd_session_debuginfo(s), m->name,
					 NULL, 1);
		free(m->debuginfo);
		m->debuginfo = NULL;
		any = 1;
	}
	if (any)
		purge(s);
}

size_t kd_modules_load_all(struct kd_session *s, const char *dir,
			   kd_modules_report_fn *report, void *arg)
{
	struct kd_dlkm *dl;
	size_t loaded = 0;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	const char **names = err ? NULL : calloc(dl->nmods + 1, sizeof(*names));
	char **paths = err ? NULL : calloc(dl->nmods + 1, sizeof(*paths));
	if (!err && (!names || !paths))
		err = &kd_error_nomem;
	for (size_t i = 0; !err && i < dl->nmods; i++)
		names[i] = dl->mods[i].name;
	if (!err)
		err = kd_dlkm_search(dl, dir, names, paths, dl->nmods);
	if (err && report)
		report(arg, NULL, err);
	kd_error_destroy(err);
	for (size_t i = 0; !err && i < dl->nmods; i++) {
		if (!paths[i])
			continue;
		struct kd_error *e = kd_modules_load_debuginfo(s, names[i],
							       paths[i]);
		if (e && report)
			report(arg, names[i], e);
		loaded += !e;
		kd_error_destroy(e);
	}
	for (size_t i = 0; paths && i < dl->nmods; i++)
		free(paths[i]);
	free(paths);
	free(names);
	return loaded;
}
