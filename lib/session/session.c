// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A session: one dump and its debuginfo.  Set-up order (each step uses
 * only the ones before it):
 *   1. classify the user's files by content: an ELF executable is the
 *      vmlinux, anything else is a dump file (crash accepts either order);
 *   2. open the dump (format, notes, VMCOREINFO);
 *   3. find and open the vmlinux (session_vmlinux.c);
 *   4. KASLR, phys_base, translation (session_arch.c), then check the
 *      vmlinux against linux_banner in memory;
 *   5. the DWARF index and types: on first use (kd_session_types).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>

#include <pykdump/arch.h>
#include <pykdump/debuginfo.h>
#include <pykdump/dump.h>
#include <pykdump/inputfile.h>
#include <pykdump/log.h>
#include <pykdump/memocache.h>
#include <pykdump/session.h>

#include "machine_internal.h"
#include "session_internal.h"

/* 1 when the ELF64 program headers of fd name a program interpreter
 * (PT_INTERP): a user-space program, never a kernel. */
static int has_interp(int fd, const Elf64_Ehdr *eh)
{
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum > 4096)
		return 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		if (eh->e_phoff > (uint64_t)INT64_MAX - (i + 1) * sizeof(ph) ||
		    pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff +
						  i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			return 0;
		if (ph.p_type == PT_INTERP)
			return 1;
	}
	return 0;
}

/* 1 when path is an ELF executable (a vmlinux), 0 otherwise.  A kernel
 * is ET_EXEC (ET_DYN where it is linked -pie, arm64) and has no program
 * interpreter: /bin/ls given as the dump is then "not a vmcore", not "a
 * second vmlinux". */
static struct kd_error *is_vmlinux(const char *path, int *ret)
{
	int fd;
	struct kd_error *err = kd_open_input(path, "dump or vmlinux", &fd);
	if (err)
		return err;
	Elf64_Ehdr eh;
	ssize_t n = pread(fd, &eh, sizeof(eh), 0);
	*ret = n == (ssize_t)sizeof(eh) &&
	       memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	       (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) &&
	       !has_interp(fd, &eh);
	close(fd);
	return NULL;
}

static char *join_paths(const char *const *paths, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(paths[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, paths[i]);
	}
	return s;
}

/* Splits opts->files into dump files and at most one vmlinux. */
static struct kd_error *classify(const struct kd_session_options *opts,
				 const char **dumps, size_t *ndumps,
				 const char **vmlinux)
{
	*ndumps = 0;
	*vmlinux = opts->vmlinux;
	for (size_t i = 0; i < opts->nfiles; i++) {
		int v;
		struct kd_error *err = is_vmlinux(opts->files[i], &v);
		if (err)
			return err;
		if (v && *vmlinux)
			return kd_error_create(KD_ERR_INVALID,
					       "%s: a second vmlinux (already have %s)",
					       opts->files[i], *vmlinux);
		if (v)
			*vmlinux = opts->files[i];
		else
			dumps[(*ndumps)++] = opts->files[i];
	}
	if (*ndumps == 0)
		return kd_error_create(KD_ERR_INVALID, "no dump file given");
	return NULL;
}

void kd_session_warn(struct kd_session *s, const char *fmt, ...)
{
	char *text;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	kd_error_destroy(kd_log_warning(s->log, "%s", text));
	if (s->opts.warn)
		s->opts.warn(s->opts.warn_arg, text);
	free(text);
}

/* What the dump layer found wrong while opening (a truncated file, a
 * flattened stream without its end, one file of a split set, damaged
 * notes): said at open, not only by dumpinfo. */
static void dump_warnings(struct kd_session *s)
{
	const char *w;
	for (size_t i = 0; (w = kd_dump_warning(s->dump, i)); i++)
		kd_session_warn(s, "%s", w);
}

/* An open that fails on a dump with problems: the first problem (a
 * truncation, most often) is what to fix, not what failed after it. */
static struct kd_error *blame_dump(struct kd_session *s, struct kd_error *err)
{
	const char *w = s->dump ? kd_dump_warning(s->dump, 0) : NULL;
	if (!w || err == &kd_error_nomem)
		return err;
	return kd_error_prefix(err, "%s; then", w);
}

static struct kd_error *open_kernel(struct kd_session *s, const char *vmlinux)
{
	struct kd_error *err = kd_session_find_vmlinux(s, vmlinux);
	if (err)
		return err;
	/* Without a cached index, its build starts now on threads of its
	 * own, while the symbol table, page tables and first commands go
	 * on; a failure shows again at the first type lookup. */
	kd_error_destroy(kd_debuginfo_start_index(s->di));
	err = kd_debuginfo_symtab(s->di, &s->symtab);
	if (err)
		return err;
	err = kd_session_setup_arch(s);
	if (err)
		return err;
	return kd_session_check_banner(s);
}

struct kd_error *kd_session_open(const struct kd_session_options *opts,
				 struct kd_session **ret)
{
	struct kd_error *err;
	struct kd_session *s = calloc(1, sizeof(*s));
	const char **dumps = calloc(opts->nfiles + 1, sizeof(*dumps));
	if (!s || !dumps) {
		free(s);
		free(dumps);
		return &kd_error_nomem;
	}
	s->opts = *opts;
	size_t ndumps;
	const char *vmlinux;
	err = classify(opts, dumps, &ndumps, &vmlinux);
	if (!err)
		err = kd_memocache_create(0, &s->mc);
	if (!err)
		err = kd_log_create(&s->log);
	if (err)
		goto out;
	s->dump_path = join_paths(dumps, ndumps);
	if (!s->dump_path) {
		err = &kd_error_nomem;
		goto out;
	}
	err = kd_dump_open(dumps, ndumps, &s->dump);
	if (err)
		goto out;
	if (opts->zero_excluded)
		kd_dump_set_default_flags(s->dump, KD_READ_ZERO_EXCLUDED);
	dump_warnings(s);
	if (!opts->no_vmlinux)
		err = open_kernel(s, vmlinux);
	else if (vmlinux && !(s->vmlinux_path = strdup(vmlinux)))
		err = &kd_error_nomem;
	if (err)
		err = blame_dump(s, err);
out:
	free(dumps);
	if (err) {
		kd_debuginfo_stop_index(s->di);	/* not worth saving */
		kd_session_close(s);
		return err;
	}
	*ret = s;
	return NULL;
}

void kd_session_close(struct kd_session *s)
{
	if (!s)
		return;
	for (int i = KD_SLOT_NR - 1; i >= 0; i--)
		if (s->slots[i].destroy)
			s->slots[i].destroy(s->slots[i].data);
	kd_machine_state_destroy(s->machine);
	kd_arch_destroy(s->arch);
	kd_debuginfo_close(s->di);
	kd_dump_close(s->dump);
	kd_log_destroy(s->log);
	kd_memocache_destroy(s->mc);
	free(s->dump_path);
	free(s->vmlinux_path);
	free(s);
}

struct kd_dump *kd_session_dump(struct kd_session *s)
{
	return s->dump;
}

const char *kd_session_dump_path(const struct kd_session *s)
{
	return s->dump_path;
}

const struct kd_session_options *kd_session_options(const struct kd_session *s)
{
	return &s->opts;
}

const char *kd_session_vmlinux_path(const struct kd_session *s)
{
	return s->vmlinux_path;
}

struct kd_debuginfo *kd_session_debuginfo(struct kd_session *s)
{
	return s->di;
}

struct kd_symtab *kd_session_symtab(struct kd_session *s)
{
	return s->symtab;
}

struct kd_arch *kd_session_arch(struct kd_session *s)
{
	return s->arch;
}

struct kd_error *kd_session_types(struct kd_session *s, struct kd_types **ret)
{
	if (!s->di)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "no vmlinux: types are not available");
	if (!s->types) {
		struct kd_error *err = kd_debuginfo_types(s->di, &s->types);
		if (err)
			return err;
	}
	*ret = s->types;
	return NULL;
}

struct kd_memocache *kd_session_memocache(struct kd_session *s)
{
	return s->mc;
}

struct kd_log *kd_session_log(struct kd_session *s)
{
	return s->log;
}

void *kd_session_slot(struct kd_session *s, enum kd_session_slot slot)
{
	return (unsigned)slot < KD_SLOT_NR ? s->slots[slot].data : NULL;
}

void kd_session_set_slot(struct kd_session *s, enum kd_session_slot slot,
			 void *data, void (*destroy)(void *data))
{
	if ((unsigned)slot >= KD_SLOT_NR)
		return;
	struct kd_session_slot_entry *e = &s->slots[slot];
	if (e->destroy && e->data != data)
		e->destroy(e->data);
	e->data = data;
	e->destroy = destroy;
}
