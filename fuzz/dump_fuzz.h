/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared body of the dump fuzz targets: open the input as a dump from
 * memory, then use everything a caller could (page states, reads of the
 * first pages and of pages the input itself picks, notes, VMCOREINFO,
 * counting and describing).  Any crash, leak, overread or UB is a bug;
 * errors are expected.
 */
#ifndef PYKDUMP_FUZZ_DUMP_FUZZ_H
#define PYKDUMP_FUZZ_DUMP_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/dump.h>
#include <pykdump/vmcoreinfo.h>

static void fuzz_use_notes(struct kd_dump *d)
{
	for (unsigned i = 0; i < kd_dump_nr_cpu_states(d); i++) {
		const struct kd_cpu_state *c = kd_dump_cpu_state(d, i);
		if (c->nr_regs > KD_MAX_CPU_REGS)
			abort();
	}
	const struct kd_vmcoreinfo *vi = kd_dump_vmcoreinfo_table(d);
	uint64_t u;
	int64_t s;
	kd_vmcoreinfo_try_symbol(vi, "swapper_pg_dir", &u);
	kd_vmcoreinfo_try_number(vi, "phys_base", &s);
	(void)kd_dump_release(d);
	(void)kd_dump_arch_name(d);
	for (size_t i = 0; kd_dump_warning(d, i); i++)
		;
}

static void fuzz_read_pages(struct kd_dump *d, const uint8_t *data,
			    size_t size)
{
	uint32_t ps = kd_dump_page_size(d);
	uint8_t *buf = malloc(ps + 64);
	if (!buf)
		return;
	uint64_t max = kd_dump_max_pfn(d);
	for (uint64_t pfn = 0; pfn < 64 && pfn <= max; pfn++) {
		kd_dump_page_state(d, pfn);
		kd_error_destroy(kd_dump_read_phys(d, pfn * ps, buf, ps, 0));
	}
	/* A few pfns and unaligned spans chosen by the input's tail. */
	for (size_t i = 0; i + 8 <= size && i < 64; i += 8) {
		uint64_t v;
		memcpy(&v, data + size - 8 - i, 8);
		uint64_t pfn = max ? v % (max + 1) : v;
		kd_dump_page_state(d, pfn);
		kd_error_destroy(kd_dump_read_phys(d, pfn * ps + (v >> 52) % ps,
						   buf, ps / 2 + 64,
						   KD_READ_ZERO_EXCLUDED));
	}
	free(buf);
}

static int fuzz_dump(const char *name, const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct kd_dump *d;
	struct kd_error *err = kd_dump_open_memory(name, data, size, &d);
	if (err) {
		if (!err->message || !strstr(err->message, name)) {
			if (err->code != 1 /* KD_ERR_NOMEM */)
				abort();	/* errors must name the file */
		}
		kd_error_destroy(err);
		return 0;
	}
	fuzz_use_notes(d);
	fuzz_read_pages(d, data, size);
	if (kd_dump_max_pfn(d) < (1u << 20)) {
		struct kd_page_counts c;
		kd_error_destroy(kd_dump_count_pages(d, &c));
		kd_error_destroy(kd_dump_describe(d, devnull, 0));
	}
	kd_dump_close(d);
	return 0;
}

/* Run on a copy whose first bytes are forced to magic, so every input
 * reaches the parser the target is about. */
static int fuzz_dump_as(const char *name, const uint8_t *data, size_t size,
			const void *magic, size_t magic_len)
{
	uint8_t *copy = malloc(size > magic_len ? size : magic_len);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memcpy(copy, magic, magic_len);
	fuzz_dump(name, copy, size > magic_len ? size : magic_len);
	free(copy);
	return 0;
}

#endif /* PYKDUMP_FUZZ_DUMP_FUZZ_H */
