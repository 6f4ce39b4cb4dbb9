/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session on the real sample (its vmlinux gives the symbols and the
 * types the code under test needs) whose kernel memory is the fuzz input
 * (mem_fuzz.h).  The sample is named by the environment:
 *
 *     PYKDUMP_FUZZ_SAMPLE=DIR    DIR/vmlinux and DIR/vmcore.kdump
 *
 * (scripts/run-fuzz sets it to ~/.cache/pykdump/sample-*; `make sample`
 * fetches it).  Without it the target says so and exits 1: a target that
 * silently fuzzed nothing would look like a pass.
 *
 * How memory is swapped: the session's address translation (struct
 * kd_arch) is replaced by one whose kernel virtual addresses map 1:1 to
 * "physical" ones, read from the fuzz input.  Every reader above the arch
 * layer (kd_read_kvaddr and what is built on it) then sees the input.
 * Per-session state derived from memory (the kernel layer's, the module
 * list's and the unwinder's slots, memory-derived memocache entries) is
 * dropped after every input.
 *
 * Record mode (PYKDUMP_FUZZ_RECORD=FILE): the target runs its seed
 * workload once on the sample's real memory, writes every read as
 * segments to FILE (fuzz/corpus/<target>/ is made this way by
 * scripts/make-fuzz-seeds) and exits.
 *
 * The seeds' addresses are those of the boot they were recorded on, and
 * a sample made on another machine has another KASLR offset and another
 * direct map base: its symbols would miss every seed segment.  So the
 * recording boot's layout is kept beside the seeds
 * (PYKDUMP_FUZZ_LAYOUT=fuzz/corpus/sample-layout, "kaslr_offset
 * page_offset_base" in hex, written in record mode) and, when fuzzing,
 * the session's symbols and its physical-to-virtual map take that
 * layout, whatever the sample's boot.
 */
#ifndef PYKDUMP_FUZZ_SESSION_FUZZ_H
#define PYKDUMP_FUZZ_SESSION_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/dump.h>
#include <pykdump/log.h>
#include <pykdump/memocache.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/vmcoreinfo.h>

#include "arch/arch_internal.h"
#include "session/session_internal.h"
#include "mem_fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kd_session *fz_s;
static struct kd_arch *fz_real;		/* the sample's translation */
static struct kd_arch fz_arch;		/* identity, reads from fz_mem */
static struct fuzz_mem fz_mem;
static struct fuzz_rec fz_rec;
static int fz_recording;
static uint64_t fz_ptov_delta;	/* seeds' direct map base - sample's */

static struct kd_error *fz_walk(struct kd_arch *a, uint64_t root,
				uint64_t vaddr, struct kd_vtop_trace *t,
				int use_cache)
{
	(void)a; (void)root; (void)t; (void)use_cache;
	return kd_error_fault(KD_ERR_FAULT, vaddr,
			      "fuzz memory: no page tables (%#llx)",
			      (unsigned long long)vaddr);
}

FUZZ_HARNESS static int fz_fast_kvtop(const struct kd_arch *a, uint64_t vaddr,
			 uint64_t *paddr)
{
	(void)a;
	*paddr = vaddr;
	return 1;
}

FUZZ_HARNESS static int fz_is_kvaddr(const struct kd_arch *a, uint64_t vaddr)
{
	(void)a;
	return fz_real->ops->is_kvaddr(fz_real, vaddr);
}

static uint64_t fz_ptov(const struct kd_arch *a, uint64_t paddr)
{
	(void)a;
	return fz_real->ops->ptov(fz_real, paddr) + fz_ptov_delta;
}

static void fz_destroy(struct kd_arch *a)
{
	(void)a;
}

static const struct kd_arch_ops fz_ops = {
	.walk = fz_walk,
	.fast_kvtop = fz_fast_kvtop,
	.is_kvaddr = fz_is_kvaddr,
	.ptov = fz_ptov,
	.destroy = fz_destroy,
};

/* The "physical" address is the kernel virtual one (fz_fast_kvtop).
 * Harness, not code under test: no coverage callbacks (the segment
 * lookups inlined here were a third of the walkers' time). */
FUZZ_HARNESS static struct kd_error *fz_read(void *arg, uint64_t addr, void *buf,
				size_t len)
{
	(void)arg;
	if (!fz_recording)
		return fuzz_mem_read(&fz_mem, addr, buf, len);
	struct kd_error *err = kd_arch_read_kvirt(fz_real, addr, buf, len);
	if (!err)
		fuzz_rec_add(&fz_rec, addr, buf, len);
	return err;
}

static void fz_fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "fuzz: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

/* The seeds' boot layout (see the top): written in record mode, taken
 * otherwise.  Without PYKDUMP_FUZZ_LAYOUT the sample's own is used. */
static void fz_layout(void)
{
	const char *path = getenv("PYKDUMP_FUZZ_LAYOUT");
	if (!path || !*path)
		return;
	uint64_t pob = fz_real->ops->ptov(fz_real, 0);
	/* the release from the dump's VMCOREINFO (memory is the input) */
	const struct kd_vmcoreinfo *vi =
		kd_dump_vmcoreinfo_table(kd_session_dump(fz_s));
	const char *release = vi ? kd_vmcoreinfo_get(vi, "OSRELEASE") : NULL;
	if (!release || !*release || strchr(release, ' '))
		release = "?";
	if (getenv("PYKDUMP_FUZZ_RECORD")) {
		FILE *f = fopen(path, "w");
		if (!f || fprintf(f, "%#llx %#llx %s\n",
				  (unsigned long long)fz_s->kaslr_offset,
				  (unsigned long long)pob, release) < 0 ||
		    fclose(f))
			fz_fail("cannot write %s", path);
		return;
	}
	unsigned long long kaslr, seed_pob;
	char seed_release[128] = "";
	FILE *f = fopen(path, "r");
	if (!f)
		fz_fail("cannot read %s (PYKDUMP_FUZZ_LAYOUT)", path);
	int n = fscanf(f, "%llx %llx %127s", &kaslr, &seed_pob, seed_release);
	fclose(f);
	if (n < 2)
		fz_fail("%s: not \"kaslr_offset page_offset_base release\"",
			path);
	/* seeds of another kernel: its types differ, the seeds are only
	 * bytes (fuzzing still runs; said once) */
	if (n == 3 && strcmp(seed_release, release))
		fprintf(stderr, "fuzz: the seeds were recorded on %s, the "
			"sample is %s: they do not fit its types\n",
			seed_release, release);
	fz_s->kaslr_offset = kaslr;
	kd_symtab_set_relocation(fz_s->symtab, kaslr);
	fz_ptov_delta = seed_pob - pob;
}

/* Opens the sample and installs the fuzz memory (call once, from
 * LLVMFuzzerInitialize). */
static void fz_session_init(void)
{
	const char *dir = getenv("PYKDUMP_FUZZ_SAMPLE");
	if (!dir || !*dir)
		fz_fail("%sPYKDUMP_FUZZ_SAMPLE is not set: this target needs "
			"the sample dump's vmlinux for its types (set it to "
			"the directory holding vmlinux and vmcore.kdump, e.g. "
			"~/.cache/pykdump/sample-6.1.0-56-cloud-amd64; "
			"`make sample` fetches it)", "");
	static char dump[4096], vmlinux[4096];
	snprintf(dump, sizeof(dump), "%s/vmcore.kdump", dir);
	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux", dir);
	const char *files[] = { dump };
	struct kd_session_options o = {
		.files = files, .nfiles = 1, .vmlinux = vmlinux,
	};
	struct kd_error *err = kd_session_open(&o, &fz_s);
	if (err)
		fz_fail("cannot open the sample named by PYKDUMP_FUZZ_SAMPLE: "
			"%s", err->message);
	struct kd_types *t;
	if ((err = kd_session_types(fz_s, &t)))
		fz_fail("sample types: %s", err->message);
	fz_real = fz_s->arch;
	if (!fz_real)
		fz_fail("%ssample session has no address translation", "");
	kd_arch_init_common(&fz_arch, &fz_ops, fz_read, NULL,
			    fz_real->page_size);
	fz_s->arch = &fz_arch;
	fz_rec.limit = 4u << 20;
	fz_layout();
}

/* Drops what the session derived from the last input's memory. */
static void fz_session_reset(void)
{
	kd_session_set_slot(fz_s, KD_SLOT_KERNEL, NULL, NULL);
	kd_session_set_slot(fz_s, KD_SLOT_MODULES, NULL, NULL);
	kd_session_set_slot(fz_s, KD_SLOT_UNWIND, NULL, NULL);
	kd_session_set_slot(fz_s, KD_SLOT_VALUE_HISTORY, NULL, NULL);
	kd_memocache_purge(kd_session_memocache(fz_s), KD_CU_LIVE);
	kd_arch_flush(&fz_arch);
	/* the problem log is bounded, but keep each input's run alike */
	struct kd_log *log;
	if (!kd_log_create(&log)) {
		kd_log_destroy(fz_s->log);
		fz_s->log = log;
	}
}

/* Record mode: run(data, size) once per seed input on the real memory
 * and write its reads to $PYKDUMP_FUZZ_RECORD (the seed file), prefixed
 * by the header bytes (the target's own parameters, may be empty). */
static inline void fz_record_one(FILE *f, const void *header, size_t hlen,
			  void (*run)(const uint8_t *hdr, size_t hlen))
{
	fz_recording = 1;
	fz_session_reset();
	run(header, hlen);
	fz_recording = 0;
	fwrite(header, 1, hlen, f);
	fuzz_rec_write(&fz_rec, f);
}

static inline void fz_rec_discard(void)
{
	fuzz_rec_discard(&fz_rec);
}

/* 1 in record mode: *f is the open seed file. */
static inline int fz_record_mode(FILE **f)
{
	const char *path = getenv("PYKDUMP_FUZZ_RECORD");
	if (!path || !*path)
		return 0;
	*f = fopen(path, "wb");
	if (!*f)
		fz_fail("cannot write %s", path);
	return 1;
}

/* Sets the fuzz memory to the input and clears the last input's state. */
static inline void fz_begin(const uint8_t *mem, size_t size)
{
	fz_session_reset();
	fuzz_mem_parse(&fz_mem, mem, size);
}

/* The entry points of a target whose input is kernel memory alone (no
 * header of its own): open the sample once (and, in record mode, write
 * RUN's reads of the sample as the seed), then RUN each input. */
#define FZ_MEMORY_ONLY_TARGET(run)					\
int LLVMFuzzerInitialize(int *argc, char ***argv)			\
{									\
	(void)argc; (void)argv;						\
	fz_session_init();						\
	FILE *f;							\
	if (fz_record_mode(&f)) {					\
		fz_record_one(f, NULL, 0, run);				\
		fclose(f);						\
		exit(0);						\
	}								\
	return 0;							\
}									\
									\
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)		\
{									\
	fz_begin(data, size);						\
	run(NULL, 0);							\
	return 0;							\
}

#endif /* PYKDUMP_FUZZ_SESSION_FUZZ_H */
