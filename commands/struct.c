// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct / union NAME[.member[,member...]] [-o] [-l offset] [-r] [-x|-d]
 *        [address | symbol][:cpuspec] [count | -c count]   (crash's struct)
 *
 * Without an address: the definition (gdb ptype), with -o the byte
 * offset of every member; NAME.member shows that member's declaration
 * line with its offset, as crash cuts it out of the -o listing:
 *
 *   struct task_struct {
 *     [2416] pid_t pid;
 *   }
 *
 * With an address: the value as gdb prints it, "struct NAME {\n  m = v,
 * ...}", or for a member list each member as "  m = v," (no comma after
 * the last member of its struct: crash cuts these lines out of the whole
 * value); -o prints the declaration with each member's address, -r the
 * raw bytes (crash's rd layout with ASCII).  -l OFFSET (bytes or
 * "struct.member") says the address points that far into the object
 * (an embedded list_head).  count objects follow each other (a negative
 * -c count ends at the address).  ADDRESS:cpuspec takes a per-CPU symbol
 * or offset on each CPU named, preceded by "[cpu]: address".
 *
 * As in crash, "NAME[.member] ..." alone runs struct (or union) when
 * NAME is a struct (union) type and no command (kd_cmd_struct_shortcut).
 *
 * Where crash gives up, this answers: several members without an
 * address get their declaration lines (crash prints an error and the
 * whole listing), -o goes with several members (crash refuses), and
 * member[index] / members of a struct crash's output parser trips on
 * ("thread.sp") are shown.  -p (follow pointers), -f (dump file
 * offset), -u (user address) are refused with an error.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

#define MAX_MEMBERS 64

struct req {
	struct kd_cmd_ctx *ctx;
	struct kd_type *type;
	const char *kw;		/* "struct" or "union" */
	const char *name;	/* as typed */
	char *members[MAX_MEMBERS];
	int nmembers;
	unsigned vflags;
	int hex, offsets, raw;
	int64_t count;
	int count_set;
	uint64_t list_off;
};

static struct kd_error *find_type(struct kd_types *types, const char *kw,
				  const char *name, struct kd_type **ret)
{
	char full[512];
	snprintf(full, sizeof(full), "%s %s", kw, name);
	struct kd_error *err = kd_types_find(types, full, ret);
	if (!err)
		return NULL;
	kd_error_destroy(err);
	err = kd_types_find(types, name, ret);
	if (err)
		return err;
	enum kd_type_kind k = kd_type_kind(kd_type_strip(*ret, KD_STRIP_ALL));
	if (k != KD_TYPE_STRUCT && k != KD_TYPE_UNION)
		return kd_error_create(KD_ERR_NOT_FOUND, "not a %s: %s", kw, name);
	return NULL;
}

/* "name.m1,m2" -> type name and member list (modifies spec). */
static int split_members(struct req *r, char *spec)
{
	char *dot = strchr(spec, '.');
	if (!dot)
		return 0;
	*dot = '\0';
	for (char *m = strtok(dot + 1, ","); m; m = strtok(NULL, ",")) {
		if (r->nmembers == MAX_MEMBERS)
			return -1;
		r->members[r->nmembers++] = m;
	}
	return 0;
}

/*
 * Where crash prints a member: it cuts the member's lines out of the
 * whole value, so a member inside anonymous structs or unions keeps
 * their indentation (2 more spaces each) and has a comma unless it is
 * the last member of the struct holding it.  Returns the nesting depth
 * of name in t (0 for a direct member), -1 if not found; *last set.
 */
static int member_place(struct kd_type *t, const char *name, int *last)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i].name && !strcmp(m[i].name, name)) {
			*last = i + 1 == n;
			return 0;
		}
		if (m[i].name)
			continue;
		int d = member_place(kd_type_strip(m[i].type, KD_STRIP_ALL),
				     name, last);
		if (d >= 0)
			return d + 1;
	}
	return -1;
}

/* For a path ("se.load.weight"), the place of its last component in the
 * type holding it; crash prints such members at the first level. */
static int path_place(struct kd_type *t, const char *path, int *last)
{
	const char *cut = NULL;
	for (const char *p = path; *p; p++)
		if (*p == '.')
			cut = p;
	*last = 0;
	if (!cut && !strchr(path, '['))
		return member_place(t, path, last);
	if (cut) {
		char *prefix = strndup(path, (size_t)(cut - path));
		struct kd_member_path mp;
		struct kd_error *err = prefix ? kd_type_member_path(t, prefix, &mp)
					      : &kd_error_nomem;
		free(prefix);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
		if (member_place(kd_type_strip(mp.type, KD_STRIP_ALL), cut + 1,
				 last) < 0)
			*last = 0;
	}
	return 0;
}

/* ---- values ---- */

static struct kd_error *print_member(struct req *r, uint64_t addr,
				     const char *name)
{
	struct kd_type *st = kd_type_strip(r->type, KD_STRIP_ALL);
	struct kd_member_path mp;
	int last = 0;
	struct kd_error *err = kd_type_member_path(st, name, &mp);
	if (err)
		return err;
	int depth = path_place(st, name, &last);
	depth = depth < 0 ? 0 : depth;
	FILE *out = r->ctx->out;
	fprintf(out, "%*s%s = ", 2 * (depth + 1), "", name);
	if (mp.bit_size || mp.bit_offset % 8) {
		/* a bitfield: print it from its containing bytes */
		uint8_t buf[16] = { 0 };
		uint64_t first = mp.bit_offset / 8;
		err = kd_read_kvaddr(r->ctx->s, addr + first, buf,
				     (mp.bit_offset % 8 + mp.bit_size + 7) / 8);
		if (err)
			return err;
		uint64_t v = 0;
		memcpy(&v, buf, 8);
		v = (v >> (mp.bit_offset % 8)) & ((1ULL << mp.bit_size) - 1);
		fprintf(out, r->vflags & KD_VF_HEX ? "0x%" PRIx64 : "%" PRIu64, v);
	} else {
		err = kd_value_format(r->ctx->s, mp.type, addr + mp.bit_offset / 8,
				      NULL, r->vflags, depth + 1, out);
		if (err)
			return err;
	}
	fprintf(out, "%s\n", last ? "" : ",");
	return NULL;
}

/* crash's raw_data_dump: words of the object's size class (8, 16 or 32
 * bits for objects of that size, else 64), two 64-bit words a line, the
 * ASCII of the line after them. */
static struct kd_error *print_raw(struct req *r, uint64_t addr, uint64_t len)
{
	unsigned wsize = len == 1 ? 1 : len == 2 ? 2 : len == 4 ? 4 : 8;
	uint64_t words = (len + wsize - 1) / wsize;
	unsigned per_line = 16 / wsize;
	FILE *out = r->ctx->out;
	uint8_t line[16];
	for (uint64_t w = 0; w < words; w += per_line) {
		unsigned n = words - w < per_line ? (unsigned)(words - w) : per_line;
		uint64_t a = addr + w * wsize;
		struct kd_error *err = kd_read_kvaddr(r->ctx->s, a, line,
						      n * wsize);
		if (err)
			return err;
		fprintf(out, "%16" PRIx64 ":  ", a);
		for (unsigned i = 0; i < n; i++) {
			uint64_t v = 0;
			memcpy(&v, line + i * wsize, wsize);
			fprintf(out, "%0*" PRIx64 " ", (int)wsize * 2, v);
		}
		fprintf(out, "%*s  ", (int)((per_line - n) * (wsize * 2 + 1)), "");
		for (unsigned i = 0; i < n * wsize; i++)
			fputc(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.',
			      out);
		fputc('\n', out);
	}
	return NULL;
}

static struct kd_error *print_object(struct req *r, uint64_t addr)
{
	struct kd_error *err = NULL;
	if (r->offsets) {
		struct kd_def_opts o = { .offsets = 1, .has_vaddr = 1,
					 .vaddr = addr, .hex = r->hex,
					 .members = (const char *const *)r->members,
					 .nmembers = (size_t)r->nmembers };
		return kd_cmd_print_definition_opts(r->ctx->out, r->type, &o);
	}
	if (r->raw) {
		struct kd_member_path mp = { .type = r->type };
		if (r->nmembers && (err = kd_type_member_path(
				kd_type_strip(r->type, KD_STRIP_ALL),
				r->members[0], &mp)))
			return err;
		return print_raw(r, addr + mp.bit_offset / 8,
				 kd_type_size(mp.type));
	}
	if (r->nmembers == 0) {
		const char *name = kd_type_name(kd_type_strip(r->type,
							      KD_STRIP_ALL));
		fprintf(r->ctx->out, "%s %s ", r->kw, name ? name : "");
		err = kd_value_format(r->ctx->s, r->type, addr, NULL, r->vflags,
				      0, r->ctx->out);
		if (!err)
			fputc('\n', r->ctx->out);
		return err;
	}
	for (int i = 0; i < r->nmembers && !err; i++)
		err = print_member(r, addr, r->members[i]);
	return err;
}

static int print_objects(struct req *r, uint64_t addr)
{
	uint64_t size = kd_type_size(r->type);
	uint64_t n = r->count < 0 ? (uint64_t)-r->count : (uint64_t)r->count;
	if (r->count < 0)
		addr -= size * (n - 1);
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			fputc('\n', r->ctx->out);
		struct kd_error *err = print_object(r, addr + i * size);
		if (err && kd_error_is_fault(err)) {
			/* after the "struct NAME " already printed, as crash */
			fprintf(r->ctx->out, "%s: %s kernel virtual address: "
				"%" PRIx64 "  type: \"gdb_readmem_callback\"\n",
				r->ctx->name, err->code == KD_ERR_FAULT ?
				"invalid" : "read error:",
				err->addr ? err->addr : addr + i * size);
			kd_cmd_note(r->ctx, "%s", err->message);
			kd_error_destroy(err);
			return 1;
		}
		if (err)
			return kd_cmd_fail(r->ctx, err);
	}
	return 0;
}

/* ---- addresses ---- */

/* crash's IS_A_NUMBER then stol: decimal when only digits, else hex. */
static int parse_number(const char *s, uint64_t *ret)
{
	char *end;
	int dec = 1;
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++)
		dec &= isdigit((unsigned char)*p) != 0;
	*ret = strtoull(s, &end, dec ? 10 : 16);
	return *end == '\0';
}

static int per_cpu_objects(struct req *r, uint64_t off, const char *cpuspec)
{
	const uint64_t *offs;
	unsigned n;
	struct kd_error *err = kd_percpu_offsets(r->ctx->s, &offs, &n);
	if (err)
		return kd_cmd_fail(r->ctx, err);
	unsigned char *mask = calloc(n ? n : 1, 1);
	if (!mask)
		return kd_cmd_error(r->ctx, "out of memory");
	int rc = 0;
	if (!*cpuspec) {
		int cpu = kd_cmd_current_cpu(r->ctx);
		mask[(unsigned)cpu < n ? cpu : 0] = 1;
	} else if (kd_cmd_cpuspec(r->ctx, cpuspec, (int)n, mask) < 0) {
		rc = 1;
	}
	for (unsigned cpu = 0; cpu < n && !rc; cpu++) {
		if (!mask[cpu])
			continue;
		fprintf(r->ctx->out, "[%u]: %" PRIx64 "\n", cpu, offs[cpu] + off);
		rc = print_objects(r, offs[cpu] + off - r->list_off);
	}
	free(mask);
	return rc;
}

/* ADDRESS or SYMBOL, with an optional :cpuspec. */
static int objects_at(struct req *r, const char *arg)
{
	char buf[256];
	uint64_t addr;
	snprintf(buf, sizeof(buf), "%s", arg);
	char *cpuspec = strchr(buf, ':');
	if (cpuspec)
		*cpuspec++ = '\0';
	struct kd_symtab *st = kd_session_symtab(r->ctx->s);
	struct kd_symbol sym;
	int is_number = kd_cmd_parse_hex(buf, &addr);
	struct kd_error *err = NULL;
	if (!is_number) {
		err = st ? kd_symtab_lookup(st, buf, &sym) : NULL;
		if (!st || err) {
			kd_error_destroy(err);
			if (!kd_cmd_parse_addr(r->ctx->s, buf, &addr))
				return kd_cmd_error(r->ctx, "symbol not found: %s",
						    buf);
		} else {
			addr = sym.value;
			if (cpuspec && !(sym.flags & KD_SYM_PERCPU)) {
				/* a warning, not part of the answer */
				kd_cmd_note(r->ctx, "WARNING: %s is not percpu; "
					    "cpuspec ignored.", buf);
				fflush(r->ctx->out);
				fprintf(kd_cmd_errfile(r->ctx), "%s: WARNING: "
					"%s is not percpu; cpuspec "
					"ignored.\n", r->ctx->name, buf);
				cpuspec = NULL;
			}
		}
	}
	if (cpuspec)
		return per_cpu_objects(r, addr, cpuspec);
	return print_objects(r, addr - r->list_off);
}

/* ---- declarations ---- */

static int declarations(struct req *r)
{
	struct kd_type *st = kd_type_strip(r->type, KD_STRIP_ALL);
	for (int i = 0; i < r->nmembers; i++) {
		struct kd_member m;
		struct kd_error *err = strpbrk(r->members[i], ".[") ? NULL :
				       kd_type_find_member(st, r->members[i], &m);
		if (strpbrk(r->members[i], ".[") || err) {
			kd_error_destroy(err);
			return kd_cmd_error(r->ctx, "invalid data structure "
					    "reference: %s.%s%s", r->name,
					    r->members[i],
					    strpbrk(r->members[i], ".[") ?
					    " (a declaration shows a member of "
					    "the type itself)" : "");
		}
	}
	struct kd_def_opts o = { .offsets = r->offsets, .hex = r->hex,
				 .members = (const char *const *)r->members,
				 .nmembers = (size_t)r->nmembers };
	struct kd_error *err = kd_cmd_print_definition_opts(r->ctx->out,
							    r->type, &o);
	return err ? kd_cmd_fail(r->ctx, err) : 0;
}

/* ---- options ---- */

static int list_offset(struct req *r, struct kd_types *types, const char *arg,
		       uint64_t *ret)
{
	if (parse_number(arg, ret))
		return 0;
	const char *dot = strchr(arg, '.');
	char name[256];
	struct kd_type *t;
	struct kd_member_path mp;
	if (!dot || (size_t)(dot - arg) >= sizeof(name))
		return kd_cmd_error(r->ctx, "invalid -l option: %s", arg);
	memcpy(name, arg, (size_t)(dot - arg));
	name[dot - arg] = '\0';
	struct kd_error *err = find_type(types, "struct", name, &t);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_error_destroy(err);
		err = find_type(types, "union", name, &t);
	}
	if (!err)
		err = kd_type_member_path(kd_type_strip(t, KD_STRIP_ALL),
					  dot + 1, &mp);
	if (err) {
		kd_error_destroy(err);
		return kd_cmd_error(r->ctx, "invalid -l option: %s", arg);
	}
	*ret = mp.bit_offset / 8;
	return 0;
}

static int parse_count(struct req *r, const char *arg)
{
	char *end;
	long long c = strtoll(arg, &end, 10);
	if (end == arg || *end || c == 0)
		return kd_cmd_error(r->ctx, "invalid count: %s", arg);
	r->count = c;
	r->count_set = 1;
	return 0;
}

static int parse_options(struct req *r, struct kd_types *types, int argc,
			 char **argv)
{
	int c, dec = 0;
	const char *l_arg = NULL;
	opterr = 0;
	while ((c = getopt(argc, argv, "oxdhrc:l:pfuv")) != -1) {
		switch (c) {
		case 'o': r->offsets = 1; break;
		case 'x': case 'h': r->hex = 1; break;
		case 'd': dec = 1; break;
		case 'r': r->raw = 1; break;
		case 'c':
			if (parse_count(r, optarg))
				return 1;
			break;
		case 'l': l_arg = optarg; break;
		case 'p': case 'f': case 'u': case 'v':
			return kd_cmd_error(r->ctx, "-%c is not supported (%s)", c,
					    c == 'p' ? "following pointers" :
					    c == 'f' ? "dump file offsets" :
					    c == 'u' ? "user addresses" :
					    "verbose raw data");
		default:
			if (optopt == 'c' || optopt == 'l')
				return kd_cmd_error(r->ctx, "option -%c needs an "
						    "argument", optopt);
			return kd_cmd_bad_option(r->ctx, optopt);
		}
	}
	if (r->hex && dec)
		return kd_cmd_error(r->ctx, "-d and -x are mutually exclusive");
	if (r->hex)
		r->vflags |= KD_VF_HEX;
	if (l_arg && list_offset(r, types, l_arg, &r->list_off))
		return 1;
	return 0;
}

static int usage(struct kd_cmd_ctx *ctx)
{
	return kd_cmd_error(ctx, "a %s name is missing; usage: %s %s_name"
			    "[.member[,member]] [-o][-l offset][-rxd] "
			    "[address | symbol][:cpuspec] [count | -c count]",
			    ctx->name, ctx->name, ctx->name);
}

static int run_kw(struct kd_cmd_ctx *ctx, int argc, char **argv,
		  const char *kw)
{
	struct req r = { .ctx = ctx, .kw = kw, .count = 1 };
	struct kd_types *types = kd_cmd_types(ctx);
	if (!types)
		return 1;
	if (parse_options(&r, types, argc, argv))
		return 1;
	if (optind >= argc)
		return usage(ctx);
	const char *arg = argv[optind];
	size_t alen = strlen(arg);
	if (arg[alen - 1] == '.' || arg[alen - 1] == ',')
		return kd_cmd_error(ctx, "invalid format: %s", arg);
	const char *addr_arg = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (optind + 2 < argc) {
		if (r.count_set || optind + 3 < argc)
			return kd_cmd_error(ctx, "too many arguments!");
		if (parse_count(&r, argv[optind + 2]))
			return 1;
	}
	char *spec = strdup(arg);
	if (!spec)
		return kd_cmd_error(ctx, "out of memory");
	int rc = 0;
	if (split_members(&r, spec) < 0) {
		rc = kd_cmd_error(ctx, "too many members in comma-separated "
				  "list!");
		goto out;
	}
	r.name = spec;
	struct kd_error *err = find_type(types, kw, spec, &r.type);
	if (err) {
		kd_error_destroy(err);
		rc = kd_cmd_error(ctx, "invalid data structure reference: %s",
				  spec);
	} else if (r.raw && r.nmembers > 1) {
		rc = kd_cmd_error(ctx, "only one structure member allowed "
				  "with -r");
	} else if (addr_arg) {
		rc = objects_at(&r, addr_arg);
	} else if (r.count_set) {
		rc = kd_cmd_error(ctx, "no kernel virtual address argument "
				  "entered");
	} else if (r.raw) {
		rc = kd_cmd_error(ctx, "-r needs an address");
	} else {
		rc = declarations(&r);
	}
out:
	free(spec);
	return rc;
}

static int run_struct(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	return run_kw(ctx, argc, argv, "struct");
}

static int run_union(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	return run_kw(ctx, argc, argv, "union");
}

int kd_cmd_struct_shortcut(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	static const char *const kws[] = { "struct", "union" };
	struct kd_types *types;
	struct kd_type *t;
	char name[256];
	snprintf(name, sizeof(name), "%s", argv[0]);
	name[strcspn(name, ".")] = '\0';
	if (!*name || !ctx->s || !kd_session_symtab(ctx->s))
		return -1;
	struct kd_error *err = kd_session_types(ctx->s, &types);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	for (size_t i = 0; i < KD_ARRAY_SIZE(kws); i++) {
		char full[300];
		snprintf(full, sizeof(full), "%s %s", kws[i], name);
		if ((err = kd_types_find(types, full, &t))) {
			kd_error_destroy(err);
			continue;
		}
		char **v = calloc((size_t)argc + 2, sizeof(*v));
		if (!v)
			return kd_cmd_error(ctx, "out of memory");
		v[0] = (char *)kws[i];
		memcpy(v + 1, argv, (size_t)argc * sizeof(*v));
		struct kd_cmd_ctx c = *ctx;
		c.name = kws[i];
		optind = 0;
		int rc = run_kw(&c, argc + 1, v, kws[i]);
		free(v);
		return rc;
	}
	return -1;
}

#define HELP(kw) \
	kw " " kw "_name[.member[,member]] [-o][-l offset][-r][-x|-d]\n" \
	"       [address | symbol][:cpuspec] [count | -c count]\n" \
	"  Without an address: the definition (-o with member offsets);\n" \
	"  " kw "_name.member: that member's declaration and offset.\n" \
	"  With one: the contents (or the members named).\n" \
	"    -o  member offsets; with an address, member addresses\n" \
	"    -l offset  the address points offset bytes (a number, or\n" \
	"        \"struct.member\") into the object\n" \
	"    -r  raw data, as rd prints it\n" \
	"    -x / -d  integers in hexadecimal / decimal\n" \
	"    :cpuspec  a per-CPU symbol or offset on the CPUs named\n" \
	"        (\":\" the current CPU, \"a\" all, \"1,3\", \"0-1\")\n" \
	"    count  consecutive objects; -c -N: the N ending at address\n"

const struct kd_command kd_cmd_struct = {
	.name = "struct",
	.summary = "structure contents",
	.usage = HELP("struct"),
	.run = run_struct,
	.needs_vmlinux = 1,
};

const struct kd_command kd_cmd_union = {
	.name = "union",
	.summary = "union contents",
	.usage = HELP("union"),
	.run = run_union,
	.needs_vmlinux = 1,
};
