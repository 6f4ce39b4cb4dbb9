/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mod's module-debuginfo options (commands/mod_load.c), used by mod.c. */
#ifndef PYKDUMP_CMD_MOD_LOAD_H
#define PYKDUMP_CMD_MOD_LOAD_H

#include "command.h"

/* The loaded debuginfo file of module name, or NULL. */
const char *kd_mod_objfile(struct kd_session *s, const char *name);

/* Prints mod's table (every module, or only the one named). */
typedef int kd_mod_table_fn(struct kd_cmd_ctx *ctx, const char *only);

/* mod -s NAME [FILE] | -S [DIR] | -d NAME | -D, as crash runs them;
 * op is the option letter, argv the remaining arguments. */
int kd_mod_load_run(struct kd_cmd_ctx *ctx, int op, int argc, char **argv,
		    kd_mod_table_fn *table);

#endif
