// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * index_prefix VMLINUX: checks the answers a DWARF index build gives
 * while it runs (kd_index_build_first) against the complete index.
 *
 * The complete index is built first (no cache).  Then a second build
 * starts, and while it scans, the first entry of every name and kind of
 * the complete index is asked of it, in turn, until the scan ends.  Each
 * answer it gives early must be the complete index's first entry; a name
 * it cannot answer yet is simply not counted.  Finally the second build's
 * image must equal the first's, byte for byte.
 *
 * Prints "early N checked M" and exits 1 on any disagreement.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/debuginfo_internal.h"
#include "debuginfo/dwarf_index.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: index_prefix VMLINUX\n");
		return 2;
	}
	struct kd_debuginfo_options opts = { .no_cache = 1 };
	struct kd_debuginfo *di;
	struct kd_error *err = kd_debuginfo_open(argv[1], &opts, &di);
	if (!err)
		err = kd_debuginfo_load_index(di, NULL);
	if (err) {
		fprintf(stderr, "index_prefix: %s\n", err->message);
		return 1;
	}
	struct kd_dwarf_source *src = di->sources[0];
	struct kd_dwarf_index *full = src->index;
	struct kd_index_source_id id = {
		.build_id = src->build_id, .build_id_len = src->build_id_len,
		.size = src->file_size, .mtime_ns = src->mtime_ns,
	};
	struct kd_index_build *b;
	if ((err = kd_index_build_start(&src->secs, &id, NULL, 0, 1, &b))) {
		fprintf(stderr, "index_prefix: %s\n", err->message);
		return 1;
	}
	uint64_t n = kd_dwarf_index_count(full), early = 0, checked = 0;
	int bad = 0, scanning = 1;
	const char *prev = NULL;
	for (uint64_t i = 0; i < n && scanning; i++) {
		struct kd_index_hit e, want, got;
		if (!kd_dwarf_index_entry(full, i, &e))
			continue;
		if (prev && strcmp(prev, e.name) == 0)
			continue;	/* one query per name */
		prev = e.name;
		for (unsigned kind = 1; kind < KD_DIX_NKINDS; kind++) {
			struct kd_index_iter it;
			kd_dwarf_index_find(full, e.name, KD_DIX_MASK(kind), &it);
			if (!kd_dwarf_index_next(&it, &want))
				continue;
			size_t frontier;
			int r = kd_index_build_first(b, e.name, kind, &got,
						     &frontier);
			checked++;
			if (r < 0) {
				scanning = 0;
				break;
			}
			if (r == 0)
				continue;
			early++;
			if (got.die != want.die || got.flags != want.flags) {
				fprintf(stderr, "%s (kind %u): early DIE 0x%" PRIx64
					" flags %u, complete index 0x%" PRIx64
					" flags %u\n", e.name, kind, got.die,
					got.flags, want.die, want.flags);
				bad = 1;
			}
		}
	}
	struct kd_index_result r;
	if ((err = kd_index_build_finish(b, NULL, NULL, &r))) {
		fprintf(stderr, "index_prefix: %s\n", err->message);
		return 1;
	}
	size_t size = kd_dwarf_index_size(full);
	struct kd_dwarf_index *again;
	if ((err = kd_dwarf_index_open_image(r.image, r.size, &id,
					     KD_INDEX_OWN_MALLOC, &again))) {
		fprintf(stderr, "index_prefix: second image: %s\n", err->message);
		return 1;
	}
	if (kd_dwarf_index_count(again) != n || r.size != size) {
		fprintf(stderr, "index_prefix: second image differs in size\n");
		bad = 1;
	}
	for (uint64_t i = 0; i < n && !bad; i++) {
		struct kd_index_hit x, y;
		if (kd_dwarf_index_entry(full, i, &x) !=
		    kd_dwarf_index_entry(again, i, &y) ||
		    x.die != y.die || x.kind != y.kind || x.flags != y.flags ||
		    strcmp(x.name, y.name) != 0) {
			fprintf(stderr, "index_prefix: entry %" PRIu64
				" differs\n", i);
			bad = 1;
		}
	}
	kd_dwarf_index_destroy(again);
	printf("early %" PRIu64 " checked %" PRIu64 "\n", early, checked);
	kd_debuginfo_close(di);
	return bad;
}
