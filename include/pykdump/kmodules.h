/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's loaded modules (the `modules` list of struct module), as
 * crash's `mod` lists them: the struct address, the name, the base and
 * size of the module's core memory, sorted by base address.
 *
 * Layouts, told apart by member existence in the vmlinux DWARF:
 *   6.4+     struct module_memory mem[MOD_MEM_NUM_TYPES]; base is
 *            mem[MOD_TEXT].base, size the sum of the core (non-init)
 *            regions' sizes;
 *   4.5-6.3  struct module_layout core_layout: .base, .size, .text_size;
 *   older    module_core, core_size, core_text_size.
 */
#ifndef PYKDUMP_KMODULES_H
#define PYKDUMP_KMODULES_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

#define KD_KMODULE_NAME_MAX 64	/* MODULE_NAME_LEN is 64 - sizeof(long) */

struct kd_kmodule {
	uint64_t addr;		/* the struct module */
	char name[KD_KMODULE_NAME_MAX];
	uint64_t base;		/* core text base */
	uint64_t size;		/* core size, as crash's mod SIZE column */
	uint64_t text_size;	/* core text size */
	int kallsyms;		/* the module carries its own symbol table */
	/* The module's core memory regions: one (core_layout) before 6.4,
	 * the core mem[] regions after. */
	struct { uint64_t base, size; } region[8];
	int nregion;
};

/*
 * Every module on the `modules` list, sorted by base address.  *ret is
 * malloc'd (free()); *n may be 0.  A broken list ends the walk with what
 * was read so far and *truncated (may be NULL) set to 1.  Fails when the
 * kernel has no `modules` symbol or struct module lacks the members.
 */
KD_PUBLIC struct kd_error *kd_kmodules_list(struct kd_session *s,
					    struct kd_kmodule **ret, size_t *n,
					    int *truncated) KD_WARN_UNUSED;

/*
 * The module symbol (from the module's own kallsyms table: Elf_Sym
 * symtab/strtab of struct mod_kallsyms, or symtab/strtab in struct
 * module before 4.5) at or nearest below addr, when addr lies in a
 * module's core memory: 1, name (truncated to size), *offset and the
 * module's name (modname may be NULL); 0 otherwise.
 */
KD_PUBLIC int kd_kmodules_symbol(struct kd_session *s, uint64_t addr,
				 char *name, size_t size, uint64_t *offset,
				 char *modname, size_t modsize);

#endif /* PYKDUMP_KMODULES_H */
