// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel log records.  Two layouts, chosen by which symbols exist:
 *
 * printk ringbuffer (5.10+, kernel/printk/printk_ringbuffer.h), reached
 * through the pointer prb:
 *   desc_ring   count_bits; descs[1 << count_bits] (state_var, text_blk_lpos
 *               {begin, next}); infos[] (seq, ts_nsec, text_len,
 *               flags:5 level:3 ...); head_id, tail_id
 *   text ring   size_bits; data[1 << size_bits]
 * A descriptor's state is the top two bits of state_var (committed 1,
 * finalized 2 are readable) and its low bits must equal the id.  A text
 * block starts with the owning id (one unsigned long); a block that
 * wraps (begin > next, after the modulo) is stored from offset 0.
 * Records from tail_id to head_id inclusive, ids masked to the state
 * variable's id bits.  Continuations are already merged by the kernel.
 *
 * log_buf (3.5 - 5.9): records struct printk_log (struct log before
 * 3.11) { u64 ts_nsec; u16 len, text_len, dict_len; u8 facility;
 * u8 flags:5, level:3; } followed by the text, from log_first_idx to
 * log_next_idx; a record with len 0 means "continue at offset 0".
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>

#include "kread.h"
#include "printk.h"

#define MAX_RING_BYTES	(1ULL << 31)
#define MAX_DESCS	(1ULL << 24)

struct prb {
	uint64_t count, text_size;
	uint8_t *descs, *infos, *text;
	uint64_t desc_size, info_size;
	uint64_t off_state, off_begin, off_next;
	uint64_t off_ts, off_text_len, off_level_byte;
	unsigned level_shift;
	uint64_t head, tail;
};

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static struct kd_error *read_buf(struct kd_session *s, uint64_t addr,
				 uint64_t len, uint8_t **ret)
{
	*ret = malloc(len ? len : 1);
	if (!*ret)
		return &kd_error_nomem;
	struct kd_error *err = kd_read_kvaddr(s, addr, *ret, len);
	if (err) {
		free(*ret);
		*ret = NULL;
	}
	return err;
}

static struct kd_error *need(uint64_t off, const char *what)
{
	if (off != KR_NONE)
		return NULL;
	return kd_error_create(KD_ERR_NOT_FOUND,
			       "printk ringbuffer: no %s in the debuginfo", what);
}

static struct kd_error *prb_offsets(struct kd_session *s, struct prb *p)
{
	struct kd_error *err;
	p->desc_size = kr_type_size(s, "struct prb_desc");
	p->info_size = kr_type_size(s, "struct printk_info");
	p->off_state = kr_offset(s, "prb_desc", "state_var");
	uint64_t blk = kr_offset(s, "prb_desc", "text_blk_lpos");
	p->off_begin = blk == KR_NONE ? KR_NONE :
		       blk + kr_offset(s, "prb_data_blk_lpos", "begin");
	p->off_next = blk == KR_NONE ? KR_NONE :
		      blk + kr_offset(s, "prb_data_blk_lpos", "next");
	p->off_ts = kr_offset(s, "printk_info", "ts_nsec");
	p->off_text_len = kr_offset(s, "printk_info", "text_len");
	/* level is a 3-bit field above 5 bits of flags in one byte */
	uint64_t bit = kr_bit_offset(s, "printk_info", "level");
	p->off_level_byte = bit == KR_NONE ? KR_NONE : bit / 8;
	p->level_shift = bit == KR_NONE ? 0 : (unsigned)(bit % 8);
	if ((err = need(p->off_state, "prb_desc.state_var")) ||
	    (err = need(p->off_begin, "prb_desc.text_blk_lpos")) ||
	    (err = need(p->off_ts, "printk_info.ts_nsec")) ||
	    (err = need(p->off_text_len, "printk_info.text_len")))
		return err;
	if (!p->desc_size || !p->info_size)
		return need(KR_NONE, "struct prb_desc / printk_info");
	return NULL;
}

static struct kd_error *prb_load(struct kd_session *s, uint64_t prb,
				 struct prb *p)
{
	uint64_t dr = kr_offset(s, "printk_ringbuffer", "desc_ring");
	uint64_t tr = kr_offset(s, "printk_ringbuffer", "text_data_ring");
	struct kd_error *err = prb_offsets(s, p);
	if (!err)
		err = need(dr == KR_NONE || tr == KR_NONE ? KR_NONE : 0,
			   "printk_ringbuffer rings");
	if (err)
		return err;
	uint64_t bits, tbits, descs, infos, data;
	if ((err = kr_read_member(s, prb + dr, "prb_desc_ring", "count_bits", &bits)) ||
	    (err = kr_read_member(s, prb + dr, "prb_desc_ring", "descs", &descs)) ||
	    (err = kr_read_member(s, prb + dr, "prb_desc_ring", "infos", &infos)) ||
	    (err = kr_read_member(s, prb + dr, "prb_desc_ring", "head_id.counter", &p->head)) ||
	    (err = kr_read_member(s, prb + dr, "prb_desc_ring", "tail_id.counter", &p->tail)) ||
	    (err = kr_read_member(s, prb + tr, "prb_data_ring", "size_bits", &tbits)) ||
	    (err = kr_read_member(s, prb + tr, "prb_data_ring", "data", &data)))
		return err;
	if (bits > 63 || tbits > 63 || (1ULL << bits) > MAX_DESCS ||
	    (1ULL << tbits) > MAX_RING_BYTES)
		return kd_error_create(KD_ERR_CORRUPT,
				       "printk ringbuffer: implausible sizes "
				       "(count_bits %llu, size_bits %llu)",
				       (unsigned long long)bits,
				       (unsigned long long)tbits);
	p->count = 1ULL << bits;
	p->text_size = 1ULL << tbits;
	if ((err = read_buf(s, descs, p->count * p->desc_size, &p->descs)) ||
	    (err = read_buf(s, infos, p->count * p->info_size, &p->infos)) ||
	    (err = read_buf(s, data, p->text_size, &p->text)))
		return kd_error_prefix(err, "printk ringbuffer");
	return NULL;
}

#define DESC_SV_BITS	64
#define DESC_FLAGS_SHIFT (DESC_SV_BITS - 2)
#define DESC_ID_MASK	(~(3ULL << DESC_FLAGS_SHIFT))

/* One record by id: 0 skipped (not readable), 1 filled. */
static int prb_record(const struct prb *p, uint64_t id,
		      struct cmd_printk_rec *r)
{
	uint64_t i = id % p->count;
	const uint8_t *desc = p->descs + i * p->desc_size;
	const uint8_t *info = p->infos + i * p->info_size;
	uint64_t sv = get_u64(desc + p->off_state);
	unsigned state = (unsigned)(sv >> DESC_FLAGS_SHIFT) & 3;
	if ((sv & DESC_ID_MASK) != id || (state != 1 && state != 2))
		return 0;
	memset(r, 0, sizeof(*r));
	uint64_t begin = get_u64(desc + p->off_begin) % p->text_size;
	uint64_t next = get_u64(desc + p->off_next) % p->text_size;
	if (begin == next) {
		r->dataless = 1;
		return 1;
	}
	uint16_t text_len;
	memcpy(&text_len, info + p->off_text_len, 2);
	r->ts_nsec = get_u64(info + p->off_ts);
	if (p->off_level_byte != KR_NONE)
		r->level = (info[p->off_level_byte] >> p->level_shift) & 7;
	if (begin > next)
		begin = 0;
	begin += 8;	/* the block's owner id */
	if (begin > next)
		return r->dataless = 1;
	if (next - begin < text_len)
		text_len = (uint16_t)(next - begin);
	r->text = (const char *)p->text + begin;
	r->len = text_len;
	return 1;
}

static struct kd_error *walk_prb(struct kd_session *s, uint64_t prb,
				 cmd_printk_fn *fn, void *arg)
{
	struct prb p = { 0 };
	struct cmd_printk_rec r;
	struct kd_error *err = prb_load(s, prb, &p);
	uint64_t id = p.tail & DESC_ID_MASK, head = p.head & DESC_ID_MASK;
	for (uint64_t n = 0; !err && n <= p.count; n++) {
		if ((err = kd_cancel_check()))
			break;
		if (prb_record(&p, id, &r) && fn(arg, &r))
			break;
		if (id == head)
			break;
		id = (id + 1) & DESC_ID_MASK;
	}
	free(p.descs);
	free(p.infos);
	free(p.text);
	return err;
}

/* ---------------------------------------------------------- log_buf */

struct logbuf {
	const char *type;	/* "printk_log" or "log" */
	uint64_t hdr, off_ts, off_len, off_text_len, off_level;
	unsigned level_shift;
};

static struct kd_error *logbuf_layout(struct kd_session *s, struct logbuf *l)
{
	l->type = "printk_log";
	l->hdr = kr_type_size(s, "struct printk_log");
	if (!l->hdr) {
		l->type = "log";
		l->hdr = kr_type_size(s, "struct log");
	}
	l->off_ts = kr_offset(s, l->type, "ts_nsec");
	l->off_len = kr_offset(s, l->type, "len");
	l->off_text_len = kr_offset(s, l->type, "text_len");
	uint64_t bit = kr_bit_offset(s, l->type, "level");
	l->off_level = bit == KR_NONE ? KR_NONE : bit / 8;
	l->level_shift = bit == KR_NONE ? 0 : (unsigned)(bit % 8);
	if (!l->hdr || l->off_ts == KR_NONE || l->off_len == KR_NONE ||
	    l->off_text_len == KR_NONE)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "log_buf: no struct printk_log in the "
				       "debuginfo (kernel older than 3.5?)");
	return NULL;
}

static struct kd_error *walk_logbuf(struct kd_session *s, cmd_printk_fn *fn,
				    void *arg)
{
	struct logbuf l;
	uint64_t buf_addr, len, first, next;
	uint8_t *buf;
	struct kd_error *err = logbuf_layout(s, &l);
	if (err)
		return err;
	if (!kr_symbol_uint(s, "log_buf", 8, &buf_addr) ||
	    !kr_symbol_uint(s, "log_buf_len", 4, &len) ||
	    !kr_symbol_uint(s, "log_first_idx", 4, &first) ||
	    !kr_symbol_uint(s, "log_next_idx", 4, &next))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "log_buf, log_buf_len, log_first_idx "
				       "or log_next_idx cannot be read");
	if (!len || len > MAX_RING_BYTES || first >= len || next >= len)
		return kd_error_create(KD_ERR_CORRUPT,
				       "log_buf: implausible length or indices");
	if ((err = read_buf(s, buf_addr, len, &buf)))
		return kd_error_prefix(err, "log_buf");
	uint64_t idx = first;
	for (uint64_t n = 0; idx != next && n < len; n++) {
		if ((err = kd_cancel_check()))
			break;
		if (idx + l.hdr > len)
			break;
		const uint8_t *h = buf + idx;
		uint16_t rlen, tlen;
		memcpy(&rlen, h + l.off_len, 2);
		memcpy(&tlen, h + l.off_text_len, 2);
		if (rlen == 0) {	/* wrap marker */
			idx = 0;
			continue;
		}
		struct cmd_printk_rec r = { .ts_nsec = get_u64(h + l.off_ts) };
		if (l.off_level != KR_NONE)
			r.level = (h[l.off_level] >> l.level_shift) & 7;
		r.text = (const char *)h + l.hdr;
		r.len = idx + l.hdr + tlen <= len ? tlen : len - idx - l.hdr;
		if (fn(arg, &r))
			break;
		idx += rlen;
		if (idx >= len)
			idx = 0;
	}
	free(buf);
	return err;
}

struct kd_error *cmd_printk_walk(struct kd_session *s, cmd_printk_fn *fn,
				 void *arg)
{
	uint64_t prb;
	if (kr_symbol_uint(s, "prb", 8, &prb) && prb)
		return walk_prb(s, prb, fn, arg);
	if (kd_symbol_try_addr(s, "log_first_idx", &prb))
		return walk_logbuf(s, fn, arg);
	return kd_error_create(KD_ERR_UNSUPPORTED,
			       "no printk ringbuffer (prb) and no log_buf "
			       "records (log_first_idx) in this kernel");
}
