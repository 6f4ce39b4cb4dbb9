// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem -s / -S: the SLUB caches as crash 8.0.6 prints them.
 *
 *   CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME
 *   ffff8b9e4232cb00      128         16        21      1     4k  bio-128
 *
 * -S adds, per cache: each CPU's kmem_cache_cpu, its CPU slab with every
 * object (" ADDR  (cpu N cache)" free, "[ADDR]" allocated) and its CPU
 * partial slabs (objects listed too); each node's kmem_cache_node with
 * its partial slabs (one line each) and its full slabs (only when the
 * cache has SLAB_STORE_USER: "(not tracked)" otherwise).  A slab line:
 *
 *     SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE
 *     fffff8df400a5280  ffff8b9e4294a000     0     21         16     5
 *
 * The numbers come from lib/kernel/slab.h (kd_slab_cache_counts and the
 * object states); a slab whose free list is corrupt is reported with
 * crash's "NAME: slab: ADDR ..." error and its objects left out.
 *
 * 7.0+ SLUB has no CPU slabs (crash 8.0.6 cannot read such a kernel):
 * -S gives each CPU's sheaves instead, "CPU N SHEAVES: ADDR" then its
 * main, spare and rcu_free sheaves ("main: ADDR  N objects" and the
 * objects, " ADDR  (cpu N sheaf)" free, "[ADDR]" for the rcu_free
 * sheaf's, which wait for an RCU grace period), and after each node's
 * partial slabs its barn's full sheaves ("NODE N BARN: ADDR  N full
 * sheaves", " ADDR  (barn)").  A slab's objects in a sheaf are free.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/slab.h>
#include <pykdump/zone.h>

#include "cmd_util.h"
#include "kmem.h"

static const char cache_hdr[] =
	"CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n";
static const char slab_hdr[] =
	"SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n";

struct slab_view {
	struct kd_cmd_ctx *ctx;
	const struct kmem_slab_req *r;
	unsigned ncpus;
	int *node_ids;			/* the nodes, in order */
	size_t nnodes;
	int rc;
};

/* ---- one cache's line ---- */

static void cache_row(struct slab_view *v, const struct kd_slab_cache *c)
{
	struct kd_slab_counts n;
	uint64_t psz = kd_page_size(v->ctx->s);
	struct kd_error *err = kd_slab_cache_counts(v->ctx->s, c, &n);
	if (err) {
		v->rc = kd_cmd_error(v->ctx, "%s: cannot gather relevant slab "
				     "data: %s", c->name, err->message);
		kd_error_destroy(err);
	}
	fprintf(v->ctx->out, "%-16" PRIx64 " %8u  ", c->addr, c->object_size);
	if (err)
		fprintf(v->ctx->out, "%9s  %8s  %5s  ", "?", "?", "?");
	else
		fprintf(v->ctx->out, "%9" PRIu64 "  %8" PRIu64 "  %5" PRIu64
			"  ", n.allocated, n.total, n.slabs);
	fprintf(v->ctx->out, "%4" PRIu64 "k  %s\n", (psz << c->order) / 1024,
		c->name);
}

static int ignored(const char *list, const char *name)
{
	if (!list)
		return 0;
	size_t len = strlen(name);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ", ");
		if (n == len && !strncmp(p, name, n))
			return 1;
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

/* ---- one slab ---- */

static void slab_row(struct slab_view *v, const struct kd_slab *sl,
		     unsigned inuse)
{
	fprintf(v->ctx->out, "  %-16" PRIx64 "  %-16" PRIx64 "  %4d  %5u  "
		"%9u  %4u\n", sl->addr, sl->mem, sl->node, sl->objects, inuse,
		sl->objects - inuse);
}

/* 7.0+: the objects in the cache's sheaves (an error is said; the
 * objects then look allocated). */
static void sheaf_objects(struct slab_view *v, const struct kd_slab_cache *c,
			  struct kd_slab_sheaf_obj **objs, size_t *n)
{
	struct kd_error *err = kd_slab_sheaf_objects(v->ctx->s, c, objs, n);
	if (err)
		v->rc = kd_cmd_error(v->ctx, "%s: sheaves: %s", c->name,
				     err->message);
	kd_error_destroy(err);
}

/* The CPU whose slab this is, and its CPU freelist (crash looks at
 * every CPU for it, whichever list the slab was found on). */
static int cpu_of(struct slab_view *v, const struct kd_slab_cache *c,
		  uint64_t slab, uint64_t *freelist)
{
	*freelist = 0;
	for (unsigned i = 0; i < v->ncpus; i++) {
		struct kd_slab_cpu pc;
		struct kd_error *err = kd_slab_cpu_read(v->ctx->s, c, i, &pc);
		kd_error_destroy(err);
		if (!err && pc.slab == slab) {
			*freelist = pc.freelist;
			return (int)i;
		}
	}
	return -1;
}

/*
 * A slab: verbose, its line under a header and its objects (only the one
 * holding only_addr when that is not 0); else its line alone.
 * 0 on success, -1 when it could not be shown (error printed).
 */
static int show_slab(struct slab_view *v, const struct kd_slab_cache *c,
		     uint64_t slab, int verbose, uint64_t only_addr)
{
	struct kd_cmd_ctx *ctx = v->ctx;
	struct kd_slab sl;
	struct kd_error *err = kd_slab_read(ctx->s, slab, &sl);
	if (err) {
		v->rc = kd_cmd_error(ctx, "%s: invalid slab address: %" PRIx64
				     " (%s)", c->name, slab, err->message);
		kd_error_destroy(err);
		return -1;
	}
	if (verbose)
		fprintf(ctx->out, "  %s", slab_hdr);
	if (!sl.objects || sl.objects > 65535) {
		v->rc = kd_cmd_error(ctx, "%s: slab: %" PRIx64 " invalid "
				     "page.objects: %u", c->name, slab,
				     sl.objects);
		return -1;
	}
	if (!verbose) {
		slab_row(v, &sl, sl.inuse);
		return 0;
	}
	uint64_t cpu_freelist = 0;
	int cpu = c->sheaves ? -1 : cpu_of(v, c, slab, &cpu_freelist);
	struct kd_slab_sheaf_obj *shv = NULL;
	size_t nsh = 0;
	if (c->sheaves)
		sheaf_objects(v, c, &shv, &nsh);
	uint8_t *st = malloc(sl.objects);
	if (!st) {
		free(shv);
		v->rc = kd_cmd_fail(ctx, &kd_error_nomem);
		return -1;
	}
	err = kd_slab_object_states(ctx->s, c, &sl, cpu_freelist, st);
	unsigned inuse = sl.inuse;
	for (unsigned i = 0; nsh && i < sl.objects; i++)
		if (st[i] == KD_SLAB_OBJ_INUSE &&
		    kd_slab_sheaf_find(shv, nsh, kd_slab_object(c, &sl, i)))
			st[i] = KD_SLAB_OBJ_CPU_FREE;
	if (cpu >= 0 || nsh) {
		unsigned nfree = 0;
		for (unsigned i = 0; i < sl.objects; i++)
			nfree += st[i] != KD_SLAB_OBJ_INUSE;
		inuse = sl.objects - nfree;
	}
	slab_row(v, &sl, inuse);
	fprintf(ctx->out, "  FREE / [ALLOCATED]\n");
	if (err) {
		v->rc = kd_cmd_fail(ctx, err);
		free(st);
		free(shv);
		return -1;
	}
	for (unsigned i = 0; i < sl.objects; i++) {
		uint64_t p = sl.mem + (uint64_t)i * c->size;
		if (only_addr && (only_addr < p || only_addr >= p + c->size))
			continue;
		uint64_t obj = kd_slab_object(c, &sl, i);
		const struct kd_slab_sheaf_obj *o;
		if (st[i] == KD_SLAB_OBJ_INUSE)
			fprintf(ctx->out, "  [%" PRIx64 "]\n", obj);
		else if ((o = kd_slab_sheaf_find(shv, nsh, obj)) &&
			 o->cpu >= 0)
			fprintf(ctx->out, "   %" PRIx64 "  (cpu %d sheaf)\n",
				obj, o->cpu);
		else if (o)
			fprintf(ctx->out, "   %" PRIx64 "  (barn)\n", obj);
		else if (cpu >= 0)
			fprintf(ctx->out, "   %" PRIx64 "  (cpu %d cache)\n",
				obj, cpu);
		else
			fprintf(ctx->out, "   %" PRIx64 "  \n", obj);
	}
	free(st);
	free(shv);
	return 0;
}

/* ---- one cache, -S ---- */

static void cpu_partial(struct slab_view *v, const struct kd_slab_cache *c,
			unsigned cpu, uint64_t first)
{
	struct kd_addr_list l;
	fprintf(v->ctx->out, "CPU %u PARTIAL:\n%s", cpu,
		first ? "" : "  (empty)\n");
	struct kd_error *err = kd_slab_cpu_partial(v->ctx->s, first, &l);
	for (size_t i = 0; i < l.n; i++) {
		if (!kd_is_page_ptr(v->ctx->s, l.addrs[i])) {
			v->rc = kd_cmd_error(v->ctx, "%s: invalid partial list "
					     "slab pointer: %" PRIx64, c->name,
					     l.addrs[i]);
			break;
		}
		if (show_slab(v, c, l.addrs[i], 1, 0))
			break;
	}
	if (err && first) {
		v->rc = kd_cmd_error(v->ctx, "%s: CPU %u partial list: %s",
				     c->name, cpu, err->message);
	}
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

static int cpu_wanted(const struct slab_view *v, unsigned cpu)
{
	return !v->r->cpus || (cpu < v->r->ncpus_mask && v->r->cpus[cpu]);
}

/* 7.0+: one sheaf, "what: ADDR  N objects" and its objects (free: "
 * ADDR  (label)"; allocated: "[ADDR]"). */
static void sheaf(struct slab_view *v, const struct kd_slab_cache *c,
		  const char *what, uint64_t addr, const char *label,
		  int allocated)
{
	struct kd_cmd_ctx *ctx = v->ctx;
	unsigned n = 0;
	if (!addr) {
		fprintf(ctx->out, "  %s: (none)\n", what);
		return;
	}
	struct kd_error *err = kd_slab_sheaf_read(ctx->s, c, addr, NULL, 0,
						  &n);
	uint64_t *objs = NULL;
	if (!err && n && !(objs = malloc((size_t)n * sizeof(*objs))))
		err = &kd_error_nomem;
	if (!err && n)
		err = kd_slab_sheaf_read(ctx->s, c, addr, objs, n, &n);
	if (err) {	/* the message names the cache and the sheaf */
		v->rc = kd_cmd_error(ctx, "%s (%s): %s", what, label,
				     err->message);
		kd_error_destroy(err);
		free(objs);
		return;
	}
	fprintf(ctx->out, "  %s: %" PRIx64 "  %u object%s\n", what, addr, n,
		n == 1 ? "" : "s");
	for (unsigned i = 0; i < n; i++) {
		if (allocated)
			fprintf(ctx->out, "  [%" PRIx64 "]\n", objs[i]);
		else
			fprintf(ctx->out, "   %" PRIx64 "  (%s)\n", objs[i],
				label);
	}
	free(objs);
}

static void cpu_sheaves(struct slab_view *v, const struct kd_slab_cache *c)
{
	struct kd_cmd_ctx *ctx = v->ctx;
	for (unsigned i = 0; i < v->ncpus; i++) {
		struct kd_slab_sheaves pcs;
		char label[32];
		if (!cpu_wanted(v, i))
			continue;
		struct kd_error *err = kd_slab_sheaves_read(ctx->s, c, i, &pcs);
		if (err) {
			v->rc = kd_cmd_fail(ctx, err);
			continue;
		}
		if (!pcs.addr) {
			fprintf(ctx->out, "CPU %u SHEAVES:\n  (none)\n", i);
			continue;
		}
		fprintf(ctx->out, "CPU %u SHEAVES: %" PRIx64 "\n", i, pcs.addr);
		snprintf(label, sizeof(label), "cpu %u sheaf", i);
		sheaf(v, c, "main", pcs.main, label, 0);
		sheaf(v, c, "spare", pcs.spare, label, 0);
		sheaf(v, c, "rcu_free", pcs.rcu_free, label, 1);
		if ((err = kd_cancel_check())) {
			v->rc = kd_cmd_fail(ctx, err);
			return;
		}
	}
}

static void barn(struct slab_view *v, const struct kd_slab_cache *c,
		 int nid, uint64_t addr)
{
	struct kd_addr_list l;
	struct kd_error *err = kd_slab_barn_full(v->ctx->s, addr, &l);
	fprintf(v->ctx->out, "NODE %d BARN: %" PRIx64 "  %zu full %s\n",
		nid, addr, l.n, l.n == 1 ? "sheaf" : "sheaves");
	for (size_t i = 0; i < l.n; i++)
		sheaf(v, c, "sheaf", l.addrs[i], "barn", 0);
	if (err)
		v->rc = kd_cmd_error(v->ctx, "%s: barn %" PRIx64 ": %s",
				     c->name, addr, err->message);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

static void cpus(struct slab_view *v, const struct kd_slab_cache *c,
		 uint64_t *per_node)
{
	struct kd_cmd_ctx *ctx = v->ctx;
	if (c->sheaves) {
		cpu_sheaves(v, c);
		return;
	}
	for (unsigned i = 0; i < v->ncpus; i++) {
		struct kd_slab_cpu pc;
		if (!cpu_wanted(v, i))
			continue;
		struct kd_error *err = kd_slab_cpu_read(ctx->s, c, i, &pc);
		if (err) {
			v->rc = kd_cmd_fail(ctx, err);
			continue;
		}
		fprintf(ctx->out, "CPU %u KMEM_CACHE_CPU:\n  %" PRIx64 "\n", i,
			pc.addr);
		fprintf(ctx->out, "CPU %u SLAB:\n%s", i,
			pc.slab ? "" : "  (empty)\n");
		if (pc.slab) {
			struct kd_slab sl;
			err = kd_slab_read(ctx->s, pc.slab, &sl);
			for (size_t n = 0; !err && n < v->nnodes; n++)
				per_node[n] += v->node_ids[n] == sl.node;
			kd_error_destroy(err);
			if (show_slab(v, c, pc.slab, 1, 0))
				continue;
		}
		cpu_partial(v, c, i, pc.partial);
		if ((err = kd_cancel_check())) {
			v->rc = kd_cmd_fail(ctx, err);
			return;
		}
	}
}

static void node_list(struct slab_view *v, const struct kd_slab_cache *c,
		      int nid, const char *what, uint64_t head)
{
	struct kd_addr_list l;
	struct kd_error *err = kd_slab_node_list(v->ctx->s, head, KD_WALK_NOLOG,
						 &l);
	fprintf(v->ctx->out, "NODE %d %s:\n%s", nid,
		!strcmp(what, "partial") ? "PARTIAL" : "FULL",
		l.n || err ? "" : "  (empty)\n");
	for (size_t i = 0; i < l.n; i++) {
		if (!i)
			fprintf(v->ctx->out, "  %s", slab_hdr);
		if (!kd_is_page_ptr(v->ctx->s, l.addrs[i])) {
			v->rc = kd_cmd_error(v->ctx, "%s: invalid %s list slab "
					     "pointer: %" PRIx64, c->name, what,
					     l.addrs[i]);
			break;
		}
		if (show_slab(v, c, l.addrs[i], 0, 0))
			break;
	}
	if (err)
		v->rc = kd_cmd_error(v->ctx, "%s: %s list: %s", c->name, what,
				     err->message);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

static void nodes(struct slab_view *v, const struct kd_slab_cache *c,
		  const uint64_t *per_node)
{
	struct kd_cmd_ctx *ctx = v->ctx;
	for (size_t n = 0; n < v->nnodes; n++) {
		struct kd_slab_node nd;
		int nid = v->node_ids[n];
		struct kd_error *err = kd_slab_node_read(ctx->s, c, nid, &nd);
		if (err) {
			v->rc = kd_cmd_fail(ctx, err);
			break;
		}
		fprintf(ctx->out, "KMEM_CACHE_NODE   NODE  SLABS  PARTIAL  "
			"PER-CPU\n%-16" PRIx64 "  %4d  %5" PRIu64 "  %7" PRIu64
			"  %7" PRIu64 "\n", nd.addr, nid, nd.nr_slabs,
			nd.nr_partial, per_node[n]);
		if (!nd.addr)
			continue;
		node_list(v, c, nid, "partial", nd.partial);
		if (c->sheaves && nd.barn)
			barn(v, c, nid, nd.barn);
		if (!c->store_user || !kd_present(nd.full))
			fprintf(ctx->out, "NODE %d FULL:\n  (not tracked)\n", nid);
		else
			node_list(v, c, nid, "full", nd.full);
	}
	fputc('\n', ctx->out);
}

static void verbose_cache(struct slab_view *v, const struct kd_slab_cache *c)
{
	uint64_t *per_node = calloc(v->nnodes ? v->nnodes : 1, sizeof(*per_node));
	if (!per_node) {
		v->rc = kd_cmd_fail(v->ctx, &kd_error_nomem);
		return;
	}
	cpus(v, c, per_node);
	nodes(v, c, per_node);
	free(per_node);
}

/* ---- requests ---- */

static int view_init(struct slab_view *v, struct kd_cmd_ctx *ctx,
		     const struct kmem_slab_req *r)
{
	struct kd_node *nd;
	size_t nn;
	memset(v, 0, sizeof(*v));
	v->ctx = ctx;
	v->r = r;
	v->ncpus = kd_percpu_count(ctx->s);
	struct kd_error *err = kd_mm_nodes(ctx->s, &nd, &nn);
	if (err) {	/* the per-node lists are left out: partial */
		kd_cmd_lost(kd_error_prefix(err, "memory nodes"));
		nn = 0;
		nd = NULL;
	}
	v->nnodes = nn ? nn : 1;
	if (!(v->node_ids = calloc(v->nnodes, sizeof(int)))) {
		free(nd);
		return kd_cmd_fail(ctx, &kd_error_nomem);
	}
	for (size_t i = 0; i < nn; i++)
		v->node_ids[i] = nd[i].id;
	free(nd);
	return 0;
}

static int read_cache(struct slab_view *v, uint64_t addr,
		      struct kd_slab_cache *c)
{
	struct kd_error *err = kd_slab_cache_read(v->ctx->s, addr, c);
	if (err) {
		v->rc = kd_cmd_fail(v->ctx, err);
		return -1;
	}
	return 0;
}

static void one_cache(struct slab_view *v, const struct kd_slab_cache *c,
		      int verbose)
{
	if (ignored(v->r->ignore, c->name)) {
		fprintf(v->ctx->out, "%" PRIx64 " %-43s  %s\n", c->addr,
			"[IGNORED]", c->name);
		return;
	}
	cache_row(v, c);
	if (verbose)
		verbose_cache(v, c);
}

static void all_caches(struct slab_view *v)
{
	struct kd_addr_list l;
	struct kd_error *err = kd_slab_caches(v->ctx->s, &l);
	if (err && !l.n) {
		v->rc = kd_cmd_fail_what(v->ctx, "slab_caches", err);
		kd_addr_list_free(&l);
		return;
	}
	fputs(cache_hdr, v->ctx->out);
	for (size_t i = 0; i < l.n; i++) {
		struct kd_slab_cache c;
		struct kd_error *e2 = kd_cancel_check();
		if (e2) {
			v->rc = kd_cmd_fail(v->ctx, e2);
			break;
		}
		if (read_cache(v, l.addrs[i], &c))
			continue;
		one_cache(v, &c, v->r->verbose);
		if (v->r->verbose && i + 1 < l.n)
			fputs(cache_hdr, v->ctx->out);
	}
	if (err)
		v->rc = kd_cmd_fail_what(v->ctx, "slab_caches", err);
	kd_addr_list_free(&l);
}

static void named_cache(struct slab_view *v, const char *name)
{
	uint64_t addr;
	struct kd_slab_cache c;
	struct kd_error *err = kd_slab_cache_find(v->ctx->s, name, &addr);
	if (err) {
		v->rc = kd_cmd_error(v->ctx, "invalid slab cache: %s", name);
		kd_error_destroy(err);
		return;
	}
	if (read_cache(v, addr, &c))
		return;
	fputs(cache_hdr, v->ctx->out);
	one_cache(v, &c, v->r->verbose);
}

/* A slab's struct page: its cache, 0 when page is not one. */
static uint64_t slab_page_cache(struct kd_session *s, uint64_t page)
{
	struct kd_page p;
	struct kd_slab sl;
	int pg_slab = kd_page_flag_bit(s, "PG_slab");
	if (!kd_is_page_ptr(s, page))
		return 0;
	struct kd_error *err = kd_page_read(s, page, &p);
	if (!err && pg_slab >= 0 && !((p.flags >> pg_slab) & 1))
		return 0;
	if (!err)
		err = kd_slab_read(s, page, &sl);
	kd_error_destroy(err);
	if (err || !kd_slab_is_cache(s, sl.cache))
		return 0;
	return sl.cache;
}

/* crash's warnings when an address cannot be looked up in the memory
 * map (printed, as crash does, before the lookup's own answer; on the
 * error stream: they are no part of the answer). */
static void lookup_warnings(struct kd_cmd_ctx *ctx, uint64_t vaddr)
{
	uint64_t paddr, page;
	struct kd_error *err = kd_kvtop(ctx->s, vaddr, &paddr);
	fflush(ctx->out);
	if (err) {
		fprintf(kd_cmd_errfile(ctx), "WARNING: cannot make virtual-"
			"to-physical translation: %" PRIx64 "\n", vaddr);
	} else if ((err = kd_pfn_to_page(ctx->s, paddr / kd_page_size(ctx->s),
					 &page))) {
		fprintf(kd_cmd_errfile(ctx), "WARNING: cannot find mem_map "
			"page for address: %" PRIx64 "\n", vaddr);
	}
	kd_error_destroy(err);
}

/* The cache, slab and object(s) of an address. */
static void address(struct slab_view *v, uint64_t addr, int verbose)
{
	struct kd_cmd_ctx *ctx = v->ctx;
	struct kd_slab_cache c;
	uint64_t slab, only = addr;
	uint64_t cache = slab_page_cache(ctx->s, addr);
	if (cache) {
		slab = addr;
		verbose = 1;
		only = 0;
	} else {
		struct kd_slab_addr sa;
		int found;
		struct kd_error *err = kd_slab_find(ctx->s, addr, &sa, &found);
		if (err) {
			v->rc = kd_cmd_fail(ctx, err);
			return;
		}
		if (!found) {
			lookup_warnings(ctx, addr);
			v->rc = kd_cmd_error(ctx, "address is not allocated in "
					     "slab subsystem: %" PRIx64, addr);
			return;
		}
		cache = sa.cache;
		slab = sa.slab;
	}
	if (read_cache(v, cache, &c))
		return;
	if (v->r->name && strcmp(v->r->name, c.name))
		kd_cmd_error(ctx, "ignoring pre-selected %s cache for address: "
			     "%" PRIx64, v->r->name, addr);
	fputs(cache_hdr, ctx->out);
	if (ignored(v->r->ignore, c.name)) {
		one_cache(v, &c, 0);
		return;
	}
	cache_row(v, &c);
	show_slab(v, &c, slab, 1, verbose ? 0 : only);
}

/* -I's caches must exist: crash passes over a name that is no cache,
 * and a mistyped one then shows that cache in full, as if ignored. */
static int check_ignored(struct kd_cmd_ctx *ctx, const char *list)
{
	int rc = 0;
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ", ");
		char name[256];
		uint64_t addr;
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		struct kd_error *err = kd_slab_cache_find(ctx->s, name, &addr);
		if (err) {
			kd_error_destroy(err);
			rc = kd_cmd_error(ctx, "-I: invalid slab cache: %s",
					  name);
		}
		p += n;
		p += strspn(p, ", ");
	}
	return rc;
}

int kmem_slab(struct kd_cmd_ctx *ctx, const struct kmem_slab_req *r)
{
	if (check_ignored(ctx, r->ignore))
		return 1;
	struct slab_view v;
	int rc = view_init(&v, ctx, r);
	if (rc)
		return rc;
	if (r->addr) {
		uint64_t addr = r->addr->value;
		uint64_t page;
		if (r->addr->phys) {
			struct kd_error *err = kd_pfn_to_page(
				ctx->s, addr / kd_page_size(ctx->s), &page);
			if (err) {
				kd_error_destroy(err);
				free(v.node_ids);
				return kd_cmd_error(ctx, "cannot make virtual-to-"
						    "physical translation: %"
						    PRIx64, addr);
			}
			addr = kd_ptov(ctx->s, addr);
		}
		if (kd_slab_is_cache(ctx->s, addr)) {
			struct kd_slab_cache c;
			if (r->name) {
				free(v.node_ids);
				return kd_cmd_error(ctx, "only one kmem_cache "
						    "reference is allowed");
			}
			if (!read_cache(&v, addr, &c)) {
				fputs(cache_hdr, ctx->out);
				one_cache(&v, &c, r->verbose);
			}
		} else {
			address(&v, addr, r->verbose);
		}
	} else if (r->name) {
		named_cache(&v, r->name);
	} else {
		all_caches(&v);
	}
	free(v.node_ids);
	return v.rc;
}

int kmem_slab_list(struct kd_cmd_ctx *ctx)
{
	struct kd_addr_list l;
	struct kd_error *err = kd_slab_caches(ctx->s, &l);
	for (size_t i = 0; i < l.n; i++) {
		uint64_t name;
		char buf[256] = "(unknown)";
		struct kd_error *e2 = kd_read_member_u64(ctx->s, l.addrs[i],
							 "kmem_cache", "name",
							 &name);
		if (!e2)
			e2 = kd_read_cstring(ctx->s, name, buf, sizeof(buf),
					     NULL);
		if (e2)
			strcpy(buf, "(unknown)");
		kd_error_destroy(e2);
		fprintf(ctx->out, "%" PRIx64 " %s\n", l.addrs[i], buf);
	}
	kd_addr_list_free(&l);
	if (err)
		return kd_cmd_fail_what(ctx, "slab_caches", err);
	return 0;
}

int kmem_slab_show_addr(struct kd_cmd_ctx *ctx, uint64_t vaddr)
{
	struct kd_slab_addr sa;
	int found;
	struct kd_error *err = kd_slab_find(ctx->s, vaddr, &sa, &found);
	if (err)
		return -kd_cmd_fail(ctx, err);
	if (!found) {
		lookup_warnings(ctx, vaddr);
		return 0;
	}
	struct kmem_slab_req r = { 0 };
	struct slab_view v;
	if (view_init(&v, ctx, &r))
		return -1;
	address(&v, vaddr, 0);
	free(v.node_ids);
	return v.rc ? -1 : 1;
}

int kmem_slab_show_page(struct kd_cmd_ctx *ctx, uint64_t page)
{
	if (!slab_page_cache(ctx->s, page))
		return 0;
	struct kmem_slab_req r = { 0 };
	struct slab_view v;
	if (view_init(&v, ctx, &r))
		return -1;
	address(&v, page, 1);
	free(v.node_ids);
	return v.rc ? -1 : 1;
}
