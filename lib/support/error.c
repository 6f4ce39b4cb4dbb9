// SPDX-License-Identifier: GPL-2.0-or-later
/* Error values: see include/pykdump/error.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/error.h>

struct kd_error kd_error_nomem = {
	.code = KD_ERR_NOMEM,
	.message = (char *)"out of memory",
};

struct kd_error *kd_error_vcreate(enum kd_error_code code, const char *fmt,
				  va_list ap)
{
	struct kd_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &kd_error_nomem;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &kd_error_nomem;
	}
	err->code = code;
	return err;
}

struct kd_error *kd_error_create(enum kd_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kd_error *err = kd_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

struct kd_error *kd_error_os(int errnum, const char *path, const char *fmt,
			     ...)
{
	char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (r < 0)
		return &kd_error_nomem;
	struct kd_error *err;
	if (path)
		err = kd_error_create(KD_ERR_OS, "%s: %s: %s", path, what,
				      strerror(errnum));
	else
		err = kd_error_create(KD_ERR_OS, "%s: %s", what,
				      strerror(errnum));
	free(what);
	if (err != &kd_error_nomem)
		err->errnum = errnum;
	return err;
}

struct kd_error *kd_error_fault(enum kd_error_code code, uint64_t addr,
				const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kd_error *err = kd_error_vcreate(code, fmt, ap);
	va_end(ap);
	if (err != &kd_error_nomem)
		err->addr = addr;
	return err;
}

struct kd_error *kd_error_prefix(struct kd_error *err, const char *fmt, ...)
{
	if (!err || err == &kd_error_nomem)
		return err;
	char *ctx = NULL, *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&ctx, fmt, ap);
	va_end(ap);
	if (r < 0)
		return err;	/* keep the original message rather than fail */
	if (asprintf(&msg, "%s: %s", ctx, err->message) >= 0) {
		free(err->message);
		err->message = msg;
	}
	free(ctx);
	return err;
}

void kd_error_destroy(struct kd_error *err)
{
	if (!err || err == &kd_error_nomem)
		return;
	free(err->message);
	free(err);
}

const char *kd_error_code_name(enum kd_error_code code)
{
	static const char *const names[] = {
		[KD_ERR_NOMEM] = "out of memory",
		[KD_ERR_OS] = "system error",
		[KD_ERR_CORRUPT] = "corrupt data",
		[KD_ERR_TRUNCATED] = "truncated file",
		[KD_ERR_FORMAT] = "unknown format",
		[KD_ERR_UNSUPPORTED] = "unsupported",
		[KD_ERR_FAULT] = "memory not readable",
		[KD_ERR_NOT_PRESENT] = "page not present",
		[KD_ERR_EXCLUDED] = "page excluded from dump",
		[KD_ERR_LOST] = "page lost (incomplete dump)",
		[KD_ERR_NOT_FOUND] = "not found",
		[KD_ERR_INVALID] = "invalid argument",
		[KD_ERR_MISMATCH] = "mismatch",
		[KD_ERR_TIMEOUT] = "timeout",
		[KD_ERR_INTERRUPTED] = "interrupted",
		[KD_ERR_LIMIT] = "limit reached",
		[KD_ERR_CYCLE] = "cycle detected",
		[KD_ERR_OTHER] = "error",
	};
	if ((unsigned)code < KD_ARRAY_SIZE(names) && names[code])
		return names[code];
	return "error";
}
