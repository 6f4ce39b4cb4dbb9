/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dump layer: physical memory and notes of a crashed machine, from
 * any common vmcore format (ELF, kdump-compressed, makedumpfile
 * flattened, split sets).  Formats are detected by content.  Files are
 * mapped read-only and never written.
 *
 * Reads are page-granular in what they report: a read that touches a
 * page the dump does not hold fails with a code that says why
 * (NOT_PRESENT, EXCLUDED, LOST, CORRUPT), err->addr set to the physical
 * address of that page.
 *
 * Threads: every function may be called from several threads on one
 * handle (the page cache of compressed dumps takes a lock); the handle
 * itself is not reference-counted: close it once, when nobody reads.
 */
#ifndef PYKDUMP_DUMP_H
#define PYKDUMP_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_dump;
struct kd_vmcoreinfo;

enum kd_page_state {
	KD_PAGE_DUMPED,		/* readable */
	KD_PAGE_NOT_PRESENT,	/* not RAM in the machine / outside all ranges */
	KD_PAGE_EXCLUDED,	/* RAM, but filtered out (reads as zeros on request) */
	KD_PAGE_LOST,		/* should be there, but the dump is incomplete */
	KD_PAGE_CORRUPT,	/* the dump's data for it is damaged */
};

/* Flags for kd_dump_read_phys(). */
#define KD_READ_ZERO_EXCLUDED 0x1	/* excluded pages read as zeros */

/* Open a dump made of one file, or of several files of a split set
 * (any order).  Formats are recognised by content, never by name. */
KD_PUBLIC struct kd_error *kd_dump_open(const char *const *paths, size_t npaths,
					struct kd_dump **ret) KD_WARN_UNUSED;
/* Open a dump held in memory (one file; buf must outlive the handle).
 * For fuzzers and tests; name is used in messages. */
KD_PUBLIC struct kd_error *kd_dump_open_memory(const char *name,
					       const void *buf, size_t len,
					       struct kd_dump **ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_dump_close(struct kd_dump *d);

/* Flags OR'ed into every kd_dump_read_phys() (the session's
 * --zero-excluded).  Set before sharing the handle between threads. */
KD_PUBLIC void kd_dump_set_default_flags(struct kd_dump *d, unsigned flags);

/*
 * Read len bytes of physical memory at paddr.  Any length, any alignment.
 * On failure nothing useful is in buf past the failing page; the error's
 * code is NOT_PRESENT, EXCLUDED, LOST (kd_error_is_fault()) or CORRUPT,
 * with err->addr the physical address of the first page that failed.
 */
KD_PUBLIC struct kd_error *kd_dump_read_phys(struct kd_dump *d, uint64_t paddr,
					     void *buf, size_t len,
					     unsigned flags) KD_WARN_UNUSED;
/* What the dump says about a page, without decompressing it. */
KD_PUBLIC enum kd_page_state kd_dump_page_state(struct kd_dump *d,
						uint64_t pfn);
KD_PUBLIC const char *kd_page_state_name(enum kd_page_state state);

/* ---- facts ---- */

/* "ELF", "kdump", "diskdump", with " (flattened)" / " (split, N files)". */
KD_PUBLIC const char *kd_dump_format_name(const struct kd_dump *d);
/* "zlib", "lzo", "snappy", "zstd", "none" (raw pages or ELF).  For a kdump
 * file: what its header announces; pages may still be stored raw. */
KD_PUBLIC const char *kd_dump_compression(const struct kd_dump *d);
KD_PUBLIC uint32_t kd_dump_page_size(const struct kd_dump *d);
/* Highest pfn + 1 covered by the dump. */
KD_PUBLIC uint64_t kd_dump_max_pfn(const struct kd_dump *d);
/* ELF e_machine of the dumped machine (EM_X86_64 ...), 0 if unknown. */
KD_PUBLIC int kd_dump_machine(const struct kd_dump *d);
/* "x86_64", "aarch64", ... (from e_machine or the kdump utsname). */
KD_PUBLIC const char *kd_dump_arch_name(const struct kd_dump *d);
KD_PUBLIC int kd_dump_big_endian(const struct kd_dump *d);
/* Pointer size of the dumped machine: 4 or 8. */
KD_PUBLIC int kd_dump_ptr_size(const struct kd_dump *d);
/* The paths of the dump's files, as given. */
KD_PUBLIC size_t kd_dump_nr_files(const struct kd_dump *d);
KD_PUBLIC const char *kd_dump_file_path(const struct kd_dump *d, size_t i);

/* ---- notes ---- */

/* VMCOREINFO text (KEY=value lines), or NULL when the dump has none. */
KD_PUBLIC const char *kd_dump_vmcoreinfo(const struct kd_dump *d, size_t *len);
/* The same, parsed (see vmcoreinfo.h); NULL when the dump has none. */
KD_PUBLIC const struct kd_vmcoreinfo *
kd_dump_vmcoreinfo_table(const struct kd_dump *d);
/* Kernel release: VMCOREINFO OSRELEASE, else the kdump utsname; or NULL. */
KD_PUBLIC const char *kd_dump_release(const struct kd_dump *d);

/* The kdump header's copy of the crashed kernel's utsname. */
struct kd_utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
	char domainname[65];
};
/* NULL when the dump has none (ELF dumps). */
KD_PUBLIC const struct kd_utsname *kd_dump_utsname(const struct kd_dump *d);

/* x86_64 register indices in kd_cpu_state.regs: the order of
 * elf_prstatus.pr_reg (struct user_regs_struct). */
enum kd_x86_64_reg {
	KD_R15, KD_R14, KD_R13, KD_R12, KD_RBP, KD_RBX, KD_R11, KD_R10,
	KD_R9, KD_R8, KD_RAX, KD_RCX, KD_RDX, KD_RSI, KD_RDI, KD_ORIG_RAX,
	KD_RIP, KD_CS, KD_EFLAGS, KD_RSP, KD_SS, KD_FS_BASE, KD_GS_BASE,
	KD_DS, KD_ES, KD_FS, KD_GS, KD_NR_X86_64_REGS
};

#define KD_MAX_CPU_REGS 64

/*
 * One CPU at the time of the crash, from its NT_PRSTATUS note: pr_reg in
 * the architecture's order (x86_64: enum kd_x86_64_reg; other
 * architectures: their elf_gregset_t order, nr_regs words).  QEMU's
 * "QEMU" notes (x86) add control registers.
 */
struct kd_cpu_state {
	uint32_t pid;			/* pr_pid: the task running on it */
	unsigned nr_regs;		/* valid entries in regs */
	uint64_t regs[KD_MAX_CPU_REGS];
	int has_cr3;			/* from a QEMU note */
	uint64_t cr3;
	uint64_t cr[5];			/* cr0..cr4, valid when has_cr3 */
};

/* Number of CPUs with a NT_PRSTATUS note; states in note order. */
KD_PUBLIC unsigned kd_dump_nr_cpu_states(const struct kd_dump *d);
KD_PUBLIC const struct kd_cpu_state *kd_dump_cpu_state(const struct kd_dump *d,
							unsigned i);
/* CPUs of the machine: the kdump header's nr_cpus, else the number of
 * NT_PRSTATUS notes. */
KD_PUBLIC unsigned kd_dump_nr_cpus(const struct kd_dump *d);
/*
 * The CPU that crashed as the dump itself says, or -1 when it does not.
 * Only the old diskdump header records it reliably; makedumpfile and
 * QEMU leave kdump's current_cpu at 0, so for them this is -1 and the
 * upper layers decide from the registers (which CPU was in the crash
 * path).
 */
KD_PUBLIC int kd_dump_panic_cpu(const struct kd_dump *d);
/* The kdump header's current_cpu field as written, -1 if none. */
KD_PUBLIC int kd_dump_header_current_cpu(const struct kd_dump *d);
/* Crash time (seconds since the epoch): VMCOREINFO CRASHTIME, else the
 * kdump header's timestamp; 0 if unknown. */
KD_PUBLIC int64_t kd_dump_crash_time(const struct kd_dump *d);
/* makedumpfile dump level (-d), -1 if not a filtered dump. */
KD_PUBLIC int kd_dump_level(const struct kd_dump *d);
/* phys_base as the kdump sub-header records it: 1 and *ret set, or 0
 * when the dump has no such field (ELF: use VMCOREINFO NUMBER(phys_base)). */
KD_PUBLIC int kd_dump_phys_base(const struct kd_dump *d, uint64_t *ret);

/* ---- inspection ---- */

/* Problems found while opening that do not stop the dump from being read
 * (a damaged note, a flattened stream without its end marker, ...): the
 * i-th message, or NULL past the last. */
KD_PUBLIC const char *kd_dump_warning(const struct kd_dump *d, size_t i);

struct kd_page_counts {
	uint64_t present;	/* pages of RAM in the machine */
	uint64_t dumped;	/* readable */
	uint64_t excluded;	/* filtered out */
	uint64_t lost;		/* incomplete dump */
	uint64_t corrupt;	/* bad descriptor */
};

/* Count pages by state (scans bitmaps, descriptors or segments;
 * cancellable). */
KD_PUBLIC struct kd_error *kd_dump_count_pages(struct kd_dump *d,
					       struct kd_page_counts *ret)
	KD_WARN_UNUSED;

/* Write per-format details ("header_version: 6", "block_size: 4096"
 * ...) as "key: value" lines; with pages, also the page counts. */
KD_PUBLIC struct kd_error *kd_dump_describe(struct kd_dump *d, FILE *out,
					    int pages) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_DUMP_H */
