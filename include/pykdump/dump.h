/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dump layer: physical memory and notes of a crashed machine, from
 * any common vmcore format (ELF, kdump-compressed, makedumpfile
 * flattened, split sets).  Formats are detected by content.  Files are
 * mapped read-only and never written.
 *
 * Reads are page-granular in what they report: a read that touches a
 * page the dump does not hold fails with a code that says why
 * (NOT_PRESENT, EXCLUDED, LOST, CORRUPT) and the address of that page.
 */
#ifndef PYKDUMP_DUMP_H
#define PYKDUMP_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pykdump/error.h>

struct kd_dump;

enum kd_page_state {
	KD_PAGE_DUMPED,		/* readable */
	KD_PAGE_NOT_PRESENT,	/* not RAM in the machine / outside all ranges */
	KD_PAGE_EXCLUDED,	/* RAM, but filtered out (reads as zeros on request) */
	KD_PAGE_LOST,		/* should be there, but the dump is incomplete */
	KD_PAGE_CORRUPT,	/* the dump's data for it is damaged */
};

/* Flags for kd_dump_read_phys(). */
#define KD_READ_ZERO_EXCLUDED 0x1	/* excluded pages read as zeros */

/* Open a dump made of one file, or of several files of a split set. */
KD_PUBLIC struct kd_error *kd_dump_open(const char *const *paths, size_t npaths,
					struct kd_dump **ret) KD_WARN_UNUSED;
KD_PUBLIC void kd_dump_close(struct kd_dump *d);

/* Read len bytes of physical memory at paddr.  Any length, any alignment. */
KD_PUBLIC struct kd_error *kd_dump_read_phys(struct kd_dump *d, uint64_t paddr,
					     void *buf, size_t len,
					     unsigned flags) KD_WARN_UNUSED;
KD_PUBLIC enum kd_page_state kd_dump_page_state(struct kd_dump *d,
						uint64_t pfn);

/* ---- facts and notes ---- */

/* A short format name: "ELF", "kdump", "flattened kdump", ... */
KD_PUBLIC const char *kd_dump_format_name(const struct kd_dump *d);
/* "zlib", "lzo", "snappy", "zstd", "none", or a mix "zlib+none". */
KD_PUBLIC const char *kd_dump_compression(const struct kd_dump *d);
KD_PUBLIC uint32_t kd_dump_page_size(const struct kd_dump *d);
/* Highest pfn + 1 covered by the dump. */
KD_PUBLIC uint64_t kd_dump_max_pfn(const struct kd_dump *d);
/* ELF e_machine of the dumped machine (EM_X86_64 ...), 0 if unknown. */
KD_PUBLIC int kd_dump_machine(const struct kd_dump *d);

/* VMCOREINFO text (KEY=value lines), or NULL when the dump has none. */
KD_PUBLIC const char *kd_dump_vmcoreinfo(const struct kd_dump *d, size_t *len);

/* x86_64 registers of one CPU at the time of the crash, from NT_PRSTATUS
 * (elf_prstatus.pr_reg is struct user_regs_struct; same order here). */
enum kd_x86_64_reg {
	KD_R15, KD_R14, KD_R13, KD_R12, KD_RBP, KD_RBX, KD_R11, KD_R10,
	KD_R9, KD_R8, KD_RAX, KD_RCX, KD_RDX, KD_RSI, KD_RDI, KD_ORIG_RAX,
	KD_RIP, KD_CS, KD_EFLAGS, KD_RSP, KD_SS, KD_FS_BASE, KD_GS_BASE,
	KD_DS, KD_ES, KD_FS, KD_GS, KD_NR_X86_64_REGS
};

struct kd_cpu_state {
	uint32_t pid;			/* pr_pid: the task running on it */
	uint64_t regs[KD_NR_X86_64_REGS];
	int has_cr3;			/* QEMU notes also give control regs */
	uint64_t cr3;
};

/* Number of CPUs with a NT_PRSTATUS note; states in note order. */
KD_PUBLIC unsigned kd_dump_nr_cpu_states(const struct kd_dump *d);
KD_PUBLIC const struct kd_cpu_state *kd_dump_cpu_state(const struct kd_dump *d,
							unsigned i);
/* The CPU that crashed, or -1 when the dump does not say. */
KD_PUBLIC int kd_dump_panic_cpu(const struct kd_dump *d);
/* Crash time (seconds since the epoch), 0 if unknown. */
KD_PUBLIC int64_t kd_dump_crash_time(const struct kd_dump *d);
/* makedumpfile dump level (-d), -1 if not a filtered dump. */
KD_PUBLIC int kd_dump_level(const struct kd_dump *d);

/* Write per-format details ("header_version: 6", "block_size: 4096"
 * ...) as "key: value" lines; with pages, also count present / dumped /
 * excluded / lost pages (scans the bitmaps or segments). */
KD_PUBLIC struct kd_error *kd_dump_describe(struct kd_dump *d, FILE *out,
					    int pages);

#endif /* PYKDUMP_DUMP_H */
