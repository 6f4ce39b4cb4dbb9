/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session ties one opened dump to its debuginfo.  kd_session_open()
 * sets things up in this order (each step uses only the ones before):
 *   1. classify the files given (dump files vs vmlinux) by content;
 *   2. open the dump (lib/dump): format, notes, VMCOREINFO;
 *   3. (later layers) address translation, symbols, DWARF index, types.
 */
#ifndef PYKDUMP_SESSION_H
#define PYKDUMP_SESSION_H

#include <stddef.h>

#include <pykdump/error.h>

struct kd_dump;
struct kd_session;

struct kd_session_options {
	/* Files named by the user, in any order: dump file(s) and an
	 * optional vmlinux.  Several dump files make a split set. */
	const char *const *files;
	size_t nfiles;
	const char *vmlinux;		/* explicit vmlinux, or NULL */
	const char *const *debug_dirs;	/* extra dirs to search (--debug-dir) */
	size_t ndebug_dirs;
	int force_vmlinux;		/* accept a vmlinux that does not match */
	int zero_excluded;		/* excluded pages read as zeros */
	int no_vmlinux;			/* dump layer only (dumpinfo) */
};

KD_PUBLIC struct kd_error *kd_session_open(const struct kd_session_options *opts,
					   struct kd_session **ret);
KD_PUBLIC void kd_session_close(struct kd_session *s);

KD_PUBLIC struct kd_dump *kd_session_dump(struct kd_session *s);
/* The dump file name(s) as the user gave them, joined by spaces. */
KD_PUBLIC const char *kd_session_dump_path(const struct kd_session *s);
KD_PUBLIC const char *kd_session_vmlinux_path(const struct kd_session *s);

#endif /* PYKDUMP_SESSION_H */
