/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dump handle shared by the format adapters (elf.c, diskdump.c) and
 * the common layer (dumpfile.c).
 *
 * Opening: dumpfile.c maps each file (vfile.c), unwraps a flattened stream
 * (flattened.c), recognises the format by content and calls the adapter's
 * open, which fills the facts below and sets ops.  Then dumpfile.c derives
 * what the adapter left open (page size, release, crash time) from the
 * notes and VMCOREINFO.
 *
 * Reading: kd_dump_read_phys() splits a range into page pieces and asks
 * ops->read for each; the adapter reports a page it cannot give with a
 * state (never a half-filled buffer it calls success).
 */
#ifndef PYKDUMP_DUMP_INTERNAL_H
#define PYKDUMP_DUMP_INTERNAL_H

#include <stdio.h>

#include <pykdump/dump.h>
#include <pykdump/vmcoreinfo.h>

#include "vfile.h"

struct kd_dump_ops {
	/*
	 * Copy [off, off + len) of page pfn (off + len <= page size) into
	 * buf.  On failure return the page's state (never DUMPED) and, for
	 * CORRUPT/LOST, a message in *why (kd_page_why(); may stay NULL).
	 */
	enum kd_page_state (*read)(struct kd_dump *d, uint64_t pfn,
				   size_t off, size_t len, void *buf,
				   char **why);
	enum kd_page_state (*page_state)(struct kd_dump *d, uint64_t pfn);
	struct kd_error *(*count_pages)(struct kd_dump *d,
					struct kd_page_counts *ret);
	void (*describe)(struct kd_dump *d, FILE *out);
	void (*destroy)(struct kd_dump *d);
};

struct kd_dump {
	const struct kd_dump_ops *ops;
	void *priv;			/* the adapter's state */

	struct kd_vfile **files;	/* as given (flattened ones unwrapped) */
	size_t nfiles;
	unsigned default_flags;

	/* Facts, filled by the adapter (or defaulted by dumpfile.c). */
	char format_name[64];
	const char *compression;
	uint32_t page_size;
	unsigned page_shift;
	uint64_t max_pfn;		/* 0: derived from phys_end */
	uint64_t phys_end;		/* highest physical address + 1 */
	int machine;			/* EM_* or 0 */
	char arch_name[72];
	int big_endian;
	int ptr_size;

	/* Notes. */
	char *vmcoreinfo;		/* NUL-terminated copy, or NULL */
	size_t vmcoreinfo_len;
	struct kd_vmcoreinfo *vi;
	struct kd_cpu_state *cpus;
	unsigned ncpus;
	size_t cpus_cap;
	uint64_t (*qemu_cr)[5];		/* cr0..cr4 per QEMU note, note order */
	unsigned nqemu;
	size_t qemu_cap;
	unsigned nr_cpus;		/* header's count, 0 if none */
	int panic_cpu;
	int header_current_cpu;
	int64_t crash_time;
	int dump_level;
	struct kd_utsname uts;
	int has_uts;
	uint64_t phys_base;
	int has_phys_base;

	/* Problems that do not stop the dump from being read. */
	char **warnings;
	size_t nwarnings, warnings_cap;
};

/* Adapters. */
int kd_elf_probe(struct kd_vfile *vf);
struct kd_error *kd_elf_open(struct kd_dump *d) KD_WARN_UNUSED;
int kd_diskdump_probe(struct kd_vfile *vf);
struct kd_error *kd_diskdump_open(struct kd_dump *d) KD_WARN_UNUSED;

/* Notes (notes.c): parse a buffer of ELF notes (PT_NOTE contents or the
 * kdump sub-header's note area) into d's CPU states and VMCOREINFO. */
struct kd_error *kd_notes_parse(struct kd_dump *d, const void *buf,
				size_t len, uint64_t file_off,
				const char *file) KD_WARN_UNUSED;
/* Keep a copy of VMCOREINFO text (first one wins). */
struct kd_error *kd_dump_set_vmcoreinfo(struct kd_dump *d, const char *text,
					size_t len) KD_WARN_UNUSED;

/* e_machine from a utsname machine string ("x86_64" ...), or 0. */
int kd_machine_from_uname(const char *machine);
/* Name of an e_machine, or NULL. */
const char *kd_machine_name(int machine);

/* Record a problem that does not stop the dump from being read. */
void kd_dump_warn(struct kd_dump *d, const char *fmt, ...) KD_PRINTF(2, 3);

/* Set *why to a per-page message for ops->read (stays NULL when out of
 * memory); nothing when why is NULL (callers that only classify). */
void kd_page_why(char **why, const char *fmt, ...) KD_PRINTF(2, 3);

/* For ops->read: what of pfn, read at [off, off + len) of vf, is gone
 * (kd_vfile_lost() said so): sets *why and returns KD_PAGE_LOST. */
enum kd_page_state kd_page_gone(struct kd_vfile *vf, uint64_t off,
				uint64_t len, const char *what, uint64_t pfn,
				char **why);

#endif /* PYKDUMP_DUMP_INTERNAL_H */
