// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mod -s NAME [FILE]   load a module's debuginfo (FILE, else searched:
 *                      lib/dlkm/search.c), then show its row;
 * mod -S [DIR]         load every module's debuginfo found in DIR (else
 *                      the search path), then show the table;
 * mod -d NAME, mod -D  unload one / all (no output, as crash).
 * crash's messages: an unknown module or a missing argument print the
 * usage; a file that is not an ELF object "mod: FILE: not an ELF format
 * object file".  Beyond crash, a file that is not that module's (its
 * build-id or .modinfo name differ) is refused with the reason.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pykdump/dlkm.h>
#include <pykdump/inputfile.h>

#include "mod_load.h"

static const char usage[] =
	"Usage:\n"
	"  mod -s module [objfile] | -d module | -S [directory] "
	"[-D|-t|-r|-R|-o|-g]\n"
	"Enter \"help mod\" for details.\n";

static int print_usage(struct kd_cmd_ctx *ctx)
{
	fputs(usage, ctx->out);
	return 1;
}

const char *kd_mod_objfile(struct kd_session *s, const char *name)
{
	size_t i;
	struct kd_module_info mi;
	struct kd_error *err = kd_modules_find(s, name, &i);
	if (!err)
		err = kd_modules_get(s, i, &mi);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	return mi.debuginfo;
}

static int fail(struct kd_cmd_ctx *ctx, struct kd_error *err)
{
	fprintf(ctx->out, "mod: %s\n", err->message);
	kd_error_destroy(err);
	return 1;
}

/* A file that is no usable object: crash's line and usage, with our
 * reason between them. */
static int bad_object(struct kd_cmd_ctx *ctx, const char *file,
		      struct kd_error *err, int why)
{
	fprintf(ctx->out, "mod: %s: not an ELF format object file\n", file);
	if (why)
		fprintf(ctx->out, "mod: %s\n", err->message);
	kd_error_destroy(err);
	return print_usage(ctx);
}

/* crash's wording for a file that is no ELF object. */
static struct kd_error *check_elf_file(const char *file)
{
	int fd;
	struct kd_error *err = kd_open_input(file, "module", &fd);
	if (err && err->code == KD_ERR_OS) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOT_FOUND, "%s: cannot open", file);
	}
	if (err)
		return err;	/* a FIFO ...: never read */
	unsigned char magic[4] = { 0 };
	ssize_t n = read(fd, magic, 4);
	close(fd);
	int zst = strlen(file) > 4 && !strcmp(file + strlen(file) - 4, ".zst");
	int xz = strlen(file) > 3 && !strcmp(file + strlen(file) - 3, ".xz");
	if (!zst && !xz && (n != 4 || memcmp(magic, "\177ELF", 4) != 0))
		return kd_error_create(KD_ERR_FORMAT, "%s: no ELF magic", file);
	return NULL;
}

static int load_one(struct kd_cmd_ctx *ctx, int argc, char **argv,
		    kd_mod_table_fn *table)
{
	size_t i;
	if (argc < 1 || argc > 2)
		return print_usage(ctx);
	struct kd_error *err = kd_modules_find(ctx->s, argv[0], &i);
	if (err) {
		kd_error_destroy(err);
		return print_usage(ctx);
	}
	if (argc == 2 && (err = check_elf_file(argv[1])))
		return err->code == KD_ERR_FORMAT ?
			bad_object(ctx, argv[1], err, 0) : fail(ctx, err);
	err = kd_modules_load_debuginfo(ctx->s, argv[0],
					argc == 2 ? argv[1] : NULL);
	if (err && argc == 2 && (err->code == KD_ERR_TRUNCATED ||
				 err->code == KD_ERR_CORRUPT ||
				 err->code == KD_ERR_FORMAT))
		return bad_object(ctx, argv[1], err, 1);
	if (err)
		return fail(ctx, err);
	return table(ctx, argv[0]);
}

static void report(void *arg, const char *module, const struct kd_error *err)
{
	struct kd_cmd_ctx *ctx = arg;
	fprintf(ctx->out, "mod: %s%s%s\n", module ? module : "",
		module ? ": " : "", err->message);
}

static int load_all(struct kd_cmd_ctx *ctx, int argc, char **argv,
		    kd_mod_table_fn *table)
{
	struct stat st;
	if (argc > 1)
		return print_usage(ctx);
	if (argc == 1 && (stat(argv[0], &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(ctx->out, "mod: %s is not a directory\n", argv[0]);
		return print_usage(ctx);
	}
	kd_modules_load_all(ctx->s, argc ? argv[0] : NULL, report, ctx);
	return table(ctx, NULL);
}

int kd_mod_load_run(struct kd_cmd_ctx *ctx, int op, int argc, char **argv,
		    kd_mod_table_fn *table)
{
	struct kd_error *err;
	switch (op) {
	case 's':
		return load_one(ctx, argc, argv, table);
	case 'S':
		return load_all(ctx, argc, argv, table);
	case 'd':
		if (argc != 1)
			return print_usage(ctx);
		err = kd_modules_unload_debuginfo(ctx->s, argv[0]);
		if (err && err->code == KD_ERR_NOT_FOUND) {
			kd_error_destroy(err);	/* crash: silent */
			return 0;
		}
		return err ? fail(ctx, err) : 0;
	case 'D':
		if (argc)
			return print_usage(ctx);
		kd_modules_unload_all(ctx->s);
		return 0;
	default:
		return print_usage(ctx);
	}
}
