// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem: kernel memory, as crash 8.0.6's kmem.  This file reads the
 * options and arguments the way crash does and hands each part to
 * kmem_*.c (see kmem.h):
 *
 *   one option of -f -F -i -v -V -n -z -o -h -p -m -s -S -g (crash:
 *   "only one flag allowed!"), with -I and -P as modifiers;
 *   arguments: hexadecimal numbers are addresses (virtual when in the
 *   kernel's half, else physical; -P: physical), anything else a slab
 *   cache name (-s/-S only, "\NAME" for a name that looks like a
 *   number, "list" for the cache list);
 *   each address is handed to the option given (-f, -p, -s/-S, -v, -g),
 *   or, with none, searched for (kmem ADDR: what the address is).
 *
 * Options of crash that do not apply to kernels this tool reads (-c/-C:
 * the page hash table of 2.4; -l/-L: the LRU lists of 2.6.x; -r: memcg
 * root caches, removed in 5.9) give crash's "not supported" errors.
 * Every error is a failure: status 1, crash's "kmem: ..." message.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>

#include "cmd_util.h"
#include "kmem.h"

#define MAX_ADDRS 64
#define MAX_CPUS 8192
#define KERNEL_HALF 0xffff800000000000ULL

int kmem_header_printed;

char *kmem_just(char *buf, size_t size, int width, int how, const char *s)
{
	size_t len = strlen(s);
	if (!size)
		return buf;
	if ((int)len >= width || width <= 0 || (size_t)width >= size) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	int extra = width - (int)len, left = 0;
	switch (how) {
	case KJ_RIGHT:
		left = extra;
		break;
	case KJ_CENTER:
		left = extra / 2;
		break;
	case KJ_CENTER_R:
		left = extra - extra / 2;
		break;
	default:
		break;
	}
	snprintf(buf, size, "%*s%s%*s", left, "", s, extra - left, "");
	return buf;
}

/* on the error stream, as every usage after an error */
static void usage(struct kd_cmd_ctx *ctx)
{
	fflush(ctx->out);
	fprintf(kd_cmd_errfile(ctx), "Usage:\n  kmem [-f|-F|-c|-C|-i|-v|-V|-n|-z|-o|-h] "
		"[-p | -m member[,member]]\n       [[-s|-S|-S=cpu[s]|-r] [slab] "
		"[-I slab[,slab]]] [-g [flags]] [[-P] address]]\n"
		"Enter \"help kmem\" for details.\n");
}

/* An error message and the usage: crash's cmd_usage after an error. */
static int fail_usage(struct kd_cmd_ctx *ctx, const char *msg)
{
	kd_cmd_error(ctx, "%s", msg);
	usage(ctx);
	return 1;
}

static int hexadecimal(const char *s)
{
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("0123456789abcdefABCDEF", *s))
			return 0;
	return 1;
}

/* "-S=1,3-5" / "a" / "all": CPUs into mask; 0 on a bad list, -1 on a
 * word that is no number (reported as crash's dtoi() does). */
static int cpu_list(struct kd_cmd_ctx *ctx, const char *arg, unsigned ncpus,
		    uint8_t *mask)
{
	char *copy = strdup(arg), *save = NULL;
	int ok = copy != NULL;
	for (char *p = ok ? strtok_r(copy, ",", &save) : NULL; ok && p;
	     p = strtok_r(NULL, ",", &save)) {
		long start, end;
		char *e;
		if (!strcmp(p, "a") || !strcmp(p, "all")) {
			start = 0;
			end = (long)ncpus - 1;
		} else {
			size_t bad = strspn(p, "0123456789-");
			if (p[bad]) {	/* crash's dtoi() message */
				kd_cmd_error(ctx, "%s: \"%c\" is not a digit "
					     "0 - 9", p, p[bad]);
				free(copy);
				return -1;
			}
			start = end = strtol(p, &e, 10);
			if (*e == '-')
				end = strtol(e + 1, &e, 10);
			if (*e || e == p)
				ok = 0;
		}
		if (start < 0 || end < start || end >= (long)ncpus)
			ok = 0;
		for (long i = start; ok && i <= end; i++)
			mask[i] = 1;
	}
	free(copy);
	return ok;
}

struct kmem_flags {
	int s, S, p, f, F, v, V, z, o, g, n, i, h, P;
	struct kmem_members *members;	/* -m, freed by kmem_run */
	const char *ignore;	/* -I */
	const char *cpus;	/* -S=... */
};

static int count_flags(const struct kmem_flags *f)
{
	return f->s + f->S + f->p + f->f + f->F + f->V + f->o + f->v + f->i +
	       f->g + f->h;
}

/* The options crash has that do not apply here. */
static int not_applicable(struct kd_cmd_ctx *ctx, int c, const char *arg)
{
	if (c == 'l' || c == 'L') {
		const char *list = !strcmp(arg, "a") ? "active_list" :
				   !strcmp(arg, "i") ? "inactive_list" :
				   !strcmp(arg, "ic") ? "inactive_clean_list" :
				   !strcmp(arg, "id") ? "inactive_dirty_list" :
				   NULL;
		if (!list) {
			usage(ctx);
			return 1;
		}
		return kd_cmd_error(ctx, "%s does not exist in this kernel",
				    list);
	}
	return kd_cmd_error(ctx, "-%c option not supported or applicable on "
			    "this architecture or kernel", c);
}

static int parse(struct kd_cmd_ctx *ctx, int argc, char **argv,
		 struct kmem_flags *f)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, ":gI:sS::rFfm:pvczCinl:L:PVoh")) != -1) {
		switch (c) {
		case 'V': f->V = 1; break;
		case 'n': f->n = 1; break;
		case 'z': f->z = 1; break;
		case 'i': f->i = 1; break;
		case 'h': f->h = 1; break;
		case 'v': f->v = 1; break;
		case 'o': f->o = 1; break;
		case 'g': f->g = 1; break;
		case 'P': f->P = 1; break;
		case 'p': f->p = 1; break;
		case 'm':
			f->p = 1;
			kmem_members_free(f->members);	/* the last -m wins */
			f->members = NULL;
			if (kmem_members_parse(ctx, optarg, &f->members))
				return 1;
			break;
		case 'I': f->ignore = optarg; break;
		case 's': f->s = 1; f->S = 0; break;
		case 'S':
			if (f->cpus)
				return kd_cmd_error(ctx, "only one -S option "
						    "allowed");
			if (optarg && optarg[0] != '=')
				return kd_cmd_error(ctx, "CPU-specific slab data "
					"to be displayed must be written as "
					"expected only e.g. -S=1,45.");
			f->cpus = optarg ? optarg + 1 : NULL;
			f->S = 1;
			f->s = 0;
			break;
		case 'F': f->F = 1; f->f = 0; break;
		case 'f': f->f = 1; f->F = 0; break;
		case 'c': case 'C': case 'r':
			return not_applicable(ctx, c, NULL);
		case 'l': case 'L':
			return not_applicable(ctx, c, optarg);
		case ':':
			fprintf(stderr, "%s: option requires an argument -- "
				"'%c'\n", ctx->name, optopt);
			usage(ctx);
			return 1;
		default:
			fprintf(kd_cmd_errfile(ctx), "%s: invalid option -- "
				"'%c'\n", ctx->name, optopt ? optopt : c);
			usage(ctx);
			return 1;
		}
	}
	if (count_flags(f) > 1)
		return fail_usage(ctx, "only one flag allowed!");
	return 0;
}

/* -s/-S NAME|ADDR... */
static int slab_args(struct kd_cmd_ctx *ctx, const struct kmem_flags *f,
		     const char *name, const struct kmem_addr *a, size_t na)
{
	static uint8_t cpus[MAX_CPUS];
	unsigned ncpus = kd_percpu_count(ctx->s);
	struct kmem_slab_req r = { .verbose = f->S, .name = name,
				   .ignore = f->ignore };
	if (f->cpus) {
		memset(cpus, 0, sizeof(cpus));
		int ok = ncpus <= MAX_CPUS ? cpu_list(ctx, f->cpus, ncpus, cpus) : 0;
		if (ok < 0)
			return 1;
		if (!ok)
			return kd_cmd_error(ctx, "invalid cpu specification: "
					    "%s", f->cpus);
		r.cpus = cpus;
		r.ncpus_mask = ncpus;
	}
	if (name && !strcmp(name, "list") && !na)
		return kmem_slab_list(ctx);
	if (!na)
		return kmem_slab(ctx, &r);
	int rc = 0;
	for (size_t i = 0; i < na; i++) {
		if (i)
			fputc('\n', ctx->out);
		r.addr = &a[i];
		rc |= kmem_slab(ctx, &r);
	}
	return rc;
}

static int per_address(struct kd_cmd_ctx *ctx, const struct kmem_flags *f,
		       const struct kmem_addr *a, size_t na)
{
	int rc = 0;
	if (f->z || f->n || f->i || f->F || f->V || f->o || f->h)
		return fail_usage(ctx, "no address arguments allowed with "
				  "this option");
	for (size_t i = 0; i < na; i++) {
		if (i && !f->p && !f->v)
			fputc('\n', ctx->out);
		if (f->f)
			rc |= kmem_free(ctx, 0, &a[i]);
		else if (f->p)
			rc |= kmem_mem_map(ctx, &a[i], f->members);
		else if (f->v)
			rc |= kmem_vmalloc(ctx, &a[i]);
		else if (f->g)
			rc |= kmem_page_flags(ctx, a[i].value);
		else
			rc |= kmem_search(ctx, &a[i]);
	}
	return rc;
}

/* crash's order: -i, -p, -f/-F, -h, -v, -n, -z, -V, -o, -g (-n and -z
 * may come together, or with one other). */
static int no_address(struct kd_cmd_ctx *ctx, const struct kmem_flags *f)
{
	int rc = 0;
	if (f->i)
		rc |= kmem_info(ctx);
	if (f->p)
		rc |= kmem_mem_map(ctx, NULL, f->members);
	if (f->f || f->F)
		rc |= kmem_free(ctx, f->F, NULL);
	if (f->h)
		rc |= kmem_hugepages(ctx);
	if (f->v)
		rc |= kmem_vmalloc(ctx, NULL);
	if (f->n)
		rc |= kmem_nodes(ctx);
	if (f->z)
		rc |= kmem_zones(ctx);
	if (f->V)
		rc |= kmem_vm_stat(ctx);
	if (f->o)
		rc |= kmem_percpu(ctx);
	if (f->g)
		rc |= kmem_page_flags(ctx, 0);
	return rc;
}

static int run_flags(struct kd_cmd_ctx *ctx, int argc, char **argv,
		     struct kmem_flags *fp)
{
	struct kmem_flags f;
	struct kmem_addr a[MAX_ADDRS];
	size_t na = 0;
	const char *name = NULL;
	kmem_header_printed = 0;
	int rc = parse(ctx, argc, argv, fp);
	f = *fp;
	if (rc)
		return rc;
	for (int i = optind; i < argc; i++) {
		uint64_t v;
		if (hexadecimal(argv[i]) && kd_cmd_parse_hex(argv[i], &v)) {
			if (na == MAX_ADDRS)
				return kd_cmd_error(ctx, "at most %d addresses",
						    MAX_ADDRS);
			a[na].value = v;
			a[na++].phys = f.P || v < KERNEL_HALF;
			continue;
		}
		if (name)
			return kd_cmd_error(ctx, "only one kmem_cache reference "
					    "is allowed");
		name = argv[i][0] == '\\' ? argv[i] + 1 : argv[i];
		if (!f.s && !f.S) {	/* crash shows only the usage */
			kd_cmd_error(ctx, "invalid address: %s", argv[i]);
			usage(ctx);
			return 1;
		}
	}
	if (f.s || f.S)
		return slab_args(ctx, &f, name, a, na);
	if (na)
		return per_address(ctx, &f, a, na);
	if (!count_flags(&f) && !f.n && !f.z) {
		usage(ctx);
		return 1;
	}
	return no_address(ctx, &f);
}

static int kmem_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct kmem_flags f = { 0 };
	int rc = run_flags(ctx, argc, argv, &f);
	kmem_members_free(f.members);
	return rc;
}

const struct kd_command kd_cmd_kmem = {
	.name = "kmem",
	.summary = "kernel memory",
	.usage =
"SYNOPSIS\n"
"  kmem [-f|-F|-c|-C|-i|-v|-V|-n|-z|-o|-h] [-p | -m member[,member]]\n"
"       [[-s|-S|-S=cpu[s]|-r] [slab] [-I slab[,slab]]] [-g [flags]] "
"[[-P] address]]\n"
"\n"
"  Kernel memory: the slab allocator, the memory map, the buddy\n"
"  allocator's free lists, zones, nodes, vmalloc areas and counters.\n"
"  One option at a time; -I and -P modify the others.\n"
"\n"
"  -i           general memory usage: totals, free, used, shared,\n"
"               buffers, cached, slab, huge pages, swap, commit limit.\n"
"  -s [slab]    every SLUB cache (or the one named): its address, object\n"
"               size, allocated and total objects, slabs and slab size.\n"
"  -s list      the caches' addresses and names.\n"
"  -S [slab]    -s, then for each cache its per-CPU state (the CPU\n"
"               slab with every object, free or [allocated], and the\n"
"               CPU partial slabs), and per node the partial slabs and\n"
"               the full ones (tracked only with SLAB_STORE_USER).\n"
"               Hardened free pointers (SLAB_FREELIST_HARDENED) are\n"
"               decoded with the cache's random value.\n"
"  -S=cpus      -S for some CPUs only: \"-S=0,2-3\", \"-S=all\".\n"
"  -I slab,...  with -s/-S: leave these caches out ([IGNORED]).\n"
"  -s|-S addr   the cache, slab and object holding a slab address, a\n"
"               kmem_cache address (the cache) or a slab's struct page;\n"
"               -S lists every object of that slab.\n"
"  -f           the free lists of each zone: per order and migrate\n"
"               type, the number of free blocks and pages, checked\n"
"               against the zones' free page counts.\n"
"  -F           -f with the struct page of the first page of each\n"
"               free block.\n"
"  -f addr      the free block holding an address (virtual, physical\n"
"               or struct page).\n"
"  -p [addr]    the struct page of every page frame (or of one address:\n"
"               virtual, physical or a struct page): its physical\n"
"               address, mapping, index, reference count and flags.\n"
"  -m member,.. -p showing these struct page members instead (paths\n"
"               such as lru.next too), formatted by their types.\n"
"  -g [flags]   the page flag bits (enum pageflags), or those set in\n"
"               flags.\n"
"  -v [addr]    the vmalloc areas (or the one holding addr): vmap_area,\n"
"               vm_struct, address range and size.\n"
"  -V           the vm_zone_stat, vm_node_stat and vm_event_states\n"
"               counters.\n"
"  -z           each zone's size, watermarks and vm_stat counters.\n"
"  -n           the memory nodes and their zones, the memory sections\n"
"               and the memory block devices.\n"
"  -o           each CPU's per-CPU offset.\n"
"  -h           the huge page sizes (hstates) with free and total pages.\n"
"  -P addr      take addr as a physical address.\n"
"  address      what the address is: a symbol, a task's stack or\n"
"               task_struct, a vmalloc area, a slab object (cache, slab,\n"
"               allocated or free), a free page, and its struct page.\n"
"\n"
"  -c, -C, -l, -L and -r (page hash table, LRU lists of 2.x kernels,\n"
"  memcg root caches) do not apply to the kernels read here: errors.\n",
	.run = kmem_run,
	.needs_vmlinux = 1,
};
