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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/printk.h>
#include <pykdump/session.h>

#define MAX_RING_BYTES	(1ULL << 31)
#define MAX_DESCS	(1ULL << 24)

struct prb {
	uint64_t count, text_size;
	uint8_t *descs, *infos, *text;
	uint64_t desc_size, info_size;
	uint64_t off_state, off_begin, off_next;
	uint64_t off_ts, off_text_len, off_level_byte, level_bit;
	uint64_t off_caller, off_subsys, subsys_size, off_device, device_size;
	uint64_t off_desc_ring, off_text_ring;
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

#define DESC "struct prb_desc"
#define INFO "struct printk_info"
static const struct kd_layout_field prb_fields[] = {
	KD_LF(struct prb, desc_size, DESC, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(struct prb, info_size, INFO, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(struct prb, off_state, DESC, "state_var", KD_LF_REQUIRED),
	KD_LF(struct prb, off_begin, DESC, "text_blk_lpos.begin",
	      KD_LF_REQUIRED),
	KD_LF(struct prb, off_next, DESC, "text_blk_lpos.next",
	      KD_LF_REQUIRED),
	KD_LF(struct prb, off_ts, INFO, "ts_nsec", KD_LF_REQUIRED),
	KD_LF(struct prb, off_text_len, INFO, "text_len", KD_LF_REQUIRED),
	/* level is a 3-bit field above 5 bits of flags in one byte */
	KD_LF(struct prb, level_bit, INFO, "level", KD_LF_BITS),
	KD_LF(struct prb, off_caller, INFO, "caller_id", 0),
	KD_LF(struct prb, off_subsys, INFO, "dev_info.subsystem", 0),
	KD_LF(struct prb, subsys_size, INFO, "dev_info.subsystem", KD_LF_SIZE),
	KD_LF(struct prb, off_device, INFO, "dev_info.device", 0),
	KD_LF(struct prb, device_size, INFO, "dev_info.device", KD_LF_SIZE),
	KD_LF(struct prb, off_desc_ring, "struct printk_ringbuffer",
	      "desc_ring", KD_LF_REQUIRED),
	KD_LF(struct prb, off_text_ring, "struct printk_ringbuffer",
	      "text_data_ring", KD_LF_REQUIRED),
};

static struct kd_error *prb_offsets(struct kd_session *s, struct prb *p)
{
	struct kd_error *err = kd_layout_fill(s, prb_fields,
					      KD_ARRAY_SIZE(prb_fields), p);
	if (err)
		return kd_error_prefix(err, "printk ringbuffer");
	p->off_level_byte = kd_present(p->level_bit) ? p->level_bit / 8
						      : KD_ABSENT;
	p->level_shift = kd_present(p->level_bit) ? (unsigned)(p->level_bit % 8)
						   : 0;
	return NULL;
}

static struct kd_error *prb_load(struct kd_session *s, uint64_t prb,
				 struct prb *p)
{
	struct kd_error *err = prb_offsets(s, p);
	if (err)
		return err;
	uint64_t dr = prb + p->off_desc_ring, tr = prb + p->off_text_ring;
	const char *DR = "struct prb_desc_ring", *TR = "struct prb_data_ring";
	uint64_t bits, tbits, descs, infos, data;
	if ((err = kd_read_member_u64(s, dr, DR, "count_bits", &bits)) ||
	    (err = kd_read_member_u64(s, dr, DR, "descs", &descs)) ||
	    (err = kd_read_member_u64(s, dr, DR, "infos", &infos)) ||
	    (err = kd_read_member_u64(s, dr, DR, "head_id.counter",
				      &p->head)) ||
	    (err = kd_read_member_u64(s, dr, DR, "tail_id.counter",
				      &p->tail)) ||
	    (err = kd_read_member_u64(s, tr, TR, "size_bits", &tbits)) ||
	    (err = kd_read_member_u64(s, tr, TR, "data", &data)))
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

/* "SUBSYSTEM=x\0DEVICE=y\0" from the record's dev_info into buf. */
static size_t dev_info(const struct prb *p, const uint8_t *info, char *buf,
		       size_t size)
{
	size_t n = 0;
	if (kd_present(p->off_subsys) && p->subsys_size < 64 &&
	    info[p->off_subsys])
		n += (size_t)snprintf(buf, size, "SUBSYSTEM=%.*s",
				      (int)p->subsys_size,
				      (const char *)info + p->off_subsys) + 1;
	if (kd_present(p->off_device) && p->device_size < 128 &&
	    info[p->off_device] && n < size)
		n += (size_t)snprintf(buf + n, size - n, "DEVICE=%.*s",
				      (int)p->device_size,
				      (const char *)info + p->off_device) + 1;
	return n < size ? n : size;
}

/* One record by id: 0 skipped (not readable), 1 filled; dict is its
 * room for the dev_info properties. */
static int prb_record(const struct prb *p, uint64_t id,
		      struct kd_printk_rec *r, char *dict, size_t dsize)
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
	if (kd_present(p->off_level_byte))
		r->level = (info[p->off_level_byte] >> p->level_shift) & 7;
	if (kd_present(p->off_caller)) {
		r->has_caller = 1;
		memcpy(&r->caller_id, info + p->off_caller, 4);
	}
	r->dict = dict;
	r->dict_len = dev_info(p, info, dict, dsize);
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
				 kd_printk_fn *fn, void *arg)
{
	struct prb p = { 0 };
	struct kd_printk_rec r;
	char dict[256];
	struct kd_error *err = prb_load(s, prb, &p);
	uint64_t id = p.tail & DESC_ID_MASK, head = p.head & DESC_ID_MASK;
	for (uint64_t n = 0; !err && n <= p.count; n++) {
		if ((err = kd_cancel_check()))
			break;
		if (prb_record(&p, id, &r, dict, sizeof(dict)) && fn(arg, &r))
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
	uint64_t hdr, off_ts, off_len, off_text_len, level_bit;
	uint64_t off_dict_len, off_caller;
	uint64_t off_level;
	unsigned level_shift;
};

/* struct printk_log, struct log before 3.11 */
#define LOG "struct printk_log|struct log"
static const struct kd_layout_field logbuf_fields[] = {
	KD_LF(struct logbuf, hdr, LOG, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(struct logbuf, off_ts, LOG, "ts_nsec", KD_LF_REQUIRED),
	KD_LF(struct logbuf, off_len, LOG, "len", KD_LF_REQUIRED),
	KD_LF(struct logbuf, off_text_len, LOG, "text_len", KD_LF_REQUIRED),
	KD_LF(struct logbuf, level_bit, LOG, "level", KD_LF_BITS),
	KD_LF(struct logbuf, off_dict_len, LOG, "dict_len", 0),
	KD_LF(struct logbuf, off_caller, LOG, "caller_id", 0),
};

static struct kd_error *logbuf_layout(struct kd_session *s, struct logbuf *l)
{
	struct kd_error *err = kd_layout_fill(s, logbuf_fields,
					      KD_ARRAY_SIZE(logbuf_fields), l);
	if (err) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "log_buf: no struct printk_log in the "
				       "debuginfo (kernel older than 3.5?)");
	}
	l->off_level = kd_present(l->level_bit) ? l->level_bit / 8 : KD_ABSENT;
	l->level_shift = kd_present(l->level_bit) ? (unsigned)(l->level_bit % 8)
						  : 0;
	return NULL;
}

static struct kd_error *walk_logbuf(struct kd_session *s, kd_printk_fn *fn,
				    void *arg)
{
	struct logbuf l;
	uint64_t buf_addr, len, first, next;
	uint8_t *buf;
	struct kd_error *err = logbuf_layout(s, &l);
	if (err)
		return err;
	if (!kd_global_uint(s, "log_buf", 8, &buf_addr) ||
	    !kd_global_uint(s, "log_buf_len", 4, &len) ||
	    !kd_global_uint(s, "log_first_idx", 4, &first) ||
	    !kd_global_uint(s, "log_next_idx", 4, &next))
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
		struct kd_printk_rec r = { .ts_nsec = get_u64(h + l.off_ts) };
		if (kd_present(l.off_level))
			r.level = (h[l.off_level] >> l.level_shift) & 7;
		r.text = (const char *)h + l.hdr;
		r.len = idx + l.hdr + tlen <= len ? tlen : len - idx - l.hdr;
		if (kd_present(l.off_caller)) {
			r.has_caller = 1;
			memcpy(&r.caller_id, h + l.off_caller, 4);
		}
		if (kd_present(l.off_dict_len)) {
			/* the dict follows the text inside the record */
			uint16_t dlen;
			memcpy(&dlen, h + l.off_dict_len, 2);
			if (l.hdr + (uint64_t)tlen + dlen <= rlen &&
			    idx + rlen <= len) {
				r.dict = r.text + tlen;
				r.dict_len = dlen;
			}
		}
		if (fn(arg, &r))
			break;
		idx += rlen;
		if (idx >= len)
			idx = 0;
	}
	free(buf);
	return err;
}

/* ------------------------------------------------------------ audit */

#define MAX_AUDIT_RECORDS (1u << 20)
#define MAX_AUDIT_LEN	(1u << 20)

struct skb {
	uint64_t head_next, head_qlen, next, data, len, nlmsg_type, nlmsghdr;
};

static const struct kd_layout_field skb_fields[] = {
	KD_LF(struct skb, head_next, "struct sk_buff_head", "next",
	      KD_LF_REQUIRED),
	KD_LF(struct skb, head_qlen, "struct sk_buff_head", "qlen",
	      KD_LF_REQUIRED),
	KD_LF(struct skb, next, "struct sk_buff", "next", KD_LF_REQUIRED),
	KD_LF(struct skb, data, "struct sk_buff", "data", KD_LF_REQUIRED),
	KD_LF(struct skb, len, "struct sk_buff", "len", KD_LF_REQUIRED),
	KD_LF(struct skb, nlmsg_type, "struct nlmsghdr", "nlmsg_type",
	      KD_LF_REQUIRED),
	KD_LF(struct skb, nlmsghdr, "struct nlmsghdr", NULL,
	      KD_LF_SIZE | KD_LF_REQUIRED),
};

/* One queue: a circular list through sk_buff.next back to the head;
 * each skb's data is a struct nlmsghdr, the text after it (NLMSG_ALIGN'd
 * header, 4 bytes). */
static struct kd_error *audit_queue(struct kd_session *s, const struct skb *l,
				    uint64_t head, kd_audit_fn *fn, void *arg,
				    size_t *count)
{
	uint64_t qlen = 0, p;
	struct kd_error *err = kd_field_uint(s, head, l->head_qlen, 4, &qlen);
	if (err || !qlen)
		return err;
	if ((err = kd_field_ptr(s, head, l->head_next, &p)))
		return err;
	uint64_t hdr = (l->nlmsghdr + 3) & ~3ULL;
	for (size_t n = 0; p && p != head; n++) {
		uint64_t data, len, type;
		/* qlen bounds the walk: a list longer than it is broken */
		if (n >= qlen || n >= MAX_AUDIT_RECORDS)
			return kd_error_create(KD_ERR_CORRUPT, "audit queue at "
					       "%llx: more records than its "
					       "length (%llu)",
					       (unsigned long long)head,
					       (unsigned long long)qlen);
		if ((err = kd_cancel_check()) ||
		    (err = kd_field_uint(s, p, l->len, 4, &len)) ||
		    (err = kd_field_ptr(s, p, l->data, &data)) ||
		    (err = kd_field_uint(s, data, l->nlmsg_type, 2, &type)))
			return err;
		if (len < hdr || len - hdr > MAX_AUDIT_LEN)
			return kd_error_create(KD_ERR_CORRUPT, "audit record at "
					       "%llx: length %llu",
					       (unsigned long long)p,
					       (unsigned long long)len);
		uint8_t *text;
		if ((err = read_buf(s, data + hdr, len - hdr, &text)))
			return err;
		(*count)++;
		int stop = fn(arg, (unsigned)type, (const char *)text,
			      strnlen((const char *)text, len - hdr));
		free(text);
		if (stop)
			return NULL;
		if ((err = kd_field_ptr(s, p, l->next, &p)))
			return err;
	}
	return NULL;
}

struct kd_error *kd_audit_walk(struct kd_session *s, kd_audit_fn *fn,
			       void *arg, size_t *count)
{
	static const char *const newer[] = { "audit_hold_queue",
		"audit_retry_queue", "audit_queue", NULL };
	static const char *const older[] = { "audit_skb_hold_queue",
		"audit_skb_queue", NULL };
	uint64_t addr;
	*count = 0;
	const char *const *q = kd_symbol_try_addr(s, "audit_skb_queue", &addr)
			       ? older : newer;
	if (q == newer && !kd_symbol_try_addr(s, "audit_queue", &addr))
		return kd_error_create(KD_ERR_UNSUPPORTED, "no audit queues "
				       "in this kernel (CONFIG_AUDIT)");
	struct skb l;
	struct kd_error *err = kd_layout_fill(s, skb_fields,
					      KD_ARRAY_SIZE(skb_fields), &l);
	for (; !err && *q; q++)
		if (kd_symbol_try_addr(s, *q, &addr))
			err = audit_queue(s, &l, addr, fn, arg, count);
	return err;
}

int kd_printk_has_safe_buffers(struct kd_session *s)
{
	uint64_t addr;
	return kd_symbol_try_addr(s, "safe_print_seq", &addr) ||
	       kd_symbol_try_addr(s, "nmi_print_seq", &addr);
}

#define SAFE "struct printk_safe_seq_buf"
#define MAX_SAFE_BUF (1u << 20)	/* SAFE_LOG_BUF_LEN is 8 KB less a bit */

struct kd_error *kd_printk_safe_walk(struct kd_session *s,
				     kd_printk_safe_fn *fn, void *arg)
{
	static const char *const bufs[] = { "nmi_print_seq",
					    "safe_print_seq" };
	uint64_t o_len, o_lost, o_buf, addr;
	uint64_t size = kd_sizeof(s, SAFE);
	struct kd_error *err;
	if (!kd_printk_has_safe_buffers(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "no printk safe "
				       "buffers in this kernel (5.15+)");
	if ((err = kd_member_offset(s, SAFE, "len", &o_len)) ||
	    (err = kd_member_offset(s, SAFE, "message_lost", &o_lost)) ||
	    (err = kd_member_offset(s, SAFE, "buffer", &o_buf)))
		return kd_error_prefix(err, "printk safe buffers");
	if (size <= o_buf || size - o_buf > MAX_SAFE_BUF)
		return kd_error_create(KD_ERR_CORRUPT, "printk safe buffers: "
				       "struct printk_safe_seq_buf of %llu "
				       "bytes", (unsigned long long)size);
	size_t bsize = (size_t)(size - o_buf);
	uint8_t *buf = malloc(bsize);
	if (!buf)
		return &kd_error_nomem;
	unsigned ncpus = kd_percpu_count(s);
	int stop = 0;
	/* a buffer that cannot be read is left out and the others are
	 * still given; the first such error is returned at the end */
	for (size_t b = 0; !stop && b < KD_ARRAY_SIZE(bufs); b++) {
		if (!kd_symbol_try_addr(s, bufs[b], &addr))
			continue;
		for (unsigned cpu = 0; !stop && cpu < ncpus; cpu++) {
			uint64_t a;
			uint32_t len = 0, lost = 0;
			size_t n = 0;
			struct kd_error *e;
			if ((e = kd_cancel_check())) {
				kd_error_destroy(err);
				free(buf);
				return e;
			}
			if (!(e = kd_percpu_ptr(s, addr, cpu, &a)) &&
			    !(e = kd_read_kvaddr(s, a + o_len, &len, 4)) &&
			    !(e = kd_read_kvaddr(s, a + o_lost, &lost, 4)) &&
			    (int32_t)len > 0) {
				n = len < bsize ? len : bsize;
				e = kd_read_kvaddr(s, a + o_buf, buf, n);
			}
			if (e) {
				e = kd_error_prefix(e, "%s of CPU %u", bufs[b],
						    cpu);
				if (!err)
					err = e;
				else
					kd_error_destroy(e);
				continue;
			}
			stop = fn(arg, bufs[b], cpu, a, (int32_t)len,
				  (int32_t)lost, buf, n);
			/* len counts the bytes filled: one past the buffer
			 * or below 0 is corrupt (what was shown is what crash
			 * shows: the buffer to its end, or nothing); said at
			 * the end */
			if (((int32_t)len < 0 || len > bsize) && !err)
				err = kd_error_create(KD_ERR_CORRUPT, "%s of CPU "
						      "%u: len %d is not within "
						      "its %zu-byte buffer",
						      bufs[b], cpu,
						      (int32_t)len, bsize);
		}
	}
	free(buf);
	return err;
}

struct kd_error *kd_printk_walk(struct kd_session *s, kd_printk_fn *fn,
				 void *arg)
{
	uint64_t prb, where;
	/* A kernel with the symbol has the ring buffer: memory that cannot
	 * be read there is damage to report, not a kernel without one. */
	if (kd_symbol_try_addr(s, "prb", &where)) {
		struct kd_error *err = kd_read_ptr(s, where, &prb);
		if (err)
			return kd_error_prefix(err, "printk ringbuffer pointer "
					       "prb (%llx) cannot be read",
					       (unsigned long long)where);
		if (!prb)
			return kd_error_create(KD_ERR_CORRUPT,
					       "printk ringbuffer pointer prb "
					       "(%llx) is NULL",
					       (unsigned long long)where);
		return walk_prb(s, prb, fn, arg);
	}
	if (kd_symbol_try_addr(s, "log_first_idx", &prb))
		return walk_logbuf(s, fn, arg);
	return kd_error_create(KD_ERR_UNSUPPORTED,
			       "no printk ringbuffer (prb) and no log_buf "
			       "records (log_first_idx) in this kernel");
}
