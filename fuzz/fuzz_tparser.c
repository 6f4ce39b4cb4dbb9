// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the C text parsers (CDefine, CEnum).
 *
 * Input: one mode byte, then the text.  Mode bit 0 picks the parser
 * (0 = #define block, 1 = enum), bit 1 the long size (0 = 8, 1 = 4).
 * Besides not crashing, hanging or leaking, a parsed table must be
 * consistent: every entry found by its name and by its value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/tparser.h>

static void check_table(const struct kd_cconsts *t)
{
	for (size_t i = 0; i < kd_cconsts_count(t); i++) {
		const struct kd_cconst *c = kd_cconsts_at(t, i);
		if (kd_cconsts_find(t, c->name) != c)
			abort();
		const struct kd_cconst *v =
			kd_cconsts_by_value(t, c->value, c->is_unsigned);
		if (!v || v->value != c->value ||
		    v->is_unsigned != c->is_unsigned)
			abort();
		if (c->is_unsigned && c->value >= 0)
			abort();	/* set only above INT64_MAX */
	}
	for (size_t i = 0; i < kd_cconsts_nskipped(t); i++) {
		const struct kd_cskip *s = kd_cconsts_skipped(t, i);
		if (!s->name || !s->reason || !s->line)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	const char *text = (const char *)data + 1;
	unsigned long_size = (mode & 2) ? 4 : 8;
	struct kd_cconsts *t = NULL;
	struct kd_error *err;
	if (mode & 1)
		err = kd_cenum_parse(text, size - 1, long_size, &t);
	else
		err = kd_cdefine_parse(text, size - 1, long_size, &t);
	if (err) {
		if (!err->message || strncmp(err->message, "C", 1) != 0)
			abort();	/* messages say which parser */
		kd_error_destroy(err);
		return 0;
	}
	if (!t || (kd_cconsts_count(t) == 0 && !(mode & 1)))
		abort();	/* CDefine fails when nothing is numeric */
	check_table(t);
	kd_cconsts_destroy(t);
	return 0;
}
