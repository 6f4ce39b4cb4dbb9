// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the walkers over kernel memory when that memory is
 * garbage: list_head lists (both ways), hlists, chains, rb-trees (both
 * orders), xarrays, IDRs, maple trees, and a SLUB cache's nodes, slabs,
 * per-CPU state and free lists (lib/kernel/lists.c, trees.c, maple.c,
 * slab.c).  Layouts come from the real sample's types; memory is the
 * input.
 *
 * Input: a 24-byte header, then memory segments (mem_fuzz.h):
 *     u32 kind; u32 flags; u64 root; u64 entry_off
 * kind picks the walk (below, modulo their number); root is the list
 * head, tree root, xarray, idr, maple tree or struct kmem_cache (the
 * slab_caches walk ignores it).
 */
#include <stddef.h>
#include <stdint.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/slab.h>
#include <pykdump/tasks.h>

#include "kernel/walk_internal.h"
#include "session_fuzz.h"

enum { W_LIST, W_HLIST, W_CHAIN, W_RBTREE, W_XARRAY, W_IDR, W_MAPLE,
       W_SLAB, W_SLAB_CACHES, W_NR };

struct hdr {
	uint32_t kind, flags;
	uint64_t root, entry_off;
};

static volatile uint64_t sink;

#define MAXEL 20000

static void use(struct kd_error *err, struct kd_addr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		sink += l->addrs[i];
	kd_addr_list_free(l);
	kd_error_destroy(err);
}

static void slab_walk(uint64_t cache)
{
	struct kd_slab_cache c;
	struct kd_error *err = kd_slab_cache_read(fz_s, cache, &c);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	sink += kd_slab_is_cache(fz_s, cache);
	struct kd_slab_counts counts;
	kd_error_destroy(kd_slab_cache_counts(fz_s, &c, &counts));
	struct kd_slab_cpu cpu;
	uint64_t cpu_freelist = 0;
	if (!(err = kd_slab_cpu_read(fz_s, &c, 0, &cpu))) {
		cpu_freelist = cpu.freelist;
		struct kd_addr_list l = { 0 };
		use(kd_slab_cpu_partial(fz_s, cpu.partial, &l), &l);
	}
	kd_error_destroy(err);
	struct kd_slab_node node;
	if ((err = kd_slab_node_read(fz_s, &c, 0, &node)) || !node.addr) {
		kd_error_destroy(err);
		return;
	}
	struct kd_addr_list slabs = { 0 };
	err = kd_slab_node_list(fz_s, node.partial, KD_WALK_NOLOG, &slabs);
	kd_error_destroy(err);
	if (cpu.slab && slabs.n < 64)
		kd_error_destroy(kd_addr_list_push(&slabs, cpu.slab));
	for (size_t i = 0; i < slabs.n && i < 64; i++) {
		struct kd_slab sl;
		if ((err = kd_slab_read(fz_s, slabs.addrs[i], &sl))) {
			kd_error_destroy(err);
			continue;
		}
		if (sl.objects && sl.objects <= 4096) {
			uint8_t *state = calloc(sl.objects, 1);
			if (state) {
				err = kd_slab_object_states(fz_s, &c, &sl,
							    cpu_freelist, state);
				kd_error_destroy(err);
				free(state);
			}
			sink += kd_slab_object(&c, &sl, sl.objects - 1);
		}
		struct kd_slab_addr sa;
		int found;
		kd_error_destroy(kd_slab_find(fz_s, sl.mem + c.size + 1, &sa,
					      &found));
		uint64_t next;
		if (sl.freelist) {
			err = kd_slab_next_free(fz_s, &c, &sl, sl.freelist,
						&next);
			kd_error_destroy(err);
		}
	}
	kd_addr_list_free(&slabs);
}

static void run(const uint8_t *data, size_t size)
{
	struct hdr h;
	if (size < sizeof(h))
		return;
	memcpy(&h, data, sizeof(h));
	unsigned flags = (h.flags & (KD_WALK_REVERSE | KD_WALK_INCHEAD |
				     KD_WALK_INORDER)) | KD_WALK_NOLOG;
	struct kd_addr_list l = { 0 };
	size_t cnt;
	switch (h.kind % W_NR) {
	case W_LIST:
		use(kd_list_walk(fz_s, h.root, h.entry_off, flags, MAXEL, &l),
		    &l);
		kd_error_destroy(kd_list_count(fz_s, h.root, MAXEL, &cnt));
		break;
	case W_HLIST:
		use(kd_hlist_walk(fz_s, h.root, h.entry_off, flags, MAXEL, &l),
		    &l);
		break;
	case W_CHAIN:
		use(kd_chain_walk(fz_s, h.root, h.entry_off & 0xfff, 0, flags,
				  MAXEL, &l), &l);
		break;
	case W_RBTREE:
		use(kd_rbtree_walk(fz_s, h.root, h.entry_off, flags, MAXEL,
				   &l), &l);
		break;
	case W_XARRAY:
		use(kd_xarray_walk(fz_s, h.root, flags, MAXEL, &l), &l);
		break;
	case W_IDR:
		use(kd_idr_walk(fz_s, h.root, flags, MAXEL, &l), &l);
		break;
	case W_MAPLE:
		use(kd_maple_walk(fz_s, h.root, flags, MAXEL, &l), &l);
		break;
	case W_SLAB:
		slab_walk(h.root);
		break;
	case W_SLAB_CACHES: {
		uint64_t cache;
		use(kd_slab_caches(fz_s, &l), &l);
		kd_error_destroy(kd_slab_cache_find(fz_s, "kmalloc-64", &cache));
		break;
	}
	}
}

/* ---- seeds: real structures of the sample ---- */

static uint64_t sym(const char *name)
{
	uint64_t a;
	struct kd_error *err = kd_symbol_addr(fz_s, name, &a);
	if (err)
		fz_fail("seed: no symbol %s", name);
	return a;
}

static uint64_t off(const char *type, const char *member)
{
	uint64_t o;
	struct kd_error *err = kd_member_offset(fz_s, type, member, &o);
	if (err)
		fz_fail("seed: no member %s", member);
	return o;
}

static void seed(FILE *f, uint32_t kind, uint32_t flags, uint64_t root,
		 uint64_t entry_off)
{
	struct hdr h = { kind, flags, root, entry_off };
	fz_record_one(f, &h, sizeof(h), run);
}

/* A pointer in the sample's real memory (reads not kept). */
static uint64_t real_ptr(uint64_t addr)
{
	uint64_t v;
	fz_recording = 1;
	struct kd_error *err = kd_read_ptr(fz_s, addr, &v);
	fz_recording = 0;
	fz_rec_discard();
	if (err)
		fz_fail("seed: %s", err->message);
	return v;
}

static uint64_t panic_task(void)
{
	fz_recording = 1;
	uint64_t t = kd_panic_task(fz_s);
	fz_recording = 0;
	fz_rec_discard();
	if (!t)
		fz_fail("%sseed: no panic task", "");
	return t;
}

static void record(FILE *f, const char *which)
{
	uint64_t task = sym("init_task");
	uint64_t ts = off("struct task_struct", "tasks");
	if (!strcmp(which, "list"))
		seed(f, W_LIST, 0, task + ts, ts);
	else if (!strcmp(which, "list-reverse"))
		seed(f, W_LIST, KD_WALK_REVERSE, task + ts, ts);
	else if (!strcmp(which, "rbtree"))
		seed(f, W_RBTREE, KD_WALK_INORDER, sym("vmap_area_root"),
		     off("struct vmap_area", "rb_node"));
	else if (!strcmp(which, "idr"))
		seed(f, W_IDR, 0, sym("init_pid_ns") +
		     off("struct pid_namespace", "idr"), 0);
	else if (!strcmp(which, "xarray"))
		seed(f, W_XARRAY, 0, sym("init_pid_ns") +
		     off("struct pid_namespace", "idr") +
		     off("struct idr", "idr_rt"), 0);
	else if (!strcmp(which, "maple"))
		seed(f, W_MAPLE, 0, sym("init_mm") +
		     off("struct mm_struct", "mm_mt"), 0);
	else if (!strcmp(which, "maple-task"))	/* the panic task's VMAs */
		seed(f, W_MAPLE, 0, real_ptr(panic_task() +
		     off("struct task_struct", "mm")) +
		     off("struct mm_struct", "mm_mt"), 0);
	else if (!strcmp(which, "hlist-task"))	/* tasks of its pid */
		seed(f, W_HLIST, 0, real_ptr(panic_task() +
		     off("struct task_struct", "thread_pid")) +
		     off("struct pid", "tasks"),
		     off("struct task_struct", "pid_links"));
	else if (!strcmp(which, "hlist"))
		seed(f, W_HLIST, 0, sym("init_struct_pid") +
		     off("struct pid", "tasks"),
		     off("struct task_struct", "pid_links"));
	else if (!strcmp(which, "slab-caches"))
		seed(f, W_SLAB_CACHES, 0, 0, 0);
	else if (!strncmp(which, "slab:", 5)) {
		uint64_t cache;
		fz_recording = 1;	/* real memory, reads not kept */
		struct kd_error *err = kd_slab_cache_find(fz_s, which + 5,
							  &cache);
		fz_recording = 0;
		fz_rec_discard();
		if (err)
			fz_fail("seed: %s", err->message);
		seed(f, W_SLAB, 0, cache, 0);
	} else
		fz_fail("seed: unknown walk %s (list, list-reverse, rbtree, "
			"idr, xarray, maple, hlist, slab:NAME)", which);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	fz_session_init();
	FILE *f;
	if (fz_record_mode(&f)) {
		const char *which = getenv("PYKDUMP_FUZZ_SEED");
		if (!which)
			fz_fail("%srecord mode needs PYKDUMP_FUZZ_SEED", "");
		record(f, which);
		fclose(f);
		exit(0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < sizeof(struct hdr))
		return 0;
	fz_begin(data + sizeof(struct hdr), size - sizeof(struct hdr));
	run(data, size);
	return 0;
}
