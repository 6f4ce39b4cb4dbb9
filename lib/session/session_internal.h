/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session's parts, for the layers inside libpykdump. */
#ifndef PYKDUMP_SESSION_INTERNAL_H
#define PYKDUMP_SESSION_INTERNAL_H

#include <pykdump/session.h>

struct kd_session_slot_entry {
	void *data;
	void (*destroy)(void *data);
};

struct kd_session {
	struct kd_session_options opts;	/* pointers owned by the caller */
	char *dump_path;
	char *vmlinux_path;
	struct kd_dump *dump;
	struct kd_memocache *mc;
	struct kd_log *log;
	struct kd_debuginfo *di;
	struct kd_symtab *symtab;	/* owned by di */
	struct kd_types *types;		/* owned by di; NULL until first use */
	struct kd_arch *arch;
	/* What the translation was built from (machine facts use these). */
	uint64_t kaslr_offset;
	uint64_t phys_base;
	uint64_t page_offset_base;
	int l5;
	struct kd_machine_state *machine;	/* machine.c, on first use */
	struct kd_session_slot_entry slots[KD_SLOT_NR];
};

/* session_vmlinux.c: find (when not given) and open the vmlinux that
 * matches the dump; sets s->di and s->vmlinux_path. */
struct kd_error *kd_session_find_vmlinux(struct kd_session *s,
					 const char *given);
/* Checks the vmlinux against the kernel in memory (linux_banner), once
 * translation works. */
struct kd_error *kd_session_check_banner(struct kd_session *s);

/* session.c: a problem found while opening that does not stop the open
 * (a truncated dump, a forced vmlinux, a KASLR offset corrected): into
 * the problem log and to the caller's warn hook (the CLI's stderr). */
void kd_session_warn(struct kd_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* session_arch.c: KASLR, phys_base, page tables -> s->arch. */
struct kd_error *kd_session_setup_arch(struct kd_session *s);

#endif
