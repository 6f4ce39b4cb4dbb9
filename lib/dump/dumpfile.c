// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump handle: opening (detection by content), physical reads split
 * into pages, the facts and notes accessors, describe.
 *
 * Opening, in order:
 *   1. map every file (vfile.c); a file starting with makedumpfile's
 *      flattened signature is wrapped in its record index (flattened.c),
 *      so the format readers see the file it reassembles to;
 *   2. recognise the format from the first bytes: "KDUMP   "/"DISKDUMP"
 *      (diskdump.c, which also takes split sets) or ELF (elf.c);
 *   3. the adapter parses headers and notes and fills the facts;
 *   4. here: parse VMCOREINFO, then fill what the adapter could not know
 *      (an ELF dump's page size comes from VMCOREINFO PAGESIZE), prefer
 *      VMCOREINFO CRASHTIME to a header timestamp (which is when the dump
 *      was written), and attach QEMU's control registers to the CPUs.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "dump_internal.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

/* ---- architecture names ---- */

static const struct {
	const char *uname;	/* prefix of utsname.machine */
	int machine;
	const char *name;
} arches[] = {
	{ "x86_64", EM_X86_64, "x86_64" },
	{ "i686", EM_386, "i386" },
	{ "i586", EM_386, "i386" },
	{ "i386", EM_386, "i386" },
	{ "aarch64", EM_AARCH64, "aarch64" },
	{ "arm", EM_ARM, "arm" },
	{ "ppc64", EM_PPC64, "ppc64" },
	{ "ppc", EM_PPC, "ppc" },
	{ "s390", EM_S390, "s390x" },
	{ "riscv64", EM_RISCV, "riscv64" },
	{ "mips", EM_MIPS, "mips" },
	{ "loongarch64", EM_LOONGARCH, "loongarch64" },
	{ "sparc64", EM_SPARCV9, "sparc64" },
	{ "ia64", EM_IA_64, "ia64" },
};

int kd_machine_from_uname(const char *machine)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(arches); i++)
		if (strncmp(machine, arches[i].uname,
			    strlen(arches[i].uname)) == 0)
			return arches[i].machine;
	return 0;
}

const char *kd_machine_name(int machine)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(arches); i++)
		if (arches[i].machine == machine)
			return arches[i].name;
	return NULL;
}

/* ---- messages ---- */

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void kd_page_why(char **why, const char *fmt, ...)
{
	if (!why)
		return;
	va_list ap;
	va_start(ap, fmt);
	*why = vformat(fmt, ap);
	va_end(ap);
}

enum kd_page_state kd_page_gone(struct kd_vfile *vf, uint64_t off,
				uint64_t len, const char *what, uint64_t pfn,
				char **why)
{
	kd_page_why(why, "%s: %s of pfn 0x%llx (%llu bytes at %soffset "
		    "0x%llx) is gone: the file shrank while open (it now "
		    "ends at or before offset 0x%llx)", vf->name, what,
		    (unsigned long long)pfn, (unsigned long long)len,
		    vf->inner ? "reassembled " : "", (unsigned long long)off,
		    (unsigned long long)kd_mapguard_lost(vf->guard));
	return KD_PAGE_LOST;
}

void kd_dump_warn(struct kd_dump *d, const char *fmt, ...)
{
	if (kd_array_reserve(&d->warnings, &d->warnings_cap, d->nwarnings + 1))
		return;		/* a warning is not worth failing for */
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	if (s)
		d->warnings[d->nwarnings++] = s;
}

const char *kd_dump_warning(const struct kd_dump *d, size_t i)
{
	return d && i < d->nwarnings ? d->warnings[i] : NULL;
}

struct kd_error *kd_dump_set_vmcoreinfo(struct kd_dump *d, const char *text,
					size_t len)
{
	if (d->vmcoreinfo)
		return NULL;	/* the first one found wins */
	const char *nul = memchr(text, '\0', len);
	if (nul)
		len = nul - text;
	d->vmcoreinfo = malloc(len + 1);
	if (!d->vmcoreinfo)
		return &kd_error_nomem;
	memcpy(d->vmcoreinfo, text, len);
	d->vmcoreinfo[len] = '\0';
	d->vmcoreinfo_len = len;
	return NULL;
}

/* ---- opening ---- */

static struct kd_error *add_file(struct kd_dump *d, struct kd_vfile *vf)
{
	if (kd_flattened_probe(vf)) {
		struct kd_vfile *flat;
		struct kd_error *err = kd_flattened_open(vf, &flat);
		if (err) {
			kd_vfile_destroy(vf);
			return err;
		}
		if (flat->truncated)
			kd_dump_warn(d, "%s: the flattened stream ends without "
				     "its end marker (interrupted transfer?); "
				     "what is missing reads as lost",
				     vf->name);
		vf = flat;
	}
	d->files[d->nfiles++] = vf;
	return NULL;
}

static struct kd_error *unknown_format(struct kd_vfile *vf)
{
	uint8_t head[8] = { 0 };
	size_t n = vf->size < 8 ? vf->size : 8;
	const uint8_t *p = kd_vfile_ptr(vf, 0, n, head);
	char shown[8 * 4 + 1] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(shown + 4 * i, 5, "\\x%02x", p[i]);
	return kd_error_create(KD_ERR_FORMAT,
			       "%s: not a vmcore in any format we know (ELF, "
			       "kdump-compressed, diskdump, flattened); it "
			       "starts with \"%s\"", vf->name, shown);
}

static struct kd_error *open_format(struct kd_dump *d)
{
	if (kd_diskdump_probe(d->files[0])) {
		for (size_t i = 1; i < d->nfiles; i++)
			if (!kd_diskdump_probe(d->files[i]))
				return kd_error_create(KD_ERR_INVALID,
					"%s: not a kdump-compressed file; only "
					"those form split dump sets",
					d->files[i]->name);
		return kd_diskdump_open(d);
	}
	if (kd_elf_probe(d->files[0])) {
		if (d->nfiles > 1)
			return kd_error_create(KD_ERR_INVALID,
				"%s: an ELF vmcore cannot be part of a split "
				"dump set (only kdump-compressed files are)",
				d->files[0]->name);
		struct kd_error *err = kd_elf_open(d);
		if (!err && strcmp(d->files[0]->kind, "flattened") == 0)
			strcat(d->format_name, " (flattened)");
		return err;
	}
	return unknown_format(d->files[0]);
}

static void set_page_size(struct kd_dump *d)
{
	uint64_t ps = 0;
	if (!d->page_size) {
		struct kd_error *err = kd_vmcoreinfo_pagesize(d->vi, &ps);
		if (err && err->code != KD_ERR_NOT_FOUND)
			kd_dump_warn(d, "%s", err->message);
		kd_error_destroy(err);
		/* Without VMCOREINFO: 4 KiB, the size every architecture we
		 * read supports (and x86's only one). */
		d->page_size = !err && ps >= 512 && ps <= (1u << 20) ?
			       (uint32_t)ps : 4096;
	}
	d->page_shift = (unsigned)__builtin_ctz(d->page_size);
	if (!d->max_pfn)
		d->max_pfn = (d->phys_end + d->page_size - 1) >> d->page_shift;
}

static void attach_qemu_notes(struct kd_dump *d)
{
	for (unsigned i = 0; i < d->ncpus && i < d->nqemu; i++) {
		struct kd_cpu_state *cpu = &d->cpus[i];
		memcpy(cpu->cr, d->qemu_cr[i], sizeof(cpu->cr));
		cpu->cr3 = cpu->cr[3];
		cpu->has_cr3 = 1;
	}
}

static struct kd_error *finish_open(struct kd_dump *d)
{
	if (d->vmcoreinfo) {
		char origin[300];
		snprintf(origin, sizeof(origin), "%s", d->files[0]->name);
		struct kd_error *err = kd_vmcoreinfo_parse(d->vmcoreinfo,
							   d->vmcoreinfo_len,
							   origin, &d->vi);
		if (err)
			return err;
	}
	set_page_size(d);
	int64_t t;
	if (kd_vmcoreinfo_get(d->vi, "CRASHTIME")) {
		struct kd_error *err = kd_vmcoreinfo_crashtime(d->vi, &t);
		if (err)
			kd_dump_warn(d, "%s", err->message);
		else
			d->crash_time = t;
		kd_error_destroy(err);
	}
	attach_qemu_notes(d);
	const char *name = kd_machine_name(d->machine);
	snprintf(d->arch_name, sizeof(d->arch_name), "%s",
		 name ? name : d->has_uts && d->uts.machine[0] ?
		 d->uts.machine : "unknown");
	if (d->machine == EM_PPC64 && !d->big_endian)
		snprintf(d->arch_name, sizeof(d->arch_name), "ppc64le");
	if (!d->ptr_size)
		d->ptr_size = 8;
	return NULL;
}

static struct kd_error *dump_create(size_t nfiles, struct kd_dump **ret)
{
	struct kd_dump *d = calloc(1, sizeof(*d));
	if (!d)
		return &kd_error_nomem;
	d->files = calloc(nfiles, sizeof(*d->files));
	if (!d->files) {
		free(d);
		return &kd_error_nomem;
	}
	d->panic_cpu = -1;
	d->header_current_cpu = -1;
	d->dump_level = -1;
	d->compression = "none";
	*ret = d;
	return NULL;
}

/* A file that shrank while we opened it: what was read may be zeros. */
static struct kd_error *check_not_shrunk(struct kd_dump *d)
{
	for (size_t i = 0; i < d->nfiles; i++) {
		struct kd_vfile *vf = d->files[i];
		if (kd_vfile_lost(vf, 0, vf->size))
			return kd_vfile_lost_error(vf, 0, vf->size,
						   "the dump");
	}
	return NULL;
}

static struct kd_error *open_files(struct kd_dump *d)
{
	struct kd_error *err = open_format(d);
	if (!err)
		err = finish_open(d);
	if (!err)
		err = check_not_shrunk(d);
	return err;
}

struct kd_error *kd_dump_open(const char *const *paths, size_t npaths,
			      struct kd_dump **ret)
{
	if (npaths == 0)
		return kd_error_create(KD_ERR_INVALID, "no dump file given");
	struct kd_dump *d;
	struct kd_error *err = dump_create(npaths, &d);
	if (err)
		return err;
	for (size_t i = 0; i < npaths && !err; i++) {
		struct kd_vfile *vf;
		err = kd_vfile_open(paths[i], &vf);
		if (!err)
			err = add_file(d, vf);
	}
	if (!err)
		err = open_files(d);
	if (err) {
		kd_dump_close(d);
		return err;
	}
	*ret = d;
	return NULL;
}

struct kd_error *kd_dump_open_memory(const char *name, const void *buf,
				     size_t len, struct kd_dump **ret)
{
	struct kd_dump *d;
	struct kd_error *err = dump_create(1, &d);
	if (err)
		return err;
	struct kd_vfile *vf;
	err = kd_vfile_from_memory(name, buf, len, &vf);
	if (!err)
		err = add_file(d, vf);
	if (!err)
		err = open_files(d);
	if (err) {
		kd_dump_close(d);
		return err;
	}
	*ret = d;
	return NULL;
}

void kd_dump_close(struct kd_dump *d)
{
	if (!d)
		return;
	if (d->ops)
		d->ops->destroy(d);
	for (size_t i = 0; i < d->nfiles; i++)
		kd_vfile_destroy(d->files[i]);
	free(d->files);
	kd_vmcoreinfo_destroy(d->vi);
	free(d->vmcoreinfo);
	free(d->cpus);
	free(d->qemu_cr);
	for (size_t i = 0; i < d->nwarnings; i++)
		free(d->warnings[i]);
	free(d->warnings);
	free(d);
}

void kd_dump_set_default_flags(struct kd_dump *d, unsigned flags)
{
	d->default_flags = flags;
}

/* ---- reading ---- */

const char *kd_page_state_name(enum kd_page_state state)
{
	switch (state) {
	case KD_PAGE_DUMPED:
		return "dumped";
	case KD_PAGE_NOT_PRESENT:
		return "not present";
	case KD_PAGE_EXCLUDED:
		return "excluded";
	case KD_PAGE_LOST:
		return "lost";
	case KD_PAGE_CORRUPT:
		return "corrupt";
	}
	return "?";
}

static struct kd_error *page_error(const struct kd_dump *d,
				   enum kd_page_state st, uint64_t paddr,
				   char *why)
{
	static const enum kd_error_code codes[] = {
		[KD_PAGE_NOT_PRESENT] = KD_ERR_NOT_PRESENT,
		[KD_PAGE_EXCLUDED] = KD_ERR_EXCLUDED,
		[KD_PAGE_LOST] = KD_ERR_LOST,
		[KD_PAGE_CORRUPT] = KD_ERR_CORRUPT,
	};
	static const char *const what[] = {
		[KD_PAGE_NOT_PRESENT] = "not present in the dumped machine",
		[KD_PAGE_EXCLUDED] = "excluded from the dump",
		[KD_PAGE_LOST] = "lost (the dump is incomplete)",
		[KD_PAGE_CORRUPT] = "corrupt in the dump",
	};
	struct kd_error *err;
	if (why)
		err = kd_error_fault(codes[st], paddr,
				     "physical address 0x%llx: %s",
				     (unsigned long long)paddr, why);
	else
		err = kd_error_fault(codes[st], paddr,
				     "%s: physical address 0x%llx: page %s",
				     d->files[0]->name,
				     (unsigned long long)paddr, what[st]);
	free(why);
	return err;
}

struct kd_error *kd_dump_read_phys(struct kd_dump *d, uint64_t paddr,
				   void *buf, size_t len, unsigned flags)
{
	if (paddr + len < paddr)
		return kd_error_create(KD_ERR_INVALID,
				       "read of %zu bytes at physical address "
				       "0x%llx wraps around", len,
				       (unsigned long long)paddr);
	flags |= d->default_flags;
	uint8_t *out = buf;
	uint64_t mask = d->page_size - 1;
	while (len) {
		size_t off = paddr & mask;
		size_t n = d->page_size - off < len ? d->page_size - off : len;
		char *why = NULL;
		enum kd_page_state st = d->ops->read(d, paddr >> d->page_shift,
						     off, n, out, &why);
		if (st == KD_PAGE_EXCLUDED && (flags & KD_READ_ZERO_EXCLUDED))
			memset(out, 0, n);
		else if (st != KD_PAGE_DUMPED)
			return page_error(d, st, paddr, why);
		free(why);
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

enum kd_page_state kd_dump_page_state(struct kd_dump *d, uint64_t pfn)
{
	if (pfn > (UINT64_MAX >> d->page_shift))
		return KD_PAGE_NOT_PRESENT;
	return d->ops->page_state(d, pfn);
}

/* ---- facts ---- */

const char *kd_dump_format_name(const struct kd_dump *d)
{
	return d->format_name;
}

const char *kd_dump_compression(const struct kd_dump *d)
{
	return d->compression;
}

uint32_t kd_dump_page_size(const struct kd_dump *d)
{
	return d->page_size;
}

uint64_t kd_dump_max_pfn(const struct kd_dump *d)
{
	return d->max_pfn;
}

int kd_dump_machine(const struct kd_dump *d)
{
	return d->machine;
}

const char *kd_dump_arch_name(const struct kd_dump *d)
{
	return d->arch_name;
}

int kd_dump_big_endian(const struct kd_dump *d)
{
	return d->big_endian;
}

int kd_dump_ptr_size(const struct kd_dump *d)
{
	return d->ptr_size;
}

size_t kd_dump_nr_files(const struct kd_dump *d)
{
	return d->nfiles;
}

const char *kd_dump_file_path(const struct kd_dump *d, size_t i)
{
	return i < d->nfiles ? d->files[i]->name : NULL;
}

const char *kd_dump_vmcoreinfo(const struct kd_dump *d, size_t *len)
{
	if (len)
		*len = d->vmcoreinfo_len;
	return d->vmcoreinfo;
}

const struct kd_vmcoreinfo *kd_dump_vmcoreinfo_table(const struct kd_dump *d)
{
	return d->vi;
}

const char *kd_dump_release(const struct kd_dump *d)
{
	const char *r = kd_vmcoreinfo_get(d->vi, "OSRELEASE");
	if (r)
		return r;
	return d->has_uts && d->uts.release[0] ? d->uts.release : NULL;
}

const struct kd_utsname *kd_dump_utsname(const struct kd_dump *d)
{
	return d->has_uts ? &d->uts : NULL;
}

unsigned kd_dump_nr_cpu_states(const struct kd_dump *d)
{
	return d->ncpus;
}

const struct kd_cpu_state *kd_dump_cpu_state(const struct kd_dump *d,
					     unsigned i)
{
	return i < d->ncpus ? &d->cpus[i] : NULL;
}

unsigned kd_dump_nr_cpus(const struct kd_dump *d)
{
	return d->nr_cpus ? d->nr_cpus : d->ncpus;
}

int kd_dump_panic_cpu(const struct kd_dump *d)
{
	return d->panic_cpu;
}

int kd_dump_header_current_cpu(const struct kd_dump *d)
{
	return d->header_current_cpu;
}

int64_t kd_dump_crash_time(const struct kd_dump *d)
{
	return d->crash_time;
}

int kd_dump_level(const struct kd_dump *d)
{
	return d->dump_level;
}

int kd_dump_phys_base(const struct kd_dump *d, uint64_t *ret)
{
	if (d->has_phys_base)
		*ret = d->phys_base;
	return d->has_phys_base;
}

/* ---- inspection ---- */

struct kd_error *kd_dump_count_pages(struct kd_dump *d,
				     struct kd_page_counts *ret)
{
	memset(ret, 0, sizeof(*ret));
	return d->ops->count_pages(d, ret);
}

static void describe_files(const struct kd_dump *d, FILE *out)
{
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct kd_vfile *vf = d->files[i];
		if (!vf->inner)
			continue;
		fprintf(out, "flattened: %s: %llu records, %llu index pieces, "
			"stream 0x%llx bytes, reassembled size 0x%llx%s\n",
			vf->name, (unsigned long long)vf->nrecords,
			(unsigned long long)vf->npieces,
			(unsigned long long)vf->inner->size,
			(unsigned long long)vf->size,
			vf->truncated ? ", TRUNCATED (no end marker)" : "");
	}
}

struct kd_error *kd_dump_describe(struct kd_dump *d, FILE *out, int pages)
{
	d->ops->describe(d, out);
	describe_files(d, out);
	for (size_t i = 0; i < d->nwarnings; i++)
		fprintf(out, "warning: %s\n", d->warnings[i]);
	if (!pages)
		return NULL;
	struct kd_page_counts c;
	struct kd_error *err = kd_dump_count_pages(d, &c);
	if (err)
		return err;
	fprintf(out, "pages_present: %llu\n", (unsigned long long)c.present);
	fprintf(out, "pages_dumped: %llu\n", (unsigned long long)c.dumped);
	fprintf(out, "pages_excluded: %llu\n", (unsigned long long)c.excluded);
	fprintf(out, "pages_lost: %llu\n", (unsigned long long)c.lost);
	fprintf(out, "pages_corrupt: %llu\n", (unsigned long long)c.corrupt);
	return NULL;
}
