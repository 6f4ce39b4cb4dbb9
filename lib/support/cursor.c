// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cursor's error (see include/pykdump/cursor.h): the reads are
 * inline, the message is built here, once a parser asks for it.
 */
#include <pykdump/cursor.h>

struct kd_error *kd_cursor_error(struct kd_cursor *c)
{
	if (!c->bad)
		return NULL;
	c->bad = false;
	return kd_error_create(KD_ERR_TRUNCATED,
		"%s: %s: %llu bytes at offset 0x%llx run past the end "
		"of the data (which ends at 0x%llx)",
		c->file ? c->file : "(no file)", c->what ? c->what : "data",
		(unsigned long long)c->bad_len,
		(unsigned long long)(c->base + c->bad_off),
		(unsigned long long)(c->base + kd_cursor_len(c)));
}
