// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF notes of a vmcore: the PT_NOTE segments of an ELF dump, or the note
 * area a kdump-compressed header (v4+) points at (a copy of the same).
 *
 * A note, 4-byte aligned, fields in the dumped machine's byte order:
 *   u32 namesz, u32 descsz, u32 type, name[namesz] (pad 4), desc[descsz] (pad 4)
 *
 * Notes we use:
 *   "CORE" NT_PRSTATUS (1)   one per CPU: struct elf_prstatus.
 *        64-bit: pr_pid i32 @32, pr_reg @112, then pr_fpvalid (8 with pad)
 *        32-bit: pr_pid i32 @24, pr_reg @72,  then pr_fpvalid (4)
 *        so pr_reg holds (descsz - 120) / 8 resp. (descsz - 76) / 4 words,
 *        whatever the architecture (x86_64: 27, aarch64: 34, ppc64: 48).
 *   "VMCOREINFO" (0)         KEY=value text.
 *   "QEMU" (0)               QEMU's per-CPU state (target/i386 x86), in CPU
 *        order after the PRSTATUS notes: struct QEMUCPUState
 *        u32 version (1) @0, u32 size @4, u64 rax..r15 @8, rip @136,
 *        rflags @144, 10 segment descriptors of 24 bytes @152,
 *        u64 cr[5] @392, kernel_gs_base @432 (newer QEMU).
 *        CR3 lets the upper layers walk page tables without VMCOREINFO.
 *
 * A malformed note ends the parse with a warning: memory stays readable.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cursor.h>
#include <pykdump/vector.h>

#include "dump_internal.h"

#define PRSTATUS64_REG 112
#define PRSTATUS32_REG 72
#define QEMU_CPUSTATE_CR 392

static struct kd_error *parse_prstatus(struct kd_dump *d, struct kd_cursor *c)
{
	int w = d->ptr_size == 4 ? 4 : 8;
	size_t reg = w == 8 ? PRSTATUS64_REG : PRSTATUS32_REG;
	size_t tail = w == 8 ? 8 : 4;
	if (kd_cursor_len(c) < reg + tail) {
		kd_dump_warn(d, "%s: NT_PRSTATUS note at offset 0x%llx is too "
			     "short (%zu bytes)", c->file,
			     (unsigned long long)c->base, kd_cursor_len(c));
		return NULL;
	}
	struct kd_error *err = kd_array_reserve(&d->cpus, &d->cpus_cap,
						(size_t)d->ncpus + 1);
	if (err)
		return err;
	struct kd_cpu_state *cpu = &d->cpus[d->ncpus++];
	memset(cpu, 0, sizeof(*cpu));
	cpu->pid = kd_cursor_u32_at(c, w == 8 ? 32 : 24);
	size_t n = (kd_cursor_len(c) - reg - tail) / w;
	if (n > KD_MAX_CPU_REGS)
		n = KD_MAX_CPU_REGS;
	for (size_t i = 0; i < n; i++)
		cpu->regs[i] = kd_cursor_word_at(c, reg + i * w, w);
	cpu->nr_regs = (unsigned)n;
	return kd_cursor_error(c);
}

static struct kd_error *parse_qemu(struct kd_dump *d, struct kd_cursor *c)
{
	/* Only x86's QEMUCPUState is known; other targets differ. */
	if (d->machine != EM_X86_64 && d->machine != EM_386)
		return NULL;
	if (kd_cursor_len(c) < QEMU_CPUSTATE_CR + 40 ||
	    kd_cursor_u32_at(c, 0) != 1)
		return NULL;
	struct kd_error *err = kd_array_reserve(&d->qemu_cr, &d->qemu_cap,
						(size_t)d->nqemu + 1);
	if (err)
		return err;
	for (int i = 0; i < 5; i++)
		d->qemu_cr[d->nqemu][i] =
			kd_cursor_u64_at(c, QEMU_CPUSTATE_CR + 8 * i);
	d->nqemu++;
	return kd_cursor_error(c);
}

static int name_is(const uint8_t *name, uint32_t namesz, const char *want)
{
	size_t n = strlen(want);
	/* namesz counts the NUL; tolerate writers that omit it. */
	return (namesz == n + 1 || namesz == n) && memcmp(name, want, n) == 0 &&
	       (namesz == n || name[n] == '\0');
}

static struct kd_error *dispatch(struct kd_dump *d, const uint8_t *name,
				 uint32_t namesz, uint32_t type,
				 struct kd_cursor *desc)
{
	if (type == NT_PRSTATUS && name_is(name, namesz, "CORE"))
		return parse_prstatus(d, desc);
	if (name_is(name, namesz, "VMCOREINFO"))
		return kd_dump_set_vmcoreinfo(d, (const char *)desc->start,
					      kd_cursor_len(desc));
	if (name_is(name, namesz, "QEMU"))
		return parse_qemu(d, desc);
	return NULL;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

struct kd_error *kd_notes_parse(struct kd_dump *d, const void *buf,
				size_t len, uint64_t file_off, const char *file)
{
	struct kd_cursor c;
	kd_cursor_init_file(&c, buf, len, file_off, file, "ELF note",
			    d->big_endian);
	while (kd_cursor_left(&c) >= 12) {
		size_t at = kd_cursor_pos(&c);
		uint32_t namesz = kd_cursor_u32(&c);
		uint32_t descsz = kd_cursor_u32(&c);
		uint32_t type = kd_cursor_u32(&c);
		if (namesz == 0 && descsz == 0 && type == 0)
			break;	/* zero padding after the last note */
		const uint8_t *name = kd_cursor_bytes(&c, pad4(namesz));
		/* The last desc may lack its padding. */
		size_t dlen = pad4(descsz) <= kd_cursor_left(&c) ? pad4(descsz)
							       : descsz;
		const uint8_t *desc = name ? kd_cursor_bytes(&c, dlen) : NULL;
		if (!desc) {
			kd_error_destroy(kd_cursor_error(&c));
			kd_dump_warn(d, "%s: ELF note at offset 0x%llx runs past "
				     "the end of its note area (0x%llx); later "
				     "notes ignored", file,
				     (unsigned long long)(file_off + at),
				     (unsigned long long)(file_off + len));
			return NULL;
		}
		struct kd_cursor dc;
		kd_cursor_init_file(&dc, desc, descsz,
				    file_off + (uint64_t)(desc - c.start),
				    file, "ELF note", d->big_endian);
		struct kd_error *err = dispatch(d, name, namesz, type, &dc);
		if (err)
			return err;
	}
	return NULL;
}
