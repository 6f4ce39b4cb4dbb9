/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors are values.  A fallible function returns `struct kd_error *`
 * (NULL on success) and writes its result through its last parameter.
 * An error carries a code a program can branch on and a message a user
 * can act on ("vmcore.kdump: page descriptor for pfn 0x1234 points past
 * end of file (offset 0x...)").  Building an error never fails: when
 * memory runs out the static kd_error_nomem is returned instead.
 */
#ifndef PYKDUMP_ERROR_H
#define PYKDUMP_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#include <pykdump/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum kd_error_code {
	KD_ERR_NOMEM = 1,	/* allocation failed */
	KD_ERR_OS,		/* a system call failed; errnum and path set */
	KD_ERR_CORRUPT,		/* a file's contents are inconsistent */
	KD_ERR_TRUNCATED,	/* a file ends before a structure it declares */
	KD_ERR_FORMAT,		/* not a format we recognise */
	KD_ERR_UNSUPPORTED,	/* recognised, but a variant we do not handle */
	KD_ERR_FAULT,		/* memory at addr cannot be read */
	KD_ERR_NOT_PRESENT,	/* page not present in the dumped machine */
	KD_ERR_EXCLUDED,	/* page excluded from the dump (filtered) */
	KD_ERR_LOST,		/* page lost: incomplete dump */
	KD_ERR_NOT_FOUND,	/* symbol, type, member, file ... not found */
	KD_ERR_INVALID,		/* bad argument from the caller */
	KD_ERR_MISMATCH,	/* e.g. vmlinux does not match the dump */
	KD_ERR_TIMEOUT,		/* the command's time budget ran out */
	KD_ERR_INTERRUPTED,	/* Ctrl-C */
	KD_ERR_LIMIT,		/* a walk hit its element limit */
	KD_ERR_CYCLE,		/* a list walk found a cycle */
	KD_ERR_OTHER,
};

struct kd_error {
	enum kd_error_code code;
	int errnum;		/* errno for KD_ERR_OS, else 0 */
	uint64_t addr;		/* faulting address for KD_ERR_FAULT & co. */
	char *message;
};

/* Returned when an allocation fails; kd_error_destroy() leaves it alone. */
KD_PUBLIC extern struct kd_error kd_error_nomem;

KD_PUBLIC struct kd_error *kd_error_create(enum kd_error_code code,
					   const char *fmt, ...)
	KD_PRINTF(2, 3);
KD_PUBLIC struct kd_error *kd_error_vcreate(enum kd_error_code code,
					    const char *fmt, va_list ap)
	KD_PRINTF(2, 0);
/* "PATH: <fmt>: strerror(errnum)" */
KD_PUBLIC struct kd_error *kd_error_os(int errnum, const char *path,
				       const char *fmt, ...) KD_PRINTF(3, 4);
/* A memory error at addr (code is FAULT, NOT_PRESENT, EXCLUDED or LOST). */
KD_PUBLIC struct kd_error *kd_error_fault(enum kd_error_code code,
					  uint64_t addr, const char *fmt, ...)
	KD_PRINTF(3, 4);
/* Prepend context: "<fmt>: <old message>"; keeps code/errnum/addr. */
KD_PUBLIC struct kd_error *kd_error_prefix(struct kd_error *err,
					   const char *fmt, ...)
	KD_PRINTF(2, 3);
KD_PUBLIC void kd_error_destroy(struct kd_error *err);
KD_PUBLIC const char *kd_error_code_name(enum kd_error_code code);

/* True for the codes a memory read may give (FAULT and the page states). */
static inline int kd_error_is_fault(const struct kd_error *err)
{
	return err && (err->code == KD_ERR_FAULT ||
		       err->code == KD_ERR_NOT_PRESENT ||
		       err->code == KD_ERR_EXCLUDED ||
		       err->code == KD_ERR_LOST);
}

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_ERROR_H */
