/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session ties one opened dump to its debuginfo.  kd_session_open()
 * sets things up in this order (each step uses only the ones before):
 *   1. classify the files given (dump files vs vmlinux) by content;
 *   2. open the dump (lib/dump): format, notes, VMCOREINFO;
 *   3. find the vmlinux when none was given (release and build-id in the
 *      usual debug directories), check that it matches the dump;
 *   4. symbols, relocated by the KASLR offset (VMCOREINFO KERNELOFFSET,
 *      or found from CR3 + linux_banner when the dump has no VMCOREINFO);
 *   5. address translation (lib/arch) from VMCOREINFO, symbols and memory;
 *   6. the DWARF index and types, loaded lazily on first use.
 * The session also owns the memocache every cache registers with and the
 * problem log.
 */
#ifndef PYKDUMP_SESSION_H
#define PYKDUMP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_dump;
struct kd_session;
struct kd_debuginfo;
struct kd_symtab;
struct kd_types;
struct kd_arch;
struct kd_memocache;
struct kd_log;

typedef void kd_session_progress_fn(void *arg, const char *what,
				    uint64_t done, uint64_t total);

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
	const char *cache_dir;		/* index cache (NULL: default) */
	int no_index_cache;		/* build the DWARF index in memory only */
	kd_session_progress_fn *progress;	/* index build progress, or NULL */
	void *progress_arg;
	/* Problems found in the background (DWARF units left out of the
	 * index), as they are found; also kept in the problem log. */
	void (*warn)(void *arg, const char *message);
	void *warn_arg;
};

KD_PUBLIC struct kd_error *kd_session_open(const struct kd_session_options *opts,
					   struct kd_session **ret) KD_WARN_UNUSED;
KD_PUBLIC void kd_session_close(struct kd_session *s);

KD_PUBLIC struct kd_dump *kd_session_dump(struct kd_session *s);
/* The dump file name(s) as the user gave them, joined by spaces. */
KD_PUBLIC const char *kd_session_dump_path(const struct kd_session *s);
KD_PUBLIC const char *kd_session_vmlinux_path(const struct kd_session *s);
/* The options it was opened with (their pointers are the caller's). */
KD_PUBLIC const struct kd_session_options *
kd_session_options(const struct kd_session *s);

/* The layers.  NULL when the session was opened with no_vmlinux. */
KD_PUBLIC struct kd_debuginfo *kd_session_debuginfo(struct kd_session *s);
KD_PUBLIC struct kd_symtab *kd_session_symtab(struct kd_session *s);
KD_PUBLIC struct kd_arch *kd_session_arch(struct kd_session *s);
/* Types load the DWARF index on first call (may take a second the first
 * time a vmlinux is seen; cached on disk afterwards). */
KD_PUBLIC struct kd_error *kd_session_types(struct kd_session *s,
					    struct kd_types **ret) KD_WARN_UNUSED;
/* Never NULL. */
KD_PUBLIC struct kd_memocache *kd_session_memocache(struct kd_session *s);
KD_PUBLIC struct kd_log *kd_session_log(struct kd_session *s);

/* Opaque per-session slots for upper layers (readers, kernel objects,
 * modules, the unwinder) so they can hang their state off the session
 * without the session knowing them.  destroy is called at close, in
 * reverse order.  A layer that needs one adds it here. */
enum kd_session_slot {
	KD_SLOT_READERS,
	KD_SLOT_KERNEL,	/* lib/kernel: per-CPU offsets, the module list */
	KD_SLOT_MODULES,
	KD_SLOT_UNWIND,
	KD_SLOT_VALUE_HISTORY,	/* commands: p's $1, $2 ... */
	KD_SLOT_SRCLINE,	/* lib/unwind: the last unit's line table */
	KD_SLOT_NR
};
KD_PUBLIC void *kd_session_slot(struct kd_session *s, enum kd_session_slot slot);
KD_PUBLIC void kd_session_set_slot(struct kd_session *s,
				   enum kd_session_slot slot, void *data,
				   void (*destroy)(void *data));

#endif /* PYKDUMP_SESSION_H */
