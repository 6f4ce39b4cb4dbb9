// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * whatis [-o] [struct|union|enum] NAME | symbol     (crash's whatis)
 *
 * A variable or function prints its declaration ("volatile unsigned
 * long jiffies;", "void schedule(void);"); a type name its definition
 * as `struct` prints it (typedefs as "typedef ... NAME;" then SIZE, with
 * gdb's ptype resolving every typedef level of the target); a
 * floating-point, _Bool or void type just its name, as gdb's whatis.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/types.h>

#include "cmd_util.h"

static int usage(struct kd_cmd_ctx *ctx)
{
	fflush(ctx->out);
	fprintf(kd_cmd_errfile(ctx),
		"Usage:\n  whatis [[-o] [struct | union | typedef | symbol]] | \n"
		"         [[-r [size|range]] [-m member]]\n"
		"Enter \"help whatis\" for details.\n");
	return 1;
}

/* t declared as name ("unsigned long jiffies"; name NULL: the type
 * alone), then end. */
static int print_decl(struct kd_cmd_ctx *ctx, struct kd_type *t,
		      const char *name, const char *end)
{
	char *decl;
	struct kd_error *err = kd_type_format(t, name, &decl);
	if (err)
		return kd_cmd_fail(ctx, err);
	fprintf(ctx->out, "%s%s", decl, end);
	free(decl);
	return 0;
}

/* crash describes structs, unions, enums and integer, pointer, function
 * and array types itself; any other type (a floating-point, _Bool or
 * void base type, or a typedef of one) it hands to gdb's whatis, which
 * prints the name one typedef level down: "whatis bool" is "_Bool". */
static int gdb_whatis_only(struct kd_type *t)
{
	switch (kd_type_kind(kd_type_strip(t, KD_STRIP_TYPEDEF))) {
	case KD_TYPE_FLOAT:
	case KD_TYPE_BOOL:
	case KD_TYPE_VOID:
		return 1;
	default:
		return 0;
	}
}

static int print_gdb_whatis(struct kd_cmd_ctx *ctx, struct kd_type *t)
{
	if (kd_type_kind(t) == KD_TYPE_TYPEDEF && kd_type_target(t))
		t = kd_type_target(t);
	return print_decl(ctx, t, NULL, "\n");
}

/* 1 if name was a variable or function (printed), 0 if neither. */
static int symbol_decl(struct kd_cmd_ctx *ctx, struct kd_types *types,
		       const char *name, int *rc)
{
	struct kd_variable var;
	struct kd_function fn;
	struct kd_error *err = kd_types_find_variable(types, name, &var);
	if (!err) {
		*rc = print_decl(ctx, var.type, name, ";\n");
		return 1;
	}
	kd_error_destroy(err);
	err = kd_types_find_function(types, name, &fn);
	if (!err) {
		*rc = print_decl(ctx, fn.type, name, ";\n");
		return 1;
	}
	kd_error_destroy(err);
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c, offsets = 0, rc = 0;
	opterr = 0;	/* reported below, on the command's error stream */
	while ((c = getopt(argc, argv, "o")) != -1) {
		if (c != 'o') {
			fflush(ctx->out);
			fprintf(kd_cmd_errfile(ctx), "whatis: invalid option -- "
				"'%c'\n", optopt ? optopt : c);
			return usage(ctx);
		}
		offsets = 1;
	}
	if (optind >= argc)
		return usage(ctx);
	struct kd_types *types = kd_cmd_types(ctx);
	if (!types)
		return 1;
	/* "struct foo" arrives as two words */
	char name[512];
	const char *kw = argv[optind];
	if ((!strcmp(kw, "struct") || !strcmp(kw, "union") ||
	     !strcmp(kw, "enum")) && optind + 1 < argc)
		snprintf(name, sizeof(name), "%s %s", kw, argv[optind + 1]);
	else
		snprintf(name, sizeof(name), "%s", kw);
	if (!strchr(name, ' ') && symbol_decl(ctx, types, name, &rc))
		return rc;
	struct kd_type *t;
	struct kd_error *err = kd_types_find(types, name, &t);
	if (err) {
		kd_error_destroy(err);
		kd_cmd_error(ctx, "cannot resolve: %s", name);
		return usage(ctx);
	}
	if (gdb_whatis_only(t))
		return print_gdb_whatis(ctx, t);
	err = kd_cmd_print_definition(ctx->out, t, offsets);
	return err ? kd_cmd_fail(ctx, err) : 0;
}

const struct kd_command kd_cmd_whatis = {
	.name = "whatis",
	.summary = "search symbol table for data or type information",
	.usage = "whatis [-o] [struct | union | typedef | symbol]",
	.run = run,
	.needs_vmlinux = 1,
};
