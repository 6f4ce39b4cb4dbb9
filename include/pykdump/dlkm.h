/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel modules (DLKM) of the dumped kernel: the module list read from
 * memory, each module's own symbols (its kallsyms, so addresses in
 * modules resolve without any debuginfo), and loading a module's
 * debuginfo so its DWARF types, variables and functions join every
 * lookup.
 *
 * Layouts handled (by member existence in the vmlinux DWARF, never by
 * version number): struct module with mem[] (6.4+), core_layout /
 * init_layout (4.5-6.3) or module_core / core_size (older); symbols
 * through module->kallsyms (4.6+) or module->symtab/strtab (older);
 * section addresses through module->sect_attrs (battr.attr.name, 5.8+,
 * or name).
 *
 * Loading debuginfo relocates the module's ET_REL debug sections to the
 * addresses the kernel gave its sections (DWARF addresses then follow
 * the vmlinux convention: runtime address minus the KASLR offset, so a
 * module variable's kd_variable.address + kd_symtab_relocation() is its
 * address in memory).  Loading and unloading purge KD_CU_LOAD caches
 * (types' name caches, readers, symbol caches, Python classes) and bump
 * the memocache generation.  An unloaded module's DWARF stays mapped
 * (types already handed out remain valid) but no lookup finds it.
 *
 * The list is read once per session, on first use.  Strings returned
 * point into that state and stay valid until the session is closed.
 */
#ifndef PYKDUMP_DLKM_H
#define PYKDUMP_DLKM_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_module_info {
	uint64_t addr;		/* the struct module */
	const char *name;
	uint64_t base;		/* core (text) base, as crash's BASE */
	uint64_t size;		/* core size, as crash's SIZE */
	uint64_t init_base;	/* init area (0 when freed) */
	uint64_t init_size;
	size_t nsyms;		/* symbols read from its kallsyms */
	const char *debuginfo;	/* loaded debuginfo file, or NULL */
	const char *symbols_note;	/* why it has no symbols, or NULL */
};

/* Number of modules (reads the list on first call). */
KD_PUBLIC struct kd_error *kd_modules_count(struct kd_session *s, size_t *ret)
	KD_WARN_UNUSED;
/* The i-th module in list order (most recently loaded first). */
KD_PUBLIC struct kd_error *kd_modules_get(struct kd_session *s, size_t i,
					  struct kd_module_info *ret)
	KD_WARN_UNUSED;
/* By name; '-' and '_' are the same.  NOT_FOUND if no such module. */
KD_PUBLIC struct kd_error *kd_modules_find(struct kd_session *s,
					   const char *name, size_t *index)
	KD_WARN_UNUSED;
/* The module whose core or init area holds addr: 1 and its index. */
KD_PUBLIC int kd_modules_by_addr(struct kd_session *s, uint64_t addr,
				 size_t *index);

/* ---- debuginfo ---- */

/* Extra directories searched for module debuginfo (before the dump's
 * own directory and the standard ones); copied. */
KD_PUBLIC struct kd_error *kd_modules_add_search_dir(struct kd_session *s,
						     const char *dir)
	KD_WARN_UNUSED;

/* Finds module name's debuginfo: in dir only when dir is not NULL, else
 * in the search path: $PYKDUMP_DEBUGDIR (':' separated), the session's
 * debug dirs, kd_modules_add_search_dir() ones, the dump's directory,
 * /usr/lib/debug/lib/modules/<release>/, /lib/modules/<release>/;
 * each searched recursively for name.ko.debug, name.o.debug, name.ko,
 * name.o, name.ko.xz, name.ko.zst (name with '-' and '_' both tried).
 * *ret is malloc'd. */
KD_PUBLIC struct kd_error *kd_modules_find_debuginfo(struct kd_session *s,
						     const char *name,
						     const char *dir,
						     char **ret)
	KD_WARN_UNUSED;

/* Loads module name's debuginfo from file (NULL: search as above).  The
 * file's GNU build-id must match the one in the module's memory (when
 * both have one) and it must be that module's object; a compressed
 * .ko.xz/.ko.zst is decompressed to the cache first.  Reloading an
 * already loaded module replaces it. */
KD_PUBLIC struct kd_error *kd_modules_load_debuginfo(struct kd_session *s,
						     const char *name,
						     const char *file)
	KD_WARN_UNUSED;
/* Loads the debuginfo of every module found in dir (NULL: the search
 * path), one directory walk for all; report (may be NULL) is told of
 * each module's failure (err is destroyed after the call); modules
 * without a file are skipped silently.  Returns how many were loaded. */
typedef void kd_modules_report_fn(void *arg, const char *module,
				  const struct kd_error *err);
KD_PUBLIC size_t kd_modules_load_all(struct kd_session *s, const char *dir,
				     kd_modules_report_fn *report, void *arg);
/* Unloads it (NOT_FOUND when none is loaded). */
KD_PUBLIC struct kd_error *kd_modules_unload_debuginfo(struct kd_session *s,
						       const char *name)
	KD_WARN_UNUSED;
/* Unloads every module's debuginfo. */
KD_PUBLIC void kd_modules_unload_all(struct kd_session *s);

#endif /* PYKDUMP_DLKM_H */
