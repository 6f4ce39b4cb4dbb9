// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Disassembly over binutils' libopcodes (include/pykdump/disasm.h).
 *
 * Why libopcodes and not capstone: crash prints what gdb prints, and gdb
 * disassembles with libopcodes, so the mnemonics ("call", "nopl"), the
 * operand spelling ("0x0(%rax,%rax,1)", "$0x1"), the padding of the
 * mnemonic and the "        # 0xADDR" comment of rip-relative operands
 * come out the same without translation.  Capstone spells AT&T
 * differently ("callq", "nopl (%rax,%rax)", "$1", ", " between operands).
 *
 * Bytes come from the dump's memory through a two-page window: the
 * disassembler asks for a few bytes at a time (at most 15 per
 * instruction), so a window refilled a page at a time keeps a function's
 * disassembly to one read per page.  The window starts at the page of
 * the first byte asked for and holds the next page too when it can be
 * read, so that an instruction crossing a page boundary decodes.
 */
#include <dis-asm.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pykdump/disasm.h>
#include <pykdump/dump.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>

#define WINDOW_PAGE	4096u
#define WINDOW_SIZE	(2 * WINDOW_PAGE)

struct kd_disasm {
	struct kd_session *s;
	struct kd_disasm_options opts;
	struct disassemble_info info;
	disassembler_ftype decode;
	/* the bytes window */
	uint64_t win_start;
	size_t win_len;			/* 0: empty */
	uint8_t win[WINDOW_SIZE];
	/* the instruction being decoded */
	char text[KD_INSN_TEXT_MAX];
	size_t text_len;
	size_t naddrs;
	uint64_t addrs[KD_INSN_MAX_ADDRS];
	size_t addr_pos[KD_INSN_MAX_ADDRS];	/* text offset after the hex */
	struct kd_error *err;		/* the read that failed */
};

static struct kd_error *read_bytes(struct kd_disasm *d, uint64_t addr,
				   void *buf, size_t len)
{
	if (d->opts.pgd)
		return kd_read_uvaddr(d->s, d->opts.pgd, addr, buf, len);
	return kd_read_kvaddr(d->s, addr, buf, len);
}

/* Make [addr, addr + len) part of the window.  0 or -1 (d->err set). */
static int window_fill(struct kd_disasm *d, uint64_t addr, size_t len)
{
	uint64_t page = addr & ~(uint64_t)(WINDOW_PAGE - 1);
	struct kd_error *err = read_bytes(d, page, d->win, WINDOW_PAGE);
	d->win_len = 0;
	if (err) {
		kd_error_destroy(d->err);
		d->err = err;
		return -1;
	}
	d->win_start = page;
	d->win_len = WINDOW_PAGE;
	if (page + WINDOW_PAGE < page)	/* the last page of the space */
		return addr + len <= page + WINDOW_PAGE ? 0 : -1;
	err = read_bytes(d, page + WINDOW_PAGE, d->win + WINDOW_PAGE,
			 WINDOW_PAGE);
	if (!err) {
		d->win_len = WINDOW_SIZE;
		return 0;
	}
	if (addr + len <= page + WINDOW_PAGE) {
		kd_error_destroy(err);	/* not needed for this one */
		return 0;
	}
	kd_error_destroy(d->err);
	d->err = err;
	return -1;
}

static int in_window(const struct kd_disasm *d, uint64_t addr, size_t len)
{
	return d->win_len && addr >= d->win_start &&
	       addr - d->win_start <= d->win_len &&
	       len <= d->win_len - (addr - d->win_start);
}

static int read_memory(bfd_vma memaddr, bfd_byte *myaddr, unsigned int length,
		       struct disassemble_info *info)
{
	struct kd_disasm *d = info->application_data;
	if (!in_window(d, memaddr, length) &&
	    (length > WINDOW_PAGE || window_fill(d, memaddr, length) < 0 ||
	     !in_window(d, memaddr, length)))
		return -1;
	memcpy(myaddr, d->win + (memaddr - d->win_start), length);
	return 0;
}

/* libopcodes reports the failed read here; the error is already kept. */
static void memory_error(int status, bfd_vma memaddr,
			 struct disassemble_info *info)
{
	struct kd_disasm *d = info->application_data;
	(void)status;
	if (!d->err)
		d->err = kd_error_fault(KD_ERR_FAULT, memaddr,
					"cannot read instruction at %" PRIx64,
					(uint64_t)memaddr);
}

static void text_vappend(struct kd_disasm *d, const char *fmt, va_list ap)
{
	size_t room = sizeof(d->text) - d->text_len;
	int n = vsnprintf(d->text + d->text_len, room, fmt, ap);
	if (n > 0)
		d->text_len += (size_t)n < room ? (size_t)n : room - 1;
}

static int text_printf(void *stream, const char *fmt, ...)
{
	struct kd_disasm *d = stream;
	va_list ap;
	va_start(ap, fmt);
	text_vappend(d, fmt, ap);
	va_end(ap);
	return 0;
}

#ifdef KD_DISASM_STYLED
static int text_styled_printf(void *stream, enum disassembler_style style,
			      const char *fmt, ...)
{
	struct kd_disasm *d = stream;
	va_list ap;
	(void)style;
	va_start(ap, fmt);
	text_vappend(d, fmt, ap);
	va_end(ap);
	return 0;
}
#endif

/* gdb's print_address: the hex value; the name is added after decoding,
 * when the whole text is known (see insert_names). */
static void print_address(bfd_vma addr, struct disassemble_info *info)
{
	struct kd_disasm *d = info->application_data;
	text_printf(d, "0x%" PRIx64, (uint64_t)addr);
	if (d->naddrs < KD_INSN_MAX_ADDRS) {
		d->addrs[d->naddrs] = addr;
		d->addr_pos[d->naddrs++] = d->text_len;
	}
}

/* " <name>" after each address operand the symbolizer names; the last
 * first, so that the earlier positions stay right. */
static void insert_names(struct kd_disasm *d, struct kd_insn *ret)
{
	for (size_t i = d->naddrs; i-- > 0;) {
		char name[KD_INSN_TEXT_MAX], head[KD_INSN_TEXT_MAX];
		size_t pos = d->addr_pos[i];
		memcpy(head, ret->text, pos);
		head[pos] = '\0';
		if (!d->opts.symbolize(d->opts.symbolize_arg, d->addrs[i],
				       head, name, sizeof(name)))
			continue;
		char tail[KD_INSN_TEXT_MAX];
		snprintf(tail, sizeof(tail), "%s", ret->text + pos);
		snprintf(ret->text + pos, sizeof(ret->text) - pos, " <%s>%s",
			 name, tail);
	}
}

struct kd_error *kd_disasm_create(struct kd_session *s,
				  const struct kd_disasm_options *opts,
				  struct kd_disasm **ret)
{
	*ret = NULL;
	struct kd_dump *dump = kd_session_dump(s);
	const char *arch = dump ? kd_dump_arch_name(dump) : NULL;
	if (!arch || strcmp(arch, "x86_64") != 0)
		return kd_error_create(KD_ERR_UNSUPPORTED, "disassembly of "
				       "%s code is not supported",
				       arch ? arch : "this machine's");
	struct kd_disasm *d = calloc(1, sizeof(*d));
	if (!d)
		return &kd_error_nomem;
	d->s = s;
	if (opts)
		d->opts = *opts;
#ifdef KD_DISASM_STYLED
	init_disassemble_info(&d->info, d, text_printf, text_styled_printf);
#else
	init_disassemble_info(&d->info, d, text_printf);
#endif
	d->info.arch = bfd_arch_i386;
	d->info.mach = bfd_mach_x86_64;
	d->info.endian = BFD_ENDIAN_LITTLE;
	d->info.read_memory_func = read_memory;
	d->info.memory_error_func = memory_error;
	d->info.print_address_func = print_address;
	d->info.application_data = d;
	disassemble_init_for_target(&d->info);
	d->decode = disassembler(bfd_arch_i386, 0, bfd_mach_x86_64, NULL);
	if (!d->decode) {
		free(d);
		return kd_error_create(KD_ERR_UNSUPPORTED, "libopcodes has no "
				       "x86-64 disassembler");
	}
	*ret = d;
	return NULL;
}

void kd_disasm_destroy(struct kd_disasm *d)
{
	if (!d)
		return;
	disassemble_free_target(&d->info);
	kd_error_destroy(d->err);
	free(d);
}

/*
 * "data16 cs nopw 0x0(%rax,%rax,1)" as gdb 10 (crash 8.0.6) prints it:
 * "data16 nopw %cs:0x0(%rax,%rax,1)".  binutils 2.37 began printing a
 * segment prefix that 64-bit mode ignores as a prefix of its own; GCC 14
 * pads with such nops (6.12's kernels are full of them).  Only the
 * nop forms: their operand is never an address to name.
 */
static void cs_nop_as_gdb(char *text, size_t size)
{
	char *cs = strstr(text, "cs nop");
	if (!cs || (cs != text && cs[-1] != ' '))
		return;
	char *op = cs + 3;			/* the nop mnemonic */
	op += strcspn(op, " ");			/* its padding */
	op += strspn(op, " ");			/* the operand */
	if (!*op || *op == '%' || strlen(text) + 2 >= size)
		return;
	char out[KD_INSN_TEXT_MAX];
	int n = snprintf(out, sizeof(out), "%.*s%.*s%%cs:%s",
			 (int)(cs - text), text, (int)(op - cs - 3), cs + 3, op);
	if (n > 0 && (size_t)n < size)
		memcpy(text, out, (size_t)n + 1);
}

struct kd_error *kd_disasm_insn(struct kd_disasm *d, uint64_t addr,
				struct kd_insn *ret)
{
	memset(ret, 0, sizeof(*ret));
	d->text_len = 0;
	d->text[0] = '\0';
	d->naddrs = 0;
	kd_error_destroy(d->err);
	d->err = NULL;
	int len = d->decode(addr, &d->info);
	if (len <= 0 || d->err) {
		struct kd_error *err = d->err;
		d->err = NULL;
		if (!err)
			err = kd_error_fault(KD_ERR_FAULT, addr, "cannot read "
					     "instruction at %" PRIx64, addr);
		return err;
	}
	ret->addr = addr;
	ret->len = (unsigned)len;
	if (len <= KD_INSN_MAX_LEN && in_window(d, addr, (size_t)len))
		memcpy(ret->bytes, d->win + (addr - d->win_start), (size_t)len);
	memcpy(ret->text, d->text, d->text_len + 1);
	if (!d->naddrs)
		cs_nop_as_gdb(ret->text, sizeof(ret->text));
	/* gdb 10 pads an undecodable byte's mnemonic as any other */
	if (!strcmp(ret->text, "(bad)"))
		strcpy(ret->text, "(bad)  ");
	ret->naddrs = d->naddrs;
	memcpy(ret->addrs, d->addrs, sizeof(ret->addrs));
	if (d->opts.symbolize)
		insert_names(d, ret);
	return NULL;
}
