// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * typedump: print what the debuginfo layer knows, in a plain form the
 * kernel tests compare with gdb (and later crash).
 *
 *   typedump [-c CACHE_DIR] VMLINUX 'struct task_struct'   layout
 *   typedump VMLINUX -v jiffies      variable: declaration, link address
 *   typedump VMLINUX -f schedule     function: declaration, address
 *   typedump VMLINUX -e TASK_RUNNING enumerator value
 *   typedump VMLINUX -s init_task    symbols of that name
 *   typedump VMLINUX -l all          every symbol kept, in address order
 *   typedump -r OFFSET ...           relocate symbols by OFFSET (KASLR)
 *   typedump VMLINUX -M loop.ko ...  add a module's debuginfo, searched next
 *
 * Layout lines: "PATH OFFSET BITPOS SIZE DECL" where struct/union members
 * are expanded recursively (as gdb's ptype /o does), OFFSET is in bytes,
 * BITPOS is "-" unless a bitfield, then a header "size N".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/debuginfo.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>

static int fail(struct kd_error *err)
{
	fprintf(stderr, "typedump: %s\n", err->message);
	kd_error_destroy(err);
	return 1;
}

static int expandable(struct kd_type *t)
{
	enum kd_type_kind k = kd_type_kind(t);
	return k == KD_TYPE_STRUCT || k == KD_TYPE_UNION;
}

static struct kd_error *dump_members(struct kd_type *t, const char *prefix,
				     uint64_t base_bits, int depth)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	for (size_t i = 0; !err && i < n; i++) {
		char path[1024], *decl;
		uint64_t bits = base_bits + m[i].bit_offset;
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
			 m[i].name ? m[i].name : "<anon>");
		if ((err = kd_type_format(m[i].type, m[i].name, &decl)))
			break;
		if (m[i].bit_size)
			printf("%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %s : %u\n",
			       path, bits / 8, bits % 8, kd_type_size(m[i].type),
			       decl, m[i].bit_size);
		else
			printf("%s %" PRIu64 " - %" PRIu64 " %s\n", path, bits / 8,
			       kd_type_size(m[i].type), decl);
		free(decl);
		if (expandable(m[i].type) && depth < 32)
			err = dump_members(m[i].type, path, bits, depth + 1);
	}
	return err;
}

static int dump_type(struct kd_types *types, const char *name)
{
	struct kd_type *t;
	char *decl;
	struct kd_error *err = kd_types_find(types, name, &t);
	if (!err)
		err = kd_type_format(t, NULL, &decl);
	if (err)
		return fail(err);
	printf("type %s\nsize %" PRIu64 "\nalign %" PRIu64 "\n", decl,
	       kd_type_size(t), kd_type_align(t));
	free(decl);
	struct kd_type *s = kd_type_strip(t, KD_STRIP_ALL);
	if (expandable(s) && (err = dump_members(s, "", 0, 0)))
		return fail(err);
	if (kd_type_kind(s) == KD_TYPE_ENUM) {
		const struct kd_enumerator *e;
		size_t n;
		if ((err = kd_type_enumerators(s, &e, &n)))
			return fail(err);
		for (size_t i = 0; i < n; i++)
			printf("%s = %" PRId64 "\n", e[i].name, e[i].value);
	}
	return 0;
}

static uint64_t relocation;

static int dump_object(struct kd_debuginfo *di, struct kd_types *types,
		       char mode, const char *name)
{
	struct kd_error *err = NULL;
	char *decl = NULL;
	if (mode == 'v') {
		struct kd_variable v;
		if (!(err = kd_types_find_variable(types, name, &v)) &&
		    !(err = kd_type_format(v.type, name, &decl)))
			printf("%s\naddress 0x%" PRIx64 "%s%s\n", decl, v.address,
			       v.is_percpu ? " percpu" : "",
			       v.is_declaration ? " declaration" : "");
	} else if (mode == 'f') {
		struct kd_function f;
		if (!(err = kd_types_find_function(types, name, &f)) &&
		    !(err = kd_type_format(f.type, name, &decl)))
			printf("%s\naddress 0x%" PRIx64 "\n", decl, f.address);
	} else if (mode == 'e') {
		struct kd_enum_value e;
		if (!(err = kd_types_find_enumerator(types, name, &e)))
			printf("%s = %" PRId64 "\n", name, e.value);
	} else if (mode == 'M') {
		const char *base = strrchr(name, '/');
		err = kd_debuginfo_add_source(di, base ? base + 1 : name, name);
	} else if (mode == 'l') {
		struct kd_symtab *st;
		struct kd_symbol sym;
		if (!(err = kd_debuginfo_symtab(di, &st))) {
			kd_symtab_set_relocation(st, relocation);
			for (size_t i = 0; kd_symtab_get(st, i, &sym); i++)
				printf("%016" PRIx64 " %c %s\n", sym.value,
				       sym.type, sym.name);
		}
	} else {
		struct kd_symtab *st;
		struct kd_symbol syms[64];
		if (!(err = kd_debuginfo_symtab(di, &st))) {
			kd_symtab_set_relocation(st, relocation);
			size_t n = kd_symtab_lookup_all(st, name, syms, 64);
			for (size_t i = 0; i < n && i < 64; i++)
				printf("%016" PRIx64 " %c %s\n", syms[i].value,
				       syms[i].type, syms[i].name);
			if (n == 0)
				err = kd_error_create(KD_ERR_NOT_FOUND,
						      "no symbol %s", name);
		}
	}
	free(decl);
	return err ? fail(err) : 0;
}

int main(int argc, char **argv)
{
	struct kd_debuginfo_options opts = { 0 };
	int c;
	while ((c = getopt(argc, argv, "+c:r:")) != -1) {
		if (c == 'c')
			opts.cache_dir = optarg;
		else if (c == 'r')
			relocation = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: typedump [-c CACHE] VMLINUX TYPE | -v VAR | "
			"-f FUNC | -e ENUMERATOR | -s SYMBOL ...\n");
		return 2;
	}
	struct kd_debuginfo *di;
	struct kd_types *types;
	struct kd_error *err = kd_debuginfo_open(argv[optind], &opts, &di);
	if (!err)
		err = kd_debuginfo_types(di, &types);
	if (err)
		return fail(err);
	int rc = 0;
	for (int i = optind + 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] && !argv[i][2] && i + 1 < argc) {
			rc |= dump_object(di, types, argv[i][1], argv[i + 1]);
			i++;
		} else {
			rc |= dump_type(types, argv[i]);
		}
	}
	kd_debuginfo_close(di);
	return rc;
}
