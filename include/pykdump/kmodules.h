/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's loaded modules (the `modules` list of struct module), as
 * the kernel keeps them: the struct address, the name, the core memory
 * (base and size as crash's `mod` lists them), the init area, the
 * module's own symbol table and per-CPU area.  Sorted by base address.
 *
 * The list is walked once per memocache generation (a module debuginfo
 * load bumps it) and kept; every reader of struct module (mod, the
 * unwinder's ORC tables, the module symbols of lib/dlkm) starts here.
 * The layouts handled are listed in lib/kernel/kmodules.c.
 */
#ifndef PYKDUMP_KMODULES_H
#define PYKDUMP_KMODULES_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

#define KD_KMODULE_NAME_MAX 64	/* MODULE_NAME_LEN is 64 - sizeof(long) */
#define KD_KMODULE_MAX_REGIONS 8

/* kd_kmodule.flags */
#define KD_KMODULE_MEM	0x1	/* memory in mem[] regions (6.4+): base is
				   the text region's (crash: TEXT_BASE) */

struct kd_kmodule {
	uint64_t addr;		/* the struct module */
	unsigned flags;		/* KD_KMODULE_* */
	char name[KD_KMODULE_NAME_MAX];
	uint64_t base;		/* core text base */
	uint64_t size;		/* core size, as crash's mod SIZE column */
	uint64_t text_size;	/* core text size */
	int kallsyms;		/* the module carries its own symbol table */
	/* The module's core memory regions: one (core_layout) before 6.4,
	 * the core mem[] regions after. */
	struct { uint64_t base, size; } region[KD_KMODULE_MAX_REGIONS];
	int nregion;
	uint64_t init_base;	/* init area, 0 when freed */
	uint64_t init_size;
	/* Its kallsyms: num_symtab Elf64_Sym at symtab, their names at
	 * strtab; 0 when it has none or they cannot be read. */
	uint64_t symtab, strtab;
	uint32_t num_symtab;
	uint64_t percpu;	/* its per-CPU area, 0 if none */
	uint64_t sect_attrs;	/* struct module_sect_attrs *, 0 if none */
	uint64_t taints;	/* its taint mask (taint.h gives the letters) */
};

/*
 * Every module on the `modules` list, sorted by base address: *ret points
 * into the session's copy, valid until the next call that finds a new
 * memocache generation; *n may be 0.  A broken list ends with what was
 * read so far and *truncated (may be NULL) set to 1.  Fails when the
 * kernel has no `modules` symbol or struct module lacks the members.
 */
KD_PUBLIC struct kd_error *kd_kmodules_get(struct kd_session *s,
					   const struct kd_kmodule **ret,
					   size_t *n, int *truncated)
	KD_WARN_UNUSED;
/* The same as a malloc'd copy (free()). */
KD_PUBLIC struct kd_error *kd_kmodules_list(struct kd_session *s,
					    struct kd_kmodule **ret, size_t *n,
					    int *truncated) KD_WARN_UNUSED;
/* 1 when addr lies in one of the module's core regions. */
KD_PUBLIC int kd_kmodule_contains(const struct kd_kmodule *m, uint64_t addr);

#endif /* PYKDUMP_KMODULES_H */
