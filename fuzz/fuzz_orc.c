// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: ORC tables and the unwinding loop over a garbage
 * stack (lib/unwind/orc.c, unwinder.c): the register numbering detection,
 * entry decoding in both layouts, lookups, and kd_unwinder_run from a
 * start ip/sp/bp on one or two stacks made of the input.  Pure: no
 * session (the table and the stack are the input).
 *
 * Input (little-endian):
 *     struct orc_hdr (48 bytes, below)
 *     s32 ips[n]; u8 entries[n][6]    (n capped by what the input holds)
 *     the stack bytes (the rest, at most 64 KiB): stack 0 at stack_lo;
 *     with flag 8 its second half is an "IRQ stack" 1 MiB above.
 * flags: 1 the 6.3+ entry layout, 2 the start ip is exact (signal),
 *        4 no fallbacks, 8 two stacks, 16 start with full registers
 *        (read from the stack's first words).
 * Seeds (PYKDUMP_FUZZ_RECORD=FILE, needs PYKDUMP_FUZZ_SAMPLE): the
 * sample's panic task stack and the vmlinux ORC entries around each
 * frame of its backtrace.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unwind/unwind_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct orc_hdr {
	uint64_t ip_addr, ip, sp, bp, stack_lo;
	uint32_t n, flags;
};

#define MAX_STACK (64u << 10)

struct fz {
	struct kd_orc_layout layout;
	struct kd_orc_table t;
	const uint8_t *stack;
	size_t stack_len;
	struct kd_stack_area areas[2];
	size_t nareas;
};

static struct kd_error *env_read(void *arg, uint64_t addr, void *buf,
				 size_t len)
{
	struct fz *z = arg;
	for (size_t i = 0; i < z->nareas; i++) {
		const struct kd_stack_area *a = &z->areas[i];
		if (addr >= a->lo && addr < a->hi && len <= a->hi - addr) {
			/* area 1 holds the second half of the bytes */
			size_t base = i ? z->stack_len / 2 : 0;
			memcpy(buf, z->stack + base + (addr - a->lo), len);
			return NULL;
		}
	}
	return kd_error_fault(KD_ERR_FAULT, addr, "fuzz stack: %#llx",
			      (unsigned long long)addr);
}

static int env_stack_of(void *arg, uint64_t addr, struct kd_stack_area *r)
{
	struct fz *z = arg;
	for (size_t i = 0; i < z->nareas; i++)
		if (addr >= z->areas[i].lo && addr < z->areas[i].hi) {
			*r = z->areas[i];
			return 1;
		}
	return 0;
}

static int env_orc(void *arg, uint64_t ip, struct kd_orc_entry *e)
{
	struct fz *z = arg;
	return kd_orc_find(&z->layout, &z->t, ip, e);
}

static int env_is_text(void *arg, uint64_t ip)
{
	struct fz *z = arg;
	return ip >= z->t.text_lo && ip < z->t.text_hi;
}

static int env_is_call_site(void *arg, uint64_t ra)
{
	return env_is_text(arg, ra) && (ra * 0x9e3779b97f4a7c15ull) >> 62;
}

static void layout_new(struct kd_orc_layout *l)
{
	/* 6.3+: sp_reg:4 bp_reg:4 type:3 signal:1 after two s16 */
	memset(l, 0, sizeof(*l));
	l->entry_size = 6;
	l->sp_reg = (struct kd_orc_field){ 32, 4 };
	l->bp_reg = (struct kd_orc_field){ 36, 4 };
	l->type = (struct kd_orc_field){ 40, 3 };
	l->signal = (struct kd_orc_field){ 43, 1 };
	l->new_types = 1;
}

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orc_hdr h;
	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	size_t n = h.n;
	if (n > size / 10)
		n = size / 10;
	struct fz z;
	memset(&z, 0, sizeof(z));
	if (h.flags & 1)
		layout_new(&z.layout);
	else
		kd_orc_layout_default(&z.layout);
	/* own copies, exactly sized, so ASan sees any overread */
	z.t.ips = malloc(n * 4 + 1);
	z.t.entries = malloc(n * 6 + 1);
	if (!z.t.ips || !z.t.entries)
		goto out;
	memcpy(z.t.ips, data, n * 4);
	memcpy(z.t.entries, data + n * 4, n * 6);
	z.t.n = n;
	z.t.ip_addr = h.ip_addr;
	data += n * 10;
	size -= n * 10;
	if (n) {
		kd_orc_detect_regs(&z.layout, &z.t);
		z.t.text_lo = kd_orc_ip(&z.t, 0);
		z.t.text_hi = kd_orc_ip(&z.t, n - 1) + 4096;
		for (size_t i = 0; i < n && i < 256; i++) {
			struct kd_orc_entry e;
			kd_orc_decode(&z.layout, &z.t, i, &e);
			sink += e.sp_reg + e.type;
			if (kd_orc_find(&z.layout, &z.t, kd_orc_ip(&z.t, i),
					&e))
				sink += e.bp_reg;
		}
	}
	z.stack_len = size < MAX_STACK ? size : MAX_STACK;
	uint8_t *stack = malloc(z.stack_len + 1);
	if (!stack)
		goto out;
	memcpy(stack, data, z.stack_len);
	z.stack = stack;
	uint64_t lo = h.stack_lo & ~7ull;
	if (h.flags & 8) {
		z.areas[0] = (struct kd_stack_area){ lo, lo + z.stack_len / 2,
						     "", -1 };
		z.areas[1] = (struct kd_stack_area){
			lo + (1u << 20),
			lo + (1u << 20) + (z.stack_len - z.stack_len / 2),
			"IRQ stack", 0 };
		z.nareas = 2;
	} else {
		z.areas[0] = (struct kd_stack_area){ lo, lo + z.stack_len, "",
						     -1 };
		z.nareas = 1;
	}
	if (z.areas[0].hi < z.areas[0].lo || (z.nareas == 2 &&
					       z.areas[1].hi < z.areas[1].lo))
		goto out_stack;	/* wraps the address space */
	struct kd_unwind_env env = {
		.arg = &z, .read = env_read, .stack_of = env_stack_of,
		.orc = env_orc, .is_text = env_is_text,
		.is_call_site = env_is_call_site,
		.ptregs_size = 168, .ptregs_ip_off = 128,
		.max_frames = 256, .no_fallback = !!(h.flags & 4),
	};
	struct kd_unwind_start st;
	memset(&st, 0, sizeof(st));
	st.ip = h.ip;
	st.sp = h.sp;
	st.bp = h.bp;
	st.signal = !!(h.flags & 2);
	st.frame0_sp = h.sp;
	if ((h.flags & 16) && z.stack_len >= sizeof(st.regs)) {
		memcpy(st.regs, z.stack, sizeof(st.regs));
		st.full_regs = 1;
	}
	struct kd_frame *frames = NULL;
	size_t nf = 0;
	char *why = NULL;
	struct kd_error *err = kd_unwinder_run(&env, &st, &frames, &nf, &why);
	if (!err) {
		if (nf > 256 + 16)
			__builtin_trap();	/* max_frames must bound it */
		for (size_t i = 0; i < nf; i++)
			sink += frames[i].ip + frames[i].sp;
		if (why)
			sink += strlen(why);
	}
	kd_error_destroy(err);
	free(frames);
	free(why);
out_stack:
	free(stack);
out:
	free(z.t.ips);
	free(z.t.entries);
	return 0;
}

/* ---- seeds from the sample ---- */

#include <pykdump/memory.h>
#include <pykdump/tasks.h>

static void die(const char *what, struct kd_error *err)
{
	fprintf(stderr, "fuzz_orc seed: %s: %s\n", what,
		err ? err->message : "failed");
	exit(1);
}

/* The last entry whose ip <= ip, or n. */
static size_t entry_of(const struct kd_orc_table *t, uint64_t ip)
{
	if (!t->n || ip < kd_orc_ip(t, 0))
		return t->n;
	size_t lo = 0, hi = t->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (kd_orc_ip(t, mid) <= ip)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void record(const char *out, const char *dir)
{
	static char dump[4096], vmlinux[4096];
	snprintf(dump, sizeof(dump), "%s/vmcore.kdump", dir);
	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux", dir);
	const char *files[] = { dump };
	struct kd_session_options o = { .files = files, .nfiles = 1,
					.vmlinux = vmlinux };
	struct kd_session *s;
	struct kd_error *err = kd_session_open(&o, &s);
	if (err)
		die("open", err);
	uint64_t task = kd_panic_task(s);
	if (!task)
		die("no panic task", NULL);
	struct kd_backtrace *bt;
	if ((err = kd_unwind_task(s, task, NULL, &bt)))
		die("backtrace", err);
	struct kd_unwind_ctx *c;
	if ((err = kd_unwind_ctx_get(s, &c)))
		die("unwind context", err);
	const char *why = kd_unwind_orc_load(c);
	if (why)
		die(why, NULL);
	const struct kd_orc_table *t = &c->vmlinux_orc;
	struct kd_stack_area area;
	if ((err = kd_unwind_task_stack_area(s, task, &area)))
		die("stack area", err);
	size_t slen = area.hi - area.lo;
	if (slen > MAX_STACK)
		die("stack too large", NULL);
	uint8_t *stack = malloc(slen);
	if (!stack || (err = kd_read_kvaddr(s, area.lo, stack, slen)))
		die("stack", err);
	/* entries within 16 of each frame's */
	uint8_t *keep = calloc(t->n + 1, 1);
	for (size_t i = 0; i < bt->nframes; i++) {
		size_t e = entry_of(t, bt->frames[i].ip - 1);
		if (e >= t->n)
			continue;
		for (size_t k = e > 16 ? e - 16 : 0; k < t->n && k <= e + 16; k++)
			keep[k] = 1;
	}
	size_t n = 0;
	for (size_t k = 0; k < t->n; k++)
		n += keep[k];
	if (!n)
		die("no ORC entries for the backtrace", NULL);
	int32_t *ips = malloc(n * 4);
	uint8_t *ents = malloc(n * 6);
	uint64_t ip_addr = 0;
	size_t j = 0;
	for (size_t k = 0; k < t->n; k++) {
		if (!keep[k])
			continue;
		uint64_t ip = kd_orc_ip(t, k);
		if (!j)
			ip_addr = ip;
		ips[j] = (int32_t)(int64_t)(ip - (ip_addr + 4 * (uint64_t)j));
		memcpy(ents + 6 * j, t->entries + k * c->layout.entry_size, 6);
		j++;
	}
	struct orc_hdr h = {
		.ip_addr = ip_addr, .ip = bt->frames[0].ip,
		.sp = bt->frames[0].sp, .bp = 0, .stack_lo = area.lo,
		.n = (uint32_t)n,
		.flags = c->layout.new_types ? 1 : 0,
	};
	FILE *f = fopen(out, "wb");
	if (!f)
		die(out, NULL);
	fwrite(&h, sizeof(h), 1, f);
	fwrite(ips, 4, n, f);
	fwrite(ents, 6, n, f);
	fwrite(stack, 1, slen, f);
	fclose(f);
	fprintf(stderr, "fuzz_orc seed: %zu frames, %zu entries, %zu stack "
		"bytes\n", bt->nframes, n, slen);
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	const char *out = getenv("PYKDUMP_FUZZ_RECORD");
	if (out && *out) {
		const char *dir = getenv("PYKDUMP_FUZZ_SAMPLE");
		if (!dir || !*dir) {
			fprintf(stderr, "fuzz_orc: record mode needs "
				"PYKDUMP_FUZZ_SAMPLE (the sample directory)\n");
			exit(1);
		}
		record(out, dir);
	}
	return 0;
}
