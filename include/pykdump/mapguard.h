/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mapped files that may shrink while we read them.
 *
 * A file mapped into memory that is truncated while mapped (a dump still
 * being copied or written by makedumpfile, `cp` over a vmlinux in use, a
 * network file system going away) raises SIGBUS at the next access to a
 * page past its new end, and the process dies with everything typed in
 * the session.  Reading through the mapping is what makes the dump layer
 * fast, and libdw reads the vmlinux's mapped sections itself, outside any
 * copy-out of ours, so a check before each access cannot be complete: the
 * file may shrink between the check and the access.
 *
 * A guarded mapping is rescued instead.  One SIGBUS handler for the
 * process finds the guarded mapping holding the faulting address, maps
 * anonymous zero pages over it from the faulting page to its end, and
 * lowers the mapping's `lost` offset to that page's.  The faulting access
 * then completes and reads zeros, wherever it was made (our copy-out, a
 * decompressor, libdw); no longjmp leaves third-party code half way.
 *
 * The page holding the new end of the file does not fault: past the end
 * it reads zeros.  So `lost` is also lowered to the file's size, read
 * with fstat on the guard's own descriptor: once after each fault (the
 * file shrank: where exactly?), and for every guard when the shell asks
 * kd_mapguard_check_all() before and after each command.  A read of the
 * last page while the file shrinks during a command is caught by the
 * second check (the command is then told its output may be incomplete).
 *
 * The zeros must not be trusted: after reading [off, off + len) through
 * the mapping, its owner asks kd_mapguard_lost_in() (one atomic load
 * while the file is whole) and turns a loss into an error naming the file
 * and offset (kd_mapguard_error()).  What lies below `lost` stays
 * readable.  Pointers kept into the mapping (strings, tables) read zeros
 * after a loss too: their owners check before use, or treat any loss as
 * the end of the file's use.
 *
 * A SIGBUS outside every guarded mapping (or sent by kill) is passed to
 * the handler that was there before (the default action, ASan): ours
 * steps aside and the signal is delivered again.
 *
 * Owners: kd_mapguard_add() after mmap, kd_mapguard_remove() before
 * munmap.  Removing a mapping another thread is reading is a bug anyway.
 */
#ifndef PYKDUMP_MAPGUARD_H
#define PYKDUMP_MAPGUARD_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KD_MAPGUARD_INTACT UINT64_MAX

/* A guarded mapping.  Its fields are shared with the signal handler:
 * read them only through the functions below. */
struct kd_mapguard {
	uintptr_t base;		/* 0 = a free slot */
	size_t len;		/* rounded up to whole pages */
	uint64_t size;		/* of the file when mapped (len given) */
	uint64_t lost;		/* lowest offset read as zeros, or INTACT */
	int prot;		/* of the replacement pages */
	int fd;			/* ours (a dup), for fstat; -1: none */
	uint64_t stat_lost;	/* lost when fstat last looked */
	uint64_t lost_gen;	/* kd_mapguard_generation() of the last loss */
	char *name;		/* the file, for messages */
};

/*
 * Guard [base, base + len), a mapping of the file name (open as fd, which
 * the guard duplicates; -1 if none) with protection prot (PROT_READ, or
 * PROT_READ | PROT_WRITE for a private mapping that is written).  *ret
 * is NULL (unguarded: a truncation then kills the process, as without a
 * guard) when every slot is in use; only running out of memory or
 * failing to install the handler is an error.
 */
KD_PUBLIC struct kd_error *kd_mapguard_add(const void *base, size_t len,
					   int prot, const char *name, int fd,
					   struct kd_mapguard **ret)
	KD_WARN_UNUSED;
/* Before munmap; NULL is harmless. */
KD_PUBLIC void kd_mapguard_remove(struct kd_mapguard *g);

/* Out of line: lost, lowered to the file's size when it shrank since
 * fstat last looked. */
KD_PUBLIC uint64_t kd_mapguard_settle(struct kd_mapguard *g);

/* The lowest offset of g's mapping that reads as zeros because its file
 * shrank, or KD_MAPGUARD_INTACT (also for NULL). */
static inline uint64_t kd_mapguard_lost(struct kd_mapguard *g)
{
	if (!g || __atomic_load_n(&g->lost, __ATOMIC_ACQUIRE) ==
		  KD_MAPGUARD_INTACT)
		return KD_MAPGUARD_INTACT;
	return kd_mapguard_settle(g);
}

/* 1 when some of [off, off + len) read as zeros (the file shrank). */
static inline int kd_mapguard_lost_in(struct kd_mapguard *g, uint64_t off,
				      uint64_t len)
{
	uint64_t lost = kd_mapguard_lost(g);
	uint64_t end = off + len < off ? UINT64_MAX : off + len;
	return lost != KD_MAPGUARD_INTACT && (lost < end || lost <= off);
}

/* "NAME: what (len bytes at offset off) is gone: the file shrank while
 * open (it now ends at or before offset LOST)", code KD_ERR_TRUNCATED. */
KD_PUBLIC struct kd_error *kd_mapguard_error(struct kd_mapguard *g,
					     uint64_t off, uint64_t len,
					     const char *what);

/* Looks at the size of g's file now (one fstat): for a reader that
 * found bad data and asks whether the file shrank under it. */
KD_PUBLIC void kd_mapguard_check(struct kd_mapguard *g);

/* Counts the losses found so far (faults and shrinks seen by fstat), all
 * mappings together. */
KD_PUBLIC uint64_t kd_mapguard_generation(void);
/* Looks at the size of every guarded file (one fstat each) and returns
 * the generation after that. */
KD_PUBLIC uint64_t kd_mapguard_check_all(void);
/* A file found shrunk after generation gen: the error naming it and where
 * it now ends (what: "while the command ran" ...), else NULL. */
KD_PUBLIC struct kd_error *kd_mapguard_shrunk_since(uint64_t gen,
						    const char *what)
	KD_WARN_UNUSED;

/* Faults rescued since the process started (all mappings). */
KD_PUBLIC unsigned long kd_mapguard_rescues(void);

/* Puts our handler back on top when something installed its own SIGBUS
 * handler over it since (Python's faulthandler, enabled at interpreter
 * start by PYTHONFAULTHANDLER; a test framework).  kd_mapguard_add() does
 * it too.  Cheap: one sigaction query. */
KD_PUBLIC void kd_mapguard_rearm(void);

#ifdef __cplusplus
}
#endif

#endif /* PYKDUMP_MAPGUARD_H */
