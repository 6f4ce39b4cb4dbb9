// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the DWARF index cache reader (index_file.c).  The
 * input is a candidate index image; it is opened with and without the
 * body checksum (so mutations get past it), and every entry and a few
 * fixed names are looked up.  Seeds: fuzz/corpus/index_file/ (an index of
 * the unit-test fixture).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/dwarf_index.h"

static void exercise(const struct kd_dwarf_index *idx)
{
	static const char *const names[] = { "outer", "inner", "int", "", "x" };
	uint64_t n = kd_dwarf_index_count(idx);
	for (uint64_t i = 0; i < n && i < 4096; i++) {
		struct kd_index_hit hit, other;
		struct kd_index_iter it;
		if (!kd_dwarf_index_entry(idx, i, &hit))
			continue;
		kd_dwarf_index_find(idx, hit.name, ~0u, &it);
		while (kd_dwarf_index_next(&it, &other))
			;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct kd_index_hit hit;
		struct kd_index_iter it;
		kd_dwarf_index_find(idx, names[i], KD_DIX_TYPES, &it);
		while (kd_dwarf_index_next(&it, &hit))
			;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *copy = malloc(size ? size : 1);	/* the reader needs alignment */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (unsigned flags = 0; flags <= KD_INDEX_NO_CHECKSUM; flags++) {
		struct kd_dwarf_index *idx;
		struct kd_error *err = kd_dwarf_index_open_image(copy, size, NULL,
								 flags, &idx);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		exercise(idx);
		kd_dwarf_index_destroy(idx);
	}
	free(copy);
	return 0;
}
