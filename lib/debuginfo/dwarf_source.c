// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening a DWARF file (the vmlinux, or a module's debuginfo): the
 * file is mapped read-only through libelf (ELF_C_READ_MMAP, so section
 * data points into the mapping and nothing is copied).  A relocatable
 * object (a kernel module .ko) is opened through libdwfl instead, which
 * applies its relocations to the debug sections in memory (string and
 * unit offsets in .debug_info are relocations there).  Every section is
 * checked to lie inside the file (a truncated download fails here with
 * a clear message rather than with SIGBUS later), the debug sections
 * the index scanner reads are located (compressed ones are inflated by
 * libelf), the GNU build-id note is read, and libdw is opened on the
 * same Elf for the lazy type parsing.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pykdump/inputfile.h>
#include <pykdump/mapguard.h>

#include "debuginfo_internal.h"

static void init_libelf(void)
{
	elf_version(EV_CURRENT);
}

/*
 * libelf's mapping of the file (ELF_C_READ_MMAP*: elf_rawfile() is its
 * start), read by libdw, libelf and our scanner and symbol table, is
 * guarded against the file shrinking while open (pykdump/mapguard.h): a
 * `cp` over the vmlinux in use would otherwise kill the session with
 * SIGBUS.  Called whenever src->elf changes; the guard goes before the
 * mapping does.
 */
static void unguard(struct kd_dwarf_source *src)
{
	kd_mapguard_remove(src->guard);
	src->guard = NULL;
	src->secs.guard = NULL;
}

static struct kd_error *guard(struct kd_dwarf_source *src, Elf *elf)
{
	size_t size;
	char *raw = elf ? elf_rawfile(elf, &size) : NULL;
	unguard(src);
	if (!raw || !size)
		return NULL;
	/* a private mapping is written (relocations) */
	int prot = src->private_map || src->dwfl ? PROT_READ | PROT_WRITE
						 : PROT_READ;
	struct kd_error *err = kd_mapguard_add(raw, size, prot, src->path,
					       src->fd, &src->guard);
	src->secs.guard = src->guard;
	return err;
}

struct kd_error *kd_dwarf_source_lost(const struct kd_dwarf_source *src)
{
	uint64_t lost = kd_mapguard_lost(src->guard);
	if (lost == KD_MAPGUARD_INTACT)
		return NULL;
	return kd_error_create(KD_ERR_TRUNCATED,
			       "%s: the file shrank while open (it now ends "
			       "at or before offset 0x%llx): its DWARF and "
			       "symbols can no longer be read; start again "
			       "with the complete file", src->path,
			       (unsigned long long)lost);
}

static struct kd_error *check_sections(Elf *elf, const char *path,
				       uint64_t file_size)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return kd_error_create(KD_ERR_CORRUPT,
					       "%s: bad section header: %s",
					       path, elf_errmsg(-1));
		if (sh.sh_type == SHT_NOBITS)
			continue;
		if (sh.sh_offset > file_size ||
		    sh.sh_size > file_size - sh.sh_offset)
			return kd_error_create(KD_ERR_TRUNCATED,
					       "%s: section %zu (offset 0x%llx, size 0x%llx) "
					       "extends past the end of the file (size 0x%llx): "
					       "truncated?", path, elf_ndxscn(scn),
					       (unsigned long long)sh.sh_offset,
					       (unsigned long long)sh.sh_size,
					       (unsigned long long)file_size);
	}
	return NULL;
}

static struct kd_error *section_data(Elf_Scn *scn, const char *path,
				     const char *name, const uint8_t **data,
				     size_t *size)
{
	GElf_Shdr sh;
	if (!gelf_getshdr(scn, &sh))
		return kd_error_create(KD_ERR_CORRUPT, "%s: %s: %s", path, name,
				       elf_errmsg(-1));
	if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return kd_error_create(KD_ERR_CORRUPT,
				       "%s: %s: cannot decompress: %s", path,
				       name, elf_errmsg(-1));
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d)
		return kd_error_create(KD_ERR_CORRUPT, "%s: %s: unreadable: %s",
				       path, name, elf_errmsg(-1));
	*data = d->d_buf;
	*size = d->d_size;
	return NULL;
}

static struct kd_error *find_debug_sections(struct kd_dwarf_source *src)
{
	struct {
		const char *name;
		const uint8_t **data;
		size_t *size;
	} want[] = {
		{ ".debug_info", &src->secs.info, &src->secs.info_size },
		{ ".debug_abbrev", &src->secs.abbrev, &src->secs.abbrev_size },
		{ ".debug_str", &src->secs.str, &src->secs.str_size },
		{ ".debug_line_str", &src->secs.line_str, &src->secs.line_str_size },
		{ ".debug_str_offsets", &src->secs.str_offsets,
		  &src->secs.str_offsets_size },
		{ ".debug_line", &src->secs.line, &src->secs.line_size },
	};
	size_t shstrndx;
	if (elf_getshdrstrndx(src->elf, &shstrndx) < 0)
		return kd_error_create(KD_ERR_CORRUPT, "%s: no section names: %s",
				       src->path, elf_errmsg(-1));
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(src->elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(src->elf, shstrndx, sh.sh_name);
		for (size_t i = 0; name && i < sizeof(want) / sizeof(want[0]); i++) {
			if (strcmp(name, want[i].name) != 0)
				continue;
			struct kd_error *err = section_data(scn, src->path, name,
							    want[i].data,
							    want[i].size);
			if (err)
				return err;
		}
	}
	src->secs.path = src->path;
	/* not a private mapping: dropped pages would lose the relocations
	 * and the file does not have them */
	size_t raw_size;
	const char *raw = src->dwfl || src->private_map ? NULL :
		elf_rawfile(src->elf, &raw_size);
	if (raw) {
		src->secs.file_map = (const uint8_t *)raw;
		src->secs.file_map_size = raw_size;
		src->secs.fd = src->fd;
	}
	if (!src->secs.info || src->secs.info_size == 0)
		return kd_error_create(KD_ERR_FORMAT,
				       "%s: no DWARF debuginfo (.debug_info missing); "
				       "use the debug vmlinux (e.g. from the "
				       "linux-image-*-dbg package)", src->path);
	return NULL;
}

static void read_build_id(struct kd_dwarf_source *src)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(src->elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;
		while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off))) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + name_off, "GNU", 4) != 0 ||
			    nh.n_descsz == 0 || nh.n_descsz > sizeof(src->build_id))
				continue;
			src->build_id_len = nh.n_descsz;
			memcpy(src->build_id, (char *)d->d_buf + desc_off,
			       nh.n_descsz);
			for (size_t i = 0; i < src->build_id_len; i++)
				sprintf(src->build_id_hex + 2 * i, "%02x",
					src->build_id[i]);
			return;
		}
	}
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* Replaces src->elf by libdwfl's relocated copy of the same file. */
static struct kd_error *open_relocated(struct kd_dwarf_source *src)
{
	Dwarf_Addr bias;
	src->dwfl = dwfl_begin(&offline_callbacks);
	if (!src->dwfl)
		return kd_error_create(KD_ERR_OTHER, "%s: libdwfl: %s", src->path,
				       dwfl_errmsg(-1));
	Dwfl_Module *mod = dwfl_report_offline(src->dwfl, src->name, src->path, -1);
	if (!mod || dwfl_report_end(src->dwfl, NULL, NULL) != 0 ||
	    !(src->dwarf = dwfl_module_getdwarf(mod, &bias))) {
		struct kd_error *err = kd_error_create(KD_ERR_CORRUPT,
						       "%s: cannot relocate its DWARF: %s",
						       src->path, dwfl_errmsg(-1));
		dwfl_end(src->dwfl);
		src->dwfl = NULL;
		src->dwarf = NULL;
		return err;
	}
	unguard(src);
	elf_end(src->elf);
	src->elf = dwarf_getelf(src->dwarf);
	return guard(src, src->elf);
}

/* Reopens the file as a private copy-on-write mapping and relocates its
 * debug sections there to the caller's section addresses. */
static struct kd_error *open_private(struct kd_dwarf_source *src)
{
	unguard(src);
	elf_end(src->elf);
	src->elf = elf_begin(src->fd, ELF_C_READ_MMAP_PRIVATE, NULL);
	if (!src->elf)
		return kd_error_create(KD_ERR_FORMAT, "%s: %s", src->path,
				       elf_errmsg(-1));
	src->private_map = 1;
	struct kd_error *err = guard(src, src->elf);
	return err ? err : kd_dwarf_source_relocate(src);
}

static struct kd_error *open_elf(struct kd_dwarf_source *src)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_libelf);
	struct kd_error *err = kd_open_input(src->path, "debuginfo file",
					     &src->fd);
	if (err)
		return err;
	struct stat st;
	if (fstat(src->fd, &st) < 0)
		return kd_error_os(errno, src->path, "cannot stat");
	src->file_size = (uint64_t)st.st_size;
	src->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	src->elf = elf_begin(src->fd, ELF_C_READ_MMAP, NULL);
	err = guard(src, src->elf);
	if (err)
		return err;
	if (!src->elf || elf_kind(src->elf) != ELF_K_ELF)
		return kd_error_create(KD_ERR_FORMAT,
				       "%s: not an ELF file or damaged ELF headers "
				       "(%s)", src->path,
				       src->elf ? "not ELF" : elf_errmsg(-1));
	GElf_Ehdr eh;
	if (!gelf_getehdr(src->elf, &eh))
		return kd_error_create(KD_ERR_FORMAT, "%s: bad ELF header: %s",
				       src->path, elf_errmsg(-1));
	if (gelf_getclass(src->elf) != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "%s: only 64-bit little-endian kernels are "
				       "supported", src->path);
	if (eh.e_shoff > src->file_size ||
	    (uint64_t)eh.e_shnum * eh.e_shentsize > src->file_size - eh.e_shoff)
		return kd_error_create(KD_ERR_TRUNCATED,
				       "%s: section headers (offset 0x%llx) "
				       "extend past the end of the file (size "
				       "0x%llx): truncated?", src->path,
				       (unsigned long long)eh.e_shoff,
				       (unsigned long long)src->file_size);
	err = check_sections(src->elf, src->path, src->file_size);
	if (!err && eh.e_type == ET_REL && src->secaddr)
		err = open_private(src);
	else if (!err && eh.e_type == ET_REL)
		err = open_relocated(src);
	if (!err)
		err = kd_dwarf_source_lost(src);	/* while we opened it */
	return err;
}

struct kd_error *kd_dwarf_source_open(const char *name, const char *path,
				      kd_section_addr_fn *secaddr, void *arg,
				      struct kd_dwarf_source **ret)
{
	struct kd_dwarf_source *src = calloc(1, sizeof(*src));
	if (!src)
		return &kd_error_nomem;
	src->fd = -1;
	src->secaddr = secaddr;
	src->secaddr_arg = arg;
	src->name = strdup(name);
	src->path = strdup(path);
	struct kd_error *err = NULL;
	if (!src->name || !src->path)
		err = &kd_error_nomem;
	if (!err)
		err = open_elf(src);
	if (!err)
		err = find_debug_sections(src);
	if (!err) {
		read_build_id(src);
		if (!src->dwarf)
			src->dwarf = dwarf_begin_elf(src->elf, DWARF_C_READ, NULL);
		if (!src->dwarf)
			err = kd_error_create(KD_ERR_CORRUPT,
					      "%s: libdw cannot read the DWARF: %s",
					      path, dwarf_errmsg(-1));
	}
	if (!err)
		err = kd_dwarf_source_lost(src);
	if (err) {
		kd_dwarf_source_close(src);
		return err;
	}
	*ret = src;
	return NULL;
}

/* Only pages of libelf's read-only file mapping may be dropped: data that
 * was decompressed or relocated lives in memory with no file behind it
 * (a private mapping's dropped pages would lose our relocations). */
static void release_data(const struct kd_dwarf_source *src,
			 const uint8_t *data, size_t size)
{
	size_t raw_size;
	const char *raw = src->dwfl || src->private_map ? NULL :
		elf_rawfile(src->elf, &raw_size);
	const char *p = (const char *)data;
	long page = sysconf(_SC_PAGESIZE);
	if (!raw || !data || page <= 0 || p < raw || p + size > raw + raw_size)
		return;
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
	uintptr_t end = ((uintptr_t)p + size) & ~(uintptr_t)(page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

void kd_dwarf_source_release(struct kd_dwarf_source *src, uint64_t from,
			     uint64_t to)
{
	const struct kd_dwarf_sections *s = &src->secs;
	if (from < to && to <= s->info_size)
		release_data(src, s->info + from, to - from);
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14 */
#endif

/*
 * To find the unit of a DIE, libdw reads every unit header up to it.
 * Faulting those in would map 64 KB around each (fault-around): for a
 * type near the end of a distro vmlinux, 2000+ faults and 100+ MB
 * mapped for a few KB read.  The index knows where the units start, so
 * the header pages are mapped ahead, one page each (two when a header
 * may cross a page end).  Only hints: libdw reads what it reads either
 * way; old kernels without MADV_POPULATE_READ just fault.
 */
static void map_unit_headers(struct kd_dwarf_source *src, uint64_t from,
			     uint64_t to)
{
	const struct kd_dwarf_sections *s = &src->secs;
	size_t n, lo = 0, hi;
	const uint64_t *u = kd_dwarf_index_units(src->index, &n);
	if (!u || src->no_populate || !kd_sections_info_in_file(s))
		return;
	for (hi = n; lo < hi;) {	/* the first unit at or after from */
		size_t mid = lo + (hi - lo) / 2;
		if (u[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	const uintptr_t page = 4096;
	uintptr_t done = 0, end = (uintptr_t)(s->info + s->info_size);
	for (size_t i = lo; i < n && u[i] <= to && u[i] < s->info_size; i++) {
		uintptr_t at = (uintptr_t)(s->info + u[i]);
		uintptr_t start = at & ~(page - 1);
		uintptr_t stop = ((at + 64 < end ? at + 64 : end) + page - 1) &
				 ~(page - 1);
		if (start < done)
			start = done;
		if (start >= stop)
			continue;
		if (madvise((void *)start, stop - start, MADV_POPULATE_READ) < 0 &&
		    (errno == EINVAL || errno == ENOSYS)) {
			src->no_populate = 1;
			return;
		}
		done = stop;
	}
}

static Dwarf_Die *offdie_step(struct kd_dwarf_source *src, uint64_t off,
			      Dwarf_Die *die)
{
	if (off > src->libdw_frontier)
		map_unit_headers(src, src->libdw_frontier, off);
	if (!dwarf_offdie(src->dwarf, off, die) ||
	    kd_mapguard_lost(src->guard) != KD_MAPGUARD_INTACT)
		return NULL;
	if (off <= src->libdw_frontier)
		return die;
	/* libdw read every unit header between the frontier and this DIE's
	 * unit; keep the unit itself (it is about to be read) */
	Dwarf_Die cu;
	if (dwarf_diecu(die, &cu, NULL, NULL)) {
		uint64_t unit = dwarf_dieoffset(&cu);
		unit = unit > 64 ? unit - 64 : 0;
		kd_dwarf_source_release(src, src->libdw_frontier, unit);
	}
	src->libdw_frontier = off;
	return die;
}

void kd_dwarf_source_close(struct kd_dwarf_source *src)
{
	if (!src)
		return;
	kd_dwarf_index_destroy(src->index);
	unguard(src);
	if (src->dwfl) {
		dwfl_end(src->dwfl);	/* also ends its Elf and Dwarf */
	} else {
		if (src->dwarf)
			dwarf_end(src->dwarf);
		if (src->elf)
			elf_end(src->elf);
	}
	if (src->fd >= 0)
		close(src->fd);
	free(src->name);
	free(src->path);
	free(src);
}

/*
 * A DIE far past the frontier makes libdw walk tens of MB of unit headers
 * at once; each header page comes with the pages mapped around it, and
 * they were dropped only after the walk (a warm `sys` peaked at 48 MB of
 * vmlinux mapped).  The walk goes in steps of WALK_STEP bytes instead,
 * to the CU DIE of an intermediate unit, dropping the headers passed
 * after each step.
 */
#define WALK_STEP (8u << 20)

static void walk_towards(struct kd_dwarf_source *src, uint64_t off)
{
	size_t n, i = 0;
	const uint64_t *u = kd_dwarf_index_units(src->index, &n);
	while (u && off > src->libdw_frontier + WALK_STEP) {
		uint64_t want = src->libdw_frontier + WALK_STEP;
		while (i < n && u[i] < want)
			i++;
		Dwarf_Off next;
		size_t hsize;
		if (i >= n || u[i] >= off ||
		    dwarf_next_unit(src->dwarf, u[i], &next, &hsize, NULL,
				    NULL, NULL, NULL, NULL, NULL) != 0)
			return;
		Dwarf_Die cu;
		if (!offdie_step(src, u[i] + hsize, &cu))
			return;
	}
}

Dwarf_Die *kd_dwarf_source_offdie(struct kd_dwarf_source *src, uint64_t off,
				  Dwarf_Die *die)
{
	/* the file shrank: libdw would read zeros */
	if (kd_mapguard_lost(src->guard) != KD_MAPGUARD_INTACT)
		return NULL;
	if (off > src->libdw_frontier)
		walk_towards(src, off);
	return offdie_step(src, off, die);
}
