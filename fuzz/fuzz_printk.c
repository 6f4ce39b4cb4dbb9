// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the kernel log (lib/kernel/printk.c) read from
 * garbage kernel memory: the printk ringbuffer's descriptors, infos and
 * text ring (or log_buf's records), and the audit queue.  Types and
 * symbols (prb, log_buf ...) are the real sample's; memory is the input
 * (mem_fuzz.h, session_fuzz.h).  Every record's text and dict are read
 * in full, so ASan sees any overread of the copied ring.
 */
#include <stdint.h>
#include <stdio.h>

#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/printk.h>

#include "session_fuzz.h"

static volatile unsigned sink;
/* PYKDUMP_FUZZ_SHOW=1: print each record read (to check a seed) */
static int show;

static int on_rec(void *arg, const struct kd_printk_rec *r)
{
	size_t *n = arg;
	unsigned h = 0;
	for (size_t i = 0; i < r->len; i++)
		h += (uint8_t)r->text[i];
	for (size_t i = 0; i < r->dict_len; i++)
		h += (uint8_t)r->dict[i];
	if (r->level < 0 || r->level > 7)
		__builtin_trap();	/* a 3-bit field */
	sink += h;
	if (show)
		fprintf(stderr, "record %zu [%5llu.%06llu] <%d> %.*s\n", *n,
			(unsigned long long)(r->ts_nsec / 1000000000),
			(unsigned long long)(r->ts_nsec % 1000000000 / 1000),
			r->level, (int)r->len, r->text);
	return ++*n > 100000;
}

static int on_audit(void *arg, unsigned type, const char *text, size_t len)
{
	(void)arg;
	unsigned h = type;
	for (size_t i = 0; i < len; i++)
		h += (uint8_t)text[i];
	sink += h;
	return 0;
}

static void run(const uint8_t *hdr, size_t hlen)
{
	(void)hdr; (void)hlen;
	size_t n = 0, count = 0;
	kd_error_destroy(kd_printk_walk(fz_s, on_rec, &n));
	kd_error_destroy(kd_audit_walk(fz_s, on_audit, NULL, &count));
	sink += (unsigned)kd_printk_has_safe_buffers(fz_s);
}

/* ---- the seeds ----
 *
 * "sample": every read of the walk on the sample's memory, the whole
 * ring: 4096 descriptors and infos and 128 KB of text, 576 KB.  An input
 * that size costs more to copy and mutate than to parse (700 exec/s).
 *
 * "small-ring": the same reads with the ring cut down to the sample's
 * latest records that fit 2^SMALL_TEXT_BITS bytes of text and 2^
 * SMALL_COUNT_BITS descriptors, laid out as the kernel does
 * (kernel/printk/printk_ringbuffer.h): a descriptor's state_var is its
 * id with the state (finalized, 2) in the top two bits, its
 * text_blk_lpos {begin, next} are logical positions in the text ring,
 * and a data block is the record's id followed by its text, aligned to
 * 8 bytes.  Each record's printk_info is the sample's, byte for byte.
 * 6 KB: the fuzzer starts from a well-formed ring it can afford to
 * mutate. */
#define SMALL_COUNT_BITS 5
#define SMALL_TEXT_BITS 12

static uint64_t must_off(const char *type, const char *path)
{
	uint64_t off;
	struct kd_error *err = kd_member_offset(fz_s, type, path, &off);
	if (err)
		fz_fail("small-ring seed: %s", err->message);
	return off;
}

static void real_read(uint64_t addr, void *buf, size_t len)
{
	struct kd_error *err = kd_arch_read_kvirt(fz_real, addr, buf, len);
	if (err)
		fz_fail("small-ring seed: %s", err->message);
}

/* Drops the recorded reads that overlap [addr, addr + len). */
static void rec_drop(uint64_t addr, uint64_t len)
{
	size_t k = 0;
	for (size_t i = 0; i < fz_rec.n; i++) {
		struct fuzz_rseg *g = &fz_rec.v[i];
		if (g->addr < addr + len && addr < g->addr + g->len) {
			fz_rec.bytes -= g->len;
			free(g->data);
		} else {
			fz_rec.v[k++] = *g;
		}
	}
	fz_rec.n = k;
}

static void rec_put(uint64_t addr, const void *buf, size_t len)
{
	rec_drop(addr, len);
	fuzz_rec_add(&fz_rec, addr, buf, len);
}

static void put_u64(uint64_t addr, unsigned size, uint64_t v)
{
	rec_put(addr, &v, size);	/* little-endian */
}

static void small_ring(void)
{
	const char *DR = "struct prb_desc_ring", *TR = "struct prb_data_ring";
	const char *D = "struct prb_desc", *I = "struct printk_info";
	const char *RB = "struct printk_ringbuffer";
	uint64_t where, prb;
	if (!kd_symbol_try_addr(fz_s, "prb", &where))
		fz_fail("%ssmall-ring seed: no prb in the sample", "");
	real_read(where, &prb, 8);
	uint64_t dr = prb + must_off(RB, "desc_ring");
	uint64_t tr = prb + must_off(RB, "text_data_ring");
	uint64_t a_bits = dr + must_off(DR, "count_bits");
	uint64_t a_head = dr + must_off(DR, "head_id");
	uint64_t a_tail = dr + must_off(DR, "tail_id");
	uint64_t a_tbits = tr + must_off(TR, "size_bits");
	uint64_t descs, infos, data, head, tail;
	uint32_t bits, tbits;
	real_read(dr + must_off(DR, "descs"), &descs, 8);
	real_read(dr + must_off(DR, "infos"), &infos, 8);
	real_read(tr + must_off(TR, "data"), &data, 8);
	real_read(a_head, &head, 8);
	real_read(a_tail, &tail, 8);
	real_read(a_bits, &bits, 4);
	real_read(a_tbits, &tbits, 4);
	uint64_t dsize = kd_sizeof(fz_s, D), isize = kd_sizeof(fz_s, I);
	uint64_t o_sv = must_off(D, "state_var");
	uint64_t o_begin = must_off(D, "text_blk_lpos.begin");
	uint64_t o_next = must_off(D, "text_blk_lpos.next");
	uint64_t o_len = must_off(I, "text_len");
	if (!dsize || !isize || bits > 20 || tbits > 24)
		fz_fail("%ssmall-ring seed: the sample's ring is not as "
			"expected", "");
	const uint64_t mask = ~(3ULL << 62);
	uint64_t count = 1ULL << bits, tsize = 1ULL << tbits;
	uint64_t scount = 1ULL << SMALL_COUNT_BITS;
	uint64_t stsize = 1ULL << SMALL_TEXT_BITS;

	/* the latest records whose blocks fit the small text ring */
	uint64_t ids[1 << SMALL_COUNT_BITS], n = 0, used = 0;
	uint8_t *info = malloc(isize), *desc = malloc(dsize);
	if (!info || !desc)
		abort();
	for (uint64_t id = head & mask; n < scount; id = (id - 1) & mask) {
		real_read(descs + (id % count) * dsize, desc, dsize);
		real_read(infos + (id % count) * isize, info, isize);
		uint64_t sv;
		uint16_t len;
		memcpy(&sv, desc + o_sv, 8);
		memcpy(&len, info + o_len, 2);
		uint64_t blk = (8 + len + 7) & ~7ULL;
		if ((sv & mask) != id || used + blk > stsize)
			break;
		ids[n++] = id;
		used += blk;
		if (id == (tail & mask))
			break;
	}
	if (n < 4)
		fz_fail("%ssmall-ring seed: too few records", "");

	uint8_t *sdescs = calloc(scount, dsize), *sinfos = calloc(scount, isize);
	uint8_t *stext = calloc(1, stsize);
	if (!sdescs || !sinfos || !stext)
		abort();
	/* logical positions start a few laps in, as in a ring that wrapped */
	uint64_t lpos = 3 * stsize;
	for (uint64_t k = n; k-- > 0;) {
		uint64_t id = ids[k];
		uint8_t *d = sdescs + (id % scount) * dsize;
		uint8_t *in = sinfos + (id % scount) * isize;
		real_read(descs + (id % count) * dsize, desc, dsize);
		real_read(infos + (id % count) * isize, in, isize);
		uint64_t sv = id | (2ULL << 62), begin, next;
		uint16_t len;
		memcpy(&len, in + o_len, 2);
		memcpy(&begin, desc + o_begin, 8);
		memcpy(&next, desc + o_next, 8);
		begin %= tsize;
		/* a block that would wrap is at the ring's start */
		if (next % tsize < begin)
			begin = 0;
		/* the block as the sample has it: its id, then the text */
		uint64_t blk = (8 + len + 7) & ~7ULL;
		if (begin + 8 + len > tsize)
			fz_fail("%ssmall-ring seed: a record past the ring", "");
		real_read(data + begin, stext + lpos % stsize, 8 + len);
		begin = lpos;
		next = lpos + blk;
		lpos = next;
		memcpy(d + o_sv, &sv, 8);
		memcpy(d + o_begin, &begin, 8);
		memcpy(d + o_next, &next, 8);
	}
	free(info);
	free(desc);
	rec_drop(descs, count * dsize);
	rec_drop(infos, count * isize);
	rec_drop(data, tsize);
	rec_put(descs, sdescs, scount * dsize);
	rec_put(infos, sinfos, scount * isize);
	rec_put(data, stext, stsize);
	put_u64(a_bits, 4, SMALL_COUNT_BITS);
	put_u64(a_tbits, 4, SMALL_TEXT_BITS);
	put_u64(a_head, 8, ids[0]);
	put_u64(a_tail, 8, ids[n - 1]);
	free(sdescs);
	free(sinfos);
	free(stext);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	fz_session_init();
	show = getenv("PYKDUMP_FUZZ_SHOW") != NULL;
	FILE *f;
	if (fz_record_mode(&f)) {
		const char *which = getenv("PYKDUMP_FUZZ_SEED");
		fz_recording = 1;
		fz_session_reset();
		run(NULL, 0);
		fz_recording = 0;
		if (which && !strcmp(which, "small-ring"))
			small_ring();
		else if (which && *which && strcmp(which, "sample"))
			fz_fail("unknown seed %s (sample, small-ring)", which);
		fuzz_rec_write(&fz_rec, f);
		fclose(f);
		exit(0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_begin(data, size);
	run(NULL, 0);
	return 0;
}
