// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer: the pending timers of each CPU's timer wheel bases (4.8+), as
 * crash 8.0.6 prints them:
 *
 *   JIFFIES
 *   4294893459
 *
 *   TIMER_BASES[0][BASE_STD]: ffff89740f620980
 *     EXPIRES        TTE        TIMER_LIST     FUNCTION
 *     4294893476      17  ffffffff9d40c3e0  ffffffff9b85db90  <tcp_orphan_update>
 *
 * Kernel facts: timer_bases is a per-CPU array of struct timer_base, one
 * per enumerator before NR_BASES (BASE_STD, BASE_DEF; 6.9+ BASE_LOCAL,
 * BASE_GLOBAL, BASE_DEF); each base's vectors[] are hlist_heads of
 * timer_list.entry.  Timers are shown by expiry; TTE = expires - jiffies.
 *
 * timer -r: the hrtimers of each CPU's per-CPU hrtimer_bases (struct
 * hrtimer_cpu_base): each of its clock_base[] (struct hrtimer_clock_base)
 * holds its timers in the timerqueue rbtree active.rb_root (leftmost
 * first) of hrtimer.node (struct timerqueue_node {node, expires});
 * _softexpires is the start of the expiry range.  As crash: CURRENT is
 * the uptime in jiffies x (1e9 / HZ) plus the clock's offset, and the
 * SOFTEXPIRES, EXPIRES and TTE columns are as wide as the last timer's
 * values (numbers centred in them, TTE right-justified).
 * -C cpus restricts both forms to those CPUs.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/clock.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>
#include <pykdump/types.h>
#include <pykdump/vector.h>

#include "cmd_util.h"

#define MAX_TIMERS (1u << 20)
#define MAX_BASES 8

struct tmr {
	uint64_t expires, addr, func;
	size_t seq;		/* wheel order, to keep equal expiries stable */
};

struct timer_layout {
	uint64_t base_size, vectors, nvectors, entry, expires, function;
};

#define L struct timer_layout
#define R KD_LF_REQUIRED
static const struct kd_layout_field timer_fields[] = {
	KD_LF(L, base_size, "struct timer_base", NULL, KD_LF_SIZE | R),
	KD_LF(L, vectors, "struct timer_base", "vectors", R),
	/* WHEEL_SIZE = LVL_SIZE * LVL_DEPTH, from the DWARF bound */
	KD_LF(L, nvectors, "struct timer_base", "vectors", KD_LF_COUNT | R),
	KD_LF(L, entry, "struct timer_list", "entry", R),
	KD_LF(L, expires, "struct timer_list", "expires", R),
	KD_LF(L, function, "struct timer_list", "function", R),
};
#undef L
#undef R

struct timer_ctx {
	struct kd_cmd_ctx *ctx;
	uint64_t jiffies;
	struct timer_layout l;
	const char *base_name[MAX_BASES];
	int nbases;
};

static int by_expiry(const void *a, const void *b)
{
	const struct tmr *x = a, *y = b;
	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int digits(uint64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int push(struct tmr **v, size_t *n, size_t *cap)
{
	if (kd_array_reserve(v, cap, *n + 1))
		return -1;
	(*n)++;
	return 0;
}

/* Every timer of one base, in wheel order: each vector is an hlist of
 * timer_list.entry.  -1 when the wheel broke. */
static int collect(struct timer_ctx *t, uint64_t base, struct tmr **v,
		   size_t *n)
{
	struct kd_session *s = t->ctx->s;
	const struct timer_layout *l = &t->l;
	size_t cap = 0;
	*v = NULL;
	*n = 0;
	for (uint64_t i = 0; i < l->nvectors; i++) {
		struct kd_addr_list timers;
		if (*n >= MAX_TIMERS || kd_cancel_pending())
			return -1;
		struct kd_error *err = kd_hlist_walk(s, base + l->vectors +
						     8 * i, l->entry,
						     KD_WALK_NOLOG,
						     MAX_TIMERS - *n, &timers);
		for (size_t k = 0; !err && k < timers.n; k++) {
			if (push(v, n, &cap) < 0) {
				err = &kd_error_nomem;
				break;
			}
			struct tmr *e = &(*v)[*n - 1];
			e->addr = timers.addrs[k];
			e->seq = *n;
			if (kd_cmd_u64(s, e->addr, l->expires, &e->expires) < 0 ||
			    kd_cmd_ptr(s, e->addr, l->function, &e->func) < 0)
				err = kd_error_create(KD_ERR_FAULT, "timer");
		}
		kd_addr_list_free(&timers);
		if (err) {
			kd_error_destroy(err);
			return -1;
		}
	}
	return 0;
}

static void print_base(struct timer_ctx *t, int cpu, int b, uint64_t base)
{
	FILE *out = t->ctx->out;
	struct tmr *v;
	size_t n;
	int broken = collect(t, base, &v, &n);
	kd_qsort(v, n, sizeof(*v), by_expiry);
	fprintf(out, "TIMER_BASES[%d][%s]: %016" PRIx64 "\n", cpu,
		t->base_name[b], base);
	int ew = 7, tw = 4;
	for (size_t i = 0; i < n; i++) {
		int64_t tte = (int64_t)(v[i].expires - t->jiffies);
		if (digits(v[i].expires) > ew)
			ew = digits(v[i].expires);
		if (digits(tte < 0 ? -(uint64_t)tte : (uint64_t)tte) + 1 > tw)
			tw = digits(tte < 0 ? -(uint64_t)tte : (uint64_t)tte) + 1;
	}
	/* crash keeps "TTE" at its usual place and widens the gap after it */
	fprintf(out, "  %-*s  %*s%*s        TIMER_LIST     FUNCTION\n", ew,
		"EXPIRES", tw < 6 ? tw : 6, "TTE", tw > 6 ? tw - 6 : 0, "");
	for (size_t i = 0; i < n; i++) {
		char sym[256];
		const char *name = kd_cmd_symbol_name(t->ctx->s, v[i].func,
						      sym, sizeof(sym), 0);
		fprintf(out, "  %-*" PRIu64 "  %*" PRId64 "  %016" PRIx64
			"  %016" PRIx64 "  <%s>\n", ew, v[i].expires, tw,
			(int64_t)(v[i].expires - t->jiffies), v[i].addr,
			v[i].func, name ? name : "?");
	}
	if (broken)
		kd_cmd_error(t->ctx, "TIMER_BASES[%d][%s]: timer wheel could "
			     "not be read entirely", cpu, t->base_name[b]);
	free(v);
}

/*
 * The bases: as many as timer_bases' array holds.  Their names are
 * #defines in kernel/time/timer.c (no DWARF): BASE_STD and BASE_DEF
 * (NO_HZ_COMMON), BASE_STD alone without it, and BASE_LOCAL,
 * BASE_GLOBAL, BASE_DEF from 6.9.
 */
static int base_names(struct kd_session *s, struct timer_ctx *t)
{
	static const char *const names[][3] = {
		{ "BASE_STD" },
		{ "BASE_STD", "BASE_DEF" },
		{ "BASE_LOCAL", "BASE_GLOBAL", "BASE_DEF" },
	};
	struct kd_types *types;
	struct kd_variable var;
	uint64_t count = 0;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find_variable(types, "timer_bases", &var);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	struct kd_type *at = kd_type_strip(var.type, KD_STRIP_ALL);
	if (!kd_type_array_count(at, &count) || count < 1 || count > 3)
		return -1;
	t->nbases = (int)count;
	for (int i = 0; i < t->nbases; i++)
		t->base_name[i] = names[count - 1][i];
	return 0;
}

static int layout_get(struct kd_session *s, struct timer_ctx *t)
{
	struct kd_error *err = kd_layout_fill(s, timer_fields,
					      KD_ARRAY_SIZE(timer_fields), &t->l);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	return base_names(s, t);
}

/* ---- -r: hrtimers ---- */

struct hr_layout {
	uint64_t clock_base, nclock, cb_size, cb_active, cb_get_time;
	uint64_t cb_offset, tq_node, tq_expires, hr_node, hr_soft, hr_func;
};

#define L struct hr_layout
#define R KD_LF_REQUIRED
static const struct kd_layout_field hr_fields[] = {
	KD_LF(L, clock_base, "struct hrtimer_cpu_base", "clock_base", R),
	KD_LF(L, nclock, "struct hrtimer_cpu_base", "clock_base",
	      KD_LF_COUNT | R),
	KD_LF(L, cb_size, "struct hrtimer_clock_base", NULL, KD_LF_SIZE | R),
	KD_LF(L, cb_active, "struct hrtimer_clock_base", "active.rb_root", R),
	KD_LF(L, cb_get_time, "struct hrtimer_clock_base", "get_time", R),
	KD_LF(L, cb_offset, "struct hrtimer_clock_base", "offset", 0),
	KD_LF(L, tq_node, "struct timerqueue_node", "node", R),
	KD_LF(L, tq_expires, "struct timerqueue_node", "expires", R),
	KD_LF(L, hr_node, "struct hrtimer", "node", R),
	KD_LF(L, hr_soft, "struct hrtimer", "_softexpires", 0),
	KD_LF(L, hr_func, "struct hrtimer", "function", R),
};
#undef L
#undef R

/* crash's mkstring(CENTER|RJUST): the odd space on the left. */
static void centred(FILE *out, const char *s, int width)
{
	int extra = width - (int)strlen(s);
	if (extra <= 0) {
		fputs(s, out);
		return;
	}
	fprintf(out, "%*s%s%*s", extra - extra / 2, "", s, extra / 2, "");
}

static int numlen(int64_t v)
{
	char b[32];
	return snprintf(b, sizeof(b), "%" PRId64, v);
}

static void hr_clock(struct timer_ctx *t, const struct hr_layout *l,
		     uint64_t base, int clock, uint64_t uptime_ns)
{
	struct kd_session *s = t->ctx->s;
	FILE *out = t->ctx->out;
	uint64_t get_time = 0, offset = 0;
	char sym[256];
	kd_cmd_ptr(s, base, l->cb_get_time, &get_time);
	const char *gname = kd_cmd_symbol_name(s, get_time, sym, sizeof(sym), 0);
	fprintf(out, "  CLOCK: %d  HRTIMER_CLOCK_BASE: %" PRIx64 "  [%s]\n",
		clock, base, gname ? gname : "?");
	if (kd_present(l->cb_offset))
		kd_cmd_u64(s, base, l->cb_offset, &offset);
	int64_t now = (int64_t)(uptime_ns + offset);
	struct kd_addr_list nodes;
	struct kd_error *err = kd_rbtree_walk(s, base + l->cb_active, 0,
					      KD_WALK_NOLOG | KD_WALK_INORDER,
					      0, &nodes);
	if (!nodes.n) {
		fprintf(out, "  (empty)\n");
	} else {
		uint64_t last = nodes.addrs[nodes.n - 1] - l->tq_node - l->hr_node;
		uint64_t e = 0, sx = 0;
		kd_cmd_u64(s, last, l->hr_node + l->tq_expires, &e);
		kd_cmd_u64(s, last, l->hr_soft, &sx);
		int elen = numlen((int64_t)e), slen = numlen((int64_t)sx);
		int tlen = numlen((int64_t)e - now);
		int soft = kd_present(l->hr_soft);
		int w = soft ? (slen < 11 ? 11 : slen) : (elen < 7 ? 7 : elen);
		elen = elen < 7 ? 7 : elen;
		char nowbuf[32];
		snprintf(nowbuf, sizeof(nowbuf), "%" PRId64, now);
		fputs("  ", out);
		centred(out, "CURRENT", w);
		fputs("\n  ", out);
		centred(out, nowbuf, w);
		fputs("\n  ", out);
		if (soft) {
			centred(out, "SOFTEXPIRES", w);
			fputs("  ", out);
		}
		centred(out, "EXPIRES", elen);
		fputs("  ", out);
		centred(out, "TTE", tlen);
		fputs("      HRTIMER           FUNCTION    \n", out);
		for (size_t i = 0; i < nodes.n; i++) {
			uint64_t tm = nodes.addrs[i] - l->tq_node - l->hr_node;
			uint64_t func = 0;
			char b[32];
			e = sx = 0;
			kd_cmd_u64(s, tm, l->hr_node + l->tq_expires, &e);
			fputs("  ", out);
			if (soft) {
				kd_cmd_u64(s, tm, l->hr_soft, &sx);
				snprintf(b, sizeof(b), "%" PRId64, (int64_t)sx);
				centred(out, b, w);
				fputs("  ", out);
			}
			snprintf(b, sizeof(b), "%" PRId64, (int64_t)e);
			centred(out, b, elen);
			fprintf(out, "  %*" PRId64 "  %" PRIx64 "  ", tlen,
				(int64_t)e - now, tm);
			if (kd_cmd_ptr(s, tm, l->hr_func, &func) == 0) {
				const char *fn = kd_cmd_symbol_name(s, func, sym,
								    sizeof(sym), 0);
				fprintf(out, "%" PRIx64 "  <%s>", func,
					fn ? fn : "?");
			}
			fputc('\n', out);
		}
	}
	if (err) {
		kd_cmd_error(t->ctx, "HRTIMER_CLOCK_BASE %" PRIx64 ": %s", base,
			     err->message);
		kd_error_destroy(err);
	}
	kd_addr_list_free(&nodes);
}

static int hrtimers(struct timer_ctx *t, const unsigned char *cpus)
{
	struct hr_layout l;
	struct kd_session *s = t->ctx->s;
	uint64_t jiffies = 0;
	struct kd_error *err = kd_layout_fill(s, hr_fields,
					      KD_ARRAY_SIZE(hr_fields), &l);
	if (err)
		return kd_cmd_fail_what(t->ctx, "-r not supported on this "
					"kernel", err);
	int hz = kd_hz(s);
	if (!hz || !kd_uptime_jiffies(s, &jiffies))
		return kd_cmd_error(t->ctx, "cannot determine the uptime");
	uint64_t uptime_ns = jiffies * (1000000000ULL / (uint64_t)hz);
	int ncpus = kd_task_nr_cpus(s), shown = 0;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t base;
		if (cpus && !cpus[cpu])
			continue;
		err = kd_percpu_symbol(s, "hrtimer_bases", (unsigned)cpu, &base);
		if (err)
			return kd_cmd_fail_what(t->ctx, "hrtimer_bases", err);
		if (kd_cancel_pending())
			return 1;
		fprintf(t->ctx->out, "%sCPU: %d  HRTIMER_CPU_BASE: %" PRIx64 "\n",
			shown++ ? "\n" : "", cpu, base);
		for (uint64_t c = 0; c < l.nclock; c++) {
			if (c)
				fputc('\n', t->ctx->out);
			hr_clock(t, &l, base + l.clock_base + c * l.cb_size,
				 (int)c, uptime_ns);
		}
	}
	return 0;
}

static int timer_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct timer_ctx t = { .ctx = ctx };
	unsigned char *cpus = NULL;
	int c, rflag = 0, rc = 0;
	int ncpus = kd_task_nr_cpus(ctx->s);
	opterr = 0;
	while ((c = getopt(argc, argv, "rC:")) != -1) {
		if (c == 'r') {
			rflag = 1;
			continue;
		}
		if (c == 'C' && !cpus) {
			cpus = calloc(ncpus > 0 ? (size_t)ncpus : 1, 1);
			if (!cpus)
				return kd_cmd_error(ctx, "out of memory");
			if (kd_cmd_cpuspec(ctx, optarg, ncpus, cpus) < 0) {
				free(cpus);
				return 1;
			}
			continue;
		}
		free(cpus);
		if (c == 'C')
			return kd_cmd_error(ctx, "only one -C option allowed");
		if (optopt == 'C')
			return kd_cmd_error(ctx, "option -C needs an argument");
		return kd_cmd_bad_option(ctx, optopt);
	}
	if (optind < argc) {
		free(cpus);
		return kd_cmd_error(ctx, "unexpected argument: %s", argv[optind]);
	}
	if (rflag) {
		rc = hrtimers(&t, cpus);
		free(cpus);
		return rc;
	}
	if (layout_get(ctx->s, &t) < 0) {
		free(cpus);
		return kd_cmd_error(ctx, "no timer wheel (struct timer_base, "
				    "timer_bases) in this kernel");
	}
	struct kd_error *err = kd_read_symbol(ctx->s, "jiffies", &t.jiffies, 8);
	if (err) {
		free(cpus);
		return kd_cmd_fail_what(ctx, "jiffies", err);
	}
	fprintf(ctx->out, "%-*s\n%" PRIu64 "\n", digits(t.jiffies), "JIFFIES",
		t.jiffies);
	for (int cpu = 0; cpu < ncpus && !rc; cpu++) {
		uint64_t bases;
		if (cpus && !cpus[cpu])
			continue;
		err = kd_percpu_symbol(ctx->s, "timer_bases", (unsigned)cpu,
				       &bases);
		if (err) {
			kd_error_destroy(err);
			rc = kd_cmd_error(ctx, "cannot find timer_bases of CPU %d",
					  cpu);
			break;
		}
		if (kd_cancel_pending()) {
			rc = 1;	/* the shell reports it */
			break;
		}
		fputc('\n', ctx->out);
		for (int b = 0; b < t.nbases; b++)
			print_base(&t, cpu, b, bases + b * t.l.base_size);
	}
	free(cpus);
	return rc;
}

const struct kd_command kd_cmd_timer = {
	.name = "timer",
	.summary = "timer queue data",
	.usage =
		"SYNOPSIS\n"
		"  timer [-r] [-C cpus]\n"
		"\n"
		"DESCRIPTION\n"
		"  Shows jiffies, then for each CPU and timer wheel base\n"
		"  (TIMER_BASES[cpu][BASE_STD], [BASE_DEF] ...) its pending\n"
		"  timers by expiry: the expiry in jiffies, the time to expiry\n"
		"  (TTE, negative when overdue), the struct timer_list and its\n"
		"  function.\n"
		"    -r  the hrtimers of each CPU's clock bases, by expiry\n"
		"    -C cpus  only these CPUs (\"1\", \"0,1\", \"0-1\")\n",
	.run = timer_run,
	.needs_vmlinux = 1,
};
