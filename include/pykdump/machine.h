/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine facts (the seed's vmcorearch): what PyKdump's sys_info and
 * crash's `sys` report about the dumped machine.  Derived from the dump
 * (VMCOREINFO, notes, headers), the vmlinux (symbols, DWARF) and memory
 * (cpumasks, utsname), computed once per session.
 */
#ifndef PYKDUMP_MACHINE_H
#define PYKDUMP_MACHINE_H

#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_machine {
	const char *arch;		/* "x86_64" */
	int ptr_size, int_size, long_size;
	uint64_t page_size;
	int page_shift;
	int hz;				/* CONFIG_HZ, 0 if unknown */
	unsigned cpus_possible, cpus_present, cpus_online;
	unsigned nr_cpu_ids;		/* highest possible CPU + 1 */
	/* init_uts_ns.name as read from memory (falls back to the dump's
	 * headers and VMCOREINFO OSRELEASE). */
	const char *sysname, *nodename, *release, *version, *machine,
		   *domainname;
	const char *banner;		/* linux_banner in memory */
	int live;			/* 0: a dump */
	const char *dump_path, *vmlinux_path;
	uint64_t kaslr_offset;		/* KERNELOFFSET */
	uint64_t phys_base;
	uint64_t page_offset_base, vmalloc_base, vmemmap_base;
	int pgtable_l5;
	int panic_cpu;			/* -1 if unknown */
};

/* Computed on first call; the session owns the result. */
KD_PUBLIC struct kd_error *kd_session_machine(struct kd_session *s,
					      const struct kd_machine **ret) KD_WARN_UNUSED;
/* The panic CPU alone (as kd_machine.panic_cpu), without working out
 * the other facts: -1 if unknown. */
KD_PUBLIC int kd_machine_panic_cpu(struct kd_session *s);
/* The same for nr_cpu_ids (kd_machine.nr_cpu_ids). */
KD_PUBLIC unsigned kd_machine_nr_cpu_ids(struct kd_session *s);

#endif /* PYKDUMP_MACHINE_H */
