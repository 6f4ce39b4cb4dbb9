// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gdb's value printing as crash configures it ("set print pretty on",
 * no repeat compression, 256 elements per array).  A value is read once
 * into a buffer; members, elements and bitfields are taken from it.
 * Only pointed-to strings (char *) read more memory.
 *
 * gdb facts relied on (gdb 10, which crash 8.0 embeds):
 *   - a struct prints "{" then each member on its own line indented
 *     2 * (level + 1), "name = value" (anonymous members without the
 *     name), members separated by ",", then "}" indented 2 * level;
 *     arrays print their elements at level + 1 after "{", separated by
 *     ", " (so arrays of structs give "{{ ... }, { ... }}");
 *   - a char array prints as a string of its elements with the last one
 *     dropped if it is NUL, cut after 256 characters ("..."; see
 *     print_char_array); non-printable bytes as \ooo, and a digit right
 *     after such an escape escaped too; a flexible char array as its
 *     address and the string there;
 *   - a pointer prints as 0x... followed by " <sym+off>" when the msymbol
 *     lookup finds one (zero-sized data symbols and addresses past the
 *     end of a sized symbol give none); char * is followed by the string.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/ksyms.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "types_internal.h"

#define MAX_ELEMENTS	256	/* crash's "set print elements" */
#define MAX_STRING	256
#define MAX_VALUE_SIZE	(16u << 20)

struct vf {
	struct kd_session *s;
	unsigned flags;
	int fmt;		/* gdb's format letter, 0 for none */
	FILE *out;
};

static struct kd_error *print_value(struct vf *v, struct kd_type *t,
				    const uint8_t *buf, uint64_t addr,
				    int depth);

static void indent(FILE *out, int n)
{
	fprintf(out, "%*s", n, "");
}

/* ---------------------------------------------------------------- symbols */

static int is_text(const struct kd_symbol *sym)
{
	return sym->type == 'T' || sym->type == 't' || (sym->flags & KD_SYM_FUNC);
}

/* Among the symbols at sym's address, gdb prefers one with a size. */
static void prefer_sized(const struct kd_symtab *st, struct kd_symbol *sym)
{
	struct kd_symbol o;
	for (size_t i = sym->index; i-- > 0;) {
		if (!kd_symtab_get(st, i, &o) || o.value != sym->value)
			break;
		if (o.size && !sym->size)
			*sym = o;
	}
	for (size_t i = sym->index + 1; kd_symtab_get(st, i, &o); i++) {
		if (o.value != sym->value)
			break;
		if (o.size && !sym->size)
			*sym = o;
	}
}

int kd_value_symbolic(struct kd_session *s, uint64_t addr, char *buf,
		      size_t size)
{
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol sym;
	struct kd_ksym ks;
	uint64_t off;
	if (st && addr && !kd_symtab_by_addr(st, addr, &sym, &off) &&
	    kd_ksym_by_addr(s, addr, &ks, &off) && ks.module) {
		/* in a module: the nearest of its symbols, as gdb names it */
		if (off)
			snprintf(buf, size, "%s+%" PRIu64, ks.name, off);
		else
			snprintf(buf, size, "%s", ks.name);
		return 1;
	}
	if (!st || !addr || !kd_symtab_by_addr(st, addr, &sym, &off))
		return 0;
	prefer_sized(st, &sym);
	off = addr - sym.value;
	if (sym.size ? off >= sym.size : !is_text(&sym))
		return 0;
	if (off)
		snprintf(buf, size, "%s+%" PRIu64, sym.raw_name, off);
	else
		snprintf(buf, size, "%s", sym.raw_name);
	return 1;
}

/* ---------------------------------------------------------------- scalars */

static uint64_t load_uint(const uint8_t *p, uint64_t size)
{
	uint64_t v = 0;
	memcpy(&v, p, size > 8 ? 8 : size);	/* little-endian target */
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	if (bits >= 64)
		return (int64_t)v;
	uint64_t m = 1ULL << (bits - 1);
	v &= (1ULL << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

/* One character the way gdb escapes it inside quote q.  *octal says the
 * previous character was an octal escape: gdb then escapes a digit too,
 * so that "\0006" reads back as two characters ("\000\066"). */
static void put_char(FILE *out, unsigned char c, char q, int *octal)
{
	static const char esc[] = "\aa\bb\ff\nn\rr\tt\vv";
	int after_octal = *octal;
	*octal = 0;
	if (c == (unsigned char)q || c == '\\') {
		fprintf(out, "\\%c", c);
		return;
	}
	if (c >= 0x20 && c < 0x7f && !(after_octal && c >= '0' && c <= '9')) {
		fputc(c, out);
		return;
	}
	for (const char *e = esc; *e; e += 2)
		if ((unsigned char)e[0] == c) {
			fprintf(out, "\\%c", e[1]);
			return;
		}
	fprintf(out, "\\%03o", c);
	*octal = 1;
}

static void print_address(struct vf *v, uint64_t val);

/* A float or double as gdb prints it: 9 or 17 significant digits, and a
 * NaN with its payload ("-nan(0x400000)"). */
static void print_float(FILE *out, const uint8_t *p, size_t size)
{
	double d;
	if (!kd_float_load(p, size, &d)) {	/* long double: not read */
		fprintf(out, "<%zu-byte floating-point value>", size);
	} else if (isnan(d)) {
		uint64_t bits = load_uint(p, size);
		unsigned mant = size == 4 ? 23 : 52;
		fprintf(out, "%snan(0x%" PRIx64 ")",
			bits >> (size * 8 - 1) ? "-" : "",
			bits & (((uint64_t)1 << mant) - 1));
	} else {
		fprintf(out, size == 4 ? "%.9g" : "%.17g", d);
	}
}

/* An integer of width bits in gdb's format letter fmt. */
static void print_formatted(struct vf *v, int fmt, uint64_t raw,
			    unsigned bits, int sgn)
{
	if (bits < 64)
		raw &= (1ULL << bits) - 1;
	switch (fmt) {
	case 'x':
		fprintf(v->out, "0x%" PRIx64, raw);
		break;
	case 'z':
		fprintf(v->out, "0x%0*" PRIx64, (int)((bits + 3) / 4), raw);
		break;
	case 'o':
		fprintf(v->out, raw ? "0%" PRIo64 : "%" PRIo64, raw);
		break;
	case 't': {
		char b[65];
		int n = 0;
		do {
			b[n++] = (char)('0' + (raw & 1));
			raw >>= 1;
		} while (raw);
		while (n)
			fputc(b[--n], v->out);
		break;
	}
	case 'd':
		fprintf(v->out, "%" PRId64, sign_extend(raw, bits));
		break;
	case 'c': {
		/* gdb casts to a char of the value's signedness */
		int c = sgn ? (int)(int8_t)raw : (int)(uint8_t)raw;
		fprintf(v->out, "%d '", c);
		put_char(v->out, (unsigned char)raw, '\'', &(int){ 0 });
		fputc('\'', v->out);
		break;
	}
	case 'a':
		print_address(v, raw);
		break;
	default:	/* u */
		fprintf(v->out, "%" PRIu64, raw);
	}
}

static void print_int(struct vf *v, struct kd_type *t, uint64_t raw,
		      uint64_t size, unsigned bits)
{
	int sgn = kd_type_is_signed(t);
	if (v->fmt) {
		print_formatted(v, v->fmt, raw, bits, sgn);
		return;
	}
	if (bits < 64)
		raw &= (1ULL << bits) - 1;
	if (v->flags & KD_VF_HEX) {
		fprintf(v->out, "0x%" PRIx64, raw);
		return;
	}
	int64_t sv = sgn ? sign_extend(raw, bits) : (int64_t)raw;
	if (sgn)
		fprintf(v->out, "%" PRId64, sv);
	else
		fprintf(v->out, "%" PRIu64, raw);
	if (kd_type_is_char(t) && size == 1) {
		fputs(" '", v->out);
		put_char(v->out, (unsigned char)raw, '\'', &(int){ 0 });
		fputc('\'', v->out);
	}
}

static struct kd_error *print_enum(struct vf *v, struct kd_type *t,
				   uint64_t raw, unsigned bits)
{
	const struct kd_enumerator *e;
	size_t n;
	struct kd_error *err = kd_type_enumerators(t, &e, &n);
	if (err)
		return err;
	int64_t val = kd_type_is_signed(t) ? sign_extend(raw, bits)
					   : (int64_t)(bits < 64 ? raw & ((1ULL << bits) - 1) : raw);
	for (size_t i = 0; i < n; i++)
		if (e[i].value == val) {
			fputs(e[i].name, v->out);
			return NULL;
		}
	fprintf(v->out, "%" PRId64, val);
	return NULL;
}

static void print_scalar(struct vf *v, struct kd_type *t, const uint8_t *buf,
			 uint64_t bit_off, unsigned bit_size)
{
	struct kd_type *st = kd_type_strip(t, KD_STRIP_ALL);
	uint64_t size = kd_type_size(st);
	uint64_t raw;
	unsigned bits = bit_size ? bit_size : (unsigned)(size * 8);
	if (bit_size) {
		uint8_t tmp[16] = { 0 };
		memcpy(tmp, buf + bit_off / 8, (bit_off % 8 + bit_size + 7) / 8);
		raw = load_uint(tmp, 8) >> (bit_off % 8);
		if (bit_off % 8 + bit_size > 64)
			raw |= (uint64_t)tmp[8] << (64 - bit_off % 8);
	} else {
		raw = load_uint(buf + bit_off / 8, size);
	}
	if (v->fmt && kd_type_kind(st) == KD_TYPE_FLOAT) {
		double d;
		kd_float_load(buf + bit_off / 8, size, &d);
		/* gdb converts to an integer of the value's size first */
		print_formatted(v, v->fmt, kd_float_to_bits(d),
				size == 4 ? 32 : 64, 1);
		return;
	}
	if (v->fmt && kd_type_kind(st) != KD_TYPE_INT) {
		print_formatted(v, v->fmt, raw, bits, kd_type_is_signed(st));
		return;
	}
	switch (kd_type_kind(st)) {
	case KD_TYPE_BOOL:
		if (v->flags & KD_VF_HEX)
			fprintf(v->out, "0x%" PRIx64, raw & 0xff);
		else if ((raw & 0xff) <= 1)
			fputs(raw & 1 ? "true" : "false", v->out);
		else
			fprintf(v->out, "%" PRIu64, raw);
		break;
	case KD_TYPE_ENUM: {
		struct kd_error *err = print_enum(v, st, raw, bits);
		if (err) {
			kd_error_destroy(err);
			fprintf(v->out, "%" PRIu64, raw);
		}
		break;
	}
	case KD_TYPE_FLOAT:
		print_float(v->out, buf + bit_off / 8, size);
		break;
	default:
		print_int(v, st, raw, size, bits);
	}
}

/* ---------------------------------------------------------------- pointers */

static int is_char_type(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	return t && kd_type_kind(t) == KD_TYPE_INT && kd_type_size(t) == 1 &&
	       kd_type_is_char(t);
}

static void print_string_at(struct vf *v, uint64_t addr)
{
	char buf[MAX_STRING + 1];
	size_t len = 0;
	struct kd_error *err = kd_read_cstring(v->s, addr, buf, sizeof(buf),
					       &len);
	if (err) {
		fprintf(v->out, " <error: Cannot access memory at address 0x%"
			PRIx64 ">", addr);
		kd_error_destroy(err);
		return;
	}
	fputs(" \"", v->out);
	int octal = 0;
	for (size_t i = 0; i < len && i < MAX_STRING; i++)
		put_char(v->out, (unsigned char)buf[i], '"', &octal);
	fputc('"', v->out);
	if (len >= MAX_STRING)
		fputs("...", v->out);
}

static void print_address(struct vf *v, uint64_t val)
{
	char sym[256];
	fprintf(v->out, "0x%" PRIx64, val);
	if (kd_value_symbolic(v->s, val, sym, sizeof(sym)))
		fprintf(v->out, " <%s>", sym);
}

static struct kd_error *print_type_prefix(struct vf *v, struct kd_type *t)
{
	char *decl;
	struct kd_error *err = kd_type_format(t, NULL, &decl);
	if (err)
		return err;
	fprintf(v->out, "(%s) ", decl);
	free(decl);
	return NULL;
}

static struct kd_error *print_pointer(struct vf *v, struct kd_type *t,
				      const uint8_t *buf)
{
	struct kd_type *st = kd_type_strip(t, KD_STRIP_ALL);
	uint64_t val = load_uint(buf, kd_type_size(st));
	struct kd_type *target = kd_type_target(st);
	if (v->fmt) {
		print_formatted(v, v->fmt, val, 64, 0);
		return NULL;
	}
	if ((v->flags & KD_VF_TOPLEVEL) && !is_char_type(target)) {
		struct kd_error *err = print_type_prefix(v, t);
		if (err)
			return err;
	}
	print_address(v, val);
	if (val && is_char_type(target))
		print_string_at(v, val);
	return NULL;
}

/* ---------------------------------------------------------------- aggregates */

/*
 * gdb's generic_printstr: a trailing NUL is dropped, then characters are
 * taken a run of equal ones at a time while fewer than "print elements"
 * (MAX_ELEMENTS) are taken, so the last run is printed whole; "..."
 * follows when the string did not end there.
 */
static void print_char_array(struct vf *v, const uint8_t *buf, uint64_t n)
{
	if (n && buf[n - 1] == 0)
		n--;
	uint64_t taken = 0;
	while (taken < n && taken < MAX_ELEMENTS) {
		uint64_t run = 1;
		while (taken + run < n && buf[taken + run] == buf[taken])
			run++;
		taken += run;
	}
	int octal = 0;
	fputc('"', v->out);
	for (uint64_t i = 0; i < taken; i++)
		put_char(v->out, buf[i], '"', &octal);
	fputc('"', v->out);
	if (taken < n)
		fputs("...", v->out);
}

static struct kd_error *print_array(struct vf *v, struct kd_type *t,
				    const uint8_t *buf, uint64_t addr,
				    int depth)
{
	struct kd_type *elem = kd_type_target(t);
	uint64_t n = 0;
	if (!kd_type_array_count(t, &n) || n == 0) {
		/* flexible (or [0]): gdb prints it as a pointer to its first
		 * element, a char one followed by the string there */
		print_address(v, addr);
		if (is_char_type(elem))
			print_string_at(v, addr);
		return NULL;
	}
	uint64_t esize = kd_type_size(elem);
	if (is_char_type(elem) && !v->fmt) {
		print_char_array(v, buf, n);
		return NULL;
	}
	fputc('{', v->out);
	for (uint64_t i = 0; i < n; i++) {
		if (i == MAX_ELEMENTS) {
			fputs("...", v->out);
			break;
		}
		if (i)
			fputs(", ", v->out);
		struct kd_error *err = print_value(v, elem, buf + i * esize,
						   addr + i * esize, depth + 1);
		if (err)
			return err;
	}
	fputc('}', v->out);
	return NULL;
}

static struct kd_error *print_struct(struct vf *v, struct kd_type *t,
				     const uint8_t *buf, uint64_t addr,
				     int depth)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	if (err)
		return err;
	if (!n) {
		fputs("{<No data fields>}", v->out);
		return NULL;
	}
	fputc('{', v->out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", v->out);
		indent(v->out, 2 * (depth + 1));
		if (m[i].name)
			fprintf(v->out, "%s = ", m[i].name);
		if (m[i].bit_size) {
			print_scalar(v, m[i].type, buf, m[i].bit_offset,
				     m[i].bit_size);
			continue;
		}
		uint64_t off = m[i].bit_offset / 8;
		err = print_value(v, m[i].type, buf + off, addr + off,
				  depth + 1);
		if (err)
			return err;
	}
	fputc('\n', v->out);
	indent(v->out, 2 * depth);
	fputc('}', v->out);
	return NULL;
}

static struct kd_error *print_value(struct vf *v, struct kd_type *t,
				    const uint8_t *buf, uint64_t addr,
				    int depth)
{
	struct kd_type *st = kd_type_strip(t, KD_STRIP_ALL);
	unsigned flags = v->flags;
	struct kd_error *err = NULL;
	if (depth > 0)	/* only the outermost value gets a type prefix */
		v->flags &= ~KD_VF_TOPLEVEL;
	switch (kd_type_kind(st)) {
	case KD_TYPE_STRUCT:
	case KD_TYPE_UNION:
		err = print_struct(v, st, buf, addr, depth);
		break;
	case KD_TYPE_ARRAY:
		err = print_array(v, st, buf, addr, depth);
		break;
	case KD_TYPE_POINTER:
		err = print_pointer(v, t, buf);
		break;
	case KD_TYPE_FUNCTION:
		print_address(v, addr);
		break;
	case KD_TYPE_VOID:
		fputs("void", v->out);
		break;
	default:
		print_scalar(v, t, buf, 0, 0);
	}
	v->flags = flags;
	return err;
}

struct kd_error *kd_value_format(struct kd_session *s, struct kd_type *type,
				 uint64_t addr, const void *buf, unsigned flags,
				 int depth, FILE *out)
{
	struct vf v = { .s = s, .flags = flags, .out = out,
			.fmt = (int)KD_VF_FORMAT_OF(flags) };
	struct kd_type *st = kd_type_strip(type, KD_STRIP_ALL);
	uint64_t size = kd_type_size(st);
	if (v.fmt == 's')
		v.fmt = 0;	/* gdb: the default format for all but strings */
	if (kd_type_kind(st) == KD_TYPE_VOID) {
		fputs("void", out);
		return NULL;
	}
	if (st->nodebug == KD_NODEBUG_TEXT && !buf) {
		/* a text symbol without debuginfo: gdb's {<type>} addr <sym> */
		fprintf(out, "{%s} ", st->name);
		print_address(&v, addr);
		return NULL;
	}
	if (v.fmt && kd_type_kind(st) == KD_TYPE_FUNCTION) {
		print_formatted(&v, v.fmt, addr, 64, 0);
		return NULL;
	}
	if (kd_type_kind(st) == KD_TYPE_FUNCTION) {
		/* gdb: {type} address <symbol> */
		char *decl;
		struct kd_error *err = kd_type_format(type, NULL, &decl);
		if (err)
			return err;
		fprintf(out, "{%s} ", decl);
		free(decl);
		print_address(&v, addr);
		return NULL;
	}
	if (size > MAX_VALUE_SIZE)
		return kd_error_create(KD_ERR_LIMIT,
				       "value of %" PRIu64 " bytes is too large to print",
				       size);
	uint8_t *copy = NULL;
	if (!buf) {
		copy = malloc(size ? size : 1);
		if (!copy)
			return &kd_error_nomem;
		struct kd_error *err = kd_read_kvaddr(s, addr, copy, size);
		if (err) {
			free(copy);
			return err;
		}
		buf = copy;
	}
	struct kd_error *err = print_value(&v, type, buf, addr, depth);
	free(copy);
	return err;
}
