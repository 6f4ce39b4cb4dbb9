// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory facts for sys, ps and kmem -i.  Kernel facts relied on:
 *   - x86_64 NUMA kernels keep struct pglist_data *node_data[]
 *     (nr_node_ids entries, NULL for absent nodes); others have one
 *     contig_page_data;
 *   - vmstat counters are atomic_long_t arrays indexed by their enum:
 *     vm_zone_stat[] (enum zone_stat_item) and vm_node_stat[] (enum
 *     node_stat_item) since 4.8, one vm_stat[] before;
 *   - struct percpu_counter { count; s32 __percpu *counters; }.
 */
#include <stdio.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>

#include "kread.h"
#include "memfacts.h"

#define MAX_NODES 4096

static void add_node(struct kd_session *s, uint64_t pgdat, uint64_t *spanned,
		     uint64_t *present)
{
	*spanned += kr_member_or0(s, pgdat, "pglist_data", "node_spanned_pages");
	*present += kr_member_or0(s, pgdat, "pglist_data", "node_present_pages");
}

int cmd_node_pages(struct kd_session *s, uint64_t *spanned, uint64_t *present)
{
	uint64_t arr, nr = 0, pgdat;
	*spanned = *present = 0;
	if (kd_symbol_try_addr(s, "node_data", &arr)) {
		if (!kr_symbol_uint(s, "nr_node_ids", 4, &nr) || !nr ||
		    nr > MAX_NODES)
			nr = 1;
		for (uint64_t i = 0; i < nr; i++) {
			struct kd_error *err = kd_read_u64(s, arr + 8 * i, &pgdat);
			kd_error_destroy(err);
			if (!err && pgdat)
				add_node(s, pgdat, spanned, present);
		}
		return *spanned != 0;
	}
	if (!kd_symbol_try_addr(s, "contig_page_data", &pgdat))
		return 0;
	add_node(s, pgdat, spanned, present);
	return *spanned != 0;
}

int cmd_vmstat(struct kd_session *s, const char *item, uint64_t *ret)
{
	int64_t idx;
	const char *en = NULL;
	uint64_t base;
	*ret = 0;
	if (!kr_enumerator(s, item, &idx, &en) || idx < 0)
		return 0;
	const char *array = "vm_stat";
	if (en && strcmp(en, "node_stat_item") == 0)
		array = "vm_node_stat";
	else if (en && strcmp(en, "zone_stat_item") == 0 &&
		 kd_symbol_try_addr(s, "vm_zone_stat", &base))
		array = "vm_zone_stat";
	if (!kd_symbol_try_addr(s, array, &base))
		return 0;
	uint64_t v;
	struct kd_error *err = kd_read_u64(s, base + 8 * (uint64_t)idx, &v);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*ret = (int64_t)v < 0 ? 0 : v;
	return 1;
}

int64_t cmd_percpu_counter(struct kd_session *s, uint64_t addr)
{
	uint64_t count = 0, counters = 0;
	const uint64_t *offs;
	unsigned ncpus;
	struct kd_error *err = kr_read_member(s, addr, "percpu_counter",
					      "count", &count);
	if (!err)
		err = kd_read_u64(s, addr + kr_offset(s, "percpu_counter",
						      "counters"), &counters);
	if (!err)
		err = kd_percpu_offsets(s, &offs, &ncpus);
	if (err) {
		kd_error_destroy(err);
		return (int64_t)count;
	}
	int64_t sum = (int64_t)count;
	for (unsigned cpu = 0; counters && cpu < ncpus; cpu++) {
		uint32_t v;
		err = kd_read_u32(s, counters + offs[cpu], &v);
		if (err)
			kd_error_destroy(err);
		else
			sum += (int32_t)v;
	}
	return sum;
}

uint64_t cmd_page_size(struct kd_session *s)
{
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err) {
		kd_error_destroy(err);
		return 4096;
	}
	return m->page_size ? m->page_size : 4096;
}

char *cmd_pages_to_size(uint64_t pages, uint64_t page_size, char *buf,
			size_t size)
{
	const double kb = 1024.0, mb = kb * 1024, gb = mb * 1024;
	double total = (double)pages * (double)page_size;
	if (!pages)
		snprintf(buf, size, "0");
	else if (total >= gb)
		snprintf(buf, size, "%.1f GB", total / gb);
	else if (total >= mb)
		snprintf(buf, size, "%.1f MB", total / mb);
	else
		snprintf(buf, size, "%lu KB", (unsigned long)(total / kb));
	/* crash drops a ".0": "6.0 MB" is printed "6 MB" */
	char *p = strstr(buf, ".0 ");
	if (p)
		memmove(p, p + 2, strlen(p + 2) + 1);
	return buf;
}
