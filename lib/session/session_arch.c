// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Setting up x86_64 translation for a session, from what the dump says:
 *
 *   KASLR offset   VMCOREINFO KERNELOFFSET; without VMCOREINFO, found by
 *                  scanning for linux_banner through CR3 (QEMU's notes),
 *                  as `crash --kaslr auto` does.
 *   phys_base      VMCOREINFO NUMBER(phys_base) (may be negative); else
 *                  from the KASLR probe; else the kdump sub-header.
 *   root table     SYMBOL(init_top_pgt) / swapper_pg_dir (4.13+), or the
 *                  symbol init_level4_pgt on older kernels; its physical
 *                  address is vaddr - __START_KERNEL_map + phys_base.
 *   5-level        NUMBER(pgtable_l5_enabled), else __pgtable_l5_enabled
 *                  in memory, else CR4.LA57.
 *   direct map     the variable page_offset_base (4.8+, KASLR of memory
 *                  regions); else __PAGE_OFFSET of the kernel's era.
 *   SME            NUMBER(sme_mask) or sme_me_mask: the encryption bit
 *                  to clear from page-table entries.
 * __START_KERNEL_map is the x86_64 ABI's fixed base of the kernel image
 * mapping (arch/x86/include/asm/page_64_types.h).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/arch.h>
#include <pykdump/debuginfo.h>
#include <pykdump/dump.h>
#include <pykdump/symbols.h>
#include <pykdump/vmcoreinfo.h>

#include "session_internal.h"

#define START_KERNEL_MAP	0xffffffff80000000ULL
#define PAGE_OFFSET_L4		0xffff888000000000ULL	/* 4.20+ */
#define PAGE_OFFSET_L4_OLD	0xffff880000000000ULL	/* before 4.20 */
#define PAGE_OFFSET_L5		0xff11000000000000ULL
#define CR4_LA57		(1ULL << 12)
#define KASLR_ALIGN		(2ULL << 20)		/* CONFIG_PHYSICAL_ALIGN */
#define KASLR_MAX		(1ULL << 30)		/* KERNEL_IMAGE_SIZE */

static struct kd_error *read_phys(void *arg, uint64_t paddr, void *buf,
				  size_t len)
{
	struct kd_session *s = arg;
	return kd_dump_read_phys(s->dump, paddr, buf, len, 0);
}

/* Link-time (unrelocated) address of a vmlinux symbol. */
static int link_addr(struct kd_session *s, const char *name, uint64_t *ret)
{
	struct kd_symbol sym;
	struct kd_error *err = kd_symtab_lookup(s->symtab, name, &sym);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*ret = sym.value - kd_symtab_relocation(s->symtab);
	return 1;
}

/* Reads a kernel-image variable before translation exists. */
static int read_image_u64(struct kd_session *s, const char *name, uint64_t *ret)
{
	uint64_t a;
	if (!link_addr(s, name, &a))
		return 0;
	a += s->kaslr_offset;
	struct kd_error *err = read_phys(s, a - START_KERNEL_MAP + s->phys_base,
					 ret, sizeof(*ret));
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return 1;
}

static const struct kd_cpu_state *cpu_with_cr3(const struct kd_dump *d)
{
	for (unsigned i = 0; i < kd_dump_nr_cpu_states(d); i++) {
		const struct kd_cpu_state *cs = kd_dump_cpu_state(d, i);
		if (cs && cs->has_cr3 && cs->cr3)
			return cs;
	}
	return NULL;
}

/* No VMCOREINFO: find the slide and phys_base from CR3 + linux_banner. */
static struct kd_error *probe_kaslr(struct kd_session *s)
{
	const struct kd_cpu_state *cs = cpu_with_cr3(s->dump);
	const char *banner = kd_debuginfo_banner(s->di);
	struct kd_kaslr_probe pr = {
		.align = KASLR_ALIGN,
		.max_slide = KASLR_MAX,
	};
	if (!cs)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "%s: no VMCOREINFO and no CPU register note with "
				       "CR3: cannot find the KASLR offset",
				       s->dump_path);
	if (!banner || !link_addr(s, "linux_banner", &pr.banner_link) ||
	    !link_addr(s, "_text", &pr.text_link))
		return kd_error_create(KD_ERR_MISMATCH,
				       "%s: no linux_banner/_text: not a vmlinux? "
				       "(needed to find the KASLR offset of a dump "
				       "without VMCOREINFO)", s->vmlinux_path);
	pr.cr3 = cs->cr3;
	pr.l5 = (cs->cr[4] & CR4_LA57) != 0;
	pr.banner = banner;
	pr.banner_len = strlen(banner);
	struct kd_error *err = kd_x86_64_find_kaslr(&pr, read_phys, s,
						    &s->kaslr_offset,
						    &s->phys_base);
	s->l5 = pr.l5;
	return err;
}

/* 1 when linux_banner reads "Linux version " at the given KASLR offset
 * and phys_base (or when there is no linux_banner to tell). */
static int banner_at(struct kd_session *s, uint64_t off, uint64_t pb)
{
	static const char want[] = "Linux version ";
	char buf[sizeof(want) - 1];
	uint64_t a;
	if (!link_addr(s, "linux_banner", &a))
		return 1;
	struct kd_error *err = read_phys(s, a + off - START_KERNEL_MAP + pb,
					 buf, sizeof(buf));
	kd_error_destroy(err);
	return !err && memcmp(buf, want, sizeof(buf)) == 0;
}

/*
 * VMCOREINFO's KERNELOFFSET (0 when absent: written only for a relocated
 * kernel) checked against memory: linux_banner must be where it says.
 * One zero byte inside VMCOREINFO ends it early and loses KERNELOFFSET:
 * every address would then be wrong in silence.  The CR3 probe (as for a
 * dump without VMCOREINFO) finds the offset memory agrees with.
 */
static void check_offsets(struct kd_session *s, int have_koff)
{
	if (banner_at(s, s->kaslr_offset, s->phys_base))
		return;
	uint64_t off = s->kaslr_offset, pb = s->phys_base;
	int l5 = s->l5;
	struct kd_error *err = probe_kaslr(s);
	if (!err && banner_at(s, s->kaslr_offset, s->phys_base)) {
		kd_session_warn(s, "%s: linux_banner is not at KASLR offset "
				"0x%llx (VMCOREINFO KERNELOFFSET %s): found "
				"through CR3 at offset 0x%llx, phys_base "
				"0x%llx; using those", s->dump_path,
				(unsigned long long)off,
				have_koff ? "wrong" : "missing",
				(unsigned long long)s->kaslr_offset,
				(unsigned long long)s->phys_base);
		return;
	}
	s->kaslr_offset = off;
	s->phys_base = pb;
	s->l5 = l5;
	kd_session_warn(s, "%s: linux_banner is not at KASLR offset 0x%llx "
			"(VMCOREINFO KERNELOFFSET %s) and the CR3 probe did "
			"not find it%s%s: kernel addresses may all be wrong",
			s->dump_path, (unsigned long long)off,
			have_koff ? "given" : "missing", err ? ": " : "",
			err ? err->message : "");
	kd_error_destroy(err);
}

static struct kd_error *find_offsets(struct kd_session *s)
{
	const struct kd_vmcoreinfo *vi = kd_dump_vmcoreinfo_table(s->dump);
	int64_t n;
	if (!vi)
		return probe_kaslr(s);
	uint64_t off;
	struct kd_error *err = kd_vmcoreinfo_kerneloffset(vi, &off);
	int have_koff = !err;
	if (err) {
		/* KERNELOFFSET is only written when the kernel was relocated. */
		kd_error_destroy(err);
		off = 0;
	}
	s->kaslr_offset = off;
	if (kd_vmcoreinfo_try_number(vi, "phys_base", &n))
		s->phys_base = (uint64_t)n;
	else if (!kd_dump_phys_base(s->dump, &s->phys_base))
		s->phys_base = 0;
	if (kd_vmcoreinfo_try_number(vi, "pgtable_l5_enabled", &n)) {
		s->l5 = n != 0;
	} else {
		const struct kd_cpu_state *cs = cpu_with_cr3(s->dump);
		s->l5 = cs && (cs->cr[4] & CR4_LA57);
	}
	check_offsets(s, have_koff);
	return NULL;
}

static int release_before(const char *release, int major, int minor)
{
	int ma = 0, mi = 0;
	if (!release || sscanf(release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

static uint64_t root_table(struct kd_session *s)
{
	const struct kd_vmcoreinfo *vi = kd_dump_vmcoreinfo_table(s->dump);
	uint64_t va = 0;
	if (vi && (kd_vmcoreinfo_try_symbol(vi, "init_top_pgt", &va) ||
		   kd_vmcoreinfo_try_symbol(vi, "swapper_pg_dir", &va)))
		return va - START_KERNEL_MAP + s->phys_base;
	if (link_addr(s, "init_top_pgt", &va) ||
	    link_addr(s, "init_level4_pgt", &va) ||
	    link_addr(s, "swapper_pg_dir", &va))
		return va + s->kaslr_offset - START_KERNEL_MAP + s->phys_base;
	return 0;
}

static void fill_params(struct kd_session *s, struct kd_x86_64_params *p)
{
	const struct kd_vmcoreinfo *vi = kd_dump_vmcoreinfo_table(s->dump);
	uint64_t v;
	int64_t n;
	p->phys_base = s->phys_base;
	p->pgd_paddr = root_table(s);
	if (!vi || !kd_vmcoreinfo_try_number(vi, "pgtable_l5_enabled", &n)) {
		uint32_t l5;
		if (read_image_u64(s, "__pgtable_l5_enabled", &v)) {
			memcpy(&l5, &v, sizeof(l5));	/* an unsigned int */
			s->l5 = l5 != 0;
		}
	}
	p->l5 = s->l5;
	if (read_image_u64(s, "page_offset_base", &v))
		s->page_offset_base = v;
	else if (s->l5)
		s->page_offset_base = PAGE_OFFSET_L5;
	else if (release_before(kd_dump_release(s->dump), 4, 20))
		s->page_offset_base = PAGE_OFFSET_L4_OLD;
	else
		s->page_offset_base = PAGE_OFFSET_L4;
	p->page_offset_base = s->page_offset_base;
	p->direct_map_size = kd_dump_max_pfn(s->dump) * kd_dump_page_size(s->dump);
	kd_symtab_image_range(s->symtab, &p->image_start, &p->image_end);
	if (vi && kd_vmcoreinfo_try_number(vi, "sme_mask", &n))
		p->pte_clear_mask = (uint64_t)n;
	else if (read_image_u64(s, "sme_me_mask", &v))
		p->pte_clear_mask = v;
}

struct kd_error *kd_session_setup_arch(struct kd_session *s)
{
	if (kd_dump_machine(s->dump) != EM_X86_64 && kd_dump_machine(s->dump) != 0)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "%s: %s dumps are not supported yet (x86_64 only)",
				       s->dump_path, kd_dump_arch_name(s->dump));
	struct kd_error *err = find_offsets(s);
	if (err)
		return err;
	kd_symtab_set_relocation(s->symtab, s->kaslr_offset);
	struct kd_x86_64_params p = { 0 };
	fill_params(s, &p);
	if (!p.pgd_paddr)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "%s: no kernel page table root (init_top_pgt) "
				       "in VMCOREINFO or the symbols",
				       s->vmlinux_path);
	return kd_x86_64_create(&p, read_phys, s, &s->arch);
}
