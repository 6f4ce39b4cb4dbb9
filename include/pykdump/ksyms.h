/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel symbols of the whole session: the vmlinux symbol table plus the
 * symbols of every module, read from the module's kallsyms in memory (no
 * debuginfo needed).  Address lookups find the symbol at or nearest
 * below an address in the kernel image or inside a module's core/init
 * area; name lookups try the vmlinux first, then the modules in list
 * order.  Several symbols at one address: an address equal to it names
 * the first, one past it the last (crash's value_search: "loop_exit",
 * "cleanup_module+3").  Module symbol types are crash's: the kallsyms letter when the
 * kernel stored one in st_info, else 't'/'T' for local/global functions
 * and '?' for anything else.
 */
#ifndef PYKDUMP_KSYMS_H
#define PYKDUMP_KSYMS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_ksym {
	const char *name;
	uint64_t value;		/* runtime address */
	uint64_t size;		/* 0 when unknown */
	char type;		/* nm / crash letter */
	const char *module;	/* NULL for vmlinux symbols */
};

/* 1 when addr resolves: *name, *off = addr - symbol, *module (NULL for
 * vmlinux).  Any out pointer may be NULL. */
KD_PUBLIC int kd_ksym_lookup_addr(struct kd_session *s, uint64_t addr,
				  const char **name, uint64_t *off,
				  const char **module);
/* The same with the whole symbol. */
KD_PUBLIC int kd_ksym_by_addr(struct kd_session *s, uint64_t addr,
			      struct kd_ksym *sym, uint64_t *off);
/* The first symbol above addr in the same object (the vmlinux, or the
 * module holding addr): 1 and *ret, 0 when there is none. */
KD_PUBLIC int kd_ksym_next(struct kd_session *s, uint64_t addr,
			   struct kd_ksym *ret);
/* By name: vmlinux first, then modules; "name" or "module:name". */
KD_PUBLIC struct kd_error *kd_ksym_by_name(struct kd_session *s,
					   const char *name,
					   struct kd_ksym *ret) KD_WARN_UNUSED;

/* The symbols of module index mi (kd_modules_get), in address order:
 * count, and the i-th. */
KD_PUBLIC size_t kd_ksym_module_count(struct kd_session *s, size_t mi);
KD_PUBLIC int kd_ksym_module_get(struct kd_session *s, size_t mi, size_t i,
				 struct kd_ksym *ret);

#endif /* PYKDUMP_KSYMS_H */
