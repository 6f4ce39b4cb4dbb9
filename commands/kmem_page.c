// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem -p [ADDR] (the struct page of each frame) and kmem -g [FLAGS]
 * (the page flag bits), as crash 8.0.6 prints them:
 *
 *       PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS
 *   fffff8df40041040  1041000 ffff8b9e41042100        0  1 fffffc0000200 slab
 *
 *   PAGE-FLAG              BIT  VALUE
 *   PG_locked                0  0000001
 *
 * The PHYSICAL column is as wide as the highest physical address in
 * hex (at least 8); FLAGS is page->flags in hex followed by the names of
 * its bits as pageflag_names[] gives them; CNT is _refcount.  -g lists
 * enum pageflags in declaration order (aliases included), VALUE as wide
 * as the largest bit needs.
 *
 * kmem -m member[,member...] prints chosen struct page members instead
 * of the -p columns, as crash 8.0.6 does:
 *
 *         PAGE        flags  _refcount
 *   fffff8df40000000  0007ffffc0001000  00000001
 *
 * the page address, then each member by the kind of its type (typedefs
 * looked through) and its size, each followed by two blanks unless said:
 *   pointer                 %016lx
 *   integer (char too)      "flags": hex, zero-padded to its size;
 *                           names starting "_count"/"_mapcount": decimal;
 *                           others decimal (gdb's output radix); a signed
 *                           8-byte hex value has no blanks after it;
 *                           bitfields shifted and masked (4/8-byte
 *                           containers only)
 *   _Bool                   true/false (other values: %d, no blanks)
 *   struct                  "_count"/"_mapcount...": its first int, %d;
 *                           a multiple of 8 bytes: its longs, %016lx,
 *                           comma-separated; a multiple of 4: its ints,
 *                           %08x comma-separated, no blanks after;
 *                           2 bytes: %04x
 *   anything else           "unsupported page member reference"
 * A member is a path as gdb evaluates ((struct page *)0)->PATH: nested
 * members and array elements, not through pointers.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/types.h>
#include <pykdump/zone.h>

#include "cmd_util.h"
#include "kmem.h"

#define FLAGS_BUF 1024

/* crash's PADDR_PRLEN: hex digits of the larger of max_mapnr pages
 * (FLATMEM) and the nodes' present (else spanned) pages, in bytes. */
int kmem_paddr_prlen(struct kd_session *s)
{
	struct kd_node *nd;
	size_t n;
	uint64_t pages = 0, max_mapnr = 0, psz = kd_page_size(s);
	char buf[32];
	struct kd_error *err = kd_mm_nodes(s, &nd, &n);
	kd_error_destroy(err);
	for (size_t i = 0; !err && i < n; i++)
		pages += nd[i].present ? nd[i].present : nd[i].spanned;
	if (!err)
		free(nd);
	if (kd_global_uint(s, "max_mapnr", 8, &max_mapnr) && max_mapnr > pages)
		pages = max_mapnr;
	snprintf(buf, sizeof(buf), "%" PRIx64, pages * psz);
	return (int)strlen(buf);
}

static void header(struct kd_cmd_ctx *ctx, int pw)
{
	char b1[32], b2[32], b3[32], b4[32];
	if (kmem_header_printed)
		return;
	kmem_header_printed = 1;
	fprintf(ctx->out, "%s %s %s %sCNT FLAGS\n",
		kmem_just(b1, sizeof(b1), 16, KJ_CENTER, "PAGE"),
		kmem_just(b2, sizeof(b2), pw, KJ_RIGHT, "PHYSICAL"),
		kmem_just(b3, sizeof(b3), 16, KJ_CENTER_R, "MAPPING"),
		kmem_just(b4, sizeof(b4), 8, KJ_CENTER_R, "INDEX"));
}

static void line(struct kd_cmd_ctx *ctx, const struct kd_page *p, int pw,
		 uint64_t page_size)
{
	char names[FLAGS_BUF];
	fprintf(ctx->out, "%-16" PRIx64 " %*" PRIx64 " %16" PRIx64 " %8" PRIx64
		" %2d %" PRIx64, p->addr, pw, p->pfn * page_size, p->mapping,
		p->index, p->refcount, p->flags);
	if (p->flags &&
	    *kd_page_flags_string(ctx->s, p->flags, names, sizeof(names)))
		fprintf(ctx->out, " %s", names);
	fputc('\n', ctx->out);
}

/* ---- -m ---- */

#define MAX_MEMBERS 100		/* crash's MAXARGS */

enum member_kind { MK_PTR, MK_INT, MK_BOOL, MK_STRUCT, MK_OTHER };

struct kmem_member {
	char *name;
	enum member_kind kind;
	int is_unsigned;
	uint64_t length, offset;	/* bytes */
	unsigned bitpos, bitsize;	/* a bitfield in its container */
};

struct kmem_members {
	size_t n;
	struct kmem_member m[MAX_MEMBERS];
};

void kmem_members_free(struct kmem_members *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->m[i].name);
	free(m);
}

/* Where a member path lies in struct page and what kind it is; 0 when
 * struct page has no such member (or the path goes through a
 * pointer). */
static int resolve_member(struct kd_type *page, struct kmem_member *m)
{
	struct kd_member_path mp;
	struct kd_error *err = kd_type_member_path(page, m->name, &mp);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (mp.stopped_at_pointer && mp.rest && *mp.rest)
		return 0;
	struct kd_type *t = kd_type_strip(mp.type, KD_STRIP_ALL);
	switch (kd_type_kind(t)) {
	case KD_TYPE_POINTER: m->kind = MK_PTR; break;
	case KD_TYPE_INT: m->kind = MK_INT; break;
	case KD_TYPE_BOOL: m->kind = MK_BOOL; break;
	case KD_TYPE_STRUCT: m->kind = MK_STRUCT; break;
	default: m->kind = MK_OTHER; break;
	}
	m->is_unsigned = m->kind == MK_PTR || m->kind == MK_BOOL ||
			 (m->kind == MK_INT && !kd_type_is_signed(t));
	m->length = kd_type_size(t);
	/* gdb's view of a bitfield: a container of the field type's size
	 * holding it, and the bit position inside that container */
	if (mp.bit_size && m->length) {
		uint64_t container = m->length * 8;
		m->bitpos = (unsigned)(mp.bit_offset % container);
		m->bitsize = mp.bit_size;
		m->offset = (mp.bit_offset - m->bitpos) / 8;
	} else {
		m->bitpos = m->bitsize = 0;
		m->offset = mp.bit_offset / 8;
	}
	return 1;
}

int kmem_members_parse(struct kd_cmd_ctx *ctx, const char *list,
		       struct kmem_members **ret)
{
	size_t commas = 0, len = strlen(list);
	for (const char *c = list; *c; c++)
		commas += *c == ',';
	if (commas + 1 > MAX_MEMBERS)
		return kd_cmd_error(ctx, "too many members in comma-separated "
				    "list");
	if (len && (list[len - 1] == ',' || list[len - 1] == '.'))
		return kd_cmd_error(ctx, "invalid format: %s", list);
	struct kd_types *types;
	struct kd_type *page;
	struct kd_error *err = kd_session_types(ctx->s, &types);
	if (!err)
		err = kd_types_find(types, "struct page", &page);
	if (err)
		return kd_cmd_fail_what(ctx, "struct page", err);
	struct kmem_members *m = calloc(1, sizeof(*m));
	if (!m)
		return kd_cmd_error(ctx, "out of memory");
	/* members are separated by commas or blanks; empty ones skipped */
	for (const char *p = list; *p;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		size_t n = 0;
		while (p[n] && p[n] != ',' && !isspace((unsigned char)p[n]))
			n++;
		if (!n)
			break;
		struct kmem_member *mm = &m->m[m->n];
		if (m->n == MAX_MEMBERS || !(mm->name = strndup(p, n))) {
			kmem_members_free(m);
			return kd_cmd_error(ctx, "out of memory");
		}
		m->n++;
		if (!resolve_member(page, mm)) {
			int rc = kd_cmd_error(ctx, "invalid page struct member: "
					      "%s", mm->name);
			kmem_members_free(m);
			return rc;
		}
		p += n;
	}
	if (!m->n) {
		kmem_members_free(m);
		return kd_cmd_error(ctx, "invalid page struct member list "
				    "format: %s", list);
	}
	*ret = m;
	return 0;
}

static uint64_t raw_uint(const uint8_t *raw, uint64_t off, uint64_t len)
{
	uint64_t v = 0;
	memcpy(&v, raw + off, len);	/* little endian: the low bytes */
	return v;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* One member's text as crash prints it; 0 when unsupported. */
static int member_text(FILE *out, const struct kmem_member *m,
		       const uint8_t *raw, uint64_t raw_size)
{
	if (m->offset > raw_size || m->length > raw_size - m->offset)
		return 0;
	switch (m->kind) {
	case MK_PTR:
		fprintf(out, "%016" PRIx64 "  ",
			raw_uint(raw, m->offset, m->length > 8 ? 8 : m->length));
		return 1;
	case MK_INT: {
		if (m->length != 1 && m->length != 2 && m->length != 4 &&
		    m->length != 8)
			return 0;
		uint64_t v = raw_uint(raw, m->offset, m->length);
		if (m->bitpos || m->bitsize) {
			if (m->length != 4 && m->length != 8)
				return 0;
			v >>= m->bitpos;
			if (m->bitsize < 64)
				v &= (1ULL << m->bitsize) - 1;
		}
		int hex = !strcmp(m->name, "flags");
		int width = (int)m->length * 2;
		if (m->is_unsigned) {
			if (hex)
				fprintf(out, "%0*" PRIx64 "  ", width, v);
			else
				fprintf(out, "%" PRIu64 "  ", v);
		} else if (hex) {
			fprintf(out, "%0*" PRIx64 "%s", width, v,
				m->length == 8 ? "" : "  ");
		} else {
			int64_t sv = m->length == 8 ? (int64_t)v :
				     m->length == 4 ? (int32_t)v :
				     m->length == 2 ? (int16_t)v : (int8_t)v;
			fprintf(out, "%" PRId64 "  ", sv);
		}
		return 1;
	}
	case MK_BOOL: {
		uint8_t b = raw[m->offset];
		if (b <= 1)
			fprintf(out, "%s  ", b ? "true" : "false");
		else
			fprintf(out, "%d", b);
		return 1;
	}
	case MK_STRUCT:
		if (starts(m->name, "_count") || starts(m->name, "_mapcount")) {
			int32_t v = 0;
			memcpy(&v, raw + m->offset,
			       m->length < 4 ? m->length : 4);
			fprintf(out, "%d  ", v);
		} else if (m->length && m->length % 8 == 0) {
			for (uint64_t c = 0; c < m->length; c += 8)
				fprintf(out, "%016" PRIx64 "%s",
					raw_uint(raw, m->offset + c, 8),
					c + 8 < m->length ? "," : "");
			fputs("  ", out);
		} else if (m->length && m->length % 4 == 0) {
			for (uint64_t c = 0; c < m->length; c += 4)
				fprintf(out, "%08" PRIx64 "%s",
					raw_uint(raw, m->offset + c, 4),
					c + 4 < m->length ? "," : "");
		} else if (m->length == 2) {
			fprintf(out, "%04" PRIx64 "  ",
				raw_uint(raw, m->offset, 2));
		} else {
			return 0;
		}
		return 1;
	default:
		return 0;
	}
}

static void members_header(struct kd_cmd_ctx *ctx,
			   const struct kmem_members *m)
{
	char b1[32];
	if (kmem_header_printed)
		return;
	kmem_header_printed = 1;
	fputs(kmem_just(b1, sizeof(b1), 16, KJ_CENTER, "PAGE"), ctx->out);
	for (size_t i = 0; i < m->n; i++)
		fprintf(ctx->out, "  %s", m->m[i].name);
	fputc('\n', ctx->out);
}

/* One page's -m line; 1, or 0 after the error of an unsupported
 * member. */
static int members_line(struct kd_cmd_ctx *ctx, const struct kmem_members *m,
			uint64_t page, const uint8_t *raw, uint64_t size)
{
	fprintf(ctx->out, "%" PRIx64 "  ", page);
	for (size_t i = 0; i < m->n; i++)
		if (!member_text(ctx->out, &m->m[i], raw, size)) {
			fputc('\n', ctx->out);
			kd_cmd_error(ctx, "unsupported page member reference: "
				     "page.%s", m->m[i].name);
			return 0;
		}
	fputc('\n', ctx->out);
	return 1;
}

struct all_pages {
	struct kd_cmd_ctx *ctx;
	int pw;
	uint64_t page_size;
	const struct kmem_members *members;
	uint64_t struct_size;
	int failed;
};

static int one_line(void *arg, const struct kd_page *p, const uint8_t *raw)
{
	struct all_pages *a = arg;
	if (a->members) {
		if (!members_line(a->ctx, a->members, p->addr, raw,
				  a->struct_size)) {
			a->failed = 1;
			return 1;
		}
		return 0;
	}
	line(a->ctx, p, a->pw, a->page_size);
	return 0;
}

/* The struct page an address names: a struct page itself, a virtual
 * address (translated) or a physical one.  0 when there is none. */
static int page_of(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		   uint64_t *page)
{
	uint64_t paddr = a->value;
	struct kd_error *err;
	if (!a->phys && kd_is_page_ptr(ctx->s, a->value)) {
		*page = a->value;
		return 1;
	}
	if (!a->phys && (err = kd_kvtop(ctx->s, a->value, &paddr))) {
		kd_error_destroy(err);
		return 0;
	}
	err = kd_pfn_to_page(ctx->s, paddr / kd_page_size(ctx->s), page);
	kd_error_destroy(err);
	return !err;
}

/* -m ADDR: 1 when found (printed, or its error printed) */
static int members_one(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		       const struct kmem_members *m, uint64_t size, int *rc)
{
	uint64_t page;
	uint8_t raw[1024];
	if (!page_of(ctx, a, &page))
		return 0;
	if (size > sizeof(raw)) {
		*rc = kd_cmd_error(ctx, "struct page of %" PRIu64 " bytes: too "
				   "large", size);
		return 1;
	}
	struct kd_error *err = kd_read_kvaddr(ctx->s, page, raw, size);
	if (err) {
		*rc = kd_cmd_fail_what(ctx, "struct page", err);
		return 1;
	}
	members_header(ctx, m);
	*rc = !members_line(ctx, m, page, raw, size);
	return 1;
}

int kmem_mem_map_one(struct kd_cmd_ctx *ctx, const struct kmem_addr *a)
{
	uint64_t page;
	struct kd_page p;
	if (!page_of(ctx, a, &page))
		return 0;
	struct kd_error *err = kd_page_read(ctx->s, page, &p);
	if (err) {
		kd_cmd_fail_what(ctx, "struct page", err);
		return 0;
	}
	int pw = kmem_paddr_prlen(ctx->s);
	header(ctx, pw < 8 ? 8 : pw);
	line(ctx, &p, pw < 8 ? 8 : pw, kd_page_size(ctx->s));
	return 1;
}

int kmem_mem_map(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		 const struct kmem_members *members)
{
	const struct kd_memmap *map;
	struct kd_error *err = kd_memmap_get(ctx->s, &map);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (a) {
		int rc = 0;
		if (members ? members_one(ctx, a, members,
					  map->page_struct_size, &rc) :
			      kmem_mem_map_one(ctx, a))
			return rc;
		return kd_cmd_error(ctx, "%" PRIx64 ": %s address not found in "
				    "mem map", a->value,
				    a->phys ? "physical" : "kernel virtual");
	}
	int pw = kmem_paddr_prlen(ctx->s);
	struct all_pages all = { ctx, pw < 8 ? 8 : pw, map->page_size,
				 members, map->page_struct_size, 0 };
	uint64_t unreadable = 0;
	if (members)
		members_header(ctx, members);
	else
		header(ctx, all.pw);
	err = kd_memmap_scan(ctx->s, 0, UINT64_MAX, one_line, &all,
			     &unreadable);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (all.failed)
		return 1;
	int rc = 0;
	if (unreadable)	/* rows left out: a partial answer */
		rc = kd_cmd_error(ctx, "-p: %" PRIu64 " struct pages could "
				  "not be read", unreadable);
	if (map->problem)	/* part of the memory map is missing */
		return kd_cmd_error(ctx, "memory map: %s", map->problem);
	return rc;
}

/* ---- -g ---- */

int kmem_page_flags(struct kd_cmd_ctx *ctx, uint64_t flags)
{
	struct kd_types *types;
	struct kd_type *t;
	const struct kd_enumerator *e;
	size_t n, longest = 0;
	int64_t largest = 0;
	struct kd_error *err = kd_session_types(ctx->s, &types);
	if (!err)
		err = kd_types_find(types, "enum pageflags", &t);
	if (!err)
		err = kd_type_enumerators(t, &e, &n);
	if (err) {
		kd_error_destroy(err);
		return kd_cmd_error(ctx, "enum pageflags does not exist in this "
				    "kernel");
	}
	for (size_t i = 0; i < n; i++) {
		if (strlen(e[i].name) > longest)
			longest = strlen(e[i].name);
		if (strstr(e[i].name, "PG_") && e[i].value > largest)
			largest = e[i].value;
	}
	int width = (int)((largest + 1) / 4 + 1);
	const char *ind = flags ? "  " : "";
	if (flags)
		fprintf(ctx->out, "FLAGS: %" PRIx64 "\n", flags);
	fprintf(ctx->out, "%s%-*s BIT  VALUE\n", ind, (int)longest,
		"PAGE-FLAG");
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strstr(e[i].name, "PG_") || e[i].value < 0 ||
		    e[i].value > 63)
			continue;
		uint64_t bit = 1ULL << e[i].value;
		if (flags && !(flags & bit))
			continue;
		found++;
		fprintf(ctx->out, "%s%-*s  %2d  %.*" PRIx64 "\n", ind,
			(int)longest, e[i].name, (int)e[i].value, width, bit);
	}
	if (flags && !found)
		fprintf(ctx->out, "  (none found)\n");
	return 0;
}
