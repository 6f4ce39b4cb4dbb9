// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the DWARF index scanner (dwarf_scan.c) on hostile
 * section contents.  Input layout (little-endian):
 *
 *   u32 info_size, u32 abbrev_size, u32 str_size, then .debug_info,
 *   .debug_abbrev, .debug_str, and the rest is .debug_line
 *
 * Seeds: fuzz/corpus/dwarf_scan/ (the unit-test fixture's sections).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/dwarf_scan.h"

static int count(void *arg, const struct kd_scan_entry *e)
{
	*(size_t *)arg += e->name_len;
	return 0;
}

static const uint8_t *take(const uint8_t **p, size_t *left, uint32_t want,
			   size_t *size)
{
	const uint8_t *start = *p;
	*size = want < *left ? want : *left;
	*p += *size;
	*left -= *size;
	return *size ? start : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len[3];
	if (size < sizeof(len))
		return 0;
	memcpy(len, data, sizeof(len));
	const uint8_t *p = data + sizeof(len);
	size_t left = size - sizeof(len);
	struct kd_dwarf_sections s = { .path = "fuzz" };
	s.info = take(&p, &left, len[0], &s.info_size);
	s.abbrev = take(&p, &left, len[1], &s.abbrev_size);
	s.str = take(&p, &left, len[2], &s.str_size);
	s.line = take(&p, &left, (uint32_t)left, &s.line_size);
	struct kd_scan_unit *units;
	size_t nunits, total = 0;
	struct kd_error *err = kd_dwarf_list_units(&s, &units, &nunits);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	struct kd_scan_state *st;
	if (kd_scan_state_create(0, &st) == NULL) {
		for (size_t i = 0; i < nunits; i++)
			kd_error_destroy(kd_dwarf_scan_unit(st, &s, &units[i],
							    count, &total));
		kd_scan_state_destroy(st);
	}
	free(units);
	return 0;
}
